/* analyze/amp_paint_int.h: the painter's state, shared by amp_paint.c (the
 * passes) and amp_paint_out.c (reasons, casts, the plan and its JSON).
 */
#ifndef AMPSCOPE_ANALYZE_AMP_PAINT_INT_H
#define AMPSCOPE_ANALYZE_AMP_PAINT_INT_H

#include "analyze/amp_int.h"

/* One (node, type attribute) vertex: TF's NodeTypeId. */
struct vtx {
    int node;             /* work node */
    const char *attr;     /* "T", "T[2]" (interned), or NULL for a fixed type */
    const char *base;     /* attr name without [i] */
    int index;            /* -1 single, else index into a list(type) attr */
    int fixed;            /* fixed dtype (attr == NULL) */
    int dtype;            /* dtype before the pass */
    int *fin, *fout;
    int nfin, nfout;
    size_t capin, capout;
    bool allow, deny;
    int pass;             /* pass that painted it (see amp_attr_paint.pass) */
    int cause;            /* vertex the reason refers to, -1 */
    int via;              /* vertex it was reached from (deny propagation), -1 */
    bool unpainted6;      /* removed by pass 6 */
    bool loop_unpainted;
    bool tl_deny;         /* denied by a TensorList cluster rule */
};

struct pctx {
    const graph *g;
    const amp_lists *l;
    amp_plan *p;
    struct wgraph w;
    struct wfan fan;
    struct vtx *v;
    int nv;
    size_t vcap;
    int *vfirst, *vcount;     /* per work node */
    int **inv, **outv;        /* per work node: vertex of each data input / output port */
    int *n_inv, *n_outv;
    const struct amp_opdef **def;
    bool *process, *opaque;
    unsigned char *lists;     /* per work node: bit (1 << enum amp_list), cached; 0xff = not yet */
    bool treat_infer_as_deny;
    /* dfs scratch */
    int *stamp;
    unsigned char *state;
    int gen;
    int *stack;
    size_t stack_cap;
    /* tensor list clusters: flat node lists */
    int **clusters;
    int *cluster_n;
    int n_clusters;
};

bool pc_is_allow(const struct pctx *c, const char *op);
bool pc_is_infer(const struct pctx *c, const char *op);
bool pc_is_deny(const struct pctx *c, const char *op);
bool pc_is_clear(const struct pctx *c, const char *op);
bool pc_fp32(const struct pctx *c, int v);
bool pc_supports_dtype(const struct pctx *c, int v);
bool pc_supports(const struct pctx *c, int v);
bool pc_reads_ref_var(const struct pctx *c, int node);

/* helpers of amp_paint.c */
enum { DIR_IN = 1, DIR_OUT = 2 };
typedef bool (*enter_fn)(struct pctx *c, int idx, int root, void *arg);
typedef void (*pre_fn)(struct pctx *c, int idx, int src, int root, void *arg);
/* DfsTypeTraversal: enter checked at pop, pre-order callback with the vertex
 * it was reached from. */
void pc_dfs(struct pctx *c, int root, int dir, enter_fn enter, pre_fn pre, void *arg);
/* The vertices (node, type attr) and their edges (amp_paint_vtx.c). */
void pc_build_vertices(struct pctx *c);
void pc_build_edges(struct pctx *c);
void pc_vpush(int **arr, int *n, size_t *cap, int val);
void pc_sort_dedup(int *a, int *n);
void pc_add_edge(struct pctx *c, int s, int d);
const char *pc_vop(const struct pctx *c, int v);
bool pc_vproc(const struct pctx *c, int v);

/* amp_paint_tl.c */
void pc_tensor_lists(struct pctx *c);
void pc_tl_color_match(struct pctx *c);

/* amp_paint_out.c */
void amp_paint_results(struct pctx *c);
void amp_paint_casts(struct pctx *c, enum amp_cast_style style);

#endif
