/* analyze/graph: the in-memory model of a TensorFlow graph.
 *
 * A struct graph is built by the loaders (graph_load: GraphDef binary or
 * text, SavedModel, MetaGraphDef) and then only read by everyone else. Nodes
 * are stored in one array; edges are indices. Function bodies reached through
 * (Stateful)PartitionedCall are inlined as nested nodes named
 * "<call node>/<body node>" with `parent` pointing at the call node, so every
 * real op is visible while the call structure is kept.
 *
 * Ownership: the graph owns every string (interned in its pool, or kept in
 * the decoded protobuf it holds) and every array; graph_free() releases
 * everything. Pointers into a graph stay valid
 * until graph_free().
 */
#ifndef AMPSCOPE_ANALYZE_GRAPH_H
#define AMPSCOPE_ANALYZE_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

/* TensorFlow DataType numbers (types.proto). *_REF types are +100. */
enum tf_dtype {
    TF_DT_INVALID = 0,
    TF_DT_FLOAT = 1,
    TF_DT_DOUBLE = 2,
    TF_DT_INT32 = 3,
    TF_DT_UINT8 = 4,
    TF_DT_INT16 = 5,
    TF_DT_INT8 = 6,
    TF_DT_STRING = 7,
    TF_DT_COMPLEX64 = 8,
    TF_DT_INT64 = 9,
    TF_DT_BOOL = 10,
    TF_DT_QINT8 = 11,
    TF_DT_QUINT8 = 12,
    TF_DT_QINT32 = 13,
    TF_DT_BFLOAT16 = 14,
    TF_DT_QINT16 = 15,
    TF_DT_QUINT16 = 16,
    TF_DT_UINT16 = 17,
    TF_DT_COMPLEX128 = 18,
    TF_DT_HALF = 19,
    TF_DT_RESOURCE = 20,
    TF_DT_VARIANT = 21,
    TF_DT_UINT32 = 22,
    TF_DT_UINT64 = 23,
};
const char *tf_dtype_name(int dt);        /* "float", "bfloat16", ... ("DT_FLOAT" style via tf_dtype_enum_name) */
const char *tf_dtype_enum_name(int dt);   /* "DT_FLOAT" */
int tf_dtype_parse(const char *name);     /* accepts "DT_FLOAT" or "float"; -1 if unknown */

#define G_MAX_RANK 8
/* A tensor shape. rank -1 = unknown rank; a dim of -1 = unknown size. */
struct g_shape {
    int rank;
    int64_t dim[G_MAX_RANK];
};

enum g_attr_kind {
    G_ATTR_NONE,
    G_ATTR_S,      /* string (bytes) */
    G_ATTR_I,
    G_ATTR_F,
    G_ATTR_B,
    G_ATTR_TYPE,
    G_ATTR_SHAPE,
    G_ATTR_TENSOR,
    G_ATTR_FUNC,   /* function name in s */
    G_ATTR_LIST,   /* list(...): the populated array below (list(bool) in list_i,
                      list(func) names in list_s; list(tensor) keeps only n_list) */
};

struct g_tensor {         /* a constant's value (small ones only keep data) */
    int dtype;
    struct g_shape shape;
    int64_t n_elems;      /* -1 if unknown */
    int n_vals;           /* number of values kept (0 when too large) */
    double *vals;         /* kept values as doubles (ints exact up to 2^53) */
    const void *proto;    /* the Tensorflow__TensorProto it came from (all the data,
                             weights included), valid until graph_free(); may be NULL */
};
#define G_TENSOR_KEEP 1024 /* constants with at most this many elements keep vals */

/* Expands a constant into n floats (converting ints/doubles/halves/bf16, and
 * repeating the last *_val as TensorFlow does). out has room for n. For a
 * backend that needs the weights. ST_EUNSUPPORTED for strings/variants. */
enum status g_tensor_read_f32(const struct g_tensor *t, float *out, int64_t n, struct err *e);

struct g_attr {
    const char *name;
    enum g_attr_kind kind;
    const char *s;        /* S / FUNC */
    int64_t i;
    double f;
    bool b;
    int type;             /* TYPE */
    struct g_shape shape; /* SHAPE */
    struct g_tensor *tensor; /* TENSOR */
    /* LIST: */
    int n_list;
    int64_t *list_i;
    int *list_type;
    const char **list_s;
    struct g_shape *list_shape;
    double *list_f;
};

/* A data input is (node, port >= 0); a control input has port -1. */
struct g_input {
    int node;             /* index into graph.nodes, -1 if unresolved */
    int port;             /* output port of `node`, -1 for control */
    const char *text;     /* the input string as written ("foo:1", "^bar") */
};

struct g_out_edge {       /* a consumer of one of this node's outputs */
    int node;             /* consumer node index */
    int input;            /* index into the consumer's inputs[] */
    int port;             /* our output port (-1 for control) */
};

struct g_node {
    const char *name;
    const char *op;
    const char *device;   /* "" when unset */
    const char *scope;    /* name without the last '/' component ("" at top) */
    struct g_input *inputs;
    int n_inputs;         /* data inputs first, then control inputs (as in NodeDef) */
    int n_data_inputs;
    struct g_attr *attrs;
    int n_attrs;
    /* Filled by graph_infer(): per output port. */
    int n_outputs;
    int *out_dtype;       /* tf_dtype per output port (TF_DT_INVALID if unknown) */
    struct g_shape *out_shape;
    /* Consumers (filled at load). */
    struct g_out_edge *outs;
    int n_outs;
    int parent;           /* call node this node was inlined from, -1 at top level */
    int function;         /* index into graph.functions for inlined nodes, -1 at top */
    int id;               /* == index */
    /* Added by the loader owner (backward-compatible): */
    bool inlined;         /* a call whose function body was inlined below it: its
                             inputs are kept as control inputs (port -1) and its
                             consumers read the body's results directly */
    int depth;            /* inlining depth: 0 at top level */
};

