/* render/svg: the annotated graph as a picture. Renders a laid-out
 * lay_layout (render/layout.h) with Graphviz's own renderers, in memory, to
 * SVG, DOT (with positions; re-parsable by libcgraph), PNG or "plain" text.
 * No process is started; the file is written atomically (temp + rename), so a
 * failure never leaves a partial file behind.
 */
#ifndef AMPSCOPE_RENDER_SVG_H
#define AMPSCOPE_RENDER_SVG_H

#include <stddef.h>

#include "render/layout.h"
#include "util/util.h"

enum svg_format { SVG_FMT_SVG, SVG_FMT_DOT, SVG_FMT_PNG, SVG_FMT_PLAIN };
const char *svg_format_name(enum svg_format f);        /* "svg", "dot", "png", "plain" */
/* Parses a format name (also "gv"); -1 when unknown. */
int svg_format_parse(const char *name);

/* Renders L (lay_compute'd, or computed here when not yet) into *data
 * (heap, NUL-terminated for text formats; free() it) / *len. */
enum status svg_render(lay_layout *L, enum svg_format f, char **data, size_t *len,
                       struct err *e);
/* Renders and writes path atomically. */
enum status svg_write_file(lay_layout *L, enum svg_format f, const char *path, struct err *e);

#endif
