/* runner/tf.c: the TensorFlow backend. It finds a Python with TensorFlow,
 * starts runner/tf_driver.py as a child (runner/proc.h) with the environment
 * that makes oneDNN and TF's AMP pass tell everything (verbose with
 * timestamps, AMP VLOGs, LOG_PATH dumps), and maps the driver's exit to a
 * clear status. The evidence is joined later by analyze/tfevidence.
 */
#include "runner/tf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/rundir.h"
#include "runner/proc.h"

extern char **environ;

const char *const bk_tf_env_fixed[][2] = {
    {"ONEDNN_VERBOSE", "1"},
    {"ONEDNN_VERBOSE_TIMESTAMP", "1"},
    {"TF_CPP_MIN_LOG_LEVEL", "0"},
    {"TF_CPP_VMODULE", "auto_mixed_precision=2"},
    {"TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LOG_PATH", NULL},
    {"TF_ENABLE_ONEDNN_OPTS", "1"},
    {"PYTHONUNBUFFERED", "1"},
    {NULL, NULL},
};

#define LIST_PREFIX "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"

struct tf_priv {
    struct bk_tf_info info;
    bool have_info;
    struct bk_opts o;
    char model[PATH_MAX];
    char run_dir[PATH_MAX];
    char **env;               /* NAME=VALUE set in the child */
    int n_env;
    char **unset;             /* inherited list-edit names removed */
    int n_unset;
    proc *p;
    struct proc_status st;
    bool cancelled;
    double started;
};

/* ---- discovery ------------------------------------------------------------ */

static bool is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The directory of the running binary ("" when unknown). */
static void exe_dir(char *buf, size_t size)
{
    char tmp[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", tmp, sizeof tmp - 1);
    buf[0] = 0;
    if (n <= 0)
        return;
    tmp[n] = 0;
    char *slash = strrchr(tmp, '/');
    if (slash)
        *slash = 0;
    string_copy_n(buf, size, tmp);
}

/* Looks for `rel` in the binary's directory and up to three above it, then
 * under $AMPSCOPE_ROOT. */
static bool find_up(const char *rel, char *out, size_t size)
{
    char dir[PATH_MAX];
    exe_dir(dir, sizeof dir);
    if (dir[0]) {
        for (int up = 0; up < 4; up++) {
            char cand[PATH_MAX + 64];
            snprintf(cand, sizeof cand, "%s/%s", dir, rel);
            if (is_file(cand)) {
                /* no realpath(): a venv's python3 is a symlink whose target
                 * would lose the venv */
                string_copy_n(out, size, cand);
                return true;
            }
            char *slash = strrchr(dir, '/');
            if (!slash || slash == dir)
                break;
            *slash = 0;
        }
    }
    const char *root = getenv("AMPSCOPE_ROOT");
    if (root && *root) {
        char cand[PATH_MAX + 64];
        snprintf(cand, sizeof cand, "%s/%s", root, rel);
        if (is_file(cand)) {
            string_copy_n(out, size, cand);
            return true;
        }
    }
    return false;
}

enum status bk_tf_driver_path(char *buf, size_t size, struct err *e)
{
    if (find_up("runner/tf_driver.py", buf, size) || find_up("share/ampscope/tf_driver.py", buf, size))
        return ST_OK;
    return err_set(e, ST_ENOENT,
                   "cannot find runner/tf_driver.py beside the ampscope binary; set AMPSCOPE_ROOT to "
                   "the ampscope checkout");
}

/* Pulls "key": "value" or "key": true/false out of the probe's one-line JSON. */
static bool json_str(const char *js, const char *key, char *out, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(js, pat);
    if (!p)
        return false;
    p += strlen(pat);
    const char *q = strchr(p, '"');
    if (!q)
        return false;
    size_t n = (size_t)(q - p) < size - 1 ? (size_t)(q - p) : size - 1;
    memcpy(out, p, n);
    out[n] = 0;
    return true;
}

/* Runs `python driver --probe`; ST_OK with info filled when TF imports. */
static enum status probe_one(const char *python, const char *driver, struct bk_tf_info *info,
                             char *why, size_t why_size)
{
    char tmpl[] = "/tmp/ampscope-probe-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ampscope-probe-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        fd = mkstemp(tmpl);
        if (fd < 0) {
            snprintf(why, why_size, "cannot create a temporary file (%s)", strerror(errno));
            return ST_EIO;
        }
        string_copy(path, tmpl);
    }
    close(fd);
    const char *argv[] = {python, driver, "--probe", "--model", "-", "--tf-dir", "-", NULL};
    const char *env[] = {"TF_CPP_MIN_LOG_LEVEL=2", NULL};
    struct proc_spec spec = {.argv = argv, .env = env, .stdout_path = path, .stderr_path = "/dev/null",
                             .timeout_s = 120};
    struct err e2 = {0};
    proc *p = proc_start(&spec, &e2);
    if (!p) {
        unlink(path);
        snprintf(why, why_size, "%s", e2.msg);
        return ST_ERUNTIME;
    }
    struct proc_status st;
    proc_wait(p, &st);
    proc_free(p);
    char *out = NULL;
    size_t len = 0;
    struct err e3 = {0};
    enum status rs = util_read_file(path, 1 << 16, &out, &len, &e3);
    unlink(path);
    if (st.state != PROC_EXITED || st.exit_code != 0 || rs != ST_OK || !out ||
        !json_str(out, "tf_version", info->tf_version, sizeof info->tf_version)) {
        char s[128];
        proc_status_str(&st, s, sizeof s);
        if (st.state == PROC_EXITED && st.exit_code == 127)
            snprintf(why, why_size, "not found");
        else if (st.state == PROC_EXITED && st.exit_code == 3)
            snprintf(why, why_size, "no TensorFlow there");
        else
            snprintf(why, why_size, "not a working Python with TensorFlow (%s)", s);
        free(out);
        return ST_ENOENT;
    }
    json_str(out, "python_version", info->python_version, sizeof info->python_version);
    info->onednn = strstr(out, "\"onednn\": true") != NULL;
    /* run exactly what was given (a wrapper script, a venv's symlink), not
     * the interpreter's resolved sys.executable */
    string_copy(info->python, python);
    free(out);
    return ST_OK;
}

