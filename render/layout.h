/* render/layout: the ONE layout step every picture of a graph goes through
 * (SVG/DOT/PNG export and the TUI graph view).
 *
 * Pipeline (style rule 8): lay_new (build: annotate every node from a plan
 * or a report, collapse name scopes, cut a focus neighbourhood, build a
 * libcgraph graph with labels and styles) -> lay_compute (gvLayout "dot",
 * then copy the coordinates into the plain side tables below) -> render
 * (render/svg.h, or the TUI mapping the points onto character cells) ->
 * lay_free. Nothing here includes curses; the Graphviz objects stay private.
 *
 * Coordinates: points (1/72 inch), origin at the TOP-left of the drawing,
 * y growing downwards (Graphviz's own y is flipped for you), x/y of a node is
 * its centre, w/h its full size.
 *
 * Ownership: a lay_layout borrows g, plan and report (free it before them);
 * it owns every array and string it exposes.
 */
#ifndef AMPSCOPE_RENDER_LAYOUT_H
#define AMPSCOPE_RENDER_LAYOUT_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/report.h"
#include "util/util.h"

/* Executed (report) or predicted (plan) precision of a drawn node. */
enum lay_prec {
    LAY_PREC_NONE,      /* no float math to decide (Const, Shape, int ops): drawn neutral */
    LAY_PREC_FP32,
    LAY_PREC_BF16,
    LAY_PREC_INT8,
    LAY_PREC_MIXED,     /* some events bf16, some f32 */
    LAY_PREC_NOT_RUN,   /* measured mode: no oneDNN primitive ran for it */
    LAY_PREC__COUNT
};
const char *lay_prec_name(enum lay_prec p); /* "-", "fp32", "bf16", "int8", "mixed", "not executed" */

enum lay_kind {
    LAY_OP,     /* one graph node */
    LAY_GROUP,  /* a collapsed name scope (several graph nodes) */
    LAY_CAST,   /* a Cast the painter planned (plan->casts), drawn on its edge */
};

struct lay_node {
    enum lay_kind kind;
    int node;             /* LAY_OP: graph node index; else -1 */
    int cast;             /* LAY_CAST: index into plan->casts; else -1 */
    int group;            /* LAY_GROUP: index into groups[]; else -1 */
    const char *name;     /* full node name / scope path / cast name */
    const char *label;    /* shortened name as drawn */
    const char *op;       /* op type ("Cast" for casts, "scope" for groups) */
    enum lay_prec prec;   /* groups: the precision holding most of the time (or members) */
    bool amx;             /* ran (or, in a group, mostly ran) on AMX kernels */
    bool planned_bf16;    /* the painter painted it bf16 (groups: any member) */
    bool graph_cast;      /* LAY_OP whose op is Cast (a Cast already in the model / TF's) */
    bool cast_executed;   /* LAY_CAST: a cast reorder for it was seen in the run */
    bool cast_to_bf16;    /* LAY_CAST: direction */
    bool focus;           /* the --focus node */
    bool fused;           /* ran as a post-op inside another node's primitive (why says whose) */
    int replica_of;       /* -1; else the box this one copies: a source feeding many boxes
                             (a shared constant, an input, the cast of one) is drawn once
                             next to each consumer, as TensorBoard does, instead of sending
                             edges across the whole drawing (node_of points at the original) */
    double time_ms;       /* per iteration (measured), NaN when unknown */
    double share;         /* of mapped time, 0..1, NaN when unknown */
    const char *impl;     /* kernel ("brg:avx512_core_amx_bf16"), NULL when unknown */
    const char *why;      /* diagnosis (report) or reason (plan), NULL when none */
    double x, y, w, h;    /* after lay_compute: centre and size in points */
};

struct lay_edge {
    int from, to;         /* indices into nodes[] */
    bool control;         /* control dependency (drawn dashed, never labelled) */
    int count;            /* graph edges merged into this one (groups), >= 1 */
    const char *dtype;    /* "float", "bfloat16", ... as it flows after AMP; NULL unknown */
    const char *shape;    /* "1x28x28x16", NULL unknown */
    /* after lay_compute: the spline's control points (cubic Bezier, Graphviz
     * order: p0 c1 c2 p1 c1 c2 p2 ...), x/y pairs in points, top-left origin */
    double *pts;          /* 2 * n_pts doubles */
    int n_pts;
};

