/* embedded_ops.c: one builder per kind of compute node of the embedded
 * executor. Each turns a node (with the nodes fused into it) into oneDNN
 * primitives over plain TF-layout tensors (NHWC activations, HWIO filters
 * reordered once into the layout the convolution prefers) and appends them to
 * the per-iteration step list.
 *
 * To add an op: classify it in embedded_plan.c (classify/data_inputs), then
 * add its builder here and a case in ek_build_node().
 */
#include "runner/embedded_int.h"

#include <oneapi/dnnl/dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

static dnnl_data_type_t cdt(const struct ek_ex *x, int node)
{
    return x->p->n[node].bf16 ? dnnl_bf16 : dnnl_f32;
}

static const struct g_node *N(const struct ek_ex *x, int node)
{
    return &x->g->nodes[node];
}

static dnnl_primitive_attr_t make_attr(const struct ek_node *n)
{
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_attr_create(&attr);
    if (n->act_alg && n->op != EO_BNORM) {
        dnnl_post_ops_t po;
        dnnl_post_ops_create(&po);
        dnnl_post_ops_append_eltwise(po, 1.0f, (dnnl_alg_kind_t)n->act_alg, n->act_alpha,
                                     n->act_beta);
        dnnl_primitive_attr_set_post_ops(attr, po);
        dnnl_post_ops_destroy(po);
    }
    return attr;
}

static void md_str(const dnnl_memory_desc_t *md, char *buf, size_t size)
{
    int64_t d[DNNL_MAX_NDIMS];
    for (int i = 0; i < md->ndims; i++)
        d[i] = md->dims[i];
    char ds[128];
    ek_dims_str(md->ndims, d, ds, sizeof ds);
    snprintf(buf, size, "%s %s", ds, ek_dt_name(md->data_type));
}

/* "src 1x16x28x28 f32, wei ..., dst ..." into x->what */
static void describe(struct ek_ex *x, const char *const *names, const dnnl_memory_desc_t *const *mds,
                     int n)
{
    size_t o = 0;
    x->what[0] = 0;
    for (int i = 0; i < n && o + 8 < sizeof x->what; i++) {
        if (!mds[i])
            continue;
        char b[160];
        md_str(mds[i], b, sizeof b);
        o += (size_t)snprintf(x->what + o, sizeof x->what - o, "%s%s %s", o ? ", " : "", names[i], b);
    }
}

/* Weights: if the pd wants another layout/type than the user memory, reorder
 * once (role reorder_wei). Returns the memory to pass as DNNL_ARG_WEIGHTS. */
static dnnl_memory_t weights_for(struct ek_ex *x, int node, dnnl_primitive_t prim,
                                 const dnnl_memory_desc_t *user_md, void *user_buf)
{
    const_dnnl_primitive_desc_t pd;
    dnnl_primitive_get_primitive_desc(prim, &pd);
    const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t um = ek_mem(x, user_md, user_buf);
    if (!want || dnnl_memory_desc_equal(want, user_md))
        return um;
    void *buf = ek_alloc(x, dnnl_memory_desc_get_size(want));
    dnnl_memory_t wm = ek_mem(x, want, buf);
    char a[160], b[160];
    md_str(user_md, a, sizeof a);
    md_str(want, b, sizeof b);
    snprintf(x->what, sizeof x->what, "weights %s -> %s (blocked)", a, b);
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&rpd, user_md, x->eng, want, x->eng, NULL);
    dnnl_primitive_t r = ek_prim_from_pd(x, node, "reorder", rpd, st);
    if (!r)
        return NULL;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, um}, {DNNL_ARG_TO, wm}};
    if (ek_run_once(x, r, 2, args, node, "reorder_wei") != ST_OK)
        return NULL;
    return wm;
}

/* ---- convolution ----------------------------------------------------------------- */

static void same_pad(int64_t in, int64_t k, int64_t s, int64_t d, int64_t out, int64_t *l, int64_t *r)
{
    int64_t eff = (k - 1) * d + 1;
    int64_t total = (out - 1) * s + eff - in;
    if (total < 0)
        total = 0;
    *l = total / 2;
    *r = total - *l;
}

/* NHWC/NCHW activations as oneDNN NCHW-logical descriptors. */
static void act_md(dnnl_memory_desc_t *md, const int64_t *tf, bool nchw, dnnl_data_type_t dt)
{
    int64_t d[4], s[4];
    if (nchw) {
        memcpy(d, tf, sizeof d);
        ek_plain_strides(4, d, s);
    } else {
        d[0] = tf[0];
        d[1] = tf[3];
        d[2] = tf[1];
        d[3] = tf[2];
        s[0] = tf[1] * tf[2] * tf[3];
        s[1] = 1;
        s[2] = tf[2] * tf[3];
        s[3] = tf[3];
    }
    ek_md_strided(md, 4, d, s, dt);
}

