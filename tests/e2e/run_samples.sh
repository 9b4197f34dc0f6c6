#!/bin/bash
# run_samples.sh: `ampscope run` end to end on every sample, f32 (--amp off)
# and bf16 (the painter's plan), on the embedded oneDNN backend. Checks, per
# run: exit 0 and a valid --json report with no unmapped events; truth.tsv has
# one row per exec line of verbose.log, in order; every compute primitive
# runs in the precision the plan gave its node (bf16 src for bf16 nodes, f32
# for f32 nodes, read from oneDNN's own lines); every cast row is an
# f32<->bf16 reorder and the casts per iteration match the report; --amp off
# has no bf16 at all; markers bracket warmup and measured iterations; the
# generic mapper (`ampscope open --check-truth`) agrees with truth.tsv exactly;
# the plan's Converted line is `ampscope amp`'s (TensorFlow's); and the bf16
# run fuses exactly what the f32 run fuses.
set -u
: "${AMPSCOPE:?}" "${AMPSCOPE_ROOT:?}"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (needed to read --json)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for model in "$AMPSCOPE_ROOT"/samples/*.pb; do
    s=$(basename "$model" .pb)
    for amp in off on; do
        d="$tmp/$s-$amp"
        AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$model" --amp "$amp" --batch 4 --warmup 2 --iters 3 \
            --out "$d" --json >"$d.json" 2>"$d.err"
        rc=$?
        if [ $rc -ne 0 ]; then bad "$s --amp $amp: exit $rc: $(tail -3 "$d.err")"; continue; fi
        jq -e . "$d.json" >/dev/null || { bad "$s --amp $amp: --json is not JSON"; continue; }
        [ "$(jq -r .status "$d.json")" = ok ] || bad "$s --amp $amp: status $(jq -r .status "$d.json")"
        [ "$(jq -r .unmapped_events "$d.json")" = 0 ] || bad "$s --amp $amp: unmapped events"
        [ "$(jq -r .iterations "$d.json")" = 3 ] || bad "$s --amp $amp: iterations $(jq -r .iterations "$d.json")"
        for f in meta.json verbose.log truth.tsv plan.json report.json fused.tsv; do
            [ -s "$d/$f" ] || bad "$s --amp $amp: $f missing"
        done
        [ "$(jq -r .status "$d/meta.json")" = ok ] || bad "$s --amp $amp: meta.json status"
        # planned precision per node, from the report
        jq -r '.nodes | to_entries[] | "\(.key)\t\(.value.planned)"' "$d.json" >"$d.planned"
        # join truth.tsv with verbose.log exec lines (ordinal) and the plan
        awk -F'\t' -v amp="$amp" -v name="$s --amp $amp" '
            FILENAME == ARGV[1] { planned[$1] = $2; next }
            FILENAME == ARGV[2] {
                if ($0 ~ /^ampscope_marker,/) { split($0, m, ","); markers[m[2] "," m[4]]++; next }
                if ($0 ~ /^onednn_verbose,/ && $0 ~ /,exec,cpu,/) ex[n++] = $0
                next
            }
            /^#/ { next }
            {
                rows++
                if ($1 != rows - 1) { print "FAIL: " name ": truth row " rows " has exec_index " $1; bad = 1 }
                line = ex[$1]
                if (line == "") { print "FAIL: " name ": truth exec " $1 " has no verbose line"; bad = 1; next }
                isbf = (line ~ /(src|data)_bf16/)
                if (amp == "off" && line ~ /(src|dst|wei|data|bia)_bf16/) { if (nf++ < 5) print "FAIL: " name ": bf16 in an --amp off run: " line; bad = 1 }
                if ($3 == "cast") {
                    casts++
                    if (line !~ /,reorder,/ || line !~ /_f32:/ || line !~ /_bf16:/) { print "FAIL: " name ": cast row " $1 " is not an f32<->bf16 reorder"; bad = 1 }
                }
                if ($3 == "compute" && line !~ /,reorder,/ && ($2 in planned) && planned[$2] != "-") {
                    want = amp == "on" && planned[$2] == "bf16"
                    if (want != isbf) { if (nf++ < 5) print "FAIL: " name ": node " $2 " planned " planned[$2] " but ran: " line; bad = 1 }
                    checked++
                }
            }
            END {
                if (rows != n) { print "FAIL: " name ": truth.tsv has " rows " rows, verbose.log " n " exec lines"; bad = 1 }
                if (markers["warmup,begin"] != 2 || markers["iter,begin"] != 3 || markers["iter,end"] != 3) {
                    print "FAIL: " name ": markers " markers["warmup,begin"] "/" markers["iter,begin"] "/" markers["iter,end"]; bad = 1 }
                if (checked == 0) { print "FAIL: " name ": no compute row could be checked"; bad = 1 }
                printf "%s: %d exec lines, %d compute rows checked, %d cast rows\n", name, n, checked, casts
                print casts + 0 > "/dev/stderr"
                exit bad
            }' "$d.planned" "$d/verbose.log" "$d/truth.tsv" 2>"$d.casts" || fail=1
        # casts per measured iteration: truth (cast rows / (warmup + iters)) == report
        tc=$(cat "$d.casts")
        rc_=$(jq -r .casts.count "$d.json")
        if [ "$amp" = on ] && [ $((tc % 5)) -eq 0 ] && [ "$((tc / 5))" != "$rc_" ]; then
            bad "$s --amp on: $((tc / 5)) cast executions per pass in truth.tsv, report says $rc_"
        fi
        # the generic mapper reproduces the executor's ground truth, event by event
        if ! "$AMPSCOPE" open "$d" --check-truth >"$d.truth" 2>&1; then
            bad "$s --amp $amp: mapper differs from truth.tsv: $(head -3 "$d.truth")"
        fi
        if [ "$amp" = on ] && [ "$(jq -r '.bf16_share > 0' "$d.json")" != true ]; then
            bad "$s --amp on: bf16 share is 0"
        fi
    done
    # The plan is painted with grappler's earlier passes modelled, so its line
    # is TensorFlow's (`ampscope amp` prints the same), and the executor still
    # fuses what it fuses in f32: the casts of constants (weights, biases) fold
    # into the constants, as TensorFlow's constant folding does.
    want=$("$AMPSCOPE" amp "$model" --batch 4 --json 2>/dev/null | jq -r .summary)
    got=$(jq -r .plan.summary "$tmp/$s-on.json")
    [ -n "$want" ] && [ "$want" = "$got" ] || bad "$s: run's plan says '$got', amp says '$want'"
    diff <(grep -v '^#' "$tmp/$s-off/fused.tsv") <(grep -v '^#' "$tmp/$s-on/fused.tsv") >"$tmp/$s.fdiff" ||
        bad "$s: the bf16 plan fuses differently from f32: $(head -4 "$tmp/$s.fdiff")"
done
exit $fail
