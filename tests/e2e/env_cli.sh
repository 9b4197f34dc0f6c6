#!/bin/bash
# `ampscope env` end to end: every --format checked by its own tool where
# one exists (bash -n, YAML parse, python, systemd-analyze) and applied to a
# real environment: `ampscope amp` then paints exactly what the flags ask
# for (compared with the same flags given to `ampscope amp` directly). From a
# run directory the run's own list changes come back. `env --check` exit
# codes and findings; bad input: exit 2 with a clear message.
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
V="$AMPSCOPE env"
M=samples/deny_propagation.pb
FLAGS=(--deny-remove Exp --infer-add Exp --deny-add BatchMatMulV2)   # env: moves
AMP_FLAGS=(--deny-remove Exp --infer-add Exp --allow-remove BatchMatMulV2 --deny-add BatchMatMulV2) # amp: raw edits

$V --help | grep -q "exit codes" || fail "--help lacks exit codes"

# what `amp` paints with the flags themselves (no env)
env -u TF_ENABLE_ONEDNN_OPTS "$AMPSCOPE" amp $M --no-env "${AMP_FLAGS[@]}" --json > "$tmp/want.json" || fail "amp with flags"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["failed"]' "$tmp/want.json" || fail "amp json"

have_yaml=1; python3 -c 'import yaml' 2>/dev/null || { have_yaml=0; echo "SKIP: python3-yaml absent: k8s/compose parsed by hand"; }
have_sd=1; command -v systemd-analyze >/dev/null || { have_sd=0; echo "SKIP: systemd-analyze absent: systemd checked structurally"; }

for f in sh dockerfile k8s compose systemd dotenv python; do
    $V $M "${FLAGS[@]}" --format $f > "$tmp/out.$f" || fail "$f: exit $?"
    grep -q ', ' <(grep -v '^ *#' "$tmp/out.$f" | grep -v 'set_experimental_options') && fail "$f: a space after a comma"
    # the format's own tool, and NAME=VALUE lines for the round trip
    case $f in
    sh) bash -n "$tmp/out.sh" || fail "sh: bash -n"
        ( set -a; . "$tmp/out.sh"; env ) | grep -E '^(TF_|ITEX_)' > "$tmp/kv.$f" ;;
    dockerfile)
        python3 - "$tmp/out.$f" > "$tmp/kv.$f" <<'PY' || fail "dockerfile parse"
import shlex, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    assert line.startswith("ENV "), line
    name, _, value = line[4:].partition("=")
    assert name.isidentifier() or name.replace("_", "").isalnum(), name
    print(name + "=" + shlex.split(value)[0])
PY
        ;;
    k8s|compose)
        if [ $have_yaml = 1 ]; then
            python3 - "$tmp/out.$f" $f > "$tmp/kv.$f" <<'PY' || fail "$f: YAML"
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
if sys.argv[2] == "k8s":
    items = [(x["name"], x["value"]) for x in d["env"]]
else:
    items = list(d["environment"].items())
for k, v in items:
    assert isinstance(v, str), (k, v)
    print(f"{k}={v}")
PY
        else
            sed -nE 's/^ +(- name: |)([A-Z_]+)(: "([^"]*)")?$/\2=\4/p' "$tmp/out.$f" > "$tmp/kv.$f"
        fi ;;
    systemd)
        if [ $have_sd = 1 ]; then
            { printf '[Unit]\nDescription=t\n'; cat "$tmp/out.$f"; printf 'ExecStart=/bin/true\n'; } > "$tmp/t.service"
            systemd-analyze verify --man=no "$tmp/t.service" 2>&1 | grep -iE 'invalid|ignoring' && fail "systemd: rejected"
        fi
        sed -nE 's/^Environment="([^=]+)=(.*)"$/\1=\2/p' "$tmp/out.$f" > "$tmp/kv.$f" ;;
    dotenv) grep -v '^#' "$tmp/out.$f" > "$tmp/kv.$f" ;;
    python)
        python3 - "$tmp/out.$f" > "$tmp/kv.$f" <<'PY' || fail "python snippet"
import os, sys, types
got = {}
tf = types.ModuleType("tensorflow")
tf.config = types.SimpleNamespace(optimizer=types.SimpleNamespace(set_experimental_options=got.update))
sys.modules["tensorflow"] = tf
before = dict(os.environ)
exec(open(sys.argv[1]).read())
assert got == {"auto_mixed_precision_onednn_bfloat16": True}, got
for k, v in os.environ.items():
    if before.get(k) != v:
        print(f"{k}={v}")
