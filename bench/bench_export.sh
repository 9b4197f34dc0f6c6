#!/bin/bash
# SVG export time: every sample and a synthetic 5,000-node scoped graph with
# default collapsing (target < 5 s), against loading + painting the same
# graph in the same run; plus 1,000 nodes drawn uncollapsed for contrast.
set -eu
echo "machine: $(lscpu | grep 'Model name' | sed 's/ *Model name: *//'), $(nproc) cores"
"${BENCH_BIN:-build/rel/bench}/bench_export" --root "${AMPSCOPE_ROOT:-.}" \
    --nodes "${BENCH_EXPORT_NODES:-5000}" --reps "${BENCH_REPS:-3}"
