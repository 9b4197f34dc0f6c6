/* analyze/amp_prepass_int.h: what the grappler prepass files share
 * (amp_prepass.c, amp_prepass_cse.c); private to the painter.
 */
#ifndef AMPSCOPE_ANALYZE_AMP_PREPASS_INT_H
#define AMPSCOPE_ANALYZE_AMP_PREPASS_INT_H

#include "analyze/amp_int.h"

struct pp {
    struct wgraph *w;
    amp_plan *p;
    int removed[3]; /* pruned, deduplicated, folded-away inputs */
    int folded, recip, enter;
};

/* Marks work node i dead, with the reason in the plan's prepass notes. */
void pp_kill(struct pp *s, int i, const char *why);
/* Topological order of the live nodes (NextIteration back edges ignored);
 * caller frees. */
int *pp_topo(const struct wgraph *w);
/* Whether op is in the NULL-terminated set. */
bool pp_op_is(const char *op, const char *const *set);
/* Whether n has a control input from src. */
bool pp_has_ctl_to(const struct wnode *n, int src);
/* Common-subgraph elimination (amp_prepass_cse.c). */
void pp_cse(struct pp *s);

#endif
