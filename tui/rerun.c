/* rerun.c: `r` reruns the model with the current list edits on the run's
 * backend, in the background: start() returns at once, the loop calls
 * tui_rerun_poll() (non-blocking, runner/backend.h) between keys, Esc
 * cancels (the backend stops and reaps the child; the partial run directory
 * is kept with status "interrupted"). A finished rerun becomes the current
 * run and the runs view shows its diff against the previous one. While it
 * runs, the new verbose.log is read as it grows: the message line counts its
 * exec events (bf16 and AMX shares so far) and the log view tails it. The
 * child's output goes to files of the new run directory, never to the
 * terminal.
 */
#include "tui/tui_int.h"

#include "runner/backend.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tui_rerun {
    struct tui_live live;
    vb_reader *rd;           /* parses what verbose.log gained since the last poll */
    long long off;           /* bytes of verbose.log read */
    struct abuf part;        /* an incomplete last line */
    struct backend *b;
    struct bk_opts o;
    char **env;
    struct g_input_bind binds[8];
    int n_binds;
    char dir[1024];
    char prev[1024];
    struct rundir_meta meta;
    struct bk_progress pg;
    double t0;
    bool cancelling;
};

bool tui_rerun_active(const struct tui_app *a) { return a->rr != NULL; }

static void rr_free(struct tui_app *a)
{
    struct tui_rerun *r = a->rr;
    if (!r)
        return;
    if (r->b)
        backend_free(r->b);
    vb_reader_free(r->rd);
    abuf_done(&r->part);
    for (int i = 0; i < r->live.n_tail; i++)
        free(r->live.tail[i]);
    tm_env_free(r->env);
    for (int i = 0; i < r->n_binds; i++)
        g_input_bind_done(&r->binds[i]);
    free(r);
    a->rr = NULL;
}

/* ---- streaming: what the new run printed so far ------------------------- */

static int live_event(void *ctx, const struct vb_event *ev)
{
    struct tui_live *l = ctx;
    if (ev->kind != VB_EXEC)
        return 0;
    l->exec++;
    bool bf16 = ev->src_dt == VB_DT_BF16, amx = ev->isa == VB_ISA_AMX;
    l->exec_bf16 += bf16;
    l->exec_amx += amx;
    if (ev->prim && strcmp(ev->prim, "reorder") && ev->time_ms == ev->time_ms) {
        l->ms += ev->time_ms;
        if (bf16)
            l->ms_bf16 += ev->time_ms;
        if (amx)
            l->ms_amx += ev->time_ms;
    }
    return 0;
}

static void live_line(struct tui_live *l, const char *s, size_t n)
{
    int slot;
    if (l->n_tail < TUI_LIVE_TAIL) {
        slot = (l->head + l->n_tail++) % TUI_LIVE_TAIL;
    } else {
        slot = l->head;
        l->head = (l->head + 1) % TUI_LIVE_TAIL;
        free(l->tail[slot]);
    }
    l->tail[slot] = xstrndup(s, n);
    l->lines++;
}

/* Reads what verbose.log gained (at most a few MiB per poll, so a key is
 * never kept waiting), counts its exec events and keeps its last lines. */
static void live_read(struct tui_rerun *r)
{
    FILE *f = fopen(r->live.path, "rb");
    if (!f)
        return;
    if (fseeko(f, (off_t)r->off, SEEK_SET) != 0) {
        fclose(f);
        return;
    }
    char buf[65536];
    size_t got;
    long long budget = 4ll << 20;
    while (budget > 0 && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        r->off += (long long)got;
        budget -= (long long)got;
        vb_reader_feed(r->rd, buf, got);
        size_t start = 0;
        for (size_t i = 0; i < got; i++)
            if (buf[i] == '\n') {
                if (r->part.len) {
                    abuf_put(&r->part, buf + start, i - start);
                    live_line(&r->live, r->part.data, r->part.len);
                    r->part.len = 0;
                } else {
                    live_line(&r->live, buf + start, i - start);
                }
                start = i + 1;
            }
        if (start < got && r->part.len < 4096)
            abuf_put(&r->part, buf + start, got - start < 4096 ? got - start : 4096);
    }
    fclose(f);
}

const struct tui_live *tui_rerun_live(const struct tui_app *a)
{
    return a->rr ? &a->rr->live : NULL;
}

