/* layout.c: the build half of the layout step. Every graph node is annotated
 * from the report (measured) or the plan (prediction), cut to the --focus
 * neighbourhood, grouped by name scope when the graph is big (or --collapse
 * says so), and turned into drawn boxes and merged edges, with planned Casts
 * split into the edges they sit on. layout_gv.c then hands the result to
 * Graphviz; nothing here knows about Graphviz or curses.
 */
#include "render/layout.h"
#include "render/layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names --------------------------------------------------------------- */

const char *lay_prec_name(enum lay_prec p)
{
    static const char *const names[] = {"-", "fp32", "bf16", "int8", "mixed", "not executed"};
    return (unsigned)p < LAY_PREC__COUNT ? names[p] : "?";
}

void lay_opts_init(struct lay_opts *o)
{
    memset(o, 0, sizeof *o);
    o->collapse = LAY_COLLAPSE_AUTO;
    o->edge_labels = -1;
}

void lay_short_name(const char *name, int max_chars, char *buf, size_t size)
{
    if (!size)
        return;
    size_t n = strlen(name);
    if (max_chars < 8)
        max_chars = 8;
    if ((int)n <= max_chars) {
        string_copy_n(buf, size, name);
        return;
    }
    /* keep as many trailing scope components as fit behind ".../" */
    const char *best = NULL;
    for (const char *p = name + n; p > name; p--) {
        if (p[-1] == '/') {
            if ((int)(name + n - p) + 4 <= max_chars)
                best = p;
            else
                break;
        }
    }
    if (best) {
        snprintf(buf, size, ".../%s", best);
        return;
    }
    /* the last component alone is too long: keep its head and tail */
    const char *last = strrchr(name, '/');
    last = last ? last + 1 : name;
    size_t ln = strlen(last);
    int keep = max_chars - 3;
    int head = keep / 2, tail = keep - head;
    if ((int)ln <= max_chars) {
        snprintf(buf, size, "%s", last);
        return;
    }
    snprintf(buf, size, "%.*s...%s", head, last, last + ln - (size_t)tail);
}

void lay_html_esc(struct abuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': abuf_puts(b, "&amp;"); break;
        case '<': abuf_puts(b, "&lt;"); break;
        case '>': abuf_puts(b, "&gt;"); break;
        case '"': abuf_puts(b, "&quot;"); break;
        default:
            if ((unsigned char)*s < 0x20)
                abuf_putc(b, ' ');
            else
                abuf_putc(b, *s);
        }
    }
}

/* ---- annotation ------------------------------------------------------------ */

struct annot {
    enum lay_prec prec;
    bool amx, planned_bf16, fused;
    double time_ms, share;
    const char *impl, *why;
};

static enum lay_prec prec_of_dtype(const char *d)
{
    if (!d || !strcmp(d, "-"))
        return LAY_PREC_NOT_RUN;
    if (!strcmp(d, "bf16"))
        return LAY_PREC_BF16;
    if (!strcmp(d, "f32"))
        return LAY_PREC_FP32;
    if (!strcmp(d, "mixed"))
        return LAY_PREC_MIXED;
    if (!strcmp(d, "s8") || !strcmp(d, "u8"))
        return LAY_PREC_INT8;
    return LAY_PREC_FP32;
}

static bool is_float_node(const lay_layout *L, int i)
{
    if (L->plan && L->plan->nodes)
        return L->plan->nodes[i].any_fp32_attr || L->plan->nodes[i].bf16;
    const struct g_node *n = &L->g->nodes[i];
    for (int k = 0; k < n->n_outputs; k++)
        if (n->out_dtype && (n->out_dtype[k] == TF_DT_FLOAT || n->out_dtype[k] == TF_DT_BFLOAT16))
            return true;
    return false;
}

/* Ops that move or name data without math: never "not executed", even when
 * no primitive ran for them. */
