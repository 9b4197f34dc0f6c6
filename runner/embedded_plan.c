/* embedded_plan.c: the analysis half of the embedded executor (no oneDNN).
 *
 * From the graph (shapes inferred), the AMP plan and --amp it decides, per
 * node, whether it matters for the outputs and what it becomes; it fuses the
 * patterns TensorFlow's oneDNN build fuses (Conv2D/MatMul + BiasAdd +
 * activation, the erf GELU); and it rejects what cannot run, naming every
 * unsupported op at once, before anything starts.
 */
#include "runner/embedded_int.h"

#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small graph helpers -------------------------------------------------- */

const char *ek_attr_str(const struct g_node *nd, const char *name, const char *dflt)
{
    const struct g_attr *a = g_node_attr(nd, name);
    return a && a->s ? a->s : dflt;
}

bool ek_attr_ints(const struct g_node *nd, const char *name, int64_t *out, int max, int *n)
{
    const struct g_attr *a = g_node_attr(nd, name);
    *n = 0;
    if (!a || a->kind != G_ATTR_LIST || !a->list_i)
        return false;
    for (int i = 0; i < a->n_list && i < max; i++)
        out[(*n)++] = a->list_i[i];
    return true;
}

static bool is_view_op(const char *op)
{
    static const char *const v[] = {"Identity", "StopGradient", "Snapshot", "PreventGradient",
                                    "Reshape", "Squeeze", "ExpandDims", "EnsureShape",
                                    "CheckNumerics", NULL};
    for (int i = 0; v[i]; i++)
        if (!strcmp(op, v[i]))
            return true;
    return false;
}

bool ek_is_variable(const struct g_node *nd)
{
    return !strcmp(nd->op, "VarHandleOp") || !strcmp(nd->op, "VariableV2") ||
           !strcmp(nd->op, "Variable");
}

int ek_const_source(const graph *g, int node)
{
    for (int guard = 0; node >= 0 && guard < 64; guard++) {
        const struct g_node *nd = &g->nodes[node];
        if (!strcmp(nd->op, "Const") || ek_is_variable(nd))
            return node;
        if (strcmp(nd->op, "Identity") && strcmp(nd->op, "StopGradient") &&
            strcmp(nd->op, "Snapshot") && strcmp(nd->op, "ReadVariableOp"))
            return -1;
        if (nd->n_data_inputs < 1)
            return -1;
        node = nd->inputs[0].node;
    }
    return -1;
}

/* The node (and port) a graph output really comes from, through inlined
 * function calls. */
static int output_source(const graph *g, int node, int port)
{
    for (int guard = 0; node >= 0 && guard < 32; guard++) {
        int n2, p2;
        if (!graph_call_result(g, node, port, &n2, &p2))
            break;
        node = n2;
        port = p2;
    }
    return node;
}

bool ek_const_ints(const graph *g, int node, int64_t *out, int max, int *n)
{
    int c = ek_const_source(g, node);
    *n = 0;
    if (c < 0)
        return false;
    const struct g_attr *a = g_node_attr(&g->nodes[c], "value");
    if (!a || !a->tensor)
        return false;
    const struct g_tensor *t = a->tensor;
    int64_t ne = t->n_elems < 0 ? t->n_vals : t->n_elems;
    if (ne > max || t->n_vals <= 0)
        return false;
    for (int64_t i = 0; i < ne; i++)
        out[(*n)++] = (int64_t)t->vals[i < t->n_vals ? i : t->n_vals - 1];
    return true;
}

bool ek_const_scalar(const graph *g, int node, double *v)
{
    int c = ek_const_source(g, node);
    if (c < 0)
        return false;
    const struct g_attr *a = g_node_attr(&g->nodes[c], "value");
    if (!a || !a->tensor || a->tensor->n_vals < 1)
        return false;
    if (a->tensor->n_elems > 1) {
        for (int i = 1; i < a->tensor->n_vals; i++)
            if (a->tensor->vals[i] != a->tensor->vals[0])
                return false;
    }
    *v = a->tensor->vals[0];
    return true;
}

int ek_in_node(const graph *g, int node, int i)
{
    const struct g_node *nd = &g->nodes[node];
    return i < nd->n_data_inputs ? nd->inputs[i].node : -1;
}

