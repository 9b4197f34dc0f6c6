/* analyze/amp: TensorFlow's auto_mixed_precision_onednn_bfloat16 pass,
 * re-implemented: the op lists of each TF release, list edits exactly as TF
 * reads them from the environment, and the painter that predicts, per
 * (node, type attribute), what TF converts to bf16 and where it puts Casts.
 *
 * Ownership: amp_lists and amp_plan are opaque-ish heap objects with
 * _new/_free pairs. A plan borrows the graph it was painted on (node indices
 * and names point into it): free the plan before the graph.
 */
#ifndef AMPSCOPE_ANALYZE_AMP_H
#define AMPSCOPE_ANALYZE_AMP_H

#include <stdbool.h>

#include "analyze/graph.h"
#include "util/util.h"

enum amp_list {
    AMP_LIST_NONE,   /* on no list */
    AMP_LIST_ALLOW,
    AMP_LIST_INFER,
    AMP_LIST_CLEAR,
    AMP_LIST_DENY,
    AMP_LIST__COUNT
};
const char *amp_list_name(enum amp_list l);    /* "none", "allow", "infer", "clear", "deny" */
enum amp_list amp_list_parse(const char *s);   /* also accepts legacy white/gray/black; -1 if bad */

/* ---- lists --------------------------------------------------------------- */
typedef struct amp_lists amp_lists;

/* Known TF versions of the Mkl (bf16) lists, oldest first, e.g. "2.9", ...,
 * "2.12", "2.13", ..., the newest last. NULL-terminated. */
const char *const *amp_tf_versions(void);
/* Maps any "2.x[.y]" to the list set in force for it; NULL = newest. Returns
 * NULL with e filled for an unknown/unsupported version. */
amp_lists *amp_lists_new(const char *tf_version, struct err *e);
amp_lists *amp_lists_clone(const amp_lists *l);
void amp_lists_free(amp_lists *l);
const char *amp_lists_version(const amp_lists *l);

/* The list an op is on (after edits). If the op is on several lists (a user
 * error), returns the first in allow, infer, clear, deny order and sets
 * *multi when non-NULL. */
enum amp_list amp_lists_which(const amp_lists *l, const char *op, bool *multi);
/* The list the op is on in this version's defaults (before edits). */
enum amp_list amp_lists_default(const amp_lists *l, const char *op);

/* One edit, as TF applies it: ADD inserts into `list`, REMOVE erases from it.
 * ops is a comma-separated list exactly as in the env var (no trimming: " Foo"
 * is an op named " Foo"). */
void amp_lists_edit(amp_lists *l, enum amp_list list, bool add, const char *ops_csv);
/* Reads TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* (and the legacy WHITELIST/
 * GRAYLIST/BLACKLIST names) through getenv_fn (NULL = getenv) the way TF does:
 * all ADDs, then all REMOVEs. Also reads _LEVEL. */
enum status amp_lists_from_env(amp_lists *l, const char *(*getenv_fn)(const char *name),
                               struct err *e);
/* The same, reading "NAME=VALUE" lines (a run's recorded list edits, meta.json
 * list_env) instead of the environment. Not thread-safe. */
enum status amp_lists_from_env_text(amp_lists *l, const char *text, struct err *e);
/* Convenience for tools: move op to `list` (AMP_LIST_NONE = back to its
 * default list), producing the minimal edit set TF would need. */
void amp_lists_set(amp_lists *l, const char *op, enum amp_list list);

/* The edits relative to this version's defaults, as TF env var (name, value)
 * pairs, e.g. ("TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD", "MatMul").
 * Names/values are owned by the lists and valid until the next edit/free.
 * Returns the count. */
int amp_lists_env(const amp_lists *l, const char *const **names, const char *const **values);

/* Every op the project knows about (OpDef facts), for typo checks. */
bool amp_op_known(const char *op);
/* Closest known op name to a typo (NULL if none is close). */
const char *amp_op_suggest(const char *op);

/* Rewrite level (TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL). */
enum amp_level { AMP_LEVEL_DEFAULT, AMP_LEVEL_TREAT_INFER_AS_DENY, AMP_LEVEL_UNSAFE_FORCE_ALL };
enum amp_level amp_lists_level(const amp_lists *l);

/* ---- added by the painter owner (backward-compatible) -------------------- */
/* Is op on `list` after the edits (each list checked on its own, as TF does). */
bool amp_lists_has(const amp_lists *l, enum amp_list list, const char *op);
/* The ops of one list after edits, sorted; owned by l, valid until the next edit. */
int amp_lists_ops(const amp_lists *l, enum amp_list list, const char *const **ops);
/* Which TF releases this list set stands for, e.g. "TF 2.13-2.14". */
const char *amp_lists_covers(const amp_lists *l);
/* Sets the level as TF reads it (upper-cased, no trimming; unknown = default);
 * NULL unsets it. The raw text is kept for amp_lists_env. */
void amp_lists_set_level(amp_lists *l, const char *level_text);
const char *amp_lists_level_text(const amp_lists *l); /* NULL if unset */
/* Ops present in more than one list (what makes TF's pass fail), sorted;
 * *ops is heap-allocated (free it), its strings are owned by l. */
int amp_lists_conflicts(const amp_lists *l, const char ***ops);
/* How the selected TF version names its Casts:
 *   AMP_CAST_SRC_DST  "<src>-<port>-<dst>-<dstport>-CastToBf16-AutoMixedPrecision" (2.9-2.13)
 *   AMP_CAST_SRC_ID   "<src>-<port>-CastToBf16-<id>-AutoMixedPrecision" (2.15+, seen on 2.19.1)
 *   AMP_CAST_SRC      "<src>-<port>-CastToBf16-AutoMixedPrecision" (TF <= 2.3, ITEX) */
