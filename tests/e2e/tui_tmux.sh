#!/bin/bash
# tui_tmux: the real binary in a real terminal (tmux, 80x24): what headless
# curses cannot show. Open a run, move to a node and check its details,
# close its scope with - and open it with +, put MatMul on the deny list and
# see the prediction, rerun and see the diff, resize to 200x50, quit with the
# terminal restored; a long rerun streams its events in before it ends and
# Esc cancels it; NO_COLOR really drops the colours; a crash signal still
# restores the terminal. Screens are polled
# with capture-pane until the expected text shows (no fixed sleeps).
set -u
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 77; }
tmp=$(mktemp -d)
sock="ampscope-e2e-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp" 2>/dev/null || { sleep 0.5; rm -rf "$tmp"; }' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL: $*"; echo "== screen:"; T capture-pane -p -t t 2>/dev/null; exit 1; }
# wait_for TEXT [SECONDS]: poll the screen until it shows TEXT
wait_for() {
    local n=$(( ${2:-20} * 20 ))
    for ((i = 0; i < n; i++)); do
        T capture-pane -p -t t 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.05
    done
    fail "the screen never showed '$1'"
}
keys() { T send-keys -t t "$@"; }
type_text() { T send-keys -t t -l -- "$1"; }

"$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/mlp.pb" --no-tui --out runs/mlp-first >run.log 2>&1 ||
    fail "ampscope run: $(tail -5 run.log)"

T new-session -d -s t -x 80 -y 24 "env -i PATH=$PATH HOME=$tmp HISTFILE=/dev/null TERM=tmux-256color LC_ALL=C.UTF-8 PS1='$ ' bash --norc --noprofile" ||
    fail "tmux new-session"
wait_for '$'
type_text "\"$AMPSCOPE\" open runs/mlp-first; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
wait_for "mlp-first [ok]"
wait_for "bf16 100.0%"

# a node and its details
keys :
type_text "node dense/MatMul"
keys Enter
keys Enter
wait_for "dense/MatMul  (MatMul)"
wait_for "executed  bf16"
keys q
wait_for "1 Graph"

# - closes the scope around the cursor's node into one box, + opens it again
# with the cursor on its first node
wait_for "24 nodes: 24 boxes, 0 scopes"
keys -- -
wait_for "closed dense:"
wait_for "scope 7 nodes"
wait_for "scope dense: 7 nodes"
T capture-pane -p -t t | grep -q "dense/MatMul " && fail "dense/MatMul still drawn after - closed its scope"
keys +
wait_for "opened dense: 24 boxes"
wait_for "24 nodes: 24 boxes, 0 scopes"
T capture-pane -p -t t | tail -3 | head -1 | grep -q "^dense/" || fail "the cursor is not on a node of the opened scope"

# MatMul to deny in the op types view: the prediction shows at once
keys 3
wait_for "op type"
keys /
type_text "MatMul"
keys Enter d
wait_for "deny *"
keys 1
wait_for "PREDICTED"
wait_for "f32*"

# rerun in the background; the view switches to the runs view with the diff
keys r
wait_for "rerun done" 180
wait_for "diff mlp-first -> "
T capture-pane -p -t t | grep -E "dense/MatMul +MatMul +bf16 (→|->) *f32" >/dev/null ||
    fail "no bf16 -> f32 diff row for dense/MatMul"

# resize: the screen is redrawn at 200x50
T resize-window -t t -x 200 -y 50
for ((i = 0; i < 200; i++)); do
    w=$(T capture-pane -p -t t | head -1 | wc -L)
    [ "$w" -gt 150 ] && break
    sleep 0.05
done
[ "$w" -gt 150 ] || fail "the tab bar did not widen after the resize (width $w)"
keys 2
wait_for "dense_1/MatMul"
[ "$(T capture-pane -p -t t | wc -l)" -eq 50 ] || fail "not 50 rows after the resize"

# quit: back at the shell, terminal sane
keys q
wait_for "EXIT=0"
type_text "stty -a | tr ' ' '\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo"
keys Enter
wait_for "icanon echo"

# NO_COLOR: no colour escapes in the painted screen; without it, colours
type_text "\"$AMPSCOPE\" open runs/mlp-first; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
T capture-pane -e -p -t t >color.txt
keys Q
wait_for "EXIT=0"
grep -qE $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+)m' color.txt || fail "no colours without NO_COLOR"
keys C-l
type_text "NO_COLOR=1 \"$AMPSCOPE\" open runs/mlp-first; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
T capture-pane -e -p -t t >mono.txt
keys Q
wait_for "EXIT=0"
grep -qE $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+)m' mono.txt && fail "colour escapes with NO_COLOR set"

# a long rerun streams its events in before it ends: live counts on the
# message line and the new verbose.log tailed in the log view; Esc cancels
# it and keeps the partial run
cp -r runs/mlp-first runs/mlp-long
sed -i -E 's/"iters": *[0-9]+/"iters": 200000/' runs/mlp-long/meta.json
grep -q '"iters": 200000' runs/mlp-long/meta.json || fail "could not make the long run's meta.json"
keys C-l
type_text "\"$AMPSCOPE\" open runs/mlp-long; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
keys r
wait_for "exec so far: bf16" 60
keys 4
wait_for "live: " 30
T capture-pane -p -t t | grep -q "onednn_verbose,.*,exec," || fail "the log view does not tail the rerun's verbose lines"
keys Escape
wait_for "rerun interrupted" 30
grep -l '"status": *"interrupted"' runs/*/meta.json >/dev/null || fail "no interrupted partial run kept"
keys Q
wait_for "EXIT=0"

# C-c quits like an interrupted command (exit 130) and restores the terminal
keys C-l
type_text "\"$AMPSCOPE\" open runs/mlp-first; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
keys C-c
wait_for "EXIT=130"

# a crash (SIGSEGV) while the view owns the terminal: restored, then the
# usual death
keys C-l
type_text "\"$AMPSCOPE\" open runs/mlp-first; echo EXIT=\$?"
keys Enter
wait_for "1 Graph"
shell=$(T display -p -t t '#{pane_pid}')
pid=$(pgrep -P "$shell" | head -1)
[ -n "$pid" ] || fail "cannot find the ampscope process"
kill -SEGV "$pid"
wait_for "EXIT=139"
keys C-l
type_text "stty -a | tr ' ' '\n' | grep -x -e icanon -e echo | tr '\n' ' '; echo"
keys Enter
wait_for "icanon echo"
echo "ok: tmux TUI flow, resize, NO_COLOR, crash restore"
