/* layout_gv.c: the Graphviz half of the layout step. Turns the drawn boxes
 * and edges of a lay_layout into a libcgraph graph carrying every label and
 * style (so the laid-out sizes are the rendered ones), runs the "dot" engine
 * through libgvc, copies the coordinates back into the plain side tables,
 * and renders to any Graphviz output format in memory. Graphviz messages are
 * captured into struct err, never printed.
 */
#include "render/layout.h"
#include "render/layout_int.h"

#include <gvc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- styles: colour AND shape/border per precision ------------------------ */

static const struct lay_style STYLES[LAY_PREC__COUNT] = {
    [LAY_PREC_NONE] = {"#ffffff", "#9e9e9e", "ellipse", "filled", 1.0,
                       "no float math (Const, shapes, ints): white ellipse"},
    [LAY_PREC_FP32] = {"#fbd5a5", "#d55e00", "box", "filled,dashed", 2.0,
                       "fp32: orange, square corners, dashed border"},
    [LAY_PREC_BF16] = {"#b3dcf5", "#0072b2", "box", "rounded,filled", 2.0,
                       "bf16: blue, rounded, solid border"},
    [LAY_PREC_INT8] = {"#eecde0", "#cc79a7", "hexagon", "filled", 2.0,
                       "int8: purple hexagon"},
    [LAY_PREC_MIXED] = {"#b3dcf5:#fbd5a5", "#555555", "box", "striped", 1.5,
                        "mixed bf16 and fp32: striped"},
    [LAY_PREC_NOT_RUN] = {"#eeeeee", "#777777", "box", "rounded,filled,dotted", 1.5,
                          "not executed by oneDNN: grey, dotted border"},
};
const struct lay_style LAY_STYLE_CAST_PLANNED = {
    "#fff7c2", "#8a7a00", "diamond", "filled,dashed", 1.5,
    "Cast planned by the painter, not seen in the run: dashed diamond"};
const struct lay_style LAY_STYLE_CAST_EXECUTED = {
    "#f0e442", "#000000", "diamond", "filled", 2.0, "Cast executed: solid yellow diamond"};

const struct lay_style *lay_style_of(enum lay_prec p)
{
    return &STYLES[(unsigned)p < LAY_PREC__COUNT ? p : LAY_PREC_NONE];
}

/* ---- Graphviz error capture ------------------------------------------------- */

static char gv_last_err[512];

static int gv_err_cb(char *msg)
{
    size_t n = strlen(gv_last_err);
    if (n < sizeof gv_last_err - 1)
        snprintf(gv_last_err + n, sizeof gv_last_err - n, "%s", msg);
    return 0;
}

/* One Graphviz context per process: libgvc 2.43 caches font data across
 * contexts (textspan.c), and a second context after the first was freed
 * reads freed memory (found by ASan). It lives until the process exits. */
