/* env_itex.c: the default bf16 lists of Intel Extension for TensorFlow's
 * Advanced AMP (its CPU class: base lists, infer + Sum and Square, deny
 * without Sum; tf-amp.md §7, including the missing-comma entry), and the
 * ITEX_AUTO_MIXED_PRECISION_* lines for a set of moves. ITEX reads its list
 * variables like TF (comma split, no trimming) but has no legacy aliases and
 * no LEVEL variable.
 */
#include "render/env.h"

#include <stdlib.h>
#include <string.h>

static const char *const ITEX_ALLOW[] = {
    "BatchMatMul", "BatchMatMulV2", "Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput",
    "Conv3D", "Conv3DBackpropFilter", "Conv3DBackpropFilterV2", "Conv3DBackpropInput",
    "Conv3DBackpropInputV2", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropFilter",
    "DepthwiseConv2dNativeBackpropInput", "Einsum", "MatMul", "MklAUGRU", "MklGRU", "_FusedMatMul",
    "_ITEXConv2DBackpropFilterWithBias", "_ITEXConv2DBackpropInputWithSlice",
    "_ITEXConv3DBackpropFilterWithBias", "_ITEXConv3DBackpropInputV2WithSlice",
    "_ITEXForwardAUGRU", "_ITEXForwardGRU", "_ITEXFusedBatchMatMulV2", "_ITEXFusedConv2D",
    "_ITEXFusedConv2DWithSum", "_ITEXFusedConv3D", "_ITEXFusedDepthwiseConv2dNative",
    "_ITEXFusedMatMul", "_ITEXFusedMatMulGrad", "_ITEXFusedMatMulWithSum", "_ITEXPadWithConv2D",
    "_ITEXPadWithConv3D",
    /* two literals without a comma in ITEX's source: one entry */
    "_ITEXPadWithDepthwiseConv2dNative_ITEXPadWithFusedConv2D", "_ITEXPadWithFusedConv3D",
    "_ITEXConv3D", "ScaledDotProductAttention", "ScaledDotProductAttentionInference",
    "ScaledDotProductAttentionGrad", "FusedDenseBiasAddGelu", "FusedDenseBiasAddGeluGrad", NULL};

static const char *const ITEX_INFER[] = {
    "Add", "AddN", "AddV2", "AvgPool", "AvgPool3D", "AvgPool3DGrad", "AvgPoolGrad", "BiasAdd",
    "BiasAddGrad", "BiasAddV1", "Elu", "EluGrad", "Erf", "Erfc", "FloorDiv", "FusedBatchNormV2",
    "FusedBatchNormGradV2", "FusedBatchNormV3", "FusedBatchNormGradV3", "Gelu", "GeluGrad", "Inv",
    "ITEXGelu", "ITEXGeluGrad", "ITEXLayerNorm", "ITEXLayerNormGrad", "LayerNorm", "LayerNormGrad",
    "LeakyRelu", "LeakyReluGrad", "Log", "Log1p", "LogSoftmax", "Mul", "Prod", "RealDiv",
    "Reciprocal", "Selu", "SeluGrad", "Sigmoid", "SigmoidGrad", "Softmax", "Softplus",
    "SoftplusGrad", "Softsign", "SoftsignGrad", "Sqrt", "Sub", "SwishGrad", "Tanh", "TanhGrad",
    "_FusedBatchNormEx", "_ITEXFusedBatchNormGradEx", "_ITEXFusedBinary", "_ITEXFusedInstanceNorm",
    "_ITEXInstanceNorm", "_ITEXMish", "_ITEXSwish", "_MklLayerNorm",
    /* CPU class */
    "Sum", "Square", NULL};

static const char *const ITEX_DENY[] = {"Exp", "Expm1", "L2Loss", "Mean", "Pow", "SaveV2",
                                        "SoftmaxCrossEntropyWithLogits",
                                        "SparseSoftmaxCrossEntropyWithLogits", NULL};

