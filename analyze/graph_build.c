/* analyze/graph_build.c: turns an unpacked tensorflow.GraphDef into the graph
 * model. Copies names/ops/attrs into the graph's pool and arena, inlines the
 * bodies of functions called by StatefulPartitionedCall/PartitionedCall as
 * nested nodes "<call>/<body node>" (bounded depth, no recursion), resolves
 * every input string to (node, port) - through function arguments and `ret`
 * maps - and fills the consumer lists and edge counts.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"
#include "analyze/proto/function.pb-c.h"
#include "analyze/proto/tensor.pb-c.h"

bool g_tensorproto_value(const void *proto, int dtype, int64_t i, double *out);

#define ABSURD_DIM (INT64_C(1) << 48)

struct inst {                     /* one inlined call */
    int call;                     /* call node index */
    int parent;                   /* instance the call node belongs to, -1 at top */
    int fn;                       /* index into the library */
    const Tensorflow__FunctionDef *fd;
    int depth;
};

struct bld {
    graph *g;
    const Tensorflow__GraphDef *gd;
    struct err *e;
    struct strmap fnmap;          /* function name -> library index */
    const Tensorflow__NodeDef **nd;
    int *node_inst;               /* instance a node belongs to (-1 top) */
    int *call_inst;               /* instance inlined from this call node (-1) */
    size_t cap;
    struct inst *insts;
    size_t n_insts, insts_cap;
    struct abuf tmp;
};

static const char *intern_bytes(graph *g, const uint8_t *d, size_t n)
{
    return n && d ? strpool_intern(g->pool, (const char *)d, n) : g_intern(g, "");
}

/* ---- attributes ------------------------------------------------------------ */

static enum status shape_from_proto(struct bld *b, const Tensorflow__TensorShapeProto *sp,
                                    struct g_shape *out, const char *node, const char *what)
{
    memset(out, 0, sizeof *out);
    if (!sp) {
        out->rank = 0;
        return ST_OK;
    }
    if (sp->unknown_rank) {
        out->rank = -1;
        return ST_OK;
    }
    for (size_t i = 0; i < sp->n_dim; i++) {
        int64_t d = sp->dim[i]->size;
        if (d < -1 || d > ABSURD_DIM)
            return err_at(b->e, ST_EFORMAT, b->g->path, 0, 0,
                          "node '%s', %s: dimension %zu is %lld, which no real tensor has "
                          "(sizes are -1 for unknown or 0..2^48); the file is corrupt or was "
                          "written by a broken tool",
                          node, what, i, (long long)d);
    }
    if (sp->n_dim > G_MAX_RANK) {
        out->rank = -1; /* more dims than the model keeps: treated as unknown */
        return ST_OK;
    }
    out->rank = (int)sp->n_dim;
    for (size_t i = 0; i < sp->n_dim; i++)
        out->dim[i] = sp->dim[i]->size;
    return ST_OK;
}

static enum status tensor_from_proto(struct bld *b, const Tensorflow__TensorProto *tp,
                                     struct g_tensor *t, const char *node, const char *attr)
{
    char what[128];
    snprintf(what, sizeof what, "attr '%s' tensor shape", attr);
    t->dtype = (int)tp->dtype;
    t->proto = tp;
    enum status st = shape_from_proto(b, tp->tensor_shape, &t->shape, node, what);
    if (st)
        return st;
    t->n_elems = g_shape_elems(&t->shape);
    int es = tf_dtype_size(t->dtype);
    if (tp->tensor_content.len && es && t->n_elems >= 0 &&
        ((uint64_t)t->n_elems > SIZE_MAX / (uint64_t)es ||
         (size_t)t->n_elems * (size_t)es != tp->tensor_content.len)) {
        char sh[96];
        g_shape_format(&t->shape, sh, sizeof sh);
        return err_at(b->e, ST_EFORMAT, b->g->path, 0, 0,
                      "node '%s', attr '%s': a %s %s tensor needs %lld bytes of tensor_content "
                      "but the file holds %zu; the file is corrupt or was cut short",
                      node, attr, sh, tf_dtype_name(t->dtype),
                      (long long)((uint64_t)t->n_elems * (uint64_t)es > (uint64_t)INT64_MAX
                                      ? -1
                                      : t->n_elems * es),
                      tp->tensor_content.len);
    }
    if (t->n_elems >= 0 && t->n_elems <= G_TENSOR_KEEP) {
        int n = (int)t->n_elems;
        double *v = n ? g_alloc(b->g, (size_t)n * sizeof *v) : NULL;
        int k = 0;
        for (; k < n; k++)
            if (!g_tensorproto_value(tp, t->dtype, k, &v[k]))
                break;
        if (k == n) {
            t->vals = v;
            t->n_vals = n;
        }
    }
    return ST_OK;
}