unsigned tui_rerun_start(struct tui_app *a)
{
    struct tui_model *m = &a->m;
    if (a->rr) {
        tui_msg(a, true, "a rerun is already in progress (Esc cancels it)");
        return TR_REDRAW;
    }
    int kind = bk_kind_parse(m->backend[0] ? m->backend : "embedded");
    if (kind == BK_CMD) {
        tui_msg(a, true, "this run came from your own command: rerun it from the shell with the env lines (e)");
        return TR_REDRAW;
    }
    if (kind < 0)
        kind = BK_EMBEDDED;
    struct err e = {0};
    struct tui_rerun *r = xcalloc(1, sizeof *r);
    a->rr = r;
    r->b = backend_new((enum bk_kind)kind, &e);
    if (!r->b)
        goto fail;
    r->env = tm_env(m);
    r->o.warmup = m->has_run && m->meta.warmup > 0 ? m->meta.warmup : 3;
    r->o.iters = m->has_run && m->meta.iters > 0 ? m->meta.iters : 10;
    r->o.batch = m->has_run ? m->meta.batch : 0;
    r->o.seed = m->has_run ? m->meta.seed : 1;
    r->o.env = (const char *const *)r->env;
    r->o.model_path = m->rerun_model;
    r->o.tf_version = amp_lists_version(m->lists);
    if (m->has_run && m->meta.inputs[0]) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", m->meta.inputs);
        for (char *s = NULL, *t = strtok_r(buf, " ", &s); t && r->n_binds < 8; t = strtok_r(NULL, " ", &s))
            if (g_input_bind_parse(t, &r->binds[r->n_binds], &e) == ST_OK)
                r->n_binds++;
        r->o.binds = r->binds;
        r->o.n_binds = r->n_binds;
    }
    if (r->b->ops->prepare(r->b, m->g, m->plan, &r->o, &e) != ST_OK)
        goto fail;
    char parent[1024] = "runs";
    if (m->has_run) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", m->run_dir);
        size_t l = strlen(tmp);
        while (l > 1 && tmp[l - 1] == '/')
            tmp[--l] = 0;
        snprintf(parent, sizeof parent, "%s", dirname(tmp));
    }
    if (rundir_create(parent, m->model_name, r->dir, sizeof r->dir, &e) != ST_OK)
        goto fail;
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "ampscope run %s --backend %s (rerun from the TUI)", m->rerun_model,
             r->b->ops->name);
    if (bk_rundir_begin(r->dir, &r->meta, m->plan, &r->o, r->b->ops->name, cmd, &e) != ST_OK)
        goto fail;
    if (r->b->ops->start(r->b, r->dir, &e) != ST_OK) {
        struct err e2 = {0};
        bk_rundir_end(r->dir, &r->meta, "failed", e.msg, &e2);
        goto fail;
    }
    snprintf(r->prev, sizeof r->prev, "%s", m->has_run ? m->run_dir : "");
    rundir_path(r->dir, RUNDIR_VERBOSE, r->live.path, sizeof r->live.path);
    struct vb_sink sink = {.ctx = &r->live, .event = live_event};
    r->rd = vb_reader_new(&sink);
    abuf_init(&r->part);
    r->t0 = util_now_ms();
    r->pg.state = BK_RUNNING;
    r->pg.phase = "starting";
    tui_msg(a, false, "rerun started in %s", r->dir);
    return TR_REDRAW;
fail:
    tui_msg(a, true, "rerun: %s", e.msg[0] ? e.msg : "could not start");
    rr_free(a);
    return TR_REDRAW;
}

/* The run ended (done, failed or cancelled): close the run directory and
 * switch to it when it finished. */
static unsigned rr_finish(struct tui_app *a)
{
    struct tui_rerun *r = a->rr;
    struct tui_model *m = &a->m;
    struct err e = {0}, e2 = {0};
    enum status st = r->b->ops->finish(r->b, &e);
    bool ok = r->pg.state == BK_DONE && st == ST_OK;
    const char *status = ok ? "ok" : r->cancelling ? "interrupted" : "failed";
    const char *failure = ok ? NULL : e.msg[0] ? e.msg : r->pg.message;
    bk_rundir_end(r->dir, &r->meta, status, failure, &e2);
    char dir[1024], prev[1024], why[512];
    snprintf(dir, sizeof dir, "%s", r->dir);
    snprintf(prev, sizeof prev, "%s", r->prev);
    snprintf(why, sizeof why, "%s", failure ? failure : "");
    rr_free(a);
    if (!ok) {
        tm_scan_runs(m);
        tui_msg(a, true, "rerun %s: partial run kept in %s%s%s", status, dir, why[0] ? ": " : "", why);
        return TR_RELOAD | TR_REDRAW;
    }
    if (tm_switch_run(m, dir, &e) != ST_OK) {
        tui_msg(a, true, "rerun finished in %s but cannot be read: %s", dir, e.msg);
        return TR_REDRAW;
    }
    snprintf(a->prev_run, sizeof a->prev_run, "%s", prev);
    tm_scan_runs(m);
    if (prev[0] && tm_diff(m, prev, dir, &e) == ST_OK)
        tui_msg(a, false, "rerun done: %s; the runs view shows the diff against %s", dir, prev);
    else
        tui_msg(a, false, "rerun done: %s", dir);
    a->want_view = V_RUNS;
    return TR_RELOAD | TR_OPEN | TR_REDRAW;
}

