/* amp_paint_tl.c: the painter's TensorList rules: clusters of float32
 * TensorList ops joined by their handles (denied when they cross a graph or
 * function boundary or hold an unprocessed node), the ephemeral writer ->
 * reader float32 edges, and the colour match that paints a cluster alike.
 */
#include "analyze/amp_paint_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- TensorList clusters -------------------------------------------------- */

static int tl_fp32_vtx(const struct pctx *c, int node)
{
    if (!strstr(c->w.n[node].op, "TensorList"))
        return -1;
    for (int i = c->vfirst[node]; i < c->vfirst[node] + c->vcount[node]; i++)
        if (c->v[i].attr && c->v[i].index < 0 && c->v[i].dtype == TF_DT_FLOAT)
            return i;
    return -1;
}

static bool is_source_sink(const char *op)
{
    static const char *const ops[] = {"_Arg", "_Retval", "OptionalFromValue", "OptionalGetValue",
                                      "PartitionedCall", "Placeholder", "StatefulPartitionedCall"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

static bool is_tl_reader(const char *op)
{
    static const char *const ops[] = {"TensorListConcat", "TensorListConcatV2", "TensorListGather",
                                      "TensorListGetItem", "TensorListPopBack", "TensorListStack"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

static bool is_tl_writer(const char *op)
{
    static const char *const ops[] = {
        "TensorListFromTensor", "TensorListPushBack",   "TensorListPushBackBatch",
        "TensorListScatter",    "TensorListScatterV2", "TensorListScatterIntoExistingList",
        "TensorListSetItem",    "TensorListSplit"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

struct tlarg {
    int *nodes;
    int n;
    size_t cap;
    bool *in;         /* per work node */
    int root_fp32;
    int reader_fp32;
    int *edges;       /* pairs */
    int n_edges;
    size_t ecap;
};

static void tl_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)src, (void)root;
    struct tlarg *a = arg;
    int node = c->v[idx].node;
    if (tl_fp32_vtx(c, node) >= 0) {
        if (!a->in[node]) {
            a->in[node] = true;
            pc_vpush(&a->nodes, &a->n, &a->cap, node);
        }
        if (!c->process[node]) {
            c->v[a->root_fp32].deny = true;
            c->v[a->root_fp32].tl_deny = true;
        }
    } else if (is_source_sink(c->w.n[node].op)) {
        c->v[a->root_fp32].deny = true;
        c->v[a->root_fp32].tl_deny = true;
    }
}

static bool tl_w_enter(struct pctx *c, int idx, int root, void *arg)
{
    (void)root, (void)arg;
    return c->process[c->v[idx].node];
}

static void tl_w_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)src, (void)root;
    struct tlarg *a = arg;
    int node = c->v[idx].node;
    if (is_tl_writer(c->w.n[node].op)) {
        int w = tl_fp32_vtx(c, node);
        if (w >= 0) {
            xgrow(&a->edges, &a->ecap, (size_t)a->n_edges * 2 + 2, sizeof *a->edges);
            a->edges[2 * a->n_edges] = w;
            a->edges[2 * a->n_edges + 1] = a->reader_fp32;
            a->n_edges++;
        }
    }
}

void pc_tensor_lists(struct pctx *c)
{
    bool *taken = xcalloc((size_t)c->w.count + 1, sizeof(bool));
    struct tlarg e = {0};
    for (int r = 0; r < c->nv; r++) {
        int node = c->v[r].node;
        if (!c->process[node] || c->v[r].attr || c->v[r].fixed != TF_DT_VARIANT || taken[node])
            continue;
        int rf = tl_fp32_vtx(c, node);
        if (rf < 0)
            continue;
        struct tlarg a = {0};
        a.in = xcalloc((size_t)c->w.count + 1, sizeof(bool));
        a.root_fp32 = rf;
        a.in[node] = true;
        pc_vpush(&a.nodes, &a.n, &a.cap, node);
        pc_dfs(c, r, DIR_IN | DIR_OUT, NULL, tl_pre, &a);
        for (int k = 0; k < a.n; k++)
            taken[a.nodes[k]] = true;
        free(a.in);
        c->clusters = xrealloc(c->clusters, (size_t)(c->n_clusters + 1) * sizeof *c->clusters);
        c->cluster_n = xrealloc(c->cluster_n, (size_t)(c->n_clusters + 1) * sizeof *c->cluster_n);
        c->clusters[c->n_clusters] = a.nodes;
        c->cluster_n[c->n_clusters++] = a.n;
        amp_plan_note(c->p, "TensorList cluster of %d node(s) around %s", a.n, c->w.n[node].name);
        /* ephemeral fp32 edges writer -> reader */
        for (int k = 0; k < a.n; k++) {
            int rn = a.nodes[k];
            if (!is_tl_reader(c->w.n[rn].op))
                continue;
            int rv = -1;
            for (int i = c->vfirst[rn]; i < c->vfirst[rn] + c->vcount[rn]; i++)
                if (!c->v[i].attr && c->v[i].fixed == TF_DT_VARIANT)
                    rv = i;
            if (rv < 0)
                continue;
            e.reader_fp32 = tl_fp32_vtx(c, rn);
            pc_dfs(c, rv, DIR_IN, tl_w_enter, tl_w_pre, &e);
        }
    }
    for (int k = 0; k < e.n_edges; k++)
        pc_add_edge(c, e.edges[2 * k], e.edges[2 * k + 1]);
    if (e.n_edges)
        for (int i = 0; i < c->nv; i++) {
            pc_sort_dedup(c->v[i].fin, &c->v[i].nfin);
            pc_sort_dedup(c->v[i].fout, &c->v[i].nfout);
        }
    free(e.edges);
    free(taken);
}

void pc_tl_color_match(struct pctx *c)
{
    for (int k = 0; k < c->n_clusters; k++) {
        bool any_deny = false, any_allow = false;
        for (int i = 0; i < c->cluster_n[k]; i++) {
            int v = tl_fp32_vtx(c, c->clusters[k][i]);
            if (v < 0)
                continue;
            if (c->v[v].deny) {
                any_deny = true;
                break;
            }
            if (c->v[v].allow)
                any_allow = true;
        }
        if (!any_deny && !any_allow)
            continue;
        for (int i = 0; i < c->cluster_n[k]; i++) {
            int v = tl_fp32_vtx(c, c->clusters[k][i]);
            if (v < 0)
                continue;
            if (any_deny) {
                c->v[v].allow = false;
                if (!c->v[v].deny)
                    c->v[v].tl_deny = true;
                c->v[v].deny = true;
            } else if (!c->v[v].allow) {
                c->v[v].allow = true;
                c->v[v].pass = 7;
            }
        }
    }
}

