#!/bin/bash
# The AMP painter against the real TensorFlow pass: every sample runs through
# TF's auto_mixed_precision_onednn_bfloat16 with its log path set; then
#  1. `ampscope amp SAMPLE` (prepass model on) must print TF's own
#     `Converted X/Y ... N cast(s)` line (also with a few list edits);
#  2. `ampscope amp --no-prepass` on TF's graphdef_preop_* dump must agree with
#     TF's graphdef_AutoMixedPrecision_* dump on every float32 type attribute
#     (node, attr, bf16 or not) and on the set of Cast names.
# Skips (77) without TensorFlow (make deps-tf).
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
PY=${AMPSCOPE_PYTHON:-$AMPSCOPE_ROOT/.venv/bin/python3}
if ! [ -x "$PY" ] || ! "$PY" -c 'import tensorflow' >/dev/null 2>&1; then
    echo "SKIP: no TensorFlow at $PY (run make deps-tf)"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset "${!TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_@}"
export TF_CPP_MIN_LOG_LEVEL=0 TF_CPP_VMODULE=auto_mixed_precision=2
S=$AMPSCOPE_ROOT/samples
bad=0

# One TensorFlow process runs every case (TF reads the list variables each
# time the pass runs): "@@case NAME" on stderr separates their log lines.
cat >"$TMP/run_tf.py" <<'PY'
import os, sys
import numpy as np
import tensorflow as tf
from tensorflow.core.framework import graph_pb2
tf.config.optimizer.set_experimental_options({"auto_mixed_precision_onednn_bfloat16": True})
base = dict(os.environ)
for line in open(sys.argv[1]):
    name, path, fetch, *env = line.split("\t")
    env = [e.strip("\n") for e in env if e.strip("\n")]
    os.environ.clear(); os.environ.update(base)
    for e in env:
        k, v = e.split("=", 1); os.environ[k] = v
    os.environ["TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LOG_PATH"] = os.path.join(sys.argv[2], name)
    sys.stderr.write("@@case %s\n" % name); sys.stderr.flush()
    gd = graph_pb2.GraphDef(); gd.ParseFromString(open(path, "rb").read())
    g = tf.Graph()
    with g.as_default():
        tf.graph_util.import_graph_def(gd, name="")
    feeds = {}
    for n in gd.node:
        if n.op != "Placeholder":
            continue
        if n.attr["dtype"].type == 7:  # a string input: the KWS graphs take a WAV file
            import io, struct, wave
            buf = io.BytesIO(); wv = wave.open(buf, "wb"); wv.setnchannels(1); wv.setsampwidth(2)
            wv.setframerate(16000); wv.writeframes(struct.pack("<16000h", *([0] * 16000))); wv.close()
            feeds[n.name + ":0"] = buf.getvalue()
            continue
        shp = [d.size if d.size > 0 else 1 for d in n.attr["shape"].shape.dim]
        feeds[n.name + ":0"] = np.random.default_rng(0).standard_normal(shp).astype(np.float32)
    try:
        with tf.compat.v1.Session(graph=g) as s:
            s.run(fetch + ":0", feeds)
    except Exception as ex:  # a failing pass leaves the graph fp32 and still runs
        sys.stderr.write("run failed: %s\n" % ex)
    sys.stderr.flush()
PY

# Compares every case in one process: TF's post-AMP dump vs ampscope's JSON.
cat >"$TMP/cmp.py" <<'PY'
import glob, json, sys
from tensorflow.core.framework import graph_pb2, types_pb2
def load(p):
    g = graph_pb2.GraphDef(); g.ParseFromString(open(p, "rb").read()); return g
bad = 0
for name in sys.argv[2:]:
    d = sys.argv[1] + "/" + name
    mine = json.load(open(d + ".json"))
    pre = load(glob.glob(d + "/graphdef_preop_*.pb")[0]); post = load(glob.glob(d + "/graphdef_AutoMixedPrecision_*.pb")[0])
    pn = {n.name: n for n in post.node}
    tf = {}
    for n in pre.node:
        for k, v in n.attr.items():
            if v.WhichOneof("value") == "type" and v.type == types_pb2.DT_FLOAT:
                tf[(n.name, k)] = pn[n.name].attr[k].type == types_pb2.DT_BFLOAT16
    me = {(a["node"], a["attr"]): a["allow"] for a in mine["attrs"] if a["was_fp32"]}
    # an attr TF adds itself (U of FusedBatchNorm -> V2) stays float: missing = not bf16
    dis = sorted(k for k in set(tf) | set(me) if tf.get(k, False) != me.get(k, False))
    casts_tf = sorted(n.name for n in post.node if n.op == "Cast" and n.name not in {m.name for m in pre.node})
    casts_me = sorted(c["name"] for c in mine["cast_edges"])
    ok = not dis and casts_tf == casts_me
    bad |= not ok
    print("%s %s (node for node on TF's pre-AMP graph): %d attrs compared, %d disagree%s; casts %s" % (
        "ok  " if ok else "FAIL", name, len(tf), len(dis), (": %s" % dis[:5]) if dis else "",
        "equal (%d)" % len(casts_tf) if casts_tf == casts_me else "DIFFER: tf %s ampscope %s" % (casts_tf, casts_me)))
