/* embedded_ops_misc.c: the builders of the element-wise and data-movement
 * nodes of the embedded executor: eltwise (and the GELU pattern), softmax,
 * pooling, batch norm, binary with broadcasting, reductions, concat, sum, and
 * the reorders behind Transpose, Cast, Pad and Slice/StridedSlice.
 */
#include "runner/embedded_int.h"

#include <oneapi/dnnl/dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

/* ---- element-wise, softmax, pooling, batch norm ------------------------------------------ */

enum status ek_build_eltwise(struct ek_ex *x, int i, int src_node_input, int alg, float al,
                                 float be)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    struct ek_val *iv;
    if (n->op == EO_GELU) {
        /* the pattern's entry: the input of its first node that is n->in */
        int d = nd->inputs[0].node;
        int j = ek_gn(x, d)->inputs[0].node == n->in ? 0 : 1;
        iv = ek_input(x, d, j, dt);
    } else {
        iv = ek_input(x, i, src_node_input, dt);
    }
    if (!iv)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, iv->rank, iv->dims, dt);
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    const char *names[1] = {"data"};
    const dnnl_memory_desc_t *mds[1] = {&sm};
    ek_describe(x, names, mds, 1);
    dnnl_eltwise_desc_t ed;
    dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, (dnnl_alg_kind_t)alg, &sm, al, be);
    dnnl_primitive_t prim = ek_prim(x, i, "eltwise", &ed, NULL, NULL);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

int ek_eltwise_alg(const struct g_node *nd, float *al, float *be)
{
    static const struct {
        const char *op;
        int alg;
        float a, b;
    } t[] = {
        {"Relu", dnnl_eltwise_relu, 0, 0},          {"Relu6", dnnl_eltwise_clip, 0, 6},
        {"Elu", dnnl_eltwise_elu, 1, 0},            {"LeakyRelu", dnnl_eltwise_relu, 0.2f, 0},
        {"Tanh", dnnl_eltwise_tanh, 0, 0},          {"Sigmoid", dnnl_eltwise_logistic, 0, 0},
        {"Exp", dnnl_eltwise_exp, 0, 0},            {"Log", dnnl_eltwise_log, 0, 0},
        {"Sqrt", dnnl_eltwise_sqrt, 0, 0},          {"Rsqrt", dnnl_eltwise_pow, 1, -0.5f},
        {"Reciprocal", dnnl_eltwise_pow, 1, -1},    {"Inv", dnnl_eltwise_pow, 1, -1},
        {"Square", dnnl_eltwise_square, 0, 0},      {"Abs", dnnl_eltwise_abs, 0, 0},
        {"Neg", dnnl_eltwise_linear, -1, 0},        {"Softplus", dnnl_eltwise_soft_relu, 0, 0},
        {"Swish", dnnl_eltwise_swish, 1, 0},        {"_MklSwish", dnnl_eltwise_swish, 1, 0},
        {"Gelu", dnnl_eltwise_gelu_erf, 0, 0},      {"Round", dnnl_eltwise_round, 0, 0},
    };
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
        if (!strcmp(nd->op, t[k].op)) {
            *al = t[k].a;
            *be = t[k].b;
            if (!strcmp(nd->op, "LeakyRelu")) {
                const struct g_attr *a = g_node_attr(nd, "alpha");
                if (a && a->kind == G_ATTR_F)
                    *al = (float)a->f;
            }
            if (!strcmp(nd->op, "Gelu")) {
                const struct g_attr *a = g_node_attr(nd, "approximate");
                if (a && a->b)
                    return dnnl_eltwise_gelu_tanh;
            }
            return t[k].alg;
        }
    return -1;
}

/* One reorder step of node i from (sm, src) to (dm, dst), described for error
 * messages; role goes to truth.tsv ("compute" or "cast"). */
static enum status add_reorder(struct ek_ex *x, int i, const dnnl_memory_desc_t *sm, void *src,
                               const dnnl_memory_desc_t *dm, void *dst, const char *role)
{
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {sm, dm};
    ek_describe(x, names, mds, 2);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, sm, x->eng, dm, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "reorder", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ek_mem(x, sm, src)}, {DNNL_ARG_TO, ek_mem(x, dm, dst)}};
    ek_add_step(x, prim, 2, args, i, -1, role);
    return ST_OK;
}

