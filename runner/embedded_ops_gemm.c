/* embedded_ops_gemm.c: the builders of the heavy nodes of the embedded
 * executor: convolutions (HWIO filters reordered once into the layout the
 * primitive prefers; a Pad folded into the padding), inner products for
 * MatMul+BiasAdd with constant weights (as TF's _MklFusedMatMul), and matmul
 * for MatMul, BatchMatMul* and two-operand Einsums over strided views.
 */
#include "runner/embedded_int.h"

#include <oneapi/dnnl/dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

enum status ek_build_conv(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    bool nchw = !strcmp(ek_attr_str(nd, "data_format", "NHWC"), "NCHW");
    bool depthwise = !strcmp(nd->op, "DepthwiseConv2dNative");
    int64_t fp[8] = {0}; /* a fused Pad's paddings, TF order (before, after) per dim */
    struct ek_val *xv;
    if (n->pad >= 0) {
        int np;
        ek_const_ints(x->g, ek_gn(x, n->pad)->inputs[1].node, fp, 8, &np);
        xv = ek_input(x, n->pad, 0, dt);
    } else {
        xv = ek_input(x, i, 0, dt);
    }
    if (!xv)
        return ST_ERUNTIME;
    if (xv->rank != 4)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): input is not 4-D", nd->name, nd->op);
    int64_t nfl;
    const float *fl = ek_const_f32(x, ek_gn(x, i)->inputs[1].node, &nfl);
    struct ek_val *fv = NULL;
    if (!fl) {
        fv = ek_input(x, i, 1, dt);
        if (!fv)
            return ST_ERUNTIME;
    } else {
        fv = &x->v[ek_gn(x, i)->inputs[1].node];
    }
    if (fv->rank != 4)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): filter is not 4-D", nd->name, nd->op);
    int64_t KH = fv->dims[0], KW = fv->dims[1], FI = fv->dims[2], FO = fv->dims[3];
    int64_t C = nchw ? xv->dims[1] : xv->dims[3];
    int64_t H = nchw ? xv->dims[2] : xv->dims[1], W = nchw ? xv->dims[3] : xv->dims[2];
    struct ek_val *ov = ek_output(x, n->out, dt);
    int64_t OH = nchw ? ov->dims[2] : ov->dims[1], OW = nchw ? ov->dims[3] : ov->dims[2];
    int64_t st4[4] = {1, 1, 1, 1}, di4[4] = {1, 1, 1, 1}, ep[8] = {0};
    int k;
    ek_attr_ints(nd, "strides", st4, 4, &k);
    ek_attr_ints(nd, "dilations", di4, 4, &k);
    int hi = nchw ? 2 : 1, wi = nchw ? 3 : 2;
    dnnl_dims_t strides = {st4[hi], st4[wi]}, dil = {di4[hi] - 1, di4[wi] - 1};
    dnnl_dims_t pl = {0, 0}, pr = {0, 0};
    const char *pad = ek_attr_str(nd, "padding", "VALID");
    int64_t Hp = H + fp[2 * hi] + fp[2 * hi + 1], Wp = W + fp[2 * wi] + fp[2 * wi + 1];
    if (!strcmp(pad, "SAME")) {
        ek_same_pad(Hp, KH, st4[hi], di4[hi], OH, &pl[0], &pr[0]);
        ek_same_pad(Wp, KW, st4[wi], di4[wi], OW, &pl[1], &pr[1]);
    } else if (!strcmp(pad, "EXPLICIT") && ek_attr_ints(nd, "explicit_paddings", ep, 8, &k) && k == 8) {
        pl[0] = ep[2 * hi];
        pr[0] = ep[2 * hi + 1];
        pl[1] = ep[2 * wi];
        pr[1] = ep[2 * wi + 1];
    }
    pl[0] += fp[2 * hi];
    pr[0] += fp[2 * hi + 1];
    pl[1] += fp[2 * wi];
    pr[1] += fp[2 * wi + 1];
    /* weights: TF HWIO (depthwise: H W C M) as oneDNN (g)oihw with strides */
    dnnl_memory_desc_t wu, wa, sm, dm, bm;
    int64_t groups = depthwise ? C : (FI > 0 && C != FI ? C / FI : 1);
    dnnl_data_type_t wdt = fl ? dnnl_f32 : fv->dt;
    if (depthwise) {
        int64_t d[5] = {C, FO, 1, KH, KW};
        int64_t s[5] = {FO, 1, 1, KW * FI * FO, FI * FO};
        ek_md_strided(&wu, 5, d, s, wdt);
    } else if (groups > 1) {
        int64_t og = FO / groups;
        int64_t d[5] = {groups, og, FI, KH, KW};
        int64_t s[5] = {og, 1, FO, KW * FI * FO, FI * FO};
        ek_md_strided(&wu, 5, d, s, wdt);
    } else {
        int64_t d[4] = {FO, FI, KH, KW};
        int64_t s[4] = {1, FO, KW * FI * FO, FI * FO};
        ek_md_strided(&wu, 4, d, s, wdt);
    }
    dnnl_memory_desc_init_by_tag(&wa, wu.ndims, wu.dims, dt, dnnl_format_tag_any);
    ek_act_md(&sm, xv->dims, nchw, dt);
    ek_act_md(&dm, ov->dims, nchw, dt);
    int64_t OC = depthwise ? C * FO : FO;
    const float *bias = NULL;
    int64_t nb = 0;
    if (n->bias >= 0) {
        bias = ek_bias_f32(x, n->bias, &nb);
        int64_t bd[1] = {OC};
        ek_md_plain(&bm, 1, bd, dnnl_f32);
    }
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&sm, &wu, bias ? &bm : NULL, &dm};
    ek_describe(x, names, mds, 4);
    dnnl_convolution_desc_t cd;
    dnnl_status_t s = dnnl_dilated_convolution_forward_desc_init(
        &cd, dnnl_forward_inference, dnnl_convolution_direct, &sm, &wa, bias ? &bm : NULL, &dm,
        strides, dil, pl, pr);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME,
                       "oneDNN rejected the convolution of node '%s' (%s): %s; status %s", nd->name,
                       nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = ek_make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "convolution", &cd, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = ek_weights_for(x, i, prim, &wu, fl ? (void *)fl : fv->buf);
    if (!wm)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, ek_mem(x, &sm, xv->buf)},
                               {DNNL_ARG_WEIGHTS, wm},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)},
                               {DNNL_ARG_BIAS, NULL}};
    int na = 3;
    if (bias)
        args[na++].memory = ek_mem(x, &bm, (void *)bias);
    ek_add_step(x, prim, na, args, i, -1, "compute");
    return ST_OK;
}

