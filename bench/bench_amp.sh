#!/bin/sh
# AMP painter on a synthetic 100,000-node graph, against graph_load in the same run.
exec "${BENCH_BIN:-build/rel/bench}/bench_amp" --nodes 100000 --reps 3
