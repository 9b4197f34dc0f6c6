/* render/report_text: the readable report of a run (headline, per-node table,
 * diagnosis list), as `ampscope run --no-tui`, `ampscope open --no-tui` and
 * `ampscope analyze` print it. Pure formatting: it reads a struct report and
 * appends text to an abuf; it never prints itself.
 */
#ifndef AMPSCOPE_RENDER_REPORT_TEXT_H
#define AMPSCOPE_RENDER_REPORT_TEXT_H

#include <stdbool.h>

#include "analyze/report.h"
#include "util/util.h"

/* Appends the whole report to out. color: ANSI colours (the caller decides
 * with util_use_color). max_nodes: rows of the per-node table (0 = all; the
 * rest are summed in one "... N more nodes" line). */
void rep_text_render(const struct report *r, struct abuf *out, bool color, int max_nodes);

/* Only the headline block (a few lines), e.g. for a one-screen summary. */
void rep_text_headline(const struct report *r, struct abuf *out, bool color);

#endif
