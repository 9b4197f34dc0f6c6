#!/bin/bash
# bench_tui: first paint and key latency of the TUI on a 10,000-node graph
# (bench/bench_tui.c); prints the machine first.
set -u
echo "machine: $(lscpu | grep 'Model name' | sed 's/ *Model name: *//')"
"${BENCH_BIN:-build/rel/bench}/bench_tui" 10000
