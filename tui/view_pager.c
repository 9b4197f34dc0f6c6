/* view_pager.c: the line-oriented views pushed on top of the main ones: node
 * details (attributes, shapes, the AMP reason, the verbose events mapped to
 * it, the casts around it; lines naming another node link to it), the help
 * (generated from the key map) and plain text (env lines). All scroll the
 * same way; Enter follows a link, q/Esc go back.
 */
#include "tui/tui_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pager {
    char **text;
    unsigned *attr;
    int *link;       /* graph node, -1 */
    int n;
    size_t cap;
};

static void pg_add(struct pager *p, unsigned attr, int link, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void pg_add(struct pager *p, unsigned attr, int link, const char *fmt, ...)
{
    size_t c1 = p->cap, c2 = p->cap;
    xgrow(&p->text, &p->cap, (size_t)p->n + 1, sizeof *p->text);
    xgrow(&p->attr, &c1, (size_t)p->n + 1, sizeof *p->attr);
    xgrow(&p->link, &c2, (size_t)p->n + 1, sizeof *p->link);
    va_list ap;
    va_start(ap, fmt);
    struct abuf b;
    abuf_init(&b);
    abuf_vprintf(&b, fmt, ap);
    va_end(ap);
    p->text[p->n] = b.data ? b.data : xstrdup("");
    p->attr[p->n] = attr;
    p->link[p->n] = link;
    p->n++;
}

static void pg_done(struct tui_view *v)
{
    struct pager *p = v->priv;
    for (int i = 0; i < p->n; i++)
        free(p->text[i]);
    free(p->text);
    free(p->attr);
    free(p->link);
    memset(p, 0, sizeof *p);
}

#define PG_MAX_ROWS 32 /* rows one line may wrap into */

/* Rows line li takes at width w. */
static int pg_rows(const struct pager *p, int li, int w)
{
    struct tui_seg seg[PG_MAX_ROWS];
    return tui_wrap(p->text[li], w, tui_wrap_indent(p->text[li]), seg, PG_MAX_ROWS);
}

/* Long lines wrap at word boundaries and continue under their value column;
 * the cursor and scrolling stay per line. */
static void pg_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct pager *p = v->priv;
    (void)a;
    v->lines = p->n;
    int avail = h - 1;
    tv_clamp(v, avail);
    /* the cursor's line must fit below top once wrapped */
    for (;;) {
        int rows = 0;
        for (int li = v->top; li <= v->cursor && li < p->n; li++)
            rows += pg_rows(p, li, c->w);
        if (rows <= avail || v->top >= v->cursor)
            break;
        v->top++;
    }
    int y = 0;
    for (int li = v->top; li < p->n && y < avail; li++) {
        bool cur = li == v->cursor;
        unsigned at = p->attr[li] | (cur ? A_REV_ : 0);
        struct tui_seg seg[PG_MAX_ROWS];
        const char *t = p->text[li];
        int ns = tui_wrap(t, c->w, tui_wrap_indent(t), seg, PG_MAX_ROWS);
        for (int k = 0; k < ns && y < avail; k++, y++) {
            char row[1024];
            snprintf(row, sizeof row, "%.*s", (int)seg[k].len, t + seg[k].off);
            if (cur)
                cv_fill(c, y0 + y, 0, c->w, A_REV_);
            cv_put(c, y0 + y, seg[k].x, row, c->w - seg[k].x, at);
        }
    }
    bool links = false; /* help and env text have none: no hint then */
    for (int i = 0; i < p->n && !links; i++)
        links = p->link[i] >= 0;
    char foot[200];
    snprintf(foot, sizeof foot, "line %d of %d   %sq back", p->n ? v->cursor + 1 : 0, p->n,
             links ? "Enter follows a node link   " : "");
    char fit[220];
    tui_fit_words(fit, sizeof fit, foot, c->w);
    cv_put(c, y0 + h - 1, 0, fit, c->w, C_HEADER);
}

static unsigned pg_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct pager *p = v->priv;
    if (r == REQ_ENTER) {
        int l = v->cursor < p->n ? p->link[v->cursor] : -1;
        if (l < 0)
            return TR_HANDLED;
        a->cur_node = l;
        a->want_view = V_NODE;
        return TR_HANDLED | TR_OPEN;
    }
    if (r == REQ_MOVE_LEFT || r == REQ_MOVE_RIGHT)
        return TR_HANDLED;
    return tv_move(v, r, a->cv.h - 4);
}

