#!/bin/bash
# run_compare.sh: `ampscope run --compare` runs the bf16 plan and the f32
# baseline (DIR/compare, a run directory of its own with no bf16 at all) and
# reports compare.speedup and nodes.<name>.speedup in --json; list flags change
# the plan the run follows (--deny-add MatMul leaves the MatMuls in f32).
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (needed to read --json)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

d="$tmp/cmp"
AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/mlp.pb" --batch 8 --warmup 1 --iters 3 \
    --compare --out "$d" --json >"$tmp/cmp.json" 2>"$tmp/err" || bad "exit $?: $(tail -3 "$tmp/err")"
jq -e '.compare.speedup > 0' "$tmp/cmp.json" >/dev/null || bad "no compare.speedup: $(jq -c .compare "$tmp/cmp.json")"
jq -e '.nodes["dense/MatMul"].speedup > 0' "$tmp/cmp.json" >/dev/null || bad "no nodes.<name>.speedup"
[ "$(jq -r .amp "$d/compare/meta.json")" = off ] || bad "compare/meta.json amp is not off"
[ "$(jq -r .compare "$d/meta.json")" = true ] || bad "meta.json compare is not true"
[ "$(jq -r .status "$d/compare/meta.json")" = ok ] || bad "compare/meta.json status"
grep -q ',exec,.*_bf16:' "$d/compare/verbose.log" && bad "the f32 baseline ran bf16 primitives"
grep -q ',exec,.*src_bf16:' "$d/verbose.log" || bad "the bf16 run ran no bf16 primitive"

# a list edit changes what runs: MatMul denied -> the matmuls/inner products stay f32
d2="$tmp/deny"
AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/mlp.pb" --batch 8 --warmup 1 --iters 2 \
    --deny-add MatMul --allow-remove MatMul --out "$d2" --json >"$tmp/deny.json" 2>"$tmp/err" ||
    bad "--deny-add: exit $?: $(tail -3 "$tmp/err")"
grep -E ',exec,cpu,(inner_product|matmul),' "$d2/verbose.log" | grep -q 'src_bf16' &&
    bad "--deny-add MatMul: a MatMul still ran in bf16"
grep -q 'TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=MatMul' "$d2/meta.json" ||
    bad "meta.json list_env lacks the edit: $(jq -r .list_env "$d2/meta.json")"
exit $fail
