/* analyze/report_int.h: shared by report.c, report_why.c and report_json.c
 * (not a public interface; use analyze/report.h).
 */
#ifndef AMPSCOPE_ANALYZE_REPORT_INT_H
#define AMPSCOPE_ANALYZE_REPORT_INT_H

#include "analyze/mapper.h"
#include "analyze/report.h"
#include "analyze/rundir.h"

struct rep_priv {
    vb_reader *rd;            /* keeps the events' strings alive */
    struct rundir_meta meta;
    bool have_meta;
    struct strmap cast_names; /* plan cast name -> index (keys in the plan's pool) */
    int *by_graph;            /* graph index -> index into r->nodes, -1 */
};

static inline struct rep_priv *rpriv(const struct report *r) { return (struct rep_priv *)r->priv; }

struct it_result;
/* report_checks.c: compute events placed only by kind on a node whose known
 * shapes differ (a log from another model); the spread of the measured
 * iterations' times (r->iter_ms_*) with a note when it is noisy. */
long rep_shape_mismatches(const mapper *m, const struct report *r);
void rep_iteration_spread(struct report *r, const struct it_result *it, bool measured_any);

/* Fills r->whys and the nodes' why/fix (report_why.c). */
void rep_diagnose(struct report *r, int top);
/* Interns s in the report's pool. */
const char *rep_str(struct report *r, const char *s);
/* Adds a note line for the reader (at most 4). */
void rep_note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