enum status bk_tf_probe(const char *python_override, struct bk_tf_info *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    enum status st = bk_tf_driver_path(out->driver, sizeof out->driver, e);
    if (st != ST_OK)
        return st;
    struct {
        const char *path, *source;
    } cands[4];
    int n = 0;
    char venv[PATH_MAX] = "";
    if (python_override && *python_override) {
        cands[n].path = python_override;
        cands[n++].source = "--python";
    } else {
        const char *env = getenv("AMPSCOPE_PYTHON");
        if (env && *env) {
            cands[n].path = env;
            cands[n++].source = "AMPSCOPE_PYTHON";
        } else {
            if (find_up(".venv/bin/python3", venv, sizeof venv)) {
                cands[n].path = venv;
                cands[n++].source = ".venv";
            }
            cands[n].path = "python3";
            cands[n++].source = "PATH";
        }
    }
    char tried[1024] = "";
    for (int i = 0; i < n; i++) {
        char why[512];
        struct bk_tf_info info = *out;
        why[0] = 0;
        if (probe_one(cands[i].path, out->driver, &info, why, sizeof why) == ST_OK) {
            *out = info;
            string_copy(out->source, cands[i].source);
            return ST_OK;
        }
        size_t l = strlen(tried);
        snprintf(tried + l, sizeof tried - l, "%s%s (from %s): %s", l ? "; " : "", cands[i].path,
                 cands[i].source, why);
    }
    return err_set(e, ST_ENOENT, "no TensorFlow found: tried %s. To get it: %s", tried, BK_TF_HOWTO);
}

/* ---- the backend ---------------------------------------------------------- */

static struct tf_priv *P(struct backend *b) { return b->priv; }