enum status ek_build_softmax(struct ek_ex *x, int i)
{
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    struct ek_val *iv = ek_input(x, i, 0, dt);
    if (!iv)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, iv->rank, iv->dims, dt);
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    const char *names[1] = {"data"};
    const dnnl_memory_desc_t *mds[1] = {&sm};
    ek_describe(x, names, mds, 1);
    dnnl_softmax_v2_desc_t sd;
    bool lg = !strcmp(ek_gn(x, i)->op, "LogSoftmax");
    dnnl_softmax_v2_forward_desc_init(&sd, dnnl_forward_inference,
                                      lg ? dnnl_softmax_log : dnnl_softmax_accurate, &sm, &dm,
                                      sm.ndims - 1);
    dnnl_primitive_t prim = ek_prim(x, i, "softmax", &sd, NULL, NULL);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

enum status ek_build_pool(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    bool nchw = !strcmp(ek_attr_str(nd, "data_format", "NHWC"), "NCHW");
    struct ek_val *iv = ek_input(x, i, 0, dt);
    if (!iv)
        return ST_ERUNTIME;
    if (iv->rank != 4)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): only 2-D pooling runs here",
                       nd->name, nd->op);
    struct ek_val *ov = ek_output(x, n->out, dt);
    int64_t ks[4] = {1, 1, 1, 1}, st4[4] = {1, 1, 1, 1};
    int k;
    ek_attr_ints(nd, "ksize", ks, 4, &k);
    ek_attr_ints(nd, "strides", st4, 4, &k);
    int hi = nchw ? 2 : 1, wi = nchw ? 3 : 2;
    dnnl_dims_t kern = {ks[hi], ks[wi]}, str = {st4[hi], st4[wi]}, dil = {0, 0}, pl = {0, 0},
                pr = {0, 0};
    if (!strcmp(ek_attr_str(nd, "padding", "VALID"), "SAME")) {
        ek_same_pad(iv->dims[hi], ks[hi], st4[hi], 1, ov->dims[hi], &pl[0], &pr[0]);
        ek_same_pad(iv->dims[wi], ks[wi], st4[wi], 1, ov->dims[wi], &pl[1], &pr[1]);
    }
    dnnl_memory_desc_t sm, dm;
    ek_act_md(&sm, iv->dims, nchw, dt);
    ek_act_md(&dm, ov->dims, nchw, dt);
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    ek_describe(x, names, mds, 2);
    dnnl_pooling_v2_desc_t pd;
    bool mx = !strcmp(nd->op, "MaxPool");
    dnnl_pooling_v2_forward_desc_init(&pd, dnnl_forward_inference,
                                      mx ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding, &sm,
                                      &dm, str, kern, dil, pl, pr);
    dnnl_primitive_t prim = ek_prim(x, i, "pooling", &pd, NULL, NULL);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

enum status ek_build_bnorm(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    bool nchw = !strcmp(ek_attr_str(nd, "data_format", "NHWC"), "NCHW");
    struct ek_val *iv = ek_input(x, i, 0, dt);
    if (!iv)
        return ST_ERUNTIME;
    if (iv->rank != 4 || nd->n_data_inputs < 5)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): expects a 4-D input and 5 operands",
                       nd->name, nd->op);
    struct ek_val *ov = ek_output(x, n->out, dt);
    const float *par[4];
    for (int q = 0; q < 4; q++) {
        struct ek_val *pv = ek_input(x, i, q + 1, dnnl_f32);
        if (!pv)
            return ST_ERUNTIME;
        par[q] = pv->buf;
    }
    int64_t C = nchw ? iv->dims[1] : iv->dims[3];
    dnnl_memory_desc_t sm, dm, cm;
    ek_act_md(&sm, iv->dims, nchw, dt);
    ek_act_md(&dm, ov->dims, nchw, dt);
    ek_md_plain(&cm, 1, &C, dnnl_f32);
    const char *names[1] = {"data"};
    const dnnl_memory_desc_t *mds[1] = {&sm};
    ek_describe(x, names, mds, 1);
    const struct g_attr *ea = g_node_attr(nd, "epsilon");
    float eps = ea && ea->kind == G_ATTR_F ? (float)ea->f : 1e-4f;
    unsigned flags = dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift;
    if (n->act_alg)
        flags |= dnnl_fuse_norm_relu;
    dnnl_batch_normalization_desc_t bd;
    dnnl_batch_normalization_forward_desc_init(&bd, dnnl_forward_inference, &sm, eps, flags);
    dnnl_primitive_t prim = ek_prim(x, i, "batch_normalization", &bd, NULL, NULL);
    if (!prim)
        return ST_ERUNTIME;
    (void)dm;
    dnnl_exec_arg_t args[6] = {{DNNL_ARG_SRC, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &sm, ov->buf)},
                               {DNNL_ARG_SCALE, ek_mem(x, &cm, (void *)par[0])},
                               {DNNL_ARG_SHIFT, ek_mem(x, &cm, (void *)par[1])},
                               {DNNL_ARG_MEAN, ek_mem(x, &cm, (void *)par[2])},
                               {DNNL_ARG_VARIANCE, ek_mem(x, &cm, (void *)par[3])}};
    ek_add_step(x, prim, 6, args, i, -1, "compute");
    return ST_OK;
}

