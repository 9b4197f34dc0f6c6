#!/bin/bash
# Graph loading: a synthetic 100,000-node GraphDef (load + shape inference) and
# a large frozen GraphDef (BENCH_WEIGHTS_MB of weights, default 256), each
# against protobuf-c's raw unpack of the same file in the same run.
set -eu
echo "machine: $(lscpu | grep 'Model name' | sed 's/ *Model name: *//'), $(nproc) cores"
"${BENCH_BIN:-build/rel/bench}/bench_load" --weights-mb "${BENCH_WEIGHTS_MB:-256}" --reps "${BENCH_REPS:-3}"