enum amp_cast_style { AMP_CAST_SRC_DST, AMP_CAST_SRC_ID, AMP_CAST_SRC };
enum amp_cast_style amp_lists_cast_style(const amp_lists *l);
/* OpDef facts: a CPU kernel without a label accepts bf16 for this attr (the
 * SupportsF16 check of passes 3 and 5; includes amp_opdef_allows_bf16). */
bool amp_opdef_kernel_bf16(const char *op, const char *attr);

/* ---- the painter --------------------------------------------------------- */

struct amp_opts {
    const char *const *preserve;  /* node names TF must not change (fetches/feeds); NULL-terminated.
                                     NULL = the graph's inputs and outputs */
    bool all_on_cpu;              /* treat nodes with an empty device as CPU (TF's default placer); default true */
    bool model_grappler_prepasses;/* model pruning/const folding that run before AMP (issue 5) */
};

/* One (node, type attribute) pair, the unit TF paints. */
struct amp_attr_paint {
    int node;                 /* graph node index */
    const char *type_attr;    /* "T", "Tparams", "dtype", ... (interned in the graph/plan) */
    enum amp_list list;       /* list of the node's op (after edits) */
    bool allow;               /* painted ALLOW (becomes bf16) */
    bool was_fp32;            /* the attr was float before the pass */
    const char *reason;       /* human text: "allowlisted", "inferlisted, follows MatMul which is bf16", ... */
    const char *reason_code;  /* stable short code: "allow", "infer_follows", "deny", "deny_propagated",
                                 "no_list", "not_cpu", "preserved", "no_bf16_kernel", "clear_between", ... */
    int cause_node;           /* the node the reason refers to (deny source, allow neighbour), -1 */
    /* Added by the painter owner: */
    const char *node_name;    /* == g->nodes[node].name (or a prepass-created node's name, node -1) */
    int pass;                 /* pass that painted it ALLOW (1..6, 7 = colour match, 8 = Cast
                                 retype), or that made it DENY (2); 0 = untouched */
};

struct amp_cast {
    const char *name;         /* as TF names it for the selected version */
    int src_node, src_port;
    bool to_bf16;             /* true: fp32 -> bf16, false: bf16 -> fp32 */
    int *dst_nodes;           /* consumers fed through this cast */
    int *dst_inputs;          /* input index at each consumer */
    int n_dst;
    bool counted;             /* counts towards TF's "N cast(s)" (not from Const/Variable) */
    /* Added by the painter owner: */
    const char *src_name;     /* source node name (also set when src_node is -1: a node the
                                 grappler prepass model created, e.g. a folded constant) */
    const char *src_op;
    const char *device;       /* the source's device ("" when unset) */
};

struct amp_node_plan {        /* per node summary of its attrs */
    bool bf16;                /* at least one type attr became bf16 */
    bool any_fp32_attr;       /* had a float type attr to consider */
    const char *reason;       /* the reason of its first float attr */
    const char *reason_code;
    int cause_node;
    /* Added by the painter owner: */
    bool removed;             /* not in the graph TF's pass saw (prepass model) */
    bool processed;           /* TF would process it (not preserved, on CPU) */
    enum amp_list list;       /* the list its op is on (after edits) */
};

typedef struct amp_plan amp_plan;
struct amp_plan {
    const graph *g;           /* borrowed */
    bool failed;              /* the pass failed (e.g. op in two lists): graph stays fp32 */
    char failure[512];        /* TF's message + ampscope's explanation when failed */
    bool nothing_to_do;       /* "No allowlist ops found, nothing to do" */
    struct amp_attr_paint *attrs;
    int n_attrs;
    struct amp_node_plan *nodes;  /* n = g->n_nodes */
    struct amp_cast *casts;
    int n_casts;
    int converted;            /* num_nodes_changed: per type attr, as TF counts */
    int total;                /* num_nodes_preop: node count of the graph TF's pass saw */
    int counted_casts;        /* num_nonvar_casts_to_f16 */
    char summary[256];        /* "Converted X/Y nodes to bfloat16 precision using N cast(s) to bfloat16 (excluding Const and Variable casts)" */
    const char *tf_version;
    struct strpool *pool;     /* owns reasons and names */
    /* Added by the painter owner (backward-compatible): */
    enum amp_level level;
    const char **notes;       /* what the prediction could not model, unknown ops, ... */
    int n_notes;
    /* The graph TF's pass saw after grappler's earlier rewrites (prepass model):
     * per node of g, whether it is still there and what happened to it. */
    bool prepassed;           /* the prepass model ran */
    bool *removed;            /* n = g->n_nodes; NULL when !prepassed */
    const char **prepass_note;/* n = g->n_nodes: "folded into a Const", "pruned (trivial Identity)", ... or NULL */
    int n_added;              /* nodes the prepass model created (folded constants) */
    const char **added_names;
};

/* Paints g with lists l. Never fails for a well-formed graph: a TF-level
 * failure is reported in plan->failed. Returns NULL only on internal error. */
amp_plan *amp_paint(const graph *g, const amp_lists *l, const struct amp_opts *opts,
                    struct err *e);
void amp_plan_free(amp_plan *p);

/* Writes the plan as JSON (the "amp" report and plan.json). */
void amp_plan_json(const amp_plan *p, struct abuf *out);

/* OpDef facts: can this op's type attr `attr` be bf16 on CPU? */
bool amp_opdef_allows_bf16(const char *op, const char *attr);

#endif
