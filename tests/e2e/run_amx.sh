#!/bin/bash
# run_amx.sh: on a CPU with AMX (amx_bf16 in /proc/cpuinfo), the large bf16
# convolutions and matmuls of the samples must run on an AMX implementation
# (oneDNN's own impl name contains "amx"). Elsewhere this is skipped, saying so.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
if ! grep -qw amx_bf16 /proc/cpuinfo; then
    echo "SKIP: this CPU has no AMX (no amx_bf16 flag): cannot check that bf16 convolutions/matmuls run on AMX"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for s in resnet_block transformer_block mnist_convnet; do
    d="$tmp/$s"
    AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/$s.pb" --batch 32 --warmup 1 --iters 2 \
        --out "$d" --json >/dev/null 2>"$tmp/err" || { echo "FAIL: $s: $(tail -2 "$tmp/err")"; fail=1; continue; }
    # bf16 convolutions/matmuls with at least 64 input channels / K must be AMX
    n=$(grep -E ',exec,cpu,(convolution|matmul),' "$d/verbose.log" | grep 'src_bf16' |
        awk -F, '{ if ($0 ~ /ic(6[4-9]|[7-9][0-9]|[1-9][0-9][0-9]+)oc/ || $0 ~ /x(6[4-9]|[7-9][0-9]|[1-9][0-9][0-9]+):/) print $6 }' |
        grep -vc amx)
    if [ "$n" != 0 ]; then
        echo "FAIL: $s: $n large bf16 convolution/matmul executions did not run on AMX"
        grep -E ',exec,cpu,(convolution|matmul),' "$d/verbose.log" | grep src_bf16 | grep -v amx | head -3
        fail=1
    fi
done
exit $fail