/* Number of data consumers of node (all ports). */
static int n_consumers(const graph *g, int node)
{
    int c = 0;
    for (int k = 0; k < g->nodes[node].n_outs; k++)
        if (g->nodes[node].outs[k].port >= 0)
            c++;
    return c;
}

int ek_sole_consumer(const graph *g, int node)
{
    int who = -1;
    for (int k = 0; k < g->nodes[node].n_outs; k++) {
        const struct g_out_edge *o = &g->nodes[node].outs[k];
        if (o->port < 0)
            continue;
        if (who >= 0)
            return -1;
        who = o->node;
    }
    return who;
}

bool ek_is_graph_output(const graph *g, int node)
{
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i].node == node ||
            output_source(g, g->outputs[i].node, g->outputs[i].port) == node)
            return true;
    return false;
}

/* Which data inputs of an op carry tensors the executor needs (the others are
 * shapes, axes, permutations read from constants). */
static int data_inputs(const struct g_node *nd, int *idx, int max)
{
    const char *op = nd->op;
    int n = 0;
    if (is_view_op(op) || !strcmp(op, "Transpose") || !strcmp(op, "Mean") || !strcmp(op, "Pad") ||
        !strcmp(op, "PadV2") || !strcmp(op, "Slice") || !strcmp(op, "StridedSlice") ||
        !strcmp(op, "Sum") || !strcmp(op, "Max") || !strcmp(op, "Min") || !strcmp(op, "Prod")) {
        if (nd->n_data_inputs > 0)
            idx[n++] = 0;
        return n;
    }
    if (!strcmp(op, "ConcatV2")) {
        for (int i = 0; i + 1 < nd->n_data_inputs && n < max; i++)
            idx[n++] = i;
        return n;
    }
    if (!strcmp(op, "Concat")) {
        for (int i = 1; i < nd->n_data_inputs && n < max; i++)
            idx[n++] = i;
        return n;
    }
    for (int i = 0; i < nd->n_data_inputs && n < max; i++)
        idx[n++] = i;
    return n;
}

/* ---- op classification ------------------------------------------------------ */

static const struct {
    const char *op;
    int alg;
    float alpha, beta;
} eltwise_ops[] = {
    {"Relu", dnnl_eltwise_relu, 0, 0},
    {"Relu6", dnnl_eltwise_clip, 0, 6},
    {"Elu", dnnl_eltwise_elu, 1, 0},
    {"Selu", -1, 0, 0}, /* placeholder: not supported */
    {"LeakyRelu", dnnl_eltwise_relu, 0.2f, 0},
    {"Tanh", dnnl_eltwise_tanh, 0, 0},
    {"Sigmoid", dnnl_eltwise_logistic, 0, 0},
    {"Exp", dnnl_eltwise_exp, 0, 0},
    {"Log", dnnl_eltwise_log, 0, 0},
    {"Sqrt", dnnl_eltwise_sqrt, 0, 0},
    {"Rsqrt", dnnl_eltwise_pow, 1, -0.5f},
    {"Reciprocal", dnnl_eltwise_pow, 1, -1},
    {"Inv", dnnl_eltwise_pow, 1, -1},
    {"Square", dnnl_eltwise_square, 0, 0},
    {"Abs", dnnl_eltwise_abs, 0, 0},
    {"Neg", dnnl_eltwise_linear, -1, 0},
    {"Softplus", dnnl_eltwise_soft_relu, 0, 0},
    {"Swish", dnnl_eltwise_swish, 1, 0},
    {"_MklSwish", dnnl_eltwise_swish, 1, 0},
    {"Gelu", dnnl_eltwise_gelu_erf, 0, 0},
    {"Round", dnnl_eltwise_round, 0, 0},
};

