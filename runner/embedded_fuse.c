/* embedded_fuse.c: the fusions of the embedded executor's analysis, the
 * patterns TensorFlow's oneDNN build fuses too: Conv2D/DepthwiseConv2dNative/
 * MatMul + BiasAdd (+ Relu, Relu6, Elu, LeakyRelu, Tanh, Sigmoid, or the erf
 * GELU) as one primitive with post-ops, the erf GELU on its own as one eltwise,
 * Pad + Conv2D as the convolution's padding, FusedBatchNorm + Relu. A fusion
 * never crosses a precision change or a plan cast.
 */
#include "runner/embedded_int.h"

#include <math.h>
#include <oneapi/dnnl/dnnl.h>
#include <string.h>

static bool near(double v, double want)
{
    return fabs(v - want) <= 1e-3 * fabs(want);
}

/* Data input j of node that is not `skip`: returns its node or -1. */
static int other_input(const graph *g, int node, int skip)
{
    for (int j = 0; j < 2 && j < g->nodes[node].n_data_inputs; j++)
        if (ek_in_node(g, node, j) != skip)
            return ek_in_node(g, node, j);
    return -1;
}

/* The erf GELU: 0.5*h * (1 + erf(h / sqrt2)) (any operand order; h*(1/sqrt2) too).
 * On success fills grp[0..4] = {div, erf, add, mul_half, mul_out} and *h. */
bool ek_match_gelu(const graph *g, int erf, int grp[5], int *h)
{
    const struct g_node *E = &g->nodes[erf];
    if (strcmp(E->op, "Erf") || E->n_data_inputs < 1)
        return false;
    int d = ek_in_node(g, erf, 0);
    if (d < 0 || ek_sole_consumer(g, d) != erf)
        return false;
    const char *dop = g->nodes[d].op;
    double c;
    int x = -1;
    if (!strcmp(dop, "RealDiv") || !strcmp(dop, "Div")) {
        if (!ek_const_scalar(g, ek_in_node(g, d, 1), &c) || !near(c, sqrt(2.0)))
            return false;
        x = ek_in_node(g, d, 0);
    } else if (!strcmp(dop, "Mul")) {
        if (ek_const_scalar(g, ek_in_node(g, d, 1), &c) && near(c, sqrt(0.5)))
            x = ek_in_node(g, d, 0);
        else if (ek_const_scalar(g, ek_in_node(g, d, 0), &c) && near(c, sqrt(0.5)))
            x = ek_in_node(g, d, 1);
        else
            return false;
    } else {
        return false;
    }
    int add = ek_sole_consumer(g, erf);
    if (add < 0 || (strcmp(g->nodes[add].op, "AddV2") && strcmp(g->nodes[add].op, "Add")))
        return false;
    if (!ek_const_scalar(g, other_input(g, add, erf), &c) || !near(c, 1.0))
        return false;
    int mo = ek_sole_consumer(g, add);
    if (mo < 0 || strcmp(g->nodes[mo].op, "Mul"))
        return false;
    int mh = other_input(g, mo, add);
    if (mh < 0 || strcmp(g->nodes[mh].op, "Mul") || ek_sole_consumer(g, mh) != mo)
        return false;
    int a0 = ek_in_node(g, mh, 0), a1 = ek_in_node(g, mh, 1);
    if (!((a0 == x && ek_const_scalar(g, a1, &c) && near(c, 0.5)) ||
          (a1 == x && ek_const_scalar(g, a0, &c) && near(c, 0.5))))
        return false;
    grp[0] = d;
    grp[1] = erf;
    grp[2] = add;
    grp[3] = mh;
    grp[4] = mo;
    *h = x;
    return true;
}

bool ek_node_bf16(const struct ek_plan *p, int i)
{
    return !p->amp_off && p->plan && !p->plan->failed && p->plan->nodes && p->plan->nodes[i].bf16;
}

/* A cast on a data input of node that would run as its own reorder. A cast
 * of a constant does not: TensorFlow's constant folding turns it into a bf16
 * constant (the grappler prepass model puts it on the consumer's input, e.g.
 * BiasAdd's bias), and the fused primitive reads the constant itself. */
static bool live_cast(const struct ek_plan *p, int node, int j)
{
    return ek_cast_for(p, node, j) >= 0 && ek_const_source(p->g, ek_in_node(p->g, node, j)) < 0;
}

static bool has_cast_inputs(const struct ek_plan *p, int node)
{
    for (int j = 0; j < p->g->nodes[node].n_data_inputs; j++)
        if (live_cast(p, node, j))
            return true;
    return false;
}

static void fuse(struct ek_plan *p, int node, int anchor)
{
    p->n[node].kind = EK_FUSED;
    p->n[node].anchor = anchor;
    p->n_fused++;
}

static int act_alg_of(const graph *g, int node, float *alpha, float *beta)
{
    static const char *const ok[] = {"Relu", "Relu6", "Elu", "LeakyRelu", "Tanh", "Sigmoid", NULL};
    for (int i = 0; ok[i]; i++)
        if (!strcmp(g->nodes[node].op, ok[i]))
            return ek_eltwise_find(&g->nodes[node], alpha, beta);
    return -1;
}

