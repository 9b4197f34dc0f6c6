/* analyze/shapes_int.h: private to shapes.c / shapes_ops.c: the inference
 * context (folded small integer values per node, user binds) and the helpers
 * the per-op rules use.
 */
#ifndef AMPSCOPE_ANALYZE_SHAPES_INT_H
#define AMPSCOPE_ANALYZE_SHAPES_INT_H

#include <string.h>

#include "analyze/graph.h"

#define SI_MAX_VALS 64
#define SI_UNKNOWN INT64_MIN      /* an element of a folded value that is not known */

struct sival {                    /* folded value of output 0 (small int tensors) */
    int n;                        /* -1 = not known */
    int64_t *v;                   /* in sictx.arena */
};

struct arena;
struct sictx {
    graph *g;
    struct arena *arena;          /* folded values live here during graph_infer */
    struct sival *vals;           /* per node */
    struct g_shape *bound;        /* per node: bound input shape, rank -2 = none */
};

const struct g_shape *si_in_shape(const struct sictx *c, const struct g_node *n, int k);
int si_in_dtype(const struct sictx *c, const struct g_node *n, int k);
bool si_in_value(const struct sictx *c, const struct g_node *n, int k, const int64_t **v, int *nv);
void si_set_value(struct sictx *c, int node, const int64_t *v, int n);

int si_num_outputs(const struct g_node *n);
struct g_shape si_placeholder_shape(const graph *g, int node);
void si_infer_node(struct sictx *c, int node);

/* ---- attribute helpers --------------------------------------------------------- */

static inline int64_t si_attr_i(const struct g_node *n, const char *name, int64_t def)
{
    const struct g_attr *a = g_node_attr(n, name);
    return a && a->kind == G_ATTR_I ? a->i : def;
}

static inline bool si_attr_b(const struct g_node *n, const char *name)
{
    const struct g_attr *a = g_node_attr(n, name);
    return a && a->kind == G_ATTR_B && a->b;
}

static inline const char *si_attr_s(const struct g_node *n, const char *name, const char *def)
{
    const struct g_attr *a = g_node_attr(n, name);
    return a && a->kind == G_ATTR_S ? a->s : def;
}

static inline int si_attr_type(const struct g_node *n, const char *name, int def)
{
    const struct g_attr *a = g_node_attr(n, name);
    return a && a->kind == G_ATTR_TYPE ? a->type : def;
}

static inline int si_attr_list_i(const struct g_node *n, const char *name, const int64_t **out)
{
    const struct g_attr *a = g_node_attr(n, name);
    if (!a || a->kind != G_ATTR_LIST || !a->list_i)
        return 0;
    *out = a->list_i;
    return a->n_list;
}

static inline int si_attr_list_type(const struct g_node *n, const char *name, const int **out)
{
    const struct g_attr *a = g_node_attr(n, name);
    if (!a || a->kind != G_ATTR_LIST || !a->list_type)
        return 0;
    *out = a->list_type;
    return a->n_list;
}

/* ---- shape helpers --------------------------------------------------------------- */

static inline struct g_shape si_unknown(void)
{
    struct g_shape s;
    memset(&s, 0, sizeof s);
    s.rank = -1;
    return s;
}

static inline struct g_shape si_with_rank(int r)
{
    struct g_shape s = si_unknown();
    if (r >= 0 && r <= G_MAX_RANK) {
        s.rank = r;
        for (int i = 0; i < r; i++)
            s.dim[i] = -1;
    }
    return s;
}

static inline struct g_shape si_broadcast(const struct g_shape *a, const struct g_shape *b)
{
    if (a->rank < 0 || b->rank < 0)
        return si_unknown();
    int r = a->rank > b->rank ? a->rank : b->rank;
    struct g_shape s = si_with_rank(r);
    for (int i = 0; i < r; i++) {
        int ia = a->rank - r + i, ib = b->rank - r + i;
        int64_t da = ia >= 0 ? a->dim[ia] : 1, db = ib >= 0 ? b->dim[ib] : 1;
        if (da == 1)
            s.dim[i] = db;
        else if (db == 1)
            s.dim[i] = da;
        else if (da < 0)
            s.dim[i] = db;
        else if (db < 0)
            s.dim[i] = da;
        else
            s.dim[i] = da == db ? da : -1;
    }
    return s;
}

/* Dimension arithmetic that never overflows: -1 (unknown) instead. */
static inline int64_t si_dim_add(int64_t a, int64_t b)
{
    int64_t r;
    return a < 0 || b < 0 || __builtin_add_overflow(a, b, &r) ? -1 : r;
}

static inline int64_t si_dim_mul(int64_t a, int64_t b)
{
    int64_t r;
    return a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) ? -1 : r;
}

static inline int si_norm_axis(int64_t axis, int rank)
{
    if (axis < 0)
        axis += rank;
    return axis < 0 || axis >= rank ? -1 : (int)axis;
}


struct g_shape si_strided_slice(const struct g_node *n, const struct g_shape *x,
                                const int64_t *b, const int64_t *e, const int64_t *st, int k,
                                int64_t *sel, int *nsel);
struct g_shape si_einsum(const struct sictx *c, const struct g_node *n);
void si_fold_values(struct sictx *c, int id);
/* The op whose rules apply: "_MklNativeConv2DWithBias" -> "Conv2D" (buf holds it). */
const char *si_base_op(const char *op, char *buf, size_t size);

#endif
