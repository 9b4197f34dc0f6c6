# Shared by tests/e2e/logs_dnnl*.sh (sourced, not run): runs the real-oneDNN
# generator tests/tools/dnnl_gen under the given verbose settings and checks
# that `ampscope logs --json` counts exactly what its manifest says ran.
fail() { echo "FAIL: $*"; exit 1; }
GEN="$AMPSCOPE_ROOT/${BUILD:-build/rel}/tests/tools/dnnl_gen"
[ -x "$GEN" ] || { echo "SKIP: $GEN is not built (make unit)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export OMP_NUM_THREADS=1 ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
unset DNNL_VERBOSE ONEDNN_PRIMITIVE_CACHE_CAPACITY

cpu_has() { grep -qw "$1" /proc/cpuinfo; }

# run_and_check VERBOSE TIMESTAMP [--bf16]: sets $J to the JSON file
run_and_check() {
    local v=$1 ts=$2; shift 2
    local tag="v$v-ts$ts$*"; tag=${tag// /}
    ONEDNN_VERBOSE=$v ONEDNN_VERBOSE_TIMESTAMP=$ts "$GEN" --iters 4 --manifest "$T/m$tag" "$@" \
        >"$T/log$tag" || fail "dnnl_gen $v $ts $* exit $?"
    J="$T/j$tag"
    "$AMPSCOPE" logs "$T/log$tag" --json --top 100 >"$J" || fail "ampscope logs exit $? on $T/log$tag"
    local m="$T/m$tag"
    local total casts layout nprims
    total=$(awk '$1=="exec"{s+=$4} END{print s+0}' "$m")
    casts=$(awk '$1=="casts"{s+=$2} END{print s+0}' "$m")
    layout=$(awk '$1=="reorder_layout"{s+=$2} END{print s+0}' "$m")
    nprims=$(grep -c '^exec ' "$m")
    jq -e --argjson t "$total" --argjson c "$casts" --argjson l "$layout" \
        '.exec.count == $t and .casts.count == $c and .reorders.layout.count == $l
         and .unparsed_lines == 0 and (.onednn_version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$"))' \
        "$J" >/dev/null || fail "$tag: totals differ from the manifest ($total execs, $casts casts, $layout layout): $(head -c 600 "$J")"
    # per primitive kind
    for k in $(awk '$1=="exec"{print $2}' "$m" | sort -u); do
        local want
        want=$(awk -v k="$k" '$1=="exec" && $2==k {s+=$4} END{print s+0}' "$m")
        jq -e --arg k "$k" --argjson w "$want" '.by_primitive[$k].count == $w' "$J" >/dev/null ||
            fail "$tag: by_primitive.$k.count != $want"
    done
    # per source data type
    for d in $(awk '$1=="exec"{print $3}' "$m" | sort -u); do
        local want
        want=$(awk -v d="$d" '$1=="exec" && $3==d {s+=$4} END{print s+0}' "$m")
        jq -e --arg d "$d" --argjson w "$want" '.by_dtype[$d].count == $w' "$J" >/dev/null ||
            fail "$tag: by_dtype.$d.count != $want"
    done
    # program output lines are "other" lines, never lost or miscounted
    # (the log's last line, "dnnl_gen: done", has no newline)
    local prog
    prog=$(( $(tr -cd '\n' <"$T/log$tag" | wc -c) + 1 - $(grep -c '^onednn_verbose\|^dnnl_verbose' "$T/log$tag") ))
    jq -e --argjson p "$prog" '.other_lines == $p' "$J" >/dev/null || fail "$tag: other_lines != $prog"
    if [ "$v" = 2 ]; then
        jq -e --argjson n "$nprims" '.create.count == $n and .create.time_ms > 0' "$J" >/dev/null ||
            fail "$tag: create.count != $nprims"
    else
        jq -e '.create.count == 0' "$J" >/dev/null || fail "$tag: creates at level 1"
    fi
    if [ "$ts" = 1 ]; then
        jq -e '.timestamps != null and .timestamps.last_ms >= .timestamps.first_ms' "$J" >/dev/null ||
            fail "$tag: timestamps missing"
    else
        jq -e '.timestamps == null' "$J" >/dev/null || fail "$tag: timestamps without TIMESTAMP=1"
    fi
}
