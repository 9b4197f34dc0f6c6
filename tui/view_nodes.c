/* view_nodes.c: the nodes table (name, op, planned precision, executed dtype,
 * ISA/impl, time, share, casts), sortable by any column (< > pick it, I
 * inverts; the sort column is marked in the header), `/` searches (moves the
 * cursor), `\` filters (hides rows; see tm_filter for the terms).
 */
#include "tui/tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct nodes_view {
    int *idx;        /* rows shown, in order */
    int n;
    enum tui_col col;
    bool reverse;
    bool inited;
    char filter[256];
};

static const int col_w[] = {
#define X(id, title, width, numeric) width,
    TUI_COLUMNS(X)
#undef X
};

static void rebuild(struct tui_app *a, struct tui_view *v)
{
    struct nodes_view *p = v->priv;
    free(p->idx);
    p->idx = xmalloc(sizeof(int) * (size_t)(a->m.n_rows ? a->m.n_rows : 1));
    p->n = tm_filter(&a->m, p->filter, p->idx);
    tm_sort(&a->m, p->idx, p->n, p->col, p->reverse);
    v->lines = p->n;
}

static void nodes_select(struct tui_app *a, struct tui_view *v)
{
    struct nodes_view *p = v->priv;
    for (int i = 0; i < p->n; i++)
        if (p->idx[i] == a->cur_node) {
            v->cursor = i;
            return;
        }
}

static void nodes_open(struct tui_app *a, struct tui_view *v)
{
    struct nodes_view *p = v->priv;
    if (!p->inited) {
        p->col = a->m.rep ? COL_TIME : COL_NAME;
        p->inited = true;
    }
    rebuild(a, v);
    nodes_select(a, v);
}

static void nodes_done(struct tui_view *v)
{
    struct nodes_view *p = v->priv;
    free(p->idx);
    p->idx = NULL;
    p->n = 0;
}

/* Column widths for the screen width W: every column but the name as wide
 * as its longest value needs (op types capped at 20; on narrow screens the
 * kernel shown as a short ISA name), the name column takes what is left, up
 * to what the longest name needs; what is still spare goes to the kernel
 * column. Names are the long field: when they would get fewer than 20
 * columns the op column gives back what they lack, down to 11 columns. */
void tui_nodes_widths(const struct tui_model *m, int W, int *w)
{
    for (int c = 0; c < COL__COUNT; c++)
        w[c] = col_w[c];
    int ln = 4, lo = 2, li = 8;
    for (int i = 0; i < m->n_rows; i++) {
        const struct tui_row *r = &m->rows[i];
        int k = tui_strwidth(r->name);
        ln = k > ln ? k : ln;
        k = tui_strwidth(r->op);
        lo = k > lo ? k : lo;
        k = tui_strwidth(r->impl);
        li = k > li ? k : li;
    }
    w[COL_OP] = lo < 20 ? lo : 20;
    if (W < 100) {
        w[COL_ISA] = 11;
        w[COL_TIME] = 7;
    } else {
        int cap = W >= 140 ? 30 : 20;
        w[COL_ISA] = li < cap ? li : cap;
    }
    if (w[COL_OP] < 6)
        w[COL_OP] = 6;
    int used = 0;
    for (int c = 1; c < COL__COUNT; c++)
        used += w[c] + 1;
    w[COL_NAME] = W - used - 1;
    int want = ln + 1 < 20 ? ln + 1 : 20;
    if (w[COL_NAME] < want && w[COL_OP] > 11) {
        int give = want - w[COL_NAME];
        if (give > w[COL_OP] - 11)
            give = w[COL_OP] - 11;
        w[COL_OP] -= give;
        w[COL_NAME] += give;
    }
    if (w[COL_NAME] > ln + 1) { /* spare room: the kernel column first */
        int spare = w[COL_NAME] - (ln + 1);
        w[COL_NAME] = ln + 1;
        if (W >= 100 && w[COL_ISA] < li) {
            int add = li - w[COL_ISA] < spare ? li - w[COL_ISA] : spare;
            w[COL_ISA] += add;
        }
    }
    if (w[COL_NAME] < 12)
        w[COL_NAME] = 12;
}

