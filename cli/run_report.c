/* run_report.c: re-analysis of a run directory for the CLI (see
 * run_report.h): model lookup, shapes, the painter with the run's lists,
 * the report, report.json, and the printed result.
 */
#include "cli/run_report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "analyze/tfevidence.h"
#include "cli/json_check.h"
#include "render/report_text.h"

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The run's model: --model, the copy inside the directory, model.path, or
 * the path recorded in meta.json. */
static bool find_model(const char *dir, const struct rr_ctx *c, const char *override, char *out,
                       size_t size)
{
    if (override) {
        string_copy_n(out, size, override);
        return file_exists(out);
    }
    char p[PATH_MAX];
    if (c->have_meta && c->meta.model[0]) {
        if (c->meta.model[0] == '/') {
            string_copy_n(out, size, c->meta.model);
            if (file_exists(out))
                return true;
        } else {
            rundir_path(dir, c->meta.model, p, sizeof p);
            if (file_exists(p)) {
                string_copy_n(out, size, p);
                return true;
            }
            if (file_exists(c->meta.model)) {
                string_copy_n(out, size, c->meta.model);
                return true;
            }
        }
    }
    rundir_path(dir, "model.path", p, sizeof p);
    char *buf = NULL;
    size_t len = 0;
    struct err e;
    if (util_read_file(p, 8192, &buf, &len, &e) == ST_OK) {
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = 0;
        string_copy_n(out, size, buf);
        free(buf);
        if (file_exists(out))
            return true;
    }
    static const char *const names[] = {"model.pb", "model.pbtxt", "model.meta", "model", NULL};
    for (int i = 0; names[i]; i++) {
        rundir_path(dir, names[i], p, sizeof p);
        if (file_exists(p)) {
            string_copy_n(out, size, p);
            return true;
        }
    }
    if (c->have_meta && c->meta.model[0])
        string_copy_n(out, size, c->meta.model);
    else
        string_copy_n(out, size, "");
    return false;
}


static double g_progress_t0;
static bool g_progress_shown;
static void read_progress(void *ctx, long long bytes)
{
    (void)ctx;
    double t = util_now_ms() - g_progress_t0;
    if (t < 500) /* quick reads stay silent */
        return;
    fprintf(stderr, "\rreading verbose.log: %lld MiB, %.1f s ", bytes >> 20, t / 1000.0);
    g_progress_shown = true;
}

/* ---- meta.json checks ---------------------------------------------------- */

