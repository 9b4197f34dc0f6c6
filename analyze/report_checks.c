/* report_checks.c: the report checking its own evidence before anyone
 * trusts it. A log whose compute events land only by kind on nodes of
 * another shape is from another model (or other input shapes); iterations
 * whose times differ several-fold were measured on a busy machine. Both
 * become figures in the report and a note for the reader.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/iterations.h"
#include "analyze/report_int.h"

#define REP_NOISY_SPREAD 3.0 /* max/min iteration time above which the times are called noisy */

/* Compute events the mapper placed only by their kind although the node's
 * shapes are known and differ from the event's: the log is not this graph's
 * (or not at these input shapes). */
long rep_shape_mismatches(const mapper *m, const struct report *r)
{
    long n = 0;
    for (long i = 0; i < r->n_events; i++) {
        const struct rep_event *ev = &r->events[i];
        if (ev->node < 0 || ev->confidence >= 0.65f || !ev->role || strcmp(ev->role, "compute"))
            continue;
        struct map_sig ns, es;
        if (!map_node_sig(m, ev->node, &ns) || !map_sig_of_event(ev->prim, ev->problem, &es) ||
            ns.kind != es.kind)
            continue;
        int nf = ns.nf < es.nf ? ns.nf : es.nf;
        for (int k = 0; k < nf; k++)
            if (ns.f[k] >= 0 && es.f[k] >= 0 && ns.f[k] != es.f[k]) {
                n++;
                break;
            }
    }
    return n;
}

/* How much the measured iterations differ: a busy machine or a run too short
 * to reach a steady state shows up here before it misleads anyone. */
void rep_iteration_spread(struct report *r, const struct it_result *it, bool measured_any)
{
    r->iter_ms_min = r->iter_ms_median = r->iter_ms_max = NAN;
    r->iter_ms_source = NULL;
    if (!isnan(it->wall_min)) {
        r->iter_ms_min = it->wall_min;
        r->iter_ms_median = it->wall_median;
        r->iter_ms_max = it->wall_max;
        r->iter_ms_source = "wall";
    } else if (measured_any && it->n_iters > 0) {
        double *sum = xcalloc((size_t)it->n_iters, sizeof *sum);
        for (long i = 0; i < r->n_events; i++) {
            const struct rep_event *ev = &r->events[i];
            if (ev->iteration >= 0 && ev->iteration < it->n_iters && !isnan(ev->time_ms))
                sum[ev->iteration] += ev->time_ms;
        }
        it_spread(sum, it->n_iters, &r->iter_ms_min, &r->iter_ms_median, &r->iter_ms_max);
        r->iter_ms_source = "primitives";
        free(sum);
    }
    if (r->iter_ms_source && it->n_iters >= 2 && r->iter_ms_min > 0 &&
        r->iter_ms_max / r->iter_ms_min > REP_NOISY_SPREAD)
        rep_note(r, "iteration times vary %.1f-fold (%.3f to %.3f ms, median %.3f): the machine was busy "
                    "or the run is too short; read the times as noisy (more --iters, a quiet machine)",
                 r->iter_ms_max / r->iter_ms_min, r->iter_ms_min, r->iter_ms_max, r->iter_ms_median);
}
