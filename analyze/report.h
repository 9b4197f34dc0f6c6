/* analyze/report: the analysed result of a run (or of logs the user already
 * has): every verbose exec event attributed to a graph node by the mapper,
 * per-node executed precision/kernel/time, the headline figures, and the
 * diagnosis (why a node is not bf16/AMX and which list change would alter it).
 *
 * Building a report: report_build() from a loaded graph + plan + the run's
 * evidence. The report borrows the graph and plan (free it first); it owns
 * its arrays and strings.
 */
#ifndef AMPSCOPE_ANALYZE_REPORT_H
#define AMPSCOPE_ANALYZE_REPORT_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "logs/amplog.h"
#include "logs/verbose.h"
#include "util/util.h"

/* One exec event kept for the report (the measured iterations only). */
struct rep_event {
    long line_no;             /* line in verbose.log */
    long exec_index;          /* 0-based ordinal among exec lines */
    int iteration;            /* -1 warmup/unknown, else 0.. */
    const char *prim, *impl, *problem, *mds; /* interned */
    enum vb_isa isa;
    enum vb_dt src_dt, dst_dt;
    double time_ms, ts_ms;
    int node;                 /* mapped graph node, -1 unmapped */
    int cast;                 /* index into plan->casts when a cast reorder, else -1 */
    const char *role;         /* compute | reorder_in | reorder_wei | reorder_out | cast */
    float confidence;         /* 0..1 */
};

struct rep_node {
    int node;                 /* graph index */
    const char *name, *op;
    const char *planned;      /* "bf16" | "fp32" | "-" (no float attr) */
    const char *executed_dtype; /* "bf16" | "f32" | "mixed" | "-" (no oneDNN event) */
    const char *impl;         /* the compute primitive's impl (most time) */
    enum vb_isa isa;
    double time_ms;           /* mean per measured iteration, compute + its reorders */
    double compute_ms, reorder_ms, cast_ms;
    double share;             /* of total mapped time */
    int n_events;             /* events per iteration */
    int n_reorders, n_casts;
    double speedup;           /* f32 time / bf16 time when compared, NaN otherwise */
    const char *why;          /* diagnosis when not bf16/AMX, else NULL */
    const char *fix;          /* the list change that would alter it, else NULL */
    float confidence;         /* mean mapping confidence */
};

struct report {
    const graph *g;           /* borrowed */
    const amp_plan *plan;     /* borrowed, may be NULL */
    char run_dir[1024];
    char backend[32];
    char onednn_version[64];
    char tf_version[32];
    int iterations;           /* measured iterations found */
    int warmup;
    double bf16_share, amx_share;       /* of compute (non-reorder) time */
    int cast_count;           /* cast executions per iteration */
    double cast_ms, cast_share;
    double reorder_ms, reorder_share;   /* layout reorders per iteration */
    long unmapped_events;
    double wall_ms_per_iter;  /* from markers, NaN if unknown */
    double prim_ms_per_iter;  /* sum of primitive times per iteration */
    struct rep_node *nodes;   /* one per graph node that matters, sorted by time desc */
    int n_nodes;
    struct rep_event *events; /* measured events */
    long n_events;
    struct amp_log_summary amp;         /* what TF/ITEX printed about AMP */
    double compare_speedup;   /* NaN when not compared */
    double painter_agreement; /* NaN when no TF decision to compare */
    char **disagreements;     /* "node:attr predicted X, TF Y" */
    int n_disagreements;
    struct strpool *pool;
};

struct report_opts {
    bool use_truth;           /* take attribution from truth.tsv instead of the mapper */
    int top_why;              /* how many diagnoses to write (default 10) */
};

/* Builds the report of run directory dir for graph g (+ plan, may be NULL). */
struct report *report_from_rundir(const char *dir, const graph *g, const amp_plan *plan,
                                  const struct report_opts *o, struct err *e);
void report_free(struct report *r);

/* The documented JSON schema (docs/json-schema.md). */
void report_json(const struct report *r, struct abuf *out);

#endif
