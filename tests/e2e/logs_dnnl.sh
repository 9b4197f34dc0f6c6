#!/bin/bash
# Real oneDNN (f32): dnnl_gen runs convolution, matmul, inner product,
# eltwise, pooling, softmax and a layout reorder under ONEDNN_VERBOSE=1 and 2,
# with and without timestamps; `ampscope logs` must count exactly that.
set -u
cd "$AMPSCOPE_ROOT"
. tests/e2e/logs_dnnl_lib.bash
for v in 1 2; do
    for ts in 0 1; do
        run_and_check $v $ts
        jq -e '.bf16_share == 0 and .amx_share == 0 and .casts.count == 0' "$J" >/dev/null ||
            fail "f32 run with bf16/AMX share"
    done
done
# the text report reads well on the same real log
"$AMPSCOPE" logs "$T/logv1-ts0" >"$T/text" || fail "text exit $?"
for w in "by primitive kind" "convolution" "pooling" "softmax" "top problem shapes"; do
    grep -q "$w" "$T/text" || fail "text report lacks '$w'"
done
grep -q "pooling_v2\|softmax_v2" "$T/text" && fail "pooling_v2/softmax_v2 not normalised"
echo "logs on real oneDNN f32 ok"
