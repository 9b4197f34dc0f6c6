/* analyze/shapes.c: placeholder shape inference (Placeholders only) until the real one lands. */
#include "analyze/graph_int.h"

enum status graph_infer(graph *g, const struct g_input_bind *binds, int n_binds, int batch,
                        struct err *e)
{
    (void)binds; (void)n_binds; (void)batch; (void)e;
    for (int i = 0; i < g->n_nodes; i++) {
        struct g_node *n = &g->nodes[i];
        n->n_outputs = 1;
        n->out_dtype = g_alloc(g, sizeof *n->out_dtype);
        n->out_shape = g_alloc(g, sizeof *n->out_shape);
        n->out_shape->rank = -1;
        const struct g_attr *a = g_node_attr(n, "T");
        if (!a) a = g_node_attr(n, "dtype");
        if (a && a->kind == G_ATTR_TYPE) n->out_dtype[0] = a->type;
    }
    return ST_OK;
}
