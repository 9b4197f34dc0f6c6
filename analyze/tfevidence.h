/* analyze/tfevidence: what TensorFlow itself says about a run, joined.
 *
 * Reads a run directory written by the tf backend (or by `ampscope run --
 * COMMAND` when TensorFlow's AMP ran inside the command):
 *   tf/graphdef_preop_<id>_<ts>.pb, tf/graphdef_AutoMixedPrecision_<id>_<ts>.pb,
 *   tf/paintbuckets_AutoMixedPrecision_<id>_<ts>.txt   (TF's LOG_PATH dumps)
 *   tf/run_metadata.pb   (step_stats + partition graphs of the traced iteration)
 *   tf/driver.json       (TF version, feeds/fetches: the preserve set)
 *   amp.log              (TF's AMP log lines), verbose.log (oneDNN + markers)
 * and produces:
 *   - TF's actual decision per (node, type attr) of its own pre-AMP graph, the
 *     Casts it inserted (every name format) and whether they ran / were folded;
 *   - the executed nodes (partition graph + step_stats), each mapped back to
 *     the user's node names (fused nodes list every node they absorbed);
 *   - the attribution of every oneDNN exec event to an executed node, by
 *     timestamp in the traced iteration, carried to the other iterations by
 *     position or by signature;
 *   - painter agreement: the AMP painter run on TF's pre-AMP dump versus TF's
 *     post-AMP dump, per type attr (tfev_painter()).
 *
 * Ownership: a tf_evidence owns every string (pool) and both dump graphs;
 * tfev_free() releases everything.
 */
#ifndef AMPSCOPE_ANALYZE_TFEVIDENCE_H
#define AMPSCOPE_ANALYZE_TFEVIDENCE_H

#include <stdbool.h>

#include "analyze/graph.h"
#include "analyze/report.h"
#include "logs/amplog.h"
#include "util/util.h"

/* One (node, type attr) of TF's pre-AMP graph that was float. */
struct tfev_attr {
    const char *node, *op;
    const char *attr;         /* "T", "dtype", or "T[1]" for an element of a list(type) attr */
    bool tf_bf16;             /* TF made it bfloat16 (post-AMP graph) */
    int painter;              /* the painter's prediction: 1 bf16, 0 fp32, -1 not compared */
    const char *reason_code;  /* the painter's reason code, "" when not compared */
};

/* An AMP Cast found in TF's post-AMP graph. */
struct tfev_cast {
    const char *name;
    const char *src;          /* source node (from the input, else the name) */
    int src_port;
    bool to_bf16;             /* DstT bfloat16 (false: back to float) */
    int format;               /* 1 "<src>-<port>-CastToBf16-AutoMixedPrecision",
                                 2 "<src>-<port>-<dst>-<port>-CastTo..." , 3 "...-CastToBf16-<id>-AutoMixedPrecision" */
    bool from_const;          /* source is a Const/Variable: TF does not count it */
    bool executed;            /* ran as a node in the traced iteration */
    bool folded;              /* became a Const (grappler constant folding) */
    double time_ms;           /* its step_stats op time; NaN when it did not run */
};

/* A node of the executed (partition) graph, with its step_stats. */
struct tfev_exec {
    const char *name, *op;    /* "relu1", "_MklNativeFusedMatMul" */
    const char *node;         /* the user's node it stands for: the compute node of a fusion */
    const char **fused;       /* every user node it absorbed (incl. `node`), n_fused >= 1 */
    int n_fused;
    bool is_cast;             /* an AMP cast (index in casts[] in `cast`) */
    int cast;
    int out_dtype;            /* tf_dtype of output 0 (step_stats), 0 when unknown */
    double start_ms, end_ms;  /* wall clock ms (step_stats op start/end); NaN when not traced;
                                 the first execution when the node ran several times (loops) */
    double *runs;             /* every execution: start,end pairs (n_runs of them) */
    int n_runs;
    int n_events;             /* oneDNN exec events attributed in the traced iteration */
};

/* One of TF's LOG_PATH dump sets (one per graph or function AMP ran on). */
struct tfev_dump {
    const char *id;           /* "tf_graph" or a function name */
    const char *ts;           /* the millisecond timestamp in the names */
    const char *pre, *post, *buckets; /* paths, NULL when absent */
};

/* Attribution of oneDNN exec events (exec_index = ordinal in verbose.log). */
struct tfev_event {
    long exec_index;
    int exec;                 /* index into exec[], -1 unattributed */
    float confidence;         /* 1 = unique timestamp match; lower: nearest/positional */
    const char *how;          /* "timestamp", "position", "signature", "nearest" */
};