static enum status attr_from_proto(struct bld *b, struct g_attr *a, const char *key,
                                   const Tensorflow__AttrValue *v, const char *node)
{
    graph *g = b->g;
    a->name = g_intern(g, key);
    a->s = g_intern(g, "");
    if (!v)
        return ST_OK;
    switch (v->value_case) {
    case TENSORFLOW__ATTR_VALUE__VALUE_S:
        a->kind = G_ATTR_S;
        a->s = intern_bytes(g, v->s.data, v->s.len);
        break;
    case TENSORFLOW__ATTR_VALUE__VALUE_I: a->kind = G_ATTR_I; a->i = v->i; break;
    case TENSORFLOW__ATTR_VALUE__VALUE_F: a->kind = G_ATTR_F; a->f = v->f; break;
    case TENSORFLOW__ATTR_VALUE__VALUE_B: a->kind = G_ATTR_B; a->b = v->b; break;
    case TENSORFLOW__ATTR_VALUE__VALUE_TYPE: a->kind = G_ATTR_TYPE; a->type = (int)v->type; break;
    case TENSORFLOW__ATTR_VALUE__VALUE_SHAPE: {
        a->kind = G_ATTR_SHAPE;
        char what[96];
        snprintf(what, sizeof what, "attr '%s'", key);
        return shape_from_proto(b, v->shape, &a->shape, node, what);
    }
    case TENSORFLOW__ATTR_VALUE__VALUE_TENSOR:
        a->kind = G_ATTR_TENSOR;
        a->tensor = g_alloc(g, sizeof *a->tensor);
        return tensor_from_proto(b, v->tensor, a->tensor, node, key);
    case TENSORFLOW__ATTR_VALUE__VALUE_FUNC:
        a->kind = G_ATTR_FUNC;
        a->s = g_intern(g, v->func ? v->func->name : "");
        break;
    case TENSORFLOW__ATTR_VALUE__VALUE_PLACEHOLDER:
        a->kind = G_ATTR_S;
        a->s = g_intern(g, v->placeholder);
        break;
    case TENSORFLOW__ATTR_VALUE__VALUE_LIST: {
        a->kind = G_ATTR_LIST;
        const Tensorflow__AttrValue__ListValue *l = v->list;
        if (!l)
            break;
        if (l->n_i) {
            a->n_list = (int)l->n_i;
            a->list_i = g_alloc(g, l->n_i * sizeof *a->list_i);
            memcpy(a->list_i, l->i, l->n_i * sizeof *a->list_i);
        } else if (l->n_type) {
            a->n_list = (int)l->n_type;
            a->list_type = g_alloc(g, l->n_type * sizeof *a->list_type);
            for (size_t i = 0; i < l->n_type; i++)
                a->list_type[i] = (int)l->type[i];
        } else if (l->n_f) {
            a->n_list = (int)l->n_f;
            a->list_f = g_alloc(g, l->n_f * sizeof *a->list_f);
            for (size_t i = 0; i < l->n_f; i++)
                a->list_f[i] = l->f[i];
        } else if (l->n_s) {
            a->n_list = (int)l->n_s;
            a->list_s = g_alloc(g, l->n_s * sizeof *a->list_s);
            for (size_t i = 0; i < l->n_s; i++)
                a->list_s[i] = intern_bytes(g, l->s[i].data, l->s[i].len);
        } else if (l->n_shape) {
            a->n_list = (int)l->n_shape;
            a->list_shape = g_alloc(g, l->n_shape * sizeof *a->list_shape);
            char what[96];
            snprintf(what, sizeof what, "attr '%s'", key);
            for (size_t i = 0; i < l->n_shape; i++) {
                enum status st = shape_from_proto(b, l->shape[i], &a->list_shape[i], node, what);
                if (st)
                    return st;
            }
        } else if (l->n_func) {
            a->n_list = (int)l->n_func;
            a->list_s = g_alloc(g, l->n_func * sizeof *a->list_s);
            for (size_t i = 0; i < l->n_func; i++)
                a->list_s[i] = g_intern(g, l->func[i] ? l->func[i]->name : "");
        } else if (l->n_tensor) {
            a->n_list = (int)l->n_tensor;
        } else if (l->n_b) {
            a->n_list = (int)l->n_b;
            a->list_i = g_alloc(g, l->n_b * sizeof *a->list_i);
            for (size_t i = 0; i < l->n_b; i++)
                a->list_i[i] = l->b[i];
        }
        break;
    }
    case TENSORFLOW__ATTR_VALUE__VALUE__NOT_SET:
    default:
        break;
    }
    return ST_OK;
}

