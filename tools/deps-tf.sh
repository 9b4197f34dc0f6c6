#!/bin/sh
# Creates .venv/ with the pinned TensorFlow CPU build used by `--backend tf`
# and its tests. The version is recorded here only (TF_PIN) and printed by
# `ampscope run --backend tf`. Quick when the venv already has it.
set -e
TF_PIN="${TF_PIN:-2.19.1}"
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ -x .venv/bin/python3 ] && .venv/bin/python3 -c "import tensorflow as tf, sys; sys.exit(0 if tf.__version__ == '$TF_PIN' else 1)" 2>/dev/null; then
    exit 0
fi
echo "make deps-tf: creating .venv with tensorflow-cpu==$TF_PIN"
$PY -m venv .venv
.venv/bin/python3 -m pip install -q --disable-pip-version-check "tensorflow-cpu==$TF_PIN"
.venv/bin/python3 -c "import tensorflow as tf; print('make deps-tf: TensorFlow', tf.__version__)"
