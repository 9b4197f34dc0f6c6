#!/bin/bash
# analyze_roundtrip.sh: the generic mapper against the embedded backend's
# ground truth, end to end, on every sample, f32 (--amp off) and bf16:
#  1. `ampscope run` records truth.tsv; `ampscope open RUN --check-truth` must
#     find the mapper on the same node with the same role for every exec
#     event, 0 unmapped;
#  2. the run's verbose.log with the marker lines stripped (what a user who
#     ran their own script has) goes through `ampscope analyze`; with the
#     run's truth.tsv copied next to it, every event must map to the same
#     node again, and iterations are found from the repeating sequence.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (needed to read --json)"; exit 77; }
if ! "$AMPSCOPE" run --help >/dev/null 2>&1; then
    echo "SKIP: \`ampscope run\` is not available in this build"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
export AMPSCOPE_NO_PROGRESS=1 NO_COLOR=1

n=0
for model in "$AMPSCOPE_ROOT"/samples/*.pb; do
    s=$(basename "$model" .pb)
    for amp in off on; do
        d="$tmp/$s-$amp"
        "$AMPSCOPE" run "$model" --amp "$amp" --batch 2 --warmup 2 --iters 3 --out "$d" --json \
            >"$d.json" 2>"$d.err"
        rc=$?
        if [ $rc -ne 0 ]; then bad "$s --amp $amp: run exit $rc: $(tail -3 "$d.err")"; continue; fi
        out=$("$AMPSCOPE" open "$d" --check-truth 2>&1)
        rc=$?
        echo "$s --amp $amp (run):      $out" | head -2
        [ $rc -eq 0 ] || bad "$s --amp $amp: the mapper differs from truth.tsv"
        grep -q ' 0 unmapped' <<<"$out" || bad "$s --amp $amp: unmapped events"

        # the same evidence as a user would bring it: no markers, no meta, no truth
        grep -v '^ampscope_marker,' "$d/verbose.log" >"$tmp/$s-$amp.log"
        a="$tmp/an-$s-$amp"
        "$AMPSCOPE" analyze "$model" --log "$tmp/$s-$amp.log" --batch 2 --out "$a" --json \
            >"$a.json" 2>"$a.err"
        rc=$?
        if [ $rc -ne 0 ]; then bad "$s --amp $amp: analyze exit $rc: $(tail -3 "$a.err")"; continue; fi
        jq -e . "$a.json" >/dev/null || { bad "$s --amp $amp: analyze --json is not JSON"; continue; }
        [ "$(jq -r .backend "$a.json")" = logs ] || bad "$s --amp $amp: analyze backend $(jq -r .backend "$a.json")"
        [ "$(jq -r .iterations_from "$a.json")" = repeats ] || bad "$s --amp $amp: iterations not from repeats"
        [ "$(jq -r .unmapped_events "$a.json")" = 0 ] || bad "$s --amp $amp: analyze left unmapped events"
        its=$(jq -r .iterations "$a.json")
        # 2 warmup + 3 measured identical passes: at least the 3 measured are steady
        [ "$its" -ge 3 ] 2>/dev/null || bad "$s --amp $amp: analyze found $its iterations"
        for f in meta.json verbose.log report.json; do
            [ -s "$a/$f" ] || bad "$s --amp $amp: analyze run dir lacks $f"
        done
        cp "$d/truth.tsv" "$a/truth.tsv"
        out=$("$AMPSCOPE" open "$a" --check-truth 2>&1)
        rc=$?
        echo "$s --amp $amp (analyze):  $out" | head -2
        [ $rc -eq 0 ] || bad "$s --amp $amp: analyze of the stripped log maps differently from the run"
        # the same verdicts from the run and from the analysis of its log
        # (times differ: analyze also averages the warmup passes it cannot tell apart)
        x=$(jq -r '.casts.count' "$d.json"); y=$(jq -r '.casts.count' "$a.json")
        [ "$x" = "$y" ] || bad "$s --amp $amp: casts per iteration run $x vs analyze $y"
        q='[.nodes | to_entries[] | "\(.key)=\(.value.executed_dtype)/\(.value.isa)"] | sort | join(" ")'
        x=$(jq -r "$q" "$d.json"); y=$(jq -r "$q" "$a.json")
        [ "$x" = "$y" ] || bad "$s --amp $amp: per-node dtype/ISA differ: run [$x] analyze [$y]"
        if [ "$amp" = off ]; then
            [ "$(jq -r .bf16_share "$a.json")" = 0 ] || bad "$s --amp off: analyze finds bf16"
        fi
        n=$((n + 1))
    done
done
[ $n -gt 0 ] || bad "no sample ran"
[ $fail -eq 0 ] && echo "analyze roundtrip ok: $n runs"
exit $fail
