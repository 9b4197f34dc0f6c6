/* app.c: the view framework without the terminal. Views sit on a stack (the
 * numbered main views replace it, details/help/text push onto it); a request
 * goes to the shown view first and to the global handler when the view
 * returns 0; handlers return TR_* bits and only the dispatcher below acts on
 * them (reload every view, open, close, quit). The prompt (:, /, \) is edited
 * here too, so scripts and the keyboard drive exactly the same code.
 */
#include "tui/tui_int.h"

#include "render/env.h"
#include "render/svg.h"

#include <curses.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct view_ops *const view_table[V__COUNT] = {
    [V_GRAPH] = &tui_view_graph, [V_NODES] = &tui_view_nodes, [V_OPS] = &tui_view_ops,
    [V_LOG] = &tui_view_log,     [V_RUNS] = &tui_view_runs,   [V_NODE] = &tui_view_node,
    [V_HELP] = &tui_view_help,   [V_TEXT] = &tui_view_text,
};

void tui_msg(struct tui_app *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
    a->msg_error = error;
}

struct tui_view *tui_top(struct tui_app *a) { return &a->views[a->stack[a->depth - 1]]; }

static struct tui_view *view_get(struct tui_app *a, int id)
{
    struct tui_view *v = &a->views[id];
    if (!v->opened) {
        v->ops = view_table[id];
        if (!v->priv && v->ops->private_size)
            v->priv = xcalloc(1, v->ops->private_size);
        v->ops->open(a, v);
        v->opened = true;
    }
    return v;
}

static void view_close(struct tui_view *v)
{
    if (v->opened && v->ops->done)
        v->ops->done(v);
    v->opened = false;
}

static void show_view(struct tui_app *a, int id, bool push)
{
    if (push) {
        if (a->depth < (int)(sizeof a->stack / sizeof a->stack[0]))
            a->stack[a->depth++] = id;
        else
            a->stack[a->depth - 1] = id;
        if (id == V_NODE || id == V_HELP || id == V_TEXT) {
            view_close(&a->views[id]); /* fresh content each time */
        }
    } else {
        a->stack[0] = id;
        a->depth = 1;
    }
    struct tui_view *v = view_get(a, id);
    if (v->ops->select)
        v->ops->select(a, v);
}

static void reload_all(struct tui_app *a)
{
    for (int i = 0; i < V__COUNT; i++) {
        struct tui_view *v = &a->views[i];
        if (!v->opened)
            continue;
        view_close(v);
        view_get(a, i);
        if (v->ops->select)
            v->ops->select(a, v);
    }
}

static void app_common_init(struct tui_app *a, int w, int h)
{
    const char *lc = getenv("LC_ALL");
    if (!lc || !*lc)
        lc = getenv("LC_CTYPE");
    if (!lc || !*lc)
        lc = getenv("LANG");
    bool utf8 = lc && (strstr(lc, "UTF-8") || strstr(lc, "utf8") || strstr(lc, "UTF8"));
    const char *asc = getenv("AMPSCOPE_ASCII");
    cv_init(&a->cv, w, h, !utf8 || (asc && *asc && strcmp(asc, "0")));
    a->cur_node = -1;
    for (int i = 0; i < a->m.n_rows; i++) /* start on the most expensive node, else the first op */
        if (a->cur_node < 0 || a->m.rows[i].time_ms > a->m.rows[a->cur_node].time_ms)
            a->cur_node = i;
    tm_scan_runs(&a->m);
    show_view(a, V_GRAPH, false);
    if (a->m.load_note[0])
        tui_msg(a, true, "%s", a->m.load_note);
    else
        tui_msg(a, false, "? help  Tab/1-5 views  Enter details  : commands  q quit");
}

enum status tui_app_init(struct tui_app *a, const struct tui_opts *o, int w, int h, struct err *e)
{
    memset(a, 0, sizeof *a);
    a->opts = *o;
    enum status st = tm_load(&a->m, o, e);
    if (st != ST_OK) {
        tm_done(&a->m);
        return st;
    }
    app_common_init(a, w, h);
    return ST_OK;
}

enum status tui_app_init_graph(struct tui_app *a, graph *g, int w, int h, struct err *e)
{
    memset(a, 0, sizeof *a);
    enum status st = tm_load_graph(&a->m, g, NULL, e);
    if (st != ST_OK) {
        tm_done(&a->m);
        return st;
    }
    app_common_init(a, w, h);
    return ST_OK;
}