int ek_eltwise_find(const struct g_node *nd, float *alpha, float *beta)
{
    for (size_t i = 0; i < sizeof eltwise_ops / sizeof eltwise_ops[0]; i++)
        if (!strcmp(nd->op, eltwise_ops[i].op)) {
            if (eltwise_ops[i].alg < 0)
                return -1;
            *alpha = eltwise_ops[i].alpha;
            *beta = eltwise_ops[i].beta;
            if (!strcmp(nd->op, "LeakyRelu")) {
                const struct g_attr *a = g_node_attr(nd, "alpha");
                if (a && a->kind == G_ATTR_F)
                    *alpha = (float)a->f;
            }
            if (!strcmp(nd->op, "Gelu")) {
                const struct g_attr *a = g_node_attr(nd, "approximate");
                if (a && a->b)
                    return dnnl_eltwise_gelu_tanh;
            }
            return eltwise_ops[i].alg;
        }
    return -1;
}

static bool is_binary_op(const char *op)
{
    static const char *const b[] = {"Add", "AddV2", "Mul", "Sub", "RealDiv", "Div", "Maximum",
                                    "Minimum", "SquaredDifference", NULL};
    for (int i = 0; b[i]; i++)
        if (!strcmp(op, b[i]))
            return true;
    return false;
}

static enum ek_op classify(const graph *g, int i)
{
    const struct g_node *nd = &g->nodes[i];
    const char *op = nd->op;
    float a, b;
    if (!strcmp(op, "Conv2D") || !strcmp(op, "DepthwiseConv2dNative"))
        return EO_CONV;
    if (!strcmp(op, "MatMul") || !strcmp(op, "BatchMatMul") || !strcmp(op, "BatchMatMulV2") ||
        !strcmp(op, "BatchMatMulV3") || !strcmp(op, "Einsum"))
        return EO_MATMUL;
    if (!strcmp(op, "BiasAdd") || !strcmp(op, "BiasAddV1"))
        return EO_BIAS;
    if (ek_eltwise_find(nd, &a, &b) >= 0)
        return EO_ELTWISE;
    if (!strcmp(op, "MaxPool") || !strcmp(op, "AvgPool"))
        return EO_POOL;
    if (!strcmp(op, "FusedBatchNorm") || !strcmp(op, "FusedBatchNormV2") ||
        !strcmp(op, "FusedBatchNormV3"))
        return EO_BNORM;
    if (!strcmp(op, "Softmax") || !strcmp(op, "LogSoftmax"))
        return EO_SOFTMAX;
    if (is_binary_op(op))
        return EO_BINARY;
    if (!strcmp(op, "Mean") || !strcmp(op, "Sum") || !strcmp(op, "Max") || !strcmp(op, "Min") ||
        !strcmp(op, "Prod"))
        return EO_REDUCE;
    if (!strcmp(op, "ConcatV2"))
        return EO_CONCAT;
    if (!strcmp(op, "Transpose"))
        return EO_TRANSPOSE;
    if (!strcmp(op, "Cast"))
        return EO_CAST;
    if (!strcmp(op, "Erf"))
        return EO_GELU; /* only inside the GELU pattern (op_limit checks) */
    if (!strcmp(op, "Pad") || !strcmp(op, "PadV2"))
        return EO_PAD;
    if (!strcmp(op, "AddN"))
        return EO_ADDN;
    if (!strcmp(op, "Slice") || !strcmp(op, "StridedSlice"))
        return EO_SLICE;
    return EO_NONE;
}

