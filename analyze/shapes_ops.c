/* analyze/shapes_ops.c: the per-op dtype and shape rules graph_infer() uses:
 * Placeholder/Const, convolutions and pools (NHWC/NCHW, SAME/VALID/EXPLICIT,
 * strides, dilations), MatMul/BatchMatMul/Einsum, broadcasting element-wise
 * ops, reductions, Reshape/Transpose/Concat/Pack/Squeeze/ExpandDims/Pad/
 * StridedSlice/Slice/Tile/Split/Gather, FusedBatchNorm. Value folding,
 * StridedSlice masks and Einsum equations are in shapes_fold.c.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"
#include "analyze/shapes_int.h"

/* ---- op classes ------------------------------------------------------------------ */

static const char *const unary_ops[] = {
    "Identity", "StopGradient", "Snapshot", "PreventGradient", "CheckNumerics", "Relu", "Relu6",
    "Elu", "Selu", "Sigmoid", "Tanh", "Softplus", "Softsign", "LeakyRelu", "Gelu", "Erf", "Erfc",
    "Exp", "Log", "Neg", "Abs", "Sqrt", "Rsqrt", "Square", "Reciprocal", "Inv", "Floor", "Ceil",
    "Round", "Rint", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Log1p",
    "Expm1", "Cast", "Softmax", "LogSoftmax", "ZerosLike", "OnesLike", "LRN", "BiasAdd",
    "BiasAddV1", "Enter", "RefEnter", "Exit", "RefExit", "NextIteration", "RefNextIteration",
    "LoopCond", "Switch", "RefSwitch", "IsFinite", "IsNan", "IsInf", "LogicalNot", "Dropout",
    "EnsureShape", "DebugIdentity", "Mish", "Swish", "HardSwish", "ClipByValue", "_MklSwish",
    "Relu6Grad", "FakeQuantWithMinMaxVars", "FakeQuantWithMinMaxArgs", "QuantizeAndDequantizeV2",
    "QuantizeAndDequantizeV3", "QuantizeAndDequantizeV4", "Bitcast_", "L2Normalize",
    "PlaceholderWithDefault", "_Retval", "Print", "PrintV2_", "Tile_", NULL};

static const char *const binary_ops[] = {
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "FloorDiv", "FloorMod",
    "TruncateDiv", "TruncateMod", "Maximum", "Minimum", "Pow", "SquaredDifference", "Equal",
    "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr",
    "BitwiseAnd", "BitwiseOr", "BitwiseXor", "Atan2", "Xdivy", "Xlogy", "MulNoNan",
    "SigmoidGrad", "TanhGrad", "ReluGrad", "AddN", "SelectV2", "_MklAddN", NULL};

static const char *const bool_ops[] = {
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "LogicalNot", "IsFinite", "IsNan", "IsInf", "LoopCond", NULL};

static const char *const reduce_ops[] = {"Mean", "Sum", "Max", "Min", "Prod", "All", "Any",
                                         "EuclideanNorm", NULL};

static const char *const no_output_ops[] = {
    "NoOp", "Assert", "SaveV2", "Save", "AssignVariableOp", "AssignAddVariableOp",
    "AssignSubVariableOp", "ControlTrigger", "_Retval", "PrintV2", NULL};

/* Grappler/oneDNN rewrites name their ops after the base op: "_MklNativeConv2D",
 * "_MklNativeConv2DWithBias", "_FusedConv2D", "_MklFusedMatMul",
 * "_MklNativeFusedBatchNormV3", "_MklMatMul"... Shapes and dtypes follow the
 * base op, so rules are looked up under it. */
const char *si_base_op(const char *op, char *buf, size_t size)
{
    if (op[0] != '_')
        return op;
    const char *r = !strncmp(op, "_MklNative", 10) ? op + 10 : !strncmp(op, "_Mkl", 4) ? op + 4 : op + 1;
    static const char *const fused[] = {"Conv2D", "Conv3D", "MatMul", "DepthwiseConv2dNative",
                                        "BatchMatMulV2", NULL};
    if (!strncmp(r, "Fused", 5))
        for (const char *const *f = fused; *f; f++)
            if (!strcmp(r + 5, *f))
                r += 5;
    string_copy_n(buf, size, r);
    size_t n = strlen(buf);
    if (n > 8 && !strcmp(buf + n - 8, "WithBias"))
        buf[n - 8] = 0;
    return buf;
}

/* The op lists above as one hashed table op -> bit set, built once. */
enum { SET_UNARY = 1, SET_BINARY = 2, SET_BOOL = 4, SET_REDUCE = 8, SET_NOOUT = 16 };
static struct strmap op_sets;
static pthread_once_t op_sets_once = PTHREAD_ONCE_INIT;

