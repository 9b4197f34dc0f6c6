/* runner/tf: the TensorFlow backend. Runs the user's model in a real
 * TensorFlow process (runner/tf_driver.py, started as a child through
 * runner/proc.h) with auto_mixed_precision_onednn_bfloat16 on (or off), oneDNN
 * verbose and TF's AMP logging switched on, and collects everything into the
 * run directory: verbose.log (oneDNN lines + iteration markers, the child's
 * stdout), amp.log (TF's stderr), tf/ (TF's LOG_PATH dumps, run_metadata.pb
 * with step_stats and partition graphs, driver.json).
 *
 * Finding TensorFlow (bk_tf_probe), first match wins:
 *   1. --python PATH (python_override)
 *   2. $AMPSCOPE_PYTHON
 *   3. .venv/bin/python3 beside the ampscope binary or in the checkout it was
 *      built in (up to three directories above the binary)
 *   4. python3 on PATH
 * A candidate counts only if `import tensorflow` works there.
 */
#ifndef AMPSCOPE_RUNNER_TF_H
#define AMPSCOPE_RUNNER_TF_H

#include <stdbool.h>

#include "runner/backend.h"
#include "util/util.h"

/* What the probe found. */
struct bk_tf_info {
    char python[1024];        /* interpreter path used */
    char source[64];          /* "--python", "AMPSCOPE_PYTHON", ".venv", "PATH" */
    char tf_version[32];      /* "2.19.1" */
    char python_version[32];
    bool onednn;              /* TensorFlow's oneDNN optimisations on (IsMklEnabled) */
    char driver[1024];        /* path of tf_driver.py */
};

/* The hint printed when no TensorFlow is found. */
#define BK_TF_HOWTO \
    "install the pinned TensorFlow with `make deps-tf` (creates .venv/ in the checkout), " \
    "or point ampscope at a Python that has it: --python PATH or AMPSCOPE_PYTHON=PATH"

/* Finds a Python with TensorFlow (order above) and the driver. ST_ENOENT with
 * a message naming what was tried and BK_TF_HOWTO when there is none. Takes a
 * few seconds (it imports TensorFlow in a child). */
enum status bk_tf_probe(const char *python_override, struct bk_tf_info *out, struct err *e);

/* Where runner/tf_driver.py is (beside the binary's checkout, or
 * $AMPSCOPE_ROOT/runner). ST_ENOENT when it cannot be found. */
enum status bk_tf_driver_path(char *buf, size_t size, struct err *e);

/* The tf backend (vtable of runner/backend.h). prepare() probes TensorFlow
 * (using bk_opts.python) and fails with BK_TF_HOWTO when there is none; the
 * graph and plan may be NULL (only bk_opts.model_path is needed). */
struct backend *bk_tf_new(struct err *e);

/* After prepare(): what the backend found (NULL before). */
const struct bk_tf_info *bk_tf_info(const struct backend *b);

/* After start(): the NAME=VALUE lines set in the child, NULL-terminated (for
 * meta.json); owned by the backend. */
const char *const *bk_tf_env(const struct backend *b);

/* The environment every run sets (names, values; value NULL = run dir/tf),
 * for `ampscope run -- COMMAND` too. NULL-terminated pairs. */
extern const char *const bk_tf_env_fixed[][2];

#endif