/* ---- binary, bias, reduction, concat, transpose, cast ---------------------------------- */

static void align(const struct ek_val *v, int R, int64_t *d)
{
    int off = R - v->rank;
    for (int q = 0; q < R; q++)
        d[q] = q < off ? 1 : v->dims[q - off];
}

enum status ek_build_binary(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    const char *op = nd->op;
    bool bias = n->op == EO_BIAS;
    struct ek_val *a = ek_input(x, i, 0, dt), *b = ek_input(x, i, 1, dt);
    if (!a || !b)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    int R = ov->rank < 1 ? 1 : ov->rank;
    int64_t od[DNNL_MAX_NDIMS], ad[DNNL_MAX_NDIMS], bd[DNNL_MAX_NDIMS];
    if (ov->rank == 0)
        od[0] = 1;
    else
        memcpy(od, ov->dims, sizeof(int64_t) * (size_t)R);
    align(a, R, ad);
    if (bias && !strcmp(ek_attr_str(nd, "data_format", "NHWC"), "NCHW") && R >= 2) {
        for (int q = 0; q < R; q++)
            bd[q] = 1;
        bd[1] = b->dims[0];
    } else {
        align(b, R, bd);
    }
    int alg;
    bool commut = true;
    if (bias || !strcmp(op, "Add") || !strcmp(op, "AddV2"))
        alg = dnnl_binary_add;
    else if (!strcmp(op, "Mul"))
        alg = dnnl_binary_mul;
    else if (!strcmp(op, "Maximum"))
        alg = dnnl_binary_max;
    else if (!strcmp(op, "Minimum"))
        alg = dnnl_binary_min;
    else if (!strcmp(op, "Sub") || !strcmp(op, "SquaredDifference")) {
        alg = dnnl_binary_sub;
        commut = !strcmp(op, "SquaredDifference");
    } else {
        alg = dnnl_binary_div;
        commut = false;
    }
    bool a_full = !memcmp(ad, od, sizeof(int64_t) * (size_t)R);
    bool b_full = !memcmp(bd, od, sizeof(int64_t) * (size_t)R);
    bool swap = !a_full && b_full;
    if (!a_full && !b_full) {
        char s1[64], s2[64];
        ek_dims_str(a->rank, a->dims, s1, sizeof s1);
        ek_dims_str(b->rank, b->dims, s2, sizeof s2);
        return err_set(x->e, ST_EUNSUPPORTED,
                       "node '%s' (%s): broadcasting both operands (%s and %s) is not supported by "
                       "the embedded backend. Use --backend tf",
                       nd->name, op, s1, s2);
    }
    struct ek_val *s0 = swap ? b : a, *s1v = swap ? a : b;
    int64_t *d0 = swap ? bd : ad, *d1 = swap ? ad : bd;
    dnnl_memory_desc_t m0, m1, md;
    ek_md_plain(&m0, R, d0, dt);
    ek_md_plain(&m1, R, d1, dt);
    ek_md_plain(&md, R, od, dt);
    const char *names[3] = {"src0", "src1", "dst"};
    const dnnl_memory_desc_t *mds[3] = {&m0, &m1, &md};
    ek_describe(x, names, mds, 3);
    dnnl_primitive_attr_t attr = NULL;
    int post = 0;
    float pa = 0, pb = 0;
    if (!strcmp(op, "SquaredDifference"))
        post = dnnl_eltwise_square;
    else if (swap && !commut && alg == dnnl_binary_sub)
        post = dnnl_eltwise_linear, pa = -1, pb = 0;     /* a - b = -(b - a) */
    else if (swap && !commut)
        post = dnnl_eltwise_pow, pa = 1, pb = -1;        /* a / b = (b / a)^-1 */
    if (post) {
        dnnl_primitive_attr_create(&attr);
        dnnl_post_ops_t po;
        dnnl_post_ops_create(&po);
        dnnl_post_ops_append_eltwise(po, 1.0f, (dnnl_alg_kind_t)post, pa, pb);
        dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_post_ops_destroy(po);
    }
    dnnl_binary_desc_t bdsc;
    dnnl_binary_desc_init(&bdsc, (dnnl_alg_kind_t)alg, &m0, &m1, &md);
    dnnl_primitive_t prim = ek_prim(x, i, "binary", &bdsc, attr, NULL);
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC_0, ek_mem(x, &m0, s0->buf)},
                               {DNNL_ARG_SRC_1, ek_mem(x, &m1, s1v->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &md, ov->buf)}};
    ek_add_step(x, prim, 3, args, i, -1, "compute");
    return ST_OK;
}

