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
    const char *tag, *signature;/* SavedModel meta graph tag and signature, NULL = defaults */
    const char *tf_version;     /* painter list version */
    bool tee_output;            /* cmd: show the command's own output on ampscope's stderr as it
                                   runs (never while a UI owns the terminal); oneDNN's lines
                                   and TF's AMP log lines stay in the run directory only */
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

/* ---- added by the runner owner (backward-compatible) ---------------------- */

/* "embedded" | "tf" | "cmd" | "auto" -> kind; -1 when unknown ("auto" gives -2). */
int bk_kind_parse(const char *s);
const char *bk_kind_name(enum bk_kind k);

/* --backend auto: tf when a Python with TensorFlow is found (runner/tf.h
 * bk_tf_probe), else embedded; `why` says which and why in one sentence. */
enum bk_kind bk_auto_pick(const char *python, char *why, size_t size);

/* The embedded backend after prepare(): how many nodes will run as oneDNN
 * primitives, how many were fused into another node's primitive. */
void bk_embedded_counts(const struct backend *b, int *compute, int *fused);
/* The embedded backend after prepare(): variables (VarHandleOp, VariableV2)
 * the outputs depend on. Their values are in a checkpoint ampscope does not
 * read, so the executor uses seeded values of their shapes (say so). */
int bk_embedded_variables(const struct backend *b);

/* ---- the run directory around a backend (runner/rundir_write.c) ----------
 * The caller (CLI, TUI) brackets a run:
 *   bk_rundir_begin(dir, ...)   meta.json (status "running"), plan.json, model copy
 *   backend start/poll/finish   the backend writes verbose.log, truth.tsv, ...
 *   bk_rundir_end(dir, ...)     meta.json rewritten with the final status
 * so a run that dies in between leaves status "running" (a crash) and one that
 * is interrupted "interrupted"; both stay readable. */
struct rundir_meta;
enum status bk_rundir_begin(const char *dir, struct rundir_meta *m, const amp_plan *plan,
                            const struct bk_opts *o, const char *backend_name,
                            const char *command, struct err *e);
/* status: "ok" | "failed" | "interrupted"; failure may be NULL. */
enum status bk_rundir_end(const char *dir, struct rundir_meta *m, const char *status,
                          const char *failure, struct err *e);
/* CPU model name and the flags that matter for bf16/AMX, from /proc/cpuinfo. */
void bk_cpu_info(char *model, size_t msize, char *flags, size_t fsize);
/* The environment a run sets in the child (NAME=VALUE), for meta.json: the
 * verbose switches and bk_opts.env. NULL-terminated; free with bk_env_free. */
char **bk_run_env(const struct bk_opts *o);
void bk_env_free(char **env);
/* After start(): the NAME=VALUE lines actually set in the child (any
 * backend), NULL-terminated, owned by the backend; NULL before start(). */
const char *const *bk_child_env(const struct backend *b);

#endif