/* ---- nodes ------------------------------------------------------------------ */

static int add_node(struct bld *b, const Tensorflow__NodeDef *nd, int inst)
{
    graph *g = b->g;
    if ((size_t)g->n_nodes + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        g->nodes = xrealloc(g->nodes, nc * sizeof *g->nodes);
        b->nd = xrealloc(b->nd, nc * sizeof *b->nd);
        b->node_inst = xrealloc(b->node_inst, nc * sizeof *b->node_inst);
        b->call_inst = xrealloc(b->call_inst, nc * sizeof *b->call_inst);
        b->cap = nc;
    }
    int id = g->n_nodes;
    struct g_node *n = &g->nodes[id];
    memset(n, 0, sizeof *n);
    n->id = id;
    n->parent = -1;
    n->function = -1;
    const char *name = nd->name ? nd->name : "";
    b->tmp.len = 0;
    bool own_name = inst < 0 && *name; /* top-level names point into the protobuf */
    if (inst >= 0) {
        const struct inst *in = &b->insts[inst];
        abuf_puts(&b->tmp, g->nodes[in->call].name);
        abuf_putc(&b->tmp, '/');
        n->parent = in->call;
        n->function = in->fn;
        n->depth = in->depth;
    }
    if (!own_name)
        abuf_puts(&b->tmp, name);
    if (!*name) {
        abuf_printf(&b->tmp, "_unnamed_%d", id);
        graph_warn(g, "node #%d has no name; called it '%s'", id, b->tmp.data);
    }
    const char *key = own_name ? name : b->tmp.data;
    if (strmap_get(&g->by_name, key, -1) >= 0) {
        if (inst < 0) {
            err_at(b->e, ST_EFORMAT, g->path, 0, 0,
                   "two nodes are named '%s' (node #%d and an earlier one); node names must "
                   "be unique in a GraphDef",
                   key, id);
            return -1;
        }
        abuf_printf(&b->tmp, "_dup%d", id);
        graph_warn(g, "inlined node name clashes; renamed to '%s'", b->tmp.data);
    }
    /* The protobuf (graph_priv.root, or the caller's for graph_from_graphdef)
     * lives as long as the graph, so its strings can be used in place. */
    n->name = own_name ? name : g_intern(g, b->tmp.data);
    n->op = g_intern(g, nd->op);
    n->device = g_intern(g, nd->device);
    const char *slash = strrchr(n->name, '/');
    n->scope = slash ? strpool_intern(g->pool, n->name, (size_t)(slash - n->name)) : g_intern(g, "");
    strmap_put(&g->by_name, n->name, id);
    b->nd[id] = nd;
    b->node_inst[id] = inst;
    b->call_inst[id] = -1;
    g->n_nodes++;

    n->n_inputs = (int)nd->n_input;
    n->inputs = nd->n_input ? g_alloc(g, nd->n_input * sizeof *n->inputs) : NULL;
    for (size_t i = 0; i < nd->n_input; i++) {
        const char *t = nd->input[i] ? nd->input[i] : "";
        n->inputs[i].text = nd->input[i] ? nd->input[i] : g_intern(g, "");
        n->inputs[i].node = -1;
        n->inputs[i].port = t[0] == '^' ? -1 : 0;
        if (t[0] != '^')
            n->n_data_inputs++;
    }
    n->n_attrs = (int)nd->n_attr;
    n->attrs = nd->n_attr ? g_alloc(g, nd->n_attr * sizeof *n->attrs) : NULL;
    for (size_t i = 0; i < nd->n_attr; i++) {
        const Tensorflow__NodeDef__AttrEntry *ae = nd->attr[i];
        /* n may move when nodes grow later, but not during this call. */
        if (attr_from_proto(b, &n->attrs[i], ae->key ? ae->key : "", ae->value, n->name))
            return -1;
    }
    return id;
}