static void op_sets_init(void)
{
    static const struct {
        const char *const *list;
        int bit;
    } sets[] = {{unary_ops, SET_UNARY}, {binary_ops, SET_BINARY}, {bool_ops, SET_BOOL},
                {reduce_ops, SET_REDUCE}, {no_output_ops, SET_NOOUT}};
    strmap_init(&op_sets);
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        for (const char *const *p = sets[i].list; *p; p++)
            strmap_put(&op_sets, *p, strmap_get(&op_sets, *p, 0) | sets[i].bit);
}

static bool op_is(const char *op, int set)
{
    pthread_once(&op_sets_once, op_sets_init);
    return (strmap_get(&op_sets, op, 0) & set) != 0;
}

static bool is_fbn(const char *op)
{
    return !strncmp(op, "FusedBatchNorm", 14) || !strcmp(op, "_FusedBatchNormEx") ||
           !strcmp(op, "_MklFusedBatchNormV3");
}

int si_num_outputs(const struct g_node *n)
{
    char opbuf[64];
    const char *op = si_base_op(n->op, opbuf, sizeof opbuf);
    const int *types;
    if (op_is(op, SET_NOOUT))
        return 0;
    if (is_fbn(op))
        return !strcmp(op, "FusedBatchNorm") || !strcmp(op, "FusedBatchNormV2") ? 5 : 6;
    if (!strcmp(op, "Split") || !strcmp(op, "SplitV"))
        return (int)si_attr_i(n, "num_split", 1);
    if (!strcmp(op, "Unpack"))
        return (int)si_attr_i(n, "num", 1);
    if (!strcmp(op, "IdentityN"))
        return si_attr_list_type(n, "T", &types);
    if (!strcmp(op, "StatefulPartitionedCall") || !strcmp(op, "PartitionedCall") ||
        !strcmp(op, "If") || !strcmp(op, "StatelessIf") || !strcmp(op, "Case"))
        return si_attr_list_type(n, "Tout", &types);
    if (!strcmp(op, "While") || !strcmp(op, "StatelessWhile"))
        return si_attr_list_type(n, "T", &types);
    if (!strcmp(op, "ShapeN"))
        return (int)si_attr_i(n, "N", 1);
    if (!strcmp(op, "Switch") || !strcmp(op, "RefSwitch") || !strcmp(op, "Merge") ||
        !strcmp(op, "RefMerge") || !strcmp(op, "TopKV2") || !strcmp(op, "Unique"))
        return 2;
    return 1;
}

struct g_shape si_placeholder_shape(const graph *g, int node)
{
    const struct g_node *n = &g->nodes[node];
    struct g_shape s = {-1, {0}};
    const struct g_attr *a = g_node_attr(n, "shape");
    if (a && a->kind == G_ATTR_SHAPE) {
        s = a->shape;
        /* TF1 writes `shape {}` meaning "unknown" only with unknown_rank; an empty
         * shape is a scalar. Old graphs may omit it: then use _output_shapes. */
        return s;
    }
    a = g_node_attr(n, "_output_shapes");
    if (a && a->kind == G_ATTR_LIST && a->list_shape && a->n_list > 0)
        s = a->list_shape[0];
    return s;
}

static int64_t conv_out(int64_t in, int64_t k, int64_t s, int64_t d, const char *pad, int64_t pb,
                        int64_t pa)
{
    if (in < 0 || k < 0 || s <= 0)
        return -1;
    if (d < 1)
        d = 1;
    if (k > (INT64_C(1) << 31) || d > (INT64_C(1) << 31) || in > (INT64_C(1) << 48))
        return -1;
    int64_t ek = (k - 1) * d + 1;
    if (!strcmp(pad, "SAME"))
        return (in + s - 1) / s;
    if (!strcmp(pad, "EXPLICIT"))
        in += pb + pa;
    if (in < ek)
        return 0;
    return (in - ek) / s + 1;
}

/* Spatial positions for a data_format string ("NHWC", "NCHW", "NDHWC", "NCDHW"). */
static void layout(const char *fmt, int nsp, int *c_pos, int *sp)
{
    bool cfirst = fmt && fmt[0] == 'N' && fmt[1] == 'C';
    *c_pos = cfirst ? 1 : nsp + 1;
    for (int i = 0; i < nsp; i++)
        sp[i] = cfirst ? 2 + i : 1 + i;
}