/* The ISA in a few letters, for narrow screens. */
static const char *short_isa(const struct tui_row *r)
{
    if (!r->impl[0])
        return "";
    if (r->amx)
        return "AMX";
    static const struct {
        const char *isa, *s;
    } t[] = {{"avx512_core_bf16", "avx512bf16"}, {"avx512_core_vnni", "avx512vnni"},
             {"avx512_core", "avx512"},          {"avx2", "avx2"},
             {"sse41", "sse41"},                 {"gemm", "gemm"},
             {"ref", "ref"}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strncmp(r->isa, t[i].isa, strlen(t[i].isa)))
            return t[i].s;
    return r->isa[0] ? r->isa : r->impl;
}

static unsigned prec_attr(enum tui_prec p)
{
    return p == P_BF16 ? C_BF16 : p == P_F32 ? C_F32 : p == P_MIXED ? C_MIXED : C_NONE;
}

static void nodes_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct nodes_view *p = v->priv;
    int w[COL__COUNT];
    tui_nodes_widths(&a->m, c->w, w);
    /* header */
    int x = 0;
    cv_fill(c, y0, 0, c->w, C_HEADER | A_UNDER_);
    for (int k = 0; k < COL__COUNT; k++) {
        char t[64];
        bool on = p->col == (enum tui_col)k;
        bool right = k >= COL_TIME;
        const char *arrow = on ? (p->reverse ? (c->ascii ? "^" : "\xe2\x96\xb2") : (c->ascii ? "v" : "\xe2\x96\xbc")) : "";
        if (right)
            snprintf(t, sizeof t, "%*s%s", w[k] - (on ? 1 : 0), tui_col_title((enum tui_col)k), arrow);
        else
            snprintf(t, sizeof t, "%s%s", tui_col_title((enum tui_col)k), arrow);
        cv_put(c, y0, x, t, w[k], (on ? (C_HEADER | A_BOLD_ | A_REV_) : C_HEADER) | A_UNDER_);
        x += w[k] + 1;
    }
    int body = h - 2;
    tv_clamp(v, body);
    for (int i = 0; i < body && v->top + i < p->n; i++) {
        int ri = v->top + i;
        const struct tui_row *r = &a->m.rows[p->idx[ri]];
        int y = y0 + 1 + i;
        bool cur = ri == v->cursor;
        unsigned base = cur ? A_REV_ : 0;
        cv_fill(c, y, 0, c->w, C_NORMAL | base);
        char buf[512], fit[512];
        x = 0;
        tui_fit(fit, sizeof fit, r->name, w[COL_NAME], c->ascii);
        cv_put(c, y, x, fit, w[COL_NAME], C_NORMAL | base | (cur ? A_BOLD_ : 0));
        x += w[COL_NAME] + 1;
        tui_fit(fit, sizeof fit, r->op, w[COL_OP], c->ascii);
        cv_put(c, y, x, fit, w[COL_OP], C_NORMAL | base);
        x += w[COL_OP] + 1;
        snprintf(buf, sizeof buf, "%s%s", r->planned, r->plan_changed ? "*" : "");
        cv_put(c, y, x, buf, w[COL_PLANNED],
               (r->plan_changed ? C_PREDICTED | A_BOLD_ : prec_attr(!strcmp(r->planned, "bf16") ? P_BF16 : !strcmp(r->planned, "fp32") ? P_F32 : P_NONE)) | base);
        x += w[COL_PLANNED] + 1;
        const char *ex = r->has_event ? r->executed : r->fused_into ? "fused" : "-";
        cv_put(c, y, x, ex, w[COL_EXEC], prec_attr(r->has_event ? r->shown : P_NONE) | base | A_BOLD_);
        x += w[COL_EXEC] + 1;
        if (!r->has_event && r->fused_into)
            snprintf(buf, sizeof buf, "in %s", r->fused_into);
        else if (w[COL_ISA] < 16)
            snprintf(buf, sizeof buf, "%s", short_isa(r));
        else
            snprintf(buf, sizeof buf, "%s", r->impl);
        tui_fit(fit, sizeof fit, buf, w[COL_ISA], c->ascii);
        cv_put(c, y, x, fit, w[COL_ISA], (r->amx ? C_AMX | A_BOLD_ : C_NORMAL) | base);
        x += w[COL_ISA] + 1;
        if (r->has_event) {
            snprintf(buf, sizeof buf, "%*.3f", w[COL_TIME], r->time_ms);
            cv_put(c, y, x, buf, w[COL_TIME], C_NORMAL | base);
            snprintf(buf, sizeof buf, "%*.1f%%", w[COL_SHARE] - 1, 100 * r->share);
            cv_put(c, y, x + w[COL_TIME] + 1, buf, w[COL_SHARE], C_NORMAL | base);
        }
        x += w[COL_TIME] + 1 + w[COL_SHARE] + 1;
        if (r->casts) {
            snprintf(buf, sizeof buf, "%*d", w[COL_CASTS], r->casts);
            cv_put(c, y, x, buf, w[COL_CASTS], C_CAST | base);
        }
    }
    char foot[400];
    snprintf(foot, sizeof foot, "%d of %d nodes%s%s%s  sort: %s%s   < > column  I invert  / search  \\ filter",
             p->n, a->m.n_rows, p->filter[0] ? "  filter: " : "", p->filter,
             a->m.edited ? "  (* = predicted after list edits)" : "", tui_col_title(p->col),
             p->reverse ? " (inverted)" : "");
    cv_put(c, y0 + h - 1, 0, foot, c->w, C_HEADER);
}