/* ---- matmul, batch matmul, einsum ----------------------------------------------------- */

struct mm {
    int rank;
    int64_t ad[DNNL_MAX_NDIMS], as[DNNL_MAX_NDIMS];
    int64_t bd[DNNL_MAX_NDIMS], bs[DNNL_MAX_NDIMS];
    int64_t dd[DNNL_MAX_NDIMS], ds[DNNL_MAX_NDIMS];
};

/* Operand of rank r padded to R with leading 1s; trans swaps the last two. */
static void mm_operand(const struct ek_val *v, int R, bool trans, int64_t *d, int64_t *s)
{
    int64_t ps[G_MAX_RANK];
    ek_plain_strides(v->rank, v->dims, ps);
    int off = R - v->rank;
    for (int i = 0; i < R; i++) {
        d[i] = i < off ? 1 : v->dims[i - off];
        s[i] = i < off ? 1 : ps[i - off];
    }
    if (trans) {
        int64_t t = d[R - 1];
        d[R - 1] = d[R - 2];
        d[R - 2] = t;
        t = s[R - 1];
        s[R - 1] = s[R - 2];
        s[R - 2] = t;
    }
    for (int i = 0; i < off; i++)
        s[i] = d[off] * s[off];
}

static bool idx_of(const char *s, char c, int *pos)
{
    const char *p = strchr(s, c);
    if (!p || !c)
        return false;
    *pos = (int)(p - s);
    return true;
}