typedef struct tf_evidence tf_evidence;
struct tf_evidence {
    char run_dir[1024];
    char tf_version[32];      /* from tf/driver.json, "" when unknown */
    char onednn_version[64];  /* from the verbose info header, "" when none */
    struct tfev_dump *dumps;
    int n_dumps;
    int main_dump;            /* the dump compared ("tf_graph", else the largest); -1 none */
    graph *pre, *post;        /* main dump's graphs; NULL when absent */
    struct tfev_attr *attrs;  /* float type attrs of `pre` */
    int n_attrs;
    int tf_converted;         /* attrs TF made bf16 */
    struct tfev_cast *casts;
    int n_casts;
    int casts_counted;        /* to-bf16 casts not from Const/Variable: TF's "N cast(s)" */
    int casts_executed;       /* casts that ran as nodes in the traced iteration */
    double cast_ms;           /* their summed step_stats time */
    struct tfev_exec *exec;
    int n_exec;
    bool traced;              /* run_metadata.pb was found and read */
    struct tfev_event *events;
    long n_events;
    long n_attributed, n_ambiguous;
    struct amp_log_summary amp;
    const char **preserve;    /* nodes TF must preserve (feeds/fetches) */
    int n_preserve;
    /* painter agreement (tfev_painter) */
    bool painter_run;
    char painter_note[256];   /* why it did not run, or the lists used */
    int n_compared, n_agree;
    double agreement;         /* n_agree / n_compared; NaN when not run */
    const char **disagreements; /* "node:attr (Op): ampscope bf16, TF fp32 [reason]" */
    int n_disagreements;
    struct strpool *pool;
};

/* Loads the evidence of run directory dir. Missing pieces are allowed (a run
 * with AMP off has no dumps, an interrupted run no run_metadata.pb); ST_ENOENT
 * only when dir has neither tf/ nor amp.log. */
enum status tfev_load(const char *dir, tf_evidence **out, struct err *e);
void tfev_free(tf_evidence *ev);

/* The pre-AMP dump TensorFlow wrote into dir/tf/ for its main graph (the
 * session graph "tf_graph", else the first graph or function with both
 * dumps): its path relative to dir ("tf/graphdef_preop_..."). False when
 * there is none (AMP did not run, or LOG_PATH was not honoured). */
bool tfev_main_preop(const char *dir, char *out, size_t size);
/* Whether path names one of TensorFlow's AMP dumps (graphdef_preop_*,
 * graphdef_AutoMixedPrecision_*): a graph grappler's earlier passes already
 * rewrote, so the painter must not model them again. */
bool tfev_is_dump(const char *path);

/* Runs the painter (analyze/amp.h) for TF version tf_version (NULL: the
 * evidence's) with the list edits `list_env` ("NAME=VALUE\n"... as in
 * meta.json) on TF's own pre-AMP dump, and compares with the post-AMP dump.
 * Fills the painter fields; not an error when there is no dump (painter_note
 * says why). */
enum status tfev_painter(tf_evidence *ev, const char *tf_version, const char *list_env,
                         struct err *e);

/* Adds the TF evidence to a report built from the same run directory:
 * tf_version, onednn_version (when empty), painter_agreement/disagreements,
 * and the AMP casts that ran as TF kernels (cast_count/cast_ms when oneDNN
 * showed none). Strings are interned in the report's pool. */
void tfev_apply(const tf_evidence *ev, struct report *r);

/* For report_from_rundir() (analyze/tfev_report.c), in this order:
 * tfev_for_report() loads the evidence when dir has tf/ (NULL otherwise, or
 * when it is unreadable, which becomes a note on r);
 * tfev_attribute_report() re-attributes r's exec events to the user's graph
 * nodes from TF's step_stats timestamps where those are confident (the
 * mapper's attribution stays elsewhere), records r->n_tf_attributed and
 * r->tf_mapper_agreement, and sets fused[] (n = g->n_nodes) from TF's fused
 * kernels; returns the events it attributed;
 * tfev_report() runs the painter with the run's list version and edits
 * (meta.json), applies the evidence (tfev_apply), sets r->tf_json, writes
 * tf/attribution.tsv and frees ev (NULL: no-op). */
tf_evidence *tfev_for_report(struct report *r, const char *dir);
long tfev_attribute_report(const tf_evidence *ev, struct report *r, int *fused);
void tfev_report(struct report *r, const char *dir, tf_evidence *ev);

/* The "tf" and "painter" JSON objects (docs/tf-backend.md), as members
 * `"tf":{...},"painter":{...}` without surrounding braces. */
void tfev_json(const tf_evidence *ev, struct abuf *out);

/* Writes dir/tf/attribution.tsv: exec_index<TAB>user node<TAB>role<TAB>exec node<TAB>how
 * (role as truth.tsv: compute | reorder_in | cast). */
enum status tfev_write_attribution(const tf_evidence *ev, const char *dir, struct err *e);

/* Whether (op, name) is an AMP-inserted cast; fills what it can parse.
 * Formats as struct tfev_cast.format; returns 0 when it is not one. */
int tfev_parse_cast_name(const char *op, const char *name, char *src, size_t src_size,
                         int *src_port, bool *to_bf16);

/* Index of exec node `name`, -1 if absent. */
int tfev_find_exec(const tf_evidence *ev, const char *name);

#endif
