#!/bin/bash
# run_interrupt.sh: Ctrl-C during `ampscope run` stops the child, keeps a
# readable partial run directory with status "interrupted", says so, and exits
# 130; --timeout does the same with status "failed" and exit 4.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

d="$tmp/int"
AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/resnet_block.pb" --batch 2 \
    --warmup 1 --iters 1000000 --out "$d" --no-tui >"$tmp/out" 2>"$tmp/err" &
pid=$!
# wait until measured iterations are being written
for _ in $(seq 1 300); do
    grep -q '^ampscope_marker,iter,1,end' "$d/verbose.log" 2>/dev/null && break
    sleep 0.1
done
grep -q '^ampscope_marker,iter,1,end' "$d/verbose.log" 2>/dev/null || bad "the run never reached iteration 1"
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || bad "exit $rc after Ctrl-C, want 130"
grep -q 'interrupted' "$tmp/err" || bad "no 'interrupted' message: $(cat "$tmp/err")"
grep -q 'partial run directory' "$tmp/err" || bad "the message does not point at the partial run directory"
grep -q '"status": "interrupted"' "$d/meta.json" || bad "meta.json status: $(grep status "$d/meta.json")"
[ -s "$d/truth.tsv" ] || bad "truth.tsv missing"
grep -q ',exec,' "$d/verbose.log" || bad "verbose.log has no exec lines"
pgrep -f "$d" >/dev/null && bad "a child of the interrupted run is still running"
# the partial directory is readable by `ampscope open`
if "$AMPSCOPE" open "$d" --no-tui >"$tmp/open" 2>&1; then
    grep -qi 'interrupted' "$tmp/open" || echo "note: open does not mention the interruption"
else
    echo "note: ampscope open on the partial run: $(tail -2 "$tmp/open")"
fi

d2="$tmp/timeout"
AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/mlp.pb" --iters 1000000 \
    --timeout 1 --out "$d2" --no-tui >/dev/null 2>"$tmp/err2"
rc=$?
[ $rc -eq 4 ] || bad "exit $rc after --timeout, want 4"
grep -q 'timed out' "$tmp/err2" || bad "no timeout message: $(cat "$tmp/err2")"
grep -q '"status": "failed"' "$d2/meta.json" || bad "timeout meta.json status"
exit $fail
