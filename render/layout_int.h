/* render/layout_int.h: what layout.c, layout_gv.c and svg.c share and nobody
 * else sees: the drawing style of each precision (one table, so the legend
 * always matches the nodes) and the Graphviz half of a layout.
 */
#ifndef AMPSCOPE_RENDER_LAYOUT_INT_H
#define AMPSCOPE_RENDER_LAYOUT_INT_H

#include "render/layout.h"

/* How one precision is drawn: colour AND shape/border, so the picture still
 * reads in greyscale or for colour-blind viewers (Okabe-Ito hues). */
struct lay_style {
    const char *fill;     /* fillcolor */
    const char *border;   /* color */
    const char *shape;
    const char *style;    /* Graphviz style list */
    double penwidth;
    const char *legend;   /* legend text */
};
const struct lay_style *lay_style_of(enum lay_prec p);
/* Casts drawn on edges. */
extern const struct lay_style LAY_STYLE_CAST_PLANNED, LAY_STYLE_CAST_EXECUTED;

/* Appends s HTML-escaped (for Graphviz HTML-like labels and SVG). */
void lay_html_esc(struct abuf *b, const char *s);

/* layout_scope.c: the collapse depth in force, and for every kept node the
 * length of the scope prefix of its name it is drawn in (pl[i] = 0: its own
 * box); honours o->collapse/collapse_min/max_visible and the opened and
 * closed scope lists. pl has g->n_nodes entries. */
int lay_scope_assign(const graph *g, const bool *keep, const struct lay_opts *o, int focus, int n_kept,
                     size_t *pl);

/* Appends a zeroed box of kind named name (indices -1) to L->nodes (layout.c). */
int lay_new_node(lay_layout *L, size_t *cap, enum lay_kind kind, const char *name);
/* Copies a source box feeding more than a few boxes beside each consumer
 * (layout_scope.c); called on the built nodes and edges. */
void lay_replicate_fanout(lay_layout *L, size_t *cap_nodes, size_t *cap_edges);

/* layout_gv.c: build the libcgraph graph from L's nodes/edges (called at
 * the end of lay_new), lay it out, and release it. */
enum status lay_gv_build(lay_layout *L, struct err *e);
enum status lay_gv_layout(lay_layout *L, struct err *e);
void lay_gv_free(lay_layout *L);
/* Renders the laid-out graph in a Graphviz output format ("svg", "dot",
 * "png", "plain"); *data is malloc'd by Graphviz' allocator copy: free with free(). */
enum status lay_gv_render(const lay_layout *L, const char *format, char **data, size_t *len,
                          struct err *e);

#endif
