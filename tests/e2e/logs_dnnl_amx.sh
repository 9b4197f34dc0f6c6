#!/bin/bash
# Real oneDNN bf16 on AMX: the compute kernels must be reported as AMX and the
# AMX share must be positive. Needs amx_bf16; skipped otherwise.
set -u
cd "$AMPSCOPE_ROOT"
. tests/e2e/logs_dnnl_lib.bash
if ! cpu_has amx_bf16; then
    echo "SKIP: this CPU has no amx_bf16: AMX share not checked"
    exit 77
fi
run_and_check 1 0 --bf16
jq -e '.amx_share > 0 and .by_isa.amx.count >= 12' "$J" >/dev/null ||
    fail "AMX run: $(jq -c '{amx_share,by_isa}' "$J")"
echo "logs on real oneDNN AMX ok"
