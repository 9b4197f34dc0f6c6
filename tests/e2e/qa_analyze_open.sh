#!/bin/bash
# qa_analyze_open.sh: bad inputs to `analyze`, `open`, `export` and `env` as
# the QA pass found them. analyze checks MODEL, the logs and --tf-version
# before it makes a run directory: a bad model, a missing log, a directory
# given as --log, a bad --input or --signature exit 2 naming the user's own
# path (never the copy RUN/model.pb) and leave no directory behind, neither
# under --out nor under runs/. A run directory whose meta.json is missing or
# damaged, or an unknown --tf-version, fails open/export/env/analyze alike
# (exit 2, the file or field named). --fail-under and --tag/--signature work
# in analyze (and the selection is kept for open).
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
expect() { # rc-wanted pattern cmd...
    local want=$1 pat=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ $rc -eq "$want" ] || bad "$* -> exit $rc, want $want ($(head -3 "$tmp/err"))"
    grep -qiE -e "$pat" "$tmp/out" "$tmp/err" || bad "$* -> no '$pat' in: $(head -3 "$tmp/err")"
}
nothing_left() { # what
    [ -e "$tmp/runs" ] && bad "$1: left $(ls "$tmp/runs") under runs/"
    [ -e "$tmp/out-dir" ] && bad "$1: left out-dir/ ($(ls "$tmp/out-dir"))"
    grep -qE '(runs/[^ ]*|out-dir)/model\.' "$tmp/err" && bad "$1: the message names the copy model.pb: $(cat "$tmp/err")"
    rm -rf "$tmp/runs" "$tmp/out-dir"
}
model="$AMPSCOPE_ROOT/samples/mlp.pb"
printf 'onednn_verbose,info,oneDNN v2.6.3 (commit x)\n' >"$tmp/hdr.log"
echo 'this is not a graph' >"$tmp/bad.pbtxt"
mkdir -p "$tmp/logdir"

# ---- analyze: checked before anything is made ----
for out in "" "--out out-dir"; do
    # shellcheck disable=SC2086
    expect 2 "$tmp/bad.pbtxt" "$AMPSCOPE" analyze "$tmp/bad.pbtxt" --log "$tmp/hdr.log" $out --no-tui
    nothing_left "bad model $out"
    expect 2 "logdir: the log \(--log\) is a directory" "$AMPSCOPE" analyze "$model" --log "$tmp/logdir" $out --no-tui
    nothing_left "--log DIR $out"
    expect 2 "nope.log: the log \(--log\) cannot be read: No such file" "$AMPSCOPE" analyze "$model" --log "$tmp/nope.log" $out --no-tui
    nothing_left "missing log $out"
    expect 2 "logdir: the AMP log \(--amp-log\) is a directory" "$AMPSCOPE" analyze "$model" --log "$tmp/hdr.log" --amp-log "$tmp/logdir" $out --no-tui
    nothing_left "--amp-log DIR $out"
    expect 2 "--tf-version 9.9: unknown TensorFlow version" "$AMPSCOPE" analyze "$model" --log "$tmp/hdr.log" --tf-version 9.9 $out --no-tui
    nothing_left "--tf-version 9.9 $out"
    expect 2 "mlp.pb: --input nope: the model has no input or node named 'nope'" "$AMPSCOPE" analyze "$model" --log "$tmp/hdr.log" --input nope:1x2 $out --no-tui
    nothing_left "--input nope $out"
    expect 2 "--batch wants a whole number" "$AMPSCOPE" analyze "$model" --log "$tmp/hdr.log" --batch 0 $out --no-tui
    nothing_left "--batch 0 $out"
    expect 2 "--fail-under wants a percentage" "$AMPSCOPE" analyze "$model" --log "$tmp/hdr.log" --fail-under 101 $out --no-tui
    nothing_left "--fail-under 101 $out"
done
# a log that fails while it is copied (corrupt gzip): what was made is removed again
printf '\037\213\010\000garbage-garbage-garbage' >"$tmp/bad.log.gz"
expect 2 "bad.log.gz: cannot read the log: .*corrupt gzip" "$AMPSCOPE" analyze "$model" --log "$tmp/bad.log.gz" --no-tui
nothing_left "corrupt gzip log"
expect 2 "removed the run directory out-dir" "$AMPSCOPE" analyze "$model" --log "$tmp/bad.log.gz" --out out-dir --no-tui
nothing_left "corrupt gzip log, --out"
# an existing empty --out stays empty
mkdir -p "$tmp/empty-out"
expect 2 "logdir: the log" "$AMPSCOPE" analyze "$model" --log "$tmp/logdir" --out "$tmp/empty-out" --no-tui
[ -z "$(ls -A "$tmp/empty-out")" ] || bad "files written into an existing --out: $(ls "$tmp/empty-out")"
expect 2 "removed the files written into" "$AMPSCOPE" analyze "$model" --log "$tmp/bad.log.gz" --out "$tmp/empty-out" --no-tui
[ -z "$(ls -A "$tmp/empty-out")" ] || bad "files left in an existing --out: $(ls "$tmp/empty-out")"
if [ "$(id -u)" != 0 ]; then
    : >"$tmp/secret.log"; chmod 000 "$tmp/secret.log"
    expect 2 "secret.log: the log \(--log\) cannot be read: Permission denied" "$AMPSCOPE" analyze "$model" --log "$tmp/secret.log" --no-tui
    nothing_left "unreadable log"
else
    echo "SKIP: running as root: an unreadable log cannot be made here"
fi

