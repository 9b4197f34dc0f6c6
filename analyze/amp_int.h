/* analyze/amp_int.h: internals shared by the amp_*.c files (lists, OpDef
 * facts, prepasses, painter). Not for other modules: they use amp.h.
 */
#ifndef AMPSCOPE_ANALYZE_AMP_INT_H
#define AMPSCOPE_ANALYZE_AMP_INT_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"

/* ---- lists ---- */
#define AMP_N_VARS 7   /* ALLOWLIST WHITELIST INFERLIST GRAYLIST DENYLIST BLACKLIST CLEARLIST */
const char *amp_var_name(int var);
/* Appends to one specific variable (legacy names included), as the env does. */
void amp_lists_edit_var(amp_lists *l, int var, bool add, const char *ops_csv);

/* ---- OpDef facts (analyze/opdefs.c) ---- */
enum amp_argkind { AMP_ARG_ATTR, AMP_ARG_FIXED, AMP_ARG_LIST };
struct amp_argspec {
    enum amp_argkind kind;
    char attr[48];        /* type attr (ATTR) or type list attr (LIST) */
    int fixed;            /* tf_dtype for FIXED */
    char number[24];      /* number_attr ("N") or "" */
};
struct amp_typeattr {
    char name[48];
    bool is_list;         /* list(type) */
    bool bf16;            /* OpDef allows bfloat16 */
    bool kernel;          /* a CPU kernel (no label) accepts bfloat16 */
};
#define AMP_MAX_ARGS 16
struct amp_opdef {
    const char *op;
    int n_in, n_out, n_attrs;
    struct amp_argspec in[AMP_MAX_ARGS], out[AMP_MAX_ARGS];
    struct amp_typeattr attrs[AMP_MAX_ARGS];
    bool stateful;
};
/* Parsed facts of an op; NULL if unknown. The pointer stays valid forever. */
const struct amp_opdef *amp_opdef_find(const char *op);
int amp_opdef_count(void);
const struct amp_typeattr *amp_opdef_attr(const struct amp_opdef *d, const char *attr);

/* ---- the work graph the painter runs on (g after the prepass model) ---- */
struct wnode {
    const char *name, *op, *device;
    const struct g_attr *attrs;
    int n_attrs;
    int gi;               /* index in the loaded graph, -1 if the prepass created it */
    int *in_n, *in_p;     /* data inputs: work node index (-1 unresolved) and port */
    int n_in;
    int *ctl;             /* control inputs (work node index) */
    int n_ctl;
    bool alive;
    bool preserve;
    struct g_attr *own_attrs; /* when attrs were rewritten (freed with the wgraph) */
};
struct wgraph {
    struct wnode *n;
    int count;
    size_t cap;
    struct strpool *pool; /* borrowed (the plan's) */
};
/* Appends a node; returns its index. Arrays are heap-owned by the wgraph. */
int wg_add(struct wgraph *w, const char *name, const char *op, const char *device, int gi);
void wg_free(struct wgraph *w);
const struct g_attr *wn_attr(const struct wnode *n, const char *name);
/* Fanouts of every alive node, built once (CSR): entries start[i]..start[i+1]
 * of node i, in consumer order; port -1 = control edge. */
struct wfan {
    int *start;
    int *cons, *input, *port;
};
void wg_fanouts(const struct wgraph *w, struct wfan *f);
void wfan_free(struct wfan *f);

/* The grappler rewrites that run before AMP (analyze/amp_prepass.c). Marks
 * removed nodes dead, rewires inputs, turns folded nodes into Consts and
 * appends created nodes; notes for plan->prepass_note (per g node) and
 * plan->notes. */
void amp_prepass_run(struct wgraph *w, amp_plan *p);
void amp_plan_note(amp_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
