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

best() { # best wall seconds of 3 runs of "$@" (stdout discarded)
    local b="" t
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    echo "$b"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

t_wc=$(best wc -l "$T/big.log")
t_amp=$(best "$AMPSCOPE" logs "$T/big.log")
t_json=$(best "$AMPSCOPE" logs --json "$T/big.log")
rss_big=$(rss "$AMPSCOPE" logs "$T/big.log")
rss_small=$(rss "$AMPSCOPE" logs "$T/small.log")
lines=$("$AMPSCOPE" logs --json "$T/big.log" | jq -r '"\(.lines) lines, \(.verbose_lines) verbose, \(.unparsed_lines) unparsed"' 2>/dev/null)

mbps() { echo "scale=0; $bytes / 1000000 / $1" | bc -l; }
printf 'machine:     %s, %s cores\n' "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)"
printf 'log:         %s MB (%s)\n' "$((bytes / 1000000))" "${lines:-?}"
printf 'wc -l:       %.3f s  (%s MB/s)\n' "$t_wc" "$(mbps "$t_wc")"
printf 'ampscope:    %.3f s  %s MB/s  %.1fx the time of wc -l  (text report)\n' "$t_amp" "$(mbps "$t_amp")" "$(echo "$t_amp / $t_wc" | bc -l)"
printf 'ampscope:    %.3f s  %s MB/s  (--json)\n' "$t_json" "$(mbps "$t_json")"
printf 'peak RSS:    %s KB on %s MB, %s KB on the first 64 MiB\n' "$rss_big" "$((bytes / 1000000))" "$rss_small"
