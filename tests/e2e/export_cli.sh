#!/bin/bash
# `ampscope export` end to end: prediction pictures of every sample (SVG valid
# XML with names, colours, legend and the PREDICTION title; DOT; PNG; CSV and
# JSON parsed back), a measured picture of a real embedded run (executed casts,
# shares, AMX mark or "no AMX"), focus/collapse, and every bad input: clear
# message, exit 2, no file (and no temp file) left behind.
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
E="$AMPSCOPE export"

$E --help | grep -q "exit codes" || fail "--help lacks exit codes"
$E --help | grep -q -- "--focus NODE" || fail "--help lacks --focus"

have_xmllint=1
command -v xmllint >/dev/null || { have_xmllint=0; echo "SKIP: xmllint absent: SVGs checked by grep only"; }

for m in samples/*.pb; do
    b=$(basename "$m" .pb)
    $E "$m" --svg "$tmp/$b.svg" --dot "$tmp/$b.dot" --csv "$tmp/$b.csv" --json "$tmp/$b.json" \
        || fail "$m: exit $?"
    [ $have_xmllint = 1 ] && { xmllint --noout "$tmp/$b.svg" || fail "$b.svg is not XML"; }
    grep -q "PREDICTION" "$tmp/$b.svg" || fail "$b.svg: not labelled a prediction"
    grep -q "Legend" "$tmp/$b.svg" || fail "$b.svg: no legend"
    grep -q "#b3dcf5" "$tmp/$b.svg" || fail "$b.svg: no bf16 fill"
    grep -q "digraph" "$tmp/$b.dot" || fail "$b.dot"
    python3 - "$tmp/$b.csv" "$tmp/$b.json" "$m" <<'PY' || fail "$b: CSV/JSON content"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
d = json.load(open(sys.argv[2]))
assert d["schema"] == "ampscope.export/1" and d["mode"] == "prediction"
names = [n["name"] for n in d["nodes"]]
assert [r["node"] for r in rows if r["kind"] == "node"] == names
assert len([r for r in rows if r["kind"] == "cast"]) == len(d["casts"])
assert any(r["planned"] == "bf16" for r in rows)
PY
done
# a node name from the graph is in the SVG tooltip, shortened in the label
grep -q 'conv2d/Conv2D/ReadVariableOp/resource' "$tmp/mnist_convnet.svg" || fail "full name missing"

# PNG
$E samples/mlp.pb --png "$tmp/mlp.png" || fail "png exit"
head -c 4 "$tmp/mlp.png" | grep -q PNG || fail "not a PNG"

# stdout
$E samples/mlp.pb --csv - | head -1 | grep -q '^node,op,kind,list,planned' || fail "csv to stdout"

# focus and collapse
$E samples/mnist_convnet.pb --svg "$tmp/f.svg" --focus conv2d_1/Conv2D --radius 1 || fail "focus"
grep -q "outside the focus" "$tmp/f.svg" || fail "focus subtitle"
grep -q "dense/MatMul" "$tmp/f.svg" && fail "focus kept a far node"
$E samples/transformer_block.pb --dot "$tmp/c.dot" --collapse 1 || fail "collapse"
grep -q 'attn/ (' "$tmp/c.dot" || fail "collapsed scope box missing"

# measured: a real embedded run
"$AMPSCOPE" run samples/mnist_convnet.pb --no-tui --out "$tmp/run" --iters 3 --warmup 1 >/dev/null 2>&1 \
    || fail "embedded run failed"
$E "$tmp/run" --svg "$tmp/run.svg" --csv "$tmp/run.csv" --json "$tmp/run.json" || fail "measured export"
[ $have_xmllint = 1 ] && { xmllint --noout "$tmp/run.svg" || fail "run.svg not XML"; }
grep -q "measured, embedded backend" "$tmp/run.svg" || fail "measured title"
grep -q "bf16 share" "$tmp/run.svg" || fail "bf16 share in title"
grep -q "AMX share" "$tmp/run.svg" || fail "AMX share in title"
grep -q "#f0e442" "$tmp/run.svg" || fail "no executed cast drawn"
if grep -q amx_bf16 /proc/cpuinfo; then
    grep -q '>AMX<' "$tmp/run.svg" || fail "AMX CPU but no AMX mark"
else
    grep -q "no AMX" "$tmp/run.svg" || fail "no 'no AMX' mark"
    echo "SKIP: no AMX on this CPU: the AMX mark is not drawn here"
fi
python3 - "$tmp/run.csv" "$tmp/run.json" <<'PY' || fail "measured CSV/JSON"
import csv, json, sys
rows = {r["node"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
c = rows["conv2d/Conv2D"]
assert c["executed"] == "bf16" and float(c["share_pct"]) > 0, c
d = json.load(open(sys.argv[2]))
assert d["mode"] == "measured" and 0 <= d["bf16_share"] <= 1
assert any(x["executed"] for x in d["casts"])
PY

# ---- bad input: exit 2, clear message, nothing left behind ----
bad() { # expected-message-regex, args...
    local want=$1; shift
    local err rc
    err=$($E "$@" 2>&1 >/dev/null); rc=$?
    [ $rc -eq 2 ] || fail "'$*': exit $rc (want 2): $err"
    grep -qE -e "$want" <<<"$err" || fail "'$*': message '$err' lacks /$want/"
}
bad "the directory .*/nope does not exist" samples/mlp.pb --svg "$tmp/nope/x.svg"
bad "unknown option or format '--pdf'" samples/mlp.pb --pdf "$tmp/x.pdf"
bad "say what to write" samples/mlp.pb
bad "--radius needs --focus" samples/mlp.pb --svg "$tmp/x.svg" --radius 2
bad "no node named 'nosuch'" samples/mlp.pb --svg "$tmp/x.svg" --focus nosuch
bad "--collapse needs a whole number" samples/mlp.pb --svg "$tmp/x.svg" --collapse -1
bad "both write" samples/mlp.pb --svg "$tmp/x.out" --dot "$tmp/x.out"
bad "that is a directory" samples/mlp.pb --svg "$tmp"
bad "no such file|cannot open|No such" "$tmp/missing.pb" --svg "$tmp/x.svg"
mkdir -p "$tmp/notrun"
bad "neither a run directory" "$tmp/notrun" --svg "$tmp/x.svg"
# a run directory whose model is gone: says what is missing
mkdir -p "$tmp/run2" && cp "$tmp/run/meta.json" "$tmp/run/verbose.log" "$tmp/run2/"
sed -i 's#"model": *"[^"]*"#"model": "gone/model.pb"#' "$tmp/run2/meta.json"
rm -f "$tmp/run2/model.pb"
bad "cannot be found; pass it with --model" "$tmp/run2" --svg "$tmp/x.svg"
[ -e "$tmp/x.svg" ] && fail "a failed export left x.svg behind"
# a write that fails half-way (file size limit): no partial file, no temp file
mkdir -p "$tmp/big"
err=$( ( trap '' XFSZ; ulimit -f 4; $E samples/transformer_block.pb --svg "$tmp/big/t.svg" ) 2>&1 ); rc=$?
[ $rc -eq 2 ] || fail "write failure: exit $rc: $err"
grep -q "cannot write" <<<"$err" || fail "write failure message: $err"
[ -z "$(ls -A "$tmp/big")" ] || fail "partial files left: $(ls "$tmp/big")"
# several outputs: when a later one cannot be written, the earlier ones are
# removed again (all or nothing); /proc refuses new files even for root
mkdir -p "$tmp/multi"
err=$($E samples/mlp.pb --svg "$tmp/multi/ok.svg" --png /proc/ampscope-no.png 2>&1); rc=$?
[ $rc -eq 2 ] || fail "multi-output failure: exit $rc: $err"
[ -z "$(ls -A "$tmp/multi")" ] || fail "multi-output failure left: $(ls "$tmp/multi")"
echo "export_cli: ok"