static int check_meta(const char *cmd, const char *dir, struct rundir_meta *m)
{
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_META, path, sizeof path);
    const char *remake = "re-create the run directory from its log: `ampscope analyze MODEL --log";
    char vpath[PATH_MAX];
    rundir_path(dir, RUNDIR_VERBOSE, vpath, sizeof vpath);
    if (!file_exists(path)) {
        if (!file_exists(vpath))
            cli_errorf(cmd,
                       "%s is not a run directory: it has no %s and no %s (make one with "
                       "`ampscope run MODEL` or `ampscope analyze MODEL --log FILE`)",
                       dir, RUNDIR_META, RUNDIR_VERBOSE);
        else
            cli_errorf(cmd,
                       "%s is missing, so which model, batch and TF lists the run used is unknown; "
                       "%s %s --out NEW_DIR`",
                       path, remake, vpath);
        return CLI_USAGE;
    }
    char *data = NULL;
    size_t len = 0;
    struct err e = {0};
    if (util_read_file(path, 1 << 20, &data, &len, &e) != ST_OK) {
        cli_errorf(cmd, "%s cannot be read: %s (check its permissions)", path, e.msg);
        return CLI_USAGE;
    }
    int line = 0, col = 0;
    const char *what = cli_json_object_check(data, len, &line, &col);
    free(data);
    if (what) {
        cli_errorf(cmd, "%s:%d:%d: damaged JSON: expected %s; %s %s --out NEW_DIR`", path, line,
                   col, what, remake, vpath);
        return CLI_USAGE;
    }
    if (rundir_read_meta(dir, m, &e) != ST_OK) {
        cli_error(&e);
        return CLI_USAGE;
    }
    static const char *const statuses[] = {"running", "ok", "failed", "interrupted", NULL};
    bool known = false;
    for (int i = 0; statuses[i] && !known; i++)
        known = !strcmp(m->status, statuses[i]);
    if (!known) {
        cli_errorf(cmd, "%s: field \"status\" is '%s', not one of running, ok, failed, "
                        "interrupted (fix the field or re-create the run)", path, m->status);
        return CLI_USAGE;
    }
    if (m->batch < 0 || m->batch > (1 << 20) || m->warmup < 0 || m->iters < 0) {
        cli_errorf(cmd, "%s: field \"%s\" is %d, not a count (fix the field or re-create the run)",
                   path, m->batch < 0 || m->batch > (1 << 20) ? "batch" : m->warmup < 0 ? "warmup" : "iters",
                   m->batch < 0 || m->batch > (1 << 20) ? m->batch : m->warmup < 0 ? m->warmup : m->iters);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* rr_check's work; fills meta (meta.json read and checked). */
static int check_dir(const char *cmd, const char *dir, const struct rr_opts *o, struct rundir_meta *m)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_errorf(cmd, "%s: no such directory (give a run directory, e.g. runs/mlp-20260101-120000)",
                   dir);
        return CLI_USAGE;
    }
    int rc = check_meta(cmd, dir, m);
    if (rc != CLI_OK)
        return rc;
    struct err e = {0};
    const char *ver = o && o->tf_version ? o->tf_version : m->tf_version[0] ? m->tf_version : NULL;
    amp_lists *l = ver ? amp_lists_new(ver, &e) : NULL;
    if (ver && !l) {
        if (o && o->tf_version)
            cli_errorf(cmd, "--tf-version %s: %s", ver, e.msg);
        else
            cli_errorf(cmd, "%s/%s: field \"tf_version\": %s; pass --tf-version V to paint with a "
                            "known release's lists", dir, RUNDIR_META, e.msg);
        return CLI_USAGE;
    }
    amp_lists_free(l);
    char vpath[PATH_MAX];
    rundir_path(dir, RUNDIR_VERBOSE, vpath, sizeof vpath);
    if (!file_exists(vpath)) {
        cli_errorf(cmd,
                   "%s: %s is missing, so there is nothing to analyse (the run died before oneDNN "
                   "ran, or the file was removed; status in %s: \"%s\")",
                   dir, RUNDIR_VERBOSE, RUNDIR_META, m->status);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int rr_check(const char *cmd, const char *dir, const struct rr_opts *o)
{
    struct rundir_meta m;
    return check_dir(cmd, dir, o, &m);
}

enum status rr_write_select(const char *dir, const struct graph_load_opts *lo, struct err *e)
{
    return lo ? rundir_write_select(dir, lo->tag, lo->signature, e) : ST_OK;
}

/* The run's SavedModel selection (RUNDIR_SELECT) into lo (strings in sel). */
static void read_select(const char *dir, struct graph_load_opts *lo, struct rundir_select *sel)
{
    if (!rundir_read_select(dir, sel))
        return;
    if (sel->tag[0])
        lo->tag = sel->tag;
    if (sel->signature[0])
        lo->signature = sel->signature;
}

int rr_load(const char *cmd, const char *dir, const struct rr_opts *o, struct rr_ctx *c)
{
    memset(c, 0, sizeof *c);
    struct err e = {0};
    int rc = check_dir(cmd, dir, o, &c->meta);
    if (rc != CLI_OK)
        return rc;
    c->have_meta = true;
    if (!find_model(dir, c, o ? o->model : NULL, c->model_path, sizeof c->model_path)) {
        cli_errorf(cmd,
                   "%s: the run's model %s%s%s cannot be found; pass it with --model PATH",
                   dir, c->model_path[0] ? "(" : "", c->model_path, c->model_path[0] ? ")" : "");
        return CLI_USAGE;
    }
    struct graph_load_opts lo = {0};
    struct rundir_select selbuf;
    if (o && o->load)
        lo = *o->load;
    else
        read_select(dir, &lo, &selbuf);
    c->g = graph_load(c->model_path, &lo, &e);
    if (!c->g) {
        cli_error(&e);
        return CLI_USAGE;
    }
    /* shapes as the run bound them */
    struct g_input_bind binds[32];
    int nb = 0;
    if (c->have_meta && c->meta.inputs[0]) {
        char buf[sizeof c->meta.inputs];
        string_copy(buf, c->meta.inputs);
        for (char *tok = strtok(buf, " "); tok && nb < 32; tok = strtok(NULL, " ")) {
            if (g_input_bind_parse(tok, &binds[nb], &e) == ST_OK)
                nb++;
        }
    }
    int batch = c->have_meta && c->meta.batch > 0 ? c->meta.batch : 1;
    enum status ist = graph_infer(c->g, binds, nb, batch, &e);
    for (int i = 0; i < nb; i++)
        g_input_bind_done(&binds[i]);
    if (ist != ST_OK) {
        cli_error(&e);
        return CLI_USAGE;
    }
    /* the run's lists and edits */
    const char *ver = o && o->tf_version ? o->tf_version
                                         : (c->have_meta && c->meta.tf_version[0] ? c->meta.tf_version : NULL);
    c->lists = amp_lists_new(ver, &e); /* ver was checked by check_dir */
    if (!c->lists) {
        cli_error(&e);
        return CLI_USAGE;
    }
    if (c->have_meta && c->meta.list_env[0]) {
        if (amp_lists_from_env_text(c->lists, c->meta.list_env, &e) != ST_OK)
            fprintf(stderr, "ampscope %s: the run's list edits were not applied: %s\n", cmd, e.msg);
    }
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    /* as `run` painted it: grappler's passes modelled, except on TensorFlow's
     * own pre-AMP dump (a `run -- COMMAND` without a model) */
    ao.model_grappler_prepasses = !tfev_is_dump(c->model_path);
    c->plan = amp_paint(c->g, c->lists, &ao, &e);
    if (!c->plan) {
        cli_error(&e);
        return CLI_USAGE;
    }
    struct report_opts ro = {0};
    ro.use_truth = o && o->use_truth;
    ro.top_why = 10;
    if (o && o->cpu_override) {
        ro.cpu_has_amx_known = true;
        ro.cpu_has_amx = o->cpu_has_amx;
    }
    if (isatty(STDERR_FILENO)) {
        g_progress_t0 = util_now_ms();
        g_progress_shown = false;
        ro.progress = read_progress;
    }
    c->rep = report_from_rundir(dir, c->g, c->plan, &ro, &e);
    if (g_progress_shown)
        fprintf(stderr, "\r\033[K");
    if (!c->rep) {
        cli_error(&e);
        return CLI_USAGE;
    }
    return CLI_OK;
}

void rr_print(const struct rr_ctx *c, const char *dir, bool json, int max_nodes)
{
    struct abuf js;
    abuf_init(&js);
    report_json(c->rep, &js);
    char path[PATH_MAX];
    struct err e;
    rundir_path(dir, RUNDIR_REPORT, path, sizeof path);
    if (util_write_file_atomic(path, js.data, js.len, &e) != ST_OK)
        fprintf(stderr, "ampscope: note: %s not written: %s\n", path, e.msg);
    if (json) {
        fwrite(js.data, 1, js.len, stdout);
    } else {
        struct abuf t;
        abuf_init(&t);
        rep_text_render(c->rep, &t, util_use_color(stdout), max_nodes);
        fwrite(t.data, 1, t.len, stdout);
        abuf_done(&t);
    }
    abuf_done(&js);
}

void rr_done(struct rr_ctx *c)
{
    if (c->rep)
        report_free(c->rep);
    if (c->plan)
        amp_plan_free(c->plan);
    if (c->lists)
        amp_lists_free(c->lists);
    if (c->g)
        graph_free(c->g);
    memset(c, 0, sizeof *c);
}
