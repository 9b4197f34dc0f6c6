/* tui/tui_int.h: the pieces of the interface shared by the files of tui/.
 *
 * Three layers, the lower ones curses-free so the unit suite exercises them
 * without a terminal:
 *   - the model (model.c, runs.c): graph, lists, plan, report, one row per
 *     node, op types, runs and their diff; sorting, filtering, list toggles;
 *   - the canvas (canvas.c) every view draws into, and the graph placed onto
 *     cells (gcells.c); the request table and key names (keys.c);
 *   - the app (app.c, term.c): views as vtables, the loop, prompt, script,
 *     rerun, and the one place that talks to curses (term.c).
 */
#ifndef AMPSCOPE_TUI_TUI_INT_H
#define AMPSCOPE_TUI_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "analyze/rundir.h"
#include "tui/tui.h"
#include "util/util.h"

/* ======================================================================
 * Canvas: a grid of cells every view draws into; term.c copies it to curses,
 * :save-display dumps it as text.
 * ==================================================================== */

/* Colours (pairs). To add one: add an X line; term.c maps it to curses. */
#define TUI_COLORS(X)                                    \
    X(C_NORMAL, -1, -1)                                  \
    X(C_BF16, 2 /* green */, -1)                         \
    X(C_F32, 3 /* yellow */, -1)                         \
    X(C_MIXED, 5 /* magenta */, -1)                      \
    X(C_NONE, 8 /* grey */, -1)                          \
    X(C_AMX, 6 /* cyan */, -1)                           \
    X(C_CAST, 1 /* red */, -1)                           \
    X(C_TITLE, 7, 4 /* white on blue */)                 \
    X(C_TAB, 0, 6 /* black on cyan */)                   \
    X(C_STATUS, 0, 7 /* black on white */)               \
    X(C_HEADER, 6, -1)                                   \
    X(C_PREDICTED, 5, -1)                                \
    X(C_ERROR, 1, -1)

enum tui_color {
#define X(name, fg, bg) name,
    TUI_COLORS(X)
#undef X
    C__COUNT
};

#define A_BOLD_ 0x100u   /* attribute bits above the colour index */
#define A_REV_ 0x200u
#define A_UNDER_ 0x400u
#define A_DIM_ 0x800u

struct tui_cell {
    uint32_t ch;   /* Unicode code point; 0 = right half of a wide char */
    uint16_t attr; /* enum tui_color | A_*_ bits */
};

struct tui_canvas {
    int w, h;
    struct tui_cell *cells; /* w*h, owned */
    bool ascii;             /* line graphics in ASCII (no UTF-8 or forced) */
};

void cv_init(struct tui_canvas *c, int w, int h, bool ascii);
void cv_done(struct tui_canvas *c);
void cv_resize(struct tui_canvas *c, int w, int h);
void cv_clear(struct tui_canvas *c);
/* Fills cols [x, x+n) of row y with spaces in attr. */
void cv_fill(struct tui_canvas *c, int y, int x, int n, unsigned attr);
/* Writes UTF-8 text at (y, x), at most maxw columns (clipped to the canvas);
 * returns the columns used. Control bytes show as '?'. */
