#!/bin/bash
# Mapping benchmark: 1,000,000 exec events onto a 10,000-node graph (target < 1 s).
set -eu
bin=${BENCH_BIN:-build/rel/bench}/bench_map
[ -x "$bin" ] || { echo "bench_map: $bin not built (make bench builds it)"; exit 1; }
echo "machine: $(lscpu | grep 'Model name' | sed 's/Model name: *//')"
"$bin"