static unsigned pg_search(struct tui_app *a, struct tui_view *v, const char *text, int dir)
{
    struct pager *p = v->priv;
    for (int k = 1; k <= p->n; k++) {
        int i = ((v->cursor + dir * k) % p->n + p->n) % p->n;
        if (tui_contains(p->text[i], text)) {
            v->cursor = i;
            return TR_HANDLED | TR_REDRAW;
        }
    }
    tui_msg(a, true, "/%s: no match", text);
    return TR_HANDLED | TR_REDRAW;
}

/* ---- node details ------------------------------------------------------ */

static void attr_text(const struct g_attr *at, char *buf, size_t size)
{
    char sh[128];
    switch (at->kind) {
    case G_ATTR_S: snprintf(buf, size, "\"%s\"", at->s ? at->s : ""); break;
    case G_ATTR_I: snprintf(buf, size, "%lld", (long long)at->i); break;
    case G_ATTR_F: snprintf(buf, size, "%g", at->f); break;
    case G_ATTR_B: snprintf(buf, size, "%s", at->b ? "true" : "false"); break;
    case G_ATTR_TYPE: snprintf(buf, size, "%s", tf_dtype_name(at->type)); break;
    case G_ATTR_SHAPE: g_shape_format(&at->shape, sh, sizeof sh); snprintf(buf, size, "%s", sh); break;
    case G_ATTR_TENSOR:
        if (at->tensor) {
            g_shape_format(&at->tensor->shape, sh, sizeof sh);
            snprintf(buf, size, "tensor %s %s", tf_dtype_name(at->tensor->dtype), sh);
        } else {
            snprintf(buf, size, "tensor");
        }
        break;
    case G_ATTR_FUNC: snprintf(buf, size, "func %s", at->s ? at->s : ""); break;
    case G_ATTR_LIST: {
        struct abuf b;
        abuf_init(&b);
        abuf_putc(&b, '[');
        for (int i = 0; i < at->n_list && i < 16; i++) {
            if (i)
                abuf_puts(&b, ",");
            if (at->list_i)
                abuf_printf(&b, "%lld", (long long)at->list_i[i]);
            else if (at->list_type)
                abuf_puts(&b, tf_dtype_name(at->list_type[i]));
            else if (at->list_s)
                abuf_printf(&b, "\"%s\"", at->list_s[i]);
            else if (at->list_f)
                abuf_printf(&b, "%g", at->list_f[i]);
        }
        if (at->n_list > 16)
            abuf_puts(&b, ",...");
        abuf_putc(&b, ']');
        snprintf(buf, size, "%s", b.data);
        abuf_done(&b);
        break;
    }
    default: snprintf(buf, size, "-"); break;
    }
}