static enum status tf_prepare(struct backend *b, const graph *g, const amp_plan *plan,
                              const struct bk_opts *o, struct err *e)
{
    (void)g;
    (void)plan;
    struct tf_priv *t = P(b);
    t->o = *o;
    if (!o->model_path || !*o->model_path)
        return err_set(e, ST_EINVAL, "the tf backend needs the model file (bk_opts.model_path)");
    if (!realpath(o->model_path, t->model))
        return err_at(e, ST_ENOENT, o->model_path, 0, 0, "cannot open the model: %s", strerror(errno));
    if (!t->have_info) {
        enum status st = bk_tf_probe(o->python, &t->info, e);
        if (st != ST_OK)
            return st;
        t->have_info = true;
    }
    const char *opts_env = getenv("TF_ENABLE_ONEDNN_OPTS");
    if (opts_env && (!strcmp(opts_env, "0") || !strcasecmp(opts_env, "false")))
        return err_set(e, ST_EUNSUPPORTED,
                       "TF_ENABLE_ONEDNN_OPTS=%s is set in your environment: TensorFlow's oneDNN is off, "
                       "so its bf16 AMP pass and oneDNN verbose do not run; unset it (ampscope sets it to 1)",
                       opts_env);
    return ST_OK;
}

static void add_env(struct tf_priv *t, const char *name, const char *value)
{
    t->env = xrealloc(t->env, sizeof *t->env * (size_t)(t->n_env + 2));
    t->env[t->n_env++] = xasprintf("%s=%s", name, value);
    t->env[t->n_env] = NULL;
}

static enum status tf_start(struct backend *b, const char *run_dir, struct err *e)
{
    struct tf_priv *t = P(b);
    if (!realpath(run_dir, t->run_dir))
        return err_at(e, ST_ENOENT, run_dir, 0, 0, "run directory missing: %s", strerror(errno));
    char tfdir[PATH_MAX + 8], out[PATH_MAX + 32], errp[PATH_MAX + 32];
    snprintf(tfdir, sizeof tfdir, "%s/%s", t->run_dir, RUNDIR_TFDIR);
    enum status st = util_mkdirs(tfdir, e);
    if (st != ST_OK)
        return st;
    snprintf(out, sizeof out, "%s/%s", t->run_dir, RUNDIR_VERBOSE);
    snprintf(errp, sizeof errp, "%s/%s", t->run_dir, RUNDIR_AMPLOG);

    for (int i = 0; bk_tf_env_fixed[i][0]; i++)
        add_env(t, bk_tf_env_fixed[i][0], bk_tf_env_fixed[i][1] ? bk_tf_env_fixed[i][1] : tfdir);
    /* List edits: only the ones ampscope was given (the painter used the same),
     * never stale ones inherited from the shell. */
    for (char **ev = environ; ev && *ev; ev++) {
        if (strncmp(*ev, LIST_PREFIX, strlen(LIST_PREFIX)) != 0 ||
            !strncmp(*ev, LIST_PREFIX "LOG_PATH=", strlen(LIST_PREFIX "LOG_PATH=")))
            continue;
        const char *eq = strchr(*ev, '=');
        t->unset = xrealloc(t->unset, sizeof *t->unset * (size_t)(t->n_unset + 2));
        t->unset[t->n_unset++] = xstrndup(*ev, eq ? (size_t)(eq - *ev) : strlen(*ev));
        t->unset[t->n_unset] = NULL;
    }
    if (t->o.env)
        for (const char *const *p = t->o.env; *p; p++) {
            const char *eq = strchr(*p, '=');
            if (!eq)
                continue;
            char *name = xstrndup(*p, (size_t)(eq - *p));
            add_env(t, name, eq + 1);
            free(name);
        }