static const char *const ITEX_CLEAR[] = {
    "Abs", "ArgMax", "ArgMin", "BatchToSpace", "BatchToSpaceND", "BroadcastTo", "Ceil",
    "CheckNumerics", "ClipByValue", "Concat", "ConcatV2", "DepthToSpace", "DynamicPartition",
    "DynamicStitch", "EnsureShape", "Enter", "Equal", "Exit", "ExpandDims", "Fill", "Floor",
    "Gather", "GatherNd", "GatherV2", "Greater", "GreaterEqual", "Identity", "IdentityN",
    "IsFinite", "IsInf", "IsNan", "Less", "LessEqual", "Max", "Maximum", "MaxPool", "MaxPool3D",
    "MaxPool3DGrad", "MaxPool3DGradGrad", "MaxPoolGrad", "MaxPoolGradGrad", "MaxPoolGradGradV2",
    "MaxPoolGradV2", "MaxPoolV2", "Merge", "Min", "Minimum", "MirrorPad", "MirrorPadGrad", "Neg",
    "NextIteration", "NotEqual", "OneHot", "OnesLike", "Pack", "Pad", "PadV2", "PreventGradient",
    "Rank", "Relu", "Relu6", "Relu6Grad", "ReluGrad", "Reshape", "ResizeNearestNeighbor",
    "ResizeNearestNeighborGrad", "Reverse", "ReverseSequence", "ReverseV2", "Round", "Select",
    "SelectV2", "Shape", "ShapeN", "Sign", "Size", "Slice", "Snapshot", "SpaceToBatch",
    "SpaceToBatchND", "SpaceToDepth", "Split", "SplitV", "Squeeze", "StopGradient",
    "StridedSlice", "StridedSliceGrad", "Switch", "Tile", "TopK", "TopKV2", "Transpose", "Where",
    "Unpack", "ZerosLike", "TensorListConcat", "TensorListConcatLists", "TensorListConcatV2",
    "TensorListGather", "TensorListGetItem", "TensorListPopBack", "TensorListPushBack",
    "TensorListPushBackBatch", "TensorListFromTensor", "TensorListScatter", "TensorListScatterV2",
    "TensorListScatterIntoExistingList", "TensorListSetItem", "TensorListSplit",
    "TensorListStack", NULL};

static const char *const *const ITEX_LISTS[AMP_LIST__COUNT] = {NULL, ITEX_ALLOW, ITEX_INFER,
                                                                ITEX_CLEAR, ITEX_DENY};

static bool on(const char *const *l, const char *op)
{
    for (int i = 0; l && l[i]; i++)
        if (!strcmp(l[i], op))
            return true;
    return false;
}

enum amp_list env_itex_default(const char *op)
{
    for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++)
        if (on(ITEX_LISTS[li], op))
            return (enum amp_list)li;
    return AMP_LIST_NONE;
}

bool env_itex_known(const char *op) { return env_itex_default(op) != AMP_LIST_NONE; }

static const char *const LIST_VAR[AMP_LIST__COUNT] = {NULL, "ALLOWLIST", "INFERLIST", "CLEARLIST",
                                                      "DENYLIST"};

enum status env_vars_itex(struct env_vars *out, const struct env_moves *m, struct err *e)
{
    (void)e;
    env_vars_add(out, "ITEX_AUTO_MIXED_PRECISION", "1");
    env_vars_add(out, "ITEX_AUTO_MIXED_PRECISION_DATA_TYPE", "BFLOAT16");
    /* per list: ADD then REMOVE, ops in the order the moves were given */
    int n_lists = 0;
    for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++)
        for (int add = 1; add >= 0; add--) {
            struct abuf b;
            abuf_init(&b);
            for (int i = 0; i < m->n; i++) {
                enum amp_list def = env_itex_default(m->v[i].op);
                if (m->v[i].to == def)
                    continue;
                bool hit = add ? m->v[i].to == (enum amp_list)li : def == (enum amp_list)li;
                if (!hit)
                    continue;
                if (b.len)
                    abuf_putc(&b, ',');
                abuf_puts(&b, m->v[i].op);
            }
            if (b.len) {
                char name[96];
                snprintf(name, sizeof name, "ITEX_AUTO_MIXED_PRECISION_%s_%s", LIST_VAR[li],
                         add ? "ADD" : "REMOVE");
                env_vars_add(out, name, b.data);
                n_lists++;
            }
            abuf_done(&b);
        }
    free(out->note);
    out->note = xasprintf("Intel Extension for TensorFlow (ITEX) Advanced AMP, ITEX CPU lists: "
                          "%d list variable(s)%s; ITEX switches stock TF AMP off", n_lists,
                          n_lists ? "" : " (no change from the defaults)");
    out->tf_option = false;
    return ST_OK;
}