/* Why an op we know cannot run here, or NULL when it can. */
static const char *op_limit(const graph *g, int i, enum ek_op k)
{
    const struct g_node *nd = &g->nodes[i];
    int grp[5], h;
    switch (k) {
    case EO_GELU:
        return ek_match_gelu(g, i, grp, &h) ? NULL
                                         : "Erf outside the GELU pattern 0.5*x*(1+erf(x/sqrt(2)))";
    case EO_BNORM: {
        const struct g_attr *a = g_node_attr(nd, "is_training");
        if (a && a->b)
            return "is_training=true (training-mode batch norm)";
        return NULL;
    }
    case EO_CONV:
        if (ek_const_source(g, ek_in_node(g, i, 1)) < 0 && strcmp(nd->op, "Conv2D"))
            return "depthwise filter that is not a constant";
        return NULL;
    case EO_PAD: {
        int64_t pads[2 * G_MAX_RANK];
        int np;
        double cv = 0;
        if (!ek_const_ints(g, ek_in_node(g, i, 1), pads, 2 * G_MAX_RANK, &np))
            return "paddings that are not a constant";
        if (!strcmp(nd->op, "PadV2") && (!ek_const_scalar(g, ek_in_node(g, i, 2), &cv) || cv != 0))
            return "a pad value other than 0";
        for (int q = 0; q < np; q++)
            if (pads[q] < 0)
                return "negative paddings";
        return NULL;
    }
    case EO_SLICE: {
        int64_t v[G_MAX_RANK];
        int nv;
        for (int q = 1; q < nd->n_data_inputs; q++)
            if (!ek_const_ints(g, ek_in_node(g, i, q), v, G_MAX_RANK, &nv))
                return "bounds that are not constants";
        if (!strcmp(nd->op, "StridedSlice")) {
            const struct g_attr *el = g_node_attr(nd, "ellipsis_mask"), *na = g_node_attr(nd, "new_axis_mask");
            if ((el && el->i) || (na && na->i))
                return "an ellipsis or new-axis mask";
            if (ek_const_ints(g, ek_in_node(g, i, 3), v, G_MAX_RANK, &nv))
                for (int q = 0; q < nv; q++)
                    if (v[q] <= 0)
                        return "a stride that is not positive";
        }
        return NULL;
    }
    case EO_CAST: {
        const struct g_attr *s = g_node_attr(nd, "SrcT"), *d = g_node_attr(nd, "DstT");
        int st = s ? s->type : 0, dt = d ? d->type : 0;
        bool okf = (st == TF_DT_FLOAT || st == TF_DT_BFLOAT16) &&
                   (dt == TF_DT_FLOAT || dt == TF_DT_BFLOAT16);
        return okf ? NULL : "a Cast between non-float types";
    }
    case EO_MATMUL:
        if (!strcmp(nd->op, "Einsum")) {
            const char *eq = ek_attr_str(nd, "equation", "");
            if (strstr(eq, "...") || nd->n_data_inputs != 2)
                return "an Einsum with '...' or not two operands";
        }
        return NULL;
    default:
        return NULL;
    }
}

/* ---- build ------------------------------------------------------------------- */

int ek_cast_for(const struct ek_plan *p, int node, int input)
{
    if (!p->cast_at || p->amp_off || input < 0 || input >= p->g->nodes[node].n_inputs)
        return -1;
    return p->cast_idx[p->cast_at[node] + input];
}

static bool shape_known(const struct g_shape *s)
{
    if (s->rank < 0)
        return false;
    for (int i = 0; i < s->rank; i++)
        if (s->dim[i] < 0)
            return false;
    return true;
}

enum status ek_plan_build(struct ek_plan *p, const graph *g, const amp_plan *plan, bool amp_off,
                          struct err *e)
{
    memset(p, 0, sizeof *p);
    p->g = g;
    p->plan = plan;
    p->amp_off = amp_off;
    int nn = g->n_nodes;
    p->n = xcalloc((size_t)(nn > 0 ? nn : 1), sizeof *p->n);
    for (int i = 0; i < nn; i++) {
        p->n[i].anchor = p->n[i].bias = p->n[i].act = p->n[i].in = p->n[i].pad = -1;
        p->n[i].out = i;
    }
    /* casts by (node, input) */
    p->cast_at = xcalloc((size_t)(nn > 0 ? nn : 1), sizeof *p->cast_at);
    int total = 0;
    for (int i = 0; i < nn; i++) {
        p->cast_at[i] = total;
        total += g->nodes[i].n_inputs;
    }
    p->cast_idx = xmalloc((size_t)(total > 0 ? total : 1) * sizeof *p->cast_idx);
    for (int i = 0; i < total; i++)
        p->cast_idx[i] = -1;
    if (plan && !plan->failed)
        for (int c = 0; c < plan->n_casts; c++)
            for (int d = 0; d < plan->casts[c].n_dst; d++) {
                int dn = plan->casts[c].dst_nodes[d], di = plan->casts[c].dst_inputs[d];
                if (dn >= 0 && dn < nn && di >= 0 && di < g->nodes[dn].n_inputs)
                    p->cast_idx[p->cast_at[dn] + di] = c;
            }

