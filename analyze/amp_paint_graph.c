/* amp_paint_graph.c: the work graph the AMP painter and the grappler prepass
 * model run on: a mutable copy of the loaded graph's nodes (names, ops,
 * attributes borrowed from the graph) with data and control inputs as
 * indices, so rewrites can rewire, fold and add nodes without touching the
 * read-only struct graph.
 */
#include "analyze/amp_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int wg_add(struct wgraph *w, const char *name, const char *op, const char *device, int gi)
{
    xgrow(&w->n, &w->cap, (size_t)w->count + 1, sizeof *w->n);
    struct wnode *n = &w->n[w->count];
    memset(n, 0, sizeof *n);
    n->name = name;
    n->op = op;
    n->device = device ? device : "";
    n->gi = gi;
    n->alive = true;
    return w->count++;
}

void wg_free(struct wgraph *w)
{
    for (int i = 0; i < w->count; i++) {
        free(w->n[i].in_n);
        free(w->n[i].in_p);
        free(w->n[i].ctl);
        free(w->n[i].own_attrs);
    }
    free(w->n);
    memset(w, 0, sizeof *w);
}

const struct g_attr *wn_attr(const struct wnode *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name))
            return &n->attrs[i];
    return NULL;
}

void wg_fanouts(const struct wgraph *w, struct wfan *f)
{
    int n = w->count;
    f->start = xcalloc((size_t)n + 1, sizeof *f->start);
    for (int i = 0; i < n; i++) {
        const struct wnode *c = &w->n[i];
        if (!c->alive)
            continue;
        for (int k = 0; k < c->n_in; k++)
            if (c->in_n[k] >= 0)
                f->start[c->in_n[k] + 1]++;
        for (int k = 0; k < c->n_ctl; k++)
            if (c->ctl[k] >= 0)
                f->start[c->ctl[k] + 1]++;
    }
    for (int i = 0; i < n; i++)
        f->start[i + 1] += f->start[i];
    int total = f->start[n];
    f->cons = xmalloc(((size_t)total + 1) * sizeof *f->cons);
    f->input = xmalloc(((size_t)total + 1) * sizeof *f->input);
    f->port = xmalloc(((size_t)total + 1) * sizeof *f->port);
    int *fill = xcalloc((size_t)n + 1, sizeof *fill);
    for (int i = 0; i < n; i++) {
        const struct wnode *c = &w->n[i];
        if (!c->alive)
            continue;
        for (int k = 0; k < c->n_in; k++) {
            int s = c->in_n[k];
            if (s < 0)
                continue;
            int at = f->start[s] + fill[s]++;
            f->cons[at] = i;
            f->input[at] = k;
            f->port[at] = c->in_p[k];
        }
        for (int k = 0; k < c->n_ctl; k++) {
            int s = c->ctl[k];
            if (s < 0)
                continue;
            int at = f->start[s] + fill[s]++;
            f->cons[at] = i;
            f->input[at] = -1;
            f->port[at] = -1;
        }
    }
    free(fill);
}

void wfan_free(struct wfan *f)
{
    free(f->start);
    free(f->cons);
    free(f->input);
    free(f->port);
    memset(f, 0, sizeof *f);
}

void amp_plan_note(amp_plan *p, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (int i = 0; i < p->n_notes; i++)
        if (!strcmp(p->notes[i], buf))
            return;
    p->notes = xrealloc(p->notes, (size_t)(p->n_notes + 1) * sizeof *p->notes);
    p->notes[p->n_notes++] = strpool_intern(p->pool, buf, strlen(buf));
}
