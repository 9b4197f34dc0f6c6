/* logs/amplog: reader of TensorFlow grappler and ITEX auto-mixed-precision
 * log lines (classic "2023-01-01 12:00:00.000000: I tensorflow/..." and absl
 * "I0101 12:00:00.000000  123 file.cc:42] ..." prefixes).
 *
 * It is a line consumer: feed it every non-verbose line (the vb_sink `other`
 * callback fits). It keeps a summary and, when VLOG lines are present, the
 * per-node decisions. Strings in the summary are owned by the amp_log.
 */
#ifndef AMPSCOPE_LOGS_AMPLOG_H
#define AMPSCOPE_LOGS_AMPLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

enum amp_decision_kind {
    AMP_DEC_PAINT,      /* "Painting type T of node X ALLOW/DENY ..." */
    AMP_DEC_CHANGE,     /* "Changing type T of Op node X to bfloat16" */
    AMP_DEC_CAST,       /* "Inserting cast to bfloat16|DT_FLOAT at Op node:port" */
};

struct amp_decision {
    enum amp_decision_kind kind;
    const char *node;   /* node name */
    const char *op;     /* op when printed, else "" */
    const char *attr;   /* type attr when printed, else "" */
    const char *what;   /* paint colour, target type, cast direction */
    int port;           /* cast source port, -1 otherwise */
    long line_no;
};

struct amp_log_summary {
    int passes_run;         /* "Running auto_mixed_precision... graph optimizer" lines */
    int converted, total;   /* last "Converted X/Y" line; -1 when none */
    int casts;              /* its N; -1 when none */
    char converted_line[320];
    int nothing_to_do;      /* "No allowlist ops found, nothing to do" count */
    int failures;           /* "... graph optimizer FAILED: ..." count */
    char failure[512];      /* the first failure message */
    bool multiple_lists;    /* "Op present in multiple lists" seen */
    bool itex;              /* ITEX advanced AMP lines seen */
    char dtype[16];         /* "bfloat16" | "float16" */
    int n_decisions;
    /* Sums over every "Converted X/Y ... N cast(s)" line (one per graph or
     * function the pass rewrote); converted_lines is how many there were. */
    int converted_lines;
    long converted_sum, total_sum, casts_sum;
};

typedef struct amp_log amp_log;
amp_log *amp_log_new(void);
void amp_log_free(amp_log *a);
/* Returns 1 when the line was an AMP line (and was recorded), else 0. */
int amp_log_line(amp_log *a, const char *line, size_t len, long line_no);
const struct amp_log_summary *amp_log_summary(const amp_log *a);
/* Per-node decisions in log order; valid until amp_log_free. */
const struct amp_decision *amp_log_decisions(const amp_log *a, int *n);

#endif
