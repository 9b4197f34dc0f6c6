/* analyze/graph_int.h: private to the graph loaders (graph*.c, load*.c,
 * shapes.c). The arena every graph array lives in, the builder that turns an
 * unpacked tensorflow.GraphDef into a struct graph (with function inlining),
 * and the loader-private data kept in graph.priv.
 */
#ifndef AMPSCOPE_ANALYZE_GRAPH_INT_H
#define AMPSCOPE_ANALYZE_GRAPH_INT_H

#include <protobuf-c/protobuf-c.h>

#include "analyze/graph.h"
#include "analyze/proto/graph.pb-c.h"
#include "util/util.h"

/* A bump arena: every allocation is zeroed and lives until arena_free(). */
struct arena_block;
struct arena {
    struct arena_block *head;
    size_t bytes;
};
void *arena_alloc(struct arena *a, size_t n);
void *arena_alloc_raw(struct arena *a, size_t n); /* not zeroed */
void arena_free(struct arena *a);

struct g_callret {              /* output `port` of inlined call `call` is (node, rport) */
    int call, port, node, rport;
};

struct graph_priv {
    struct arena arena;
    struct g_callret *callret;    /* in arena */
    int n_callret;
    ProtobufCMessage *root;       /* unpacked message the graph came from (owned) */
    bool root_in_arena;           /* root was unpacked into pb_arena (no free_unpacked) */
    struct arena pb_arena;        /* bump allocator protobuf-c unpacks into */
    struct abuf warn;             /* scratch */
};

static inline struct graph_priv *gpriv(const graph *g) { return (struct graph_priv *)g->priv; }
static inline void *g_alloc(graph *g, size_t n) { return arena_alloc(&gpriv(g)->arena, n); }

/* A new empty graph (pool, arena, map ready). */
graph *graph_new_empty(const char *path);
const char *g_intern(graph *g, const char *s);
void graph_warn(graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Builds g's nodes from gd (which must outlive g: keep it in priv->root).
 * Inlines (Stateful)PartitionedCall bodies unless no_inline. Errors name the
 * node/field (file taken from g->path). */
enum status graph_build(graph *g, const Tensorflow__GraphDef *gd, bool no_inline, struct err *e);

/* Fills g->inputs/outputs from Placeholders and sinks (no signature). */
void graph_default_endpoints(graph *g);
/* Resolves "name:port" (top level, through inlined calls) ; false if absent. */
bool graph_resolve_tensor(const graph *g, const char *text, int *node, int *port);

/* Element size in bytes of a dtype for tensor_content, 0 if unknown. */
int tf_dtype_size(int dt);

/* Wire-format pre-scan: checks that buf is well-formed protobuf for desc
 * (lengths inside the buffer, no groups, nesting <= G_MAX_NESTING) without
 * recursion. On failure fills e with the field path and byte offset. */
enum status pb_wire_check(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
                          const char *file, struct err *e);

#endif
