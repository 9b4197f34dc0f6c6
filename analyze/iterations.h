/* analyze/iterations: which exec events belong to which execution of the
 * graph. With ampscope's marker lines (analyze/rundir.h) the passes are
 * exact: warmup k, iteration i, and the setup work outside them. Without
 * markers (a log the user already had), the steady state is the longest
 * exactly repeating tail of the exec sequence; what comes before it (first
 * run, weight preparation) is warmup. Create lines never count.
 */
#ifndef AMPSCOPE_ANALYZE_ITERATIONS_H
#define AMPSCOPE_ANALYZE_ITERATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/report.h"
#include "util/util.h"

struct it_marker {
    bool iter;          /* "iter" (measured) vs "warmup" */
    int index;
    bool begin;
    double wall_ms;     /* NaN when unreadable */
    long line_no;
};

/* Parses "ampscope_marker,<phase>,<iteration>,<begin|end>,<wall_ms>" (a
 * trailing CR tolerated). 1 = a marker, 0 = not a marker line, -1 = starts
 * like one but is malformed. */
int it_parse_marker(const char *line, size_t len, struct it_marker *out);

struct it_result {
    bool from_markers;
    int n_warmup;          /* warmup passes (markers), or 1 when a prefix precedes the steady state */
    int n_iters;           /* measured iterations */
    int period;            /* exec events per steady iteration (repeats), 0 unknown */
    long n_outside;        /* exec events outside any measured iteration */
    double wall_ms_per_iter; /* mean of end-begin over measured iterations, NaN */
    double wall_min, wall_median, wall_max; /* of the same, NaN when no wall times */
};

/* min, median and max of v[0..n) (reordered); NaN for all when n == 0. */
void it_spread(double *v, int n, double *min, double *median, double *max);

/* Sets ev[].seq and ev[].iteration from markers (both ordered by line_no, the
 * same file). Markers of unfinished passes are tolerated (partial runs). */
void it_assign_markers(struct rep_event *ev, long n, const struct it_marker *mk, int n_mk,
                       struct it_result *res);

/* Sets ev[].seq and ev[].iteration from the repeating tail of the sequence.
 * A log with no repetition is one iteration. */
void it_assign_repeats(struct rep_event *ev, long n, struct it_result *res);

/* The same with a given period and number of steady iterations at the end
 * (what precedes them is one warmup pass). Used when the graph says the
 * shortest period is only part of an iteration (X Y X Y with two look-alike
 * layers). */
void it_assign_period(struct rep_event *ev, long n, long period, long reps, struct it_result *res);

#endif
