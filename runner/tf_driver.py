#!/usr/bin/env python3
"""ampscope's TensorFlow driver: started by `ampscope run --backend tf` as a child.

It loads a model (frozen/binary GraphDef, text GraphDef, SavedModel), turns
TensorFlow's auto_mixed_precision_onednn_bfloat16 grappler pass on (or off),
feeds seeded random inputs, runs warmup + measured iterations with one
inter-op thread, and then one traced iteration whose RunMetadata (step_stats
and partition graphs) is written into <run-dir>/tf/run_metadata.pb.

Streams (the contract with runner/tf.c):
  stdout  oneDNN's verbose lines (written by oneDNN itself) interleaved with the
          iteration markers below, written to the same file descriptor 1 so the
          order is preserved:  ampscope_marker,<phase>,<i>,<begin|end>,<wall_ms>
          phase: warmup | iter | trace
  stderr  TensorFlow's own log (AMP lines), plus this driver's messages, each
          starting with "ampscope-driver: ".
  files   <tf-dir>/driver.json (what was run: inputs, fetches, versions,
          timings) written at the end, <tf-dir>/run_metadata.pb after the
          traced iteration.

List edits, logging and oneDNN switches come from the environment ampscope
sets (TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_*, ONEDNN_VERBOSE, ...); the
driver never changes them.

Exit codes: 0 ok; 2 bad model or inputs it cannot guess (message says how to
give them); 3 TensorFlow missing or unusable; 4 TensorFlow failed while running.
"""
import argparse
import json
import os
import sys
import time

EXIT_OK, EXIT_INPUT, EXIT_NOTF, EXIT_RUN = 0, 2, 3, 4


def say(msg):
    sys.stderr.write("ampscope-driver: %s\n" % msg)
    sys.stderr.flush()


def fail(code, msg):
    say("error: " + msg)
    sys.exit(code)


def marker(phase, i, what):
    # One os.write on fd 1: oneDNN writes there too (and flushes per line), so
    # markers and verbose lines keep their real order.
    line = "ampscope_marker,%s,%d,%s,%.3f\n" % (phase, i, what, time.time() * 1000.0)
    os.write(1, line.encode())


def parse_shape(text):
    """'1x28x28x1' / '1,28,28,1' / '?x784' -> list of ints (-1 unknown)."""
    text = text.strip()
    if text in ("", "scalar"):
        return []
    sep = "x" if "x" in text else ","
    dims = []
    for p in text.split(sep):
        p = p.strip()
        if p in ("?", "-1"):
            dims.append(-1)
        else:
            v = int(p)
            if v < 0:
                raise ValueError("negative dimension %d" % v)
            dims.append(v)
    return dims


def load_args():
    ap = argparse.ArgumentParser(prog="tf_driver.py", description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--tf-dir", required=True, help="where run_metadata.pb/driver.json go")
    ap.add_argument("--amp", choices=["on", "off"], default="on")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--input", action="append", default=[], metavar="NAME:SHAPE")
    ap.add_argument("--output", action="append", default=[], metavar="NODE[:PORT]")
    ap.add_argument("--tag", default="serve")
    ap.add_argument("--signature", default="serving_default")
    ap.add_argument("--no-trace", action="store_true", help="skip the traced iteration")
    ap.add_argument("--no-markers", action="store_true", help="do not print iteration markers")
    ap.add_argument("--probe", action="store_true", help="print TF facts as JSON and exit")
    return ap.parse_args()


def import_tf():
    try:
        import tensorflow as tf  # noqa: F401
    except Exception as ex:  # ImportError, or a broken install
        fail(EXIT_NOTF, "cannot import tensorflow with %s: %s (run `make deps-tf`)"
             % (sys.executable, ex))
    return tf


def onednn_enabled(tf):
    try:
        from tensorflow.python.util import _pywrap_util_port as port
        return bool(port.IsMklEnabled())
    except Exception:
        v = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "")
        return v.lower() not in ("0", "false")


def probe(tf):
    info = {"tf_version": tf.__version__, "onednn": onednn_enabled(tf),
            "python": sys.executable,
            "python_version": "%d.%d.%d" % sys.version_info[:3]}
    print(json.dumps(info))
    return 0


# ---- model loading ---------------------------------------------------------

