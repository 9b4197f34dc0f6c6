/* runner/embedded_int: private to the embedded oneDNN executor.
 *
 * Two phases. The analysis (embedded_plan.c, no oneDNN) runs in ampscope's own
 * process during prepare(): it decides which nodes matter for the outputs,
 * what each one becomes (constant, input, view, one oneDNN primitive, or part
 * of another node's primitive), its precision from the AMP plan, and rejects
 * unsupported ops and unknown shapes before anything runs. The execution
 * (embedded_exec.c) runs in the forked child: it creates the oneDNN
 * primitives from that analysis and runs warmup + iterations.
 */
#ifndef AMPSCOPE_RUNNER_EMBEDDED_INT_H
#define AMPSCOPE_RUNNER_EMBEDDED_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "runner/backend.h"
#include "util/util.h"

enum ek_kind {
    EK_UNUSED,   /* not needed for any output (shape-only subgraphs, NoOp, ...) */
    EK_CONST,    /* Const, or a view (Identity, ...) of one */
    EK_INPUT,    /* Placeholder: random seeded data */
    EK_VIEW,     /* layout-only: shares its input's buffer (Reshape, Identity, ...) */
    EK_COMPUTE,  /* issues oneDNN primitive(s) */
    EK_FUSED,    /* runs inside the primitive of node `anchor` */
};

enum ek_op {
    EO_NONE,
    EO_CONV,      /* Conv2D, DepthwiseConv2dNative (+BiasAdd +activation) */
    EO_MATMUL,    /* MatMul, BatchMatMul*, Einsum (+BiasAdd +activation) */
    EO_BIAS,      /* a BiasAdd on its own: binary add */
    EO_ELTWISE,
    EO_GELU,      /* the erf GELU pattern as one eltwise (anchored at the Erf node) */
    EO_POOL,
    EO_BNORM,
    EO_SOFTMAX,
    EO_BINARY,
    EO_REDUCE,
    EO_CONCAT,
    EO_TRANSPOSE, /* reorder */
    EO_CAST,      /* a Cast node of the graph: reorder f32<->bf16 */
    EO_PAD,       /* Pad/PadV2 with zeros: reorder into a zeroed, larger buffer */
    EO_ADDN,      /* AddN: sum */
    EO_SLICE,     /* Slice, StridedSlice (constant bounds, positive strides): reorder of a view */
};

struct ek_node {
    enum ek_kind kind;
    enum ek_op op;
    bool bf16;          /* compute in bf16 (the plan painted it, and --amp is on) */
    int anchor;         /* EK_FUSED: node whose primitive runs it; else -1 */
    int bias;           /* anchor: fused BiasAdd node, -1 */
    int act;            /* anchor: fused activation node (output of the group), -1 */
    int act_alg;        /* dnnl_alg_kind_t of the fused activation, 0 none */
    float act_alpha, act_beta;
    int out;            /* the node whose output this node's primitive writes (itself or
                           the last fused node) */
    int in;             /* EO_GELU: the node feeding the pattern */
    int pad;            /* EO_CONV: a Pad fused into the convolution's padding, -1 */
};

struct ek_plan {
    const graph *g;
    const amp_plan *plan;           /* NULL or borrowed */
    bool amp_off;
    struct ek_node *n;              /* g->n_nodes */
    int *order;                     /* topological order of the needed nodes */
    int n_order;
    int *cast_at;                   /* per node: offset into cast_idx for its inputs */
    int *cast_idx;                  /* plan cast feeding (node, input), -1 none */
    int n_fused;
    int n_variables;                /* variables (VarHandleOp, VariableV2) feeding the outputs:
                                       their values live in a checkpoint, not in the graph */
};

/* Analysis: fills p. On failure returns an error naming every unsupported op
 * (and pointing at --backend tf) or the input whose shape is unknown. */
enum status ek_plan_build(struct ek_plan *p, const graph *g, const amp_plan *plan, bool amp_off,
                          struct err *e);
void ek_plan_done(struct ek_plan *p);
/* The plan's cast feeding input `input` of `node`, -1 when none (or --amp off). */
int ek_cast_for(const struct ek_plan *p, int node, int input);
/* Writes fused.tsv lines ("node\tanchor\n"). */
void ek_plan_fused_tsv(const struct ek_plan *p, struct abuf *out);