    /* needed: backwards from the outputs through the data inputs that matter */
    char *need = xcalloc((size_t)(nn > 0 ? nn : 1), 1);
    int *stack = xmalloc((size_t)(nn > 0 ? nn : 1) * sizeof *stack);
    int sp = 0;
    for (int i = 0; i < g->n_outputs; i++) {
        int o = output_source(g, g->outputs[i].node, g->outputs[i].port);
        if (o >= 0 && !need[o]) {
            need[o] = 1;
            stack[sp++] = o;
        }
    }
    if (g->n_outputs == 0)
        for (int i = 0; i < nn; i++)
            if (n_consumers(g, i) == 0 && strcmp(g->nodes[i].op, "NoOp")) {
                need[i] = 1;
                stack[sp++] = i;
            }
    while (sp > 0) {
        int i = stack[--sp];
        int idx[64];
        int k = data_inputs(&g->nodes[i], idx, 64);
        for (int j = 0; j < k; j++) {
            int s = ek_in_node(g, i, idx[j]);
            if (s >= 0 && !need[s]) {
                need[s] = 1;
                stack[sp++] = s;
            }
        }
    }
    free(stack);

    /* topological order of the needed nodes */
    int *order = NULL;
    enum status st = graph_topo(g, &order, e);
    if (st != ST_OK) {
        free(need);
        return st;
    }
    p->order = xmalloc((size_t)(nn > 0 ? nn : 1) * sizeof *p->order);
    for (int k = 0; k < nn; k++)
        if (need[order[k]])
            p->order[p->n_order++] = order[k];
    free(order);

