/* analyze/tfev_int.h: what tfevidence.c and tfev_exec.c share (private). */
#ifndef AMPSCOPE_ANALYZE_TFEV_INT_H
#define AMPSCOPE_ANALYZE_TFEV_INT_H

#include "analyze/tfevidence.h"

const char *tfev_intern(tf_evidence *ev, const char *s);
/* Reads tf/run_metadata.pb: exec[] with step_stats, fusion mapping through
 * `map` (post-AMP graph, else the user's graph, may be NULL). */
enum status tfev_read_run_metadata(tf_evidence *ev, const graph *map, struct err *e);
/* Reads verbose.log and attributes exec events to exec[]. */
enum status tfev_attribute(tf_evidence *ev, struct err *e);

#endif