/* What the child needs. */
struct ek_run {
    const struct ek_plan *p;
    const struct bk_opts *o;
    const char *run_dir;
};
/* The child's main: creates the primitives, runs warmup + iterations with
 * markers on stdout, writes truth.tsv. Returns the exit code; on failure the
 * message is on stderr (and in dir/failure.txt for the parent). */
int ek_child_main(void *ctx, int progress_fd);

#define EK_FAILURE_FILE "failure.txt"

/* ---- the child's executor state (embedded_exec.c, embedded_ops.c) ---- */
#include <oneapi/dnnl/dnnl.h>

struct ek_val {                 /* one tensor: a node's output 0, a cast's output, ... */
    bool ready;
    dnnl_data_type_t dt;        /* dnnl_f32 | dnnl_bf16 */
    int rank;                   /* TF rank (0 = scalar) */
    int64_t dims[G_MAX_RANK];
    void *buf;                  /* plain row-major data */
    bool is_const;
    void *alt;                  /* const: the same data converted to the other type */
};

struct ek_step {                /* one primitive execution per iteration */
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[16];
    int node;                   /* graph node issuing it (truth), -1 for a plan cast */
    int cast;                   /* plan cast index, -1 */
    const char *role;           /* compute | reorder_in | reorder_wei | reorder_out | cast */
};

struct ek_ex {
    const struct ek_plan *p;
    const graph *g;
    const struct bk_opts *o;
    dnnl_engine_t eng;
    dnnl_stream_t strm;
    struct ek_val *v;           /* per node */
    struct ek_val *castv;       /* per plan cast */
    struct ek_step *steps;
    int n_steps;
    size_t cap_steps;
    dnnl_memory_t *mems;        /* every memory object, destroyed at the end */
    size_t n_mems, cap_mems;
    dnnl_primitive_t *prims;
    size_t n_prims, cap_prims;
    void **bufs;                /* every buffer we allocated */
    size_t n_bufs, cap_bufs;
    FILE *truth;
    long exec_index;            /* exec lines issued so far (== verbose exec ordinal) */
    char what[512];             /* shapes of the primitive being created, for messages */
    struct err *e;
};

/* embedded_exec.c services for the op builders */
void *ek_alloc(struct ek_ex *x, size_t bytes);
dnnl_memory_t ek_mem(struct ek_ex *x, const dnnl_memory_desc_t *md, void *buf);
void ek_md_plain(dnnl_memory_desc_t *md, int rank, const int64_t *dims, dnnl_data_type_t dt);
void ek_md_strided(dnnl_memory_desc_t *md, int rank, const int64_t *dims, const int64_t *strides,
                   dnnl_data_type_t dt);
void ek_plain_strides(int rank, const int64_t *dims, int64_t *strides);
/* Creates a primitive from an op desc (or takes pd when op desc is NULL); on
 * failure fills x->e with the node, x->what and oneDNN's status. */
dnnl_primitive_t ek_prim(struct ek_ex *x, int node, const char *kind, const_dnnl_op_desc_t desc,
                         const_dnnl_primitive_attr_t attr, dnnl_primitive_desc_t *pd_out);
dnnl_primitive_t ek_prim_from_pd(struct ek_ex *x, int node, const char *kind,
                                 dnnl_primitive_desc_t pd, dnnl_status_t st);
void ek_add_step(struct ek_ex *x, dnnl_primitive_t prim, int nargs, const dnnl_exec_arg_t *args,
                 int node, int cast, const char *role);
/* Executes now (setup: weight reorders), recording truth. */
enum status ek_run_once(struct ek_ex *x, dnnl_primitive_t prim, int nargs,
                        const dnnl_exec_arg_t *args, int node, const char *role);
/* The value feeding input j of node c, converted to want (0 = as is): plan
 * casts become cast reorders, other mismatches reorder_in steps of c. NULL
 * with x->e set on failure. */
struct ek_val *ek_input(struct ek_ex *x, int c, int j, dnnl_data_type_t want);
/* Allocates the output value of node `out` (shape from graph_infer). */
struct ek_val *ek_output(struct ek_ex *x, int out, dnnl_data_type_t dt);
/* Constant data of (a view of) a Const as floats (n elements), NULL on failure. */
const float *ek_const_f32(struct ek_ex *x, int node, int64_t *n);
/* The bias (input 1) of fused BiasAdd node biasadd, rounded to bf16 values
 * when the BiasAdd runs bf16 (TensorFlow folds the Cast of the constant). */