def short(ex, limit=300):
    """The telling line of an exception message, cut to `limit` characters.
    TF's OpErrors start with "Graph execution error:" and put the cause later."""
    lines = [x.strip() for x in str(ex).split("\n") if x.strip()]
    t = lines[0] if lines else type(ex).__name__
    if t.startswith("Graph execution error") or t.startswith("Detected at node"):
        for x in lines[1:]:
            if x.startswith("Detected at node") or x.startswith("File ") or x.startswith("[["):
                continue
            if ":" in x and not x.endswith(":"):
                t = x
                break
    return t if len(t) <= limit else t[:limit] + "..."


def read_graphdef(tf, path):
    """Binary GraphDef first, then text. Returns (graph_def, format)."""
    from google.protobuf import text_format
    with open(path, "rb") as f:
        data = f.read()
    gd = tf.compat.v1.GraphDef()
    try:
        gd.ParseFromString(data)
        if len(gd.node) > 0 and all(n.name and n.op for n in gd.node[:16]):
            return gd, "graphdef"
    except Exception:
        pass
    gd = tf.compat.v1.GraphDef()
    try:
        text_format.Parse(data.decode("utf-8"), gd)
        return gd, "graphdef_text"
    except Exception as ex:
        raise ValueError("%s is neither a binary nor a text GraphDef that TensorFlow's parser accepts (%s)"
                         % (path, short(ex)))


def saved_model_proto(tf, path):
    """The SavedModel message when path's content is one (any file name), else None."""
    from tensorflow.core.protobuf import saved_model_pb2
    from google.protobuf import text_format
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    sm = saved_model_pb2.SavedModel()
    try:
        sm.ParseFromString(data)
        if len(sm.meta_graphs) > 0 and (len(sm.meta_graphs[0].graph_def.node) > 0
                                         or sm.meta_graphs[0].meta_info_def.tags):
            return sm
    except Exception:
        pass
    sm = saved_model_pb2.SavedModel()
    try:
        text_format.Parse(data.decode("utf-8"), sm)
        if len(sm.meta_graphs) > 0:
            return sm
    except Exception:
        pass
    return None


def sinks(gd):
    """Nodes whose outputs nobody consumes (data), excluding NoOp/Assert etc."""
    used = set()
    for n in gd.node:
        for i in n.input:
            if i.startswith("^"):
                continue
            used.add(i.split(":")[0])
    skip = {"NoOp", "Assert", "SaveV2", "RestoreV2", "Save", "Restore", "Print",
            "PrintV2", "Placeholder", "Const", "VarHandleOp", "VariableV2",
            "AssignVariableOp", "Assign"}
    return [n.name for n in gd.node if n.name not in used and n.op not in skip]


class Model:
    def __init__(self):
        self.graph = None
        self.feeds = []                 # list of (name, tensor)
        self.fetches = []               # tensor names
        self.format = ""
        self.signature = None
        self.notes = []


def bind_names(args):
    return {b.rsplit(":", 1)[0] for b in args.input if ":" in b}


def tensor_of(graph, name):
    """'x' -> x:0, 'x:1' -> x:1; None when absent."""
    t = name if ":" in name else name + ":0"
    try:
        return graph.get_tensor_by_name(t)
    except (KeyError, ValueError):
        return None


def needed_placeholders(graph, fetches, cut):
    """Placeholders the fetches depend on when the tensors in `cut` are fed."""
    seen, out = set(), []
    stack = [graph.get_tensor_by_name(f).op for f in fetches]
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type in ("Placeholder", "PlaceholderWithDefault"):
            out.append(op)
        for t in op.inputs:
            if t.name not in cut:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    return out


