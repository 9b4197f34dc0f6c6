#!/bin/bash
# `ampscope logs` as a user meets it: help, bad input (exit 2 naming the path
# and the reason), no verbose lines (exit 1 with the ONEDNN_VERBOSE hint),
# stdin, gzip, several files, --amp-log, --json keys, --top, colour rules.
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$("$AMPSCOPE" logs --help) || fail "--help exit $?"
for w in "usage: ampscope logs" "--json" "--amp-log" "--top" "examples:" "exit codes"; do
    grep -q -- "$w" <<<"$out" || fail "--help lacks '$w'"
done

# bad usage and bad input
"$AMPSCOPE" logs >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "no file: want exit 2"
"$AMPSCOPE" logs --frob x >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "unknown option: want exit 2"
grep -q "unknown option '--frob'" "$T/err" || fail "unknown option message"
"$AMPSCOPE" logs --top 0 x >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "--top 0: want exit 2"
"$AMPSCOPE" logs "$T/missing.log" >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "missing: want exit 2"
grep -q "$T/missing.log" "$T/err" && grep -qi "no such file" "$T/err" || fail "missing-file message: $(cat "$T/err")"
"$AMPSCOPE" logs "$T" >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "directory: want exit 2"
grep -q "directory" "$T/err" || fail "directory message"
if [ "$(id -u)" != 0 ]; then
    echo x >"$T/noread.log"; chmod 000 "$T/noread.log"
    "$AMPSCOPE" logs "$T/noread.log" >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "unreadable: want exit 2"
    grep -qi "permission denied" "$T/err" || fail "unreadable message"
fi

# no verbose lines: exit 1 and the hint
printf 'hello\nworld\n' >"$T/plain.log"
"$AMPSCOPE" logs "$T/plain.log" >"$T/out" 2>"$T/err"; [ $? -eq 1 ] || fail "no verbose lines: want exit 1"
grep -q "ONEDNN_VERBOSE=1" "$T/err" || fail "no ONEDNN_VERBOSE hint"
: >"$T/empty.log"
"$AMPSCOPE" logs "$T/empty.log" >/dev/null 2>&1; [ $? -eq 1 ] || fail "empty file: want exit 1"
head -c 200000 /dev/urandom >"$T/garbage.bin"
"$AMPSCOPE" logs "$T/garbage.bin" >/dev/null 2>&1; rc=$?; [ $rc -eq 1 ] || fail "garbage: want exit 1, got $rc"

# a small log: text, json, stdin, gzip, several files
L="$T/run.log"
{
    echo "onednn_verbose,info,oneDNN v2.6.3 (commit N/A)"
    echo "onednn_verbose,info,cpu,runtime:OpenMP,nthr:2"
    echo "onednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost and bfloat16 support"
    for i in 1 2 3; do
        echo "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core_bf16,forward_inference,src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB32a2b:f0 bia_f32::blocked:a:f0 dst_bf16::blocked:acdb:f0,,alg:convolution_direct,mb1_ic16oc32_ih14oh14kh3sh1dh0ph1_iw14ow14kw3sw1dw0pw1,3"
        echo "epoch $i"
        echo "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:abcd:f0 dst_bf16::blocked:abcd:f0,,,2x32x8x8,0.5"
        echo "onednn_verbose,exec,cpu,matmul,brg:avx512_core,undef,src_f32::blocked:ab:f0 wei_f32::blocked:ab:f0 dst_f32::blocked:ab:f0,,,64x128:128x96:64x96,1"
    done
} >"$L"
printf '2022-08-19 00:06:08.735706: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2303] Running auto_mixed_precision_onednn_bfloat16 graph optimizer\n2022-08-19 00:06:08.740000: I tensorflow/core/grappler/optimizers/auto_mixed_precision.cc:2240] Converted 3/11 nodes to bfloat16 precision using 2 cast(s) to bfloat16 (excluding Const and Variable casts)\n' >"$T/tf.log"

"$AMPSCOPE" logs "$L" >"$T/text" 2>"$T/err" || fail "text report exit $?: $(cat "$T/err")"
grep -q "bf16 share   75.0%" "$T/text" || fail "text: bf16 share line: $(cat "$T/text")"
grep -q "AMX share     0.0%" "$T/text" || fail "text: AMX share line"
grep -q "2.6.3" "$T/text" || fail "text: version"
grep -q $'\033' "$T/text" && fail "colour escapes written to a pipe"

"$AMPSCOPE" logs "$L" --json >"$T/j" || fail "--json exit $?"
jq -e '.lines == 15 and .verbose_lines == 12 and .other_lines == 3 and .exec.count == 9 and .exec.time_ms == 13.5
       and .create.count == 0 and .create.time_ms == 0
       and .by_primitive.convolution.count == 3 and .by_primitive.convolution.time_ms == 9
       and .by_isa.avx512_core_bf16.count == 3 and .by_dtype.bf16.count == 3 and .by_dtype.f32.count == 6
       and .casts.count == 3 and .casts.time_ms == 1.5 and .bf16_share == 0.75 and .amx_share == 0
       and .onednn_version == "2.6.3" and .amp == null' "$T/j" >/dev/null || fail "json values: $(cat "$T/j")"

"$AMPSCOPE" logs - --json <"$L" | jq -e '.exec.count == 9' >/dev/null || fail "stdin"
gzip -c "$L" >"$T/run.log.gz"
"$AMPSCOPE" logs "$T/run.log.gz" --json | jq -e '.exec.count == 9 and .bf16_share == 0.75' >/dev/null || fail "gzip"
gzip -c "$L" | "$AMPSCOPE" logs - --json | jq -e '.exec.count == 9' >/dev/null || fail "gzip on stdin"
"$AMPSCOPE" logs "$L" "$T/run.log.gz" --json | jq -e '.exec.count == 18 and .lines == 30' >/dev/null || fail "two files"
"$AMPSCOPE" logs "$L" --amp-log "$T/tf.log" --json | jq -e '.amp.passes_run == 1 and .amp.converted == 3 and .amp.total == 11 and .amp.casts == 2' >/dev/null || fail "--amp-log"
cat "$T/tf.log" "$L" | "$AMPSCOPE" logs - >"$T/text2" || fail "amp in the same input"
grep -q "converted         3/11 nodes using 2 cast(s)" "$T/text2" || fail "AMP text: $(cat "$T/text2")"
"$AMPSCOPE" logs "$L" --amp-log "$T/missing" >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "missing --amp-log: want exit 2"
"$AMPSCOPE" logs "$L" --top 1 | grep -q "more shapes" || fail "--top 1 hides the rest"

# colour: only on a TTY, never with NO_COLOR
if command -v script >/dev/null; then
    script -qec "\"$AMPSCOPE\" logs \"$L\"" /dev/null >"$T/tty" 2>&1
    grep -q $'\033\[' "$T/tty" || fail "no colour on a TTY"
    NO_COLOR=1 script -qec "\"$AMPSCOPE\" logs \"$L\"" /dev/null >"$T/tty2" 2>&1
    grep -q $'\033\[' "$T/tty2" && fail "colour despite NO_COLOR"
else
    echo "note: script(1) missing, TTY colour not checked"
fi
echo "logs cli ok"