static GVC_t *shared_gvc(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

struct gv_priv {
    GVC_t *gvc;
    Agraph_t *g;
    Agnode_t **an;
    Agedge_t **ae;
};

#define S(x) ((char *)(x))

static void set(void *obj, Agsym_t *sym, const char *v)
{
    agxset(obj, sym, S(v));
}

/* ---- labels ------------------------------------------------------------------ */

static void node_label(const lay_layout *L, const struct lay_node *x, struct abuf *b)
{
    abuf_puts(b, "<B>");
    lay_html_esc(b, x->label);
    abuf_puts(b, "</B>");
    if (x->kind == LAY_GROUP) {
        const struct lay_group *gr = &L->groups[x->group];
        abuf_printf(b, "<BR/><FONT POINT-SIZE=\"9\">%d bf16 · %d fp32 · %d other</FONT>",
                    gr->n_bf16, gr->n_fp32, gr->n_other);
    } else {
        abuf_puts(b, "<BR/><FONT POINT-SIZE=\"9\">");
        lay_html_esc(b, x->op);
        abuf_puts(b, "</FONT>");
    }
    if (x->prec == LAY_PREC_NONE)
        return;
    abuf_puts(b, "<BR/><FONT POINT-SIZE=\"9\">");
    if (!L->measured) {
        abuf_printf(b, "%s (predicted)", lay_prec_name(x->prec));
    } else {
        abuf_puts(b, x->prec == LAY_PREC_NOT_RUN ? "not executed" : lay_prec_name(x->prec));
        if (x->prec == LAY_PREC_BF16 || x->prec == LAY_PREC_MIXED)
            abuf_puts(b, x->amx ? " · <B>AMX</B>" : " · no AMX");
        if (x->fused)
            abuf_puts(b, " · fused");
        else if (!isnan(x->share) && x->prec != LAY_PREC_NOT_RUN)
            abuf_printf(b, " · %.1f%%", 100.0 * x->share);
    }
    abuf_puts(b, "</FONT>");
}

static void node_tooltip(const lay_layout *L, const struct lay_node *x, struct abuf *b)
{
    abuf_printf(b, "%s\n%s", x->name, x->op ? x->op : "");
    if (x->kind == LAY_GROUP)
        abuf_printf(b, " of %d nodes", L->groups[x->group].n_members);
    if (x->kind == LAY_CAST)
        abuf_printf(b, " to %s, %s", x->cast_to_bf16 ? "bf16" : "fp32",
                    !L->measured ? "planned (prediction)"
                    : x->cast_executed ? "executed in the run" : "planned, not seen in the run");
    else
        abuf_printf(b, "\n%s%s", L->measured ? "executed: " : "predicted: ", lay_prec_name(x->prec));
    if (x->amx)
        abuf_puts(b, " on AMX");
    if (!isnan(x->time_ms))
        abuf_printf(b, "\n%.4f ms/iteration", x->time_ms);
    if (!isnan(x->share))
        abuf_printf(b, " (%.1f%%)", 100.0 * x->share);
    if (x->impl)
        abuf_printf(b, "\nkernel %s", x->impl);
    if (x->why)
        abuf_printf(b, "\n%s", x->why);
}

static void legend_row(struct abuf *b, const struct lay_style *s, bool rounded, int periph,
                       const char *text)
{
    const char *fill = s->fill;
    char first[16];
    const char *colon = strchr(fill, ':');
    if (colon) { /* striped: show the first colour */
        snprintf(first, sizeof first, "%.*s", (int)(colon - fill), fill);
        fill = first;
    }
    abuf_printf(b, "<TD BGCOLOR=\"%s\" COLOR=\"%s\" BORDER=\"%d\"%s WIDTH=\"28\" HEIGHT=\"16\"> </TD>",
                fill, s->border, periph, rounded ? " STYLE=\"rounded\"" : "");
    abuf_puts(b, "<TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10\">");
    lay_html_esc(b, text);
    abuf_puts(b, "</FONT></TD>");
}

static void graph_label(const lay_layout *L, struct abuf *b)
{
    struct {
        const struct lay_style *s;
        bool rounded;
        int periph;
        const char *text;
    } ent[12];
    int n = 0;
#define ENT(st, r, p, t) (ent[n].s = (st), ent[n].rounded = (r), ent[n].periph = (p), ent[n++].text = (t))
    if (L->measured) {
        ENT(lay_style_of(LAY_PREC_BF16), true, 4, "bf16 on AMX: blue, rounded, double border, \"AMX\"");
        ENT(lay_style_of(LAY_PREC_BF16), true, 2, "bf16 without AMX: blue, rounded, \"no AMX\"");
        ENT(lay_style_of(LAY_PREC_FP32), false, 2, lay_style_of(LAY_PREC_FP32)->legend);
        ENT(lay_style_of(LAY_PREC_INT8), false, 2, lay_style_of(LAY_PREC_INT8)->legend);
        ENT(lay_style_of(LAY_PREC_MIXED), false, 1, lay_style_of(LAY_PREC_MIXED)->legend);
        ENT(lay_style_of(LAY_PREC_NOT_RUN), true, 1, lay_style_of(LAY_PREC_NOT_RUN)->legend);
        ENT(lay_style_of(LAY_PREC_NONE), true, 1, lay_style_of(LAY_PREC_NONE)->legend);
        ENT(&LAY_STYLE_CAST_EXECUTED, false, 2, LAY_STYLE_CAST_EXECUTED.legend);
        ENT(&LAY_STYLE_CAST_PLANNED, false, 1, LAY_STYLE_CAST_PLANNED.legend);
    } else {
        ENT(lay_style_of(LAY_PREC_BF16), true, 2, "bf16 (predicted): blue, rounded, solid border");
        ENT(lay_style_of(LAY_PREC_FP32), false, 2, "fp32 (predicted): orange, square, dashed border");
        ENT(lay_style_of(LAY_PREC_NONE), true, 1, lay_style_of(LAY_PREC_NONE)->legend);
        ENT(&LAY_STYLE_CAST_PLANNED, false, 1, "Cast the painter plans to insert: dashed diamond");
        if (L->n_groups)
            ENT(lay_style_of(LAY_PREC_MIXED), false, 1, "mixed bf16 and fp32 (a scope): striped");
    }
    if (L->n_groups)
        ENT(lay_style_of(LAY_PREC_NONE), false, 1,
            "collapsed name scope: \"scope/ (N nodes)\", member counts by precision");
#undef ENT
    int cols = 3;
    abuf_puts(b, "<TABLE BORDER=\"0\" CELLSPACING=\"3\" CELLPADDING=\"2\">");
    abuf_printf(b, "<TR><TD ALIGN=\"LEFT\" COLSPAN=\"%d\"><FONT POINT-SIZE=\"18\"><B>", 2 * cols);
    lay_html_esc(b, L->title);
    abuf_printf(b, "</B></FONT></TD></TR><TR><TD ALIGN=\"LEFT\" COLSPAN=\"%d\"><FONT POINT-SIZE=\"12\">",
                2 * cols);
    lay_html_esc(b, L->subtitle);
    abuf_printf(b, "</FONT></TD></TR><TR><TD ALIGN=\"LEFT\" COLSPAN=\"%d\"><FONT POINT-SIZE=\"11\"><B>Legend</B>"
                   " (node: name, op, precision%s)</FONT></TD></TR>",
                2 * cols, L->measured ? ", kernel class, share of time" : "");
    for (int i = 0; i < n; i++) {
        if (i % cols == 0)
            abuf_puts(b, "<TR>");
        legend_row(b, ent[i].s, ent[i].rounded, ent[i].periph, ent[i].text);
        if (i % cols == cols - 1 || i == n - 1)
            abuf_puts(b, "</TR>");
    }
    abuf_puts(b, "</TABLE>");
}

/* ---- build -------------------------------------------------------------------- */

enum status lay_gv_build(lay_layout *L, struct err *e)
{
    struct gv_priv *p = xcalloc(1, sizeof *p);
    L->priv = p;
    gv_last_err[0] = 0;
    agseterr(AGMAX);
    agseterrf(gv_err_cb);
    p->gvc = shared_gvc();
    if (!p->gvc)
        return err_set(e, ST_ERUNTIME, "Graphviz: cannot create a context");
    p->g = agopen(S("ampscope"), Agdirected, NULL);
    if (!p->g)
        return err_set(e, ST_ERUNTIME, "Graphviz: cannot create a graph");
    Agraph_t *g = p->g;
    agattr(g, AGRAPH, S("rankdir"), S("TB"));
    agattr(g, AGRAPH, S("nodesep"), S("0.25"));
    agattr(g, AGRAPH, S("ranksep"), S("0.35"));
    agattr(g, AGRAPH, S("fontname"), S("Helvetica"));
    agattr(g, AGRAPH, S("labelloc"), S("t"));
    agattr(g, AGRAPH, S("labeljust"), S("l"));
    agattr(g, AGRAPH, S("bgcolor"), S("white"));
    agattr(g, AGRAPH, S("pad"), S("0.2"));
    /* Big drawings: cap dot's crossing minimisation and network simplex so a
     * node with edges into every rank (a shared constant feeding every
     * block) cannot make the layout take minutes. */
    long long_work = (long)L->n_nodes + 2L * L->n_edges;
    if (long_work > 400) {
        agattr(g, AGRAPH, S("mclimit"), S(long_work > 1500 ? "0.05" : "0.3"));
        agattr(g, AGRAPH, S("nslimit"), S("2"));
        agattr(g, AGRAPH, S("nslimit1"), S("2"));
        agattr(g, AGRAPH, S("searchsize"), S("20"));
        agattr(g, AGRAPH, S("remincross"), S("false"));
    }
    struct abuf b;
    abuf_init(&b);
    graph_label(L, &b);
    char *html = agstrdup_html(g, b.data);
    agattr(g, AGRAPH, S("label"), html);
    agstrfree(g, html); /* agattr took its own reference */
    Agsym_t *a_label = agattr(g, AGNODE, S("label"), S(""));
    Agsym_t *a_shape = agattr(g, AGNODE, S("shape"), S("box"));
    Agsym_t *a_style = agattr(g, AGNODE, S("style"), S("filled"));
    Agsym_t *a_fill = agattr(g, AGNODE, S("fillcolor"), S("white"));
    Agsym_t *a_color = agattr(g, AGNODE, S("color"), S("black"));
    Agsym_t *a_pen = agattr(g, AGNODE, S("penwidth"), S("1"));
    Agsym_t *a_per = agattr(g, AGNODE, S("peripheries"), S("1"));
    Agsym_t *a_tip = agattr(g, AGNODE, S("tooltip"), S(""));
    Agsym_t *a_font = agattr(g, AGNODE, S("fontsize"), S("11"));
    Agsym_t *a_id = agattr(g, AGNODE, S("id"), S(""));
    Agsym_t *a_margin = agattr(g, AGNODE, S("margin"), S("0.08,0.03"));
    Agsym_t *a_h = agattr(g, AGNODE, S("height"), S("0.4"));
    agattr(g, AGNODE, S("fontname"), S("Helvetica"));
    Agsym_t *e_label = agattr(g, AGEDGE, S("label"), S(""));
    Agsym_t *e_style = agattr(g, AGEDGE, S("style"), S("solid"));
    Agsym_t *e_color = agattr(g, AGEDGE, S("color"), S("#444444"));
    Agsym_t *e_head = agattr(g, AGEDGE, S("arrowhead"), S("normal"));
    Agsym_t *e_pen = agattr(g, AGEDGE, S("penwidth"), S("1"));
    Agsym_t *e_tip = agattr(g, AGEDGE, S("tooltip"), S(""));
    agattr(g, AGEDGE, S("fontsize"), S("8"));
    agattr(g, AGEDGE, S("fontname"), S("Helvetica"));
    agattr(g, AGEDGE, S("fontcolor"), S("#333333"));
    agattr(g, AGEDGE, S("arrowsize"), S("0.6"));

    p->an = xcalloc((size_t)(L->n_nodes ? L->n_nodes : 1), sizeof *p->an);
    p->ae = xcalloc((size_t)(L->n_edges ? L->n_edges : 1), sizeof *p->ae);
    char id[32], num[32];
    for (int i = 0; i < L->n_nodes; i++) {
        const struct lay_node *x = &L->nodes[i];
        snprintf(id, sizeof id, "n%d", i);
        Agnode_t *n = agnode(g, id, 1);
        p->an[i] = n;
        const struct lay_style *s =
            x->kind == LAY_CAST ? (x->cast_executed ? &LAY_STYLE_CAST_EXECUTED : &LAY_STYLE_CAST_PLANNED)
                                : lay_style_of(x->prec);
        b.len = 0;
        if (x->kind == LAY_CAST) {
            abuf_puts(&b, "<FONT POINT-SIZE=\"8\">");
            lay_html_esc(&b, x->label);
            abuf_puts(&b, "</FONT>");
        } else {
            node_label(L, x, &b);
        }
        html = agstrdup_html(g, b.data);
        set(n, a_label, html);
        agstrfree(g, html);
        b.len = 0;
        node_tooltip(L, x, &b);
        set(n, a_tip, b.data);
        set(n, a_id, id);
        set(n, a_fill, s->fill);
        set(n, a_color, s->border);
        snprintf(num, sizeof num, "%.1f", x->focus ? 4.0 : s->penwidth);
        set(n, a_pen, num);
        const char *shape = s->shape;
        const char *style = s->style;
        if (x->kind == LAY_GROUP) {
            shape = "box3d";
            style = x->prec == LAY_PREC_MIXED ? "striped" : "filled";
        } else if (x->kind == LAY_OP && x->graph_cast) {
            shape = "diamond";
        }
        set(n, a_shape, shape);
        set(n, a_style, style);
        if (x->amx && x->kind != LAY_CAST)
            set(n, a_per, "2");
        if (x->kind == LAY_CAST) {
            set(n, a_font, "8");
            set(n, a_margin, "0.02,0.01");
            set(n, a_h, "0.3");
        }
    }
    for (int k = 0; k < L->n_edges; k++) {
        const struct lay_edge *x = &L->edges[k];
        Agedge_t *ed = agedge(g, p->an[x->from], p->an[x->to], NULL, 1);
        p->ae[k] = ed;
        if (x->control) {
            set(ed, e_style, "dashed");
            set(ed, e_color, "#999999");
            set(ed, e_head, "odot");
            set(ed, e_tip, "control dependency");
            continue;
        }
        b.len = 0;
        if (x->shape)
            abuf_puts(&b, x->shape);
        if (x->dtype)
            abuf_printf(&b, "%s%s", b.len ? " " : "", x->dtype);
        if (x->count > 1)
            abuf_printf(&b, "%s×%d", b.len ? " " : "", x->count);
        if (b.len) {
            set(ed, e_label, b.data);
            set(ed, e_tip, b.data);
        }
        if (x->dtype && !strcmp(x->dtype, "bf16")) {
            set(ed, e_color, "#0072b2");
            set(ed, e_pen, "1.6");
        }
    }
    abuf_done(&b);
    return ST_OK;
}

/* ---- layout ------------------------------------------------------------------- */

enum status lay_gv_layout(lay_layout *L, struct err *e)
{
    struct gv_priv *p = L->priv;
    if (!p || !p->g)
        return err_set(e, ST_EINVAL, "layout: nothing was built");
    gv_last_err[0] = 0;
    if (gvLayout(p->gvc, p->g, "dot") != 0)
        return err_set(e, ST_ERUNTIME, "Graphviz could not lay out the graph: %s",
                       gv_last_err[0] ? gv_last_err : "(no message)");
    boxf bb = GD_bb(p->g);
    L->width = bb.UR.x - bb.LL.x;
    L->height = bb.UR.y - bb.LL.y;
    for (int i = 0; i < L->n_nodes; i++) {
        Agnode_t *n = p->an[i];
        struct lay_node *x = &L->nodes[i];
        x->x = ND_coord(n).x - bb.LL.x;
        x->y = bb.UR.y - ND_coord(n).y;
        x->w = ND_width(n) * 72.0;
        x->h = ND_height(n) * 72.0;
    }
    for (int k = 0; k < L->n_edges; k++) {
        struct lay_edge *x = &L->edges[k];
        splines *spl = ED_spl(p->ae[k]);
        free(x->pts);
        x->pts = NULL;
        x->n_pts = 0;
        if (!spl || spl->size < 1)
            continue;
        const bezier *bz = &spl->list[0];
        int np = bz->size + (bz->eflag ? 1 : 0);
        x->pts = xmalloc(sizeof *x->pts * 2 * (size_t)(np ? np : 1));
        for (int j = 0; j < bz->size; j++) {
            x->pts[2 * j] = bz->list[j].x - bb.LL.x;
            x->pts[2 * j + 1] = bb.UR.y - bz->list[j].y;
        }
        if (bz->eflag) {
            x->pts[2 * bz->size] = bz->ep.x - bb.LL.x;
            x->pts[2 * bz->size + 1] = bb.UR.y - bz->ep.y;
        }
        x->n_pts = np;
    }
    return ST_OK;
}

enum status lay_gv_render(const lay_layout *L, const char *format, char **data, size_t *len,
                          struct err *e)
{
    struct gv_priv *p = L->priv;
    *data = NULL;
    *len = 0;
    if (!p || !L->laid_out)
        return err_set(e, ST_EINVAL, "render: the layout was not computed (call lay_compute first)");
    char *buf = NULL;
    unsigned int n = 0;
    gv_last_err[0] = 0;
    if (!strcmp(format, "png")) {
        /* a bitmap of a big drawing: at most 8000 pixels on its long side */
        double longest = L->width > L->height ? L->width : L->height;
        double dpi = longest > 0 ? 8000.0 * 72.0 / longest : 96.0;
        char v[32];
        snprintf(v, sizeof v, "%.1f", dpi < 96.0 ? (dpi < 10.0 ? 10.0 : dpi) : 96.0);
        agattr(p->g, AGRAPH, S("dpi"), S(v));
        if (GD_drawing(p->g)) /* read at layout time: set the laid-out value too */
            GD_drawing(p->g)->dpi = atof(v);
    }
    if (gvRenderData(p->gvc, p->g, format, &buf, &n) != 0 || !buf) {
        if (buf)
            gvFreeRenderData(buf);
        return err_set(e, ST_EUNSUPPORTED,
                       "Graphviz cannot write format '%s' on this machine%s%s (is its plugin installed?)",
                       format, gv_last_err[0] ? ": " : "", gv_last_err);
    }
    *data = xmalloc((size_t)n + 1);
    memcpy(*data, buf, n);
    (*data)[n] = 0;
    *len = n;
    gvFreeRenderData(buf);
    return ST_OK;
}

void lay_gv_free(lay_layout *L)
{
    struct gv_priv *p = L->priv;
    if (!p)
        return;
    if (p->g) {
        if (L->laid_out)
            gvFreeLayout(p->gvc, p->g);
        agclose(p->g);
    }
    free(p->an);
    free(p->ae);
    free(p);
    L->priv = NULL;
}

/* ---- sanitizer builds ------------------------------------------------------------ */

/* Graphviz 2.43 (with pango/cairo/fontconfig/glib below it) keeps caches it
 * never frees and leaks in its HTML-label and text-layout code; LeakSanitizer
 * would fail every SAN=1 run that draws a graph. Only frames inside those
 * libraries are suppressed; leaks in ampscope's own code are still reported.
 * LeakSanitizer calls this hook by name; other builds never do. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libgvplugin_\nleak:libpango\n"
           "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libfontconfig.so\n"
           "leak:libcairo.so\nleak:libharfbuzz.so\nleak:libpixman\nleak:libfreetype.so\n";
}