static void node_open(struct tui_app *a, struct tui_view *v)
{
    struct pager *p = v->priv;
    const struct tui_model *m = &a->m;
    int n = a->cur_node;
    v->cursor = v->top = 0;
    if (n < 0 || n >= m->g->n_nodes) {
        pg_add(p, C_NONE, -1, "no node selected");
        return;
    }
    const struct g_node *gn = &m->g->nodes[n];
    const struct tui_row *r = &m->rows[n];
    char buf[512], sh[128];
    int nw = a->cv.w >= 120 ? 48 : 30;
    pg_add(p, C_HEADER | A_BOLD_, -1, "%s  (%s)", gn->name, gn->op);
    pg_add(p, C_NONE, -1, "  device %s   scope %s", gn->device[0] ? gn->device : "(unset)",
           gn->scope[0] ? gn->scope : "(top)");
    pg_add(p, 0, -1, "%s", "");
    pg_add(p, C_HEADER | A_BOLD_, -1, "Precision");
    enum amp_list l = amp_lists_which(m->lists, gn->op, NULL);
    pg_add(p, r->plan_changed ? (C_PREDICTED | A_BOLD_) : 0, -1, "  planned   %s%s  (%s is on the %s list%s)",
           r->planned, r->plan_changed ? "  * predicted after your list edits" : "", gn->op,
           amp_list_name(l), l != amp_lists_default(m->lists, gn->op) ? ", moved by you" : "");
    if (m->plan && m->plan->nodes[n].reason) {
        const struct amp_node_plan *np = &m->plan->nodes[n];
        pg_add(p, 0, np->cause_node >= 0 ? np->cause_node : -1, "  reason    %s%s%s", np->reason,
               np->cause_node >= 0 ? "  -> " : "",
               np->cause_node >= 0 ? m->g->nodes[np->cause_node].name : "");
    }
    if (r->rep >= 0 && m->rep) {
        const struct rep_node *rn = &m->rep->nodes[r->rep];
        unsigned at = r->shown == P_BF16 ? C_BF16 : r->shown == P_F32 ? C_F32 : C_NORMAL;
        if (rn->n_events)
            pg_add(p, at | A_BOLD_, -1, "  executed  %s on %s (%s)%s", rn->executed_dtype,
                   vb_isa_name(rn->isa), rn->impl ? rn->impl : "?", rn->isa == VB_ISA_AMX ? "  AMX" : "");
        else if (rn->fused_into)
            pg_add(p, 0, graph_find(m->g, rn->fused_into), "  executed  fused into %s", rn->fused_into);
        else
            pg_add(p, C_NONE, -1, "  executed  no oneDNN primitive");
        if (rn->n_events)
            pg_add(p, 0, -1, "  time      %.3f ms/iter, %.1f%% of mapped time (compute %.3f, reorders %.3f, casts %.3f)",
                   rn->time_ms, 100 * rn->share, rn->compute_ms, rn->reorder_ms, rn->cast_ms);
        if (!isnan(rn->speedup))
            pg_add(p, 0, -1, "  speedup   %.2fx against the f32 baseline", rn->speedup);
        if (rn->why)
            pg_add(p, C_F32, -1, "  why       %s", rn->why);
        if (rn->fix)
            pg_add(p, C_PREDICTED, -1, "  fix       %s", rn->fix);
    } else if (!m->has_run) {
        pg_add(p, C_NONE, -1, "  executed  (no run yet: r runs the model)");
    }
    pg_add(p, 0, -1, "%s", "");
    pg_add(p, C_HEADER | A_BOLD_, -1, "Inputs");
    for (int i = 0; i < gn->n_inputs; i++) {
        const struct g_input *in = &gn->inputs[i];
        if (in->node < 0) {
            pg_add(p, C_NONE, -1, "  %-*s (unresolved)", nw, in->text);
            continue;
        }
        const struct g_node *src = &m->g->nodes[in->node];
        if (in->port < 0) {
            pg_add(p, C_NONE, in->node, "  ^%-*s control  %s", nw - 1, src->name, src->op);
            continue;
        }
        int dt = in->port < src->n_outputs ? src->out_dtype[in->port] : 0;
        if (in->port < src->n_outputs)
            g_shape_format(&src->out_shape[in->port], sh, sizeof sh);
        else
            snprintf(sh, sizeof sh, "?");
        int c = tm_edge_cast(m, in->node, n);
        char fit[256];
        tui_fit(fit, sizeof fit, in->text, nw, a->cv.ascii);
        int pad = nw - tui_strwidth(fit);
        pg_add(p, 0, in->node, "  %s%*s %-12s %-8s %s%s", fit, pad > 0 ? pad : 0, "", src->op, tf_dtype_name(dt), sh,
               c >= 0 ? (m->plan->casts[c].to_bf16 ? "  [cast to bf16]" : "  [cast to f32]") : "");
    }
    pg_add(p, 0, -1, "%s", "");
    pg_add(p, C_HEADER | A_BOLD_, -1, "Outputs");
    for (int o = 0; o < gn->n_outputs; o++) {
        g_shape_format(&gn->out_shape[o], sh, sizeof sh);
        pg_add(p, 0, -1, "  :%d  %s %s", o, tf_dtype_name(gn->out_dtype[o]), sh);
    }
    for (int k = 0; k < gn->n_outs && k < 200; k++) {
        const struct g_node *dst = &m->g->nodes[gn->outs[k].node];
        char fit[256];
        tui_fit(fit, sizeof fit, dst->name, nw - 3, a->cv.ascii);
        int pad = nw - 3 - tui_strwidth(fit);
        pg_add(p, 0, gn->outs[k].node, "  -> %s%*s %s%s", fit, pad > 0 ? pad : 0, "", dst->op,
               gn->outs[k].port < 0 ? "  (control)" : "");
    }
    int casts[64];
    int nc = tm_node_casts(m, n, casts, 64);
    if (nc) {
        pg_add(p, 0, -1, "%s", "");
        pg_add(p, C_HEADER | A_BOLD_, -1, "Casts around it (planned)");
        for (int k = 0; k < nc; k++) {
            const struct amp_cast *c = &m->plan->casts[casts[k]];
            pg_add(p, C_CAST, c->src_node != n ? c->src_node : -1, "  %s  %s  from %s:%d to %d consumer(s)%s",
                   c->name, c->to_bf16 ? "f32->bf16" : "bf16->f32", c->src_name ? c->src_name : "?",
                   c->src_port, c->n_dst, c->counted ? "" : "  (Const/Variable, not counted)");
        }
    }
    if (gn->n_attrs) {
        pg_add(p, 0, -1, "%s", "");
        pg_add(p, C_HEADER | A_BOLD_, -1, "Attributes");
        for (int i = 0; i < gn->n_attrs; i++) {
            attr_text(&gn->attrs[i], buf, sizeof buf);
            pg_add(p, 0, -1, "  %-20s %s", gn->attrs[i].name, buf);
        }
    }
    if (m->rep) {
        long total = 0;
        for (long k = 0; k < m->rep->n_events; k++)
            total += m->rep->events[k].node == n;
        if (total) {
            pg_add(p, 0, -1, "%s", "");
            pg_add(p, C_HEADER | A_BOLD_, -1, "oneDNN events mapped to it (%ld in the measured iterations%s)",
                   total, total > 40 ? ", first 40" : "");
            long shown = 0;
            for (long k = 0; k < m->rep->n_events && shown < 40; k++) {
                const struct rep_event *ev = &m->rep->events[k];
                if (ev->node != n)
                    continue;
                shown++;
                pg_add(p, ev->src_dt == VB_DT_BF16 || ev->dst_dt == VB_DT_BF16 ? C_BF16 : 0, -1,
                       "  line %-5ld it%-2d %-11s %-11s %-22s %s->%s %.4f ms", ev->line_no, ev->iteration,
                       ev->role ? ev->role : "", ev->prim ? ev->prim : "", ev->impl ? ev->impl : "",
                       vb_dt_name(ev->src_dt), vb_dt_name(ev->dst_dt), ev->time_ms);
            }
        }
    }
}