static void sync(struct tui_app *a, struct tui_view *v)
{
    struct nodes_view *p = v->priv;
    if (v->cursor >= 0 && v->cursor < p->n)
        a->cur_node = p->idx[v->cursor];
}

void tui_nodes_sort(struct tui_app *a, int col)
{
    struct tui_view *v = &a->views[V_NODES];
    struct nodes_view *p = v->priv;
    if (!p || col < 0 || col >= COL__COUNT)
        return;
    p->col = (enum tui_col)col;
    p->reverse = false;
    rebuild(a, v);
    nodes_select(a, v);
}

static unsigned nodes_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct nodes_view *p = v->priv;
    int body = a->cv.h - 5;
    switch (r) {
    case REQ_SORT_NEXT:
    case REQ_SORT_PREV:
        p->col = (enum tui_col)((p->col + (r == REQ_SORT_NEXT ? 1 : COL__COUNT - 1)) % COL__COUNT);
        p->reverse = false;
        rebuild(a, v);
        nodes_select(a, v);
        return TR_HANDLED | TR_REDRAW;
    case REQ_SORT_INVERT:
        p->reverse = !p->reverse;
        rebuild(a, v);
        nodes_select(a, v);
        return TR_HANDLED | TR_REDRAW;
    case REQ_ENTER:
        sync(a, v);
        if (a->cur_node < 0)
            return TR_HANDLED;
        a->want_view = V_NODE;
        return TR_HANDLED | TR_OPEN;
    default: {
        unsigned f = tv_move(v, r, body);
        if (f)
            sync(a, v);
        return f;
    }
    }
}

static unsigned nodes_search(struct tui_app *a, struct tui_view *v, const char *text, int dir)
{
    struct nodes_view *p = v->priv;
    for (int k = 1; k <= p->n; k++) {
        int i = ((v->cursor + dir * k) % p->n + p->n) % p->n;
        const struct tui_row *r = &a->m.rows[p->idx[i]];
        if (tui_contains(r->name, text) || tui_contains(r->op, text)) {
            v->cursor = i;
            sync(a, v);
            tui_msg(a, false, "/%s: %s", text, r->name);
            return TR_HANDLED | TR_REDRAW;
        }
    }
    tui_msg(a, true, "/%s: no match", text);
    return TR_HANDLED | TR_REDRAW;
}

