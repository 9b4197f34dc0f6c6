#!/bin/bash
# `ampscope logs` on every real excerpt of ../shared/corpus/verbose (read in
# place, never copied): no crash, exit 0 (or 1 for the two excerpts that hold
# no parseable verbose line), valid JSON, and the whole corpus in one run.
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
C="${SHARED_CORPUS:-../shared/corpus}/verbose"
[ -d "$C" ] || { echo "SKIP: corpus folder $C is absent"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 nothing=0
for f in "$C"/*.txt; do
    grep -v '^### ' "$f" >"$T/one.log"
    "$AMPSCOPE" logs "$T/one.log" --json >"$T/one.json" 2>"$T/err"; rc=$?
    case $rc in
    0) ;;
    1) nothing=$((nothing + 1)); grep -q ONEDNN_VERBOSE=1 "$T/err" || fail "$f: exit 1 without the hint" ;;
    *) fail "$f: exit $rc: $(cat "$T/err")" ;;
    esac
    jq -e '.lines >= .verbose_lines + .other_lines' "$T/one.json" >/dev/null || fail "$f: bad JSON"
    "$AMPSCOPE" logs "$T/one.log" --verbose >/dev/null 2>&1; [ $? -le 1 ] || fail "$f: text exit"
    n=$((n + 1))
done
[ $nothing -le 2 ] || fail "$nothing corpus files without verbose lines (want <= 2)"
cat "$C"/*.txt | grep -v '^### ' | "$AMPSCOPE" logs - --json >"$T/all.json" || fail "whole corpus exit $?"
jq -e '.verbose_lines > 500 and .exec.count > 200 and .by_isa.amx.count > 0 and .by_isa.gpu.count > 0
       and .markers.mkldnn_verbose > 0 and .markers.dnnl_verbose > 0 and .markers.onednn_verbose > 0
       and .events.graph > 0 and .events.dispatch > 0 and .events.check > 0' "$T/all.json" >/dev/null ||
    fail "whole corpus: $(head -c 800 "$T/all.json")"
echo "logs on $n corpus files ok"