/* Conv/pool: window dims per spatial axis from a filter or ksize. */
static struct g_shape conv_like(const struct g_node *n, const struct g_shape *x, int nsp,
                                const int64_t *win, int64_t out_c)
{
    if (x->rank != nsp + 2)
        return x->rank < 0 ? si_with_rank(nsp + 2) : si_unknown();
    const char *fmt = si_attr_s(n, "data_format", nsp == 3 ? "NDHWC" : "NHWC");
    int cpos, sp[3];
    layout(fmt, nsp, &cpos, sp);
    const int64_t *strides = NULL, *dil = NULL, *expl = NULL;
    int ns = si_attr_list_i(n, "strides", &strides);
    int nd = si_attr_list_i(n, "dilations", &dil);
    int ne = si_attr_list_i(n, "explicit_paddings", &expl);
    const char *pad = si_attr_s(n, "padding", "VALID");
    struct g_shape s = *x;
    for (int i = 0; i < nsp; i++) {
        int p = sp[i];
        int64_t st = ns == nsp + 2 ? strides[p] : 1;
        int64_t dl = nd == nsp + 2 ? dil[p] : 1;
        int64_t pb = ne == 2 * (nsp + 2) ? expl[2 * p] : 0, pa = ne == 2 * (nsp + 2) ? expl[2 * p + 1] : 0;
        s.dim[p] = conv_out(x->dim[p], win[i], st, dl, pad, pb, pa);
    }
    if (out_c != -2)
        s.dim[cpos] = out_c;
    return s;
}

/* ---- dtypes ------------------------------------------------------------------------ */

static void infer_dtypes(struct sictx *c, struct g_node *n)
{
    char opbuf[64];
    const char *op = si_base_op(n->op, opbuf, sizeof opbuf);
    int no = n->n_outputs;
    if (!no)
        return;
    const int *types;
    int nt;
    int t = si_attr_type(n, "T", TF_DT_INVALID);
    int dt = t;
    if (!strcmp(op, "Const") || !strcmp(op, "Placeholder") || !strcmp(op, "PlaceholderWithDefault") ||
        !strcmp(op, "ReadVariableOp") || !strcmp(op, "TensorArrayReadV3") ||
        !strcmp(op, "TensorArrayGatherV3") || !strcmp(op, "ResourceGather"))
        dt = si_attr_type(n, "dtype", dt);
    else if (!strcmp(op, "VariableV2") || !strcmp(op, "Variable"))
        dt = si_attr_type(n, "dtype", TF_DT_INVALID) + 100;
    else if (!strcmp(op, "VarHandleOp"))
        dt = TF_DT_RESOURCE;
    else if (!strcmp(op, "Cast"))
        dt = si_attr_type(n, "DstT", dt);
    else if (!strcmp(op, "Shape") || !strcmp(op, "ShapeN") || !strcmp(op, "Size"))
        dt = si_attr_type(n, "out_type", TF_DT_INT32);
    else if (!strcmp(op, "Rank"))
        dt = TF_DT_INT32;
    else if (!strcmp(op, "ArgMax") || !strcmp(op, "ArgMin"))
        dt = si_attr_type(n, "output_type", TF_DT_INT64);
    else if (op_is(op, SET_BOOL))
        dt = TF_DT_BOOL;
    else if (!strcmp(op, "Range"))
        dt = si_attr_type(n, "Tidx", TF_DT_INT32);
    else if (!strcmp(op, "Fill"))
        dt = si_attr_type(n, "T", si_in_dtype(c, n, 1));
    if ((nt = si_attr_list_type(n, "Tout", &types)) > 0 ||
        ((!strcmp(op, "IdentityN") || !strcmp(op, "While") || !strcmp(op, "StatelessWhile")) &&
         (nt = si_attr_list_type(n, "T", &types)) > 0)) {
        for (int k = 0; k < no && k < nt; k++)
            n->out_dtype[k] = types[k];
        return;
    }
    if (dt == TF_DT_INVALID)
        dt = si_attr_type(n, "dtype", TF_DT_INVALID);
    if (dt == TF_DT_INVALID && n->n_data_inputs > 0)
        dt = si_in_dtype(c, n, 0);
    if (!strcmp(op, "Merge") || !strcmp(op, "RefMerge")) {
        for (int k = 0; dt == TF_DT_INVALID && k < n->n_data_inputs; k++)
            dt = si_in_dtype(c, n, k);
    }
    for (int k = 0; k < no; k++)
        n->out_dtype[k] = dt;
    if (is_fbn(op) && no > 1) {
        int u = si_attr_type(n, "U", t);
        for (int k = 1; k < no; k++)
            n->out_dtype[k] = u;
    } else if ((!strcmp(op, "Merge") || !strcmp(op, "RefMerge")) && no > 1) {
        n->out_dtype[1] = TF_DT_INT32;
    } else if (!strcmp(op, "TopKV2") && no > 1) {
        n->out_dtype[1] = TF_DT_INT32;
    } else if (!strcmp(op, "Unique") && no > 1) {
        n->out_dtype[1] = si_attr_type(n, "out_idx", TF_DT_INT32);
    }
}