void tui_app_done(struct tui_app *a)
{
    if (tui_rerun_active(a))
        tui_rerun_cancel(a);
    for (int i = 0; i < V__COUNT; i++) {
        view_close(&a->views[i]);
        free(a->views[i].priv);
    }
    tui_lines_free(a->text_lines, a->n_text);
    tm_done(&a->m);
    cv_done(&a->cv);
    memset(a, 0, sizeof *a);
}

void tui_show_text(struct tui_app *a, const char *title, char **lines, int n)
{
    tui_lines_free(a->text_lines, a->n_text);
    a->text_lines = lines;
    a->n_text = n;
    snprintf(a->text_title, sizeof a->text_title, "%s", title);
    show_view(a, V_TEXT, true);
}

/* ---- generic list movement ------------------------------------------- */

void tv_clamp(struct tui_view *v, int h)
{
    if (v->cursor >= v->lines)
        v->cursor = v->lines - 1;
    if (v->cursor < 0)
        v->cursor = 0;
    if (h < 1)
        h = 1;
    if (v->top > v->cursor)
        v->top = v->cursor;
    if (v->cursor >= v->top + h)
        v->top = v->cursor - h + 1;
    if (v->top > v->lines - h)
        v->top = v->lines - h;
    if (v->top < 0)
        v->top = 0;
}

unsigned tv_move(struct tui_view *v, enum tui_req r, int h)
{
    switch (r) {
    case REQ_MOVE_UP: v->cursor--; break;
    case REQ_MOVE_DOWN: v->cursor++; break;
    /* a page turns the view too (as less does), not only the cursor: the
     * first Space on a fresh page must show new lines */
    case REQ_PAGE_UP: v->cursor -= h > 1 ? h - 1 : 1, v->top -= h > 1 ? h - 1 : 1; break;
    case REQ_PAGE_DOWN: v->cursor += h > 1 ? h - 1 : 1, v->top += h > 1 ? h - 1 : 1; break;
    case REQ_HOME: v->cursor = 0; break;
    case REQ_END: v->cursor = v->lines - 1; break;
    default: return 0;
    }
    tv_clamp(v, h);
    return TR_HANDLED | TR_REDRAW;
}

/* ---- exports ----------------------------------------------------------- */

static void export_svg(struct tui_app *a, const char *path)
{
    char def[1200];
    if (!path || !*path) {
        if (a->m.has_run)
            snprintf(def, sizeof def, "%s/graph.svg", a->m.run_dir);
        else
            snprintf(def, sizeof def, "%s.svg", a->m.model_name);
        path = def;
    }
    struct err e = {0};
    struct lay_opts o;
    lay_opts_init(&o);
    o.model_name = a->m.model_name;
    bool predicted = !a->m.has_run || a->m.edited;
    lay_layout *L = lay_new(a->m.g, a->m.plan, predicted ? NULL : a->m.rep, &o, &e);
    const char *ext = strrchr(path, '.');
    int fmt = ext ? svg_format_parse(ext + 1) : SVG_FMT_SVG;
    if (fmt < 0)
        fmt = SVG_FMT_SVG;
    if (L && svg_write_file(L, (enum svg_format)fmt, path, &e) == ST_OK)
        tui_msg(a, false, "wrote %s%s", path, predicted && a->m.has_run ? " (predicted colours)" : "");
    else {
        char b[400];
        err_format(&e, b, sizeof b);
        tui_msg(a, true, "export failed: %s", b);
    }
    if (L)
        lay_free(L);
}

/* Env lines for the current edits in any format of render/env.h (the same
 * text `ampscope env` prints), ready to copy. */
