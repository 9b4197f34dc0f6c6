/* analyze/mapper: attributes every oneDNN exec event to the graph node that
 * issued it, without help from the backend.
 *
 * Each node gets signatures from what it would ask oneDNN for: primitive kind
 * (convolution, inner_product/matmul, eltwise, binary, pooling, ...) plus the
 * problem shape computed from the graph's inferred shapes (conv: g/mb/ic/oc/
 * spatial/kernel; gemm: output elements + K; others: element counts). Events
 * get the same signatures from their problem descriptor (every era: conv
 * `mb1_ic3oc64_ih..`, matmul `[b]m..n..k..`, `AxB:BxC[:AxC]` and `AxB:BxC`,
 * inner product `mb..ic..oc..`, plain dims). Within one pass over the graph
 * (a warmup run or a measured iteration, rep_event.seq) events are aligned in
 * execution order: the exact signature first, then coarser ones, each bucket
 * taken in topological order; timestamps decide when node start/end times are
 * known. Fused post-ops (Conv2D+BiasAdd+Relu as one primitive) consume the
 * fused nodes; cast reorders (f32<->bf16) go to the plan's Cast edge; layout
 * and weight reorders to the node they feed (or, for a reorder back to a
 * plain layout, the node that produced it). Every match has a confidence.
 *
 * Identical passes (same event sequence) are mapped once and copied, so a
 * million events of a steady-state log cost little more than one iteration.
 *
 * Ownership: a mapper borrows the graph and plan (free it before them).
 */
#ifndef AMPSCOPE_ANALYZE_MAPPER_H
#define AMPSCOPE_ANALYZE_MAPPER_H

#include <stdbool.h>
#include <stdint.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "logs/verbose.h"
#include "util/util.h"

/* What an event did for its node (the truth.tsv role names). */
enum map_role {
    MAP_ROLE_NONE,
    MAP_ROLE_COMPUTE,
    MAP_ROLE_REORDER_IN,
    MAP_ROLE_REORDER_WEI,
    MAP_ROLE_REORDER_OUT,
    MAP_ROLE_CAST,
    MAP_ROLE__COUNT
};
const char *map_role_name(enum map_role r);   /* "compute", "reorder_in", ... */
enum map_role map_role_parse(const char *s);  /* MAP_ROLE_NONE when unknown */

/* The primitive kinds the mapper tells apart. */
enum map_kind {
    MK_NONE,
    MK_CONV,
    MK_DECONV,
    MK_IP,
    MK_MATMUL,
    MK_ELTWISE,
    MK_BINARY,
    MK_POOL,
    MK_BNORM,
    MK_LNORM,
    MK_SOFTMAX,
    MK_CONCAT,
    MK_REDUCTION,
    MK_REORDER,
    MK_SUM,
    MK_LRN,
    MK_RESAMPLING,
    MK_SHUFFLE,
    MK_PRELU,
    MK_OTHER,
    MK__COUNT
};
enum map_kind map_kind_of_prim(const char *prim);   /* oneDNN primitive name -> kind */
const char *map_kind_name(enum map_kind k);

/* The shape facts of one problem (event side or node side); -1 = unknown. */
#define MAP_NF 14
struct map_sig {
    enum map_kind kind;
    int64_t f[MAP_NF];   /* kind-specific exact features (see mapper.c) */
    int nf;
    int64_t dst_elems;   /* elements of the result */
    int64_t aux_elems;   /* second operand / weights elements, -1 if none */
};

/* Signature of an event from its primitive kind and problem descriptor
 * (any era). Returns false when the problem could not be read (kind still set). */
bool map_sig_of_event(const char *prim, const char *problem, struct map_sig *out);

/* Copies what the mapper and the report need from a verbose exec event
 * (strings are borrowed from the reader's pool). */
void map_event_from_vb(struct rep_event *out, const struct vb_event *ev, long exec_index);

/* Start/end times of nodes (wall ms, the verbose timestamp clock), when the
 * backend recorded them (e.g. TF step_stats). */
struct map_node_time {
    int node;
    int seq;             /* pass, as rep_event.seq; -1 = any */
    double start_ms, end_ms;
};

struct map_stats {
    long events, mapped, unmapped;
    long compute, reorders, casts;
    long passes, passes_copied;
    double mean_confidence;
};

typedef struct mapper mapper;

/* Prepares the node signatures of g (shapes must be inferred) with the plan's
 * casts (plan may be NULL). NULL with e filled on failure. */
mapper *map_new(const graph *g, const amp_plan *plan, struct err *e);
void map_free(mapper *m);
/* Optional: node times for timestamp alignment (copied). */
void map_set_node_times(mapper *m, const struct map_node_time *t, int n);

/* Fills node, cast, role and confidence of ev[0..n) (events in log order,
 * seq set; events with seq -1 form passes of their own between the others).
 * Role strings are static. */
enum status map_events(mapper *m, struct rep_event *ev, long n, struct map_stats *st,
                       struct err *e);

/* For each graph node: the node whose primitive ran it as a fused post-op or
 * bias in the last mapped pass that had it, else -1. Array of g->n_nodes. */
const int *map_fused_into(const mapper *m);

/* The signature the mapper expects from node n's compute primitive (first
 * one when several fit); false when the node issues no primitive. */
bool map_node_sig(const mapper *m, int n, struct map_sig *out);

#endif