/* Einsum of two operands as one (batched) matmul over strided views. */
static const char *einsum_mm(const char *eq, const struct ek_val *a, const struct ek_val *b,
                             const struct ek_val *o, struct mm *m)
{
    char la[16], lb[16], lo[16];
    const char *comma = strchr(eq, ','), *arrow = strstr(eq, "->");
    if (!comma || !arrow || comma > arrow || comma - eq >= 16 || arrow - comma - 1 >= 16 ||
        strlen(arrow + 2) >= 16)
        return "equation not of the form 'ab,bc->ac'";
    snprintf(la, sizeof la, "%.*s", (int)(comma - eq), eq);
    snprintf(lb, sizeof lb, "%.*s", (int)(arrow - comma - 1), comma + 1);
    snprintf(lo, sizeof lo, "%s", arrow + 2);
    if ((int)strlen(la) != a->rank || (int)strlen(lb) != b->rank || (int)strlen(lo) != o->rank)
        return "equation does not match the operand ranks";
    int64_t sa[G_MAX_RANK], sb[G_MAX_RANK], so[G_MAX_RANK];
    ek_plain_strides(a->rank, a->dims, sa);
    ek_plain_strides(b->rank, b->dims, sb);
    ek_plain_strides(o->rank, o->dims, so);
    int pa, pb, po;
    char mch = 0, nch = 0;
    for (int i = 0; lo[i]; i++) {
        bool ia = idx_of(la, lo[i], &pa), ib = idx_of(lb, lo[i], &pb);
        if (!ia && !ib)
            return "an output letter is in neither operand";
        if (ia && !ib)
            mch = lo[i];
        if (!ia && ib)
            nch = lo[i];
    }
    /* contracted letters: in both inputs, not in the output */
    char kl[16];
    int nk = 0;
    for (int i = 0; la[i]; i++) {
        if (idx_of(lo, la[i], &po))
            continue;
        if (!idx_of(lb, la[i], &pb))
            return "a letter is summed within one operand";
        kl[nk++] = la[i];
    }
    for (int i = 0; lb[i]; i++)
        if (!idx_of(lo, lb[i], &po) && !idx_of(la, lb[i], &pa))
            return "a letter is summed within one operand";
    int64_t K = 1, ksa = 1, ksb = 1;
    if (nk > 0) {
        /* the contracted letters must be one contiguous block in both operands */
        int a0 = 0, b0 = 0;
        idx_of(la, kl[0], &a0);
        idx_of(lb, kl[0], &b0);
        for (int q = 0; q < nk; q++) {
            int x1, y1;
            if (!idx_of(la, kl[q], &x1) || !idx_of(lb, kl[q], &y1) || x1 != a0 + q || y1 != b0 + q)
                return "contracted letters are not adjacent in the same order in both operands";
            K *= a->dims[x1];
        }
        ksa = sa[a0 + nk - 1];
        ksb = sb[b0 + nk - 1];
    }
    int R = 0;
    for (int i = 0; lo[i]; i++) {
        if (lo[i] == mch || lo[i] == nch)
            continue;
        bool ia = idx_of(la, lo[i], &pa), ib = idx_of(lb, lo[i], &pb);
        idx_of(lo, lo[i], &po);
        m->ad[R] = ia ? a->dims[pa] : 1;
        m->as[R] = ia ? sa[pa] : 1;
        m->bd[R] = ib ? b->dims[pb] : 1;
        m->bs[R] = ib ? sb[pb] : 1;
        m->dd[R] = o->dims[po];
        m->ds[R] = so[po];
        R++;
    }
    int64_t M = 1, Ms = 1, Nn = 1, Ns = 1, dMs = 1, dNs = 1;
    if (mch) {
        idx_of(la, mch, &pa);
        idx_of(lo, mch, &po);
        M = a->dims[pa];
        Ms = sa[pa];
        dMs = so[po];
    }
    if (nch) {
        idx_of(lb, nch, &pb);
        idx_of(lo, nch, &po);
        Nn = b->dims[pb];
        Ns = sb[pb];
        dNs = so[po];
    }
    m->ad[R] = M;
    m->as[R] = Ms;
    m->ad[R + 1] = K;
    m->as[R + 1] = ksa;
    m->bd[R] = K;
    m->bs[R] = ksb;
    m->bd[R + 1] = Nn;
    m->bs[R + 1] = Ns;
    m->dd[R] = M;
    m->ds[R] = dMs;
    m->dd[R + 1] = Nn;
    m->ds[R + 1] = dNs;
    m->rank = R + 2;
    return NULL;
}