    /* argv */
    char num[6][32];
    const char **argv = xcalloc((size_t)(24 + 2 * t->o.n_binds), sizeof *argv);
    char **binds = xcalloc((size_t)t->o.n_binds + 1, sizeof *binds);
    int a = 0;
    argv[a++] = t->info.python;
    argv[a++] = t->info.driver;
    argv[a++] = "--model";
    argv[a++] = t->model;
    argv[a++] = "--tf-dir";
    argv[a++] = tfdir;
    argv[a++] = "--amp";
    argv[a++] = t->o.amp_off ? "off" : "on";
    snprintf(num[0], sizeof num[0], "%d", t->o.warmup < 0 ? 3 : t->o.warmup);
    snprintf(num[1], sizeof num[1], "%d", t->o.iters <= 0 ? 10 : t->o.iters);
    snprintf(num[2], sizeof num[2], "%d", t->o.batch);
    snprintf(num[3], sizeof num[3], "%u", t->o.seed);
    argv[a++] = "--warmup";
    argv[a++] = num[0];
    argv[a++] = "--iters";
    argv[a++] = num[1];
    argv[a++] = "--batch";
    argv[a++] = num[2];
    argv[a++] = "--seed";
    argv[a++] = num[3];
    if (t->o.tag) {
        argv[a++] = "--tag";
        argv[a++] = t->o.tag;
    }
    if (t->o.signature) {
        argv[a++] = "--signature";
        argv[a++] = t->o.signature;
    }
    for (int i = 0; i < t->o.n_binds; i++) {
        const struct g_input_bind *bd = &t->o.binds[i];
        struct abuf sb;
        abuf_init(&sb);
        abuf_printf(&sb, "%s:", bd->name);
        for (int d = 0; d < bd->shape.rank; d++)
            abuf_printf(&sb, "%s%lld", d ? "x" : "", (long long)bd->shape.dim[d]);
        if (bd->shape.rank == 0)
            abuf_puts(&sb, "scalar");
        binds[i] = sb.data;
        argv[a++] = "--input";
        argv[a++] = binds[i];
    }
    argv[a] = NULL;

    struct proc_spec spec = {
        .argv = argv,
        .env = (const char *const *)t->env,
        .unset_env = (const char *const *)t->unset,
        .stdout_path = out,
        .stderr_path = errp,
        .timeout_s = t->o.timeout_s,
        .count_prefix = "onednn_verbose",
    };
    t->p = proc_start(&spec, e);
    for (int i = 0; i < t->o.n_binds; i++)
        free(binds[i]);
    free(binds);
    free(argv);
    if (!t->p)
        return ST_ERUNTIME;
    t->started = util_now_ms();
    return ST_OK;
}

/* The driver's last "ampscope-driver: error: ..." line from amp.log. */
static void driver_error(const struct tf_priv *t, char *buf, size_t size)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", t->run_dir, RUNDIR_AMPLOG);
    char *data = NULL;
    size_t len = 0;
    buf[0] = 0;
    if (util_read_file(path, 64u << 20, &data, &len, NULL) != ST_OK || !data)
        return;
    const char *tag = "ampscope-driver: error: ";
    const char *last = NULL;
    for (const char *p = strstr(data, tag); p; p = strstr(p + 1, tag))
        last = p;
    if (last) {
        last += strlen(tag);
        const char *nl = strchr(last, '\n');
        size_t n = nl ? (size_t)(nl - last) : strlen(last);
        if (n >= size)
            n = size - 1;
        memcpy(buf, last, n);
        buf[n] = 0;
    } else {
        /* a crash: the last non-empty line TF printed */
        const char *end = data + len;
        while (end > data && (end[-1] == '\n' || end[-1] == ' '))
            end--;
        const char *s = end;
        while (s > data && s[-1] != '\n')
            s--;
        size_t n = (size_t)(end - s) < size - 1 ? (size_t)(end - s) : size - 1;
        memcpy(buf, s, n);
        buf[n] = 0;
    }
    free(data);
}

