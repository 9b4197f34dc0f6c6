/* analyze/graph_topo.c: topological order of a graph (Kahn's algorithm,
 * iterative). Control edges count; edges into NextIteration... rather, edges
 * out of NextIteration into Merge (the TF1 loop back edges) are ignored, as
 * TensorFlow's own executor does. A cycle anywhere else is an error naming the
 * nodes on it.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"

static bool is_back_edge(const graph *g, int from)
{
    const char *op = g->nodes[from].op;
    return !strcmp(op, "NextIteration") || !strcmp(op, "RefNextIteration");
}

enum status graph_topo(const graph *g, int **order, struct err *e)
{
    int n = g->n_nodes;
    int *indeg = xcalloc((size_t)n + 1, sizeof *indeg);
    int *out = xmalloc(((size_t)n + 1) * sizeof *out);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int p = g->nodes[i].inputs[k].node;
            if (p >= 0 && !is_back_edge(g, p))
                indeg[i]++;
        }
    int head = 0, tail = 0;
    for (int i = 0; i < n; i++)
        if (!indeg[i])
            out[tail++] = i;
    while (head < tail) {
        int u = out[head++];
        if (is_back_edge(g, u))
            continue;
        const struct g_node *nu = &g->nodes[u];
        for (int k = 0; k < nu->n_outs; k++) {
            int v = nu->outs[k].node;
            if (--indeg[v] == 0)
                out[tail++] = v;
        }
    }
    if (tail < n) {
        /* Walk back from a stuck node along stuck inputs until a node repeats. */
        int start = -1;
        for (int i = 0; i < n && start < 0; i++)
            if (indeg[i] > 0)
                start = i;
        int *seen = xcalloc((size_t)n, sizeof *seen);
        int cur = start, step = 1;
        while (!seen[cur]) {
            seen[cur] = step++;
            int next = -1;
            const struct g_node *nc = &g->nodes[cur];
            for (int k = 0; k < nc->n_inputs && next < 0; k++) {
                int p = nc->inputs[k].node;
                if (p >= 0 && indeg[p] > 0 && !is_back_edge(g, p))
                    next = p;
            }
            if (next < 0)
                break;
            cur = next;
        }
        struct abuf b;
        abuf_init(&b);
        /* cur is on the cycle: list it going forward (reverse of the walk). */
        int c = cur, count = 0;
        do {
            abuf_printf(&b, "%s'%s' (%s)", count ? " <- " : "", g->nodes[c].name, g->nodes[c].op);
            int next = -1;
            const struct g_node *nc = &g->nodes[c];
            for (int k = 0; k < nc->n_inputs && next < 0; k++) {
                int p = nc->inputs[k].node;
                if (p >= 0 && indeg[p] > 0 && !is_back_edge(g, p))
                    next = p;
            }
            c = next;
            count++;
        } while (c >= 0 && c != cur && count < 12);
        if (c >= 0 && c != cur)
            abuf_puts(&b, " <- ...");
        enum status st = err_at(e, ST_EFORMAT, g->path, 0, 0,
                                "the graph has a cycle outside a loop frame: %s; only TF loops "
                                "(back edges from NextIteration) may cycle; the graph is broken",
                                b.data ? b.data : "?");
        abuf_done(&b);
        free(seen);
        free(indeg);
        free(out);
        *order = NULL;
        return st;
    }
    free(indeg);
    *order = out;
    return ST_OK;
}
