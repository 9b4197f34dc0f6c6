/* analyze/shapes.c: graph_infer(): output dtypes and shapes of every node,
 * in topological order, for the ops common in CNNs, MLPs and transformers.
 * Small integer tensors (Const, Shape, and what is computed from them:
 * StridedSlice, Pack, Concat, Mul, Prod, ...) are folded to values so that
 * Reshape/Transpose/Pad/ConcatV2 axis/Mean axes etc. get exact shapes.
 * Unknown stays unknown (-1); `--input NAME:SHAPE` binds and `--batch N`
 * fill the model's inputs first. The rules live in shapes_ops.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"
#include "analyze/shapes_int.h"

static const struct g_shape unknown_shape = {-1, {0}};

const struct g_shape *si_in_shape(const struct sictx *c, const struct g_node *n, int k)
{
    if (k < 0 || k >= n->n_inputs)
        return &unknown_shape;
    const struct g_input *in = &n->inputs[k];
    if (in->node < 0 || in->port < 0)
        return &unknown_shape;
    const struct g_node *p = &c->g->nodes[in->node];
    if (!p->out_shape || in->port >= p->n_outputs)
        return &unknown_shape;
    return &p->out_shape[in->port];
}

int si_in_dtype(const struct sictx *c, const struct g_node *n, int k)
{
    if (k < 0 || k >= n->n_inputs)
        return TF_DT_INVALID;
    const struct g_input *in = &n->inputs[k];
    if (in->node < 0 || in->port < 0)
        return TF_DT_INVALID;
    const struct g_node *p = &c->g->nodes[in->node];
    if (!p->out_dtype || in->port >= p->n_outputs)
        return TF_DT_INVALID;
    return p->out_dtype[in->port];
}

bool si_in_value(const struct sictx *c, const struct g_node *n, int k, const int64_t **v, int *nv)
{
    if (k < 0 || k >= n->n_inputs)
        return false;
    const struct g_input *in = &n->inputs[k];
    if (in->node < 0 || in->port != 0)
        return false;
    const struct sival *sv = &c->vals[in->node];
    if (sv->n < 0)
        return false;
    *v = sv->v;
    *nv = sv->n;
    return true;
}

void si_set_value(struct sictx *c, int node, const int64_t *v, int n)
{
    if (n < 0 || n > SI_MAX_VALS)
        return;
    struct sival *sv = &c->vals[node];
    sv->n = n;
    sv->v = arena_alloc_raw(c->arena, (size_t)(n ? n : 1) * sizeof *sv->v);
    for (int i = 0; i < n; i++)
        sv->v[i] = v[i];
}

/* Placeholder-like nodes a bind may target: by node name, endpoint key, or "name:0". */
static int find_bind_target(const graph *g, const char *name)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (!strcmp(g->inputs[i].name, name) && g->inputs[i].node >= 0)
            return g->inputs[i].node;
    int id = graph_find(g, name);
    if (id >= 0)
        return id;
    size_t n = strlen(name);
    if (n > 2 && !strcmp(name + n - 2, ":0"))
        return strmap_getn(&g->by_name, name, n - 2, -1);
    return -1;
}

static enum status apply_binds(graph *g, struct sictx *c, const struct g_input_bind *binds,
                               int n_binds, int batch, struct err *e)
{
    for (int i = 0; i < g->n_nodes; i++)
        c->bound[i].rank = -2; /* not bound */
    if (batch > 0) {
        for (int k = 0; k < g->n_inputs; k++) {
            int id = g->inputs[k].node;
            if (id < 0)
                continue;
            struct g_shape s = c->bound[id].rank >= -1 ? c->bound[id] : si_placeholder_shape(g, id);
            if (s.rank < 0 && g->inputs[k].shape.rank >= 0)
                s = g->inputs[k].shape;
            if (s.rank > 0 && s.dim[0] < 0) {
                s.dim[0] = batch;
                c->bound[id] = s;
            }
        }
    }
    for (int b = 0; b < n_binds; b++) {
        const char *name = binds[b].name ? binds[b].name : "";
        int id = find_bind_target(g, name);
        if (id < 0) {
            struct abuf a;
            abuf_init(&a);
            for (int k = 0; k < g->n_inputs && k < 12; k++)
                abuf_printf(&a, "%s%s", k ? ", " : "", g->inputs[k].name);
            enum status st = err_set(e, ST_EINVAL,
                                     "--input %s: the model has no input or node named '%s' "
                                     "(inputs: %s)",
                                     name, name, a.data ? a.data : "none");
            abuf_done(&a);
            return st;
        }
        struct g_shape decl = si_placeholder_shape(g, id);
        const struct g_shape *bs = &binds[b].shape;
        if (decl.rank >= 0 && bs->rank != decl.rank) {
            char d[96];
            g_shape_format(&decl, d, sizeof d);
            return err_set(e, ST_EINVAL,
                           "--input %s: '%s' has rank %d (%s) but the bind gives %d dimensions",
                           name, g->nodes[id].name, decl.rank, d, bs->rank);
        }
        for (int k = 0; decl.rank >= 0 && k < decl.rank; k++)
            if (decl.dim[k] >= 0 && bs->dim[k] >= 0 && decl.dim[k] != bs->dim[k]) {
                char d[96];
                g_shape_format(&decl, d, sizeof d);
                return err_set(e, ST_EINVAL,
                               "--input %s: dimension %d of '%s' is fixed at %lld (%s), the "
                               "bind says %lld",
                               name, k, g->nodes[id].name, (long long)decl.dim[k], d,
                               (long long)bs->dim[k]);
            }
        struct g_shape s = *bs;
        for (int k = 0; k < s.rank; k++)
            if (s.dim[k] < 0 && decl.rank == s.rank && decl.dim[k] >= 0)
                s.dim[k] = decl.dim[k];
            else if (s.dim[k] < 0 && k == 0 && batch > 0)
                s.dim[k] = batch;
        c->bound[id] = s;
    }
    return ST_OK;
}

