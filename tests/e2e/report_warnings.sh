#!/bin/bash
# The report warns instead of misleading: a verbose log from another model
# (most events land on no node, or on a node of another shape) gets a note in
# the text and in JSON; every report carries the spread of its iteration
# times (min <= median <= max, from the markers' wall clock), and a run whose
# iterations differ wildly says its times are noisy.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
S=$AMPSCOPE_ROOT/samples

"$AMPSCOPE" run "$S/mlp.pb" --iters 6 --warmup 1 --out "$tmp/mlp" --json >"$tmp/mlp.json" 2>"$tmp/err" ||
    { bad "run mlp: $(cat "$tmp/err")"; exit 1; }
python3 - "$tmp/mlp.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
t = j["iteration_time_ms"]
ok = t and t["source"] == "wall" and 0 < t["min"] <= t["median"] <= t["max"]
if not ok:
    print("FAIL: iteration_time_ms", t); sys.exit(1)
if any("map to no node" in n for n in j["notes"]):
    print("FAIL: the model's own log is flagged as another model's:", j["notes"]); sys.exit(1)
if j["mapping"]["shape_mismatches"] != 0:
    print("FAIL: shape mismatches on the model's own log:", j["mapping"]); sys.exit(1)
PY
"$AMPSCOPE" open "$tmp/mlp" --no-tui >"$tmp/mlp.txt" 2>&1
grep -q "spread        wall per iteration" "$tmp/mlp.txt" || bad "text report lacks the spread line"

# mlp's log analysed against mnist_convnet: another model
"$AMPSCOPE" analyze "$S/mnist_convnet.pb" --log "$tmp/mlp/verbose.log" --out "$tmp/other" --json \
    >"$tmp/other.json" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || bad "analyze with another model's log: exit $rc: $(cat "$tmp/err")"
python3 - "$tmp/other.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
if not any("map to no node of this graph" in n for n in j["notes"]):
    print("FAIL: no note for a log from another model:", j["notes"], j["mapping"]); sys.exit(1)
if j["mapping"]["shape_mismatches"] + j["unmapped_events"] < j["exec_events"] // 5:
    print("FAIL: mismatches not counted:", j["mapping"], j["unmapped_events"]); sys.exit(1)
PY
"$AMPSCOPE" open "$tmp/other" --no-tui >"$tmp/other.txt" 2>&1
grep -q "on a node of another shape" "$tmp/other.txt" || bad "text mapping line lacks the mismatches"
grep -q "note: .*map to no node of this graph" "$tmp/other.txt" || bad "text report lacks the note"

# noisy iterations: a hand-made log whose third iteration took 10x longer
python3 - "$tmp/noisy.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    t = 1000.0
    for i, ms in enumerate([1.0, 1.1, 11.0, 1.0]):
        f.write("ampscope_marker,iter,%d,begin,%.3f\n" % (i, t))
        f.write("onednn_verbose,exec,cpu,inner_product,brgemm:avx512_core_bf16,forward_inference,"
                "src_bf16::blocked:ab:f0 wei_bf16::blocked:ab:f0 bia_f32::blocked:a:f0 "
                "dst_bf16::blocked:ab:f0,,,mb1ic784oc64,%.3f\n" % (ms * 0.8))
        t += ms
        f.write("ampscope_marker,iter,%d,end,%.3f\n" % (i, t))
        t += 0.5
PY
"$AMPSCOPE" analyze "$S/mlp.pb" --log "$tmp/noisy.log" --out "$tmp/noisy" --json >"$tmp/noisy.json" 2>"$tmp/err" ||
    bad "analyze noisy log: $(cat "$tmp/err")"
python3 - "$tmp/noisy.json" <<'PY' || fail=1
import json, sys
j = json.load(open(sys.argv[1]))
t = j["iteration_time_ms"]
if not (t and abs(t["min"] - 1.0) < 1e-6 and abs(t["max"] - 11.0) < 1e-6 and abs(t["median"] - 1.05) < 1e-6):
    print("FAIL: spread of the noisy log", t); sys.exit(1)
if not any("iteration times vary 11.0-fold" in n for n in j["notes"]):
    print("FAIL: no noise note:", j["notes"]); sys.exit(1)
PY
exit $fail
