/* embedded.c: the embedded oneDNN backend's vtable. prepare() analyses the
 * graph in ampscope's process (so unsupported ops and unknown shapes are
 * reported before anything runs); start() forks the executor child with
 * ONEDNN_VERBOSE set before oneDNN initialises, its stdout going straight to
 * verbose.log; poll() turns the child's progress into bk_progress.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/rundir.h"
#include "runner/backend.h"
#include "runner/embedded_int.h"
#include "runner/proc.h"

struct backend *bk_embedded_new(struct err *e);
const char *const *bk_embedded_env(const struct backend *b);

struct emb {
    struct ek_plan plan;
    bool planned;
    struct bk_opts o;
    struct ek_run run;
    char dir[PATH_MAX];
    char **env;
    proc *p;
    struct proc_status st;
    bool finished;
};

static enum status emb_prepare(struct backend *b, const graph *g, const amp_plan *plan,
                               const struct bk_opts *o, struct err *e)
{
    struct emb *m = b->priv;
    if (!g)
        return err_set(e, ST_EINVAL, "the embedded backend needs a loaded graph");
    if (m->planned)
        ek_plan_done(&m->plan);
    m->o = *o;
    if (m->o.warmup < 0)
        m->o.warmup = 0;
    if (m->o.iters < 1)
        m->o.iters = 1;
    enum status st = ek_plan_build(&m->plan, g, plan, o->amp_off, e);
    m->planned = st == ST_OK;
    if (!m->planned)
        ek_plan_done(&m->plan);
    return st;
}

static enum status emb_start(struct backend *b, const char *run_dir, struct err *e)
{
    struct emb *m = b->priv;
    if (!m->planned)
        return err_set(e, ST_EINVAL, "internal: start() before a successful prepare()");
    string_copy(m->dir, run_dir);
    char path[PATH_MAX], errp[PATH_MAX];
    struct abuf fb;
    abuf_init(&fb);
    ek_plan_fused_tsv(&m->plan, &fb);
    rundir_path(run_dir, RUNDIR_FUSED, path, sizeof path);
    enum status st = util_write_file_atomic(path, fb.data, fb.len, e);
    abuf_done(&fb);
    if (st != ST_OK)
        return st;
    m->run.p = &m->plan;
    m->run.o = &m->o;
    m->run.run_dir = m->dir;
    bk_env_free(m->env);
    m->env = bk_run_env(&m->o);
    rundir_path(run_dir, RUNDIR_VERBOSE, path, sizeof path);
    rundir_path(run_dir, RUNDIR_STDOUT, errp, sizeof errp);
    struct proc_spec spec = {
        .fn = ek_child_main,
        .ctx = &m->run,
        .env = (const char *const *)m->env,
        .stdout_path = path,
        .stderr_path = errp,
        .timeout_s = m->o.timeout_s,
    };
    m->p = proc_start(&spec, e);
    return m->p ? ST_OK : ST_ERUNTIME;
}

static void read_failure(const struct emb *m, char *buf, size_t size)
{
    char path[PATH_MAX];
    rundir_path(m->dir, EK_FAILURE_FILE, path, sizeof path);
    char *data = NULL;
    size_t len = 0;
    struct err e2;
    buf[0] = 0;
    if (util_read_file(path, 4096, &data, &len, &e2) == ST_OK) {
        while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == ' '))
            data[--len] = 0;
        snprintf(buf, size, "%s", data);
        free(data);
    }
}

static void emb_poll(struct backend *b, struct bk_progress *pg)
{
    struct emb *m = b->priv;
    memset(pg, 0, sizeof *pg);
    if (!m->p) {
        pg->state = BK_IDLE;
        pg->phase = "preparing";
        return;
    }
    proc_poll(m->p, &m->st);
    pg->elapsed_s = m->st.elapsed_s;
    pg->events = m->st.lines;
    pg->iter_done = m->st.iter_done;
    pg->iter_total = m->st.iter_total ? m->st.iter_total : m->o.warmup + m->o.iters;
    pg->phase = !strcmp(m->st.phase, "warmup") ? "warmup"
                : !strcmp(m->st.phase, "iterations") ? "iterations"
                : !strcmp(m->st.phase, "done") ? "collecting"
                                                 : "preparing";
    switch (m->st.state) {
    case PROC_RUNNING:
        pg->state = BK_RUNNING;
        break;
    case PROC_EXITED:
        if (m->st.exit_code == 0) {
            pg->state = BK_DONE;
            pg->phase = "done";
        } else {
            pg->state = BK_FAILED;
            read_failure(m, pg->message, sizeof pg->message);
            if (!pg->message[0])
                snprintf(pg->message, sizeof pg->message,
                         "the executor stopped with exit code %d (see stdout.log in the run directory)",
                         m->st.exit_code);
        }
        break;
    case PROC_SIGNALED:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "the executor was killed by signal %d (%s) after %d of %d passes (warmup + measured); the partial "
                 "run directory is kept",
                 m->st.signal, strsignal(m->st.signal), m->st.iter_done, pg->iter_total);
        break;
    case PROC_TIMEOUT:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "timed out after %.0f s (--timeout) with %d of %d passes done; the partial run "
                 "directory is kept",
                 m->st.elapsed_s, m->st.iter_done, pg->iter_total);
        break;
    case PROC_CANCELLED:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "interrupted after %d of %d passes (warmup + measured); the partial run directory is kept",
                 m->st.iter_done, pg->iter_total);
        break;
    }
}

static void emb_cancel(struct backend *b)
{
    struct emb *m = b->priv;
    if (m->p)
        proc_cancel(m->p);
}

static enum status emb_finish(struct backend *b, struct err *e)
{
    struct emb *m = b->priv;
    if (!m->p)
        return err_set(e, ST_EINVAL, "internal: finish() before start()");
    proc_wait(m->p, &m->st);
    struct bk_progress pg;
    emb_poll(b, &pg);
    if (pg.state == BK_DONE)
        return ST_OK;
    if (m->st.state == PROC_CANCELLED)
        return err_set(e, ST_ECANCEL, "%s", pg.message);
    return err_set(e, ST_ERUNTIME, "%s", pg.message);
}

static void emb_done(struct backend *b)
{
    struct emb *m = b->priv;
    if (!m)
        return;
    proc_free(m->p);
    if (m->planned)
        ek_plan_done(&m->plan);
    bk_env_free(m->env);
    free(m);
    b->priv = NULL;
}

static const struct bk_ops embedded_ops = {
    .name = "embedded",
    .prepare = emb_prepare,
    .start = emb_start,
    .poll = emb_poll,
    .cancel = emb_cancel,
    .finish = emb_finish,
    .done = emb_done,
};

struct backend *bk_embedded_new(struct err *e)
{
    (void)e;
    struct backend *b = xcalloc(1, sizeof *b);
    b->ops = &embedded_ops;
    b->priv = xcalloc(1, sizeof(struct emb));
    return b;
}

int bk_embedded_variables(const struct backend *b)
{
    if (!b || b->ops != &embedded_ops)
        return 0;
    const struct emb *m = b->priv;
    return m->planned ? m->plan.n_variables : 0;
}

void bk_embedded_counts(const struct backend *b, int *compute, int *fused)
{
    *compute = *fused = 0;
    if (!b || b->ops != &embedded_ops)
        return;
    const struct emb *m = b->priv;
    if (!m->planned)
        return;
    for (int k = 0; k < m->plan.n_order; k++) {
        int i = m->plan.order[k];
        if (m->plan.n[i].kind == EK_COMPUTE)
            (*compute)++;
        else if (m->plan.n[i].kind == EK_FUSED)
            (*fused)++;
    }
}

const char *const *bk_embedded_env(const struct backend *b)
{
    const struct emb *m = b && b->ops == &embedded_ops ? b->priv : NULL;
    return m ? (const char *const *)m->env : NULL;
}