/* MatMul + BiasAdd with constant weights: TensorFlow's _MklFusedMatMul runs
 * these as an inner product (src MxK, weights NxK, bias N, dst MxN). */
static enum status ek_build_inner_product(struct ek_ex *x, int i, bool ta, bool tb)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    struct ek_val *av = ek_input(x, i, 0, dt);
    if (!av)
        return ST_ERUNTIME;
    struct ek_val *bv = ek_input(x, i, 1, 0);
    if (!bv)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    int64_t M = ov->dims[0], Nn = ov->dims[1], K = ta ? av->dims[0] : av->dims[1];
    int64_t sd[2] = {M, K}, ss[2] = {ta ? 1 : K, ta ? M : 1};
    int64_t wd[2] = {Nn, K}, ws[2] = {tb ? K : 1, tb ? 1 : Nn};
    int64_t dd[2] = {M, Nn}, bd[1] = {Nn};
    dnnl_memory_desc_t sm, wu, wa, dm, bm;
    ek_md_strided(&sm, 2, sd, ss, dt);
    ek_md_strided(&wu, 2, wd, ws, bv->dt);
    dnnl_memory_desc_init_by_tag(&wa, 2, wu.dims, dt, dnnl_format_tag_any);
    ek_md_plain(&dm, 2, dd, dt);
    ek_md_plain(&bm, 1, bd, dnnl_f32);
    int64_t nb;
    const float *bias = ek_bias_f32(x, n->bias, &nb);
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&sm, &wu, &bm, &dm};
    ek_describe(x, names, mds, 4);
    dnnl_inner_product_desc_t id;
    dnnl_status_t s = dnnl_inner_product_forward_desc_init(&id, dnnl_forward_inference, &sm, &wa,
                                                           &bm, &dm);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME,
                       "oneDNN rejected the inner product of node '%s' (%s): %s; status %s",
                       nd->name, nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = ek_make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "inner_product", &id, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = ek_weights_for(x, i, prim, &wu, bv->buf);
    if (!wm)
        return ST_ERUNTIME;
    /* a transposed src cannot be given as is: let the primitive say so */
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, ek_mem(x, &sm, av->buf)},
                               {DNNL_ARG_WEIGHTS, wm},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)},
                               {DNNL_ARG_BIAS, ek_mem(x, &bm, (void *)bias)}};
    ek_add_step(x, prim, 4, args, i, -1, "compute");
    return ST_OK;
}