static enum status build_conv(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
    bool nchw = !strcmp(ek_attr_str(nd, "data_format", "NHWC"), "NCHW");
    bool depthwise = !strcmp(nd->op, "DepthwiseConv2dNative");
    int64_t fp[8] = {0}; /* a fused Pad's paddings, TF order (before, after) per dim */
    struct ek_val *xv;
    if (n->pad >= 0) {
        int np;
        ek_const_ints(x->g, N(x, n->pad)->inputs[1].node, fp, 8, &np);
        xv = ek_input(x, n->pad, 0, dt);
    } else {
        xv = ek_input(x, i, 0, dt);
    }
    if (!xv)
        return ST_ERUNTIME;
    if (xv->rank != 4)
        return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s): input is not 4-D", nd->name, nd->op);
    int64_t nfl;
    const float *fl = ek_const_f32(x, N(x, i)->inputs[1].node, &nfl);
    struct ek_val *fv = NULL;
    if (!fl) {
        fv = ek_input(x, i, 1, dt);
        if (!fv)
            return ST_ERUNTIME;
    } else {
        fv = &x->v[N(x, i)->inputs[1].node];
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
        same_pad(Hp, KH, st4[hi], di4[hi], OH, &pl[0], &pr[0]);
        same_pad(Wp, KW, st4[wi], di4[wi], OW, &pl[1], &pr[1]);
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
    act_md(&sm, xv->dims, nchw, dt);
    act_md(&dm, ov->dims, nchw, dt);
    int64_t OC = depthwise ? C * FO : FO;
    const float *bias = NULL;
    int64_t nb = 0;
    if (n->bias >= 0) {
        bias = ek_const_f32(x, N(x, n->bias)->inputs[1].node, &nb);
        int64_t bd[1] = {OC};
        ek_md_plain(&bm, 1, bd, dnnl_f32);
    }
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&sm, &wu, bias ? &bm : NULL, &dm};
    describe(x, names, mds, 4);
    dnnl_convolution_desc_t cd;
    dnnl_status_t s = dnnl_dilated_convolution_forward_desc_init(
        &cd, dnnl_forward_inference, dnnl_convolution_direct, &sm, &wa, bias ? &bm : NULL, &dm,
        strides, dil, pl, pr);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME,
                       "oneDNN rejected the convolution of node '%s' (%s): %s; status %s", nd->name,
                       nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "convolution", &cd, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = weights_for(x, i, prim, &wu, fl ? (void *)fl : fv->buf);
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
static enum status build_inner_product(struct ek_ex *x, int i, bool ta, bool tb)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    const float *bias = ek_const_f32(x, N(x, n->bias)->inputs[1].node, &nb);
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&sm, &wu, &bm, &dm};
    describe(x, names, mds, 4);
    dnnl_inner_product_desc_t id;
    dnnl_status_t s = dnnl_inner_product_forward_desc_init(&id, dnnl_forward_inference, &sm, &wa,
                                                           &bm, &dm);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME,
                       "oneDNN rejected the inner product of node '%s' (%s): %s; status %s",
                       nd->name, nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "inner_product", &id, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = weights_for(x, i, prim, &wu, bv->buf);
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