static bool is_call_op(const char *op)
{
    return !strcmp(op, "StatefulPartitionedCall") || !strcmp(op, "PartitionedCall");
}

static enum status maybe_inline(struct bld *b, int id, bool no_inline)
{
    graph *g = b->g;
    struct g_node *n = &g->nodes[id];
    if (!is_call_op(n->op))
        return ST_OK;
    const struct g_attr *f = g_node_attr(n, "f");
    if (!f || f->kind != G_ATTR_FUNC)
        return ST_OK;
    int fn = strmap_get(&b->fnmap, f->s, -1);
    if (fn < 0) {
        graph_warn(g, "'%s' calls function '%s', which is not in the library", n->name, f->s);
        return ST_OK;
    }
    g->functions[fn].n_calls++;
    if (no_inline)
        return ST_OK;
    int pinst = b->node_inst[id];
    int depth = pinst < 0 ? 1 : b->insts[pinst].depth + 1;
    if (depth > G_MAX_INLINE_DEPTH) {
        graph_warn(g, "'%s': function calls nest deeper than %d levels; not inlined", n->name,
                   G_MAX_INLINE_DEPTH);
        return ST_OK;
    }
    for (int p = pinst; p >= 0; p = b->insts[p].parent)
        if (b->insts[p].fn == fn) {
            graph_warn(g, "'%s': function '%s' calls itself; not inlined again", n->name, f->s);
            return ST_OK;
        }
    const Tensorflow__FunctionDef *fd = b->gd->library->function[fn];
    xgrow(&b->insts, &b->insts_cap, b->n_insts + 1, sizeof *b->insts);
    int in = (int)b->n_insts++;
    b->insts[in] = (struct inst){.call = id, .parent = pinst, .fn = fn, .fd = fd, .depth = depth};
    b->call_inst[id] = in;
    for (size_t i = 0; i < fd->n_node_def; i++)
        if (add_node(b, fd->node_def[i], in) < 0)
            return ST_EFORMAT; /* b->e says why */
    g->nodes[id].inlined = true;
    return ST_OK;
}

/* ---- input resolution ------------------------------------------------------------ */

