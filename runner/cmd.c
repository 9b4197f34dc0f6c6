/* cmd.c: the "any command" backend of `ampscope run [options] -- COMMAND ARGS...`.
 * It runs the user's command under the same environment a run always sets
 * (ONEDNN_VERBOSE=1 with timestamps, TensorFlow's AMP logging, the list edits)
 * and keeps its output: stdout (where oneDNN prints) in verbose.log, stderr
 * (where TensorFlow logs AMP) in amp.log. Nothing is fabricated: iterations
 * are found later from the repeating sequence of exec lines.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rundir.h"
#include "runner/backend.h"
#include "runner/proc.h"
#include "runner/tf.h"

struct backend *bk_cmd_new(struct err *e);
const char *const *bk_cmd_env(const struct backend *b);

struct cmdb {
    struct bk_opts o;
    char dir[PATH_MAX];
    char **env;
    proc *p;
    struct proc_status st;
};

static enum status cmd_prepare(struct backend *b, const graph *g, const amp_plan *plan,
                               const struct bk_opts *o, struct err *e)
{
    (void)g;
    (void)plan;
    struct cmdb *c = b->priv;
    if (!o->argv || !o->argv[0] || !o->argv[0][0])
        return err_set(e, ST_EINVAL,
                       "no command given after `--` (e.g. `ampscope run model.pb -- python infer.py`)");
    c->o = *o;
    return ST_OK;
}

/* The fixed run environment (shared with the tf backend) + the list edits. */
static char **cmd_env(const struct cmdb *c)
{
    size_t n = 0, k = 0;
    while (bk_tf_env_fixed[n][0])
        n++;
    size_t ne = 0;
    if (c->o.env)
        while (c->o.env[ne])
            ne++;
    char **env = xcalloc(n + ne + 1, sizeof *env);
    char tfdir[PATH_MAX];
    rundir_path(c->dir, RUNDIR_TFDIR, tfdir, sizeof tfdir);
    for (size_t i = 0; i < n; i++) {
        const char *v = bk_tf_env_fixed[i][1] ? bk_tf_env_fixed[i][1] : tfdir;
        env[k++] = xasprintf("%s=%s", bk_tf_env_fixed[i][0], v);
    }
    for (size_t i = 0; i < ne; i++)
        env[k++] = xstrdup(c->o.env[i]);
    env[k] = NULL;
    return env;
}

static enum status cmd_start(struct backend *b, const char *run_dir, struct err *e)
{
    struct cmdb *c = b->priv;
    string_copy(c->dir, run_dir);
    char out[PATH_MAX], errp[PATH_MAX], tfdir[PATH_MAX];
    rundir_path(run_dir, RUNDIR_TFDIR, tfdir, sizeof tfdir);
    enum status st = util_mkdirs(tfdir, e);
    if (st != ST_OK)
        return st;
    bk_env_free(c->env);
    c->env = cmd_env(c);
    rundir_path(run_dir, RUNDIR_VERBOSE, out, sizeof out);
    rundir_path(run_dir, RUNDIR_AMPLOG, errp, sizeof errp);
    struct proc_spec spec = {
        .argv = c->o.argv,
        .env = (const char *const *)c->env,
        .stdout_path = out,
        .stderr_path = errp,
        .tee_stdout = c->o.tee_output,
        .tee_stderr = c->o.tee_output,
        .tee_skip = "auto_mixed_precision", /* TF's AMP log lines (VMODULE): amp.log has them */
        .timeout_s = c->o.timeout_s,
    };
    c->p = proc_start(&spec, e);
    return c->p ? ST_OK : ST_ERUNTIME;
}

static void cmd_poll(struct backend *b, struct bk_progress *pg)
{
    struct cmdb *c = b->priv;
    memset(pg, 0, sizeof *pg);
    if (!c->p) {
        pg->state = BK_IDLE;
        pg->phase = "preparing";
        return;
    }
    proc_poll(c->p, &c->st);
    pg->elapsed_s = c->st.elapsed_s;
    pg->events = c->st.lines;
    pg->phase = "running";
    pg->iter_done = c->st.iter_done;
    pg->iter_total = c->st.iter_total;
    switch (c->st.state) {
    case PROC_RUNNING:
        pg->state = BK_RUNNING;
        break;
    case PROC_EXITED:
        if (c->st.exit_code == 0) {
            pg->state = BK_DONE;
            pg->phase = "done";
        } else {
            pg->state = BK_FAILED;
            snprintf(pg->message, sizeof pg->message,
                     "%s exited with code %d%s (its stderr is in amp.log in the run directory)",
                     c->o.argv[0], c->st.exit_code,
                     c->st.exit_code == 127 ? ": the command was not found" : "");
        }
        break;
    case PROC_SIGNALED:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message, "%s was killed by signal %d (%s)", c->o.argv[0],
                 c->st.signal, strsignal(c->st.signal));
        break;
    case PROC_TIMEOUT:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "%s timed out after %.0f s (--timeout); the partial run directory is kept",
                 c->o.argv[0], c->st.elapsed_s);
        break;
    case PROC_CANCELLED:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "interrupted after %.1f s; the partial run directory is kept", c->st.elapsed_s);
        break;
    }
}

static void cmd_cancel(struct backend *b)
{
    struct cmdb *c = b->priv;
    if (c->p)
        proc_cancel(c->p);
}

static enum status cmd_finish(struct backend *b, struct err *e)
{
    struct cmdb *c = b->priv;
    if (!c->p)
        return err_set(e, ST_EINVAL, "internal: finish() before start()");
    proc_wait(c->p, &c->st);
    struct bk_progress pg;
    cmd_poll(b, &pg);
    if (pg.state == BK_DONE)
        return ST_OK;
    return err_set(e, c->st.state == PROC_CANCELLED ? ST_ECANCEL : ST_ERUNTIME, "%s", pg.message);
}

static void cmd_done(struct backend *b)
{
    struct cmdb *c = b->priv;
    if (!c)
        return;
    proc_free(c->p);
    bk_env_free(c->env);
    free(c);
    b->priv = NULL;
}

static const struct bk_ops cmd_ops = {
    .name = "cmd",
    .prepare = cmd_prepare,
    .start = cmd_start,
    .poll = cmd_poll,
    .cancel = cmd_cancel,
    .finish = cmd_finish,
    .done = cmd_done,
};

struct backend *bk_cmd_new(struct err *e)
{
    (void)e;
    struct backend *b = xcalloc(1, sizeof *b);
    b->ops = &cmd_ops;
    b->priv = xcalloc(1, sizeof(struct cmdb));
    return b;
}

const char *const *bk_cmd_env(const struct backend *b)
{
    const struct cmdb *c = b && b->ops == &cmd_ops ? b->priv : NULL;
    return c ? (const char *const *)c->env : NULL;
}