static void show_env(struct tui_app *a, const char *fmt)
{
    if (!fmt || !*fmt)
        fmt = "sh";
    int f = env_format_parse(fmt);
    if (f < 0) {
        tui_msg(a, true, "env: unknown format '%s' (sh dockerfile k8s compose systemd dotenv python)", fmt);
        return;
    }
    struct env_moves mv;
    struct env_vars vars;
    struct err e = {0};
    env_moves_init(&mv);
    env_vars_init(&vars);
    env_moves_from_lists(&mv, a->m.lists);
    struct abuf b;
    abuf_init(&b);
    if (env_vars_tf(&vars, &mv, amp_lists_version(a->m.lists), amp_lists_level_text(a->m.lists), &e) != ST_OK) {
        tui_msg(a, true, "env: %s", e.msg);
    } else {
        if (!mv.n)
            abuf_puts(&b, "# no list changes yet: move op types in the op types view (3, then a/i/c/d/x)\n");
        env_format_lines(&vars, (enum env_format)f, &b);
    }
    env_vars_done(&vars);
    env_moves_done(&mv);
    char **lines = NULL;
    size_t cap = 0;
    int n = 0;
    for (char *p = b.data; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        xgrow(&lines, &cap, (size_t)n + 1, sizeof *lines);
        lines[n++] = xstrndup(p, len);
        p = nl ? nl + 1 : p + len;
    }
    abuf_done(&b);
    char title[64];
    snprintf(title, sizeof title, "env lines (%s) for the current list changes", env_format_name((enum env_format)f));
    tui_show_text(a, title, lines, n);
}

/* ---- dispatch -------------------------------------------------------- */

unsigned tui_app_act(struct tui_app *a, unsigned f)
{
    if (f & TR_RELOAD)
        reload_all(a);
    if (f & TR_BACK) {
        if (a->depth > 1)
            a->depth--;
        else
            f |= TR_QUIT;
        struct tui_view *v = tui_top(a);
        if (v->ops->select)
            v->ops->select(a, v);
    }
    if (f & TR_OPEN)
        show_view(a, a->want_view, a->want_view == V_NODE || a->want_view == V_HELP ||
                                        a->want_view == V_TEXT);
    return f | TR_REDRAW;
}

static const int tabs[] = {V_GRAPH, V_NODES, V_OPS, V_LOG, V_RUNS};

static unsigned global_request(struct tui_app *a, enum tui_req r)
{
    switch (r) {
    case REQ_VIEW_GRAPH:
    case REQ_VIEW_NODES:
    case REQ_VIEW_OPS:
    case REQ_VIEW_LOG:
    case REQ_VIEW_RUNS:
        show_view(a, tabs[r - REQ_VIEW_GRAPH], false);
        return TR_HANDLED | TR_REDRAW;
    case REQ_VIEW_NEXT:
    case REQ_VIEW_PREV: {
        int cur = a->stack[0], k = 0;
        for (int i = 0; i < 5; i++)
            if (tabs[i] == cur)
                k = i;
        k = (k + (r == REQ_VIEW_NEXT ? 1 : 4)) % 5;
        show_view(a, tabs[k], false);
        return TR_HANDLED | TR_REDRAW;
    }
    case REQ_HELP:
        a->want_view = V_HELP;
        return TR_HANDLED | TR_OPEN;
    case REQ_BACK:
        return TR_HANDLED | TR_BACK;
    case REQ_QUIT:
        return TR_HANDLED | TR_QUIT;
    case REQ_PROMPT:
        a->prompt_kind = ':';
        a->prompt[0] = 0;
        return TR_HANDLED | TR_REDRAW;
    case REQ_SEARCH:
    case REQ_FILTER:
        a->prompt_kind = r == REQ_SEARCH ? '/' : '\\';
        a->prompt[0] = 0;
        return TR_HANDLED | TR_REDRAW;
    case REQ_SEARCH_NEXT:
    case REQ_SEARCH_PREV: {
        struct tui_view *v = tui_top(a);
        if (!a->last_search[0] || !v->ops->search)
            return TR_HANDLED;
        return v->ops->search(a, v, a->last_search, r == REQ_SEARCH_NEXT ? 1 : -1) | TR_HANDLED;
    }
    case REQ_RERUN:
        return tui_rerun_start(a) | TR_HANDLED;
    case REQ_CANCEL:
        if (tui_rerun_active(a))
            return tui_rerun_cancel(a) | TR_HANDLED;
        if (a->depth > 1)
            return TR_HANDLED | TR_BACK;
        return TR_HANDLED;
    case REQ_ENV:
        show_env(a, "sh");
        return TR_HANDLED | TR_REDRAW;
    case REQ_EXPORT_SVG:
        export_svg(a, NULL);
        return TR_HANDLED | TR_REDRAW;
    case REQ_REFRESH:
        return TR_HANDLED | TR_REDRAW;
    case REQ_ENTER:
        if (a->cur_node >= 0) {
            a->want_view = V_NODE;
            return TR_HANDLED | TR_OPEN;
        }
        return TR_HANDLED;
    default:
        return 0;
    }
}