static unsigned nodes_filter(struct tui_app *a, struct tui_view *v, const char *text)
{
    struct nodes_view *p = v->priv;
    snprintf(p->filter, sizeof p->filter, "%s", text);
    rebuild(a, v);
    v->cursor = 0;
    nodes_select(a, v);
    sync(a, v);
    tui_msg(a, false, "%d nodes match '%s'", p->n, text);
    return TR_HANDLED | TR_REDRAW;
}

const struct view_ops tui_view_nodes = {
    .name = "nodes",
    .title = "Nodes",
    .flags = VF_TAB,
    .private_size = sizeof(struct nodes_view),
    .open = nodes_open,
    .draw = nodes_draw,
    .request = nodes_request,
    .select = nodes_select,
    .search = nodes_search,
    .filter = nodes_filter,
    .done = nodes_done,
};

/* ======================================================================
 * Op types view
 * ==================================================================== */

struct ops_view {
    int *idx;
    int n;
};

static const struct tui_model *ops_m;
static int ops_cmp(const void *pa, const void *pb)
{
    const struct tui_optype *x = &ops_m->ops[*(const int *)pa], *y = &ops_m->ops[*(const int *)pb];
    if (x->time_ms != y->time_ms)
        return x->time_ms < y->time_ms ? 1 : -1;
    if (x->count != y->count)
        return y->count - x->count;
    return strcmp(x->op, y->op);
}

static void ops_open(struct tui_app *a, struct tui_view *v)
{
    struct ops_view *p = v->priv;
    free(p->idx);
    p->idx = xmalloc(sizeof(int) * (size_t)(a->m.n_ops ? a->m.n_ops : 1));
    for (int i = 0; i < a->m.n_ops; i++)
        p->idx[i] = i;
    p->n = a->m.n_ops;
    ops_m = &a->m;
    qsort(p->idx, (size_t)p->n, sizeof *p->idx, ops_cmp);
    v->lines = p->n;
}

static void ops_done(struct tui_view *v)
{
    struct ops_view *p = v->priv;
    free(p->idx);
    p->idx = NULL;
}

static void ops_select(struct tui_app *a, struct tui_view *v)
{
    struct ops_view *p = v->priv;
    if (a->cur_node < 0)
        return;
    const char *op = a->m.g->nodes[a->cur_node].op;
    for (int i = 0; i < p->n; i++)
        if (a->m.ops[p->idx[i]].op == op || !strcmp(a->m.ops[p->idx[i]].op, op)) {
            v->cursor = i;
            return;
        }
}

static void ops_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct ops_view *p = v->priv;
    int opw = c->w - 62;
    if (opw < 14)
        opw = 14;
    if (opw > 40)
        opw = 40;
    char hd[256];
    snprintf(hd, sizeof hd, "%-*s %5s %5s %5s %5s  %-6s %-8s %9s", opw, "op type", "nodes", "bf16",
             "f32", "other", "list", "default", "ms/iter");
    cv_fill(c, y0, 0, c->w, C_HEADER | A_UNDER_);
    cv_put(c, y0, 0, hd, c->w, C_HEADER | A_UNDER_);
    int body = h - 2;
    tv_clamp(v, body);
    for (int i = 0; i < body && v->top + i < p->n; i++) {
        int ri = v->top + i;
        const struct tui_optype *t = &a->m.ops[p->idx[ri]];
        bool cur = ri == v->cursor;
        unsigned base = cur ? A_REV_ : 0;
        int y = y0 + 1 + i;
        cv_fill(c, y, 0, c->w, base);
        char fit[128], buf[256];
        tui_fit(fit, sizeof fit, t->op, opw, c->ascii);
        cv_put(c, y, 0, fit, opw, C_NORMAL | base | (cur ? A_BOLD_ : 0));
        int x = opw + 1;
        snprintf(buf, sizeof buf, "%5d", t->count);
        x += cv_put(c, y, x, buf, 6, base) + 1;
        snprintf(buf, sizeof buf, "%5d", t->n_bf16);
        x += cv_put(c, y, x, buf, 6, (t->n_bf16 ? C_BF16 | A_BOLD_ : C_NONE) | base) + 1;
        snprintf(buf, sizeof buf, "%5d", t->n_f32);
        x += cv_put(c, y, x, buf, 6, (t->n_f32 ? C_F32 | A_BOLD_ : C_NONE) | base) + 1;
        snprintf(buf, sizeof buf, "%5d", t->n_none);
        x += cv_put(c, y, x, buf, 6, C_NONE | base) + 2;
        bool moved = t->list != t->deflt;
        snprintf(buf, sizeof buf, "%-5s%s", amp_list_name(t->list), moved ? "*" : " ");
        x += cv_put(c, y, x, buf, 7, (moved ? C_PREDICTED | A_BOLD_ : C_NORMAL) | base) + 1;
        snprintf(buf, sizeof buf, "%-8s", amp_list_name(t->deflt));
        x += cv_put(c, y, x, buf, 9, C_NONE | base) + 1;
        if (t->time_ms > 0) {
            snprintf(buf, sizeof buf, "%9.3f", t->time_ms);
            cv_put(c, y, x, buf, 10, base);
        }
    }
    cv_put(c, y0 + h - 1, 0,
           "a/i/c/d: allow/infer/clear/deny  x: default  *: moved (repainted now; r reruns)",
           c->w, C_HEADER);
}

