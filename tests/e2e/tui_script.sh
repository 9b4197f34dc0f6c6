#!/bin/bash
# tui_script: the real binary in headless scripted mode (AMPSCOPE_SCRIPT +
# AMPSCOPE_NO_DISPLAY, the tig way): open a real run of samples/mlp.pb, move
# to dense/MatMul and check its details, put MatMul on the deny list and see
# the painter's prediction, rerun in the background (the script waits for it),
# see the new run's diff, resize, quit. Screens are checked as text dumps.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL: $*"; for f in "$tmp"/*.txt; do echo "== $f"; cat "$f"; done; exit 1; }
has() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2'"; }

"$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/mlp.pb" --no-tui --out runs/mlp-first >run.log 2>&1 ||
    fail "ampscope run: $(tail -5 run.log)"

cat >keys.txt <<'KEYS'
# the graph view first
:save-display graph.txt
:node dense/MatMul
Enter
:save-display details.txt
:search CastToBf16
:save-display details2.txt
q
3
:search MatMul
d
:save-display ops.txt
1
:save-display predicted.txt
2
:save-display nodes.txt
r
:save-display runs.txt
:resize 200 50
1
:save-display big.txt
? 
:save-display help.txt
Q
KEYS
COLUMNS=80 LINES=24 AMPSCOPE_NO_DISPLAY=1 AMPSCOPE_SCRIPT=keys.txt timeout 300 "$AMPSCOPE" open runs/mlp-first \
    >out.log 2>&1
rc=$?
[ $rc -eq 0 ] || fail "exit $rc: $(cat out.log)"
# nothing on stdout/stderr (LeakSanitizer's exit summary of suppressed
# Graphviz/fontconfig internals under SAN=1 is not ours)
sed -E '/^$/d; /^-+$/d; /^Suppressions used:/d; /^ +count +bytes +template/d; /^ +[0-9]+ +[0-9]+ +[^ ]+$/d' out.log >out.ours
[ -s out.ours ] && fail "wrote to the terminal while it owned it: $(cat out.ours)"

has graph.txt "1 Graph"
has graph.txt "mlp-first [ok]"
has graph.txt "bf16 100.0%"
has graph.txt "MatMul"
[ "$(wc -l <graph.txt)" -eq 24 ] || fail "graph.txt is not 24 lines"
for f in graph.txt details.txt details2.txt ops.txt nodes.txt runs.txt; do
    [ "$(wc -L <$f)" -le 80 ] || fail "$f: a line wider than 80 columns"
done

has details.txt "dense/MatMul  (MatMul)"
has details.txt "executed  bf16"
has details.txt "allow list"
has details.txt "Inputs"
has details2.txt "CastToBf16"   # further down: long lines wrap at 80 columns
grep -qE "^ {12}[^ ]" details.txt || fail "details.txt: no long line wrapped under its value column"

has ops.txt "MatMul"
has ops.txt "deny *"
has predicted.txt "PREDICTED"
has predicted.txt "f32*"
has nodes.txt "fp32*"

# the rerun finished (the script waits for it) and the runs view shows the diff
has runs.txt "5 Runs"
has runs.txt "diff mlp-first -> "
has runs.txt "dense/MatMul"
grep -E "dense/MatMul +MatMul +bf16 (→|->) *f32" runs.txt >/dev/null || fail "no bf16 -> f32 row for dense/MatMul"
has runs.txt "rerun done"
new=$(ls -d runs/mlp-2* 2>/dev/null | head -1)
[ -n "$new" ] || fail "no new run directory next to the first"
grep -q '"status": *"ok"' "$new/meta.json" || fail "new run not ok: $(cat "$new/meta.json")"
grep -q 'DENYLIST_ADD=MatMul' "$new/meta.json" || fail "the new run lacks the list edit"

[ "$(wc -l <big.txt)" -eq 50 ] || fail "big.txt is not 50 lines after :resize 200 50"
[ "$(wc -L <big.txt)" -le 200 ] || fail "big.txt: a line wider than 200 columns"
[ "$(wc -L <big.txt)" -gt 80 ] || fail "big.txt does not use the width"
has help.txt "Graph view: the model as a DAG"
# a golden: the top of the help screen, generated from the key table
head -8 help.txt >help.top
cat >help.want <<'GOLDEN'
 ampscope  1 Graph  2 Nodes  3 Ops  4 Log  5 Runs
Keys (generated from the key map; scripts use the same names)

Everywhere
  1              Graph view: the model as a DAG
  2              Nodes view: table of nodes
  3              Op types view: counts, precisions, lists
  4              Log view: raw verbose and AMP lines
GOLDEN
sed -i -E '1s/ +[^ ]+ \[ok\]$//' help.top
diff -u help.want help.top || fail "help screen differs from the golden"

# a bad script line: exit 2 naming the line
printf 'j\nNoSuchKey\n' >bad.txt
AMPSCOPE_NO_DISPLAY=1 AMPSCOPE_SCRIPT=bad.txt "$AMPSCOPE" open runs/mlp-first >bad.log 2>&1
[ $? -eq 2 ] || fail "bad script: expected exit 2"
grep -q "line 2: unknown key name 'NoSuchKey'" bad.log || fail "bad script message: $(cat bad.log)"
# a directory that is not a run: a message before any screen, exit 2
AMPSCOPE_NO_DISPLAY=1 AMPSCOPE_SCRIPT=keys.txt "$AMPSCOPE" open "$tmp" >notrun.log 2>&1
[ $? -ne 0 ] || fail "open of a non-run directory succeeded"
echo "ok: headless scripted TUI"