unsigned tui_app_request(struct tui_app *a, enum tui_req r)
{
    if (r == REQ_NONE)
        return 0;
    struct tui_view *v = tui_top(a);
    unsigned f = v->ops->request ? v->ops->request(a, v, r) : 0;
    if (!f)
        f = global_request(a, r);
    if (!f)
        return 0;
    return tui_app_act(a, f);
}

/* ---- prompt ----------------------------------------------------------- */

static unsigned prompt_done(struct tui_app *a)
{
    char kind = a->prompt_kind;
    char text[256];
    snprintf(text, sizeof text, "%s", a->prompt);
    a->prompt_kind = 0;
    a->prompt[0] = 0;
    struct tui_view *v = tui_top(a);
    if (kind == ':')
        return tui_app_command(a, text);
    if (kind == '/') {
        snprintf(a->last_search, sizeof a->last_search, "%s", text);
        if (!v->ops->search) {
            tui_msg(a, true, "this view has no search");
            return TR_REDRAW;
        }
        return tui_app_act(a, v->ops->search(a, v, text, 1));
    }
    if (!v->ops->filter) {
        tui_msg(a, true, "this view has no filter (the nodes and log views do)");
        return TR_REDRAW;
    }
    return tui_app_act(a, v->ops->filter(a, v, text));
}

unsigned tui_app_key(struct tui_app *a, int key)
{
    if (a->prompt_kind) {
        size_t n = strlen(a->prompt);
        if (key == TK_ENTER || key == '\r' || key == KEY_ENTER)
            return prompt_done(a);
        if (key == TK_ESC) {
            a->prompt_kind = 0;
            return TR_REDRAW;
        }
        if (key == KEY_BACKSPACE || key == 127 || key == 8) {
            if (!n) {
                a->prompt_kind = 0;
                return TR_REDRAW;
            }
            while (n > 0 && ((unsigned char)a->prompt[n - 1] & 0xC0) == 0x80)
                n--; /* a whole UTF-8 character */
            if (n > 0)
                n--;
            a->prompt[n] = 0;
            return TR_REDRAW;
        }
        if (key == 21) { /* C-u */
            a->prompt[0] = 0;
            return TR_REDRAW;
        }
        if (key >= 32 && key < 256 && n + 1 < sizeof a->prompt) {
            a->prompt[n] = (char)key;
            a->prompt[n + 1] = 0;
        }
        return TR_REDRAW;
    }
    if (key == KEY_RESIZE)
        return TR_REDRAW;
    if (key == 3) { /* C-c: the terminal's interrupt key in raw mode */
        if (tui_rerun_active(a))
            return tui_app_act(a, tui_rerun_cancel(a));
        a->interrupted = true;
        return TR_QUIT;
    }
    if (key == '\r' || key == KEY_ENTER)
        key = TK_ENTER;
    enum tui_req r = tui_key_request(tui_top(a)->ops->name, key);
    if (r == REQ_NONE) {
        char kn[32];
        tui_msg(a, false, "%s is not bound here (? lists the keys)", tui_key_name(key, kn, sizeof kn));
        return TR_REDRAW;
    }
    unsigned f = tui_app_request(a, r);
    return f ? f : TR_REDRAW;
}

/* ---- commands --------------------------------------------------------- */

static int view_by_name(const char *s)
{
    for (int i = 0; i < V__COUNT; i++)
        if (!strcasecmp(view_table[i]->name, s) || !strcasecmp(view_table[i]->title, s))
            return i;
    return -1;
}

