/* render/table: the per-node facts of a run (or of a prediction) as a
 * spreadsheet-ready CSV (RFC 4180 quoting, one row per graph node, then one
 * per planned Cast) and as JSON (schema "ampscope.export/1", docs/export.md).
 * Pure formatting into an abuf; borrows everything it reads.
 */
#ifndef AMPSCOPE_RENDER_TABLE_H
#define AMPSCOPE_RENDER_TABLE_H

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "util/util.h"

/* rep != NULL: measured columns (the report's), else the plan's prediction
 * columns (plan may be NULL too: structure only). */
void tbl_csv(const graph *g, const amp_plan *plan, const struct report *rep, struct abuf *out);
void tbl_json(const graph *g, const amp_plan *plan, const struct report *rep,
              const char *model_name, struct abuf *out);
/* Appends one CSV field, quoted when it holds a comma, quote, CR/LF or
 * leading/trailing space (quotes doubled). NULL is an empty field. */
void tbl_csv_field(struct abuf *out, const char *s);

#endif
