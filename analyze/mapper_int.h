/* analyze/mapper_int.h: what mapper.c and mapper_sig.c share (not a public
 * interface; use analyze/mapper.h).
 */
#ifndef AMPSCOPE_ANALYZE_MAPPER_INT_H
#define AMPSCOPE_ANALYZE_MAPPER_INT_H

#include "analyze/mapper.h"

#define MAP_MAX_NODE_SIGS 2

struct map_nsig {
    struct map_sig s[MAP_MAX_NODE_SIGS];
    int n;
    bool cast_node;      /* an explicit Cast node between f32 and bf16 */
    bool cast_to_bf16;
    int64_t cast_elems;
    uint64_t cast_dims;  /* map_shape_dims_key of the cast tensor */
};

/* Signatures of graph node n (0 when it issues no primitive). */
void map_node_sigs(const graph *g, int n, struct map_nsig *out);
/* Ops a conv/gemm primitive can run as a post-op or bias (BiasAdd, Relu, ...). */
bool map_op_fusable(const char *op);
/* Ops that never issue a primitive and may sit inside a fused chain. */
bool map_op_passthrough(const char *op);
/* Elements of a shape, -1 when unknown. */
int64_t map_shape_elems(const struct g_shape *s);
/* Shape of node n's data input i, NULL when unknown. */
const struct g_shape *map_in_shape(const graph *g, int n, int i);
/* Shape of node n's output port 0, NULL when unknown. */
const struct g_shape *map_out_shape(const graph *g, int n);
/* Lookup keys: level 1 = exact features, 2 = kind + result elements,
 * 3 = kind only, 4 = result elements only. 0 when the level does not apply. */
uint64_t map_sig_key(const struct map_sig *s, int level);
/* Key of a tensor's dims regardless of layout (sorted, 1s dropped); 0 if unknown. */
uint64_t map_problem_dims_key(const char *problem);
uint64_t map_shape_dims_key(const struct g_shape *s);
/* Elements of a reorder/eltwise-like problem ("AxBxC", "mb..ic..ih.."), -1. */
int64_t map_problem_elems(const char *problem);

#endif