unsigned tui_app_command(struct tui_app *a, const char *cmd)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", cmd);
    char *save = NULL, *verb = strtok_r(buf, " \t", &save);
    char *rest = save ? save + strspn(save, " \t") : NULL;
    if (!verb)
        return TR_REDRAW;
    if (rest && !*rest)
        rest = NULL;
    if (!strcmp(verb, "q") || !strcmp(verb, "quit"))
        return TR_QUIT;
    if (!strcmp(verb, "help"))
        return tui_app_act(a, global_request(a, REQ_HELP));
    if (!strcmp(verb, "export")) {
        char *what = rest ? strtok_r(NULL, " \t", &save) : NULL;
        char *file = what ? strtok_r(NULL, " \t", &save) : NULL;
        if (what && strcmp(what, "svg") && strcmp(what, "dot") && strcmp(what, "png")) {
            tui_msg(a, true, "export: only svg, dot and png (e.g. :export svg out.svg)");
            return TR_REDRAW;
        }
        if (!file && what && strchr(what, '.'))
            file = what;
        export_svg(a, file);
        return TR_REDRAW;
    }
    if (!strcmp(verb, "env")) {
        show_env(a, rest);
        return TR_REDRAW;
    }
    if (!strcmp(verb, "save-display")) {
        if (!rest) {
            tui_msg(a, true, "save-display: give a file name");
            return TR_REDRAW;
        }
        tui_app_draw(a);
        struct abuf b;
        abuf_init(&b);
        cv_dump(&a->cv, &b);
        struct err e = {0};
        if (util_write_file_atomic(rest, b.data ? b.data : "", b.len, &e) != ST_OK)
            tui_msg(a, true, "save-display: %s", e.msg);
        abuf_done(&b);
        return 0; /* no redraw needed: the dump is of the current screen */
    }
    if (!strcmp(verb, "resize")) {
        int w = 0, h = 0;
        if (!rest || sscanf(rest, "%d %d", &w, &h) != 2 || w < 20 || h < 6) {
            tui_msg(a, true, "resize: W H (at least 20 6)");
            return TR_REDRAW;
        }
        tui_app_resize(a, w, h);
        return TR_REDRAW | 0x1000; /* the terminal layer resizes curses too */
    }
    if (!strcmp(verb, "list")) {
        char *op = rest ? strtok_r(NULL, " \t", &save) : NULL;
        char *l = op ? strtok_r(NULL, " \t", &save) : NULL;
        int list = l ? (!strcmp(l, "default") || !strcmp(l, "x") ? AMP_LIST_NONE
                                                                  : (int)amp_list_parse(l))
                     : -1;
        if (!op || list < 0) {
            tui_msg(a, true, "list: OP allow|infer|clear|deny|default");
            return TR_REDRAW;
        }
        if (tui_rerun_active(a)) {
            tui_msg(a, true, "a rerun is in progress: Esc cancels it");
            return TR_REDRAW;
        }
        struct err e = {0};
        if (tm_set_list(&a->m, op, (enum amp_list)list, &e) != ST_OK)
            tui_msg(a, true, "%s", e.msg);
        else
            tui_msg(a, false, "%s -> %s: graph and nodes show the painter's prediction; r reruns",
                    op, list == AMP_LIST_NONE ? "default list" : amp_list_name((enum amp_list)list));
        return tui_app_act(a, TR_RELOAD);
    }
    if (!strcmp(verb, "node")) {
        int n = rest ? graph_find(a->m.g, rest) : -1;
        if (n < 0) {
            tui_msg(a, true, "no node named '%s'", rest ? rest : "");
            return TR_REDRAW;
        }
        a->cur_node = n;
        struct tui_view *v = tui_top(a);
        if (v->ops->select)
            v->ops->select(a, v);
        return TR_REDRAW;
    }
    if (!strcmp(verb, "search") || !strcmp(verb, "filter")) {
        a->prompt_kind = verb[0] == 's' ? '/' : '\\';
        snprintf(a->prompt, sizeof a->prompt, "%s", rest ? rest : "");
        return prompt_done(a);
    }
    if (!strcmp(verb, "sort")) {
        show_view(a, V_NODES, false);
        for (int c = 0; c < COL__COUNT; c++)
            if (rest && (!strcasecmp(rest, tui_col_title((enum tui_col)c)) ||
                         (!strcasecmp(rest, "isa") && c == COL_ISA))) {
                tui_nodes_sort(a, c);
                return TR_REDRAW;
            }
        tui_msg(a, true, "sort: one of name op plan exec isa/impl ms share casts");
        return TR_REDRAW;
    }
    if (!strcmp(verb, "rerun"))
        return tui_app_act(a, tui_rerun_start(a));
    if (!strcmp(verb, "cancel"))
        return tui_app_act(a, tui_rerun_cancel(a));
    if (!strcmp(verb, "view")) {
        int id = rest ? view_by_name(rest) : -1;
        if (id < 0 || id >= V_NODE) {
            tui_msg(a, true, "view: graph nodes ops log runs");
            return TR_REDRAW;
        }
        show_view(a, id, false);
        return TR_REDRAW;
    }
    if (!strcmp(verb, "key")) { /* :key NAME, for scripts that need one key by name */
        int k = rest ? tui_key_parse(rest) : -1;
        return k >= 0 ? tui_app_key(a, k) : TR_REDRAW;
    }
    tui_msg(a, true, "unknown command :%s (:help lists them)", verb);
    return TR_REDRAW;
}

