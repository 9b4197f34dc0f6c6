/* runner/proc: the child-process machinery every backend shares.
 *
 * A backend never runs the model in ampscope's own process: oneDNN reads
 * ONEDNN_VERBOSE once, when the library initialises, and prints to stdout, so
 * each run is a child whose environment is set before anything starts and
 * whose stdout/stderr go straight into files of the run directory.
 *
 * Two kinds of child:
 *   - exec:  spec.argv is exec'd (the TF driver, a user command after `--`);
 *   - fork:  spec.fn runs in a forked copy of ampscope (the embedded executor);
 *            the child sees everything the parent had loaded (graph, plan).
 *
 * Call order: p = proc_start(&spec, &e) -> proc_poll(p, &st) until st.state
 * is no longer PROC_RUNNING (non-blocking; call every 10-100 ms) -> proc_free().
 * proc_cancel() may be called at any time: SIGTERM to the child's process
 * group, up to `grace_s` for it to exit, then SIGKILL; it reaps the child.
 * proc_wait() blocks until the child is gone (it polls, so timeouts apply).
 *
 * The child runs in its own process group (Ctrl-C at the terminal reaches
 * ampscope only, which then cancels the child and keeps the partial run
 * directory), with stdin from /dev/null, and dies with its parent
 * (PR_SET_PDEATHSIG). A timeout (spec.timeout_s) cancels it the same way and
 * reports PROC_TIMEOUT.
 *
 * Progress: the child gets a pipe, its fd number in the environment variable
 * AMPSCOPE_PROGRESS_FD (and as an argument of fn). It writes lines:
 *     phase <name>\n            ("preparing", "warmup", "iterations", ...)
 *     iter <done> <total>\n     (warmup + measured iterations so far)
 *     note <text>\n             (free text, the last one is kept)
 * Anything else on the pipe is ignored. proc_progress() formats such a line
 * for C children; a Python child writes the same text to os.fdopen(fd).
 *
 * Ownership: proc_start copies everything in the spec it needs (paths, argv,
 * env); the spec may be freed after the call. ctx passed to fn is used only
 * in the child.
 */
#ifndef AMPSCOPE_RUNNER_PROC_H
#define AMPSCOPE_RUNNER_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/util.h"

#define PROC_PROGRESS_ENV "AMPSCOPE_PROGRESS_FD"

struct proc_spec {
    const char *const *argv;      /* exec child: program (PATH searched) + args, NULL-terminated */
    int (*fn)(void *ctx, int progress_fd); /* fork child: its return value is the exit code */
    void *ctx;                    /* passed to fn in the child */
    const char *const *env;       /* NAME=VALUE set in the child (replacing), NULL-terminated or NULL */
    const char *const *unset_env; /* names removed from the child's environment, or NULL */
    const char *stdout_path;      /* child's stdout is appended to this file (created); NULL: /dev/null */
    const char *stderr_path;      /* child's stderr goes here; NULL: same file as stdout */
    bool tee_stderr;              /* also copy the child's stderr to ampscope's stderr (via a pipe,
                                     pumped by proc_poll) */
    bool tee_stdout;              /* also copy the child's stdout lines that are not counted
                                     (see count_prefix: its own output, not oneDNN's) to
                                     ampscope's stderr, as they arrive (pumped by proc_poll) */
    const char *tee_skip;         /* tee'd lines (either stream) containing this are kept in the
                                     file but not shown; NULL = show all */
    const char *cwd;              /* working directory of the child, NULL = inherit */
    double timeout_s;             /* 0 = none */
    double grace_s;               /* SIGTERM -> SIGKILL delay on cancel/timeout; 0 = 3 s */
    const char *count_prefix;     /* count stdout lines starting with this (e.g. "onednn_verbose"); NULL =
                                     "onednn_verbose" or "dnnl_verbose" */
};

enum proc_state {
    PROC_RUNNING,
    PROC_EXITED,     /* exit_code is valid */
    PROC_SIGNALED,   /* killed by `signal` (not by us) */
    PROC_TIMEOUT,    /* spec.timeout_s passed; we killed it */
    PROC_CANCELLED,  /* proc_cancel() killed it */
};

struct proc_status {
    enum proc_state state;
    int exit_code;            /* PROC_EXITED */
    int signal;               /* PROC_SIGNALED */
    double elapsed_s;
    char phase[32];           /* last "phase" from the progress pipe, "" if none */
    int iter_done, iter_total;/* last "iter" line, 0/0 if none */
    char note[256];           /* last "note" line */
    long lines;               /* stdout lines matching count_prefix so far */
};

typedef struct proc proc;

/* Starts the child. NULL with e filled when it cannot (bad spec, fork/exec
 * failure: an exec child that cannot find its program exits 127 and the
 * reason is in its stderr file). */
proc *proc_start(const struct proc_spec *spec, struct err *e);
/* Non-blocking: reaps the child if it ended, pumps the stderr tee and the
 * progress pipe, counts new stdout lines, applies the timeout. */
void proc_poll(proc *p, struct proc_status *st);
/* Blocks until the child is gone (polling every 20 ms, timeout applies). */
void proc_wait(proc *p, struct proc_status *st);
/* SIGTERM to the child's group, SIGKILL after the grace period, reaped.
 * No-op when the child already ended. */
void proc_cancel(proc *p);
pid_t proc_pid(const proc *p);
/* Kills (if still running) and frees. */
void proc_free(proc *p);

/* For C children: writes one progress line ("iter 3 13") to fd; -1 is a no-op.
 * Async-signal-safe enough for a child (uses write(2) only). */
void proc_progress(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "signal 9 (Killed)" / "exit 3" / "timed out after 10 s" into buf. */
void proc_status_str(const struct proc_status *st, char *buf, size_t size);

#endif