enum status ek_build_matmul(struct ek_ex *x, int i)
{
    const struct g_node *nd = ek_gn(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = ek_cdt(x, i);
    int bnode = nd->inputs[1].node;
    bool bconst = x->p->n[bnode].kind == EK_CONST;
    if (!strcmp(nd->op, "MatMul") && n->bias >= 0 && bconst) {
        const struct g_attr *t1 = g_node_attr(nd, "transpose_a"), *t2 = g_node_attr(nd, "transpose_b");
        if (!(t1 && t1->b))
            return ek_build_inner_product(x, i, false, t2 && t2->b);
    }
    struct ek_val *av = ek_input(x, i, 0, dt);
    if (!av)
        return ST_ERUNTIME;
    struct ek_val *bv = ek_input(x, i, 1, bconst ? 0 : dt);
    if (!bv)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    struct mm m;
    memset(&m, 0, sizeof m);
    if (!strcmp(nd->op, "Einsum")) {
        const char *why = einsum_mm(ek_attr_str(nd, "equation", ""), av, bv, ov, &m);
        if (why)
            return err_set(x->e, ST_EUNSUPPORTED,
                           "node '%s' (Einsum \"%s\"): %s; the embedded backend runs Einsums "
                           "that are one (batched) matmul. Use --backend tf",
                           nd->name, ek_attr_str(nd, "equation", ""), why);
    } else {
        bool ta, tb;
        const struct g_attr *t1 = g_node_attr(nd, "transpose_a"), *t2 = g_node_attr(nd, "transpose_b");
        if (!t1)
            t1 = g_node_attr(nd, "adj_x");
        if (!t2)
            t2 = g_node_attr(nd, "adj_y");
        ta = t1 && t1->b;
        tb = t2 && t2->b;
        int R = ov->rank < 2 ? 2 : ov->rank;
        if (av->rank < 2 || bv->rank < 2)
            return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): operands of rank < 2", nd->name,
                           nd->op);
        mm_operand(av, R, ta, m.ad, m.as);
        mm_operand(bv, R, tb, m.bd, m.bs);
        memcpy(m.dd, ov->dims, sizeof(int64_t) * (size_t)R);
        ek_plain_strides(R, m.dd, m.ds);
        m.rank = R;
    }
    dnnl_memory_desc_t am, bu, bm, dm, biasm;
    ek_md_strided(&am, m.rank, m.ad, m.as, dt);
    ek_md_strided(&bu, m.rank, m.bd, m.bs, bconst ? bv->dt : dt);
    if (bconst)
        dnnl_memory_desc_init_by_tag(&bm, m.rank, bu.dims, dt, dnnl_format_tag_any);
    else
        bm = bu;
    ek_md_strided(&dm, m.rank, m.dd, m.ds, dt);
    const float *bias = NULL;
    if (n->bias >= 0) {
        int64_t nb;
        bias = ek_bias_f32(x, n->bias, &nb);
        int64_t bd[DNNL_MAX_NDIMS];
        for (int q = 0; q < m.rank; q++)
            bd[q] = 1;
        bd[m.rank - 1] = m.dd[m.rank - 1];
        ek_md_plain(&biasm, m.rank, bd, dnnl_f32);
    }
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&am, &bu, bias ? &biasm : NULL, &dm};
    ek_describe(x, names, mds, 4);
    dnnl_matmul_desc_t md;
    dnnl_status_t s = dnnl_matmul_desc_init(&md, &am, &bm, bias ? &biasm : NULL, &dm);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME, "oneDNN rejected the matmul of node '%s' (%s): %s; status %s",
                       nd->name, nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = ek_make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "matmul", &md, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = bconst ? ek_weights_for(x, i, prim, &bu, bv->buf) : ek_mem(x, &bu, bv->buf);
    if (!wm)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, ek_mem(x, &am, av->buf)},
                               {DNNL_ARG_WEIGHTS, wm},
                               {DNNL_ARG_DST, ek_mem(x, &dm, ov->buf)},
                               {DNNL_ARG_BIAS, NULL}};
    int na = 3;
    if (bias)
        args[na++].memory = ek_mem(x, &biasm, (void *)bias);
    ek_add_step(x, prim, na, args, i, -1, "compute");
    return ST_OK;
}
