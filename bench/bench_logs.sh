#!/bin/bash
# Benchmark of `ampscope logs`: builds a realistic 512 MiB verbose log (mixed
# eras, program output interleaved; bench/bench_logs.c) under a temp dir, then
# prints in one run the throughput in MB/s, the time relative to `wc -l` on the
# same (page-cached) file, and the peak RSS on the full log and on a 64 MiB
# prefix (RSS must not grow with the file). Best of 3 runs each.
# Env: AMPSCOPE (binary), BENCH_BIN (dir with bench_logs), BENCH_LOGS_MB (512).
set -u
: "${AMPSCOPE:=$PWD/ampscope}"
: "${BENCH_BIN:=build/rel/bench}"
MB=${BENCH_LOGS_MB:-512}
GEN="$BENCH_BIN/bench_logs"
[ -x "$GEN" ] || { echo "bench_logs: $GEN not built (make bench)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_logs: /usr/bin/time is needed for peak RSS"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$GEN" "$T/big.log" "$MB" || exit 1
head -c $((64 << 20)) "$T/big.log" >"$T/small.log"
cat "$T/big.log" "$T/small.log" >/dev/null # page cache
bytes=$(stat -c %s "$T/big.log")

# measure CMD...: prints "wall cpu rss_kb" of the best (least CPU) of 3 runs;
# cpu = user + sys seconds, which a loaded shared machine disturbs less than
# wall time.
measure() {
    local best="" best_c="" line w u s m c
    for _ in 1 2 3; do
        line=$(/usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1)
        read -r w u s m <<<"$line"
        c=$(echo "$u + $s" | bc -l)
        if [ -z "$best_c" ] || [ "$(echo "$c < $best_c" | bc -l)" = 1 ]; then
            best="$w $c $m"
            best_c=$c
        fi
    done
    echo "$best"
}
read -r w_wc c_wc _ <<<"$(measure wc -l "$T/big.log")"
read -r w_amp c_amp rss_big <<<"$(measure "$AMPSCOPE" logs "$T/big.log")"
read -r w_json c_json _ <<<"$(measure "$AMPSCOPE" logs --json "$T/big.log")"
read -r _ _ rss_small <<<"$(measure "$AMPSCOPE" logs "$T/small.log")"
lines=$("$AMPSCOPE" logs --json "$T/big.log" | jq -r '"\(.lines) lines, \(.verbose_lines) verbose, \(.unparsed_lines) unparsed"' 2>/dev/null)

mbps() { echo "scale=0; $bytes / 1000000 / $1" | bc -l; }
printf 'machine:     %s, %s cores, load average %s\n' "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf 'log:         %s MB (%s)\n' "$((bytes / 1000000))" "${lines:-?}"
printf 'wc -l:       cpu %.3f s (%s MB/s), wall %.3f s\n' "$c_wc" "$(mbps "$c_wc")" "$w_wc"
printf 'ampscope:    cpu %.3f s = %s MB/s on one core, %.1fx the CPU time of wc -l; wall %.3f s (%s MB/s)  [text]\n' \
    "$c_amp" "$(mbps "$c_amp")" "$(echo "$c_amp / $c_wc" | bc -l)" "$w_amp" "$(mbps "$w_amp")"
printf 'ampscope:    cpu %.3f s = %s MB/s on one core; wall %.3f s  [--json]\n' "$c_json" "$(mbps "$c_json")" "$w_json"
printf 'peak RSS:    %s KB on %s MB, %s KB on the first 64 MiB\n' "$rss_big" "$((bytes / 1000000))" "$rss_small"
