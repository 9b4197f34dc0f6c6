#!/bin/bash
# qa_export_csv.sh: every row of `ampscope export --csv` (node rows, nodes the
# report skipped, planned/executed Cast rows; prediction and measured) has the
# header's column count, and node names holding commas and quotes survive a
# round trip through Python's csv reader. A real embedded run provides the
# measured table.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
command -v python3 >/dev/null || { echo "SKIP: python3 absent: cannot parse the CSV"; exit 77; }

# A model whose node names need CSV quoting (TF itself would refuse them, but
# ampscope loads them and must export them intact).
cat >"$tmp/w.pbtxt" <<'PB'
node { name: "in,put" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: 4 } dim { size: 8 } } } } }
node { name: "w\"q\"" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 8 } dim { size: 8 } } float_val: 0.5 } } } }
node { name: "mat, \"mul\"" op: "MatMul" input: "in,put" input: "w\"q\"" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "out" op: "Relu" input: "mat, \"mul\"" attr { key: "T" value { type: DT_FLOAT } } }
PB

check() { # csv json mode
    python3 - "$@" <<'PY'
import csv, json, sys
path, jpath, mode = sys.argv[1:4]
rows = list(csv.reader(open(path, newline="")))
head = rows[0]
bad = [(i, len(r)) for i, r in enumerate(rows) if len(r) != len(head)]
assert not bad, "rows with a column count other than the header's %d: %s" % (len(head), bad[:5])
d = json.load(open(jpath))
assert d["mode"] == mode, d["mode"]
recs = [dict(zip(head, r)) for r in rows[1:]]
nodes = [r["node"] for r in recs if r["kind"] == "node"]
assert nodes == [n["name"] for n in d["nodes"]], (nodes, [n["name"] for n in d["nodes"]])
casts = [r["node"] for r in recs if r["kind"] == "cast"]
assert casts == [c["name"] for c in d["casts"]], casts
assert casts, "no Cast row to check"
if path.split("/")[-1] in ("w.csv", "m-w.csv"):
    assert 'mat, "mul"' in nodes and "in,put" in nodes and 'w"q"' in nodes, nodes
print("%s: %d rows x %d columns" % (path.split("/")[-1], len(rows), len(head)))
PY
}

# prediction of the sample models and of the quoted names
cd "$AMPSCOPE_ROOT"
for m in samples/mnist_convnet.pb samples/deny_propagation.pb "$tmp/w.pbtxt"; do
    b=$(basename "$m"); b=${b%.*}
    "$AMPSCOPE" export "$m" --csv "$tmp/$b.csv" --json "$tmp/$b.json" 2>"$tmp/err" ||
        bad "export $m: $(cat "$tmp/err")"
    check "$tmp/$b.csv" "$tmp/$b.json" prediction || bad "prediction CSV of $m"
done

# measured: real embedded runs (nodes the report skipped, executed and unseen casts)
for m in "$AMPSCOPE_ROOT/samples/mnist_convnet.pb" "$tmp/w.pbtxt"; do
    b=$(basename "$m"); b=${b%.*}
    "$AMPSCOPE" run "$m" --no-tui --out "$tmp/run-$b" --iters 2 --warmup 1 >/dev/null 2>"$tmp/err" ||
        { bad "embedded run of $m: $(tail -2 "$tmp/err")"; continue; }
    "$AMPSCOPE" export "$tmp/run-$b" --csv "$tmp/m-$b.csv" --json "$tmp/m-$b.json" 2>"$tmp/err" ||
        { bad "measured export of $b: $(cat "$tmp/err")"; continue; }
    check "$tmp/m-$b.csv" "$tmp/m-$b.json" measured || bad "measured CSV of $b"
    grep -q ',executed,' "$tmp/m-$b.csv" || bad "$b: no executed Cast row"
done

[ $fail -eq 0 ] && echo "qa_export_csv: ok"
exit $fail
