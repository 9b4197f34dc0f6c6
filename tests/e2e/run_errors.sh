#!/bin/bash
# run_errors.sh: `ampscope run` on bad input and faults: unsupported ops (all
# named, pointing at --backend tf, nothing run), an input without a shape
# (named, with the --input to give), bad options and files (exit 2), the
# `-- COMMAND` backend (its output kept and analysed; a failing or missing
# command is exit 4 with the reason), --fail-under (exit 3), --help.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
run() { AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }

ph() { # name dims...
    printf 'node { name: "%s" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape {' "$1"
    shift
    for d in "$@"; do printf ' dim { size: %s }' "$d"; done
    printf ' } } } }\n'
}
{
    ph x 2 8
    echo 'node { name: "k" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 1 } } } }'
    echo 'node { name: "c" op: "Cumsum" input: "x" input: "k" attr { key: "T" value { type: DT_FLOAT } } }'
    echo 'node { name: "s" op: "Sin" input: "c" attr { key: "T" value { type: DT_FLOAT } } }'
    echo 'node { name: "r" op: "Relu" input: "s" attr { key: "T" value { type: DT_FLOAT } } }'
} >"$tmp/unsup.pbtxt"
rc=$(run "$tmp/unsup.pbtxt" --out "$tmp/unsup-run" --no-tui)
[ "$rc" = 2 ] || bad "unsupported ops: exit $rc, want 2: $(cat "$tmp/err")"
for w in Cumsum Sin "--backend tf" "nothing was run"; do
    grep -q -- "$w" "$tmp/err" || bad "unsupported ops: message lacks '$w': $(cat "$tmp/err")"
done
[ -e "$tmp/unsup-run" ] && bad "unsupported ops: a run directory was left behind"

{
    ph images -1 -1 3
    echo 'node { name: "r" op: "Relu" input: "images" attr { key: "T" value { type: DT_FLOAT } } }'
} >"$tmp/shape.pbtxt"
rc=$(run "$tmp/shape.pbtxt" --out "$tmp/shape-run" --no-tui)
[ "$rc" = 2 ] || bad "missing shape: exit $rc, want 2"
grep -q "'images'" "$tmp/err" && grep -q -- "--input images:" "$tmp/err" ||
    bad "missing shape: message does not name the input and --input: $(cat "$tmp/err")"
rc=$(run "$tmp/shape.pbtxt" --out "$tmp/shape-run2" --input images:2x5x3 --iters 2 --json)
[ "$rc" = 0 ] || bad "with --input the model runs: exit $rc: $(cat "$tmp/err")"

rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --no-such-flag)
[ "$rc" = 2 ] && grep -q "unknown option" "$tmp/err" || bad "unknown option: exit $rc"
rc=$(run)
[ "$rc" = 2 ] || bad "no model: exit $rc"
rc=$(run "$tmp/does-not-exist.pb")
[ "$rc" = 2 ] && grep -q "does-not-exist.pb" "$tmp/err" || bad "missing file: exit $rc: $(cat "$tmp/err")"
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --iters zero)
[ "$rc" = 2 ] || bad "--iters zero: exit $rc"
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --backend nope)
[ "$rc" = 2 ] || bad "--backend nope: exit $rc"

AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run --help >"$tmp/help" || bad "--help exit"
for w in "exit codes" "--backend" "--compare" "examples" "-- COMMAND"; do
    grep -q -- "$w" "$tmp/help" || bad "--help lacks '$w'"
done

# --fail-under: an all-f32 run has bf16 share 0
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --amp off --iters 2 --warmup 0 --out "$tmp/fu" --json --fail-under 50)
[ "$rc" = 3 ] || bad "--fail-under with --amp off: exit $rc, want 3"

# the command backend: a "program" printing oneDNN verbose lines of a real run
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --iters 4 --warmup 1 --out "$tmp/src" --json)
[ "$rc" = 0 ] || bad "source run failed: $(cat "$tmp/err")"
grep -v '^ampscope_marker' "$tmp/src/verbose.log" >"$tmp/user.log"
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --out "$tmp/cmd" --json -- sh -c "echo program output; cat '$tmp/user.log'; echo 'W tensorflow: some warning' >&2")
[ "$rc" = 0 ] || bad "cmd backend: exit $rc: $(cat "$tmp/err")"
[ "$(jq -r .backend "$tmp/out" 2>/dev/null)" = cmd ] || bad "cmd backend: report backend is not cmd"
grep -q "program output" "$tmp/cmd/verbose.log" || bad "cmd backend: stdout not kept"
grep -q "some warning" "$tmp/cmd/amp.log" || bad "cmd backend: stderr not kept in amp.log"
grep -q "ONEDNN_VERBOSE=1" "$tmp/cmd/meta.json" || bad "cmd backend: meta.json lacks the environment"
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --out "$tmp/cmd2" --no-tui -- sh -c 'exit 3')
[ "$rc" = 4 ] && grep -q "exited with code 3" "$tmp/err" || bad "failing command: exit $rc: $(cat "$tmp/err")"
rc=$(run "$AMPSCOPE_ROOT/samples/mlp.pb" --out "$tmp/cmd3" --no-tui -- ampscope-no-such-program)
[ "$rc" = 4 ] && grep -q "not found" "$tmp/err" || bad "missing command: exit $rc: $(cat "$tmp/err")"

# SavedModel selection: --signature is checked before anything runs, and
# recorded so open/export load the same signature
C=${SHARED_CORPUS:-}
SM=$C/graphs/serving_half_plus_two_tf1_saved_model.pb
if [ -n "$C" ] && [ -f "$SM" ]; then
    rc=$(run "$SM" --signature nope --out "$tmp/sig0")
    [ "$rc" = 2 ] && grep -q "regress_x2_to_y3" "$tmp/err" && [ ! -e "$tmp/sig0/verbose.log" ] ||
        bad "--signature nope: exit $rc: $(cat "$tmp/err")"
    # (its ParseExample op needs real TensorFlow: a command stands in for the run)
    rc=$(run --graph "$SM" --signature regress_x2_to_y3 --out "$tmp/sig1" --no-tui -- true)
    [ "$rc" = 1 ] && grep -q "signature=regress_x2_to_y3" "$tmp/sig1/model.select" ||
        bad "--signature regress_x2_to_y3: exit $rc: $(cat "$tmp/err")"
else
    echo "SKIP: ../shared/corpus absent: --signature not checked"
fi
exit $fail