const struct view_ops tui_view_node = {
    .name = "node",
    .title = "Node",
    .private_size = sizeof(struct pager),
    .open = node_open,
    .draw = pg_draw,
    .request = pg_request,
    .search = pg_search,
    .done = pg_done,
};

/* ---- help and text ---------------------------------------------------- */

static void help_open(struct tui_app *a, struct tui_view *v)
{
    struct pager *p = v->priv;
    (void)a;
    char **lines;
    int n = tui_help_lines(&lines);
    for (int i = 0; i < n; i++)
        pg_add(p, i == 0 || (lines[i][0] && lines[i][0] != ' ') ? C_HEADER | A_BOLD_ : 0, -1, "%s",
               lines[i]);
    tui_lines_free(lines, n);
    v->cursor = v->top = 0;
}

const struct view_ops tui_view_help = {
    .name = "help",
    .title = "Help",
    .private_size = sizeof(struct pager),
    .open = help_open,
    .draw = pg_draw,
    .request = pg_request,
    .search = pg_search,
    .done = pg_done,
};

static void text_open(struct tui_app *a, struct tui_view *v)
{
    struct pager *p = v->priv;
    pg_add(p, C_HEADER | A_BOLD_, -1, "%s", a->text_title);
    for (int i = 0; i < a->n_text; i++)
        pg_add(p, a->text_lines[i][0] == '#' ? C_NONE : C_BF16 | A_BOLD_, -1, "%s", a->text_lines[i]);
    v->cursor = v->top = 0;
}

const struct view_ops tui_view_text = {
    .name = "text",
    .title = "Text",
    .private_size = sizeof(struct pager),
    .open = text_open,
    .draw = pg_draw,
    .request = pg_request,
    .search = pg_search,
    .done = pg_done,
};