int cv_put(struct tui_canvas *c, int y, int x, const char *s, int maxw, unsigned attr);
/* printf into (y, x), clipped at maxw columns. */
int cv_printf(struct tui_canvas *c, int y, int x, int maxw, unsigned attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void cv_set(struct tui_canvas *c, int y, int x, uint32_t ch, unsigned attr);
/* Line-drawing directions, merged per cell into one box-drawing character. */
enum { LN_UP = 1, LN_DOWN = 2, LN_LEFT = 4, LN_RIGHT = 8 };
uint32_t cv_line_char(unsigned mask, bool ascii);
/* The canvas as text, one line per row, trailing spaces removed (abuf). */
void cv_dump(const struct tui_canvas *c, struct abuf *out);
/* Text of one row (tests). */
void cv_row(const struct tui_canvas *c, int y, char *buf, size_t size);

/* Display width of UTF-8 text; and fitting text into w columns: long text
 * keeps its head and tail around an ellipsis ("model/bl…query/MatMul"). */
int tui_strwidth(const char *s);
void tui_fit(char *dst, size_t size, const char *s, int w, bool ascii);
/* Word wrapping: s split into at most max rows of width w (the rows after
 * the first start at column indent), breaking at spaces when it can; returns
 * the rows used (>= 1). tui_wrap_indent picks the indent of a "  label
 * value" line (under the value). tui_fit_words cuts at a word and adds
 * "..." when s is wider than w. */
struct tui_seg {
    size_t off, len;     /* bytes of s */
    int x;               /* column it starts at */
};
int tui_wrap(const char *s, int w, int indent, struct tui_seg *segs, int max);
int tui_wrap_indent(const char *s);
void tui_fit_words(char *dst, size_t size, const char *s, int w);
/* A run directory name ("<model>-YYYYMMDD-HHMMSS") into w columns: the time
 * stamp stays whole and the model name is cut ("transfo…-20261122-133312"). */
void tui_fit_run(char *dst, size_t size, const char *name, int w, bool ascii);

/* ======================================================================
 * Model: what the views show.
 * ==================================================================== */

enum tui_prec { P_NONE, P_F32, P_BF16, P_MIXED };
const char *tui_prec_name(enum tui_prec p); /* "-", "f32", "bf16", "mixed" */

struct tui_row {
    int node;                /* graph index (== row index) */
    const char *name, *op;   /* borrowed from the graph */
    const char *planned;     /* current plan: "bf16" | "fp32" | "-" */
    bool plan_changed;       /* current plan differs from the run's */
    const char *executed;    /* run: "bf16" | "f32" | "mixed" | "-" */
    const char *isa;         /* "amx", "avx512_core_bf16", ... or "" */
    const char *impl;        /* "" when none */
    double time_ms, share;   /* 0 when not run */
    int casts;               /* plan casts on its inputs and outputs */
    bool amx;
    bool has_event;          /* the run has oneDNN events for it */
    enum tui_prec shown;     /* colour: executed, or the prediction */
    bool predicted;          /* `shown` comes from the painter, not from a run */
    const char *reason;      /* AMP reason ("" none) */
    int rep;                 /* index into report->nodes, -1 */
    const char *fused_into;  /* NULL or the anchor node */
};

struct tui_optype {
    const char *op;
    int count, n_bf16, n_f32, n_none; /* nodes, by shown precision */
    enum amp_list list, deflt;
    double time_ms;
};

struct tui_run {
    char dir[1024];
    char name[256];         /* basename */
    char started[64], status[32], backend[32];
    char changes[256];      /* list edits, short: "deny+MatMul" */
    bool current, previous;
};

struct tui_diff_row {
    int node;
    const char *name, *op;
    const char *prec_a, *prec_b; /* executed dtype in A (older) and B (newer) */
    double time_a, time_b, speedup; /* speedup = a / b, NaN when either is 0 */
};

struct tui_model {
    graph *g;                /* owned */
    amp_lists *run_lists;    /* lists of the run (or defaults), owned */
    amp_lists *lists;        /* current lists (edits in the TUI), owned */
    amp_plan *run_plan;      /* plan of the run, owned */
    amp_plan *plan;          /* current plan (== run_plan when unchanged), owned */
    struct report *rep;      /* NULL: model-only prediction */
    bool has_run;
    struct rundir_meta meta;
    char run_dir[1024];
    char model_path[1024];
    char rerun_model[1024];  /* the user's model file (model.path of the run), for reruns */
    char model_name[256];
    char backend[32];
    char load_note[512];     /* a problem worth showing in the message line */
    bool edited;             /* lists differ from the run's */
    struct tui_row *rows;    /* n = g->n_nodes */
    int n_rows;
    struct tui_optype *ops;
    int n_ops;
    /* runs of this model and the diff of two of them */
    struct tui_run *runs;
    int n_runs;
    struct tui_diff_row *diff;
    int n_diff;
    char diff_a[1024], diff_b[1024]; /* directories compared, "" none */
    double diff_iter_a, diff_iter_b; /* ms per iteration */
    /* headline */
    char headline[512];
    char headline_short[200]; /* the same for narrow screens: the main figures only */
};

/* Loads the model (and the run when o->run_dir): graph, lists, plans, report.
 * Returns ST_OK or fills e. */
enum status tm_load(struct tui_model *m, const struct tui_opts *o, struct err *e);
/* Same, on a graph already loaded and inferred (tests, benchmarks): takes it. */
enum status tm_load_graph(struct tui_model *m, graph *g, const char *tf_version, struct err *e);
void tm_done(struct tui_model *m);
/* Rebuilds rows/op types/headline after the plan or report changed. */
void tm_rebuild(struct tui_model *m);
/* Puts op on list (AMP_LIST_NONE = back to its default) and repaints. */
enum status tm_set_list(struct tui_model *m, const char *op, enum amp_list l, struct err *e);
/* The current list edits as NAME=VALUE strings (heap array, NULL-terminated;
 * free with tm_env_free). */
char **tm_env(const struct tui_model *m);
void tm_env_free(char **env);
/* Lists of a run: version tf_version (or the newest) with the edits of its
 * meta.json list_env ("NAME=VALUE" lines) read as TF reads them. */
amp_lists *tm_lists_of_meta(const char *tf_version, const char *list_env, struct err *e);
/* Switches to another run dir of the same graph (after a rerun). */
enum status tm_switch_run(struct tui_model *m, const char *dir, struct err *e);
/* Runs: siblings of the run dir with the same model name, oldest first. */
void tm_scan_runs(struct tui_model *m);
/* Per-node diff of run a (older) and b (newer). */
enum status tm_diff(struct tui_model *m, const char *a, const char *b, struct err *e);
/* Casts of the current plan touching node (as source or destination). */
int tm_node_casts(const struct tui_model *m, int node, int *out, int max);
/* The plan cast on edge src->dst (dst input index), -1 if none. */
int tm_edge_cast(const struct tui_model *m, int src, int dst);

/* Row order and filtering (the nodes view). Sort keys are the columns. */
#define TUI_COLUMNS(X)                           \
    X(COL_NAME, "name", 28, false)               \
    X(COL_OP, "op", 14, false)                   \
    X(COL_PLANNED, "plan", 5, false)             \
    X(COL_EXEC, "exec", 5, false)                \
    X(COL_ISA, "isa/impl", 18, false)            \
    X(COL_TIME, "ms", 8, true)                   \
    X(COL_SHARE, "share", 6, true)               \
    X(COL_CASTS, "casts", 5, true)
enum tui_col {
#define X(id, title, width, numeric) id,
    TUI_COLUMNS(X)
#undef X
    COL__COUNT
};
const char *tui_col_title(enum tui_col c);
/* Sorts idx[n] (row indices) by column; numeric columns default descending. */
void tm_sort(const struct tui_model *m, int *idx, int n, enum tui_col col, bool reverse);
/* Filter terms: space separated, each "word" (name or op contains, case-
 * insensitive), "key:value" with key op|name|plan|exec|isa|list, "!" negates.
 * e.g. "exec:f32", "op:MatMul", "!op:Const". Returns the rows kept in idx. */
/* Paints g with lists l as run/open do (grappler's passes modelled unless g
 * is TensorFlow's own dump). */
amp_plan *tm_paint(const graph *g, const amp_lists *l, struct err *e);
int tm_filter(const struct tui_model *m, const char *filter, int *idx);
bool tm_row_match(const struct tui_model *m, const struct tui_row *r, const char *filter);
/* Case-insensitive substring. */
bool tui_contains(const char *hay, const char *needle);

/* ======================================================================
 * Graph on cells (gcells.c): visible units (nodes or collapsed scopes)
 * placed on a cell grid, edges routed orthogonally, spatial navigation.
 * ==================================================================== */

enum gc_kind { GC_OP, GC_GROUP, GC_CAST };

struct gc_unit {
    enum gc_kind kind;
    int node;            /* GC_OP: graph node; else -1 */
    int lay;             /* index into the layout's nodes[] */
    char label[64];      /* name as drawn (shortened) */
    char tag[48];        /* op, or "scope 12 nodes", or "cast" */
    int x, y, w, h;      /* box on the cell grid */
    enum tui_prec prec;  /* colour */
    bool amx, predicted;
    int n_bf16, n_f32;   /* members by precision (groups) */
};

struct gc_edge {
    int a, b;            /* unit indices */
};

struct lay_layout;
struct tui_gcells {
    struct lay_layout *L; /* the shared layout step (render/layout.h), owned */
    struct gc_unit *units; /* == L->nodes order */
    int n_units;
    struct gc_edge *edges;
    int n_edges;
    int w, h;            /* grid size */
    int depth;           /* collapse depth in force (0 = none) */
    int want_depth;      /* requested: LAY_COLLAPSE_AUTO (-1) or N */
    /* Scopes opened (+) and closed (-) by hand, kept across layouts (gc_done
     * leaves them; gc_scopes_clear frees them). */
    char **opened, **closed;
    int n_opened, n_closed;
    double layout_ms;
    char note[256];      /* "collapsed at depth 2: 40 scopes", or the layout error */
};

/* Lays the model's graph out (render/layout.h, dot) and maps it onto cells.
 * Big graphs start collapsed by name scope. On failure units are empty and
 * note says why. */
void gc_build(struct tui_gcells *gc, const struct tui_model *m);
void gc_done(struct tui_gcells *gc);
/* Forgets the scopes opened and closed by hand (back to automatic collapsing). */
void gc_scopes_clear(struct tui_gcells *gc);
/* Opens scope (its sub-scopes are drawn, one level down) or closes it (one
 * box): updates the lists, dropping entries the new one overrides (closing
 * "a" forgets what was opened inside "a"). Call gc_build afterwards. */
void gc_scope_open(struct tui_gcells *gc, const char *scope);
void gc_scope_close(struct tui_gcells *gc, const char *scope);
/* The scope `-` closes for graph node n: the innermost scope of its name
 * holding at least two nodes of g, written into buf; false when n sits at
 * the top level (or only in one-node scopes). */
bool gc_scope_around(const graph *g, int n, char *buf, size_t size);
/* Recolours units from the model's rows (after a repaint, without layout). */
void gc_recolor(struct tui_gcells *gc, const struct tui_model *m);
/* The unit showing graph node n (its group when collapsed), -1. */
int gc_unit_of(const struct tui_gcells *gc, int node);
/* Boxes drawn when scopes of `depth` (>= 2 members) collapse (0 = none). */
#define GC_MAX_BOXES 400 /* more would make dot (and the keyboard) slow */
int gc_visible_at(const graph *g, int depth);
/* Spatial move from unit u in direction (dx, dy) in {-1,0,1}; returns u when
 * nothing lies that way. Casts are skipped. */
int gc_move(const struct tui_gcells *gc, int u, int dx, int dy);
/* Draws the grid window starting at (ox, oy) into rows [y0, y0+h) of c. */
void gc_draw(const struct tui_gcells *gc, struct tui_canvas *c, int y0, int h, int ox, int oy,
             int cursor);

/* ======================================================================
 * Requests and keys (keys.c).
 * To add a request: add an X line (id, scope, keys, help); the enum, the key
 * map, the help view and the docs check are all generated from it. Keys are
 * space separated key names (see tui_key_parse). Scope "" is global; a view
 * scope ("graph", "nodes", "ops", "log", "runs", "node") is tried first.
 * ==================================================================== */
#define TUI_REQUESTS(X)                                                                     \
    X(REQ_VIEW_GRAPH, "", "1", "Graph view: the model as a DAG")                            \
    X(REQ_VIEW_NODES, "", "2", "Nodes view: table of nodes")                                \
    X(REQ_VIEW_OPS, "", "3", "Op types view: counts, precisions, lists")                    \
    X(REQ_VIEW_LOG, "", "4", "Log view: raw verbose and AMP lines")                         \
    X(REQ_VIEW_RUNS, "", "5", "Runs view: runs of this model and their diff")               \
    X(REQ_VIEW_NEXT, "", "Tab", "Next view")                                                \
    X(REQ_VIEW_PREV, "", "BackTab", "Previous view")                                        \
    X(REQ_HELP, "", "? F1", "This help (generated from the key map)")                      \
    X(REQ_BACK, "", "q", "Close the view (back); quit from the main views")                 \
    X(REQ_QUIT, "", "Q", "Quit")                                                            \
    X(REQ_PROMPT, "", ":", "Command prompt (:help lists the commands)")                     \
    X(REQ_RERUN, "", "r", "Rerun the model with the current list changes (background)")     \
    X(REQ_CANCEL, "", "Esc", "Cancel a rerun, a prompt, or go back")                        \
    X(REQ_ENV, "", "e", "Env lines for the current list changes")                           \
    X(REQ_EXPORT_SVG, "", "s", "Export the annotated graph as SVG into the run directory")  \
    X(REQ_REFRESH, "", "C-l", "Redraw the screen")                                          \
    X(REQ_MOVE_UP, "", "k Up", "Move up")                                                   \
    X(REQ_MOVE_DOWN, "", "j Down", "Move down")                                             \
    X(REQ_MOVE_LEFT, "", "h Left", "Move left")                                             \
    X(REQ_MOVE_RIGHT, "", "l Right", "Move right")                                          \
    X(REQ_PAGE_UP, "", "PgUp C-b", "Page up")                                               \
    X(REQ_PAGE_DOWN, "", "PgDn C-f Space", "Page down")                                     \
    X(REQ_HOME, "", "Home g", "First line")                                                 \
    X(REQ_END, "", "End G", "Last line")                                                    \
    X(REQ_ENTER, "", "Enter", "Open the node under the cursor (details)")                   \
    X(REQ_SEARCH, "", "/", "Search (moves the cursor to the next match)")                   \
    X(REQ_SEARCH_NEXT, "", "n", "Next match")                                               \
    X(REQ_SEARCH_PREV, "", "N", "Previous match")                                           \
    X(REQ_FILTER, "", "\\ F", "Filter rows (e.g. exec:f32  op:MatMul  !op:Const)")          \
    X(REQ_FOLLOW_IN, "graph", "[ u", "Follow inputs: go to the node's input (data path first)")   \
    X(REQ_FOLLOW_OUT, "graph", "] d", "Follow outputs: go to the node's consumer") \
    X(REQ_EXPAND, "graph", "+", "Open the collapsed scope under the cursor (one level)")    \
    X(REQ_COLLAPSE, "graph", "-", "Close the scope around the cursor into one box")         \
    X(REQ_SCOPES_AUTO, "graph", "=", "Collapse scopes automatically again (by graph size)") \
    X(REQ_CENTER, "graph", "f", "Centre the current node")                                  \
    X(REQ_PAN_LEFT, "graph", "H", "Pan left")                                               \
    X(REQ_PAN_RIGHT, "graph", "L", "Pan right")                                             \
    X(REQ_PAN_UP, "graph", "K", "Pan up")                                                   \
    X(REQ_PAN_DOWN, "graph", "J", "Pan down")                                               \
    X(REQ_SORT_NEXT, "nodes", "> .", "Sort by the next column")                             \
    X(REQ_SORT_PREV, "nodes", "< ,", "Sort by the previous column")                         \
    X(REQ_SORT_INVERT, "nodes", "I", "Invert the sort order")                               \
    X(REQ_LIST_ALLOW, "ops", "a", "Put the op type on the allow list")                      \
    X(REQ_LIST_INFER, "ops", "i", "Put the op type on the infer list")                      \
    X(REQ_LIST_CLEAR, "ops", "c", "Put the op type on the clear list")                      \
    X(REQ_LIST_DENY, "ops", "d", "Put the op type on the deny list")                        \
    X(REQ_LIST_DEFAULT, "ops", "x", "Put the op type back on its default list")            \
    X(REQ_DIFF, "runs", "Enter", "Diff the selected run against the current one")          \
    X(REQ_OPEN_RUN, "runs", "o", "Open the selected run")

enum tui_req {
    REQ_NONE,
#define X(id, scope, keys, help) id,
    TUI_REQUESTS(X)
#undef X
    REQ__COUNT
};

/* Key codes: printable = the character, others as curses KEY_* values;
 * TK_* are our names for codes curses does not have. */
#define TK_ESC 27
#define TK_TAB 9
#define TK_ENTER 10

/* "j", "Enter", "C-l", "PgDn", "F1", "Space", ... -> key code; -1 if unknown. */
int tui_key_parse(const char *name);
/* key -> display name ("Enter", "C-l", "j"). */
const char *tui_key_name(int key, char *buf, size_t size);
/* The request bound to key in view scope (view first, then global). */
enum tui_req tui_key_request(const char *scope, int key);
const char *tui_req_name(enum tui_req r);  /* "view-graph" */
const char *tui_req_help(enum tui_req r);
const char *tui_req_keys(enum tui_req r);
const char *tui_req_scope(enum tui_req r);
/* Help text (one line per request, grouped by scope) into lines. */
int tui_help_lines(char ***lines);
void tui_lines_free(char **lines, int n);

/* ======================================================================
 * Views (app.c + view_*.c)
 * ==================================================================== */

/* What a handler reports; the loop acts. */
enum {
    TR_HANDLED = 1,  /* the request was consumed */
    TR_REDRAW = 2,   /* repaint the screen */
    TR_RELOAD = 4,   /* the model changed: every view re-reads it */
    TR_QUIT = 8,
    TR_OPEN = 16,    /* open app->want_view (with app->cur_node) */
    TR_BACK = 32,    /* close this view */
    TR_RELAYOUT = 64 /* the graph expansion changed */
};

struct tui_app;
struct tui_view;

struct view_ops {
    const char *name;        /* "graph", also the key scope */
    const char *title;       /* tab title */
    unsigned flags;          /* VF_* */
    size_t private_size;     /* the framework allocates (zeroed) and frees it */
    /* (Re)reads the model into display state; called at start and on TR_RELOAD. */
    void (*open)(struct tui_app *a, struct tui_view *v);
    /* Draws into rows [y0, y0+h) of the canvas. */
    void (*draw)(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h);
    /* Handles a request; returns TR_* bits (0 = not handled). */
    unsigned (*request)(struct tui_app *a, struct tui_view *v, enum tui_req r);
    /* The shared current node changed elsewhere: move the cursor to it. */
    void (*select)(struct tui_app *a, struct tui_view *v);
    /* Search / filter text given at the prompt. */
    unsigned (*search)(struct tui_app *a, struct tui_view *v, const char *text, int dir);
    unsigned (*filter)(struct tui_app *a, struct tui_view *v, const char *text);
    /* Frees what open allocated (not the private block itself). */
    void (*done)(struct tui_view *v);
};
#define VF_TAB 1    /* one of the numbered main views */

struct tui_view {
    const struct view_ops *ops;
    void *priv;
    bool opened;
    int lines, cursor, top; /* generic list state many views use */
};

enum tui_view_id { V_GRAPH, V_NODES, V_OPS, V_LOG, V_RUNS, V_NODE, V_HELP, V_TEXT, V__COUNT };
extern const struct view_ops tui_view_graph, tui_view_nodes, tui_view_ops, tui_view_log,
    tui_view_runs, tui_view_node, tui_view_help, tui_view_text;

struct tui_rerun;    /* app.c */

struct tui_app {
    struct tui_model m;
    struct tui_opts opts;
    struct tui_view views[V__COUNT];
    int stack[16], depth;  /* view stack; stack[depth-1] is shown */
    int cur_node;          /* shared selection, graph index or -1 */
    int want_view;         /* for TR_OPEN */
    bool interrupted;      /* quit by C-c: tui_main returns 130 like any interrupted command */
    struct tui_canvas cv;
    char msg[512];         /* message line */
    bool msg_error;
    char last_search[256];
    int search_dir;
    /* text view content (env lines, command output) */
    char text_title[128];
    char **text_lines;
    int n_text;
    struct tui_rerun *rr;  /* running rerun, NULL */
    char prev_run[1024];   /* run before the last rerun */
    bool headless;
    char prompt_kind;      /* 0 = none, ':' command, '/' search, '\\' filter */
    char prompt[256];
    struct tui_gcells *gc; /* the graph view's placement (graph view private) */
    double last_draw_ms;
};

/* List-style helpers shared by table views. */
void tv_clamp(struct tui_view *v, int h);
unsigned tv_move(struct tui_view *v, enum tui_req r, int h);

/* The app without a terminal (tests, bench): load, feed requests, draw. */
enum status tui_app_init(struct tui_app *a, const struct tui_opts *o, int w, int h, struct err *e);
/* Same with a graph already loaded (takes it). */
enum status tui_app_init_graph(struct tui_app *a, graph *g, int w, int h, struct err *e);
void tui_app_done(struct tui_app *a);
/* Acts on one request as the loop does (view first, then global). */
unsigned tui_app_request(struct tui_app *a, enum tui_req r);
/* Acts on handler bits (reload views, open, close); returns them with TR_REDRAW. */
unsigned tui_app_act(struct tui_app *a, unsigned f);
/* Handles a key as the loop does. */
unsigned tui_app_key(struct tui_app *a, int key);
/* Runs a ":command" (without the colon). */
unsigned tui_app_command(struct tui_app *a, const char *cmd);
/* Draws the whole screen into a->cv. */
void tui_app_draw(struct tui_app *a);
void tui_app_resize(struct tui_app *a, int w, int h);
/* Puts a message on the message line. */
void tui_msg(struct tui_app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct tui_view *tui_top(struct tui_app *a);
/* Rerun machinery: start / poll (non-blocking, returns TR_* bits) / cancel. */
unsigned tui_rerun_start(struct tui_app *a);
unsigned tui_rerun_poll(struct tui_app *a);
unsigned tui_rerun_cancel(struct tui_app *a);
/* What a rerun has printed so far, read incrementally from the new run
 * directory's verbose.log while it runs (the log view tails it, the message
 * line counts it). */
#define TUI_LIVE_TAIL 256
struct tui_live {
    long exec, exec_bf16, exec_amx;   /* exec events seen */
    double ms, ms_bf16, ms_amx;       /* their summed times, compute primitives only */
    char *tail[TUI_LIVE_TAIL];        /* the last lines, ring buffer (owned) */
    int n_tail, head;                 /* lines held; index of the oldest */
    long lines;                       /* lines read so far */
    char path[1100];                  /* the file tailed */
};
/* The live state of the rerun in progress, NULL when none. */
const struct tui_live *tui_rerun_live(const struct tui_app *a);
bool tui_rerun_active(const struct tui_app *a);
/* The rerun's progress line, the longest form that fits width columns
 * (lesser fields dropped first; width <= 0: the full form). */
void tui_rerun_status(const struct tui_app *a, char *buf, size_t size, int width);
/* Sorts the nodes view by column col (the :sort command). */
void tui_nodes_sort(struct tui_app *a, int col);
/* The nodes view's column widths (w[COL__COUNT]) for a screen W wide: the
 * name column takes the spare width, the others keep their natural one. */
void tui_nodes_widths(const struct tui_model *m, int W, int *w);
/* Opens the text view with lines (taken). */
void tui_show_text(struct tui_app *a, const char *title, char **lines, int n);

#endif