enum status graph_infer(graph *g, const struct g_input_bind *binds, int n_binds, int batch,
                        struct err *e)
{
    int *order = NULL;
    struct err te;
    /* A cycle is reported by graph_topo(); here it only means "creation order". */
    if (graph_topo(g, &order, &te) != ST_OK) {
        order = xmalloc(((size_t)g->n_nodes + 1) * sizeof *order);
        for (int i = 0; i < g->n_nodes; i++)
            order[i] = i;
    }
    struct sictx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    struct arena va;
    memset(&va, 0, sizeof va);
    c.arena = &va;
    c.vals = xmalloc(((size_t)g->n_nodes + 1) * sizeof *c.vals);
    c.bound = xmalloc(((size_t)g->n_nodes + 1) * sizeof *c.bound);
    for (int i = 0; i < g->n_nodes; i++)
        c.vals[i].n = -1;
    enum status st = apply_binds(g, &c, binds, n_binds, batch, e);
    if (st)
        goto out;
    /* Output counts: what the op defines, at least what consumers read. */
    int *maxport = xcalloc((size_t)g->n_nodes + 1, sizeof *maxport);
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            const struct g_input *in = &g->nodes[i].inputs[k];
            if (in->node >= 0 && in->port + 1 > maxport[in->node])
                maxport[in->node] = in->port + 1;
        }
    for (int i = 0; i < g->n_nodes; i++) {
        struct g_node *n = &g->nodes[i];
        int no = si_num_outputs(n);
        if (no < maxport[i])
            no = maxport[i];
        if (no > G_MAX_PORTS)
            no = G_MAX_PORTS;
        if (!n->out_shape || n->n_outputs < no) {
            n->out_dtype = g_alloc(g, (size_t)(no ? no : 1) * sizeof *n->out_dtype);
            n->out_shape = g_alloc(g, (size_t)(no ? no : 1) * sizeof *n->out_shape);
        }
        n->n_outputs = no;
        for (int k = 0; k < no; k++) {
            n->out_dtype[k] = TF_DT_INVALID;
            n->out_shape[k].rank = -1;
        }
    }
    free(maxport);
    for (int oi = 0; oi < g->n_nodes; oi++) {
        int i = order[oi];
        struct g_node *n = &g->nodes[i];
        si_infer_node(&c, i);
        /* TF1 graphs often carry _output_shapes: use them where we know nothing. */
        const struct g_attr *os = g_node_attr(n, "_output_shapes");
        if (os && os->kind == G_ATTR_LIST && os->list_shape)
            for (int k = 0; k < n->n_outputs && k < os->n_list; k++)
                if (n->out_shape[k].rank < 0 && c.bound[i].rank < -1)
                    n->out_shape[k] = os->list_shape[k];
    }
    /* Inlined call shells show what their bodies compute (inner calls first). */
    struct graph_priv *gp = gpriv(g);
    for (int r = gp->n_callret - 1; r >= 0; r--) {
        const struct g_callret *cr = &gp->callret[r];
        struct g_node *cn = &g->nodes[cr->call];
        const struct g_node *src = &g->nodes[cr->node];
        if (cr->port < cn->n_outputs && cr->rport >= 0 && cr->rport < src->n_outputs) {
            cn->out_shape[cr->port] = src->out_shape[cr->rport];
            if (cn->out_dtype[cr->port] == TF_DT_INVALID)
                cn->out_dtype[cr->port] = src->out_dtype[cr->rport];
        }
    }
out:
    arena_free(&va);
    free(order);
    free(c.vals);
    free(c.bound);
    return st;
}
