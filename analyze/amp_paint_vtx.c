/* amp_paint_vtx.c: the graph the AMP pass works on. One vertex per (node,
 * type attribute) -- list attrs one per element -- found from the op's
 * registered argument specs (opdefs), and edges from each producer's output
 * type attr to the consumer's input type attr, as TensorFlow's
 * GraphTypeTopologyView builds them (tf-amp.md section 1.3).
 */
#include "analyze/amp_paint_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- building the vertices ------------------------------------------------ */

static int dtype_of(const struct wnode *n, const char *base, int index)
{
    const struct g_attr *a = wn_attr(n, base);
    if (!a)
        return TF_DT_INVALID;
    if (index < 0)
        return a->kind == G_ATTR_TYPE ? a->type : TF_DT_INVALID;
    if (a->kind != G_ATTR_LIST || !a->list_type || index >= a->n_list)
        return TF_DT_INVALID;
    return a->list_type[index];
}

static int find_or_add_vtx(struct pctx *c, int node, const char *base, int index, int fixed)
{
    for (int i = c->vfirst[node]; i < c->vfirst[node] + c->vcount[node]; i++) {
        const struct vtx *x = &c->v[i];
        if (base ? (x->base && !strcmp(x->base, base) && x->index == index)
                 : (!x->base && x->fixed == fixed))
            return i;
    }
    xgrow(&c->v, &c->vcap, (size_t)c->nv + 1, sizeof *c->v);
    struct vtx *x = &c->v[c->nv];
    memset(x, 0, sizeof *x);
    x->node = node;
    x->index = index;
    x->cause = x->via = -1;
    if (base) {
        x->base = strpool_intern(c->p->pool, base, strlen(base));
        if (index >= 0) {
            char buf[96];
            snprintf(buf, sizeof buf, "%s[%d]", base, index);
            x->attr = strpool_intern(c->p->pool, buf, strlen(buf));
        } else {
            x->attr = x->base;
        }
        x->dtype = dtype_of(&c->w.n[node], base, index);
    } else {
        x->fixed = fixed;
        x->dtype = fixed;
    }
    c->vcount[node]++;
    return c->nv++;
}

static int list_len(const struct wnode *n, const char *attr)
{
    const struct g_attr *a = wn_attr(n, attr);
    return a && a->kind == G_ATTR_LIST ? a->n_list : 0;
}

static int number_of(const struct wnode *n, const char *attr)
{
    const struct g_attr *a = wn_attr(n, attr);
    if (!a || a->kind != G_ATTR_I)
        return 1;
    return a->i < 0 ? 0 : a->i > 100000 ? 100000 : (int)a->i;
}

/* Port -> vertex maps for one argument list; returns the number of ports. */
static int map_args(struct pctx *c, int node, const struct amp_argspec *args, int nargs,
                    int **out)
{
    const struct wnode *n = &c->w.n[node];
    int cnt = 0;
    size_t cap = 0;
    int *v = NULL;
    for (int a = 0; a < nargs; a++) {
        const struct amp_argspec *s = &args[a];
        if (s->kind == AMP_ARG_LIST) {
            int k = list_len(n, s->attr);
            for (int i = 0; i < k; i++) {
                xgrow(&v, &cap, (size_t)cnt + 1, sizeof *v);
                v[cnt++] = find_or_add_vtx(c, node, s->attr, i, 0);
            }
            continue;
        }
        int rep = s->number[0] ? number_of(n, s->number) : 1;
        for (int i = 0; i < rep; i++) {
            xgrow(&v, &cap, (size_t)cnt + 1, sizeof *v);
            v[cnt++] = s->kind == AMP_ARG_ATTR ? find_or_add_vtx(c, node, s->attr, -1, 0)
                                               : find_or_add_vtx(c, node, NULL, -1, s->fixed);
        }
    }
    *out = v;
    return cnt;
}

