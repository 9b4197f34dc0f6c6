#!/bin/bash
# Faults of the tf backend end with a clear message, the right exit code, no
# child left behind and a valid partial run directory: no TensorFlow, oneDNN
# switched off, an input ampscope cannot make up, TensorFlow crashing,
# hanging past --timeout, and Ctrl-C.
set -u
. "$(dirname "$0")/tf_lib.bash"
fail=0
M=$AMPSCOPE_ROOT/samples/mlp.pb
bad() { echo "FAIL $*"; fail=1; }
status_of() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$1/meta.json" 2>/dev/null; }
no_child() { # the driver of run dir $1 must be gone
    sleep 0.5
    if pgrep -f "tf-dir $1/tf" >/dev/null; then bad "$2: the TensorFlow child is still running"; fi
}

# 1. no TensorFlow: says how to get it
AMPSCOPE_PYTHON=/nonexistent/python3 "$AMPSCOPE" run "$M" --backend tf --out "$TMP/nt" --no-tui >/dev/null 2>"$TMP/nt.err"
rc=$?
[ $rc -ne 0 ] || bad "no TF: exit 0"
grep -q 'make deps-tf' "$TMP/nt.err" || { bad "no TF: message lacks 'make deps-tf'"; cat "$TMP/nt.err"; }
"$AMPSCOPE" run "$M" --backend tf --python /bin/false --out "$TMP/nt2" --no-tui >/dev/null 2>"$TMP/nt2.err"
[ $? -ne 0 ] && grep -q 'make deps-tf' "$TMP/nt2.err" || { bad "--python /bin/false"; cat "$TMP/nt2.err"; }

# 2. oneDNN off in the user's environment
TF_ENABLE_ONEDNN_OPTS=0 "$AMPSCOPE" run "$M" --backend tf --out "$TMP/od" --no-tui >/dev/null 2>"$TMP/od.err"
[ $? -ne 0 ] && grep -q 'TF_ENABLE_ONEDNN_OPTS' "$TMP/od.err" || { bad "oneDNN off"; cat "$TMP/od.err"; }

# 3. an input ampscope cannot make up (a wav string): names it and how to feed a later tensor
C=${SHARED_CORPUS:-}
if [ -n "$C" ] && [ -f "$C/graphs/kws_cnn_s_frozen.pb" ]; then
    "$AMPSCOPE" run "$C/graphs/kws_cnn_s_frozen.pb" --backend tf --out "$TMP/in" --no-tui >/dev/null 2>"$TMP/in.err"
    rc=$?
    # the driver finds it after TensorFlow started: exit 2 (bad input) or 4 (the run failed)
    [ $rc -eq 2 ] || [ $rc -eq 4 ] || bad "string input: exit $rc, want 2 or 4"
    grep -q "wav_data" "$TMP/in.err" && grep -q -- "--input" "$TMP/in.err" || { bad "string input message"; cat "$TMP/in.err"; }
else
    echo "SKIP: ../shared/corpus absent: string-input case not run"
fi

# 4. TensorFlow crashes (SIGSEGV in the child): reported as a crash, exit 4
cat >"$TMP/crashpy" <<SH
#!/bin/sh
for a in "\$@"; do [ "\$a" = "--probe" ] && exec "$PY" "\$@"; done
exec "$PY" -c 'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'
SH
chmod +x "$TMP/crashpy"
"$AMPSCOPE" run "$M" --backend tf --python "$TMP/crashpy" --out "$TMP/cr" --no-tui >/dev/null 2>"$TMP/cr.err"
rc=$?
[ $rc -eq 4 ] || bad "crash: exit $rc, want 4"
grep -qi 'crash\|signal 11' "$TMP/cr.err" || { bad "crash message"; cat "$TMP/cr.err"; }
[ "$(status_of "$TMP/cr")" = "failed" ] || bad "crash: meta status $(status_of "$TMP/cr")"

# 5. hanging past --timeout: stopped, exit 4, partial run dir kept
"$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/transformer_block.pb" --backend tf --iters 1000000 --timeout 45 \
    --out "$TMP/to" --no-tui >/dev/null 2>"$TMP/to.err"
rc=$?
[ $rc -eq 4 ] || bad "timeout: exit $rc, want 4"
grep -qi 'timeout\|timed out' "$TMP/to.err" || { bad "timeout message"; cat "$TMP/to.err"; }
no_child "$TMP/to" timeout
[ "$(status_of "$TMP/to")" = "failed" ] || bad "timeout: meta status $(status_of "$TMP/to")"
# what was collected is kept (iterations only if TensorFlow started within the timeout on this machine)
[ -s "$TMP/to/amp.log" ] || bad "timeout: amp.log not kept"
grep -q '^ampscope_marker,iter' "$TMP/to/verbose.log" ||
    echo "note: TensorFlow had not reached the iterations within 45 s (loaded machine); partial logs kept"

# 6. Ctrl-C: exit 130, status interrupted, child gone, the partial run opens
"$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/transformer_block.pb" --backend tf --iters 1000000 \
    --out "$TMP/cc" --no-tui >/dev/null 2>"$TMP/cc.err" &
pid=$!
for _ in $(seq 1 120); do grep -q '^ampscope_marker,iter' "$TMP/cc/verbose.log" 2>/dev/null && break; sleep 0.5; done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || bad "Ctrl-C: exit $rc, want 130"
no_child "$TMP/cc" Ctrl-C
[ "$(status_of "$TMP/cc")" = "interrupted" ] || bad "Ctrl-C: meta status $(status_of "$TMP/cc")"
"$AMPSCOPE" open "$TMP/cc" --no-tui >/dev/null 2>"$TMP/cco.err" || { bad "open of the interrupted run"; cat "$TMP/cco.err"; }
exit $fail
