/* logs/summary: aggregates verbose events (and the AMP log summary) into what
 * `ampscope logs` reports: header facts, exec/create counts and times,
 * breakdowns by primitive kind, implementation, ISA class and compute data
 * type, the top problem shapes by time, reorders split into layout changes and
 * data-type conversions (f32<->bf16 = casts), and the bf16 and AMX shares.
 *
 * Use: s = lsum_new(); give lsum_sink_event (ctx = s) to the vb_reader as its
 * event callback (or call lsum_add per event); after reading, call
 * lsum_finish(s, reader_counts, samples...) once; then read the public fields
 * or format them with lsum_format_text / lsum_format_json (into an abuf; no
 * printing). Strings in events must outlive s (the reader's pool does).
 */
#ifndef AMPSCOPE_LOGS_SUMMARY_H
#define AMPSCOPE_LOGS_SUMMARY_H

#include <stdbool.h>

#include "logs/amplog.h"
#include "logs/verbose.h"
#include "util/util.h"

struct lsum_row {
    const char *name; /* borrowed (reader pool or static) */
    long count;
    double time_ms;
};

struct lsum_shape {
    const char *prim, *impl, *problem;
    enum vb_dt src_dt;
    enum vb_isa isa;
    long count;
    double time_ms;
};

struct lsum_ct {
    long count;
    double time_ms;
};

#define LSUM_MAX_SAMPLES 5

/* One input file of a summary over several (lsum_begin_file/lsum_end_file):
 * each file is its own timeline, so its span is kept apart. */
struct lsum_file {
    const char *path;             /* as given (borrowed; "-" = stdin) */
    long lines, verbose_lines;    /* this file's share of the reader counters */
    struct lsum_ct exec;
    double ts_first, ts_last;     /* NaN when the file has no timestamps */
    char onednn_version[48];      /* first version header line of this file, "" none */
};

struct lsum {
    /* reader counters and unparsed samples (copied by lsum_finish) */
    struct vb_counts counts;
    const char *samples[LSUM_MAX_SAMPLES];
    int n_samples;
    long kinds[VB_KIND__COUNT];        /* events per kind */
    long markers[3];                   /* mkldnn_verbose, dnnl_verbose, onednn_verbose records */
    long with_ts;                      /* records carrying a timestamp */

    /* header ("info") facts; "" when the log had no header */
    char onednn_version[48];           /* "2.6.3" */
    char onednn_line[160];             /* the whole version info line */
    char runtime[96];                  /* "OpenMP,nthr:2" */
    char cpu_isa[192];                 /* "Intel AVX-512 with Intel DL Boost and bfloat16 support" */
    char gpu_runtime[64];
    bool version_mixed;                /* another version appeared later */

    struct lsum_ct exec, create, create_nested, graph_exec;
    long exec_untimed;                 /* exec records without a time (old GPU) */
    long create_cache_hits;            /* create records whose op says a cache hit */
    struct lsum_ct reorder_layout, reorder_convert, casts;
    struct lsum_ct nonreorder, bf16, amx, fpmath_bf16;
    double bf16_share, amx_share;      /* 0..1; NaN when no non-reorder exec time */
    double ts_first, ts_last;          /* NaN when no timestamps; with several files
                                          the extremes over all of them (not one timeline) */
    const char *first_error;           /* message of the first error line, or NULL */

    /* breakdowns of exec records, sorted by time (then count) descending */
    struct lsum_row *by_prim, *by_impl;
    int n_prim, n_impl;
    struct lsum_row by_isa[VB_ISA__COUNT];   /* indexed by enum vb_isa */
    struct lsum_row by_dtype[VB_DT__COUNT];  /* indexed by src data type */
    struct lsum_shape *shapes;               /* all distinct shapes, sorted */
    int n_shapes;

    /* AMP (TensorFlow / ITEX) */
    bool has_amp;                       /* at least one AMP line was seen */
    struct amp_log_summary amp;
    const struct amp_decision *decisions;
    int n_decisions;

    /* per input file, when the caller marked files (else n_files == 0) */
    struct lsum_file *files;
    int n_files;

    struct lsum_priv *priv;
};

struct lsum *lsum_new(void);
void lsum_free(struct lsum *s);
void lsum_add(struct lsum *s, const struct vb_event *ev);
/* Optional, around each input file read into the same summary: events
 * between the two calls count for file `path` (borrowed), and its line
 * counts are taken from r's counters. */
void lsum_begin_file(struct lsum *s, const char *path, const vb_reader *r);
void lsum_end_file(struct lsum *s, const vb_reader *r);
/* vb_sink.event adapter: ctx is the struct lsum. Never stops the reader. */
int lsum_sink_event(void *ctx, const struct vb_event *ev);
/* Computes shares and sorted breakdowns. amp may be NULL. Call once. */
void lsum_finish(struct lsum *s, const vb_reader *r, const amp_log *amp);

struct lsum_fmt {
    int top;          /* problem shapes to show (default 10) */
    bool verbose;     /* unparsed samples, per-node AMP decisions, all impls */
    bool color;       /* ANSI colour */
};

void lsum_format_text(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b);
/* The schema is in docs/logs.md. */
void lsum_format_json(const struct lsum *s, const struct lsum_fmt *o, struct abuf *b);

#endif
