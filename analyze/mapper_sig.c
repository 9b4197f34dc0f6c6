/* mapper_sig.c: the signatures the mapper aligns on. Event side: the
 * primitive kind and the problem descriptor of every oneDNN era read into
 * shape features. Node side: the same features computed from a node's op,
 * attributes and inferred shapes (NHWC/NCHW convolutions, depthwise groups,
 * MatMul as inner product or matmul, BatchMatMul/Einsum contraction size,
 * pooling windows, broadcast binaries, concat, reductions, Casts).
 */
#include "analyze/mapper_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- kinds ----------------------------------------------------------- */

static const char *const kind_names[MK__COUNT] = {
    "none",    "convolution", "deconvolution", "inner_product", "matmul",  "eltwise",  "binary",
    "pooling", "batch_normalization", "layer_normalization", "softmax", "concat", "reduction",
    "reorder", "sum", "lrn", "resampling", "shuffle", "prelu", "other",
};

const char *map_kind_name(enum map_kind k)
{
    return (k >= 0 && k < MK__COUNT) ? kind_names[k] : "none";
}

enum map_kind map_kind_of_prim(const char *prim)
{
    if (!prim || !*prim)
        return MK_NONE;
    static const struct { const char *name; enum map_kind k; } t[] = {
        {"convolution", MK_CONV},      {"deconvolution", MK_DECONV},
        {"inner_product", MK_IP},      {"matmul", MK_MATMUL},
        {"gemm", MK_MATMUL},           {"gemm_api", MK_MATMUL},
        {"eltwise", MK_ELTWISE},       {"binary", MK_BINARY},
        {"pooling", MK_POOL},          {"pooling_v2", MK_POOL},
        {"batch_normalization", MK_BNORM}, {"layer_normalization", MK_LNORM},
        {"group_normalization", MK_BNORM}, {"softmax", MK_SOFTMAX},
        {"softmax_v2", MK_SOFTMAX},    {"logsoftmax", MK_SOFTMAX},
        {"concat", MK_CONCAT},         {"reduction", MK_REDUCTION},
        {"reorder", MK_REORDER},       {"sum", MK_SUM},
        {"lrn", MK_LRN},               {"resampling", MK_RESAMPLING},
        {"shuffle", MK_SHUFFLE},       {"prelu", MK_PRELU},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(prim, t[i].name))
            return t[i].k;
    return MK_OTHER;
}

/* ---- event side ------------------------------------------------------ */

/* Reads "name<int>" pairs of a benchdnn-style descriptor ("g2mb1_ic3oc64_ih..").
 * names[] gets lower-case names (up to 7 chars). Returns the count. */