static bool is_structural(const char *op)
{
    static const char *const ops[] = {"Const", "Placeholder", "PlaceholderWithDefault", "Identity",
                                      "IdentityN", "NoOp", "ReadVariableOp", "VarHandleOp",
                                      "VariableV2", "Reshape", "Squeeze", "ExpandDims", "Shape",
                                      "StopGradient", "Snapshot", "_Retval", "_Arg", NULL};
    for (int i = 0; ops[i]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

static void annotate(const lay_layout *L, struct annot *a)
{
    const graph *g = L->g;
    for (int i = 0; i < g->n_nodes; i++) {
        a[i].prec = LAY_PREC_NONE;
        a[i].time_ms = a[i].share = NAN;
        if (L->plan && L->plan->nodes) {
            const struct amp_node_plan *np = &L->plan->nodes[i];
            a[i].planned_bf16 = np->bf16;
            a[i].why = np->reason;
            if (!L->rep)
                a[i].prec = np->bf16 && !L->plan->failed ? LAY_PREC_BF16
                            : np->any_fp32_attr ? LAY_PREC_FP32 : LAY_PREC_NONE;
            if (np->removed) {
                a[i].prec = LAY_PREC_NONE;
                a[i].why = L->plan->prepass_note && L->plan->prepass_note[i]
                               ? L->plan->prepass_note[i] : "gone before the AMP pass (grappler)";
            }
        }
        if (L->rep && is_float_node(L, i) && !is_structural(g->nodes[i].op))
            a[i].prec = LAY_PREC_NOT_RUN;
    }
    if (!L->rep)
        return;
    for (int k = 0; k < L->rep->n_nodes; k++) {
        const struct rep_node *rn = &L->rep->nodes[k];
        if (rn->node < 0 || rn->node >= g->n_nodes)
            continue;
        struct annot *x = &a[rn->node];
        x->prec = prec_of_dtype(rn->executed_dtype);
        if (x->prec == LAY_PREC_NOT_RUN &&
            (!is_float_node(L, rn->node) || is_structural(g->nodes[rn->node].op)))
            x->prec = LAY_PREC_NONE;
        x->amx = rn->isa == VB_ISA_AMX;
        x->time_ms = rn->time_ms;
        x->share = rn->share;
        x->impl = rn->impl;
        x->fused = rn->fused_into != NULL;
        if (rn->why)
            x->why = rn->why;
        else if (rn->fused_into) {
            char buf[600];
            snprintf(buf, sizeof buf, "ran fused into %s's primitive (its time is counted there)",
                     rn->fused_into);
            x->why = strpool_intern(L->pool, buf, strlen(buf));
        }
    }
}

/* ---- focus ---------------------------------------------------------------- */

static enum status focus_cut(lay_layout *L, const struct lay_opts *o, bool *keep,
                             struct err *e)
{
    const graph *g = L->g;
    if (!o->focus) {
        for (int i = 0; i < g->n_nodes; i++)
            keep[i] = true;
        return ST_OK;
    }
    int f = graph_find(g, o->focus);
    if (f < 0) {
        /* a suggestion: a node whose name ends with the text given */
        const char *hint = NULL;
        size_t fl = strlen(o->focus);
        for (int i = 0; i < g->n_nodes && !hint; i++) {
            size_t nl = strlen(g->nodes[i].name);
            if (nl > fl && !strcmp(g->nodes[i].name + nl - fl, o->focus) &&
                g->nodes[i].name[nl - fl - 1] == '/')
                hint = g->nodes[i].name;
        }
        for (int i = 0; i < g->n_nodes && !hint; i++) {
            size_t nl = strlen(g->nodes[i].name);
            if (nl > fl && !strcasecmp(g->nodes[i].name + nl - fl, o->focus) &&
                g->nodes[i].name[nl - fl - 1] == '/')
                hint = g->nodes[i].name;
        }
        for (int i = 0; i < g->n_nodes && !hint; i++)
            if (strstr(g->nodes[i].name, o->focus))
                hint = g->nodes[i].name;
        for (int i = 0; i < g->n_nodes && !hint; i++) /* case-insensitive */
            for (const char *p = g->nodes[i].name; *p && !hint; p++)
                if (!strncasecmp(p, o->focus, fl))
                    hint = g->nodes[i].name;
        if (hint)
            return err_set(e, ST_EINVAL, "--focus: no node named '%s' in %s; did you mean '%s'?",
                           o->focus, g->path ? g->path : "the graph", hint);
        return err_set(e, ST_EINVAL,
                       "--focus: no node named '%s' in %s (`ampscope graph MODEL` lists the names)",
                       o->focus, g->path ? g->path : "the graph");
    }
    int radius = o->radius > 0 ? o->radius : 2;
    int *dist = xmalloc(sizeof *dist * (size_t)g->n_nodes);
    int *queue = xmalloc(sizeof *queue * (size_t)g->n_nodes);
    for (int i = 0; i < g->n_nodes; i++)
        dist[i] = -1;
    int qh = 0, qt = 0;
    dist[f] = 0;
    queue[qt++] = f;
    while (qh < qt) {
        int u = queue[qh++];
        if (dist[u] >= radius)
            continue;
        const struct g_node *n = &g->nodes[u];
        for (int k = 0; k < n->n_data_inputs; k++) {
            int v = n->inputs[k].node;
            if (v >= 0 && dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[qt++] = v;
            }
        }
        for (int k = 0; k < n->n_outs; k++) {
            int v = n->outs[k].node;
            if (n->outs[k].port >= 0 && v >= 0 && dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[qt++] = v;
            }
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        keep[i] = dist[i] >= 0;
        if (!keep[i])
            L->hidden++;
    }
    free(dist);
    free(queue);
    return ST_OK;
}

/* ---- edges ------------------------------------------------------------------ */

struct edge_map {            /* (from, to, control) -> edge index */
    uint64_t *keys;
    int *vals;
    size_t cap, count;
};

static int emap_get(struct edge_map *m, uint64_t key)
{
    if (!m->cap)
        return -1;
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->keys[h]) {
        if (m->keys[h] == key)
            return m->vals[h];
        h = (h + 1) & (m->cap - 1);
    }
    return -1;
}

static void emap_put(struct edge_map *m, uint64_t key, int val)
{
    if ((m->count + 1) * 2 > m->cap) {
        struct edge_map n = {0};
        n.cap = m->cap ? m->cap * 2 : 64;
        n.keys = xcalloc(n.cap, sizeof *n.keys);
        n.vals = xcalloc(n.cap, sizeof *n.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i])
                emap_put(&n, m->keys[i], m->vals[i]);
        free(m->keys);
        free(m->vals);
        *m = n;
    }
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->keys[h] && m->keys[h] != key)
        h = (h + 1) & (m->cap - 1);
    if (!m->keys[h])
        m->count++;
    m->keys[h] = key;
    m->vals[h] = val;
}

