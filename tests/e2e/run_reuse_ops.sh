#!/bin/bash
# `ampscope run` refuses to reuse a run directory (two runs' logs would mix and
# double every figure), rejects unknown op names in list flags as `amp` does,
# and reports the same Converted line as `ampscope amp` (grappler modelled).
set -u
cd "$AMPSCOPE_ROOT"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$AMPSCOPE" run samples/mlp.pb --no-tui --iters 2 --warmup 1 --out "$T/r" >"$T/first" 2>&1 || fail "first run"
lines=$(wc -l <"$T/r/verbose.log")
"$AMPSCOPE" run samples/mlp.pb --no-tui --iters 2 --warmup 1 --out "$T/r" >"$T/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "reused --out: exit $rc, want 2"
grep -q "already exists and is not empty" "$T/out" || fail "reused --out message"
[ "$(wc -l <"$T/r/verbose.log")" -eq "$lines" ] || fail "the first run's verbose.log was touched"
"$AMPSCOPE" run samples/mlp.pb --no-tui --deny-add Matmul --out "$T/q" >"$T/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "unknown op: exit $rc, want 2"
grep -q "did you mean 'MatMul'" "$T/out" || fail "unknown op suggestion"
[ ! -e "$T/q" ] || fail "a run directory was created for a rejected command"
"$AMPSCOPE" run samples/mlp.pb --no-tui --deny-add "" --out "$T/q2" >"$T/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "empty op list: exit $rc, want 2"
got=$(grep -o 'Converted [0-9]*/[0-9]*' "$T/first" | head -1)
# a command that runs nothing under oneDNN: exit 1 and a plain statement, no AMX claim
"$AMPSCOPE" run --graph samples/mlp.pb --no-tui --out "$T/c" -- /bin/echo hi >"$T/out" 2>&1; rc=$?
[ $rc -eq 1 ] || fail "command without oneDNN output: exit $rc, want 1"
grep -q "nothing ran under oneDNN" "$T/out" || fail "no 'nothing ran' statement"
grep -q "ran bf16 on AMX" "$T/out" && fail "claims AMX with no events"
echo "run reuse/ops ok ($got)"