void pc_build_vertices(struct pctx *c)
{
    int n = c->w.count;
    c->vfirst = xcalloc((size_t)n + 1, sizeof *c->vfirst);
    c->vcount = xcalloc((size_t)n + 1, sizeof *c->vcount);
    c->inv = xcalloc((size_t)n + 1, sizeof *c->inv);
    c->outv = xcalloc((size_t)n + 1, sizeof *c->outv);
    c->n_inv = xcalloc((size_t)n + 1, sizeof *c->n_inv);
    c->n_outv = xcalloc((size_t)n + 1, sizeof *c->n_outv);
    c->def = xcalloc((size_t)n + 1, sizeof *c->def);
    c->opaque = xcalloc((size_t)n + 1, sizeof *c->opaque);
    for (int i = 0; i < n; i++) {
        struct wnode *wn = &c->w.n[i];
        c->vfirst[i] = c->nv;
        if (!wn->alive)
            continue;
        const struct amp_opdef *d = amp_opdef_find(wn->op);
        c->def[i] = d;
        if (d) {
            c->n_inv[i] = map_args(c, i, d->in, d->n_in, &c->inv[i]);
            c->n_outv[i] = map_args(c, i, d->out, d->n_out, &c->outv[i]);
            /* type attrs not tied to a port (e.g. StackV2's elem_type) */
            for (int a = 0; a < d->n_attrs; a++) {
                if (d->attrs[a].is_list) {
                    int k = list_len(wn, d->attrs[a].name);
                    for (int j = 0; j < k; j++)
                        find_or_add_vtx(c, i, d->attrs[a].name, j, 0);
                } else if (wn_attr(wn, d->attrs[a].name)) {
                    find_or_add_vtx(c, i, d->attrs[a].name, -1, 0);
                }
            }
            if (c->n_inv[i] != wn->n_in) {
                amp_plan_note(c->p,
                              "%s node %s has %d data input(s) but its OpDef expects %d; "
                              "TensorFlow would reject the graph (painted as an opaque node)",
                              wn->op, wn->name, wn->n_in, c->n_inv[i]);
                c->opaque[i] = true;
            }
        } else {
            c->opaque[i] = true;
            amp_plan_note(c->p,
                          "op %s (node %s) is not in ampscope's OpDef table: painted as on no "
                          "list with opaque ports",
                          wn->op, wn->name);
        }
        if (c->opaque[i]) {
            /* every type attr of the node, ports on one opaque vertex */
            for (int a = 0; a < wn->n_attrs; a++) {
                const struct g_attr *ga = &wn->attrs[a];
                if (ga->name[0] == '_')
                    continue;
                if (ga->kind == G_ATTR_TYPE)
                    find_or_add_vtx(c, i, ga->name, -1, 0);
            }
            int op = find_or_add_vtx(c, i, NULL, -1, TF_DT_INVALID);
            free(c->inv[i]);
            free(c->outv[i]);
            c->inv[i] = xmalloc(((size_t)wn->n_in + 1) * sizeof(int));
            for (int k = 0; k < wn->n_in; k++)
                c->inv[i][k] = op;
            c->n_inv[i] = wn->n_in;
            int maxp = 0;
            for (int k = c->fan.start[i]; k < c->fan.start[i + 1]; k++)
                if (c->fan.port[k] + 1 > maxp)
                    maxp = c->fan.port[k] + 1;
            c->outv[i] = xmalloc(((size_t)maxp + 1) * sizeof(int));
            for (int k = 0; k < maxp; k++)
                c->outv[i][k] = op;
            c->n_outv[i] = maxp;
        }
    }
    c->vfirst[n] = c->nv;
}

void pc_vpush(int **arr, int *n, size_t *cap, int val)
{
    xgrow(arr, cap, (size_t)*n + 1, sizeof **arr);
    (*arr)[(*n)++] = val;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void pc_sort_dedup(int *a, int *n)
{
    if (*n < 2)
        return;
    qsort(a, (size_t)*n, sizeof *a, cmp_int);
    int k = 1;
    for (int i = 1; i < *n; i++)
        if (a[i] != a[k - 1])
            a[k++] = a[i];
    *n = k;
}

void pc_add_edge(struct pctx *c, int s, int d)
{
    pc_vpush(&c->v[d].fin, &c->v[d].nfin, &c->v[d].capin, s);
    pc_vpush(&c->v[s].fout, &c->v[s].nfout, &c->v[s].capout, d);
}

void pc_build_edges(struct pctx *c)
{
    for (int i = 0; i < c->w.count; i++) {
        const struct wnode *wn = &c->w.n[i];
        if (!wn->alive)
            continue;
        for (int k = 0; k < wn->n_in && k < c->n_inv[i]; k++) {
            int s = wn->in_n[k], port = wn->in_p[k];
            if (s < 0 || !c->w.n[s].alive || port < 0 || port >= c->n_outv[s])
                continue;
            pc_add_edge(c, c->outv[s][port], c->inv[i][k]);
        }
    }
    for (int i = 0; i < c->nv; i++) {
        pc_sort_dedup(c->v[i].fin, &c->v[i].nfin);
        pc_sort_dedup(c->v[i].fout, &c->v[i].nfout);
    }
}
