# Shared by the tests/e2e/tf_*.sh scripts (sourced; not a test itself, which
# is why it is not named *.sh).
# Finds the TensorFlow the tf backend would use and skips (exit 77) when
# there is none or when `ampscope run --backend tf` is not in this build.

: "${AMPSCOPE:?AMPSCOPE must name the ampscope binary}"
: "${AMPSCOPE_ROOT:?AMPSCOPE_ROOT must name the checkout}"
PY=${AMPSCOPE_PYTHON:-$AMPSCOPE_ROOT/.venv/bin/python3}
if ! [ -x "$PY" ] || ! "$PY" -c 'import tensorflow' >/dev/null 2>&1; then
    echo "SKIP: no TensorFlow (run make deps-tf)"
    exit 77
fi
if ! "$AMPSCOPE" run --help 2>&1 | grep -q -- '--backend'; then
    echo "SKIP: \`ampscope run --backend\` is not in this build yet"
    exit 77
fi
export AMPSCOPE_PYTHON=$PY
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TF_CPP_MIN_LOG_LEVEL=2 # for the python checks below; the runs set their own

# tf_check RUN_DIR: compares report.json with TensorFlow's own dumps, read by
# TensorFlow's protobuf classes (independent of ampscope's C parsers).
# Prints one line per finding; exit 1 on a mismatch.
tf_check() {
    "$PY" - "$1" <<'EOF'
import glob, json, os, re, sys
from tensorflow.core.framework import graph_pb2, types_pb2
d = sys.argv[1]
rep = json.load(open(os.path.join(d, "report.json")))
bad = 0
def say(*a):
    print(*a)
def load(p):
    g = graph_pb2.GraphDef(); g.ParseFromString(open(p, "rb").read()); return g
posts = sorted(glob.glob(os.path.join(d, "tf", "graphdef_AutoMixedPrecision_tf_graph_*.pb")))
pres = sorted(glob.glob(os.path.join(d, "tf", "graphdef_preop_tf_graph_*.pb")))
tf = rep.get("tf")
if tf is None:
    say("report.json has no \"tf\" member"); sys.exit(1)
conv = None
main = False   # "Running ... graph optimizer" is printed for the session graph only
for line in open(os.path.join(d, "amp.log"), errors="replace"):
    if "Running auto_mixed_precision_onednn_bfloat16 graph optimizer" in line:
        main = True
    if "No allowlist ops found" in line:
        main = False
    m = re.search(r"Converted (\d+)/(\d+) nodes to bfloat16 precision using (\d+) cast", line)
    if m and main:
        conv = tuple(map(int, m.groups()))
        main = False
if posts and pres:
    post, pre = load(posts[-1]), load(pres[-1])
    prem = {n.name: n for n in pre.node}
    bf = []
    for n in post.node:
        if n.name not in prem:
            continue
        for k, v in n.attr.items():
            if k.startswith("_"):
                continue
            if v.type == types_pb2.DT_BFLOAT16 and prem[n.name].attr[k].type == types_pb2.DT_FLOAT:
                bf.append(n.name); break
            if v.list.type and any(t == types_pb2.DT_BFLOAT16 for t in v.list.type):
                bf.append(n.name); break
    if sorted(set(bf)) != sorted(set(tf["bf16_nodes"])):
        say("bf16 nodes differ: TF", sorted(set(bf)), "ampscope", sorted(set(tf["bf16_nodes"]))); bad = 1
    casts = [n for n in post.node if n.op == "Cast" and re.search(r"-CastTo(Bf16|Fp16|Fp32)(-\d+)?-AutoMixedPrecision$", n.name)]
    if len(casts) != tf["casts"]["inserted"]:
        say("casts inserted: TF", len(casts), "ampscope", tf["casts"]["inserted"]); bad = 1
    if conv and conv[2] != tf["casts"]["counted"]:
        say("casts counted: TF's line", conv[2], "ampscope", tf["casts"]["counted"]); bad = 1
    if conv and conv[0] != tf["bf16_attrs"]:
        say("converted attrs: TF's line", conv[0], "ampscope", tf["bf16_attrs"]); bad = 1
    # the report's own per-node view (painter on the user's model) against TF's decision
    nodes = rep.get("nodes", {})
    for name, n in nodes.items():
        if name in prem and n.get("planned") in ("bf16", "fp32"):
            want = "bf16" if name in bf else "fp32"
            if n["planned"] != want:
                say("node %s: report planned %s, TF made it %s" % (name, n["planned"], want)); bad = 1
p = rep.get("painter", {})
if p.get("agreement") is None:
    print("SKIP-NOTE: painter agreement not computed:", p.get("basis"))
elif p["agreement"] != 1.0:
    say("painter agreement %.4f:" % p["agreement"], "; ".join(p.get("disagreements", []))); bad = 1
ev = tf["events"]
if ev["total"] and ev["attributed"] != ev["total"]:
    say("verbose events attributed %d of %d" % (ev["attributed"], ev["total"])); bad = 1
# TensorFlow's step_stats timestamps drive the report's attribution: every
# event TF placed by a unique timestamp is on the same node in the report.
if ev["total"] and tf.get("traced"):
    m = rep.get("mapping", {})
    if m.get("source") != "tensorflow" or not m.get("tf_attributed"):
        say("mapping source %s (%s events by TF timestamps): TF's attribution does not drive the report"
            % (m.get("source"), m.get("tf_attributed"))); bad = 1
    import subprocess
    out = subprocess.run([os.environ["AMPSCOPE"], "open", d, "--events"], capture_output=True, text=True).stdout
    rep_node = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) >= 9 and f[0].isdigit():
            rep_node[int(f[0])] = f[6]
    names = set(rep.get("nodes", {}).keys())
    for line in open(os.path.join(d, "tf", "attribution.tsv")):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#") or len(f) < 5 or f[4] != "timestamp" or f[2] != "compute" or f[1] not in names:
            continue
        if rep_node.get(int(f[0])) != f[1]:
            say("event %s: TF's timestamp says %s, the report says %s" % (f[0], f[1], rep_node.get(int(f[0])))); bad = 1
sys.exit(bad)
EOF
}