/* ---- drawing ---------------------------------------------------------- */

void tui_app_resize(struct tui_app *a, int w, int h)
{
    cv_resize(&a->cv, w, h);
    for (int i = 0; i < V__COUNT; i++) {
        struct tui_view *v = &a->views[i];
        if (v->opened && v->ops->select)
            v->ops->select(a, v);
    }
}

void tui_app_draw(struct tui_app *a)
{
    double t0 = util_now_ms();
    struct tui_canvas *c = &a->cv;
    cv_clear(c);
    /* tab bar */
    cv_fill(c, 0, 0, c->w, C_TAB);
    int x = cv_put(c, 0, 0, " ampscope ", c->w, C_TITLE | A_BOLD_);
    for (int i = 0; i < 5; i++) {
        const struct view_ops *o = view_table[tabs[i]];
        bool on = a->stack[0] == tabs[i];
        char t[32];
        snprintf(t, sizeof t, " %d %s ", i + 1, o->title);
        x += cv_put(c, 0, x, t, c->w - x, on ? (C_TITLE | A_BOLD_) : C_TAB);
    }
    char where[600];
    if (a->m.has_run) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", a->m.run_dir);
        /* the run's time stamp stays whole when the name must be cut */
        char st[64], nm[512];
        snprintf(st, sizeof st, " [%s]", a->m.meta.status);
        tui_fit_run(nm, sizeof nm, basename(tmp), c->w - x - 2 - tui_strwidth(st), c->ascii);
        snprintf(where, sizeof where, " %s%s", nm, st);
    } else {
        snprintf(where, sizeof where, " %s (model only)", a->m.model_name);
    }
    if (x < c->w - 4) {
        char fit[600];
        tui_fit(fit, sizeof fit, where, c->w - x - 1, c->ascii);
        cv_put(c, 0, c->w - tui_strwidth(fit) - 1, fit, c->w - x, C_TAB);
    }
    /* the view */
    int vh = c->h - 3;
    struct tui_view *v = tui_top(a);
    if (vh > 0)
        v->ops->draw(a, v, c, 1, vh);
    /* status line: the headline */
    int sy = c->h - 2;
    if (sy > 0) {
        cv_fill(c, sy, 0, c->w, C_STATUS);
        char hl[700], fit[700];
        snprintf(hl, sizeof hl, " %s", a->m.headline);
        if (tui_strwidth(hl) > c->w && a->m.headline_short[0]) /* drop the lesser fields first */
            snprintf(hl, sizeof hl, " %s", a->m.headline_short);
        tui_fit_words(fit, sizeof fit, hl, c->w);
        snprintf(hl, sizeof hl, "%s", fit);
        unsigned at = (a->m.edited ? C_PREDICTED : C_STATUS);
        cv_put(c, sy, 0, hl, c->w, a->m.edited ? (C_STATUS | A_BOLD_) : at);
        (void)at;
    }
    /* message / prompt / rerun progress */
    int my = c->h - 1;
    if (a->prompt_kind) {
        char p[300];
        snprintf(p, sizeof p, "%c%s", a->prompt_kind, a->prompt);
        int w = tui_strwidth(p);
        const char *show = p;
        while (w >= c->w && *show) { /* keep the end visible */
            show++;
            w = tui_strwidth(show);
        }
        cv_put(c, my, 0, show, c->w, C_NORMAL);
        cv_set(c, my, w < c->w ? w : c->w - 1, c->ascii ? '_' : 0x2581, C_NORMAL | A_BOLD_);
    } else if (tui_rerun_active(a)) {
        char p[300];
        tui_rerun_status(a, p, sizeof p, c->w - 1); /* the last cell of the screen stays blank */
        cv_put(c, my, 0, p, c->w, C_PREDICTED | A_BOLD_);
    } else {
        char fit[sizeof a->msg + 8];
        tui_fit_words(fit, sizeof fit, a->msg, c->w);
        cv_put(c, my, 0, fit, c->w, a->msg_error ? (C_ERROR | A_BOLD_) : C_NORMAL);
    }
    a->last_draw_ms = util_now_ms() - t0;
}