static void tf_poll(struct backend *b, struct bk_progress *pg)
{
    struct tf_priv *t = P(b);
    memset(pg, 0, sizeof *pg);
    if (!t->p) {
        pg->state = BK_IDLE;
        pg->phase = "preparing";
        return;
    }
    proc_poll(t->p, &t->st);
    pg->elapsed_s = t->st.elapsed_s;
    pg->events = t->st.lines;
    pg->iter_done = t->st.iter_done;
    pg->iter_total = t->st.iter_total ? t->st.iter_total
                                      : (t->o.warmup < 0 ? 3 : t->o.warmup) + (t->o.iters <= 0 ? 10 : t->o.iters);
    static const char *const phases[] = {"preparing", "warmup", "iterations", "collecting", "done"};
    pg->phase = "preparing";
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
        if (!strcmp(t->st.phase, phases[i]))
            pg->phase = phases[i];
    switch (t->st.state) {
    case PROC_RUNNING:
        pg->state = BK_RUNNING;
        return;
    case PROC_EXITED:
        if (t->st.exit_code == 0) {
            pg->state = BK_DONE;
            pg->phase = "done";
            return;
        }
        pg->state = BK_FAILED;
        {
            char why[400];
            driver_error(t, why, sizeof why);
            if (t->st.exit_code == 130)
                snprintf(pg->message, sizeof pg->message, "interrupted");
            else
                snprintf(pg->message, sizeof pg->message, "TensorFlow driver exited %d: %s",
                         t->st.exit_code, why[0] ? why : "(no message, see amp.log)");
        }
        return;
    case PROC_SIGNALED: {
        char why[300];
        driver_error(t, why, sizeof why);
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message, "TensorFlow crashed (signal %d)%s%s", t->st.signal,
                 why[0] ? "; its last line: " : "", why);
        return;
    }
    case PROC_TIMEOUT:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message,
                 "TensorFlow did not finish within --timeout %.0f s; it was stopped (phase %s)",
                 t->o.timeout_s, t->st.phase[0] ? t->st.phase : "loading");
        return;
    case PROC_CANCELLED:
        pg->state = BK_FAILED;
        snprintf(pg->message, sizeof pg->message, "interrupted");
        return;
    }
}

static void tf_cancel(struct backend *b)
{
    struct tf_priv *t = P(b);
    t->cancelled = true;
    if (t->p)
        proc_cancel(t->p);
}

static enum status tf_finish(struct backend *b, struct err *e)
{
    struct tf_priv *t = P(b);
    if (!t->p)
        return err_set(e, ST_EINVAL, "the tf backend was not started");
    struct bk_progress pg;
    tf_poll(b, &pg);
    if (pg.state == BK_RUNNING) {
        proc_wait(t->p, &t->st);
        tf_poll(b, &pg);
    }
    if (pg.state == BK_DONE)
        return ST_OK;
    if (t->st.state == PROC_CANCELLED || !strcmp(pg.message, "interrupted"))
        return err_set(e, ST_ECANCEL, "interrupted; the partial run directory %s is kept", t->run_dir);
    if (t->st.state == PROC_EXITED && t->st.exit_code == 2)
        return err_set(e, ST_EINVAL, "%s", pg.message);
    if (t->st.state == PROC_EXITED && t->st.exit_code == 3)
        return err_set(e, ST_ENOENT, "%s; %s", pg.message, BK_TF_HOWTO);
    return err_set(e, ST_ERUNTIME, "%s", pg.message);
}

static void tf_done(struct backend *b)
{
    struct tf_priv *t = P(b);
    if (!t)
        return;
    if (t->p)
        proc_free(t->p);
    for (int i = 0; i < t->n_env; i++)
        free(t->env[i]);
    free(t->env);
    for (int i = 0; i < t->n_unset; i++)
        free(t->unset[i]);
    free(t->unset);
    free(t);
    b->priv = NULL;
}

static const struct bk_ops tf_ops = {
    .name = "tf",
    .prepare = tf_prepare,
    .start = tf_start,
    .poll = tf_poll,
    .cancel = tf_cancel,
    .finish = tf_finish,
    .done = tf_done,
};

struct backend *bk_tf_new(struct err *e)
{
    (void)e;
    struct backend *b = xcalloc(1, sizeof *b);
    b->ops = &tf_ops;
    b->priv = xcalloc(1, sizeof(struct tf_priv));
    return b;
}

const struct bk_tf_info *bk_tf_info(const struct backend *b)
{
    const struct tf_priv *t = b && b->ops == &tf_ops ? b->priv : NULL;
    return t && t->have_info ? &t->info : NULL;
}

const char *const *bk_tf_env(const struct backend *b)
{
    const struct tf_priv *t = b && b->ops == &tf_ops ? b->priv : NULL;
    return t ? (const char *const *)t->env : NULL;
}