enum status ek_build_reduce(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    struct ek_val *iv = ek_input(x, i, 0, dt);
    if (!iv)
        return ST_ERUNTIME;
    int64_t axes[G_MAX_RANK];
    int na = 0;
    if (!ek_const_ints(x->g, nd->inputs[1].node, axes, G_MAX_RANK, &na))
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): the axes are not a constant",
                       nd->name, nd->op);
    struct ek_val *ov = ek_output(x, n->out, dt);
    int R = iv->rank < 1 ? 1 : iv->rank;
    int64_t sd[DNNL_MAX_NDIMS], dd[DNNL_MAX_NDIMS];
    align(iv, R, sd);
    memcpy(dd, sd, sizeof sd);
    for (int q = 0; q < na; q++) {
        int64_t a = axes[q] < 0 ? axes[q] + iv->rank : axes[q];
        if (a >= 0 && a < R)
            dd[a] = 1;
    }
    const char *op = nd->op;
    int alg = !strcmp(op, "Mean") ? dnnl_reduction_mean
              : !strcmp(op, "Sum") ? dnnl_reduction_sum
              : !strcmp(op, "Max") ? dnnl_reduction_max
              : !strcmp(op, "Min") ? dnnl_reduction_min
                                   : dnnl_reduction_mul;
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, R, sd, dt);
    ek_md_plain(&dm, R, dd, dt);
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    ek_describe(x, names, mds, 2);
    dnnl_reduction_desc_t rd;
    dnnl_reduction_desc_init(&rd, (dnnl_alg_kind_t)alg, &sm, &dm, 0.f, 0.f);
    dnnl_primitive_t prim = ek_prim(x, i, "reduction", &rd, NULL, NULL);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

enum status ek_build_concat(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    int k = nd->n_data_inputs - 1;
    int64_t ax;
    int nax;
    if (k < 1 || !ek_const_ints(x->g, nd->inputs[k].node, &ax, 1, &nax) || nax != 1)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (ConcatV2): the axis is not a constant",
                       nd->name);
    struct ek_val *ov = ek_output(x, n->out, dt);
    if (ax < 0)
        ax += ov->rank;
    dnnl_memory_desc_t *sm = xcalloc((size_t)k, sizeof *sm);
    dnnl_exec_arg_t *args = xcalloc((size_t)k + 1, sizeof *args);
    enum status rs = ST_OK;
    for (int q = 0; q < k; q++) {
        struct ek_val *v = ek_input(x, i, q, dt);
        if (!v) {
            rs = ST_ERUNTIME;
            goto out;
        }
        ek_md_plain(&sm[q], v->rank, v->dims, dt);
        args[q].arg = DNNL_ARG_MULTIPLE_SRC + q;
        args[q].memory = ek_mem(x, &sm[q], v->buf);
    }
    dnnl_memory_desc_t dm;
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    const char *names[1] = {"dst"};
    const dnnl_memory_desc_t *mds[1] = {&dm};
    ek_describe(x, names, mds, 1);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_concat_primitive_desc_create(&pd, &dm, k, (int)ax, sm, NULL, x->eng);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "concat", pd, st);
    if (!prim) {
        rs = ST_ERUNTIME;
        goto out;
    }
    args[k].arg = DNNL_ARG_DST;
    args[k].memory = ek_mem(x, &dm, ov->buf);
    if (k + 1 > 16) {
        rs = err_set(x->e, ST_EUNSUPPORTED, "node '%s': concat of more than 15 tensors", nd->name);
        goto out;
    }
    ek_add_step(x, prim, k + 1, args, i, -1, "compute");
