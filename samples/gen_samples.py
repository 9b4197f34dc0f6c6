#!/usr/bin/env python3
"""Generates ampscope's sample models with real TensorFlow.

Each sample is a frozen GraphDef (variables folded to Const), written the way
users usually produce them: a tf.function traced with an input signature whose
batch dimension is unknown, then convert_variables_to_constants_v2. Weights are
seeded random, so the output is reproducible for a given TensorFlow version.
`make` never needs TensorFlow: the generated .pb files are committed.

    .venv/bin/python3 samples/gen_samples.py [OUTDIR]     (default: samples/)
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from google.protobuf import text_format  # noqa: E402
from tensorflow.python.framework.convert_to_constants import (  # noqa: E402
    convert_variables_to_constants_v2,
)

RNG = np.random.default_rng(20261122)


def var(shape, name, scale=None):
    """A seeded, He-scaled random weight."""
    fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else int(shape[0])
    s = scale if scale is not None else np.sqrt(2.0 / max(fan_in, 1))
    return tf.Variable(RNG.normal(0.0, s, size=shape).astype(np.float32), name=name)


# --------------------------------------------------------------------------
# conv_bias_relu: the seed example, Conv2D -> BiasAdd -> Relu.
def conv_bias_relu():
    w = var([3, 3, 16, 32], "conv/kernel")
    b = var([32], "conv/bias", 0.1)

    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 16], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("conv"):
            y = tf.nn.conv2d(x, w, strides=1, padding="SAME", name="Conv2D")
            y = tf.nn.bias_add(y, b, name="BiasAdd")
            y = tf.nn.relu(y, name="Relu")
        return y

    return f, "Conv2D -> BiasAdd -> Relu (the seed example); x: ?x28x28x16"


# --------------------------------------------------------------------------
# mnist_convnet: the Keras "Simple MNIST convnet" (keras-io
# examples/vision/mnist_convnet.py): Conv2D 32 3x3 relu, MaxPool 2, Conv2D 64
# 3x3 relu, MaxPool 2, Flatten, Dropout 0.5, Dense 10 softmax.
def mnist_convnet():
    w1, b1 = var([3, 3, 1, 32], "conv2d/kernel"), var([32], "conv2d/bias", 0.05)
    w2, b2 = var([3, 3, 32, 64], "conv2d_1/kernel"), var([64], "conv2d_1/bias", 0.05)
    w3, b3 = var([1600, 10], "dense/kernel"), var([10], "dense/bias", 0.05)

    @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("conv2d"):
            y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, 1, "VALID"), b1))
        with tf.name_scope("max_pooling2d"):
            y = tf.nn.max_pool2d(y, 2, 2, "VALID")
        with tf.name_scope("conv2d_1"):
            y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(y, w2, 1, "VALID"), b2))
        with tf.name_scope("max_pooling2d_1"):
            y = tf.nn.max_pool2d(y, 2, 2, "VALID")
        with tf.name_scope("flatten"):
            y = tf.reshape(y, [-1, 1600])
        with tf.name_scope("dropout"):
            y = tf.identity(y)  # Dropout is the identity at inference
        with tf.name_scope("dense"):
            y = tf.nn.softmax(tf.nn.bias_add(tf.matmul(y, w3), b3))
        return y

    return f, "Keras Simple MNIST convnet; x: ?x28x28x1"


# --------------------------------------------------------------------------
# mlp: Dense 64 relu -> Dense 64 relu -> Dense 10 -> softmax.
def mlp():
    w1, b1 = var([784, 64], "dense/kernel"), var([64], "dense/bias", 0.05)
    w2, b2 = var([64, 64], "dense_1/kernel"), var([64], "dense_1/bias", 0.05)
    w3, b3 = var([64, 10], "dense_2/kernel"), var([10], "dense_2/bias", 0.05)

    @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("dense"):
            y = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w1), b1))
        with tf.name_scope("dense_1"):
            y = tf.nn.relu(tf.nn.bias_add(tf.matmul(y, w2), b2))
        with tf.name_scope("dense_2"):
            y = tf.nn.bias_add(tf.matmul(y, w3), b3)
        return tf.nn.softmax(y)

    return f, "MLP Dense 64 relu -> Dense 64 relu -> Dense 10 -> softmax; x: ?x784"


# --------------------------------------------------------------------------
# transformer_block: one encoder block, seq 64, d_model 128, 4 heads, FFN 512:
# Einsum projections, BatchMatMulV2 attention, Softmax, LayerNorm pattern
# (Mean/SquaredDifference/Rsqrt), GELU via Erf, residual AddV2.
def transformer_block():
    S, D, H, F = 64, 128, 4, 512
    DH = D // H
    wq, wk, wv = var([D, D], "attn/q/kernel"), var([D, D], "attn/k/kernel"), var([D, D], "attn/v/kernel")
    wo = var([D, D], "attn/out/kernel")
    g1, be1 = tf.Variable(np.ones(D, np.float32), name="ln1/gamma"), tf.Variable(np.zeros(D, np.float32), name="ln1/beta")
    w1, b1 = var([D, F], "ffn/dense1/kernel"), var([F], "ffn/dense1/bias", 0.02)
    w2, b2 = var([F, D], "ffn/dense2/kernel"), var([D], "ffn/dense2/bias", 0.02)
    g2, be2 = tf.Variable(np.ones(D, np.float32), name="ln2/gamma"), tf.Variable(np.zeros(D, np.float32), name="ln2/beta")

    def layer_norm(x, g, b, name):
        with tf.name_scope(name):
            mean = tf.reduce_mean(x, axis=-1, keepdims=True)
            var_ = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=-1, keepdims=True)
            return (x - mean) * tf.math.rsqrt(var_ + 1e-6) * g + b

    @tf.function(input_signature=[tf.TensorSpec([None, S, D], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("attn"):
            q = tf.einsum("bsd,de->bse", x, wq)
            k = tf.einsum("bsd,de->bse", x, wk)
            v = tf.einsum("bsd,de->bse", x, wv)

            def heads(t):
                return tf.transpose(tf.reshape(t, [-1, S, H, DH]), [0, 2, 1, 3])

            q, k, v = heads(q), heads(k), heads(v)
            scores = tf.matmul(q, k, transpose_b=True) * (1.0 / np.sqrt(DH))
            probs = tf.nn.softmax(scores, axis=-1)
            ctx = tf.matmul(probs, v)
            ctx = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [-1, S, D])
            out = tf.einsum("bsd,de->bse", ctx, wo)
        y = layer_norm(x + out, g1, be1, "ln1")
        with tf.name_scope("ffn"):
            h = tf.reshape(y, [-1, D])
            h = tf.nn.bias_add(tf.matmul(h, w1), b1)
            h = 0.5 * h * (1.0 + tf.math.erf(h / np.sqrt(2.0)))  # GELU (erf form)
            h = tf.nn.bias_add(tf.matmul(h, w2), b2)
            h = tf.reshape(h, [-1, S, D])
        return layer_norm(y + h, g2, be2, "ln2")

    return f, "Transformer encoder block (seq 64, d 128, 4 heads, FFN 512, GELU via Erf); x: ?x64x128"


# --------------------------------------------------------------------------
# resnet_block: conv3x3-BN-relu-conv3x3-BN + identity shortcut (AddV2) - relu.
def resnet_block():
    C = 64
    w1, w2 = var([3, 3, C, C], "block/conv1/kernel"), var([3, 3, C, C], "block/conv2/kernel")

    def bn_params(name):
        return (tf.Variable(np.ones(C, np.float32), name=name + "/gamma"),
                tf.Variable(RNG.normal(0, 0.05, C).astype(np.float32), name=name + "/beta"),
                tf.Variable(RNG.normal(0, 0.05, C).astype(np.float32), name=name + "/moving_mean"),
                tf.Variable(np.abs(RNG.normal(1, 0.1, C)).astype(np.float32), name=name + "/moving_variance"))

    bn1, bn2 = bn_params("block/bn1"), bn_params("block/bn2")

    def bn(x, p, name):
        y, _, _ = tf.compat.v1.nn.fused_batch_norm(x, p[0], p[1], p[2], p[3], epsilon=1e-3,
                                                    is_training=False, name=name)
        return y

    @tf.function(input_signature=[tf.TensorSpec([None, 32, 32, C], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("block"):
            y = tf.nn.conv2d(x, w1, 1, "SAME", name="conv1")
            y = tf.nn.relu(bn(y, bn1, "bn1"))
            y = tf.nn.conv2d(y, w2, 1, "SAME", name="conv2")
            y = bn(y, bn2, "bn2")
            return tf.nn.relu(tf.add(y, x, name="add"))

    return f, "ResNet basic block with FusedBatchNormV3 and AddV2 shortcut; x: ?x32x32x64"


# --------------------------------------------------------------------------
# deny_propagation: MatMul -> BiasAdd -> Exp (denylisted) -> Mul -> AddV2 ->
# MatMul -> Softmax. Exp is deny; deny spreads forward through the infer ops
# (Mul, AddV2) but stops at the second MatMul (allow), which gets a cast.
def deny_propagation():
    w1, b1 = var([256, 256], "dense/kernel"), var([256], "dense/bias", 0.02)
    w2 = var([256, 64], "dense_1/kernel")

    @tf.function(input_signature=[tf.TensorSpec([None, 256], tf.float32, name="x")])
    def f(x):
        with tf.name_scope("dense"):
            h = tf.nn.bias_add(tf.matmul(x, w1), b1)
        with tf.name_scope("gate"):
            e = tf.exp(h * 0.1)
            g = e * 0.5 + 1.0
        with tf.name_scope("dense_1"):
            y = tf.matmul(g, w2)
        return tf.nn.softmax(y)

    return f, "Deny propagation: MatMul -> BiasAdd -> Exp (deny) -> Mul -> AddV2 -> MatMul -> Softmax; x: ?x256"


SAMPLES = [conv_bias_relu, mnist_convnet, mlp, transformer_block, resnet_block, deny_propagation]


def freeze(fn):
    cf = fn.get_concrete_function()
    frozen = convert_variables_to_constants_v2(cf)
    return frozen.graph.as_graph_def()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    lines = []
    for make in SAMPLES:
        fn, what = make()
        gd = freeze(fn)
        name = make.__name__
        path = os.path.join(out, name + ".pb")
        with open(path, "wb") as fh:
            fh.write(gd.SerializeToString(deterministic=True))
        ops = sorted({n.op for n in gd.node})
        lines.append(f"{name}.pb: {len(gd.node)} nodes; {what}; ops: {', '.join(ops)}")
        print(lines[-1])
    # The text form of the seed example, as TensorFlow's own text dumps look.
    gd = freeze(conv_bias_relu()[0])
    with open(os.path.join(out, "conv_bias_relu.pbtxt"), "w") as fh:
        # text_format, as TensorFlow's own tf.io.write_graph(as_text=True) writes it
        # (str(gd) escapes bytes differently on some protobuf runtimes).
        fh.write(text_format.MessageToString(gd))
    print("TensorFlow", tf.__version__)


if __name__ == "__main__":
    main()