# ---- a real run, then analyze with --fail-under ----
"$AMPSCOPE" run "$model" --no-tui --amp off --out "$tmp/f32" --iters 2 --warmup 1 >/dev/null 2>"$tmp/err" ||
    { bad "embedded run failed: $(tail -3 "$tmp/err")"; exit 1; }
expect 3 "bf16 share 0.0% is below --fail-under 50.0%" "$AMPSCOPE" analyze "$model" --log "$tmp/f32/verbose.log" --amp-log "$tmp/hdr.log" --out "$tmp/an-f32" --no-tui --fail-under 50 --tf-version 2.19
[ -s "$tmp/an-f32/meta.json" ] || bad "--fail-under removed a good run directory"
expect 0 "bf16 share" "$AMPSCOPE" analyze "$model" --log "$tmp/f32/verbose.log" --out "$tmp/an-0" --no-tui --fail-under 0
expect 0 "bf16 share" "$AMPSCOPE" open "$tmp/an-f32" --no-tui

# ---- meta.json missing or damaged, unknown --tf-version: open/export/env alike ----
cp -r "$tmp/an-f32" "$tmp/nometa" && rm "$tmp/nometa/meta.json"
cp -r "$tmp/an-f32" "$tmp/cut" && head -c 60 "$tmp/an-f32/meta.json" >"$tmp/cut/meta.json"
cp -r "$tmp/an-f32" "$tmp/garbage" && echo 'not json at all' >"$tmp/garbage/meta.json"
cp -r "$tmp/an-f32" "$tmp/status" && sed -i 's/"status": "ok"/"status": "maybe"/' "$tmp/status/meta.json"
cp -r "$tmp/an-f32" "$tmp/tfv" && sed -i 's/"tf_version": "[^"]*"/"tf_version": "7.1"/' "$tmp/tfv/meta.json"
for cmd in "open --no-tui" "export --csv $tmp/x.csv" "env"; do
    # shellcheck disable=SC2086
    {
        expect 2 "nometa/meta.json is missing.*ampscope analyze" "$AMPSCOPE" $cmd "$tmp/nometa"
        expect 2 "cut/meta.json:[0-9]+:[0-9]+: damaged JSON" "$AMPSCOPE" $cmd "$tmp/cut"
        expect 2 "garbage/meta.json:1:1: damaged JSON" "$AMPSCOPE" $cmd "$tmp/garbage"
        expect 2 'field "status" is .maybe.' "$AMPSCOPE" $cmd "$tmp/status"
        expect 2 'field "tf_version".*--tf-version' "$AMPSCOPE" $cmd "$tmp/tfv"
        expect 2 "--tf-version 9.9: unknown TensorFlow version" "$AMPSCOPE" $cmd "$tmp/an-f32" --tf-version 9.9
    }
done
[ -e "$tmp/x.csv" ] && bad "export wrote a CSV from a refused run"
expect 2 "--batch is for a MODEL" "$AMPSCOPE" export "$tmp/an-f32" --csv - --batch 4
expect 2 "--input is for a MODEL" "$AMPSCOPE" export "$tmp/an-f32" --csv - --input x:1x784
# a known --tf-version overrides a run's unknown one
expect 0 "bf16 share" "$AMPSCOPE" open "$tmp/tfv" --no-tui --tf-version 2.19
# the interactive path checks too (scripted TUI, no terminal needed)
AMPSCOPE_NO_DISPLAY=1 "$AMPSCOPE" open "$tmp/cut" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "damaged JSON" "$tmp/err" || bad "open (TUI path) of a damaged meta.json: exit $rc $(head -2 "$tmp/err")"

# ---- SavedModel selection (corpus) ----
sm="${SHARED_CORPUS:-}/graphs/serving_half_plus_two_tf2_saved_model.pb"
if [ -f "$sm" ]; then
    expect 2 "no signature 'nope'.*--signature" "$AMPSCOPE" analyze "$sm" --log "$tmp/hdr.log" --signature nope --out out-dir --no-tui
    nothing_left "--signature nope"
    "$AMPSCOPE" analyze "$sm" --log "$tmp/f32/verbose.log" --signature regress_x_to_y --out "$tmp/sm" --json >/dev/null 2>"$tmp/err" ||
        bad "analyze --signature: $(cat "$tmp/err")"
    grep -q '^signature=regress_x_to_y$' "$tmp/sm/model.select" || bad "the selection is not kept: $(cat "$tmp/sm/model.select" 2>&1)"
    expect 0 "" "$AMPSCOPE" open "$tmp/sm" --json
    for c in export env; do
        args=(--csv -); [ $c = env ] && args=(--deny-add Exp)
        expect 2 "no signature 'nope'" "$AMPSCOPE" $c "$sm" --signature nope "${args[@]}"
        expect 0 "" "$AMPSCOPE" $c "$sm" --signature regress_x_to_y "${args[@]}"
    done
    expect 2 "--tag/--signature select inside --model" "$AMPSCOPE" open "$tmp/sm" --no-tui --signature x
else
    echo "SKIP: $sm absent: --tag/--signature on a SavedModel not checked"
fi
expect 2 "none.pb: cannot open: No such file" "$AMPSCOPE" amp "$tmp/none.pb"
expect 2 "--batch wants a whole number from 1 to 1048576" "$AMPSCOPE" amp "$model" --batch 0
expect 2 "--batch wants a whole number from 1 to 1048576" "$AMPSCOPE" graph "$model" --batch x
expect 2 "--batch wants a whole number from 1 to 1048576" "$AMPSCOPE" export "$model" --csv - --batch -1
expect 2 "--input 'x': expected NAME:SHAPE" "$AMPSCOPE" graph "$model" --input x

[ $fail -eq 0 ] && echo "qa_analyze_open: ok"
exit $fail