static enum status build_matmul(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
    int bnode = nd->inputs[1].node;
    bool bconst = x->p->n[bnode].kind == EK_CONST;
    if (!strcmp(nd->op, "MatMul") && n->bias >= 0 && bconst) {
        const struct g_attr *t1 = g_node_attr(nd, "transpose_a"), *t2 = g_node_attr(nd, "transpose_b");
        if (!(t1 && t1->b))
            return build_inner_product(x, i, false, t2 && t2->b);
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
        bias = ek_const_f32(x, N(x, n->bias)->inputs[1].node, &nb);
        int64_t bd[DNNL_MAX_NDIMS];
        for (int q = 0; q < m.rank; q++)
            bd[q] = 1;
        bd[m.rank - 1] = m.dd[m.rank - 1];
        ek_md_plain(&biasm, m.rank, bd, dnnl_f32);
    }
    const char *names[4] = {"src", "wei", "bia", "dst"};
    const dnnl_memory_desc_t *mds[4] = {&am, &bu, bias ? &biasm : NULL, &dm};
    describe(x, names, mds, 4);
    dnnl_matmul_desc_t md;
    dnnl_status_t s = dnnl_matmul_desc_init(&md, &am, &bm, bias ? &biasm : NULL, &dm);
    if (s != dnnl_success)
        return err_set(x->e, ST_ERUNTIME, "oneDNN rejected the matmul of node '%s' (%s): %s; status %s",
                       nd->name, nd->op, x->what, dnnl_status2str(s));
    dnnl_primitive_attr_t attr = make_attr(n);
    dnnl_primitive_t prim = ek_prim(x, i, "matmul", &md, attr, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_memory_t wm = bconst ? weights_for(x, i, prim, &bu, bv->buf) : ek_mem(x, &bu, bv->buf);
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

/* ---- element-wise, softmax, pooling, batch norm ------------------------------------------ */

static enum status build_eltwise(struct ek_ex *x, int i, int src_node_input, int alg, float al,
                                 float be)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
    struct ek_val *iv;
    if (n->op == EO_GELU) {
        /* the pattern's entry: the input of its first node that is n->in */
        int d = nd->inputs[0].node;
        int j = N(x, d)->inputs[0].node == n->in ? 0 : 1;
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
    describe(x, names, mds, 1);
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

static int eltwise_alg(const struct g_node *nd, float *al, float *be)
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

static enum status build_softmax(struct ek_ex *x, int i)
{
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
    struct ek_val *iv = ek_input(x, i, 0, dt);
    if (!iv)
        return ST_ERUNTIME;
    struct ek_val *ov = ek_output(x, n->out, dt);
    dnnl_memory_desc_t sm, dm;
    ek_md_plain(&sm, iv->rank, iv->dims, dt);
    ek_md_plain(&dm, ov->rank, ov->dims, dt);
    const char *names[1] = {"data"};
    const dnnl_memory_desc_t *mds[1] = {&sm};
    describe(x, names, mds, 1);
    dnnl_softmax_v2_desc_t sd;
    bool lg = !strcmp(N(x, i)->op, "LogSoftmax");
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

static enum status build_pool(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
        same_pad(iv->dims[hi], ks[hi], st4[hi], 1, ov->dims[hi], &pl[0], &pr[0]);
        same_pad(iv->dims[wi], ks[wi], st4[wi], 1, ov->dims[wi], &pl[1], &pr[1]);
    }
    dnnl_memory_desc_t sm, dm;
    act_md(&sm, iv->dims, nchw, dt);
    act_md(&dm, ov->dims, nchw, dt);
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    describe(x, names, mds, 2);
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

static enum status build_bnorm(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    act_md(&sm, iv->dims, nchw, dt);
    act_md(&dm, ov->dims, nchw, dt);
    ek_md_plain(&cm, 1, &C, dnnl_f32);
    const char *names[1] = {"data"};
    const dnnl_memory_desc_t *mds[1] = {&sm};
    describe(x, names, mds, 1);
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

static enum status build_binary(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    describe(x, names, mds, 3);
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

static enum status build_reduce(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    describe(x, names, mds, 2);
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

static enum status build_concat(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    describe(x, names, mds, 1);
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

static enum status build_transpose(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    describe(x, names, mds, 2);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, &sm, x->eng, &dm, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "reorder", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_TO, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

static enum status build_cast(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
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
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    describe(x, names, mds, 2);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, &sm, x->eng, &dm, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "reorder", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_TO, ek_mem(x, &dm, ov->buf)}};
    ek_add_step(x, prim, 2, args, i, -1, "cast");
    return ST_OK;
}

/* Pad with zeros: the output buffer starts zeroed; a reorder writes the input
 * into its interior (a strided view at the right offset). */
static enum status build_pad(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
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
    const char *names[2] = {"src", "dst"};
    const dnnl_memory_desc_t *mds[2] = {&sm, &dm};
    describe(x, names, mds, 2);
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, &sm, x->eng, &dm, x->eng, NULL);
    dnnl_primitive_t prim = ek_prim_from_pd(x, i, "reorder", pd, st);
    if (!prim)
        return ST_ERUNTIME;
    char *base = ov->buf;
    base += off * (iv->dt == dnnl_bf16 ? 2 : 4);
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, ek_mem(x, &sm, iv->buf)},
                               {DNNL_ARG_TO, ek_mem(x, &dm, base)}};
    ek_add_step(x, prim, 2, args, i, -1, "compute");
    return ST_OK;
}

static enum status build_addn(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
    const struct ek_node *n = &x->p->n[i];
    dnnl_data_type_t dt = cdt(x, i);
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
    describe(x, names, mds, 1);
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
static enum status build_slice(struct ek_ex *x, int i)
{
    const struct g_node *nd = N(x, i);
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
    describe(x, names, mds, 2);
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

enum status ek_build_node(struct ek_ex *x, int i)
{
    const struct ek_node *n = &x->p->n[i];
    float al = 0, be = 0;
    switch (n->op) {
    case EO_CONV:
        return build_conv(x, i);
    case EO_MATMUL:
        return build_matmul(x, i);
    case EO_BIAS:
    case EO_BINARY:
        return build_binary(x, i);
    case EO_ELTWISE: {
        int alg = eltwise_alg(N(x, i), &al, &be);
        return build_eltwise(x, i, 0, alg, al, be);
    }
    case EO_GELU:
        return build_eltwise(x, i, 0, dnnl_eltwise_gelu_erf, 0, 0);
    case EO_POOL:
        return build_pool(x, i);
    case EO_BNORM:
        return build_bnorm(x, i);
    case EO_SOFTMAX:
        return build_softmax(x, i);
    case EO_REDUCE:
        return build_reduce(x, i);
    case EO_CONCAT:
        return build_concat(x, i);
    case EO_TRANSPOSE:
        return build_transpose(x, i);
    case EO_CAST:
        return build_cast(x, i);
    case EO_PAD:
        return build_pad(x, i);
    case EO_ADDN:
        return build_addn(x, i);
    case EO_SLICE:
        return build_slice(x, i);
    case EO_NONE:
        break;
    }
    return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s) cannot run on the embedded backend",
                   N(x, i)->name, N(x, i)->op);
}