def load_model(tf, args, config):
    """Returns (Model, session or None)."""
    m = Model()
    path = args.model
    sess = None
    sm = None
    if os.path.isdir(path):
        m.format = "saved_model"
        sess = load_saved_model_dir(tf, args, config, m, path)
    else:
        sm = saved_model_proto(tf, path)
    if sm is not None:
        m.format = "saved_model"
        d = os.path.dirname(path) or "."
        if os.path.basename(path) in ("saved_model.pb", "saved_model.pbtxt") and \
                os.path.isdir(os.path.join(d, "variables")):
            sess = load_saved_model_dir(tf, args, config, m, d)
        else:
            sess = load_saved_model_graph(tf, args, config, m, sm)
    elif m.format != "saved_model":
        gd, m.format = read_graphdef(tf, path)
        m.graph = tf.Graph()
        with m.graph.as_default():
            tf.compat.v1.import_graph_def(gd, name="")
        outs = args.output or sinks(gd)
        m.fetches = []
        for o in outs:
            t = tensor_of(m.graph, o)
            if t is None:
                raise ValueError("--output %s: no such tensor in %s" % (o, path))
            if ":" in o:
                m.fetches.append(t.name)
            else:
                m.fetches.extend(x.name for x in t.op.outputs)
        if not m.fetches:
            raise ValueError("%s has no output to fetch; name one with --output NODE" % path)
    elif args.output:
        m.fetches = []
        for o in args.output:
            t = tensor_of(m.graph, o)
            if t is None:
                raise ValueError("--output %s: no such tensor in %s" % (o, path))
            m.fetches.append(t.name)
    # Feeds: user binds that name an inner tensor cut the graph there (feed a
    # decoded feature map instead of a wav string); the placeholders still
    # needed by the fetches are fed too.
    cut = {}
    sig_names = {n for n, _ in m.feeds}
    for b in bind_names(args):
        if b in sig_names:
            continue
        t = tensor_of(m.graph, b)
        if t is None:
            continue  # reported by make_inputs
        cut[t.name] = (b, t)
    if m.format != "saved_model" or not m.feeds:
        m.feeds = [(b, t) for b, t in cut.values()]
        for op in needed_placeholders(m.graph, m.fetches, set(cut)):
            if op.type == "PlaceholderWithDefault":
                continue
            m.feeds.append((op.name, op.outputs[0]))
    else:
        m.feeds = [(n, t) for n, t in m.feeds if t.name not in cut] + list(cut.values())
    return m, sess


def pick_signature(args, sigs, where):
    key = args.signature if args.signature in sigs else None
    if key is None:
        cands = [k for k in sigs if not k.startswith("__")]
        if not cands:
            raise ValueError("SavedModel %s has no signature to run" % where)
        key = sorted(cands)[0]
        say("signature '%s' not found, using '%s'" % (args.signature, key))
    return key


def apply_signature(m, sig, key):
    m.signature = key
    m.feeds = [(k, m.graph.get_tensor_by_name(sig.inputs[k].name)) for k in sorted(sig.inputs)]
    m.fetches = [sig.outputs[k].name for k in sorted(sig.outputs)]


def load_saved_model_dir(tf, args, config, m, d):
    m.graph = tf.Graph()
    sess = tf.compat.v1.Session(graph=m.graph, config=config)
    try:
        mg = tf.compat.v1.saved_model.loader.load(sess, [args.tag], d)
        key = pick_signature(args, mg.signature_def, d)
    except ValueError:
        sess.close()
        raise
    except Exception as ex:
        sess.close()
        raise ValueError("cannot load SavedModel %s with tag '%s': %s" % (d, args.tag, short(ex)))
    apply_signature(m, mg.signature_def[key], key)
    return sess


def load_saved_model_graph(tf, args, config, m, sm):
    """A saved_model.pb without its variables/ directory: the graph is imported
    and variables get their initializers (values are not the trained ones)."""
    mgs = [g for g in sm.meta_graphs if args.tag in g.meta_info_def.tags] or list(sm.meta_graphs)
    mg = mgs[0]
    m.graph = tf.Graph()
    with m.graph.as_default():
        try:
            tf.compat.v1.train.import_meta_graph(mg, clear_devices=True)
        except Exception as ex:
            raise ValueError("cannot import the SavedModel graph of %s: %s" % (args.model, short(ex)))
        init = tf.compat.v1.global_variables_initializer()
    key = pick_signature(args, mg.signature_def, args.model)
    apply_signature(m, mg.signature_def[key], key)
    sess = tf.compat.v1.Session(graph=m.graph, config=config)
    try:
        sess.run(init)
    except Exception as ex:
        sess.close()
        raise ValueError("%s has no variables/ directory beside it and its variables cannot be "
                         "initialised (%s); give the SavedModel directory" % (args.model, short(ex)))
    m.notes.append("variables/ not found: variables initialised from their initializers")
    say("note: no variables/ beside %s: variables use their initializers, not trained values" % args.model)
    return sess


# ---- inputs -----------------------------------------------------------------