    /* classify; collect unsupported ops and shape problems */
    struct abuf unsup, limits;
    abuf_init(&unsup);
    abuf_init(&limits);
    int n_unsup = 0;
    struct strmap seen;
    strmap_init(&seen);
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        const struct g_node *nd = &g->nodes[i];
        struct ek_node *n = &p->n[i];
        n->bf16 = ek_node_bf16(p, i);
        if (!strcmp(nd->op, "Placeholder") || !strcmp(nd->op, "PlaceholderWithDefault")) {
            n->kind = EK_INPUT;
        } else if (ek_const_source(g, i) >= 0) {
            n->kind = EK_CONST;
            if (ek_is_variable(nd))
                p->n_variables++;
        } else if (is_view_op(nd->op) || !strcmp(nd->op, "IdentityN")) {
            n->kind = EK_VIEW; /* IdentityN: port k is input k (ek_input looks through) */
        } else {
            n->op = classify(g, i);
            const char *lim = n->op != EO_NONE ? op_limit(g, i, n->op) : NULL;
            if (n->op == EO_NONE || lim) {
                if (strmap_get(&seen, nd->op, 0) == 0) {
                    strmap_put(&seen, nd->op, 1);
                    if (n->op == EO_NONE) {
                        abuf_printf(&unsup, "%s%s (e.g. node '%s')", n_unsup ? ", " : "", nd->op,
                                    nd->name);
                        n_unsup++;
                    } else {
                        abuf_printf(&limits, "%s'%s' (%s): %s", limits.len ? "; " : "",
                                    nd->name, nd->op, lim);
                    }
                }
                continue;
            }
            n->kind = EK_COMPUTE;
        }
    }
    strmap_done(&seen);
    if (n_unsup || limits.len) {
        err_set(e, ST_EUNSUPPORTED,
                "the embedded oneDNN backend cannot run %s%s%s%s%s; nothing was run. "
                "Run this model with real TensorFlow instead: `ampscope run MODEL --backend tf`",
                n_unsup ? (n_unsup == 1 ? "the op " : "these ops: ") : "", unsup.len ? unsup.data : "",
                n_unsup && limits.len ? "; and " : "", limits.len ? "these nodes: " : "",
                limits.len ? limits.data : "");
        abuf_done(&unsup);
        abuf_done(&limits);
        free(need);
        return ST_EUNSUPPORTED;
    }
    abuf_done(&unsup);
    abuf_done(&limits);

    /* shapes and dtypes of everything that carries data */
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        const struct g_node *nd = &g->nodes[i];
        if (p->n[i].kind == EK_CONST || nd->n_outputs < 1)
            continue;
        int dt = nd->out_dtype ? nd->out_dtype[0] : TF_DT_INVALID;
        if (dt != TF_DT_FLOAT && dt != TF_DT_BFLOAT16 && dt != TF_DT_INVALID) {
            free(need);
            return err_set(e, ST_EUNSUPPORTED,
                           "node '%s' (%s) produces %s data; the embedded oneDNN backend runs "
                           "float graphs only. Use `--backend tf` for this model",
                           nd->name, nd->op, tf_dtype_name(dt));
        }
        if (!shape_known(&nd->out_shape[0])) {
            char sb[128];
            g_shape_format(&nd->out_shape[0], sb, sizeof sb);
            free(need);
            if (p->n[i].kind == EK_INPUT) {
                char ex[128] = "";
                const struct g_shape *s = &nd->out_shape[0];
                if (s->rank > 0) {
                    size_t o = 0;
                    for (int d = 0; d < s->rank && o + 24 < sizeof ex; d++)
                        o += (size_t)snprintf(ex + o, sizeof ex - o, "%s%lld", d ? "x" : "",
                                              (long long)(s->dim[d] < 0 ? (d == 0 ? 1 : 8) : s->dim[d]));
                } else {
                    snprintf(ex, sizeof ex, "1x224x224x3");
                }
                return err_set(e, ST_EINVAL,
                               "input '%s' has an unknown shape (%s): give it with --input %s:%s "
                               "(the real sizes of your data)%s",
                               nd->name, sb, nd->name, ex,
                               s->rank > 0 && s->dim[0] < 0 ? ", or --batch N for the first dim" : "");
            }
            return err_set(e, ST_EINVAL,
                           "the shape of node '%s' (%s) could not be inferred (%s); give every "
                           "input's full shape with --input NAME:SHAPE",
                           nd->name, nd->op, sb);
        }
    }
    free(need);
    ek_plan_fusions(p);

    /* the tensors must fit: refuse before forking rather than die in the child */
    double bytes = 0;
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        if (p->n[i].kind != EK_COMPUTE && p->n[i].kind != EK_INPUT && p->n[i].kind != EK_CONST)
            continue;
        const struct g_node *nd = &g->nodes[i];
        if (p->n[i].kind == EK_CONST) {
            int c = ek_const_source(g, i);
            const struct g_attr *a = c >= 0 ? g_node_attr(&g->nodes[c], "value") : NULL;
            if (a && a->tensor && a->tensor->n_elems > 0)
                bytes += 8.0 * (double)a->tensor->n_elems; /* f32 + a converted copy */
            else if (c >= 0 && g->nodes[c].n_outputs > 0 && g_shape_elems(&g->nodes[c].out_shape[0]) > 0)
                bytes += 8.0 * (double)g_shape_elems(&g->nodes[c].out_shape[0]);
            continue;
        }
        int64_t ne = g_shape_elems(&nd->out_shape[0]);
        if (ne > 0)
            bytes += 4.0 * (double)ne * 2; /* output + a possible cast/conversion */
    }
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    double ram = pages > 0 && psize > 0 ? (double)pages * (double)psize : 0;
    if (ram > 0 && bytes > 0.8 * ram)
        return err_set(e, ST_ELIMIT,
                       "running this graph needs about %.1f GiB of tensors at these shapes, more "
                       "than this machine's %.1f GiB of memory; use a smaller --batch or --input "
                       "shape",
                       bytes / (1 << 30), ram / (1 << 30));
    return ST_OK;
}

void ek_plan_done(struct ek_plan *p)
{
    free(p->n);
    free(p->order);
    free(p->cast_at);
    free(p->cast_idx);
    memset(p, 0, sizeof *p);
}

void ek_plan_fused_tsv(const struct ek_plan *p, struct abuf *out)
{
    abuf_puts(out, "# node\tanchor (the node whose oneDNN primitive ran it as a post-op)\n");
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        if (p->n[i].kind == EK_FUSED)
            abuf_printf(out, "%s\t%s\n", p->g->nodes[i].name, p->g->nodes[p->n[i].anchor].name);
    }
}