sys.exit(1 if bad else 0)
PY

P=TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_
cases=$TMP/cases.tsv
: >"$cases"
add() { # name model fetch [VAR=VALUE...]   (model relative to samples/ unless absolute)
    local name=$1 s=$2 fetch=$3; shift 3
    case $s in /*) ;; *) s=$S/$s ;; esac
    mkdir -p "$TMP/$name"
    (IFS=$'\t'; echo "$name"$'\t'"$s"$'\t'"$fetch"$'\t'"$*") >>"$cases"
}
for s in conv_bias_relu mnist_convnet mlp transformer_block resnet_block deny_propagation; do
    add "$s" "$s.pb" Identity
done
add deny_matmul_two_lists mlp.pb Identity ${P}DENYLIST_ADD=MatMul
add move_matmul mlp.pb Identity ${P}ALLOWLIST_REMOVE=MatMul ${P}DENYLIST_ADD=MatMul
add exp_to_infer deny_propagation.pb Identity ${P}DENYLIST_REMOVE=Exp ${P}INFERLIST_ADD=Exp
add treat_infer_as_deny transformer_block.pb Identity ${P}LEVEL=TREAT_INFER_AS_DENY
add relu_off_clear conv_bias_relu.pb Identity ${P}CLEARLIST_REMOVE=Relu
add legacy_names mnist_convnet.pb Identity ${P}GRAYLIST_REMOVE=BiasAdd ${P}WHITELIST_ADD=Relu ${P}CLEARLIST_REMOVE=Relu
# real third-party frozen graphs (the TF1 while-loop LSTM exercises loops and
# grappler's Enter/Fill rewrites), when the shared corpus is here
C=${SHARED_CORPUS:-$AMPSCOPE_ROOT/../shared/corpus}/graphs
if [ -d "$C" ]; then
    for k in kws_cnn_s_frozen kws_ds_cnn_s_frozen kws_lstm_s_frozen_tf1_while; do
        [ -f "$C/$k.pb" ] && add "$k" "$C/$k.pb" labels_softmax
    done
    [ -f "$C/tfonnx_fc_layers_frozen.pb" ] && add tfonnx_fc_layers_frozen "$C/tfonnx_fc_layers_frozen.pb" output
else
    echo "note: $C is absent: the corpus graphs are not compared"
fi
"$PY" "$TMP/run_tf.py" "$cases" "$TMP" >"$TMP/tf.out" 2>"$TMP/tf.err" || { echo "FAIL: TensorFlow run"; tail -20 "$TMP/tf.err"; exit 1; }

compared=""
while IFS=$'\t' read -r name path fetch envs; do
    d=$TMP/$name
    read -r -a vars <<<"$envs"
    tfl=$(awk -v n="$name" '$0 == "@@case " n {on=1; next} /^@@case / {on=0} on' "$TMP/tf.err" |
          grep -oE '(Converted [0-9]+/[0-9]+ nodes .*casts\)|No allowlist ops found, nothing to do|auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: .*)$' | head -1)
    if [ -z "$tfl" ]; then echo "FAIL $name: TensorFlow printed no AMP line"; bad=1; continue; fi
    me=$(env "${vars[@]}" "$AMPSCOPE" amp "$path" 2>/dev/null | tail -1)
    if [ "$me" != "$tfl" ]; then
        echo "FAIL $name: TF: $tfl"; echo "      ampscope: $me"; bad=1
    else
        echo "ok   $name: $tfl"
    fi
    if ls "$d"/graphdef_AutoMixedPrecision_*.pb >/dev/null 2>&1; then
        pre=$(ls "$d"/graphdef_preop_*.pb | head -1)
        feeds=$(awk '/op: "Placeholder"/ {print prev} {prev=$0}' "$pre.txt" | sed 's/.*name: "\(.*\)"/\1/' | paste -sd, -)
        env "${vars[@]}" "$AMPSCOPE" amp "$pre" --no-prepass --preserve "$feeds,$fetch" --json >"$d.json" 2>/dev/null
        compared="$compared $name"
    fi
done <"$cases"
# shellcheck disable=SC2086
"$PY" "$TMP/cmp.py" "$TMP" $compared 2>/dev/null || bad=1
exit $bad