struct lay_group {        /* a collapsed scope */
    const char *scope;    /* "model/block_3" */
    int *members;         /* graph node indices */
    int n_members;
    int n_bf16, n_fp32, n_other; /* members by precision */
    double time_ms;       /* sum over members, NaN when unknown */
};

struct lay_opts {
    int collapse;         /* LAY_COLLAPSE_AUTO (default), 0 = never, N = group every
                             scope of depth N (its first N name components) */
    int collapse_min;     /* a scope collapses only with at least this many nodes
                             (0 = 2 with an explicit depth, 8 in auto mode) */
    int max_visible;      /* auto mode aims at no more drawn nodes than this (0 = 300) */
    const char *focus;    /* node name: draw only its neighbourhood; NULL = all */
    int radius;           /* hops around focus, both directions (0 with focus = 2) */
    bool no_casts;        /* do not draw planned casts */
    int edge_labels;      /* -1 auto (on up to 400 drawn edges), 0 off, 1 on */
    bool show_control;    /* draw control edges (default off) */
    /* Scopes opened or closed by hand (the TUI's +/-), as name prefixes
     * ("model/block_3"); borrowed. A closed scope is drawn as one box
     * whatever its size; an opened one shows its sub-scopes one level down
     * (each still collapsed when big enough) and its own nodes. The innermost
     * (longest) entry that contains a node decides. */
    const char *const *expanded;
    int n_expanded;
    const char *const *collapsed;
    int n_collapsed;
    const char *title;    /* overrides the generated title */
    const char *model_name; /* shown in the title; NULL = g->path's basename */
};
#define LAY_COLLAPSE_AUTO (-1)
void lay_opts_init(struct lay_opts *o);

typedef struct lay_layout lay_layout;
struct lay_layout {
    const graph *g;       /* borrowed */
    const amp_plan *plan; /* borrowed, may be NULL */
    const struct report *rep; /* borrowed, may be NULL (then: a prediction) */
    bool measured;        /* annotated from a report (else from the plan) */
    struct lay_node *nodes;
    int n_nodes;
    struct lay_edge *edges;
    int n_edges;
    struct lay_group *groups;
    int n_groups;
    int *node_of;         /* side table keyed by graph node id (n = g->n_nodes):
                             index into nodes[] of the box that shows it (its group's
                             when collapsed), -1 when not drawn (outside the focus) */
    int collapse_depth;   /* the depth used, 0 = none */
    int hidden;           /* graph nodes outside the focus */
    char title[512];      /* first title line */
    char subtitle[512];   /* second line: shares, or "prediction ..." */
    double width, height; /* drawing size in points (after lay_compute) */
    bool laid_out;
    struct strpool *pool; /* owns labels */
    void *priv;           /* Graphviz context and graph (render/layout.c) */
};

/* Build: annotation + collapsing + focus + the libcgraph graph. plan and rep
 * may be NULL (rep != NULL: measured; else the plan's prediction; neither:
 * the bare graph). Errors: unknown focus node (with a suggestion), bad
 * options. */
lay_layout *lay_new(const graph *g, const amp_plan *plan, const struct report *rep,
                    const struct lay_opts *o, struct err *e);
/* Layout with Graphviz "dot"; fills x/y/w/h, edge points, width/height. */
enum status lay_compute(lay_layout *L, struct err *e);
/* Text dump for tests: one line per node and edge, fixed precision, stable order:
 *   layout W H nodes N edges M collapse D
 *   node IDX KIND NAME PREC x y w h
 *   edge FROM TO [control] npts N */
void lay_dump(const lay_layout *L, struct abuf *out);
void lay_free(lay_layout *L);

/* The shortened label of a node name (last scope components kept, middle
 * elided with "..."), at most max_chars characters; into buf. */
void lay_short_name(const char *name, int max_chars, char *buf, size_t size);

#endif