struct g_function {
    const char *name;
    int n_nodes;          /* nodes in the body (FunctionDef node_def count) */
    int n_calls;          /* how many call sites were inlined */
};

enum g_format {
    G_FMT_UNKNOWN,
    G_FMT_GRAPHDEF_BINARY,
    G_FMT_GRAPHDEF_TEXT,
    G_FMT_SAVEDMODEL,      /* directory or saved_model.pb */
    G_FMT_METAGRAPH,       /* .meta (binary) */
    G_FMT_METAGRAPH_TEXT,
    G_FMT_SAVEDMODEL_TEXT, /* saved_model.pbtxt */
};
const char *g_format_name(enum g_format f);

struct g_endpoint {       /* a graph input or output ("x:0", or from a signature) */
    const char *name;     /* the signature's key, or the node name */
    int node;
    int port;
    int dtype;
    struct g_shape shape;
};

struct graph;
typedef struct graph graph;

struct graph {
    const char *path;
    enum g_format format;
    int producer;                 /* versions.producer, -1 if absent */
    struct g_node *nodes;
    int n_nodes;
    struct g_function *functions;
    int n_functions;
    struct g_endpoint *inputs;    /* Placeholders, or signature inputs */
    int n_inputs;
    struct g_endpoint *outputs;   /* signature outputs, or sink nodes */
    int n_outputs;
    long n_edges, n_control_edges;
    const char *meta_tag;         /* SavedModel/MetaGraph tag chosen, "" otherwise */
    const char *signature;        /* signature chosen, "" otherwise */
    struct strmap by_name;        /* node name -> index */
    struct strpool *pool;         /* owns every string above */
    void *priv;                   /* loader-private data (e.g. the unpacked protobuf) */
    /* Added by the loader owner (backward-compatible): */
    const char *tf_version;       /* MetaInfoDef.tensorflow_version, "" otherwise */
    int n_top_nodes;              /* nodes with parent == -1 */
    const char **warnings;        /* non-fatal load notes (unresolved calls, ...) */
    int n_warnings;
    size_t file_bytes;            /* size of the file loaded */
    const char **signature_names; /* every SignatureDef key of the chosen meta graph, sorted */
    int n_signature_names;
};

struct graph_load_opts {
    const char *tag;              /* SavedModel tag, NULL = "serve" */
    const char *signature;        /* NULL = "serving_default", else the first */
    bool no_inline;               /* do not inline function bodies */
    size_t max_bytes;             /* 0 = default limit */
};

/* Loads any supported format, detected by content. On failure returns NULL
 * and fills e (with file/line/col for text formats). */
graph *graph_load(const char *path, const struct graph_load_opts *opts, struct err *e);
void graph_free(graph *g);
/* Same from a buffer already in memory (name is used in messages and as
 * g->path). The buffer is borrowed only during the call. */
graph *graph_load_buffer(const void *data, size_t len, const char *name,
                         const struct graph_load_opts *opts, struct err *e);
/* Builds a graph from an already-decoded tensorflow.GraphDef (a
 * Tensorflow__GraphDef *, e.g. a RunMetadata partition graph). The message is
 * borrowed: it must outlive the graph. name is used in messages. */
graph *graph_from_graphdef(const void *graphdef, const char *name,
                           const struct graph_load_opts *opts, struct err *e);
/* Limits the loaders enforce on hostile input. */
#define G_MAX_NESTING 100   /* protobuf message nesting (binary and text) */
#define G_MAX_INLINE_DEPTH 16 /* nested function calls inlined */
#define G_MAX_PORTS 4096    /* output ports per node: n_outputs never exceeds it, and
                               every data input's port is below it */

/* Finds a node by name; -1 if absent. */
int graph_find(const graph *g, const char *name);
/* Added by the runner owner (backward-compatible): where output `port` of an
 * inlined (Stateful)PartitionedCall really comes from (a body node and its
 * port); false when call is not an inlined call or the port is unknown. */
bool graph_call_result(const graph *g, int call, int port, int *node, int *rport);
/* Attribute lookup; NULL if absent. */
const struct g_attr *g_node_attr(const struct g_node *n, const char *name);

/* A user binding for an unknown input shape: "--input NAME:SHAPE". */
struct g_input_bind {
    const char *name;
    struct g_shape shape;
};
/* Parses "x:1x28x28x1" or "x:1,28,28,1" or "x:?x28x28x1" ("x:0:1x3" binds
 * tensor x:0). out->name is heap-allocated: release it with g_input_bind_done(). */
enum status g_input_bind_parse(const char *text, struct g_input_bind *out, struct err *e);
void g_input_bind_done(struct g_input_bind *b);

/* Infers output dtypes and shapes of every node. `binds` override inputs;
 * batch > 0 fills an unknown leading dim of every input. Unknown stays -1.
 * Returns ST_EINVAL naming the bind when a bind refers to a missing input. */
enum status graph_infer(graph *g, const struct g_input_bind *binds, int n_binds, int batch,
                        struct err *e);

/* Topological order of the nodes (control edges included; NextIteration back
 * edges ignored). Caller frees *order. ST_EINVAL with the cycle's nodes on a
 * cycle outside loop frames. */
enum status graph_topo(const graph *g, int **order, struct err *e);

/* "1x28x28x1", "?x784", "<unknown>" into buf. */
void g_shape_format(const struct g_shape *s, char *buf, size_t size);
int64_t g_shape_elems(const struct g_shape *s); /* -1 if unknown */

#endif
