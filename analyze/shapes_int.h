/* analyze/shapes_int.h: private to shapes.c / shapes_ops.c: the inference
 * context (folded small integer values per node, user binds) and the helpers
 * the per-op rules use.
 */
#ifndef AMPSCOPE_ANALYZE_SHAPES_INT_H
#define AMPSCOPE_ANALYZE_SHAPES_INT_H

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

#endif