const float *ek_bias_f32(struct ek_ex *x, int biasadd, int64_t *n);
int64_t ek_elems(int rank, const int64_t *dims);
const char *ek_dt_name(dnnl_data_type_t dt);
void ek_dims_str(int rank, const int64_t *dims, char *buf, size_t size);

/* embedded_ops*.c: builds the steps of one compute node. */
enum status ek_build_node(struct ek_ex *x, int node);

static inline dnnl_data_type_t ek_cdt(const struct ek_ex *x, int node)
{
    return x->p->n[node].bf16 ? dnnl_bf16 : dnnl_f32;
}
static inline const struct g_node *ek_gn(const struct ek_ex *x, int node)
{
    return &x->g->nodes[node];
}
/* shared by the builders (embedded_ops.c) */
dnnl_primitive_attr_t ek_make_attr(const struct ek_node *n);
void ek_md_str(const dnnl_memory_desc_t *md, char *buf, size_t size);
/* "src 1x16x28x28 f32, wei ..." into x->what, for oneDNN failure messages */
void ek_describe(struct ek_ex *x, const char *const *names, const dnnl_memory_desc_t *const *mds,
                 int n);
/* The weights memory for prim: the user memory, or a one-time reorder
 * (truth role reorder_wei) into the layout prim wants. NULL on failure. */
dnnl_memory_t ek_weights_for(struct ek_ex *x, int node, dnnl_primitive_t prim,
                             const dnnl_memory_desc_t *user_md, void *user_buf);
void ek_same_pad(int64_t in, int64_t k, int64_t s, int64_t d, int64_t out, int64_t *l, int64_t *r);
void ek_act_md(dnnl_memory_desc_t *md, const int64_t *tf, bool nchw, dnnl_data_type_t dt);
/* the builders */
enum status ek_build_conv(struct ek_ex *x, int i);
enum status ek_build_matmul(struct ek_ex *x, int i);
enum status ek_build_eltwise(struct ek_ex *x, int i, int src_node_input, int alg, float al,
                             float be);
int ek_eltwise_alg(const struct g_node *nd, float *al, float *be);
enum status ek_build_softmax(struct ek_ex *x, int i);
enum status ek_build_pool(struct ek_ex *x, int i);
enum status ek_build_bnorm(struct ek_ex *x, int i);
enum status ek_build_binary(struct ek_ex *x, int i);
enum status ek_build_reduce(struct ek_ex *x, int i);
enum status ek_build_concat(struct ek_ex *x, int i);
enum status ek_build_transpose(struct ek_ex *x, int i);
enum status ek_build_cast(struct ek_ex *x, int i);
enum status ek_build_pad(struct ek_ex *x, int i);
enum status ek_build_addn(struct ek_ex *x, int i);
enum status ek_build_slice(struct ek_ex *x, int i);

/* Graph helpers of the analysis shared by embedded_plan.c and embedded_fuse.c. */
int ek_in_node(const graph *g, int node, int i);            /* data input i's node, -1 */
int ek_sole_consumer(const graph *g, int node);             /* the only data consumer, -1 */
bool ek_is_graph_output(const graph *g, int node);
bool ek_const_scalar(const graph *g, int node, double *v);  /* a Const holding one value */
int ek_eltwise_find(const struct g_node *nd, float *alpha, float *beta); /* dnnl alg, -1 */
bool ek_match_gelu(const graph *g, int erf, int grp[5], int *h);
bool ek_node_bf16(const struct ek_plan *p, int i);          /* painted bf16 and --amp on */
void ek_plan_fusions(struct ek_plan *p);

/* Constant helpers shared by both phases. */
/* Follows Identity/ReadVariableOp chains to a Const or a variable, -1. */
int ek_const_source(const graph *g, int node);
bool ek_is_variable(const struct g_node *nd);
bool ek_const_ints(const graph *g, int node, int64_t *out, int max, int *n);
bool ek_attr_ints(const struct g_node *nd, const char *name, int64_t *out, int max, int *n);
const char *ek_attr_str(const struct g_node *nd, const char *name, const char *dflt);

#endif
