#!/bin/bash
# ampscope's overhead on top of TensorFlow, per sample:
#   plain   the same driver (runner/tf_driver.py) run bare: no oneDNN verbose,
#           no AMP logging/dumps, no markers, no traced iteration
#   driver  the driver with ampscope's collection switched on (the
#           environment `run --backend tf` sets, markers, traced iteration)
#   run     `ampscope run --backend tf --no-tui` end to end (child + report)
#   open    analysis of the collected evidence alone (`ampscope open --json`)
# Ratios are against `plain` in the same invocation. Wall times include
# TensorFlow's start-up (~3 s), which dominates for small models: the
# per-iteration ms (from driver.json) show the steady-state cost.
set -u
cd "$(dirname "$0")/.."
AMPSCOPE=${AMPSCOPE:-$PWD/ampscope}
PY=${AMPSCOPE_PYTHON:-$PWD/.venv/bin/python3}
if ! [ -x "$PY" ] || ! "$PY" -c 'import tensorflow' >/dev/null 2>&1; then
    echo "bench_tf: SKIP: no TensorFlow (run make deps-tf)"; exit 0
fi
HAVE_RUN=1
"$AMPSCOPE" run --help 2>&1 | grep -q -- '--backend' || HAVE_RUN=0
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
ITERS=${ITERS:-20}; BATCH=${BATCH:-16}
now() { date +%s.%N; }
iter_ms() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["iter_ms"]; t=sorted(t); print("%.3f" % t[len(t)//2])' "$1"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores shared: compare ratios, not absolute times)"
echo "machine: $(lscpu | grep 'Model name' | sed 's/.*: *//'); TF $("$PY" -c 'import tensorflow as tf; print(tf.__version__)' 2>/dev/null); batch $BATCH, $ITERS iterations"
printf '%-18s %9s %9s %7s %9s %7s %8s %9s %9s\n' sample plain_s driver_s ratio run_s ratio open_s plain_ms driver_ms
for s in mlp conv_bias_relu mnist_convnet resnet_block transformer_block deny_propagation; do
    m=samples/$s.pb
    mkdir -p "$TMP/p/tf" "$TMP/d/tf"
    t0=$(now)
    TF_CPP_MIN_LOG_LEVEL=2 "$PY" runner/tf_driver.py --model "$m" --tf-dir "$TMP/p/tf" --batch $BATCH \
        --warmup 3 --iters $ITERS --no-markers --no-trace >/dev/null 2>&1
    t1=$(now)
    env ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1 TF_CPP_MIN_LOG_LEVEL=0 TF_CPP_VMODULE=auto_mixed_precision=2 \
        TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LOG_PATH="$TMP/d/tf" TF_ENABLE_ONEDNN_OPTS=1 \
        "$PY" runner/tf_driver.py --model "$m" --tf-dir "$TMP/d/tf" --batch $BATCH --warmup 3 --iters $ITERS \
        >"$TMP/d/verbose.log" 2>"$TMP/d/amp.log"
    t2=$(now)
    run_s=-; run_r=-; open_s=-
    if [ $HAVE_RUN = 1 ]; then
        rm -rf "$TMP/r"
        "$AMPSCOPE" run "$m" --backend tf --batch $BATCH --warmup 3 --iters $ITERS --out "$TMP/r" --no-tui >/dev/null 2>&1
        t3=$(now)
        "$AMPSCOPE" open "$TMP/r" --no-tui --json >/dev/null 2>&1
        t4=$(now)
        run_s=$(echo "$t3 - $t2" | bc); run_r=$(echo "scale=2; ($t3 - $t2) / ($t1 - $t0)" | bc)
        open_s=$(echo "$t4 - $t3" | bc)
    fi
    [ "$run_s" != - ] && run_s=$(printf '%.2f' "$run_s") && run_r=$(printf '%.2f' "$run_r") &&
        open_s=$(printf '%.3f' "$open_s")
    printf '%-18s %9.2f %9.2f %7.2f %9s %7s %8s %9s %9s\n' "$s" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" \
        "$(echo "scale=2; ($t2 - $t1) / ($t1 - $t0)" | bc)" "$run_s" "$run_r" "$open_s" \
        "$(iter_ms "$TMP/p/tf/driver.json")" "$(iter_ms "$TMP/d/tf/driver.json")"
    rm -rf "$TMP/p" "$TMP/d"
done
[ $HAVE_RUN = 1 ] || echo "(run/open columns: \`ampscope run --backend tf\` not in this build yet)"