struct tok {
    char name[8];
    int64_t v;
};
static int tokenize(const char *s, struct tok *t, int max)
{
    int n = 0;
    while (*s && n < max) {
        if (!isalpha((unsigned char)*s)) {
            s++;
            continue;
        }
        int k = 0;
        while (isalpha((unsigned char)*s)) {
            if (k < 7)
                t[n].name[k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        t[n].name[k] = 0;
        if (*s == '*') { /* runtime dim */
            t[n].v = -1;
            s++;
            n++;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            continue;
        int64_t v = 0;
        while (isdigit((unsigned char)*s)) {
            if (v < ((int64_t)1 << 50))
                v = v * 10 + (*s - '0');
            s++;
        }
        while (*s == '.' || isdigit((unsigned char)*s)) /* "beta0.75" */
            s++;
        t[n].v = v;
        n++;
    }
    return n;
}

static int64_t tok_get(const struct tok *t, int n, const char *name, int64_t dflt)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(t[i].name, name))
            return t[i].v;
    return dflt;
}

/* "AxBxC:DxE:..." into groups of dims. Returns groups read (0 if not dims). */
#define MAX_GROUPS 8
struct dims {
    int n;
    int64_t d[G_MAX_RANK + 4];
};
static int parse_dim_groups(const char *s, struct dims *g, int max)
{
    int ng = 0;
    if (!s || !(isdigit((unsigned char)*s) || *s == '*'))
        return 0;
    while (*s && ng < max) {
        struct dims *cur = &g[ng];
        cur->n = 0;
        for (;;) {
            int64_t v = -1;
            if (*s == '*') {
                s++;
            } else if (isdigit((unsigned char)*s)) {
                v = 0;
                while (isdigit((unsigned char)*s)) {
                    if (v < ((int64_t)1 << 50))
                        v = v * 10 + (*s - '0');
                    s++;
                }
            } else {
                return ng;
            }
            if (cur->n < G_MAX_RANK + 4)
                cur->d[cur->n++] = v;
            if (*s == 'x') {
                s++;
                continue;
            }
            break;
        }
        ng++;
        if (*s == ':') {
            s++;
            continue;
        }
        break;
    }
    return ng;
}

/* a * b of sizes, -1 when either is unknown or the product overflows (a
 * damaged or hostile problem string must not wrap into a plausible size) */
static int64_t mul_known(int64_t a, int64_t b)
{
    int64_t r;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
        return -1;
    return r;
}

static int64_t dims_elems(const struct dims *d)
{
    if (d->n == 0)
        return -1;
    int64_t e = 1;
    for (int i = 0; i < d->n; i++) {
        e = mul_known(e, d->d[i]);
        if (e < 0)
            return -1;
    }
    return e;
}


int64_t map_problem_elems(const char *problem)
{
    struct dims g[MAX_GROUPS];
    int ng = parse_dim_groups(problem, g, MAX_GROUPS);
    if (ng > 0)
        return dims_elems(&g[0]);
    if (!problem || !*problem)
        return -1;
    struct tok t[40];
    int n = tokenize(problem, t, 40);
    int64_t mb = tok_get(t, n, "mb", -1), ic = tok_get(t, n, "ic", -1);
    if (mb < 0 || ic < 0)
        return -1;
    int64_t e = mul_known(mb, ic);
    e = mul_known(e, tok_get(t, n, "id", 1));
    e = mul_known(e, tok_get(t, n, "ih", 1));
    e = mul_known(e, tok_get(t, n, "iw", 1));
    return e;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sorted dims without the 1s: the same tensor in NHWC and NCHW, HWIO and
 * OIHW, [K,N] and 1xKxN gets the same key. 0 when a dim is unknown. */
static uint64_t dims_key(const int64_t *d, int n)
{
    int64_t v[G_MAX_RANK + 4];
    int k = 0;
    for (int i = 0; i < n && k < G_MAX_RANK + 4; i++) {
        if (d[i] < 0)
            return 0;
        if (d[i] != 1)
            v[k++] = d[i];
    }
    qsort(v, (size_t)k, sizeof v[0], cmp_i64);
    uint64_t h = 0xd1b54a32d192ed03ULL ^ (uint64_t)k;
    for (int i = 0; i < k; i++) {
        h ^= (uint64_t)v[i] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdULL;
    }
    return h ? h : 1;
}

uint64_t map_problem_dims_key(const char *problem)
{
    struct dims g[MAX_GROUPS];
    if (parse_dim_groups(problem, g, MAX_GROUPS) < 1)
        return 0;
    return dims_key(g[0].d, g[0].n);
}

uint64_t map_shape_dims_key(const struct g_shape *s)
{
    if (!s || s->rank < 0)
        return 0;
    return dims_key(s->dim, s->rank < G_MAX_RANK ? s->rank : G_MAX_RANK);
}

static void sig_init(struct map_sig *s, enum map_kind k)
{
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->dst_elems = -1;
    s->aux_elems = -1;
}

static void sig_push(struct map_sig *s, int64_t v)
{
    if (s->nf < MAP_NF)
        s->f[s->nf++] = v;
}

/* Convolution-like features from tokens: g mb ic oc id ih iw od oh ow kd kh kw. */
static void conv_from_tokens(struct map_sig *s, const struct tok *t, int n)
{
    int64_t g = tok_get(t, n, "g", 1), mb = tok_get(t, n, "mb", -1);
    int64_t ic = tok_get(t, n, "ic", -1), oc = tok_get(t, n, "oc", -1);
    int64_t id = tok_get(t, n, "id", 1), ih = tok_get(t, n, "ih", 1), iw = tok_get(t, n, "iw", 1);
    int64_t od = tok_get(t, n, "od", id), oh = tok_get(t, n, "oh", ih), ow = tok_get(t, n, "ow", iw);
    int64_t kd = tok_get(t, n, "kd", 1), kh = tok_get(t, n, "kh", 1), kw = tok_get(t, n, "kw", 1);
    int64_t v[] = {g, mb, ic, oc, id, ih, iw, od, oh, ow, kd, kh, kw};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        sig_push(s, v[i]);
    s->dst_elems = mul_known(mul_known(mul_known(mul_known(mb, oc), od), oh), ow);
    s->aux_elems = g > 0 && ic >= 0 ? mul_known(mul_known(mul_known(mul_known(oc, ic / g), kd), kh), kw) : -1;
}

static void pool_from_tokens(struct map_sig *s, const struct tok *t, int n)
{
    int64_t mb = tok_get(t, n, "mb", -1), ic = tok_get(t, n, "ic", -1);
    int64_t id = tok_get(t, n, "id", 1), ih = tok_get(t, n, "ih", 1), iw = tok_get(t, n, "iw", 1);
    int64_t od = tok_get(t, n, "od", id), oh = tok_get(t, n, "oh", ih), ow = tok_get(t, n, "ow", iw);
    int64_t kd = tok_get(t, n, "kd", 1), kh = tok_get(t, n, "kh", 1), kw = tok_get(t, n, "kw", 1);
    int64_t v[] = {mb, ic, od, oh, ow, kd, kh, kw};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        sig_push(s, v[i]);
    s->dst_elems = mul_known(mul_known(mul_known(mul_known(mb, ic), od), oh), ow);
}

/* gemm features: result elements and the contraction size K. */
static void gemm_sig(struct map_sig *s, int64_t dst_elems, int64_t k)
{
    sig_push(s, dst_elems);
    sig_push(s, k);
    s->dst_elems = dst_elems;
}

static void matmul_from_problem(struct map_sig *s, const char *p)
{
    struct dims g[MAX_GROUPS];
    int ng = parse_dim_groups(p, g, MAX_GROUPS);
    if (ng >= 2) {
        const struct dims *a = &g[0], *b = &g[1];
        int ra = a->n, rb = b->n;
        int64_t m = ra >= 2 ? a->d[ra - 2] : 1, k = a->d[ra - 1];
        int64_t nn = b->d[rb - 1];
        int64_t dst;
        if (ng >= 3) {
            dst = dims_elems(&g[2]);
        } else {
            int64_t batch = 1;
            int r = ra > rb ? ra : rb;
            for (int i = 0; i < r - 2; i++) {
                int ia = ra - r + i, ib = rb - r + i;
                int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
                batch = mul_known(batch, da > db ? da : db);
            }
            dst = mul_known(mul_known(batch, m), nn);
        }
        gemm_sig(s, dst, k);
        s->aux_elems = dims_elems(b);
        return;
    }
    /* v1.x-v2.2: [b<B>]m<M>n<N>k<K> */
    struct tok t[8];
    int n = tokenize(p, t, 8);
    int64_t b = tok_get(t, n, "b", 1), m = tok_get(t, n, "m", -1), nn = tok_get(t, n, "n", -1);
    int64_t k = tok_get(t, n, "k", -1);
    gemm_sig(s, mul_known(mul_known(b, m), nn), k);
}

bool map_sig_of_event(const char *prim, const char *problem, struct map_sig *out)
{
    enum map_kind k = map_kind_of_prim(prim);
    sig_init(out, k);
    if (!problem || !*problem || !strcmp(problem, "#"))
        return false;
    struct tok t[48];
    int n;
    struct dims g[MAX_GROUPS];
    int ng;
    switch (k) {
    case MK_CONV:
    case MK_DECONV:
        n = tokenize(problem, t, 48);
        conv_from_tokens(out, t, n);
        return out->f[1] >= 0;
    case MK_IP: {
        n = tokenize(problem, t, 48);
        int64_t mb = tok_get(t, n, "mb", -1), ic = tok_get(t, n, "ic", -1);
        int64_t oc = tok_get(t, n, "oc", -1);
        ic = mul_known(ic, tok_get(t, n, "id", 1));
        ic = mul_known(ic, tok_get(t, n, "ih", 1));
        ic = mul_known(ic, tok_get(t, n, "iw", 1));
        sig_push(out, mb);
        sig_push(out, ic);
        sig_push(out, oc);
        out->dst_elems = mul_known(mb, oc);
        out->aux_elems = mul_known(ic, oc);
        return mb >= 0;
    }
    case MK_MATMUL:
        matmul_from_problem(out, problem);
        return out->dst_elems >= 0;
    case MK_POOL:
        n = tokenize(problem, t, 48);
        pool_from_tokens(out, t, n);
        return out->dst_elems >= 0;
    case MK_BINARY:
    case MK_PRELU: {
        ng = parse_dim_groups(problem, g, MAX_GROUPS);
        if (ng < 1)
            return false;
        int64_t a = dims_elems(&g[0]), b = ng > 1 ? dims_elems(&g[1]) : a;
        int64_t hi = a > b ? a : b, lo = a > b ? b : a;
        sig_push(out, hi);
        sig_push(out, lo);
        out->dst_elems = hi;
        out->aux_elems = lo;
        return hi >= 0;
    }
    case MK_CONCAT: {
        ng = parse_dim_groups(problem, g, MAX_GROUPS);
        if (ng < 1)
            return false;
        int64_t sum = 0;
        for (int i = 0; i < ng; i++)
            sum = (sum < 0 || dims_elems(&g[i]) < 0) ? -1 : sum + dims_elems(&g[i]);
        sig_push(out, sum);
        sig_push(out, ng);
        out->dst_elems = sum;
        return sum >= 0;
    }
    case MK_REDUCTION: {
        ng = parse_dim_groups(problem, g, MAX_GROUPS);
        if (ng < 1)
            return false;
        int64_t a = dims_elems(&g[0]), b = ng > 1 ? dims_elems(&g[1]) : -1;
        sig_push(out, a);
        sig_push(out, b);
        out->dst_elems = b;
        out->aux_elems = a;
        return a >= 0;
    }
    default: {
        int64_t e = map_problem_elems(problem);
        sig_push(out, e);
        out->dst_elems = e;
        return e >= 0;
    }
    }
}

/* ---- node side ------------------------------------------------------- */

int64_t map_shape_elems(const struct g_shape *s)
{
    if (!s || s->rank < 0)
        return -1;
    int64_t e = 1;
    for (int i = 0; i < s->rank && i < G_MAX_RANK; i++) {
        e = mul_known(e, s->dim[i]);
        if (e < 0)
            return -1;
    }
    return e;
}

const struct g_shape *map_in_shape(const graph *g, int n, int i)
{
    const struct g_node *nd = &g->nodes[n];
    if (i < 0 || i >= nd->n_data_inputs)
        return NULL;
    int src = nd->inputs[i].node, port = nd->inputs[i].port;
    if (src < 0 || src >= g->n_nodes || port < 0)
        return NULL;
    const struct g_node *sn = &g->nodes[src];
    if (port >= sn->n_outputs || !sn->out_shape)
        return NULL;
    return &sn->out_shape[port];
}

const struct g_shape *map_out_shape(const graph *g, int n)
{
    const struct g_node *nd = &g->nodes[n];
    if (nd->n_outputs < 1 || !nd->out_shape)
        return NULL;
    return &nd->out_shape[0];
}

static int in_dtype(const graph *g, int n, int i)
{
    const struct g_node *nd = &g->nodes[n];
    if (i < 0 || i >= nd->n_data_inputs)
        return TF_DT_INVALID;
    int src = nd->inputs[i].node, port = nd->inputs[i].port;
    if (src < 0 || port < 0 || port >= g->nodes[src].n_outputs || !g->nodes[src].out_dtype)
        return TF_DT_INVALID;
    return g->nodes[src].out_dtype[port];
}

static int64_t dimv(const struct g_shape *s, int i)
{
    if (!s || s->rank < 0)
        return -1;
    if (i < 0)
        i += s->rank;
    if (i < 0 || i >= s->rank)
        return -1;
    return s->dim[i];
}

static bool op_in(const char *op, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(op, *list))
            return true;
    return false;
}

/* The op without oneDNN/remapper decorations: _MklNativeFusedConv2D -> Conv2D. */
static const char *base_op(const char *op, char *buf, size_t size)
{
    const char *p = op;
    if (!strncmp(p, "_MklNative", 10))
        p += 10;
    else if (!strncmp(p, "_Mkl", 4))
        p += 4;
    else if (*p == '_')
        p += 1;
    if (!strncmp(p, "Fused", 5) && strncmp(p, "FusedBatchNorm", 14))
        p += 5;
    if (!strncmp(p, "Dummy", 5))
        p += 5;
    string_copy_n(buf, size, p);
    char *w = strstr(buf, "WithBias");
    if (w)
        *w = 0;
    return buf;
}

static const char *const eltwise_ops[] = {
    "Relu", "Relu6", "Elu", "Selu", "LeakyRelu", "Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Rsqrt",
    "Square", "Abs", "Gelu", "Softplus", "Swish", "Mish", "HardSwish", "Round", "Erf", "Neg",
    "Reciprocal", "Log1p", "Expm1", "Clip", "ClipByValue", "Relu6Grad", NULL};
static const char *const binary_ops[] = {
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "Maximum", "Minimum",
    "SquaredDifference", "BiasAdd", "BiasAddV1", "Pow", "Greater", "GreaterEqual", "Less",
    "LessEqual", "Equal", "NotEqual", "Select", "SelectV2", "MulNoNan", NULL};
static const char *const reduce_ops[] = {"Mean", "Sum", "Max", "Min", "Prod", "EuclideanNorm", NULL};

bool map_op_fusable(const char *op)
{
    static const char *const f[] = {
        "BiasAdd", "BiasAddV1", "Add", "AddV2", "Relu", "Relu6", "Elu", "Selu", "LeakyRelu",
        "Tanh", "Sigmoid", "Gelu", "Swish", "Mish", "HardSwish", "Mul", "Sub", "Maximum",
        "Minimum", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "Softplus",
        "ClipByValue", "Sqrt", "Square", "Abs", "Exp", "Log", NULL};
    return op_in(op, f);
}

bool map_op_passthrough(const char *op)
{
    static const char *const f[] = {
        "Identity", "IdentityN", "Reshape", "Squeeze", "ExpandDims", "StopGradient",
        "PreventGradient", "Snapshot", "EnsureShape", "CheckNumerics", "NoOp", "_Retval",
        "Dropout", NULL};
    return op_in(op, f);
}

static int data_format_c_first(const struct g_node *nd)
{
    const struct g_attr *a = g_node_attr(nd, "data_format");
    return a && a->s && (!strncmp(a->s, "NC", 2));
}

static int64_t list_i_at(const struct g_attr *a, int i, int64_t dflt)
{
    if (!a || a->kind != G_ATTR_LIST || !a->list_i || i >= a->n_list)
        return dflt;
    return a->list_i[i];
}

static bool conv_sig(const graph *g, int n, bool depthwise, struct map_sig *s)
{
    const struct g_node *nd = &g->nodes[n];
    const struct g_shape *in = map_in_shape(g, n, 0), *w = map_in_shape(g, n, 1);
    const struct g_shape *out = map_out_shape(g, n);
    if (!in || !w || !out || in->rank < 3 || in->rank != out->rank || w->rank != in->rank)
        return false;
    int r = in->rank, sp = r - 2; /* spatial dims */
    bool cf = data_format_c_first(nd);
    int c_ax = cf ? 1 : r - 1, s0 = cf ? 2 : 1;
    int64_t mb = in->dim[0], ic = in->dim[c_ax], oc = out->dim[c_ax];
    int64_t g_ = 1;
    int64_t w_ic = w->dim[r - 2];
    if (depthwise) {
        g_ = ic;
    } else if (w_ic > 0 && ic > 0 && w_ic != ic && ic % w_ic == 0) {
        g_ = ic / w_ic;
    }
    int64_t isp[3] = {1, 1, 1}, osp[3] = {1, 1, 1}, ksp[3] = {1, 1, 1};
    for (int i = 0; i < sp && i < 3; i++) {
        int slot = 3 - sp + i;
        isp[slot] = in->dim[s0 + i];
        osp[slot] = out->dim[s0 + i];
        ksp[slot] = w->dim[i];
    }
    sig_init(s, MK_CONV);
    int64_t v[] = {g_, mb, ic, oc, isp[0], isp[1], isp[2], osp[0], osp[1], osp[2],
                   ksp[0], ksp[1], ksp[2]};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        sig_push(s, v[i]);
    s->dst_elems = map_shape_elems(out);
    s->aux_elems = map_shape_elems(w);
    return true;
}

/* Product of the contracted dims of an Einsum ("abc,cd->abd"), -1 unknown. */
static int64_t einsum_k(const graph *g, int n)
{
    const struct g_attr *a = g_node_attr(&g->nodes[n], "equation");
    const struct g_shape *s0 = map_in_shape(g, n, 0);
    if (!a || !a->s || !s0 || s0->rank < 0 || strstr(a->s, "..."))
        return -1;
    const char *eq = a->s, *comma = strchr(eq, ','), *arrow = strstr(eq, "->");
    if (!comma || !arrow || comma > arrow)
        return -1;
    int64_t k = 1;
    int idx = 0;
    for (const char *p = eq; p < comma; p++) {
        if (!isalpha((unsigned char)*p))
            continue;
        bool in_b = memchr(comma + 1, *p, (size_t)(arrow - comma - 1)) != NULL;
        bool in_out = strchr(arrow + 2, *p) != NULL;
        if (idx >= s0->rank)
            return -1;
        if (in_b && !in_out) {
            k = mul_known(k, s0->dim[idx]);
            if (k < 0)
                return -1;
        }
        idx++;
    }
    return k;
}

void map_node_sigs(const graph *g, int n, struct map_nsig *out)
{
    memset(out, 0, sizeof *out);
    const struct g_node *nd = &g->nodes[n];
    char bb[128];
    const char *op = base_op(nd->op, bb, sizeof bb);
    const struct g_shape *o = map_out_shape(g, n);
    int64_t oe = map_shape_elems(o);
    struct map_sig *s = &out->s[0];

    if (strstr(op, "Backprop") || strstr(op, "Grad"))
        return;
    if (!strcmp(nd->op, "Cast")) {
        int st = in_dtype(g, n, 0), dt = o && nd->out_dtype ? nd->out_dtype[0] : TF_DT_INVALID;
        const struct g_attr *sa = g_node_attr(nd, "SrcT"), *da = g_node_attr(nd, "DstT");
        if (sa && sa->kind == G_ATTR_TYPE)
            st = sa->type;
        if (da && da->kind == G_ATTR_TYPE)
            dt = da->type;
        if ((st == TF_DT_FLOAT && dt == TF_DT_BFLOAT16) || (st == TF_DT_BFLOAT16 && dt == TF_DT_FLOAT)) {
            out->cast_node = true;
            out->cast_to_bf16 = dt == TF_DT_BFLOAT16;
            out->cast_elems = oe;
            out->cast_dims = map_shape_dims_key(o);
        }
        return;
    }
    if (strstr(op, "DepthwiseConv2dNative")) {
        if (conv_sig(g, n, true, s))
            out->n = 1;
    } else if (strstr(op, "Conv2D") || strstr(op, "Conv3D")) {
        if (conv_sig(g, n, false, s))
            out->n = 1;
    } else if (!strcmp(op, "MatMul")) {
        const struct g_shape *a = map_in_shape(g, n, 0);
        const struct g_attr *ta = g_node_attr(nd, "transpose_a");
        bool t = ta && ta->b;
        int64_t m = dimv(a, t ? 1 : 0), k = dimv(a, t ? 0 : 1), nn = dimv(o, -1);
        sig_init(&out->s[0], MK_IP);
        sig_push(&out->s[0], m);
        sig_push(&out->s[0], k);
        sig_push(&out->s[0], nn);
        out->s[0].dst_elems = oe;
        out->s[0].aux_elems = map_shape_elems(map_in_shape(g, n, 1));
        sig_init(&out->s[1], MK_MATMUL);
        gemm_sig(&out->s[1], oe, k);
        out->s[1].aux_elems = out->s[0].aux_elems;
        out->n = 2;
    } else if (!strncmp(op, "BatchMatMul", 11)) {
        const struct g_shape *a = map_in_shape(g, n, 0);
        const struct g_attr *ax = g_node_attr(nd, "adj_x");
        int64_t k = dimv(a, (ax && ax->b) ? -2 : -1);
        sig_init(s, MK_MATMUL);
        gemm_sig(s, oe, k);
        s->aux_elems = map_shape_elems(map_in_shape(g, n, 1));
        out->n = 1;
    } else if (!strcmp(op, "Einsum")) {
        sig_init(s, MK_MATMUL);
        gemm_sig(s, oe, einsum_k(g, n));
        s->aux_elems = map_shape_elems(map_in_shape(g, n, 1));
        out->n = 1;
    } else if (!strncmp(op, "MaxPool", 7) || !strncmp(op, "AvgPool", 7)) {
        const struct g_attr *ks = g_node_attr(nd, "ksize");
        const struct g_shape *in = map_in_shape(g, n, 0);
        if (!o || o->rank < 3 || !in || in->rank != o->rank)
            return;
        int r = o->rank, sp = r - 2;
        bool cf = data_format_c_first(nd);
        int s0 = cf ? 2 : 1;
        int64_t osp[3] = {1, 1, 1}, ksp[3] = {1, 1, 1};
        for (int i = 0; i < sp && i < 3; i++) {
            osp[3 - sp + i] = o->dim[s0 + i];
            ksp[3 - sp + i] = list_i_at(ks, s0 + i, -1);
        }
        sig_init(s, MK_POOL);
        int64_t v[] = {o->dim[0], o->dim[cf ? 1 : r - 1], osp[0], osp[1], osp[2], ksp[0], ksp[1], ksp[2]};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            sig_push(s, v[i]);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strncmp(op, "FusedBatchNorm", 14) || !strcmp(op, "BatchNormEx")) {
        sig_init(s, MK_BNORM);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strcmp(op, "Softmax") || !strcmp(op, "LogSoftmax")) {
        sig_init(s, MK_SOFTMAX);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strcmp(op, "LayerNorm") || !strcmp(op, "LayerNormalization")) {
        sig_init(s, MK_LNORM);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strcmp(op, "ConcatV2") || !strcmp(op, "Concat")) {
        sig_init(s, MK_CONCAT);
        sig_push(s, oe);
        sig_push(s, nd->n_data_inputs - 1);
        s->dst_elems = oe;
        out->n = 1;
    } else if (op_in(op, reduce_ops)) {
        sig_init(s, MK_REDUCTION);
        int64_t ie = map_shape_elems(map_in_shape(g, n, 0));
        sig_push(s, ie);
        sig_push(s, oe);
        s->dst_elems = oe;
        s->aux_elems = ie;
        out->n = 1;
    } else if (!strcmp(op, "Transpose") || !strcmp(op, "ConjugateTranspose")) {
        sig_init(s, MK_REORDER);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strcmp(op, "AddN")) {
        sig_init(s, MK_SUM);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strcmp(op, "LRN")) {
        sig_init(s, MK_LRN);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (!strncmp(op, "ResizeBilinear", 14) || !strncmp(op, "ResizeNearestNeighbor", 21)) {
        sig_init(s, MK_RESAMPLING);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    } else if (op_in(op, binary_ops)) {
        int64_t a = map_shape_elems(map_in_shape(g, n, 0));
        int64_t b = map_shape_elems(map_in_shape(g, n, 1));
        int64_t hi = a > b ? a : b, lo = a > b ? b : a;
        if (hi < 0 || lo < 0)
            hi = lo = -1;
        if (oe > hi)
            hi = oe;
        sig_init(s, MK_BINARY);
        sig_push(s, hi);
        sig_push(s, lo);
        s->dst_elems = oe;
        s->aux_elems = lo;
        out->n = 1;
    } else if (op_in(op, eltwise_ops)) {
        sig_init(s, MK_ELTWISE);
        sig_push(s, oe);
        s->dst_elems = oe;
        out->n = 1;
    }
}

/* ---- keys ------------------------------------------------------------ */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

uint64_t map_sig_key(const struct map_sig *s, int level)
{
    /* inner_product and matmul are both "gemm" at the coarse levels */
    uint64_t kind = (s->kind == MK_IP) ? MK_MATMUL : (uint64_t)s->kind;
    uint64_t h;
    switch (level) {
    case 1:
        h = mix(0x1111, (uint64_t)s->kind);
        for (int i = 0; i < s->nf; i++) {
            if (s->f[i] < 0)
                return 0;
            h = mix(h, (uint64_t)s->f[i]);
        }
        if (s->nf == 0)
            return 0;
        break;
    case 2:
        if (s->dst_elems < 0)
            return 0;
        h = mix(mix(0x2222, kind), (uint64_t)s->dst_elems);
        break;
    case 3:
        if (s->kind == MK_NONE)
            return 0;
        h = mix(0x3333, kind);
        break;
    case 4:
        if (s->dst_elems < 0)
            return 0;
        h = mix(0x4444, (uint64_t)s->dst_elems);
        break;
    default:
        return 0;
    }
    return h ? h : 1;
}