def make_inputs(tf, np, m, args):
    binds = {}
    for b in args.input:
        if ":" not in b:
            raise ValueError("--input %s: expected NAME:SHAPE, e.g. x:1x28x28x1" % b)
        name, shape = b.rsplit(":", 1)
        try:
            binds[name] = parse_shape(shape)
        except ValueError as ex:
            raise ValueError("--input %s: bad shape '%s' (%s); write e.g. 1x28x28x1" % (b, shape, ex))
    rng = np.random.default_rng(args.seed)
    feed = {}
    used = set()
    for name, t in m.feeds:
        dt = t.dtype.base_dtype
        if not (dt.is_floating or dt.is_integer or dt == tf.bool):
            raise ValueError("input '%s' is %s, which ampscope cannot make up; feed a later tensor "
                             "instead (e.g. --input <node>:<shape> for the first numeric tensor after it) "
                             "or run your own script: ampscope run -- python3 script.py"
                             % (name, dt.name))
        shape = None
        for key in (name, t.op.name, t.name):
            if key in binds:
                shape = list(binds[key])
                used.add(key)
                break
        if shape is None:
            if t.shape.rank is None:
                raise ValueError("input '%s' (%s) has unknown rank; give its shape with --input %s:SHAPE "
                                 "(e.g. %s:1x224x224x3)" % (name, dt.name, name, name))
            shape = [d if d is not None else -1 for d in t.shape.as_list()]
            if shape and shape[0] == -1:
                shape[0] = args.batch if args.batch > 0 else 1
            if -1 in shape:
                s = "x".join("?" if d == -1 else str(d) for d in shape)
                raise ValueError("input '%s' has unknown dimensions (%s); give them with --input %s:%s"
                                 % (name, s, name, s.replace("?", "N")))
        elif -1 in shape:
            shape = [args.batch if (d == -1 and i == 0 and args.batch > 0) else (1 if d == -1 and i == 0 else d)
                     for i, d in enumerate(shape)]
            if -1 in shape:
                raise ValueError("--input %s still has unknown dimensions" % name)
        if dt.is_floating:
            v = rng.standard_normal(shape).astype(dt.as_numpy_dtype)
        elif dt == tf.bool:
            v = rng.integers(0, 2, size=shape).astype(bool)
        else:
            v = rng.integers(0, 4, size=shape).astype(dt.as_numpy_dtype)
        feed[t] = v
    for key in binds:
        if key not in used:
            names = ", ".join(n for n, _ in m.feeds) or "(none)"
            raise ValueError("--input %s: the model has no such input or tensor (inputs: %s)" % (key, names))
    return feed


class Progress:
    """Lines on the AMPSCOPE_PROGRESS_FD pipe (runner/proc.h); silent without it."""

    def __init__(self):
        fd = os.environ.get("AMPSCOPE_PROGRESS_FD", "")
        self.fd = int(fd) if fd.isdigit() else -1

    def send(self, text):
        if self.fd < 0:
            return
        try:
            os.write(self.fd, (text + "\n").encode())
        except OSError:
            self.fd = -1


# ---- main -------------------------------------------------------------------

def quick_probe():
    """TF's version and location without importing it (importing takes seconds):
    from the installed distribution's metadata. oneDNN: TF's default on Linux
    x86 (on) unless TF_ENABLE_ONEDNN_OPTS turns it off; the run confirms it."""
    import importlib.util
    spec = importlib.util.find_spec("tensorflow")
    if spec is None:
        fail(EXIT_NOTF, "no tensorflow module for %s (run `make deps-tf`)" % sys.executable)
    version = None
    try:
        from importlib import metadata
        for dist in ("tensorflow-cpu", "tensorflow", "tensorflow-intel", "intel-tensorflow", "tf-nightly"):
            try:
                version = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
    except ImportError:
        pass
    if version is None:
        return probe(import_tf())
    v = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "")
    info = {"tf_version": version, "onednn": v.lower() not in ("0", "false"),
            "python": sys.executable, "python_version": "%d.%d.%d" % sys.version_info[:3],
            "quick": True}
    print(json.dumps(info))
    return 0


