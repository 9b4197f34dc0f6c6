#!/bin/bash
# `ampscope amp` as a user meets it: the report and TF's summary line on
# every sample, --json keys, list flags and env vars, the two-lists failure
# (exit 1) and bad input (exit 2).
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
S=$AMPSCOPE_ROOT/samples
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset "${!TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_@}"

line() { echo "Converted $1 nodes to bfloat16 precision using $2 cast(s) to bfloat16 (excluding Const and Variable casts)"; }
# what TensorFlow 2.19.1 prints for the samples
while read -r f xy n; do
    "$AMPSCOPE" amp "$S/$f" >"$TMP/out" 2>"$TMP/err" || fail "$f: exit $?: $(cat "$TMP/err")"
    grep -qxF "$(line "$xy" "$n")" "$TMP/out" || fail "$f: expected '$(line "$xy" "$n")', got: $(tail -1 "$TMP/out")"
done <<'X'
conv_bias_relu.pb 3/8 1
mnist_convnet.pb 12/22 1
mlp.pb 9/18 1
transformer_block.pb 47/70 1
resnet_block.pb 7/19 1
deny_propagation.pb 5/17 2
X
"$AMPSCOPE" amp "$S/deny_propagation.pb" >"$TMP/out" || fail "deny_propagation exit"
grep -q '^stays fp32: deny (3)' "$TMP/out" || fail "deny group missing"
grep -q 'gate/add .*deny propagated from Exp gate/Exp through Mul gate/mul_1' "$TMP/out" || fail "deny reason"
grep -q 'dense/BiasAdd .*inferlisted, follows MatMul dense/MatMul which is bf16' "$TMP/out" || fail "infer reason"
grep -q 'x-0-CastToBf16-0-AutoMixedPrecision' "$TMP/out" || fail "cast name"

# --json
"$AMPSCOPE" amp "$S/mlp.pb" --json >"$TMP/j" || fail "--json exit"
for k in '"nodes": 18' '"converted": 9' '"casts": 1' '"summary": "Converted 9/18' '"node_decisions": {' \
         '"cast_edges": [' '"dense/MatMul": {"op": "MatMul", "paint": {"T": "allow"}, "bf16": true'; do
    grep -qF "$k" "$TMP/j" || fail "--json lacks $k"
done
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["node_decisions"]["Softmax"]["reason"]' "$TMP/j" ||
        fail "--json is not valid JSON"
fi

# flags and env act as TF's variables; --tf-version
"$AMPSCOPE" amp "$S/deny_propagation.pb" --deny-remove Exp --infer-add Exp | grep -qxF "$(line 8/17 1)" || fail "flags move"
TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL=treat_infer_as_deny "$AMPSCOPE" amp "$S/mlp.pb" | grep -qxF "$(line 5/18 3)" ||
    fail "LEVEL env"
TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL=treat_infer_as_deny "$AMPSCOPE" amp "$S/mlp.pb" --no-env | grep -qxF "$(line 9/18 1)" ||
    fail "--no-env"
"$AMPSCOPE" amp "$S/conv_bias_relu.pb" --tf-version 2.12 | grep -q 'x-0-conv/Conv2D-0-CastToBf16-AutoMixedPrecision' ||
    fail "2.12 cast names"
TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE="Conv2D, MatMul" "$AMPSCOPE" amp "$S/mlp.pb" 2>"$TMP/err" >/dev/null
grep -q '" MatMul" has spaces' "$TMP/err" || fail "no warning for an untrimmed name"

# the two-lists failure: exit 1 and advice
"$AMPSCOPE" amp "$S/mlp.pb" --deny-add MatMul >"$TMP/out"; rc=$?
[ $rc -eq 1 ] || fail "two lists: exit $rc, want 1"
grep -q 'FAILED: INVALID_ARGUMENT: Op lists have conflicting entries' "$TMP/out" || fail "two lists: TF message"
grep -q 'ALLOWLIST_REMOVE=MatMul' "$TMP/out" || fail "two lists: advice"
"$AMPSCOPE" amp "$S/mlp.pb" --level UNSAFE_FORCE_ALL >/dev/null; [ $? -eq 1 ] || fail "UNSAFE_FORCE_ALL exit"

# bad input: exit 2 with a message naming the problem
"$AMPSCOPE" amp "$TMP/nope.pb" 2>"$TMP/err"; [ $? -eq 2 ] || fail "missing file exit"
grep -q 'nope.pb' "$TMP/err" || fail "missing file message"
"$AMPSCOPE" amp "$S/mlp.pb" --deny-add MatMal 2>"$TMP/err"; [ $? -eq 2 ] || fail "unknown op exit"
grep -q "did you mean 'MatMul'" "$TMP/err" || fail "no suggestion: $(cat "$TMP/err")"
"$AMPSCOPE" amp "$S/mlp.pb" --tf-version 1.15 2>"$TMP/err"; [ $? -eq 2 ] || fail "old version exit"
"$AMPSCOPE" amp "$S/mlp.pb" --level FAST 2>"$TMP/err"; [ $? -eq 2 ] || fail "bad level exit"
printf 'garbage\x01\x02' >"$TMP/bad.pb"
"$AMPSCOPE" amp "$TMP/bad.pb" 2>"$TMP/err"; [ $? -eq 2 ] || fail "bad file exit"
"$AMPSCOPE" amp --help | grep -q 'exit codes' || fail "--help"
echo "ok"