static const char *short_dtype(int dt)
{
    switch (dt) {
    case TF_DT_FLOAT: return "f32";
    case TF_DT_BFLOAT16: return "bf16";
    case TF_DT_HALF: return "f16";
    case TF_DT_INT32: return "i32";
    case TF_DT_INT64: return "i64";
    case TF_DT_INT8: return "i8";
    case TF_DT_UINT8: return "u8";
    case TF_DT_BOOL: return "bool";
    case TF_DT_INVALID: return NULL;
    default: return tf_dtype_name(dt);
    }
}

static void add_edge(lay_layout *L, struct edge_map *m, size_t *cap, int from, int to,
                     bool control, const char *dtype, const char *shape)
{
    if (from < 0 || to < 0 || from == to)
        return;
    uint64_t key = ((uint64_t)(unsigned)from << 32 | (unsigned)to) * 2 + (control ? 1 : 0) + 1;
    int k = emap_get(m, key);
    if (k >= 0) {
        struct lay_edge *x = &L->edges[k];
        x->count++;
        if (x->dtype && dtype && strcmp(x->dtype, dtype))
            x->dtype = NULL;
        if (x->shape && shape && strcmp(x->shape, shape))
            x->shape = NULL;
        return;
    }
    xgrow(&L->edges, cap, (size_t)L->n_edges + 1, sizeof *L->edges);
    struct lay_edge *x = &L->edges[L->n_edges];
    memset(x, 0, sizeof *x);
    x->from = from;
    x->to = to;
    x->control = control;
    x->count = 1;
    x->dtype = dtype;
    x->shape = shape;
    emap_put(m, key, L->n_edges++);
}

