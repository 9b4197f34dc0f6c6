#!/bin/bash
# Real oneDNN bf16: the same primitives in bf16 plus f32<->bf16 reorders
# (casts). Needs AVX512-BF16 (or AMX); skipped otherwise.
set -u
cd "$AMPSCOPE_ROOT"
. tests/e2e/logs_dnnl_lib.bash
if ! cpu_has avx512_bf16 && ! cpu_has amx_bf16; then
    echo "SKIP: this CPU has no avx512_bf16 (bf16 would be emulated; nothing real to check)"
    exit 77
fi
for v in 1 2; do
    for ts in 0 1; do
        run_and_check $v $ts --bf16
        jq -e '.bf16_share > 0 and .bf16_share < 1 and .casts.count == 8
               and ((.by_isa.avx512_core_bf16.count // 0) + (.by_isa.amx.count // 0)) >= 12' "$J" >/dev/null ||
            fail "bf16 run: share/casts/isa wrong: $(jq -c '{bf16_share,casts,by_isa}' "$J")"
    done
done
echo "logs on real oneDNN bf16 ok"