/* ---- the rules ------------------------------------------------------------------------ */

static void set0(struct g_node *n, struct g_shape s)
{
    if (n->n_outputs > 0)
        n->out_shape[0] = s;
}

void si_infer_node(struct sictx *c, int id)
{
    graph *g = c->g;
    struct g_node *n = &g->nodes[id];
    char opbuf[64];
    const char *op = si_base_op(n->op, opbuf, sizeof opbuf);
    infer_dtypes(c, n);
    if (!n->n_outputs)
        return;
    const struct g_shape *x = si_in_shape(c, n, 0);
    const int64_t *v;
    int nv;
    struct g_shape s;

    if (!strcmp(op, "Placeholder") || (!strcmp(op, "PlaceholderWithDefault") && c->bound[id].rank >= -1)) {
        s = c->bound[id].rank >= -1 ? c->bound[id] : si_placeholder_shape(g, id);
        set0(n, s);
    } else if (!strcmp(op, "PlaceholderWithDefault")) {
        const struct g_attr *a = g_node_attr(n, "shape");
        set0(n, a && a->kind == G_ATTR_SHAPE ? a->shape : *x);
    } else if (!strcmp(op, "Const")) {
        const struct g_attr *a = g_node_attr(n, "value");
        if (a && a->kind == G_ATTR_TENSOR)
            set0(n, a->tensor->shape);
    } else if (!strcmp(op, "VariableV2") || !strcmp(op, "Variable") || !strcmp(op, "VarHandleOp")) {
        const struct g_attr *a = g_node_attr(n, "shape");
        if (!strcmp(op, "VarHandleOp"))
            set0(n, si_with_rank(0));
        else if (a && a->kind == G_ATTR_SHAPE)
            set0(n, a->shape);
    } else if (!strcmp(op, "ReadVariableOp") || !strcmp(op, "ResourceGather")) {
        int p = n->n_inputs ? n->inputs[0].node : -1;
        const struct g_attr *a = p >= 0 ? g_node_attr(&g->nodes[p], "shape") : NULL;
        if (a && a->kind == G_ATTR_SHAPE && !strcmp(op, "ReadVariableOp"))
            set0(n, a->shape);
        else if (a && a->kind == G_ATTR_SHAPE && a->shape.rank >= 1) {
            const struct g_shape *ix = si_in_shape(c, n, 1);
            if (ix->rank >= 0 && ix->rank + a->shape.rank - 1 <= G_MAX_RANK) {
                s = *ix;
                for (int i = 1; i < a->shape.rank; i++)
                    s.dim[s.rank++] = a->shape.dim[i];
                set0(n, s);
            }
        }
    } else if (!strcmp(op, "Merge") || !strcmp(op, "RefMerge")) {
        for (int k = 0; k < n->n_data_inputs; k++)
            if (si_in_shape(c, n, k)->rank >= 0) {
                set0(n, *si_in_shape(c, n, k));
                break;
            }
        if (n->n_outputs > 1)
            n->out_shape[1] = si_with_rank(0);
    } else if (op_is(op, SET_UNARY)) {
        for (int k = 0; k < n->n_outputs; k++)
            n->out_shape[k] = *x; /* Switch: both ports */
    } else if (!strcmp(op, "IdentityN")) {
        for (int k = 0; k < n->n_outputs; k++)
            n->out_shape[k] = *si_in_shape(c, n, k);
    } else if (op_is(op, SET_BINARY)) {
        s = *x;
        for (int k = 1; k < n->n_data_inputs; k++) {
            const struct g_shape *y = si_in_shape(c, n, k);
            s = si_broadcast(&s, y);
        }
        set0(n, s);
    } else if (!strcmp(op, "Select")) {
        set0(n, *si_in_shape(c, n, 1));
    } else if (!strcmp(op, "MatMul") || !strcmp(op, "_FusedMatMul") || !strcmp(op, "_MklMatMul")) {
        const struct g_shape *y = si_in_shape(c, n, 1);
        s = si_with_rank(2);
        if (x->rank == 2)
            s.dim[0] = si_attr_b(n, "transpose_a") ? x->dim[1] : x->dim[0];
        if (y->rank == 2)
            s.dim[1] = si_attr_b(n, "transpose_b") ? y->dim[0] : y->dim[1];
        set0(n, s);
    } else if (!strncmp(op, "BatchMatMul", 11) || !strcmp(op, "_MklBatchMatMulV2")) {
        const struct g_shape *y = si_in_shape(c, n, 1);
        if (x->rank >= 2 && y->rank >= 2) {
            struct g_shape bx = *x, by = *y;
            bx.rank -= 2;
            by.rank -= 2;
            s = si_broadcast(&bx, &by);
            if (s.rank >= 0 && s.rank + 2 <= G_MAX_RANK) {
                bool ax = si_attr_b(n, "adj_x"), ay = si_attr_b(n, "adj_y");
                s.dim[s.rank] = ax ? x->dim[x->rank - 1] : x->dim[x->rank - 2];
                s.dim[s.rank + 1] = ay ? y->dim[y->rank - 2] : y->dim[y->rank - 1];
                s.rank += 2;
                set0(n, s);
            }
        }
    } else if (!strcmp(op, "Einsum")) {
        set0(n, si_einsum(c, n));
    } else if (!strcmp(op, "Conv2D") || !strcmp(op, "_FusedConv2D") || !strcmp(op, "Conv3D") ||
               !strcmp(op, "DepthwiseConv2dNative") || !strcmp(op, "_FusedDepthwiseConv2dNative")) {
        int nsp = !strcmp(op, "Conv3D") ? 3 : 2;
        const struct g_shape *f = si_in_shape(c, n, 1);
        int64_t win[3] = {-1, -1, -1}, oc = -1;
        if (f->rank == nsp + 2) {
            for (int i = 0; i < nsp; i++)
                win[i] = f->dim[i];
            oc = f->dim[nsp + 1];
            if (strstr(op, "Depthwise"))
                oc = si_dim_mul(f->dim[2], f->dim[3]);
        }
        set0(n, conv_like(n, x, nsp, win, oc));
    } else if (!strcmp(op, "MaxPool") || !strcmp(op, "AvgPool") || !strcmp(op, "MaxPool3D") ||
               !strcmp(op, "AvgPool3D") || !strcmp(op, "_MklMaxPool") || !strcmp(op, "_MklAvgPool")) {
        int nsp = strstr(op, "3D") ? 3 : 2;
        const int64_t *ks;
        int nk = si_attr_list_i(n, "ksize", &ks);
        int64_t win[3] = {-1, -1, -1};
        if (nk == nsp + 2) {
            int cpos, sp[3];
            layout(si_attr_s(n, "data_format", nsp == 3 ? "NDHWC" : "NHWC"), nsp, &cpos, sp);
            for (int i = 0; i < nsp; i++)
                win[i] = ks[sp[i]];
        }
        set0(n, conv_like(n, x, nsp, win, -2));
    } else if (is_fbn(op)) {
        set0(n, *x);
        int cpos = x->rank == 4 && !strcmp(si_attr_s(n, "data_format", "NHWC"), "NCHW") ? 1 : 3;
        for (int k = 1; k < n->n_outputs && k < 5; k++) {
            s = si_with_rank(1);
            if (x->rank == 4)
                s.dim[0] = x->dim[cpos];
            n->out_shape[k] = s;
        }
    } else if (!strcmp(op, "Reshape")) {
        if (si_in_value(c, n, 1, &v, &nv) && nv <= G_MAX_RANK) {
            s = si_with_rank(nv);
            int infer = -1;
            int64_t known = 1;
            bool all = true;
            for (int i = 0; i < nv; i++) {
                if (v[i] == -1)
                    infer = i;
                else if (v[i] == SI_UNKNOWN || v[i] < 0)
                    all = false;
                else {
                    s.dim[i] = v[i];
                    known = si_dim_mul(known, v[i]);
                }
            }
            int64_t total = g_shape_elems(x);
            if (infer >= 0 && all && total >= 0 && known > 0 && total % known == 0)
                s.dim[infer] = total / known;
            set0(n, s);
        } else {
            const struct g_shape *ts = si_in_shape(c, n, 1);
            if (ts->rank == 1 && ts->dim[0] >= 0)
                set0(n, si_with_rank((int)ts->dim[0]));
        }
    } else if (!strcmp(op, "Transpose")) {
        if (x->rank >= 0 && si_in_value(c, n, 1, &v, &nv) && nv == x->rank) {
            s = si_with_rank(nv);
            for (int i = 0; i < nv; i++)
                s.dim[i] = v[i] >= 0 && v[i] < nv ? x->dim[v[i]] : -1;
            set0(n, s);
        } else if (x->rank >= 0) {
            set0(n, si_with_rank(x->rank));
        }
    } else if (!strcmp(op, "ConcatV2") || !strcmp(op, "Concat")) {
        bool v2 = !strcmp(op, "ConcatV2");
        int first = v2 ? 0 : 1, last = v2 ? n->n_data_inputs - 2 : n->n_data_inputs - 1;
        int axk = v2 ? n->n_data_inputs - 1 : 0;
        const struct g_shape *f = si_in_shape(c, n, first);
        int rank = -1;
        for (int k = first; k <= last && rank < 0; k++)
            rank = si_in_shape(c, n, k)->rank;
        if (rank >= 0 && si_in_value(c, n, axk, &v, &nv) && nv == 1) {
            int ax = si_norm_axis(v[0], rank);
            s = si_with_rank(rank);
            int64_t sum = 0;
            for (int k = first; k <= last; k++) {
                const struct g_shape *y = si_in_shape(c, n, k);
                if (y->rank != rank) {
                    sum = -1;
                    continue;
                }
                for (int i = 0; i < rank; i++)
                    if (i != ax && s.dim[i] < 0)
                        s.dim[i] = y->dim[i];
                if (ax >= 0)
                    sum = si_dim_add(sum, y->dim[ax]);
            }
            if (ax >= 0)
                s.dim[ax] = sum;
            set0(n, s);
        } else if (rank >= 0) {
            (void)f;
            set0(n, si_with_rank(rank));
        }
    } else if (!strcmp(op, "Pack")) {
        int r = -1;
        struct g_shape in = si_unknown();
        for (int k = 0; k < n->n_data_inputs && r < 0; k++)
            if (si_in_shape(c, n, k)->rank >= 0) {
                in = *si_in_shape(c, n, k);
                r = in.rank;
            }
        if (r >= 0 && r + 1 <= G_MAX_RANK) {
            int ax = si_norm_axis(si_attr_i(n, "axis", 0), r + 1);
            if (ax >= 0) {
                s = si_with_rank(r + 1);
                for (int i = 0, j = 0; i < r + 1; i++)
                    s.dim[i] = i == ax ? (int64_t)n->n_data_inputs : in.dim[j++];
                set0(n, s);
            }
        }
    } else if (!strcmp(op, "Unpack")) {
        if (x->rank >= 1) {
            int ax = si_norm_axis(si_attr_i(n, "axis", 0), x->rank);
            s = si_with_rank(x->rank - 1);
            for (int i = 0, j = 0; i < x->rank; i++)
                if (i != ax)
                    s.dim[j++] = x->dim[i];
            for (int k = 0; k < n->n_outputs; k++)
                n->out_shape[k] = s;
        }
    } else if (!strcmp(op, "Squeeze")) {
        const int64_t *sd;
        int nsd = si_attr_list_i(n, "squeeze_dims", &sd);
        if (!nsd)
            nsd = si_attr_list_i(n, "axis", &sd);
        if (x->rank >= 0) {
            bool drop[G_MAX_RANK] = {0};
            bool ok = true;
            for (int i = 0; i < nsd; i++) {
                int a = si_norm_axis(sd[i], x->rank);
                if (a >= 0)
                    drop[a] = true;
            }
            if (!nsd)
                for (int i = 0; i < x->rank; i++) {
                    drop[i] = x->dim[i] == 1;
                    ok &= x->dim[i] >= 0;
                }
            if (ok) {
                s = si_with_rank(0);
                for (int i = 0; i < x->rank; i++)
                    if (!drop[i])
                        s.dim[s.rank++] = x->dim[i];
                set0(n, s);
            }
        }
    } else if (!strcmp(op, "ExpandDims")) {
        if (x->rank >= 0 && x->rank < G_MAX_RANK && si_in_value(c, n, 1, &v, &nv) && nv == 1) {
            int ax = si_norm_axis(v[0], x->rank + 1);
            if (ax >= 0) {
                s = si_with_rank(x->rank + 1);
                for (int i = 0, j = 0; i <= x->rank; i++)
                    s.dim[i] = i == ax ? 1 : x->dim[j++];
                set0(n, s);
            }
        } else if (x->rank >= 0 && x->rank < G_MAX_RANK) {
            set0(n, si_with_rank(x->rank + 1));
        }
    } else if (!strcmp(op, "Pad") || !strcmp(op, "PadV2") || !strcmp(op, "MirrorPad")) {
        if (x->rank >= 0 && si_in_value(c, n, 1, &v, &nv) && nv == 2 * x->rank) {
            s = *x;
            for (int i = 0; i < x->rank; i++)
                s.dim[i] = x->dim[i] < 0 || v[2 * i] == SI_UNKNOWN || v[2 * i + 1] == SI_UNKNOWN
                               ? -1
                               : si_dim_add(si_dim_add(x->dim[i], v[2 * i]), v[2 * i + 1]);
            set0(n, s);
        } else if (x->rank >= 0) {
            set0(n, si_with_rank(x->rank));
        }
    } else if (op_is(op, SET_REDUCE) || !strcmp(op, "ArgMax") || !strcmp(op, "ArgMin")) {
        bool keep = si_attr_b(n, "keep_dims") && strncmp(op, "Arg", 3);
        if (x->rank >= 0 && si_in_value(c, n, 1, &v, &nv)) {
            bool red[G_MAX_RANK] = {0};
            for (int i = 0; i < nv; i++) {
                int a = v[i] == SI_UNKNOWN ? -1 : si_norm_axis(v[i], x->rank);
                if (a < 0) {
                    set0(n, keep ? si_with_rank(x->rank) : si_unknown());
                    goto values;
                }
                red[a] = true;
            }
            s = si_with_rank(0);
            for (int i = 0; i < x->rank; i++)
                if (!red[i])
                    s.dim[s.rank++] = x->dim[i];
                else if (keep)
                    s.dim[s.rank++] = 1;
            set0(n, s);
        } else if (x->rank >= 0 && keep) {
            set0(n, si_with_rank(x->rank));
        }
    } else if (!strcmp(op, "StridedSlice")) {
        const int64_t *b, *e, *st;
        int nb, ne, ns;
        if (si_in_value(c, n, 1, &b, &nb) && si_in_value(c, n, 2, &e, &ne) &&
            si_in_value(c, n, 3, &st, &ns) && nb == ne && nb == ns && nb <= G_MAX_RANK) {
            bool ok = true;
            for (int i = 0; i < nb; i++)
                ok &= b[i] != SI_UNKNOWN && e[i] != SI_UNKNOWN && st[i] != SI_UNKNOWN;
            int64_t sel[SI_MAX_VALS];
            int nsel = -1;
            if (ok) {
                s = si_strided_slice(n, x, b, e, st, nb, sel, &nsel);
                set0(n, s);
                const int64_t *xv;
                int nxv;
                if (nsel >= 0 && si_in_value(c, n, 0, &xv, &nxv)) {
                    int64_t out[SI_MAX_VALS];
                    int k = 0;
                    for (; k < nsel; k++) {
                        if (sel[k] < 0 || sel[k] >= nxv)
                            break;
                        out[k] = xv[sel[k]];
                    }
                    if (k == nsel)
                        si_set_value(c, id, out, nsel);
                }
            }
        }
    } else if (!strcmp(op, "Slice")) {
        const int64_t *b, *sz;
        int nb, ns;
        if (x->rank >= 0 && si_in_value(c, n, 1, &b, &nb) && si_in_value(c, n, 2, &sz, &ns) &&
            nb == x->rank && ns == x->rank) {
            s = si_with_rank(x->rank);
            for (int i = 0; i < x->rank; i++)
                s.dim[i] = sz[i] == SI_UNKNOWN ? -1
                           : sz[i] == -1       ? (x->dim[i] >= 0 && b[i] >= 0 && b[i] <= x->dim[i] ? x->dim[i] - b[i] : -1)
                                               : sz[i];
            set0(n, s);
        } else if (x->rank >= 0) {
            set0(n, si_with_rank(x->rank));
        }
    } else if (!strcmp(op, "Tile")) {
        if (x->rank >= 0 && si_in_value(c, n, 1, &v, &nv) && nv == x->rank) {
            s = *x;
            for (int i = 0; i < x->rank; i++)
                s.dim[i] = v[i] == SI_UNKNOWN ? -1 : si_dim_mul(x->dim[i], v[i]);
            set0(n, s);
        } else if (x->rank >= 0) {
            set0(n, si_with_rank(x->rank));
        }
    } else if (!strcmp(op, "Fill") || !strcmp(op, "Zeros") || !strcmp(op, "Empty")) {
        if (si_in_value(c, n, 0, &v, &nv) && nv <= G_MAX_RANK) {
            s = si_with_rank(nv);
            for (int i = 0; i < nv; i++)
                s.dim[i] = v[i] == SI_UNKNOWN ? -1 : v[i];
            set0(n, s);
        }
    } else if (!strcmp(op, "Shape")) {
        s = si_with_rank(1);
        s.dim[0] = x->rank;
        set0(n, x->rank >= 0 ? s : si_with_rank(1));
    } else if (!strcmp(op, "ShapeN")) {
        for (int k = 0; k < n->n_outputs; k++) {
            const struct g_shape *y = si_in_shape(c, n, k);
            s = si_with_rank(1);
            s.dim[0] = y->rank;
            n->out_shape[k] = s;
        }
    } else if (!strcmp(op, "Size") || !strcmp(op, "Rank")) {
        set0(n, si_with_rank(0));
    } else if (!strcmp(op, "Split") || !strcmp(op, "SplitV")) {
        bool sv = !strcmp(op, "SplitV");
        const struct g_shape *val = sv ? x : si_in_shape(c, n, 1);
        int axk = sv ? 2 : 0;
        if (val->rank >= 0 && si_in_value(c, n, axk, &v, &nv) && nv == 1) {
            int ax = si_norm_axis(v[0], val->rank);
            const int64_t *sz = NULL;
            int nsz = 0;
            if (sv && !si_in_value(c, n, 1, &sz, &nsz))
                nsz = 0;
            for (int k = 0; k < n->n_outputs; k++) {
                s = *val;
                if (ax >= 0) {
                    if (!sv)
                        s.dim[ax] = val->dim[ax] >= 0 ? val->dim[ax] / n->n_outputs : -1;
                    else
                        s.dim[ax] = k < nsz && sz[k] >= 0 && sz[k] != SI_UNKNOWN ? sz[k] : -1;
                }
                n->out_shape[k] = s;
            }
        }
    } else if (!strcmp(op, "GatherV2") || !strcmp(op, "Gather")) {
        const struct g_shape *ix = si_in_shape(c, n, 1);
        int64_t axv = 0;
        bool have = !strcmp(op, "Gather");
        if (!have && si_in_value(c, n, 2, &v, &nv) && nv == 1) {
            axv = v[0];
            have = true;
        }
        if (have && x->rank >= 1 && ix->rank >= 0 && x->rank - 1 + ix->rank <= G_MAX_RANK &&
            si_attr_i(n, "batch_dims", 0) == 0) {
            int ax = si_norm_axis(axv, x->rank);
            if (ax >= 0) {
                s = si_with_rank(0);
                for (int i = 0; i < ax; i++)
                    s.dim[s.rank++] = x->dim[i];
                for (int i = 0; i < ix->rank; i++)
                    s.dim[s.rank++] = ix->dim[i];
                for (int i = ax + 1; i < x->rank; i++)
                    s.dim[s.rank++] = x->dim[i];
                set0(n, s);
            }
        }
    } else if (!strcmp(op, "Range")) {
        const int64_t *a, *b, *d;
        int na, nb, nd;
        s = si_with_rank(1);
        if (si_in_value(c, n, 0, &a, &na) && si_in_value(c, n, 1, &b, &nb) &&
            si_in_value(c, n, 2, &d, &nd) && na == 1 && nb == 1 && nd == 1 && d[0] &&
            a[0] != SI_UNKNOWN && b[0] != SI_UNKNOWN && d[0] != SI_UNKNOWN) {
            int64_t span, len = -1;
            if (!__builtin_sub_overflow(b[0], a[0], &span) && d[0] != INT64_MIN)
                len = (span > 0) == (d[0] > 0) && span ? (span - (d[0] > 0 ? 1 : -1)) / d[0] + 1 : 0;
            s.dim[0] = len;
        }
        set0(n, s);
    } else if (!strcmp(op, "OneHot")) {
        if (x->rank >= 0 && x->rank < G_MAX_RANK && si_in_value(c, n, 1, &v, &nv) && nv == 1) {
            int ax = (int)si_attr_i(n, "axis", -1);
            if (ax < 0)
                ax = x->rank;
            s = si_with_rank(x->rank + 1);
            for (int i = 0, j = 0; i <= x->rank; i++)
                s.dim[i] = i == ax ? v[0] : x->dim[j++];
            set0(n, s);
        }
    } else if (!strcmp(op, "Conv2DBackpropInput") || !strcmp(op, "Conv3DBackpropInputV2")) {
        if (si_in_value(c, n, 0, &v, &nv) && nv <= G_MAX_RANK) {
            s = si_with_rank(nv);
            for (int i = 0; i < nv; i++)
                s.dim[i] = v[i] == SI_UNKNOWN ? -1 : v[i];
            set0(n, s);
        }
    } else if (!strcmp(op, "BroadcastTo")) {
        if (si_in_value(c, n, 1, &v, &nv) && nv <= G_MAX_RANK) {
            s = si_with_rank(nv);
            for (int i = 0; i < nv; i++)
                s.dim[i] = v[i] == SI_UNKNOWN ? -1 : v[i];
            set0(n, s);
        }
    }
values:
    si_fold_values(c, id);
}
