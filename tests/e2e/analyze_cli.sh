#!/bin/bash
# analyze_cli.sh: `ampscope analyze` and `ampscope open` as a newcomer meets
# them: help that teaches, and every bad input answered with a message that
# names the file and the fix, with the documented exit code; a log without
# exec lines; a run directory missing files, from a newer ampscope, or with
# its model gone; colour never in a pipe.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
expect() { # rc-wanted pattern cmd...
    local want=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ $rc -eq "$want" ] || bad "$* -> exit $rc, want $want ($(head -2 "$tmp/err"))"
    grep -qiE -e "$pat" "$tmp/out" "$tmp/err" || bad "$* -> no '$pat' in: $(head -3 "$tmp/err")"
}
model="$AMPSCOPE_ROOT/samples/mlp.pb"

expect 0 'usage: ampscope analyze' "$AMPSCOPE" analyze --help
expect 0 'exit codes' "$AMPSCOPE" analyze --help
expect 0 'usage: ampscope open' "$AMPSCOPE" open --help
expect 2 'which model' "$AMPSCOPE" analyze
expect 2 'no log given' "$AMPSCOPE" analyze "$model"
expect 2 'no such model' "$AMPSCOPE" analyze "$tmp/nope.pb" --log "$tmp/nope.log"
expect 2 'nope.log.*cannot be read' "$AMPSCOPE" analyze "$model" --log "$tmp/nope.log"
expect 2 "unknown option '--frob'" "$AMPSCOPE" analyze "$model" --frob
expect 2 '--batch wants' "$AMPSCOPE" analyze "$model" --log /dev/null --batch zero
expect 2 'not-a-dir.*no such directory' "$AMPSCOPE" open "$tmp/not-a-dir" --no-tui
mkdir -p "$tmp/empty"
expect 2 'not a run directory' "$AMPSCOPE" open "$tmp/empty" --no-tui

# a log with no oneDNN exec lines: a run directory is made, exit 1 says why
printf 'hello from my script\nno verbose here\n' >"$tmp/plain.log"
expect 1 'ONEDNN_VERBOSE' "$AMPSCOPE" analyze "$model" --log "$tmp/plain.log" --out "$tmp/plain" --no-tui
[ -s "$tmp/plain/meta.json" ] || bad "analyze did not write meta.json"
[ "$(grep -c 'hello from my script' "$tmp/plain/verbose.log")" = 1 ] || bad "the log was not copied in"
expect 2 'already a run directory' "$AMPSCOPE" analyze "$model" --log "$tmp/plain.log" --out "$tmp/plain"

# a real oneDNN log: the logs area's generator when built, else a run
gen="${BUILD:-build/rel}/tests/tools/dnnl_gen"
[ -x "$AMPSCOPE_ROOT/$gen" ] && gen="$AMPSCOPE_ROOT/$gen"
if [ -x "$gen" ]; then
    ONEDNN_VERBOSE=1 "$gen" --iters 3 >"$tmp/real.log" 2>/dev/null || bad "dnnl_gen failed"
    gzip -c "$tmp/real.log" >"$tmp/real.log.gz"
    "$AMPSCOPE" analyze "$model" --log "$tmp/real.log.gz" --out "$tmp/real" --no-tui >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 0 ] || bad "analyze of a real (gzip) log: exit $rc: $(head -3 "$tmp/err")"
    grep -q 'bf16 share' "$tmp/out" || bad "analyze printed no headline"
    grep -q $'\033\\[' "$tmp/out" && bad "colour in a pipe"
    grep -q 'oneDNN 2\.' "$tmp/out" || bad "the oneDNN version from the log header is not shown"
    "$AMPSCOPE" open "$tmp/real" --json >"$tmp/j" 2>/dev/null || bad "open --json of the analysed dir"
    if command -v jq >/dev/null; then
        jq -e '.backend == "logs" and (.exec_events > 0)' "$tmp/j" >/dev/null || bad "open --json: $(head -c 300 "$tmp/j")"
    fi
else
    echo "note: $gen not built; the real-log part is covered by analyze_roundtrip.sh"
fi

# run directories that cannot be opened as they are
mkdir -p "$tmp/newer"
printf '{"format_version": 99, "status": "ok", "backend": "embedded"}\n' >"$tmp/newer/meta.json"
: >"$tmp/newer/verbose.log"
expect 2 'newer' "$AMPSCOPE" open "$tmp/newer" --no-tui
mkdir -p "$tmp/nolog"
printf '{"format_version": 1, "status": "running", "backend": "embedded", "model": "model.pb"}\n' >"$tmp/nolog/meta.json"
expect 2 'verbose.log is missing' "$AMPSCOPE" open "$tmp/nolog" --no-tui
mkdir -p "$tmp/nomodel"
printf '{"format_version": 1, "status": "ok", "backend": "embedded", "model": "/nonexistent/m.pb"}\n' >"$tmp/nomodel/meta.json"
printf 'x\n' >"$tmp/nomodel/verbose.log"
expect 2 '--model PATH' "$AMPSCOPE" open "$tmp/nomodel" --no-tui
expect 2 'no readable truth' "$AMPSCOPE" open "$tmp/plain" --check-truth

[ $fail -eq 0 ] && echo "analyze/open CLI ok"
exit $fail
