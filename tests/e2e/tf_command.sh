#!/bin/bash
# `ampscope run -- COMMAND` with no model: a user's own TensorFlow script
# (Keras in a tf.function, AMP turned on in the script) runs under ampscope's
# environment; its own output reaches the terminal (TF's AMP log lines do
# not: they stay in amp.log), and the graph of the report is TensorFlow's own
# pre-AMP dump, so every oneDNN event lands on a named node and the painter is
# checked against TF on it. A command that runs no TensorFlow AMP leaves no
# graph: exit 1 with a message that says what to do.
set -u
. "$(dirname "$0")/tf_lib.bash"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cat >"$TMP/infer.py" <<'PY'
import numpy as np, tensorflow as tf
tf.config.optimizer.set_experimental_options({"auto_mixed_precision_onednn_bfloat16": True})
m = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(128, activation="relu"),
                         tf.keras.layers.Dense(10), tf.keras.layers.Softmax()])
f = tf.function(lambda x: m(x))
x = np.random.RandomState(1).rand(8, 64).astype("float32")
for _ in range(5):
    f(x)
print("user script finished")
PY
"$AMPSCOPE" run --out "$TMP/r" --json -- "$PY" "$TMP/infer.py" >"$TMP/r.json" 2>"$TMP/r.err"
rc=$?
[ $rc = 0 ] || { bad "run -- python infer.py: exit $rc"; tail -5 "$TMP/r.err"; }
grep -q "user script finished" "$TMP/r.err" || bad "the script's own output was not shown (tee)"
grep -q "auto_mixed_precision" "$TMP/r.err" && bad "TF's AMP log lines were shown on the terminal"
grep -q "auto_mixed_precision" "$TMP/r/amp.log" || bad "amp.log lacks TF's AMP log lines"
"$PY" - "$TMP/r" "$TMP/r.json" <<'PY' || fail=1
import json, os, sys
d, j = sys.argv[1], json.load(open(sys.argv[2]))
bad = 0
def no(*a):
    global bad; print("FAIL:", *a); bad = 1
meta = json.load(open(os.path.join(d, "meta.json")))
if not meta["model"].startswith("tf/graphdef_preop_"):
    no("meta.json model is", meta["model"], "(want TF's pre-AMP dump)")
nodes = j.get("nodes", {})
mm = [n for n, v in nodes.items() if v.get("op") == "MatMul" and v.get("executed_dtype") not in (None, "-")]
if len(mm) != 2:
    no("want the 2 MatMul nodes of the dump in the report with a kernel, got", mm)
if j["unmapped_events"] != 0 or j["exec_events"] == 0:
    no("events: %d exec, %d unmapped" % (j["exec_events"], j["unmapped_events"]))
p = j.get("painter", {})
if p.get("agreement") != 1:
    no("painter agreement on TF's own dump:", p)
if j.get("tf", {}).get("converted", -1) <= 0:
    no("TF's Converted line not read:", j.get("tf", {}).get("converted_line"))
sys.exit(bad)
PY
"$AMPSCOPE" open "$TMP/r" --no-tui >"$TMP/open.txt" 2>&1 || bad "open of the run: exit $?"
grep -q "painter       100.0% agreement" "$TMP/open.txt" || bad "the text report lacks the painter line: $(head -15 "$TMP/open.txt")"

# no TensorFlow AMP in the command: no graph, a clear message, the logs kept
"$AMPSCOPE" run --out "$TMP/n" --no-tui -- sh -c 'echo plain output' >"$TMP/n.out" 2>"$TMP/n.err"
rc=$?
[ $rc = 1 ] || bad "a command without TF AMP and no model: exit $rc, want 1"
grep -q -- "--graph MODEL" "$TMP/n.err" || bad "message does not point at --graph: $(cat "$TMP/n.err")"
grep -q "plain output" "$TMP/n.err" || bad "the command's output was not shown"
[ -f "$TMP/n/verbose.log" ] && [ -f "$TMP/n/meta.json" ] || bad "the run directory was not kept"
exit $fail
