/* analyze/report: the analysed result of a run (or of logs the user already
 * has): every verbose exec event attributed to a graph node by the mapper,
 * per-node executed precision/kernel/time, the headline figures, and the
 * diagnosis (why a node is not bf16/AMX and which list change would alter it).
 *
 * Building a report: report_from_rundir() from a loaded graph + plan + the run's
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
    /* Added by the report owner (backward-compatible): */
    const char *aux, *attrs;  /* interned; "" when absent */
    const char *src_tag, *dst_tag; /* layout tags of the first src-like and the dst md ("" if none) */
    enum vb_dt wei_dt;        /* weights data type, VB_DT_UNDEF when none */
    int seq;                  /* which execution of the graph (pass) the event belongs to:
                                 warmup passes and measured iterations alike, 0.. in log order;
                                 -1 = outside any pass (set by analyze/iterations) */
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
    /* Added by the report owner (backward-compatible): */
    const char *fused_into;   /* name of the node whose primitive ran this node as a post-op, else NULL */
    const char *reason_code;  /* the plan's reason code for the node ("allow", "deny", ...) or "" */
    const char *why_code;     /* stable diagnosis code: "deny", "deny_propagated", "no_list",
                                 "infer_no_neighbour", "no_amx_cpu", "small_channels", "ran_f32",
                                 "cast_pair", ... or NULL */
    int ic;                   /* input channels (conv) / K (matmul), -1 unknown */
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
    /* Added by the report owner (backward-compatible): */
    char status[32];          /* the run's meta status ("ok", "running", ...), "" if no meta */
    char cpu_model[256];
    bool cpu_has_amx;         /* amx_bf16 in the run's CPU flags */
    bool cpu_known;           /* the CPU flags were recorded */
    bool iterations_from_markers; /* false: found from the repeating exec sequence */
    long n_exec_total;        /* all exec lines in the log */
    long n_create_lines;      /* create lines (told apart, never counted as iterations) */
    long n_warmup_events;     /* exec events outside the measured iterations */
    long n_verbose_unparsed;  /* verbose-looking lines the reader could not parse */
    double mean_confidence;   /* over mapped events */
    bool used_truth;          /* attribution was taken from truth.tsv */
    double compare_f32_ms, compare_bf16_ms; /* per iteration, NaN when not compared */
    char compare_dir[1024];   /* the baseline run directory used for compare, "" otherwise */
    struct rep_why {          /* the diagnosis list, most time first */
        int node;             /* graph index */
        const char *code;     /* as rep_node.why_code */
        const char *text;     /* one sentence */
        const char *fix;      /* list change (flag + env var), or NULL when none applies */
        double time_ms;
    } *whys;
    int n_whys;
    char notes[8][256];       /* short notes for the reader (partial run, no plan, ...) */
    int n_notes;
    void *priv;               /* report-private (keeps the verbose reader's strings alive) */
    /* Added by the tf-backend owner (backward-compatible): */
    char *tf_json;            /* `"tf":{...},"painter":{...}` members from analyze/tfevidence
                                 (TensorFlow's own evidence), NULL when the run has none; owned */
    /* Spread of the time per measured iteration (wall from the markers, else
     * the sum of its primitives); NaN when there are no measured iterations. */
    double iter_ms_min, iter_ms_median, iter_ms_max;
    const char *iter_ms_source; /* "wall" | "primitives" | NULL */
    long n_shape_mismatch;    /* compute events placed only by kind on a node whose known shapes
                                 differ (a log from another model or other input shapes) */
    long n_tf_attributed;     /* exec events attributed by TF's step_stats timestamps (tf runs) */
    double tf_mapper_agreement; /* of events both attributed, the share where the signature
                                 mapper chose the same node; NaN when not compared */
};

struct report_opts {
    bool use_truth;           /* take attribution from truth.tsv instead of the mapper */
    int top_why;              /* how many diagnoses to write (default 10) */
    /* Added by the report owner (backward-compatible): */
    const char *compare_dir;  /* baseline (f32) run directory to compare with; NULL = look for
                                 the run's own "compare/" subdirectory (docs/report.md) */
    bool cpu_has_amx_known;   /* override the CPU facts (tests, logs from another machine) */
    bool cpu_has_amx;
    /* Called now and then while verbose.log is read (bytes so far); NULL = none. */
    void (*progress)(void *ctx, long long bytes);
    void *progress_ctx;
};

/* Builds the report of run directory dir for graph g (+ plan, may be NULL). */
struct report *report_from_rundir(const char *dir, const graph *g, const amp_plan *plan,
                                  const struct report_opts *o, struct err *e);
void report_free(struct report *r);

/* The documented JSON schema (docs/report.md). */
void report_json(const struct report *r, struct abuf *out);

/* The mapper checked against the embedded backend's ground truth: every exec
 * event of r compared with dir/truth.tsv by exec_index (node name; casts by
 * the plan's cast name). */
struct rep_truth_check {
    long total;               /* exec events in truth.tsv */
    long agree;               /* same node (and cast) as the mapper */
    long role_agree;          /* same role too */
    long missing;             /* truth rows with no event, or events with no row */
    char first_diff[512];     /* "exec 12: truth conv/Conv2D (compute), mapper ... " or "" */
};
enum status report_truth_check(const struct report *r, const char *dir,
                               struct rep_truth_check *out, struct err *e);

/* The node name an event is attributed to: the graph node's name, the plan's
 * cast name for a cast, or NULL when unmapped. */
const char *rep_event_target(const struct report *r, const struct rep_event *ev);

#endif
