#!/bin/bash
# `ampscope graph` end to end: the samples load with the right shapes (batch
# bound), --json parses and follows docs/graph.md, bad input gives a clear
# message and exit 2 (never a crash), --help teaches.
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
G="$AMPSCOPE graph"

$G --help | grep -q "exit codes" || fail "--help lacks exit codes"
$G --help | grep -q -- "--input NAME:SHAPE" || fail "--help lacks --input"

# Hand-written fixtures.
out=$($G tests/data/graphs/shapes_cnn.pbtxt --batch 4 --nodes) || fail "shapes_cnn exit $?"
grep -qE '^flat +Reshape +float +4x392$' <<<"$out" || fail "flatten shape: $out"
grep -q "GraphDef (text)" <<<"$out" || fail "format line"
out=$($G tests/data/graphs/shapes_cnn.pbtxt --input x:2x32x32x3 --nodes) || fail "bind exit"
grep -qE '^flat +Reshape +float +2x392$' <<<"$out" || fail "bound flatten shape"

# JSON is valid and has the documented keys.
$G tests/data/graphs/inline_call.pbtxt --json --nodes > "$tmp/g.json" || fail "json exit"
python3 - "$tmp/g.json" <<'PY' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("path", "format", "format_name", "bytes", "producer", "nodes", "top_level_nodes",
          "inlined_nodes", "edges", "control_edges", "function_count", "functions", "inputs",
          "outputs", "ops", "warnings", "node_list"):
    assert k in d, k
assert d["format"] == "graphdef_text"
assert d["nodes"] == 7 and d["top_level_nodes"] == 4 and d["function_count"] == 2
assert d["ops"]["MatMul"] == 1 and "StatefulPartitionedCall" not in d["ops"]
n = {x["name"]: x for x in d["node_list"]}
assert n["call/act/relu"]["parent"] == "call/act"
assert n["y"]["outputs"][0]["shape"] == [-1, 3]
assert d["inputs"][0]["shape"] == [-1, 4]
PY

# Bad input: exit 2, a message naming the file and what is wrong, no crash.
expect_bad() { # file-or-arg, message substring, extra args...
    local f=$1 msg=$2; shift 2
    $G "$f" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] || fail "$f: exit $rc, want 2 ($(cat "$tmp/err"))"
    grep -q -- "$msg" "$tmp/err" || fail "$f: message '$(cat "$tmp/err")' lacks '$msg'"
    [ -s "$tmp/out" ] && fail "$f: printed to stdout on failure"
    return 0
}
expect_bad tests/data/graphs/syntax_error.pbtxt "syntax_error.pbtxt:4:37: 'DT_FLAOT' is not a value"
expect_bad tests/data/graphs/cycle.pbtxt "cycle outside a loop frame"
expect_bad tests/data/graphs/missing_input.pbtxt "'not_there:0' names no node"
expect_bad tests/data/graphs/absurd_shape.pbtxt "dimension 0 is -7"
expect_bad tests/data/graphs/absurd_const.pbtxt "tensor_content"
head -c 3000 /bin/ls > "$tmp/notpb.pb"
expect_bad "$tmp/notpb.pb" "not a TensorFlow model"
: > "$tmp/empty.pb"
expect_bad "$tmp/empty.pb" "empty"
expect_bad "$tmp/missing.pb" "cannot open"
mkdir "$tmp/sm"
expect_bad "$tmp/sm" "without saved_model.pb"
echo x > "$tmp/sm/saved_model.cpb"
expect_bad "$tmp/sm" "chunked"
expect_bad tests/data/graphs/shapes_cnn.pbtxt "no input or node named 'nope'" --input nope:1x2
expect_bad tests/data/graphs/shapes_cnn.pbtxt "rank 4" --input x:1x2
expect_bad tests/data/graphs/shapes_cnn.pbtxt "unknown option" --frobnicate
expect_bad tests/data/graphs/shapes_cnn.pbtxt "needs a SavedModel" --signature foo
python3 -c "print('node { attr { key: \"a\" value { ' + 'list { func { attr { key: \"k\" value { ' * 5000)" > "$tmp/deep.pbtxt"
expect_bad "$tmp/deep.pbtxt" "nest more than"

# A truncated binary graph.
if [ -e samples/mnist_convnet.pb ]; then
    head -c 100000 samples/mnist_convnet.pb > "$tmp/cut.pb"
    expect_bad "$tmp/cut.pb" "truncated"
    # The samples: outputs fully known once the batch is bound.
    for s in mnist_convnet mlp; do
        out=$($G samples/$s.pb --batch 8) || fail "$s exit $?"
        grep -qE '^outputs +[^ ]+ +float +8x10 ' <<<"$out" || fail "$s output shape: $out"
    done
else
    echo "SKIP: samples/*.pb not present: sample checks not run"
fi
echo "graph cli ok"