unsigned tui_rerun_poll(struct tui_app *a)
{
    struct tui_rerun *r = a->rr;
    if (!r)
        return 0;
    r->b->ops->poll(r->b, &r->pg);
    live_read(r);
    if (r->pg.state == BK_RUNNING || r->pg.state == BK_IDLE)
        return TR_REDRAW;
    return rr_finish(a);
}

unsigned tui_rerun_cancel(struct tui_app *a)
{
    struct tui_rerun *r = a->rr;
    if (!r) {
        tui_msg(a, false, "no rerun in progress");
        return TR_REDRAW;
    }
    r->cancelling = true;
    r->b->ops->cancel(r->b);
    for (int i = 0; i < 500; i++) { /* cancel stops and reaps; poll reports it */
        r->b->ops->poll(r->b, &r->pg);
        if (r->pg.state != BK_RUNNING && r->pg.state != BK_IDLE)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (r->pg.state == BK_DONE) /* it finished before the cancel landed: keep it */
        r->cancelling = false;
    else
        r->pg.state = BK_FAILED;
    return rr_finish(a);
}

void tui_rerun_status(const struct tui_app *a, char *buf, size_t size, int width)
{
    const struct tui_rerun *r = a->rr;
    if (!r) {
        snprintf(buf, size, "%s", "");
        return;
    }
    double el = (util_now_ms() - r->t0) / 1000.0;
    const struct tui_live *l = &r->live;
    const char *phase = r->pg.phase ? r->pg.phase : "running";
    double bf = l->ms > 0 ? 100 * l->ms_bf16 / l->ms : 0.0, amx = l->ms > 0 ? 100 * l->ms_amx / l->ms : 0.0;
    /* the longest form that fits: the hint, then "of compute", the phase and
     * the elapsed time go before the passes and the live counts */
    char t[5][300];
    int n = 0;
    if (l->exec) {
        snprintf(t[n++], sizeof t[0], "rerun %s: %d/%d passes  %.1f s  %ld exec so far: bf16 %.0f%%, AMX %.0f%% of compute  (Esc cancels)",
                 phase, r->pg.iter_done, r->pg.iter_total, el, l->exec, bf, amx);
        snprintf(t[n++], sizeof t[0], "rerun %s: %d/%d passes  %.1f s  %ld exec so far: bf16 %.0f%%, AMX %.0f%%",
                 phase, r->pg.iter_done, r->pg.iter_total, el, l->exec, bf, amx);
        snprintf(t[n++], sizeof t[0], "rerun %d/%d passes  %.1f s  %ld exec so far: bf16 %.0f%%, AMX %.0f%%",
                 r->pg.iter_done, r->pg.iter_total, el, l->exec, bf, amx);
        snprintf(t[n++], sizeof t[0], "rerun %d/%d  %ld exec so far: bf16 %.0f%%, AMX %.0f%%", r->pg.iter_done,
                 r->pg.iter_total, l->exec, bf, amx);
        snprintf(t[n++], sizeof t[0], "rerun %d/%d  %ld exec: bf16 %.0f%% AMX %.0f%%", r->pg.iter_done,
                 r->pg.iter_total, l->exec, bf, amx);
    } else {
        snprintf(t[n++], sizeof t[0], "rerun %s: %d/%d passes  %.1f s  (Esc cancels)", phase, r->pg.iter_done,
                 r->pg.iter_total, el);
        snprintf(t[n++], sizeof t[0], "rerun %s: %d/%d passes  %.1f s", phase, r->pg.iter_done, r->pg.iter_total, el);
        snprintf(t[n++], sizeof t[0], "rerun %d/%d  %.1f s", r->pg.iter_done, r->pg.iter_total, el);
    }
    int k = 0;
    while (k < n - 1 && width > 0 && tui_strwidth(t[k]) > width)
        k++;
    if (width > 0)
        tui_fit_words(buf, size, t[k], width);
    else
        snprintf(buf, size, "%s", t[k]);
}
