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

/* ---- the mapper's state (mapper.c; mapper_fuse.c reads it) ---- */

struct kmap {
    uint64_t *keys;
    int *vals;
    size_t cap, count;
};

/* Entries: >= 0 a node, < 0 a plan cast -(c+1). Kept in topological order. */
struct bucket {
    int *ent;
    int n, cap;
    int cursor;          /* first entry that may be unused in pass `gen` */
    unsigned gen;
};

enum { NLEV = 5, LEV_CAST = 0 };
enum { NF_FUSABLE = 1, NF_PASS = 2 };

struct mapper {
    const graph *g;
    const amp_plan *plan;
    int *topo_pos;
    struct map_nsig *ns;
    struct kmap lev[NLEV];        /* 1..4: compute levels; 0: casts */
    struct kmap wei;              /* weights elems -> bucket */
    struct bucket *b;
    int nb, bcap;
    unsigned gen;
    unsigned *ngen, *cgen, *wgen; /* per node / cast / weights use, per pass */
    int *ncnt, *ccnt, *wcnt;
    int *fused_into;
    int *consumer;                /* single data consumer per node, -1 */
    unsigned char *nflags;        /* NF_* per node */
    const char *reorder_str;      /* last interned "reorder" pointer seen */
    struct { const char *attrs, *mds, *aux, *prim; int budget; } fcache[64];
    struct map_node_time *times;
    int n_times;
    /* signature cache: (prim ptr, problem ptr) -> sig index */
    struct kmap sigcache;
    struct map_sig *sigs;
    size_t n_sigs, sigs_cap;
    /* pass cache: sequence hash -> first event index; lengths kept */
    struct kmap passes;
    long *pass_start, *pass_len;
    size_t n_pass, pass_cap;
};

/* Marks the nodes the compute event ev of node root ran as its bias and
 * post-ops (fused_into[] = root), walking root's consumer chain. */
/* The single data consumer of node n, -1 when none or several. */
int map_single_consumer(const graph *g, int n);
/* Use counter of an entry (node, cast -(c+1), or weights when wei) in the
 * current pass; reset lazily per pass. */
int *map_use_cnt(mapper *m, int ent, bool wei);
void map_consume_fused(mapper *m, int root, const struct rep_event *ev);

#endif