/* Output-argument offsets of the common multi-output ops (OpDef order). */
static int out_arg_offset(const char *op, const char *arg)
{
    static const struct {
        const char *op;
        const char *args[7];
    } tab[] = {
        {"FusedBatchNorm", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"}},
        {"FusedBatchNormV2", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"}},
        {"FusedBatchNormV3", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"}},
        {"_MklFusedBatchNormV3", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"}},
        {"Switch", {"output_false", "output_true"}},
        {"Merge", {"output", "value_index"}},
        {"Unique", {"y", "idx"}},
        {"TopKV2", {"values", "indices"}},
        {"MaxPoolWithArgmax", {"output", "argmax"}},
        {"BroadcastGradientArgs", {"r0", "r1"}},
        {"LSTMBlockCell", {"i", "cs", "f", "o", "ci", "co", "h"}},
        {"QuantizeV2", {"output", "output_min", "output_max"}},
        {"Svd", {"s", "u", "v"}},
        {"Qr", {"q", "r"}},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (strcmp(tab[i].op, op))
            continue;
        for (int k = 0; k < 7 && tab[i].args[k]; k++)
            if (!strcmp(tab[i].args[k], arg))
                return k;
        return 0;
    }
    return 0;
}

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int parse_port(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n && v < 1000000; i++)
        v = v * 10 + (s[i] - '0');
    return v > 1000000 ? 1000000 : (int)v;
}

static bool resolve(struct bld *b, int inst, const char *text, int *node, int *port, int depth);

/* (node, port) is a call whose body was inlined: follow its `ret` map. */
static void through_call(struct bld *b, int *node, int *port, int depth)
{
    int ci = b->call_inst[*node];
    if (ci < 0 || *port < 0)
        return;
    const Tensorflow__FunctionDef *fd = b->insts[ci].fd;
    const Tensorflow__OpDef *sig = fd->signature;
    if (!sig || (size_t)*port >= sig->n_output_arg)
        return;
    const char *arg = sig->output_arg[*port]->name;
    for (size_t i = 0; i < fd->n_ret; i++) {
        if (fd->ret[i]->key && !strcmp(fd->ret[i]->key, arg)) {
            int n2, p2;
            if (resolve(b, ci, fd->ret[i]->value, &n2, &p2, depth + 1)) {
                *node = n2;
                *port = p2;
            }
            return;
        }
    }
}

static bool resolve(struct bld *b, int inst, const char *text, int *node, int *port, int depth)
{
    if (!text || depth > 4 * G_MAX_INLINE_DEPTH + 8)
        return false;
    if (text[0] == '^')
        text++;
    graph *g = b->g;
    if (inst < 0) {
        const char *colon = strrchr(text, ':');
        size_t nlen = strlen(text);
        int p = 0;
        if (colon && all_digits(colon + 1, strlen(colon + 1))) {
            p = parse_port(colon + 1, strlen(colon + 1));
            nlen = (size_t)(colon - text);
        }
        int id = strmap_getn(&g->by_name, text, nlen, -1);
        if (id < 0 || b->node_inst[id] >= 0)
            return false;
        *node = id;
        *port = p;
        through_call(b, node, port, depth);
        return true;
    }
    const struct inst *in = &b->insts[inst];
    const char *parts[3];
    size_t lens[3];
    int np = 0;
    const char *s = text;
    while (np < 3) {
        const char *c = strchr(s, ':');
        parts[np] = s;
        lens[np] = c ? (size_t)(c - s) : strlen(s);
        np++;
        if (!c)
            break;
        s = c + 1;
    }
    /* A function argument? */
    const Tensorflow__OpDef *sig = in->fd->signature;
    if (sig && (np == 1 || (np == 2 && all_digits(parts[1], lens[1])))) {
        for (size_t a = 0; a < sig->n_input_arg; a++) {
            const char *an = sig->input_arg[a]->name;
            if (strlen(an) != lens[0] || memcmp(an, parts[0], lens[0]))
                continue;
            size_t idx = a + (np == 2 ? (size_t)parse_port(parts[1], lens[1]) : 0);
            const struct g_node *call = &g->nodes[in->call];
            /* The call's data inputs (kept in text even when made control). */
            int k = 0;
            for (int i = 0; i < call->n_inputs; i++) {
                const char *t = call->inputs[i].text;
                if (t[0] == '^')
                    continue;
                if ((size_t)k++ == idx)
                    return resolve(b, in->parent, t, node, port, depth + 1);
            }
            return false;
        }
    }
    /* A body node: "<call>/<name>". */
    struct abuf nb;
    abuf_init(&nb);
    abuf_puts(&nb, g->nodes[in->call].name);
    abuf_putc(&nb, '/');
    abuf_put(&nb, parts[0], lens[0]);
    int id = strmap_get(&g->by_name, nb.data, -1);
    abuf_done(&nb);
    if (id < 0 || b->node_inst[id] != inst)
        return false;
    int p = 0;
    if (np == 2) {
        if (all_digits(parts[1], lens[1])) {
            p = parse_port(parts[1], lens[1]);
        } else {
            char arg[128];
            string_copy_n(arg, sizeof arg, parts[1]);
            arg[lens[1] < sizeof arg ? lens[1] : sizeof arg - 1] = 0;
            p = out_arg_offset(g->nodes[id].op, arg);
        }
    } else if (np == 3) {
        char arg[128];
        size_t l = lens[1] < sizeof arg - 1 ? lens[1] : sizeof arg - 1;
        memcpy(arg, parts[1], l);
        arg[l] = 0;
        p = out_arg_offset(g->nodes[id].op, arg) +
            (all_digits(parts[2], strlen(parts[2])) ? parse_port(parts[2], strlen(parts[2])) : 0);
    }
    *node = id;
    *port = p;
    through_call(b, node, port, depth);
    return true;
}

static enum status resolve_all(struct bld *b)
{
    graph *g = b->g;
    for (int i = 0; i < g->n_nodes; i++) {
        struct g_node *n = &g->nodes[i];
        int inst = b->node_inst[i];
        for (int k = 0; k < n->n_inputs; k++) {
            struct g_input *in = &n->inputs[k];
            bool control = in->text[0] == '^';
            int nd = -1, port = -1;
            if (!resolve(b, inst, in->text, &nd, &port, 0)) {
                if (inst < 0) {
                    const char *t = in->text + (control ? 1 : 0);
                    return err_at(b->e, ST_EFORMAT, g->path, 0, 0,
                                  "node '%s' (%s), input %d: '%s' names no node in the graph; "
                                  "the graph is incomplete (was it cut out of a larger graph? "
                                  "export it again with every node it needs)",
                                  n->name, n->op, k, t);
                }
                graph_warn(g, "inlined node '%s': input '%s' not found in its function", n->name,
                           in->text);
                continue;
            }
            if (!control && port >= G_MAX_PORTS)
                return err_at(b->e, ST_EFORMAT, g->path, 0, 0,
                              "node '%s' (%s), input %d: '%s' reads output port %d; no "
                              "TensorFlow op has %d outputs: the graph is corrupt",
                              n->name, n->op, k, in->text, port, G_MAX_PORTS);
            in->node = nd;
            in->port = control ? -1 : port;
        }
        if (n->inlined) {
            for (int k = 0; k < n->n_inputs; k++)
                n->inputs[k].port = -1;
            n->n_data_inputs = 0;
        }
    }
    return ST_OK;
}

/* Where each inlined call's outputs really come from (for shapes/dtypes). */
static void record_callret(struct bld *b)
{
    graph *g = b->g;
    int total = 0;
    for (size_t i = 0; i < b->n_insts; i++) {
        const Tensorflow__OpDef *sig = b->insts[i].fd->signature;
        total += sig ? (int)sig->n_output_arg : 0;
    }
    struct graph_priv *p = gpriv(g);
    p->callret = total ? g_alloc(g, (size_t)total * sizeof *p->callret) : NULL;
    p->n_callret = 0;
    for (size_t i = 0; i < b->n_insts; i++) {
        const Tensorflow__OpDef *sig = b->insts[i].fd->signature;
        for (int k = 0; sig && k < (int)sig->n_output_arg; k++) {
            int nd = b->insts[i].call, port = k;
            through_call(b, &nd, &port, 0);
            if (nd != b->insts[i].call)
                p->callret[p->n_callret++] =
                    (struct g_callret){b->insts[i].call, k, nd, port};
        }
    }
}

static void build_edges(graph *g)
{
    int *cnt = xcalloc((size_t)g->n_nodes + 1, sizeof *cnt);
    g->n_edges = g->n_control_edges = 0;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            const struct g_input *in = &g->nodes[i].inputs[k];
            if (in->node < 0)
                continue;
            cnt[in->node]++;
            if (in->port < 0)
                g->n_control_edges++;
            else
                g->n_edges++;
        }
    for (int i = 0; i < g->n_nodes; i++) {
        g->nodes[i].outs = cnt[i] ? g_alloc(g, (size_t)cnt[i] * sizeof(struct g_out_edge)) : NULL;
        g->nodes[i].n_outs = 0;
    }
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            const struct g_input *in = &g->nodes[i].inputs[k];
            if (in->node < 0)
                continue;
            struct g_node *p = &g->nodes[in->node];
            p->outs[p->n_outs++] = (struct g_out_edge){.node = i, .input = k, .port = in->port};
        }
    free(cnt);
}

enum status graph_build(graph *g, const Tensorflow__GraphDef *gd, bool no_inline, struct err *e)
{
    struct bld b;
    memset(&b, 0, sizeof b);
    b.g = g;
    b.gd = gd;
    b.e = e;
    abuf_init(&b.tmp);
    strmap_init(&b.fnmap);
    enum status st = ST_OK;
    if (gd->versions)
        g->producer = gd->versions->producer;
    else if (gd->version)
        g->producer = gd->version;
    const Tensorflow__FunctionDefLibrary *lib = gd->library;
    if (lib && lib->n_function) {
        g->n_functions = (int)lib->n_function;
        g->functions = g_alloc(g, lib->n_function * sizeof *g->functions);
        for (size_t i = 0; i < lib->n_function; i++) {
            const Tensorflow__FunctionDef *fd = lib->function[i];
            const char *nm = fd->signature && fd->signature->name ? fd->signature->name : "";
            g->functions[i].name = g_intern(g, nm);
            g->functions[i].n_nodes = (int)fd->n_node_def;
            strmap_put(&b.fnmap, g->functions[i].name, (int)i);
        }
    }
    if (gd->n_node > (size_t)INT_MAX / 4) {
        st = err_at(e, ST_ELIMIT, g->path, 0, 0, "the graph has %zu nodes; the limit is %d",
                    gd->n_node, INT_MAX / 4);
        goto out;
    }
    for (size_t i = 0; i < gd->n_node; i++)
        if (add_node(&b, gd->node[i], -1) < 0) {
            st = ST_EFORMAT;
            goto out;
        }
    g->n_top_nodes = g->n_nodes;
    for (int i = 0; i < g->n_nodes; i++) {
        st = maybe_inline(&b, i, no_inline);
        if (st)
            goto out;
        if (g->n_nodes > 4000000) {
            st = err_at(e, ST_ELIMIT, g->path, 0, 0,
                        "inlining function calls produced more than 4,000,000 nodes; "
                        "load it with inlining off");
            goto out;
        }
    }
    st = resolve_all(&b);
    if (st)
        goto out;
    build_edges(g);
    record_callret(&b);
    /* Move the node array into the arena so graph_free() releases it. */
    if (g->n_nodes) {
        struct g_node *nn = g_alloc(g, (size_t)g->n_nodes * sizeof *nn);
        memcpy(nn, g->nodes, (size_t)g->n_nodes * sizeof *nn);
        free(g->nodes);
        g->nodes = nn;
    } else {
        free(g->nodes);
        g->nodes = NULL;
    }
out:
    if (st && g->nodes) {
        free(g->nodes);
        g->nodes = NULL;
        g->n_nodes = 0;
    }
    free(b.nd);
    free(b.node_inst);
    free(b.call_inst);
    free(b.insts);
    abuf_done(&b.tmp);
    strmap_done(&b.fnmap);
    return st;
}

/* ---- endpoints ------------------------------------------------------------------ */

bool graph_resolve_tensor(const graph *g, const char *text, int *node, int *port)
{
    if (!text)
        return false;
    if (text[0] == '^')
        text++;
    const char *colon = strrchr(text, ':');
    size_t nlen = strlen(text);
    int p = 0;
    if (colon && all_digits(colon + 1, strlen(colon + 1))) {
        p = parse_port(colon + 1, strlen(colon + 1));
        nlen = (size_t)(colon - text);
    }
    int id = strmap_getn(&g->by_name, text, nlen, -1);
    if (id < 0)
        return false;
    *node = id;
    *port = p;
    return true;
}

static bool not_an_output(const struct g_node *n)
{
    const char *op = n->op;
    if (n->inlined)
        return true; /* a call shell: its consumers read the body */
    static const char *const ops[] = {
        "NoOp", "Const", "Placeholder", "PlaceholderWithDefault", "VarHandleOp", "VariableV2",
        "Variable", "Assign", "AssignVariableOp", "AssignAdd", "AssignSub", "SaveV2", "Save",
        "RestoreV2", "Restore", "MergeV2Checkpoints", "Assert", "ShardedFilename",
        "StringJoin", "_Retval", "_Arg", "VarIsInitializedOp", "IsVariableInitialized",
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(ops[i], op))
            return true;
    return false;
}

void graph_default_endpoints(graph *g)
{
    int ni = 0, no = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        if (n->parent >= 0)
            continue;
        if (!strcmp(n->op, "Placeholder"))
            ni++;
        else if (!not_an_output(n)) {
            bool used = false;
            for (int k = 0; k < n->n_outs; k++)
                used |= n->outs[k].port >= 0;
            no += !used;
        }
    }
    g->inputs = ni ? g_alloc(g, (size_t)ni * sizeof *g->inputs) : NULL;
    g->outputs = no ? g_alloc(g, (size_t)no * sizeof *g->outputs) : NULL;
    g->n_inputs = g->n_outputs = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        if (n->parent >= 0)
            continue;
        if (!strcmp(n->op, "Placeholder")) {
            struct g_endpoint *ep = &g->inputs[g->n_inputs++];
            ep->name = n->name;
            ep->node = i;
            ep->port = 0;
            const struct g_attr *a = g_node_attr(n, "dtype");
            ep->dtype = a && a->kind == G_ATTR_TYPE ? a->type : TF_DT_INVALID;
            a = g_node_attr(n, "shape");
            if (a && a->kind == G_ATTR_SHAPE)
                ep->shape = a->shape;
            else
                ep->shape.rank = -1;
        } else if (!not_an_output(n)) {
            bool used = false;
            for (int k = 0; k < n->n_outs; k++)
                used |= n->outs[k].port >= 0;
            if (used)
                continue;
            struct g_endpoint *ep = &g->outputs[g->n_outputs++];
            ep->name = n->name;
            ep->node = i;
            ep->port = 0;
            ep->dtype = TF_DT_INVALID;
            ep->shape.rank = -1;
        }
    }
}