/* dtype/shape of output (src, port) as it flows after AMP. */
static void edge_facts(lay_layout *L, int src, int port, const char **dtype, const char **shape)
{
    const struct g_node *n = &L->g->nodes[src];
    *dtype = *shape = NULL;
    if (port < 0 || port >= n->n_outputs)
        return;
    int dt = n->out_dtype ? n->out_dtype[port] : TF_DT_INVALID;
    if (dt == TF_DT_FLOAT && L->plan && L->plan->nodes && L->plan->nodes[src].bf16 &&
        !L->plan->failed)
        dt = TF_DT_BFLOAT16;
    *dtype = short_dtype(dt);
    if (n->out_shape && n->out_shape[port].rank >= 0) {
        char buf[128];
        g_shape_format(&n->out_shape[port], buf, sizeof buf);
        *shape = strpool_intern(L->pool, buf, strlen(buf));
    }
}


/* ---- build -------------------------------------------------------------------- */

int lay_new_node(lay_layout *L, size_t *cap, enum lay_kind kind, const char *name)
{
    xgrow(&L->nodes, cap, (size_t)L->n_nodes + 1, sizeof *L->nodes);
    struct lay_node *n = &L->nodes[L->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->node = n->cast = n->group = n->replica_of = -1;
    n->name = name;
    n->time_ms = n->share = NAN;
    char buf[128];
    lay_short_name(name, kind == LAY_CAST ? 18 : 28, buf, sizeof buf);
    n->label = strpool_intern(L->pool, buf, strlen(buf));
    return L->n_nodes++;
}

static const char *base_name(const char *path)
{
    if (!path || !*path)
        return "model";
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

static void make_title(lay_layout *L, const struct lay_opts *o)
{
    const char *model = o->model_name ? o->model_name : base_name(L->g->path);
    const char *ver = L->plan && L->plan->tf_version ? L->plan->tf_version : NULL;
    if (L->rep) {
        const struct report *r = L->rep;
        snprintf(L->title, sizeof L->title, "%s  —  measured, %s backend%s%s", model,
                 r->backend[0] ? r->backend : "?", r->tf_version[0] ? ", TF lists " : "",
                 r->tf_version);
        snprintf(L->subtitle, sizeof L->subtitle,
                 "bf16 share %.1f%%  ·  AMX share %.1f%%  ·  %d cast(s)/iteration (%.1f%% of time)%s",
                 isnan(r->bf16_share) ? 0.0 : 100.0 * r->bf16_share,
                 isnan(r->amx_share) ? 0.0 : 100.0 * r->amx_share, r->cast_count,
                 isnan(r->cast_share) ? 0.0 : 100.0 * r->cast_share,
                 r->cpu_known && !r->cpu_has_amx ? "  ·  CPU without AMX" : "");
    } else if (L->plan) {
        snprintf(L->title, sizeof L->title, "%s  —  PREDICTION (painter, TF %s lists; nothing was run)",
                 model, ver ? ver : "newest");
        if (L->plan->failed)
            snprintf(L->subtitle, sizeof L->subtitle, "the pass fails, the graph stays fp32: %.300s",
                     L->plan->failure);
        else
            snprintf(L->subtitle, sizeof L->subtitle, "predicted bf16 share: %s", L->plan->summary);
    } else {
        snprintf(L->title, sizeof L->title, "%s", model);
        snprintf(L->subtitle, sizeof L->subtitle, "%d nodes (no precision information)",
                 L->g->n_nodes);
    }
    if (o->title)
        string_copy(L->title, o->title);
    if (L->collapse_depth > 0 || L->hidden) {
        size_t n = strlen(L->subtitle);
        if (L->collapse_depth > 0)
            n += (size_t)snprintf(L->subtitle + n, sizeof L->subtitle - n,
                                  "  ·  scopes collapsed at depth %d", L->collapse_depth);
        if (L->hidden && n < sizeof L->subtitle)
            snprintf(L->subtitle + n, sizeof L->subtitle - n, "  ·  %d node(s) outside the focus",
                     L->hidden);
    }
}

static void fill_group(lay_layout *L, struct lay_node *ln, struct lay_group *gr,
                       const struct annot *a)
{
    double t[LAY_PREC__COUNT] = {0};
    int c[LAY_PREC__COUNT] = {0}, n_amx = 0;
    gr->time_ms = NAN;
    for (int k = 0; k < gr->n_members; k++) {
        const struct annot *x = &a[gr->members[k]];
        c[x->prec]++;
        if (!isnan(x->time_ms)) {
            t[x->prec] += x->time_ms;
            gr->time_ms = isnan(gr->time_ms) ? x->time_ms : gr->time_ms + x->time_ms;
        }
        if (x->planned_bf16)
            ln->planned_bf16 = true;
        if (x->amx)
            n_amx++;
        if (x->prec == LAY_PREC_BF16)
            gr->n_bf16++;
        else if (x->prec == LAY_PREC_FP32)
            gr->n_fp32++;
        else
            gr->n_other++;
    }
    enum lay_prec best = LAY_PREC_NONE;
    for (int p = 1; p < LAY_PREC__COUNT; p++) {
        bool better = !isnan(gr->time_ms) && gr->time_ms > 0 ? t[p] > t[best] : c[p] > c[best];
        if (better && p != LAY_PREC_NOT_RUN)
            best = (enum lay_prec)p;
    }
    if (best == LAY_PREC_NONE && c[LAY_PREC_NOT_RUN])
        best = LAY_PREC_NOT_RUN;
    if (gr->n_bf16 && gr->n_fp32 && best != LAY_PREC_NOT_RUN)
        best = LAY_PREC_MIXED;
    ln->prec = best;
    ln->amx = n_amx * 2 > gr->n_bf16 && n_amx > 0;
    ln->time_ms = gr->time_ms;
    if (L->rep && !isnan(gr->time_ms)) {
        double tot = 0;
        for (int k = 0; k < L->rep->n_nodes; k++)
            tot += L->rep->nodes[k].time_ms;
        ln->share = tot > 0 ? gr->time_ms / tot : NAN;
    }
}

lay_layout *lay_new(const graph *g, const amp_plan *plan, const struct report *rep,
                    const struct lay_opts *opts, struct err *e)
{
    struct lay_opts defo;
    if (!opts) {
        lay_opts_init(&defo);
        opts = &defo;
    }
    if (!g)
        return err_set(e, ST_EINVAL, "no graph to lay out"), NULL;
    if (opts->collapse < LAY_COLLAPSE_AUTO || opts->radius < 0) {
        err_set(e, ST_EINVAL, "--collapse and --radius take a number >= 0");
        return NULL;
    }
    lay_layout *L = xcalloc(1, sizeof *L);
    L->g = g;
    L->plan = plan;
    L->rep = rep;
    L->measured = rep != NULL;
    L->pool = strpool_new();
    int n = g->n_nodes;
    L->node_of = xmalloc(sizeof *L->node_of * (size_t)(n ? n : 1));
    struct annot *a = xcalloc((size_t)(n ? n : 1), sizeof *a);
    bool *keep = xcalloc((size_t)(n ? n : 1), sizeof *keep);
    size_t cap_nodes = 0, cap_edges = 0, cap_groups = 0, cap_gbox = 0;
    int *gbox = NULL;
    annotate(L, a);
    if (focus_cut(L, opts, keep, e) != ST_OK) {
        free(a);
        free(keep);
        lay_free(L);
        return NULL;
    }
    int focus = opts->focus ? graph_find(g, opts->focus) : -1;
    int n_kept = 0;
    for (int i = 0; i < n; i++)
        n_kept += keep[i];
    /* which scope (prefix of its name) each node is drawn in: layout_scope.c */
    size_t *pl = xcalloc((size_t)(n ? n : 1), sizeof *pl);
    L->collapse_depth = lay_scope_assign(g, keep, opts, focus, n_kept, pl);

    /* the boxes */
    struct strmap scope_group;
    strmap_init(&scope_group);
    for (int i = 0; i < n; i++) {
        L->node_of[i] = -1;
        if (!keep[i])
            continue;
        if (pl[i]) {
            int gi = strmap_getn(&scope_group, g->nodes[i].name, pl[i], -1);
            if (gi < 0) {
                const char *scope = strpool_intern(L->pool, g->nodes[i].name, pl[i]);
                xgrow(&L->groups, &cap_groups, (size_t)L->n_groups + 1, sizeof *L->groups);
                gi = L->n_groups++;
                memset(&L->groups[gi], 0, sizeof L->groups[gi]);
                L->groups[gi].scope = scope;
                strmap_put(&scope_group, scope, gi);
                int ln = lay_new_node(L, &cap_nodes, LAY_GROUP, scope);
                L->nodes[ln].group = gi;
                L->nodes[ln].op = "scope";
                xgrow(&gbox, &cap_gbox, (size_t)gi + 1, sizeof *gbox);
                gbox[gi] = ln;
            }
            L->node_of[i] = -2 - gi; /* resolved below */
            continue;
        }
        int ln = lay_new_node(L, &cap_nodes, LAY_OP, g->nodes[i].name);
        struct lay_node *x = &L->nodes[ln];
        x->node = i;
        x->op = g->nodes[i].op;
        x->prec = a[i].prec;
        x->amx = a[i].amx;
        x->planned_bf16 = a[i].planned_bf16;
        x->graph_cast = !strcmp(g->nodes[i].op, "Cast");
        x->focus = i == focus;
        x->time_ms = a[i].time_ms;
        x->share = a[i].share;
        x->impl = a[i].impl;
        x->why = a[i].why;
        x->fused = a[i].fused;
        L->node_of[i] = ln;
    }
    /* group members */
    if (L->n_groups) {
        int *box = gbox;
        int *cnt = xcalloc((size_t)L->n_groups, sizeof *cnt);
        for (int i = 0; i < n; i++)
            if (L->node_of[i] <= -2)
                cnt[-2 - L->node_of[i]]++;
        for (int gi = 0; gi < L->n_groups; gi++) {
            L->groups[gi].members = xmalloc(sizeof(int) * (size_t)cnt[gi]);
            L->groups[gi].n_members = 0;
        }
        for (int i = 0; i < n; i++)
            if (L->node_of[i] <= -2) {
                int gi = -2 - L->node_of[i];
                L->groups[gi].members[L->groups[gi].n_members++] = i;
                L->node_of[i] = box[gi];
            }
        for (int gi = 0; gi < L->n_groups; gi++) {
            struct lay_node *ln = &L->nodes[box[gi]];
            fill_group(L, ln, &L->groups[gi], a);
            char buf[160];
            char sh[96];
            lay_short_name(L->groups[gi].scope, 28, sh, sizeof sh);
            snprintf(buf, sizeof buf, "%s/ (%d)", sh, L->groups[gi].n_members);
            ln->label = strpool_intern(L->pool, buf, strlen(buf));
        }
        free(cnt);
    }
    free(gbox);
    free(pl);
    strmap_done(&scope_group);

    /* planned casts: a small box on every edge they sit on */
    struct edge_map em = {0};
    long total_inputs = 0;
    long *off = xmalloc(sizeof *off * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        off[i] = total_inputs;
        total_inputs += g->nodes[i].n_inputs;
    }
    off[n] = total_inputs;
    int *via = xmalloc(sizeof *via * (size_t)(total_inputs ? total_inputs : 1));
    for (long k = 0; k < total_inputs; k++)
        via[k] = -1;
    bool *executed = NULL;
    if (plan && !plan->failed && !opts->no_casts && plan->n_casts) {
        executed = xcalloc((size_t)plan->n_casts, sizeof *executed);
        if (rep)
            for (long k = 0; k < rep->n_events; k++)
                if (rep->events[k].cast >= 0 && rep->events[k].cast < plan->n_casts)
                    executed[rep->events[k].cast] = true;
        for (int c = 0; c < plan->n_casts; c++) {
            const struct amp_cast *ac = &plan->casts[c];
            if (ac->src_node < 0 || ac->src_node >= n || L->node_of[ac->src_node] < 0)
                continue;
            int cn = -1;
            for (int j = 0; j < ac->n_dst; j++) {
                int d = ac->dst_nodes[j], k = ac->dst_inputs[j];
                if (d < 0 || d >= n || L->node_of[d] < 0 || k < 0 || k >= g->nodes[d].n_inputs ||
                    L->node_of[d] == L->node_of[ac->src_node])
                    continue;
                if (cn < 0) {
                    cn = lay_new_node(L, &cap_nodes, LAY_CAST, ac->name);
                    struct lay_node *x = &L->nodes[cn];
                    x->cast = c;
                    x->op = "Cast";
                    x->cast_to_bf16 = ac->to_bf16;
                    x->cast_executed = executed[c];
                    x->prec = ac->to_bf16 ? LAY_PREC_BF16 : LAY_PREC_FP32;
                    x->label = ac->to_bf16 ? "→bf16" : "→f32";
                    const char *dt, *sh;
                    edge_facts(L, ac->src_node, ac->src_port, &dt, &sh);
                    add_edge(L, &em, &cap_edges, L->node_of[ac->src_node], cn, false,
                             ac->to_bf16 ? "f32" : "bf16", sh);
                }
                via[off[d] + k] = cn;
            }
        }
    }

    /* edges, merged per drawn pair */
    for (int d = 0; d < n; d++) {
        if (L->node_of[d] < 0)
            continue;
        const struct g_node *nd = &g->nodes[d];
        for (int k = 0; k < nd->n_inputs; k++) {
            int s = nd->inputs[k].node;
            if (s < 0 || L->node_of[s] < 0)
                continue;
            bool control = nd->inputs[k].port < 0;
            if (control && !opts->show_control)
                continue;
            const char *dt = NULL, *sh = NULL;
            if (!control)
                edge_facts(L, s, nd->inputs[k].port, &dt, &sh);
            int c = via[off[d] + k];
            if (c >= 0)
                add_edge(L, &em, &cap_edges, c, L->node_of[d], false,
                         L->nodes[c].cast_to_bf16 ? "bf16" : "f32", sh);
            else
                add_edge(L, &em, &cap_edges, L->node_of[s], L->node_of[d], control, dt, sh);
        }
    }
    free(em.keys);
    free(em.vals);
    free(via);
    free(off);
    free(executed);
    free(a);
    free(keep);
    if (opts->edge_labels == 0 || (opts->edge_labels < 0 && L->n_edges > 400))
        for (int k = 0; k < L->n_edges; k++)
            L->edges[k].dtype = L->edges[k].shape = NULL;
    lay_replicate_fanout(L, &cap_nodes, &cap_edges);
    make_title(L, opts);
    if (lay_gv_build(L, e) != ST_OK) {
        lay_free(L);
        return NULL;
    }
    return L;
}

enum status lay_compute(lay_layout *L, struct err *e)
{
    if (L->laid_out)
        return ST_OK;
    enum status st = lay_gv_layout(L, e);
    if (st == ST_OK)
        L->laid_out = true;
    return st;
}

void lay_dump(const lay_layout *L, struct abuf *out)
{
    static const char *const kinds[] = {"op", "group", "cast"};
    abuf_printf(out, "layout %.1f %.1f nodes %d edges %d collapse %d\n", L->width, L->height,
                L->n_nodes, L->n_edges, L->collapse_depth);
    for (int i = 0; i < L->n_nodes; i++) {
        const struct lay_node *x = &L->nodes[i];
        abuf_printf(out, "node %d %s %s %s%s %.1f %.1f %.1f %.1f\n", i, kinds[x->kind], x->name,
                    lay_prec_name(x->prec), x->amx ? "+amx" : "", x->x, x->y, x->w, x->h);
    }
    for (int k = 0; k < L->n_edges; k++) {
        const struct lay_edge *x = &L->edges[k];
        abuf_printf(out, "edge %d %d%s npts %d\n", x->from, x->to, x->control ? " control" : "",
                    x->n_pts);
    }
}

void lay_free(lay_layout *L)
{
    if (!L)
        return;
    lay_gv_free(L);
    for (int k = 0; k < L->n_edges; k++)
        free(L->edges[k].pts);
    free(L->edges);
    for (int gi = 0; gi < L->n_groups; gi++)
        free(L->groups[gi].members);
    free(L->groups);
    free(L->nodes);
    free(L->node_of);
    strpool_free(L->pool);
    free(L);
}
