/* runner/backend: the one interface every way of running a model implements:
 * the embedded oneDNN executor, the TensorFlow driver and "any command".
 *
 * Call order: b = backend_new(kind) -> prepare(graph, plan, opts) -> start(run_dir)
 * -> poll() until it returns BK_DONE/BK_FAILED (non-blocking, so the TUI stays
 * live; the CLI simply loops with a short sleep) -> finish() -> backend_free().
 * cancel() may be called at any time after start(); poll() then reports
 * BK_FAILED with status "interrupted" and the partial run directory is kept.
 *
 * A backend writes the run directory (analyze/rundir.h) as it goes. It borrows
 * the graph, the plan and the option strings until backend_free().
 */
#ifndef AMPSCOPE_RUNNER_BACKEND_H
#define AMPSCOPE_RUNNER_BACKEND_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "util/util.h"

enum bk_kind { BK_EMBEDDED, BK_TF, BK_CMD };

enum bk_state {
    BK_IDLE,
    BK_RUNNING,
    BK_DONE,    /* finished successfully */
    BK_FAILED,  /* failed or cancelled; see progress.message */
};

struct bk_opts {
    int warmup;                 /* default 3 */
    int iters;                  /* default 10 */
    int batch;                  /* 0 = keep / 1 for unknown */
    const struct g_input_bind *binds;
    int n_binds;
    unsigned seed;
    bool amp_off;               /* run everything f32 (baseline) */
    const char *const *env;     /* extra NAME=VALUE to set in the child (list edits), NULL-terminated */
    const char *python;         /* tf: interpreter to use, NULL = discover */
    const char *const *argv;    /* cmd: the command */
    double timeout_s;           /* 0 = none */
    const char *model_path;     /* the user's model file */
    const char *tf_version;     /* painter list version */
};

struct bk_progress {
    enum bk_state state;
    const char *phase;          /* "preparing", "warmup", "iterations", "collecting", "done" */
    int iter_done, iter_total;  /* warmup + iterations */
    double elapsed_s;
    long events;                /* verbose lines seen so far */
    char message[512];          /* failure or note */
};

struct backend;
struct bk_ops {
    const char *name;           /* "embedded", "tf", "cmd" */
    /* Validates the graph/plan (e.g. unsupported ops: all named in e) before anything runs. */
    enum status (*prepare)(struct backend *b, const graph *g, const amp_plan *plan,
                           const struct bk_opts *o, struct err *e);
    enum status (*start)(struct backend *b, const char *run_dir, struct err *e);
    void (*poll)(struct backend *b, struct bk_progress *p);
    void (*cancel)(struct backend *b);
    enum status (*finish)(struct backend *b, struct err *e);
    void (*done)(struct backend *b);    /* frees private state */
};

struct backend {
    const struct bk_ops *ops;
    void *priv;
};

/* NULL with e filled when the kind cannot be created (e.g. tf without TF). */
struct backend *backend_new(enum bk_kind kind, struct err *e);
void backend_free(struct backend *b);

#endif
