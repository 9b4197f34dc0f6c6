#!/bin/bash
# bench_run.sh: the embedded executor's figures, measured in one invocation.
#   1. executor overhead = wall time per measured iteration (between the
#      iteration markers) / sum of oneDNN's own exec times in that iteration,
#      f32 and bf16, batch 64, on the convnet and the transformer block
#      (target <= 1.10);
#   2. bf16-vs-f32 speedup per sample on this CPU (f32 wall per iteration /
#      bf16 wall per iteration, both from the markers of one --compare run).
# Figures are read straight from the run directories' verbose.log, so they do
# not depend on the report code. Usage: AMPSCOPE=./ampscope bash bench/bench_run.sh
# (OMP_NUM_THREADS=1 steadies the figures on a machine shared with other work).
set -u
cd "$(dirname "$0")/.."
AMPSCOPE=${AMPSCOPE:-$PWD/ampscope}
ITERS=${BENCH_ITERS:-30}
WARMUP=${BENCH_WARMUP:-5}
BATCH=${BENCH_BATCH:-64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# mean wall ms per iteration, mean summed exec ms per iteration, ratio
iter_stats() {
    awk -F, '
    /^ampscope_marker,iter,/ {
        if ($4 == "begin") { t0 = $5; s = 0; inside = 1 }
        else if (inside) { wall += $5 - t0; exec += s; n++; inside = 0 }
        next
    }
    inside && /^onednn_verbose,/ && $3 == "exec" { s += $NF }
    END { if (n) printf "%.4f %.4f %.3f\n", wall / n, exec / n, (wall / n) / (exec / n); else print "nan nan nan" }
    ' "$1"
}

echo "machine: $(lscpu | grep 'Model name' | sed 's/Model name: *//')"
echo "load average at start: $(cut -d" " -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN) CPUs (other work on the machine inflates every time below)"
echo "threads: OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset (all CPUs)}"
echo "oneDNN: $(dpkg-query -W -f '${Version}' libdnnl2 2>/dev/null || echo '?'); batch $BATCH, $WARMUP warmup + $ITERS iterations"
echo
echo "executor overhead (wall per iteration / sum of oneDNN exec times per iteration):"
printf "  %-20s %-5s %12s %12s %8s\n" sample amp wall_ms exec_ms ratio
for s in mnist_convnet transformer_block; do
    for amp in off on; do
        d="$tmp/ovh-$s-$amp"
        AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "samples/$s.pb" --batch "$BATCH" --iters "$ITERS" \
            --warmup "$WARMUP" --amp "$amp" --out "$d" --json >/dev/null 2>"$tmp/err" ||
            { echo "  $s --amp $amp: run failed: $(tail -2 "$tmp/err")"; continue; }
        read -r w e r < <(iter_stats "$d/verbose.log")
        printf "  %-20s %-5s %12s %12s %8s\n" "$s" "$amp" "$w" "$e" "$r"
    done
done
echo
echo "bf16 vs f32 speedup per sample (f32 wall per iteration / bf16 wall per iteration):"
printf "  %-20s %12s %12s %8s\n" sample f32_ms bf16_ms speedup
for m in samples/*.pb; do
    s=$(basename "$m" .pb)
    d="$tmp/cmp-$s"
    AMPSCOPE_NO_PROGRESS=1 "$AMPSCOPE" run "$m" --batch "$BATCH" --iters "$ITERS" --warmup "$WARMUP" \
        --compare --out "$d" --json >/dev/null 2>"$tmp/err" ||
        { echo "  $s: run failed: $(tail -2 "$tmp/err")"; continue; }
    read -r wb _ _ < <(iter_stats "$d/verbose.log")
    read -r wf _ _ < <(iter_stats "$d/compare/verbose.log")
    printf "  %-20s %12s %12s %8s\n" "$s" "$wf" "$wb" "$(awk -v f="$wf" -v b="$wb" 'BEGIN{ if (b > 0) printf "%.2f", f / b; else print "nan" }')"
done
