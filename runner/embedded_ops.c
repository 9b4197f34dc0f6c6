/* embedded_ops.c: what the op builders of the embedded executor share
 * (descriptions for error messages, post-op attributes, the one-time weight
 * reorder, NHWC descriptors, TF's SAME padding) and the dispatcher that picks
 * a node's builder (embedded_ops_gemm.c, embedded_ops_misc.c).
 *
 * To add an op: classify it in embedded_plan.c (classify/data_inputs), write
 * its builder in embedded_ops_gemm.c or embedded_ops_misc.c, declare it in
 * embedded_int.h and add a case in ek_build_node().
 */
#include "runner/embedded_int.h"

#include <oneapi/dnnl/dnnl_debug.h>
#include <stdlib.h>
#include <string.h>

dnnl_primitive_attr_t ek_make_attr(const struct ek_node *n)
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

void ek_md_str(const dnnl_memory_desc_t *md, char *buf, size_t size)
{
    int64_t d[DNNL_MAX_NDIMS];
    for (int i = 0; i < md->ndims; i++)
        d[i] = md->dims[i];
    char ds[128];
    ek_dims_str(md->ndims, d, ds, sizeof ds);
    snprintf(buf, size, "%s %s", ds, ek_dt_name(md->data_type));
}

/* "src 1x16x28x28 f32, wei ..., dst ..." into x->what */
void ek_describe(struct ek_ex *x, const char *const *names, const dnnl_memory_desc_t *const *mds,
                     int n)
{
    size_t o = 0;
    x->what[0] = 0;
    for (int i = 0; i < n && o + 8 < sizeof x->what; i++) {
        if (!mds[i])
            continue;
        char b[160];
        ek_md_str(mds[i], b, sizeof b);
        o += (size_t)snprintf(x->what + o, sizeof x->what - o, "%s%s %s", o ? ", " : "", names[i], b);
    }
}

/* Weights: if the pd wants another layout/type than the user memory, reorder
 * once (role reorder_wei). Returns the memory to pass as DNNL_ARG_WEIGHTS. */
dnnl_memory_t ek_weights_for(struct ek_ex *x, int node, dnnl_primitive_t prim,
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
    ek_md_str(user_md, a, sizeof a);
    ek_md_str(want, b, sizeof b);
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

void ek_same_pad(int64_t in, int64_t k, int64_t s, int64_t d, int64_t out, int64_t *l, int64_t *r)
{
    int64_t eff = (k - 1) * d + 1;
    int64_t total = (out - 1) * s + eff - in;
    if (total < 0)
        total = 0;
    *l = total / 2;
    *r = total - *l;
}

/* NHWC/NCHW activations as oneDNN NCHW-logical descriptors. */
void ek_act_md(dnnl_memory_desc_t *md, const int64_t *tf, bool nchw, dnnl_data_type_t dt)
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

enum status ek_build_node(struct ek_ex *x, int i)
{
    const struct ek_node *n = &x->p->n[i];
    float al = 0, be = 0;
    switch (n->op) {
    case EO_CONV:
        return ek_build_conv(x, i);
    case EO_MATMUL:
        return ek_build_matmul(x, i);
    case EO_BIAS:
    case EO_BINARY:
        return ek_build_binary(x, i);
    case EO_ELTWISE: {
        int alg = ek_eltwise_alg(ek_gn(x, i), &al, &be);
        return ek_build_eltwise(x, i, 0, alg, al, be);
    }
    case EO_GELU:
        return ek_build_eltwise(x, i, 0, dnnl_eltwise_gelu_erf, 0, 0);
    case EO_POOL:
        return ek_build_pool(x, i);
    case EO_BNORM:
        return ek_build_bnorm(x, i);
    case EO_SOFTMAX:
        return ek_build_softmax(x, i);
    case EO_REDUCE:
        return ek_build_reduce(x, i);
    case EO_CONCAT:
        return ek_build_concat(x, i);
    case EO_TRANSPOSE:
        return ek_build_transpose(x, i);
    case EO_CAST:
        return ek_build_cast(x, i);
    case EO_PAD:
        return ek_build_pad(x, i);
    case EO_ADDN:
        return ek_build_addn(x, i);
    case EO_SLICE:
        return ek_build_slice(x, i);
    case EO_NONE:
        break;
    }
    return err_set(x->e, ST_EUNSUPPORTED, "node '%s' (%s) cannot run on the embedded backend",
                   ek_gn(x, i)->name, ek_gn(x, i)->op);
}