def main():
    args = load_args()
    if args.probe:
        return quick_probe()
    tf = import_tf()
    import numpy as np
    from tensorflow.core.protobuf import rewriter_config_pb2

    os.makedirs(args.tf_dir, exist_ok=True)
    tf.compat.v1.disable_eager_execution()
    tf.random.set_seed(args.seed)

    config = tf.compat.v1.ConfigProto(inter_op_parallelism_threads=1)
    ro = config.graph_options.rewrite_options
    ro.auto_mixed_precision_onednn_bfloat16 = (
        rewriter_config_pb2.RewriterConfig.ON if args.amp == "on"
        else rewriter_config_pb2.RewriterConfig.OFF)

    info = {"tf_version": tf.__version__, "onednn": onednn_enabled(tf), "amp": args.amp,
            "python": sys.executable, "model": args.model, "seed": args.seed,
            "warmup": args.warmup, "iters": args.iters}
    if args.amp == "on" and not info["onednn"]:
        say("warning: oneDNN is off in this TensorFlow (TF_ENABLE_ONEDNN_OPTS=0 or a build "
            "without it): auto_mixed_precision_onednn_bfloat16 does not run")
    say("TensorFlow %s, oneDNN %s, AMP %s" % (tf.__version__, "on" if info["onednn"] else "off", args.amp))

    try:
        m, sess = load_model(tf, args, config)
        feed = make_inputs(tf, np, m, args)
    except (ValueError, OSError) as ex:
        fail(EXIT_INPUT, str(ex))
    except Exception as ex:  # TF import errors of a graph (unknown op, bad attr)
        fail(EXIT_INPUT, "cannot load %s into TensorFlow: %s" % (args.model, short(ex)))
    info["format"] = m.format
    info["inputs"] = [{"name": n, "tensor": t.name, "dtype": t.dtype.base_dtype.name,
                       "shape": list(feed[t].shape)} for n, t in m.feeds]
    info["fetches"] = m.fetches
    if getattr(m, "signature", None):
        info["signature"] = m.signature
    say("inputs: %s" % (", ".join("%s %s %s" % (i["name"], i["dtype"], "x".join(map(str, i["shape"])))
                                   for i in info["inputs"]) or "(none)"))
    say("fetches: %s" % ", ".join(m.fetches))

    info["preserve"] = sorted({t.op.name for _, t in m.feeds} |
                              {f.split(":")[0] for f in m.fetches})
    if m.notes:
        info["notes"] = m.notes
    info["status"] = "running"
    write_info(args, info)

    prog = Progress()
    total = args.warmup + args.iters
    if sess is None:
        sess = tf.compat.v1.Session(graph=m.graph, config=config)
    times = []
    phase = "load"

    def one(ph, i, **kw):
        if not args.no_markers:
            marker(ph, i, "begin")
        s0 = time.time()
        sess.run(m.fetches, feed_dict=feed, **kw)
        dt = (time.time() - s0) * 1000.0
        if not args.no_markers:
            marker(ph, i, "end")
        return dt

    try:
        t0 = time.time()
        prog.send("phase warmup")
        for i in range(args.warmup):
            phase = "warmup"
            one("warmup", i)
            prog.send("iter %d %d" % (i + 1, total))
        prog.send("phase iterations")
        for i in range(args.iters):
            phase = "iterations"
            times.append(one("iter", i))
            prog.send("iter %d %d" % (args.warmup + i + 1, total))
        info["run_s"] = time.time() - t0
        if not args.no_trace:
            phase = "trace"
            prog.send("phase collecting")
            ropts = tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE,
                                            output_partition_graphs=True)
            rmd = tf.compat.v1.RunMetadata()
            info["trace_ms"] = one("trace", 0, options=ropts, run_metadata=rmd)
            p = os.path.join(args.tf_dir, "run_metadata.pb")
            with open(p + ".tmp", "wb") as f:
                f.write(rmd.SerializeToString())
            os.replace(p + ".tmp", p)
    except KeyboardInterrupt:
        info["status"] = "interrupted"
        info["iter_ms"] = times
        write_info(args, info)
        raise
    except Exception as ex:
        info["failure"] = "%s: %s" % (type(ex).__name__, short(ex, 600))
        info["status"] = "failed"
        info["iter_ms"] = times
        write_info(args, info)
        hint = ""
        if "Could not find variable" in info["failure"] or "uninitialized" in info["failure"]:
            hint = (" (the model's variables are missing: give the SavedModel directory with its "
                    "variables/, or a frozen GraphDef)")
        fail(EXIT_RUN, "TensorFlow failed during %s: %s%s" % (phase, info["failure"], hint))
    info["iter_ms"] = times
    info["status"] = "ok"
    write_info(args, info)
    if times:
        say("done: %d iterations, mean %.3f ms" % (len(times), sum(times) / len(times)))
    sess.close()
    return EXIT_OK


def write_info(args, info):
    p = os.path.join(args.tf_dir, "driver.json")
    with open(p + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.replace(p + ".tmp", p)


def on_term(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, on_term)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