PY
        ;;
    esac
    grep -q '^TF_ENABLE_ONEDNN_OPTS=1$' "$tmp/kv.$f" || fail "$f: no TF_ENABLE_ONEDNN_OPTS=1"
    grep -q '^TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_REMOVE=Exp$' "$tmp/kv.$f" || fail "$f: DENYLIST_REMOVE"
    grep -q '^TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE=BatchMatMulV2$' "$tmp/kv.$f" || fail "$f: move needs the REMOVE"
    # round trip: the lines in the environment, `amp` without flags
    mapfile -t kv < "$tmp/kv.$f"
    env -i PATH="$PATH" "${kv[@]}" "$AMPSCOPE" amp $M --json > "$tmp/got.$f.json" || fail "$f: amp"
    python3 - "$tmp/want.json" "$tmp/got.$f.json" <<'PY' || fail "$f: painting differs after the round trip"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda d: {k: v for k, v in d.items() if k not in ("lists", "list_edits", "env", "edits")}
assert strip(a) == strip(b), [k for k in a if a.get(k) != b.get(k)]
PY
done
echo "round trip ok for 7 formats"

# ITEX
$V --itex --deny-add Softmax --format dotenv > "$tmp/itex" || fail "itex"
grep -q '^ITEX_AUTO_MIXED_PRECISION=1$' "$tmp/itex" || fail "itex switch"
grep -q '^ITEX_AUTO_MIXED_PRECISION_DATA_TYPE=BFLOAT16$' "$tmp/itex" || fail "itex dtype"
grep -q '^ITEX_AUTO_MIXED_PRECISION_INFERLIST_REMOVE=Softmax$' "$tmp/itex" || fail "itex remove"
grep -q 'TF_AUTO' "$tmp/itex" && fail "itex output has TF_ names"

# from a run directory: the run's own list changes come back
"$AMPSCOPE" run $M --no-tui --out "$tmp/run" --iters 2 --warmup 1 --deny-remove Exp --infer-add Exp >/dev/null 2>&1 \
    || fail "embedded run with list edits"
$V "$tmp/run" --format dotenv > "$tmp/run.env" || fail "env RUN_DIR"
grep -q '^TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_INFERLIST_ADD=Exp$' "$tmp/run.env" || fail "run's edits: $(cat "$tmp/run.env")"

# --check
clean=(env -i PATH="$PATH")
"${clean[@]}" TF_ENABLE_ONEDNN_OPTS=1 $V --check --cpu-flags "avx512f avx512_bf16 amx_bf16" > "$tmp/c0" \
    || fail "clean env: exit $? $(cat "$tmp/c0")"
grep -q "no problems" "$tmp/c0" || fail "clean env text"
P=TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_
chk() { # code, env assignments...
    local code=$1; shift
    "${clean[@]}" "$@" $AMPSCOPE env --check --json --cpu-flags "avx512f avx512_bf16 amx_bf16" > "$tmp/c.json"
    local rc=$?
    [ $rc -eq 1 ] || fail "check $code: exit $rc"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sys.argv[2] in [f["code"] for f in d["findings"]], d' \
        "$tmp/c.json" "$code" || fail "check did not report $code"
}
chk space_in_list "${P}DENYLIST_ADD=Exp, MatMul"
chk unknown_op "${P}DENYLIST_ADD=Matmul"
chk op_in_two_lists "${P}DENYLIST_ADD=MatMul"
chk legacy_name "${P}BLACKLIST_ADD=Softmax" "${P}INFERLIST_REMOVE=Softmax"
chk onednn_off TF_ENABLE_ONEDNN_OPTS=0
chk unsafe_force_all "${P}LEVEL=UNSAFE_FORCE_ALL"
chk itex_and_stock ITEX_AUTO_MIXED_PRECISION=1 "${P}DENYLIST_ADD=Softmax" "${P}INFERLIST_REMOVE=Softmax"
"${clean[@]}" $AMPSCOPE env --check --json --cpu-flags "avx512f avx2" > "$tmp/c.json"; rc=$?
[ $rc -eq 1 ] && grep -q cpu_no_bf16 "$tmp/c.json" || fail "cpu without bf16: exit $rc"

# bad input
bad() { local want=$1; shift; local err rc
    err=$($V "$@" 2>&1 >/dev/null); rc=$?
    [ $rc -eq 2 ] || fail "'$*': exit $rc (want 2): $err"
    grep -qE -e "$want" <<<"$err" || fail "'$*': '$err' lacks /$want/"; }
bad "did you mean 'MatMul'" --deny-add MatMull
bad "unknown --format 'yaml'" --deny-add MatMul --format yaml
bad "no spaces" --deny-add "Exp, MatMul"
bad "not on the deny list" --deny-remove MatMul
bad "--check lints the current environment" --check --deny-add MatMul
bad "only goes with --check" --json
bad "no such run directory or model" "$tmp/nope" --deny-add MatMul
bad "unknown TensorFlow version" --tf-version 3.1 --deny-add MatMul
bad "not a level TensorFlow knows" --deny-add MatMul --level FOO
bad "refused by TensorFlow in bf16 mode" --level UNSAFE_FORCE_ALL
bad "an op can be moved to one list only" --deny-add MatMul --allow-add Exp,MatMul
echo "env_cli: ok"
