#!/bin/bash
# List changes given to ampscope reach TensorFlow and change its real
# decisions the way the painter predicts: deny-listing MatMul, allow-listing
# an op from the infer list (AddV2), moving an op between lists (Exp from
# deny to infer). The edits are given as TensorFlow reads them
# (TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* in ampscope's environment).
set -u
. "$(dirname "$0")/tf_lib.bash"
fail=0
P=TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_
run() { # label sample env...
    local label=$1 s=$2; shift 2
    if ! env "$@" "$AMPSCOPE" run "$AMPSCOPE_ROOT/samples/$s.pb" --backend tf --batch 2 --warmup 1 --iters 2 \
        --out "$TMP/$label" --json --no-tui >"$TMP/$label.json" 2>"$TMP/$label.err"; then
        echo "FAIL $label: ampscope run failed"; tail -5 "$TMP/$label.err"; fail=1; return 1
    fi
    tf_check "$TMP/$label" || { echo "FAIL $label: report vs TF (above)"; fail=1; }
}
# expect OP DIRECTION base edited: every OP node's TF decision went fp32->bf16 (up) or bf16->fp32 (down)
expect() {
    "$PY" - "$@" <<'PYEOF'
import glob, sys
from tensorflow.core.framework import graph_pb2, types_pb2
op, direction, base, edited = sys.argv[1:5]
def bf16_of(d):
    ps = sorted(glob.glob(d + "/tf/graphdef_AutoMixedPrecision_tf_graph_*.pb"))
    if not ps:
        return {}
    g = graph_pb2.GraphDef(); g.ParseFromString(open(ps[-1], "rb").read())
    return {n.name: n.attr["T"].type == types_pb2.DT_BFLOAT16 for n in g.node if n.op == op}
b, e = bf16_of(base), bf16_of(edited)
want_b, want_e = (False, True) if direction == "up" else (True, False)
names = sorted(set(b) | set(e))
ok = bool(names) and all(b.get(n, False) == want_b and e.get(n, False) == want_e for n in names)
print(("ok  " if ok else "FAIL") + " %s %s: before %s after %s" % (op, direction, b, e))
sys.exit(0 if ok else 1)
PYEOF
}
run mnist_base mnist_convnet && run mnist_deny_matmul mnist_convnet "${P}DENYLIST_ADD=MatMul" "${P}ALLOWLIST_REMOVE=MatMul" &&
    { expect MatMul down "$TMP/mnist_base" "$TMP/mnist_deny_matmul" || fail=1; }
run deny_base deny_propagation &&
    run deny_allow_addv2 deny_propagation "${P}ALLOWLIST_ADD=AddV2" "${P}INFERLIST_REMOVE=AddV2" &&
    { expect AddV2 up "$TMP/deny_base" "$TMP/deny_allow_addv2" || fail=1; }
run deny_exp_infer deny_propagation "${P}DENYLIST_REMOVE=Exp" "${P}INFERLIST_ADD=Exp" &&
    { expect Exp up "$TMP/deny_base" "$TMP/deny_exp_infer" || fail=1; }
exit $fail
