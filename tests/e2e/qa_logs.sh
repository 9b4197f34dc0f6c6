#!/bin/bash
# qa_logs.sh: `ampscope logs` reads well: the title line has no doubled
# space; one file with timestamps gets a wall span; several files are never
# shown as one timeline: each gets its own line counts, exec time and wall
# span (text "files" table, JSON files[]; the top-level JSON timestamps are
# null then), measured on two real oneDNN logs written a second apart. The
# corpus part (when ../shared/corpus is there) checks the same on real logs.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
fail=0
bad() { echo "FAIL: $*"; fail=1; }
GEN="$AMPSCOPE_ROOT/${BUILD:-build/rel}/tests/tools/dnnl_gen"
[ -x "$GEN" ] || { echo "SKIP: $GEN is not built (make test builds it)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 absent: cannot read the JSON"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1 "$GEN" --iters 2 >"$tmp/a.log" 2>/dev/null || bad "dnnl_gen a"
sleep 1.2
ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1 "$GEN" --iters 3 >"$tmp/b.log" 2>/dev/null || bad "dnnl_gen b"

# one file: a wall span, a clean title
"$AMPSCOPE" logs "$tmp/a.log" >"$tmp/one.txt" 2>"$tmp/err" || bad "logs a.log: exit $? $(cat "$tmp/err")"
head -1 "$tmp/one.txt" | grep -q '  ' && bad "doubled space in the title: $(head -1 "$tmp/one.txt")"
head -1 "$tmp/one.txt" | grep -q "^ampscope logs: $tmp/a.log$" || bad "title: $(head -1 "$tmp/one.txt")"
grep -q '^wall span ' "$tmp/one.txt" || bad "one timestamped file has no wall span"

# two files: spans per file, never one across them
"$AMPSCOPE" logs "$tmp/a.log" "$tmp/b.log" >"$tmp/two.txt" 2>"$tmp/err" || bad "logs a b: exit $?"
head -1 "$tmp/two.txt" | grep -q '  ' && bad "doubled space in the title: $(head -1 "$tmp/two.txt")"
head -1 "$tmp/two.txt" | grep -q '2 files' || bad "title does not say 2 files: $(head -1 "$tmp/two.txt")"
grep -q '^wall span' "$tmp/two.txt" && bad "a single wall span across two files"
grep -q 'each file is its own timeline' "$tmp/two.txt" || bad "no per-file note"
grep -qE '^  a\.log +[0-9]' "$tmp/two.txt" && grep -qE '^  b\.log +[0-9]' "$tmp/two.txt" ||
    bad "files table lacks a.log/b.log rows: $(sed -n 1,12p "$tmp/two.txt")"
"$AMPSCOPE" logs "$tmp/a.log" "$tmp/b.log" --json >"$tmp/two.json" || bad "logs --json exit $?"
"$AMPSCOPE" logs "$tmp/a.log" --json >"$tmp/a.json" || bad "logs a --json exit $?"
"$AMPSCOPE" logs "$tmp/b.log" --json >"$tmp/b.json" || bad "logs b --json exit $?"
python3 - "$tmp" <<'PY' || bad "JSON files[]"
import json, sys
t = sys.argv[1]
two, a, b = (json.load(open("%s/%s.json" % (t, n))) for n in ("two", "a", "b"))
f = two["files"]
assert [x["path"].split("/")[-1] for x in f] == ["a.log", "b.log"], f
assert two["timestamps"] is None, "a top-level span across two files"
for x, one in zip(f, (a, b)):
    assert x["lines"] == one["lines"] and x["verbose_lines"] == one["verbose_lines"], (x, one["lines"])
    assert x["exec"]["count"] == one["exec"]["count"], (x["exec"], one["exec"])
    assert x["timestamps"] == one["timestamps"], (x["timestamps"], one["timestamps"])
    assert x["onednn_version"], x
span_a = f[0]["timestamps"]["last_ms"] - f[0]["timestamps"]["first_ms"]
gap = f[1]["timestamps"]["first_ms"] - f[0]["timestamps"]["last_ms"]
assert gap > 1000, "the logs were written %.0f ms apart, not >1 s" % gap
assert span_a < gap, (span_a, gap)
assert two["exec"]["count"] == a["exec"]["count"] + b["exec"]["count"]
assert a["files"][0]["path"].endswith("a.log")
PY

# the bf16 share line of a log without non-reorder execs, and singular counts
printf 'onednn_verbose,info,oneDNN v3.3.0 (commit x)\n' >"$tmp/hdr.log"
"$AMPSCOPE" logs "$tmp/hdr.log" >"$tmp/hdr.txt" 2>/dev/null
grep -q 'of non-reorder exec time had a bf16 source (no' "$tmp/hdr.txt" && bad "'- of ... (no record)' wording"
grep -q '1 execs' "$tmp/one.txt" "$tmp/two.txt" && bad "'1 execs'"

# real logs from the corpus: per-file spans for two timestamped files
C="${SHARED_CORPUS:-}/verbose"
ts=()
if [ -d "$C" ]; then
    for f in "$C"/*.txt; do
        "$AMPSCOPE" logs "$f" --json 2>/dev/null | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["timestamps"] else 1)' 2>/dev/null &&
            ts+=("$f")
        [ ${#ts[@]} -ge 2 ] && break
    done
fi
if [ ${#ts[@]} -ge 2 ]; then
    "$AMPSCOPE" logs "${ts[@]}" >"$tmp/c.txt" || bad "corpus pair exit $?"
    grep -q '^wall span' "$tmp/c.txt" && bad "corpus pair: one wall span across files"
    [ "$(grep -cE '^  [0-9]{3}-.* [0-9.]+  [^ ]+$' "$tmp/c.txt")" -ge 2 ] || bad "corpus pair: no per-file rows: $(sed -n 1,12p "$tmp/c.txt")"
else
    echo "SKIP: ../shared/corpus has no two timestamped verbose logs here: corpus part not checked"
fi

[ $fail -eq 0 ] && echo "qa_logs: ok"
exit $fail