out:
    free(sm);
    free(args);
    return rs;
}

enum status ek_build_transpose(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    struct ek_val *iv = ek_input(x, i, 0, 0);
    if (!iv)
        return ST_ERUNTIME;
    int64_t perm[G_MAX_RANK];
    int np;
    if (!ek_const_ints(x->g, nd->inputs[1].node, perm, G_MAX_RANK, &np) || np != iv->rank)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (Transpose): the permutation is not a constant",
                       nd->name);
    if (!strcmp(nd->op, "Transpose"))
        dt = iv->dt; /* a transpose keeps the type it is given */
    struct ek_val *ov = ek_output(x, n->out, dt);
    int64_t is[G_MAX_RANK], vd[G_MAX_RANK], vs[G_MAX_RANK];
    ek_plain_strides(iv->rank, iv->dims, is);
    for (int q = 0; q < np; q++) {
        vd[q] = iv->dims[perm[q]];
        vs[q] = is[perm[q]];
    }
    dnnl_memory_desc_t sm, dm;
    ek_md_strided(&sm, np, vd, vs, iv->dt);
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    return add_reorder(x, i, &sm, iv->buf, &dm, ov->buf, "compute");
}

enum status ek_build_cast(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct g_attr *d = g_node_attr(nd, "DstT");
    dnnl_data_type_t to = d && d->type == TF_DT_BFLOAT16 ? dnnl_bf16 : dnnl_f32;
    struct ek_val *iv = ek_input(x, i, 0, 0);
    if (!iv)
        return ST_ERUNTIME;
    if (iv->dt == to || iv->is_const) {
        struct ek_val *v = &x->v[i];
        *v = *iv;
        v->ready = true;
        if (iv->is_const && iv->dt != to) {
            struct ek_val *ov = ek_output(x, i, to);
            struct ek_val *c = ek_input(x, i, 0, to);
            if (!c)
                return ST_ERUNTIME;
            memcpy(ov->buf, c->buf, (size_t)ek_elems(ov->rank, ov->dims) * (to == dnnl_bf16 ? 2 : 4));
        }
        return ST_OK;
    }
    struct ek_val *ov = ek_output(x, i, to);
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, iv->rank, iv->dims, iv->dt);
    ek_md_plain(&dm, ov->rank, ov->dims, to);
    return add_reorder(x, i, &sm, iv->buf, &dm, ov->buf, "cast");
}

/* Pad with zeros: the output buffer starts zeroed; a reorder writes the input
 * into its interior (a strided view at the right offset). */
enum status ek_build_pad(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    struct ek_val *iv = ek_input(x, i, 0, 0);
    if (!iv)
        return ST_ERUNTIME;
    int64_t pads[2 * G_MAX_RANK];
    int np;
    if (!ek_const_ints(x->g, nd->inputs[1].node, pads, 2 * G_MAX_RANK, &np) || np != 2 * iv->rank)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): paddings do not match the rank",
                       nd->name, nd->op);
    struct ek_val *ov = ek_output(x, n->out, iv->dt);
    int64_t os[G_MAX_RANK], off = 0;
    ek_plain_strides(ov->rank, ov->dims, os);
    for (int q = 0; q < iv->rank; q++)
        off += pads[2 * q] * os[q];
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, iv->rank, iv->dims, iv->dt);
    ek_md_strided(&dm, iv->rank, iv->dims, os, iv->dt);
    char *base = ov->buf;
    base += off * (iv->dt == dnnl_bf16 ? 2 : 4);
    return add_reorder(x, i, &sm, iv->buf, &dm, base, "compute");
}

