#!/bin/bash
# run_vs_tf.sh: the embedded executor computes what TensorFlow computes. Every
# sample runs with AMPSCOPE_DUMP_DIR set (inputs and outputs of the last pass
# as raw f32); real TensorFlow then runs the same frozen graph on the same
# inputs. f32 must agree to 1e-4 (relative to the largest output), the bf16
# plan to 5e-2. Skipped when no Python with TensorFlow is found.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
py=${AMPSCOPE_PYTHON:-$AMPSCOPE_ROOT/.venv/bin/python3}
if ! [ -x "$py" ] || ! TF_CPP_MIN_LOG_LEVEL=3 "$py" -c 'import tensorflow' >/dev/null 2>&1; then
    echo "SKIP: no Python with TensorFlow ($py; \`make deps-tf\` or AMPSCOPE_PYTHON) to check the executor's numbers against"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/check.py" <<'PY'
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
model, dump, batch, tol = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
gd = tf.compat.v1.GraphDef()
gd.ParseFromString(open(model, "rb").read())
feeds, fetches = {}, []
consumed = {i.split(":")[0].lstrip("^") for n in gd.node for i in n.input}
g = tf.Graph()
with g.as_default():
    tf.import_graph_def(gd, name="")
for n in gd.node:
    fn = n.name.replace("/", "_")
    if n.op == "Placeholder":
        dims = [d.size for d in n.attr["shape"].shape.dim]
        dims = [batch if (k == 0 and v < 0) else v for k, v in enumerate(dims)]
        feeds[n.name + ":0"] = np.fromfile(f"{dump}/{fn}.in.f32", dtype=np.float32).reshape(dims)
    elif n.name not in consumed and n.op != "NoOp":
        fetches.append((n.name + ":0", f"{dump}/{fn}.out.f32"))
with tf.compat.v1.Session(graph=g) as s:
    for name, path in fetches:
        y = s.run(name, feeds)
        ours = np.fromfile(path, dtype=np.float32).reshape(y.shape)
        err = float(np.max(np.abs(ours - y)) / (np.max(np.abs(y)) + 1e-12))
        print(f"{os.path.basename(model)} {name}: max relative error {err:.2e} (tolerance {tol:g})")
        if not err <= tol:
            sys.exit(1)
PY
fail=0
for model in "$AMPSCOPE_ROOT"/samples/*.pb; do
    s=$(basename "$model" .pb)
    for amp in off on; do
        tol=1e-4
        [ $amp = on ] && tol=5e-2
        AMPSCOPE_DUMP_DIR="$tmp/dump-$s-$amp" AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$model" --amp $amp \
            --batch 3 --warmup 0 --iters 1 --out "$tmp/run-$s-$amp" --json >/dev/null 2>"$tmp/err" ||
            { echo "FAIL: $s --amp $amp: $(tail -2 "$tmp/err")"; fail=1; continue; }
        "$py" "$tmp/check.py" "$model" "$tmp/dump-$s-$amp" 3 $tol 2>"$tmp/pyerr" ||
            { echo "FAIL: $s --amp $amp differs from TensorFlow $(grep -v '^[IW]0000\|WARNING' "$tmp/pyerr" | tail -2)"; fail=1; }
    done
done
exit $fail
