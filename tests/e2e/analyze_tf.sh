#!/bin/bash
# analyze_tf.sh: the generic mapper on real TensorFlow oneDNN logs (TF's
# bundled oneDNN 3.x, `_MklNative*`/`_MklFused*` kernels), where no ground
# truth exists. For every sample run on `--backend tf`: 0 unmapped events;
# every compute primitive lands on a node whose op can issue it (convolution
# on Conv2D/Depthwise, matmul/inner_product on MatMul/BatchMatMul/Einsum,
# reorder on Transpose, softmax on Softmax, pooling on a pool, ...); and the
# same log with the markers stripped, through `ampscope analyze` (signature
# mapper only), puts every event on a node of the same op and role as the run
# did (which attributed by TensorFlow's timestamps), and on the very same node
# wherever the signature belongs to one node only.
set -u
source "$(dirname "$0")/tf_lib.bash"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }
export AMPSCOPE_NO_PROGRESS=1 NO_COLOR=1
n=0
for model in "$AMPSCOPE_ROOT"/samples/*.pb; do
    s=$(basename "$model" .pb)
    d="$TMP/$s"
    "$AMPSCOPE" run "$model" --backend tf --batch 4 --warmup 2 --iters 3 --out "$d" --json \
        >"$d.json" 2>"$d.err"
    rc=$?
    if [ $rc -ne 0 ]; then bad "$s: tf run exit $rc: $(tail -3 "$d.err")"; continue; fi
    [ "$(jq -r .unmapped_events "$d.json")" = 0 ] || bad "$s: $(jq -r .unmapped_events "$d.json") unmapped events"
    "$AMPSCOPE" open "$d" --events >"$d.ev" 2>"$d.err" || { bad "$s: open --events failed: $(tail -3 "$d.err")"; continue; }
    awk -F'\t' -v name="$s" '
        /^#/ { next }
        { total++ }
        $9 != "compute" { next }
        {
            p = $4; op = $8; ok = 1
            if (p == "convolution") ok = (op ~ /Conv/)
            else if (p == "matmul" || p == "inner_product") ok = (op ~ /MatMul|Einsum/)
            else if (p == "reorder") ok = (op ~ /Transpose|Cast/)
            else if (p == "softmax") ok = (op ~ /Softmax/)
            else if (p == "pooling") ok = (op ~ /Pool/)
            else if (p == "batch_normalization") ok = (op ~ /BatchNorm/)
            if (!ok) { print "FAIL: " name ": exec " $1 " (" p " " $6 ") on " $7 " (" op ")"; bad = 1 }
            checked++
        }
        END { printf "%s: %d events, %d compute checked against their ops\n", name, total, checked; exit bad }
    ' "$d.ev" || fail=1
    grep -v '^ampscope_marker,' "$d/verbose.log" >"$TMP/$s.log"
    a="$TMP/an-$s"
    "$AMPSCOPE" analyze "$model" --log "$TMP/$s.log" --amp-log "$d/amp.log" --batch 4 --out "$a" \
        --json >"$a.json" 2>"$a.err"
    rc=$?
    if [ $rc -ne 0 ]; then bad "$s: analyze exit $rc: $(tail -3 "$a.err")"; continue; fi
    "$AMPSCOPE" open "$a" --events >"$a.ev" 2>/dev/null || { bad "$s: open --events (analyze)"; continue; }
    # The run attributes by TensorFlow's step_stats timestamps; analyze has
    # only the signature mapper, which cannot tell look-alike nodes (same op,
    # same shapes, e.g. the q and k projections) apart. So: the same op and
    # role for every event, and the same node for every event whose signature
    # is unique in the iteration.
    diff <(grep -v '^#' "$d.ev" | cut -f1,4,6,8,9) <(grep -v '^#' "$a.ev" | cut -f1,4,6,8,9) >"$TMP/diff" ||
        bad "$s: analyze of the stripped TF log maps differently: $(head -4 "$TMP/diff")"
    paste <(grep -v '^#' "$d.ev") <(grep -v '^#' "$a.ev") | awk -F'\t' -v name="$s" '
        {
            key = $4 "|" $6 "|" $8; run[NR] = $7; an[NR] = $17; k[NR] = key
            if (!((key, $7) in pair)) { pair[key, $7] = 1; nodes[key]++ }
        }
        END {
            for (i = 1; i <= NR; i++) {
                if (run[i] == an[i]) continue
                if (nodes[k[i]] == 1) { print "FAIL: " name ": exec " i - 1 " on " an[i] ", TF says " run[i]; bad = 1 }
                else alike++
            }
            printf "%s: %d events on a look-alike node (TF timestamps vs signatures)\n", name, alike
            exit bad
        }' || fail=1
    n=$((n + 1))
done
[ $n -gt 0 ] || bad "no sample ran on the tf backend"
[ $fail -eq 0 ] && echo "mapper on TensorFlow logs ok: $n samples"
exit $fail