enum status ek_build_addn(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    int k = nd->n_data_inputs;
    if (k < 1 || k > 15)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (AddN): %d operands (1..15 run here)",
                       nd->name, k);
    struct ek_val *ov = ek_output(x, n->out, dt);
    dnnl_memory_desc_t sm[16], dm;
    dnnl_exec_arg_t args[16];
    float scales[16];
    for (int q = 0; q < k; q++) {
        struct ek_val *v = ek_input(x, i, q, dt);
        if (!v)
            return ST_ERUNTIME;
        ek_md_plain(&sm[q], v->rank, v->dims, dt);
        args[q].arg = DNNL_ARG_MULTIPLE_SRC + q;
        args[q].memory = ek_mem(x, &sm[q], v->buf);
        scales[q] = 1.0f;
    }
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    const char *names[1] = {"dst"};
    const dnnl_memory_desc_t *mds[1] = {&dm};
    ek_describe(x, names, mds, 1);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_sum_primitive_desc_create(&pd, &dm, k, scales, sm, NULL, x->eng);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "sum", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    args[k].arg = DNNL_ARG_DST;
    args[k].memory = ek_mem(x, &dm, ov->buf);
    ek_add_step(x, prim, k + 1, args, i, -1, "compute");
    return ST_OK;
}

/* Slice/StridedSlice: a strided view of the input (offset + scaled strides)
 * copied by a reorder into a plain output. */
enum status ek_build_slice(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    struct ek_val *iv = ek_input(x, i, 0, 0);
    if (!iv)
        return ST_ERUNTIME;
    int R = iv->rank;
    int64_t b[G_MAX_RANK] = {0}, e[G_MAX_RANK] = {0}, st[G_MAX_RANK], nb = 0, ne = 0, ns = 0;
    int k1, k2, k3 = 0;
    bool strided = !strcmp(nd->op, "StridedSlice");
    ek_const_ints(x->g, nd->inputs[1].node, b, G_MAX_RANK, &k1);
    ek_const_ints(x->g, nd->inputs[2].node, e, G_MAX_RANK, &k2);
    for (int q = 0; q < G_MAX_RANK; q++)
        st[q] = 1;
    if (strided)
        ek_const_ints(x->g, nd->inputs[3].node, st, G_MAX_RANK, &k3);
    const struct g_attr *bm = g_node_attr(nd, "begin_mask"), *em = g_node_attr(nd, "end_mask"),
                        *sm_ = g_node_attr(nd, "shrink_axis_mask");
    nb = bm ? bm->i : 0;
    ne = em ? em->i : 0;
    ns = sm_ ? sm_->i : 0;
    int64_t is[G_MAX_RANK], vd[G_MAX_RANK], vs[G_MAX_RANK], off = 0;
    ek_plain_strides(R, iv->dims, is);
    for (int d = 0; d < R; d++) {
        int64_t dim = iv->dims[d], lo = 0, hi = dim, s = 1;
        if (d < k1) {
            if (strided) {
                s = st[d];
                lo = (nb >> d) & 1 ? 0 : b[d];
                hi = (ne >> d) & 1 ? dim : (d < k2 ? e[d] : dim);
                if (lo < 0)
                    lo += dim;
                if (hi < 0)
                    hi += dim;
                if ((ns >> d) & 1)
                    hi = lo + 1;
            } else {
                lo = b[d];
                hi = d < k2 && e[d] >= 0 ? lo + e[d] : dim; /* Slice: e is the size, -1 = rest */
            }
        }
        if (lo < 0)
            lo = 0;
        if (hi > dim)
            hi = dim;
        if (lo > dim)
            lo = dim;
        vd[d] = hi > lo ? (hi - lo + s - 1) / s : 0;
        vs[d] = is[d] * s;
        off += lo * is[d];
    }
    struct ek_val *ov = ek_output(x, n->out, iv->dt);
    if (ek_elems(R, vd) != ek_elems(ov->rank, ov->dims) || ek_elems(R, vd) == 0)
        return err_set(x->e, ST_EUNSUPPORTED,
                       "node '%s' (%s): the slice bounds give %lld elements, shape inference %lld",
                       nd->name, nd->op, (long long)ek_elems(R, vd),
                       (long long)ek_elems(ov->rank, ov->dims));
    dnnl_memory_desc_t smd, dmd;
    ek_md_strided(&smd, R, vd, vs, iv->dt);
    ek_md_plain(&dmd, R, vd, iv->dt);
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&smd, &dmd};
    ek_describe(x, names, mds, 2);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t stt = dnnl_reorder_primitive_desc_create(&pd, &smd, x->eng, &dmd, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "reorder", pd, stt);
    if (!prim)
        return ST_ERUNTIME;
    char *base = iv->buf;
    base += off * (iv->dt == dnnl_bf16 ? 2 : 4);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ek_mem(x, &smd, base)},
                               {DNNL_ARG_TO, ek_mem(x, &dmd, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}