void ek_plan_fusions(struct ek_plan *p)
{
    const graph *g = p->g;
    /* the GELU pattern first: it may then become a post-op of a MatMul */
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        int grp[5], h;
        if (p->n[i].kind != EK_COMPUTE || !ek_match_gelu(g, i, grp, &h))
            continue;
        /* The group runs as one primitive at the Erf node's precision (the
         * painter gives the group one colour: its ops are all inferlisted). */
        p->n[i].op = EO_GELU;
        p->n[i].in = h;
        p->n[i].out = grp[4];
        for (int j = 0; j < 5; j++)
            if (grp[j] != i)
                fuse(p, grp[j], i);
    }
    /* Conv2D/MatMul + BiasAdd (+ activation or GELU) */
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        struct ek_node *n = &p->n[i];
        if (n->kind != EK_COMPUTE || (n->op != EO_CONV && n->op != EO_MATMUL))
            continue;
        if (n->op == EO_MATMUL && strcmp(g->nodes[i].op, "MatMul"))
            continue; /* TF fuses BiasAdd into MatMul only */
        int b = ek_sole_consumer(g, i);
        if (b < 0 || ek_is_graph_output(g, i) || p->n[b].kind != EK_COMPUTE || p->n[b].op != EO_BIAS ||
            ek_in_node(g, b, 0) != i || ek_node_bf16(p, b) != ek_node_bf16(p, i) || has_cast_inputs(p, b) ||
            ek_const_source(g, ek_in_node(g, b, 1)) < 0)
            continue;
        n->bias = b;
        n->out = b;
        fuse(p, b, i);
        if (ek_is_graph_output(g, b))
            continue;
        int a = -1;
        for (int q = 0; q < g->nodes[b].n_outs; q++) {
            int c = g->nodes[b].outs[q].node;
            if (g->nodes[b].outs[q].port < 0)
                continue;
            int an = p->n[c].kind == EK_FUSED ? p->n[c].anchor : c;
            if (an >= 0 && p->n[an].kind == EK_COMPUTE && p->n[an].op == EO_GELU && p->n[an].in == b)
                a = an;
        }
        if (a >= 0) {
            /* every consumer of b must be inside the GELU group */
            int grp[5], h;
            ek_match_gelu(g, a, grp, &h);
            bool inside = true;
            for (int q = 0; q < g->nodes[b].n_outs; q++) {
                int c = g->nodes[b].outs[q].node;
                if (g->nodes[b].outs[q].port >= 0 && c != grp[0] && c != grp[3])
                    inside = false;
            }
            if (inside && ek_node_bf16(p, a) == ek_node_bf16(p, i) && !live_cast(p, grp[0], 0) &&
                !live_cast(p, grp[3], 0) && !live_cast(p, grp[3], 1)) {
                n->act = a;
                n->act_alg = dnnl_eltwise_gelu_erf;
                n->out = p->n[a].out;
                fuse(p, a, i);
                for (int j = 0; j < 5; j++)
                    if (p->n[grp[j]].kind == EK_FUSED)
                        p->n[grp[j]].anchor = i;
            }
            continue;
        }
        a = ek_sole_consumer(g, b);
        float al, be;
        int alg;
        if (a < 0 || p->n[a].kind != EK_COMPUTE || p->n[a].op != EO_ELTWISE ||
            (alg = act_alg_of(g, a, &al, &be)) < 0 || ek_node_bf16(p, a) != ek_node_bf16(p, i) ||
            has_cast_inputs(p, a))
            continue;
        n->act = a;
        n->act_alg = alg;
        n->act_alpha = al;
        n->act_beta = be;
        n->out = a;
        fuse(p, a, i);
    }
    /* Pad (zeros, spatial dims only) -> Conv2D: the convolution's own padding,
     * as TF's _MklNativePadWithConv2D */
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        struct ek_node *n = &p->n[i];
        if (n->kind != EK_COMPUTE || n->op != EO_CONV)
            continue;
        int pd = ek_in_node(g, i, 0);
        if (pd < 0 || p->n[pd].kind != EK_COMPUTE || p->n[pd].op != EO_PAD ||
            ek_sole_consumer(g, pd) != i || ek_is_graph_output(g, pd) ||
            ek_node_bf16(p, pd) != ek_node_bf16(p, i) || ek_cast_for(p, i, 0) >= 0 ||
            has_cast_inputs(p, pd))
            continue;
        int64_t pads[8];
        int np;
        bool nchw = !strcmp(ek_attr_str(&g->nodes[i], "data_format", "NHWC"), "NCHW");
        if (!ek_const_ints(g, ek_in_node(g, pd, 1), pads, 8, &np) || np != 8)
            continue;
        int c = nchw ? 1 : 3;
        if (pads[0] || pads[1] || pads[2 * c] || pads[2 * c + 1])
            continue;
        n->pad = pd;
        fuse(p, pd, i);
    }
    /* FusedBatchNorm + Relu: the norm's fuse_norm_relu flag */
    for (int k = 0; k < p->n_order; k++) {
        int i = p->order[k];
        struct ek_node *n = &p->n[i];
        if (n->kind != EK_COMPUTE || n->op != EO_BNORM || ek_is_graph_output(g, i))
            continue;
        int a = ek_sole_consumer(g, i);
        if (a < 0 || p->n[a].kind != EK_COMPUTE || strcmp(g->nodes[a].op, "Relu") ||
            ek_node_bf16(p, a) != ek_node_bf16(p, i) || has_cast_inputs(p, a))
            continue;
        n->act = a;
        n->act_alg = dnnl_eltwise_relu;
        n->out = a;
        fuse(p, a, i);
    }
}