static unsigned ops_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct ops_view *p = v->priv;
    enum amp_list l;
    switch (r) {
    case REQ_LIST_ALLOW: l = AMP_LIST_ALLOW; break;
    case REQ_LIST_INFER: l = AMP_LIST_INFER; break;
    case REQ_LIST_CLEAR: l = AMP_LIST_CLEAR; break;
    case REQ_LIST_DENY: l = AMP_LIST_DENY; break;
    case REQ_LIST_DEFAULT: l = AMP_LIST_NONE; break;
    case REQ_ENTER:
        if (v->cursor < p->n) {
            char f[300];
            snprintf(f, sizeof f, "filter op:%s", a->m.ops[p->idx[v->cursor]].op);
            a->want_view = V_NODES;
            tui_app_request(a, REQ_VIEW_NODES);
            return tui_app_command(a, f) | TR_HANDLED;
        }
        return TR_HANDLED;
    default: {
        unsigned f = tv_move(v, r, a->cv.h - 5);
        return f;
    }
    }
    if (v->cursor >= p->n)
        return TR_HANDLED;
    if (tui_rerun_active(a)) {
        tui_msg(a, true, "a rerun is in progress: Esc cancels it");
        return TR_HANDLED | TR_REDRAW;
    }
    const char *op = a->m.ops[p->idx[v->cursor]].op;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "list %s %s", op, l == AMP_LIST_NONE ? "default" : amp_list_name(l));
    /* keep the cursor on this op type after the reload reorders the table */
    for (int i = 0; i < a->m.n_rows; i++)
        if (!strcmp(a->m.rows[i].op, op)) {
            a->cur_node = i;
            break;
        }
    return tui_app_command(a, cmd) | TR_HANDLED;
}

static unsigned ops_search(struct tui_app *a, struct tui_view *v, const char *text, int dir)
{
    struct ops_view *p = v->priv;
    for (int i = 0; i < p->n; i++) /* an exact op type first */
        if (!strcasecmp(a->m.ops[p->idx[i]].op, text)) {
            v->cursor = i;
            return TR_HANDLED | TR_REDRAW;
        }
    for (int k = 1; k <= p->n; k++) {
        int i = ((v->cursor + dir * k) % p->n + p->n) % p->n;
        if (tui_contains(a->m.ops[p->idx[i]].op, text)) {
            v->cursor = i;
            return TR_HANDLED | TR_REDRAW;
        }
    }
    tui_msg(a, true, "/%s: no op type matches", text);
    return TR_HANDLED | TR_REDRAW;
}

const struct view_ops tui_view_ops = {
    .name = "ops",
    .title = "Ops",
    .flags = VF_TAB,
    .private_size = sizeof(struct ops_view),
    .open = ops_open,
    .draw = ops_draw,
    .request = ops_request,
    .select = ops_select,
    .search = ops_search,
    .done = ops_done,
};
