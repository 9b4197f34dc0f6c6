/* rundir_write.c: the runner's side of the run directory: meta.json at the
 * start (status "running") and at the end (final status), plan.json, the copy
 * of the model, the CPU facts, and the environment a run sets in its child.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/rundir.h"
#include "runner/backend.h"

#define MODEL_COPY_MAX (256L << 20)

void bk_cpu_info(char *model, size_t msize, char *flags, size_t fsize)
{
    static const char *const want[] = {"avx2", "avx512f", "avx512bw", "avx512_vnni",
                                       "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_tile",
                                       "amx_int8", "amx_fp16", "avx_vnni", NULL};
    snprintf(model, msize, "unknown");
    flags[0] = 0;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[8192];
    bool got_model = false, got_flags = false;
    while (fgets(line, sizeof line, f) && !(got_model && got_flags)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        v[strcspn(v, "\n")] = 0;
        if (!got_model && !strncmp(line, "model name", 10)) {
            snprintf(model, msize, "%s", v);
            got_model = true;
        } else if (!got_flags && !strncmp(line, "flags", 5)) {
            size_t o = 0;
            for (int i = 0; want[i]; i++) {
                size_t n = strlen(want[i]);
                const char *p = v;
                bool found = false;
                while ((p = strstr(p, want[i]))) {
                    if ((p == v || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) {
                        found = true;
                        break;
                    }
                    p += n;
                }
                if (found && o + n + 2 < fsize)
                    o += (size_t)snprintf(flags + o, fsize - o, "%s%s", o ? " " : "", want[i]);
            }
            got_flags = true;
        }
    }
    fclose(f);
}

static void iso_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static enum status copy_file(const char *src, const char *dst, struct err *e)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return err_set(e, ST_EIO, "cannot read %s: %s", src, strerror(errno));
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return err_set(e, ST_EIO, "cannot write %s: %s", dst, strerror(errno));
    }
    char buf[1 << 16];
    ssize_t n;
    enum status st = ST_OK;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            st = err_set(e, ST_EIO, "cannot write %s: %s", dst, strerror(errno));
            break;
        }
    close(in);
    if (close(out) != 0 && st == ST_OK)
        st = err_set(e, ST_EIO, "cannot write %s: %s", dst, strerror(errno));
    return st;
}

static void model_name_of(const char *path, char *out, size_t size)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/')
        tmp[--n] = 0;
    const char *base = strrchr(tmp, '/');
    base = base ? base + 1 : tmp;
    size_t bl = strlen(base);
    if (bl >= size)
        bl = size - 1;
    memcpy(out, base, bl);
    out[bl] = 0;
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

enum status bk_rundir_begin(const char *dir, struct rundir_meta *m, const amp_plan *plan,
                            const struct bk_opts *o, const char *backend_name,
                            const char *command, struct err *e)
{
    enum status st = util_mkdirs(dir, e);
    if (st != ST_OK)
        return st;
    rundir_meta_init(m);
    string_copy(m->backend, backend_name ? backend_name : "embedded");
    string_copy(m->amp, o && o->amp_off ? "off" : "on");
    string_copy(m->tf_version, plan && plan->tf_version ? plan->tf_version
                               : o && o->tf_version   ? o->tf_version
                                                      : "");
    /* the library that runs: ours for the embedded backend; TensorFlow's or the
     * command's own oneDNN otherwise (its version is in verbose.log's header) */
    if (!strcmp(m->backend, "embedded")) {
        const dnnl_version_t *v = dnnl_version();
        snprintf(m->onednn_version, sizeof m->onednn_version, "%d.%d.%d", v->major, v->minor,
                 v->patch);
    }
    bk_cpu_info(m->cpu_model, sizeof m->cpu_model, m->cpu_flags, sizeof m->cpu_flags);
    gethostname(m->hostname, sizeof m->hostname - 1);
    iso_now(m->started, sizeof m->started);
    if (o) {
        m->warmup = o->warmup;
        m->iters = o->iters;
        m->batch = o->batch;
        m->seed = o->seed;
        m->timeout_s = o->timeout_s;
        size_t off = 0;
        for (int i = 0; i < o->n_binds && off + 64 < sizeof m->inputs; i++) {
            char sb[128];
            g_shape_format(&o->binds[i].shape, sb, sizeof sb);
            off += (size_t)snprintf(m->inputs + off, sizeof m->inputs - off, "%s%s:%s",
                                    i ? " " : "", o->binds[i].name, sb);
        }
        off = 0;
        if (o->env)
            for (const char *const *p = o->env; *p && off + 2 < sizeof m->list_env; p++)
                off += (size_t)snprintf(m->list_env + off, sizeof m->list_env - off, "%s\n", *p);
    }
    char **env = bk_run_env(o);
    size_t off = 0;
    for (char **p = env; *p && off + 2 < sizeof m->env; p++)
        off += (size_t)snprintf(m->env + off, sizeof m->env - off, "%s\n", *p);
    bk_env_free(env);
    if (command)
        string_copy(m->command, command);

    /* the model: a copy when it is one reasonable file, else its path */
    char path[PATH_MAX];
    if (o && o->model_path) {
        char real[PATH_MAX];
        const char *orig = realpath(o->model_path, real) ? real : o->model_path;
        model_name_of(o->model_path, m->model_name, sizeof m->model_name);
        struct stat sb;
        const char *ext = strrchr(o->model_path, '.');
        if (!ext || strchr(ext, '/'))
            ext = "";
        if (stat(o->model_path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= MODEL_COPY_MAX) {
            char name[64];
            snprintf(name, sizeof name, "model%.16s", ext);
            rundir_path(dir, name, path, sizeof path);
            if (copy_file(o->model_path, path, e) == ST_OK)
                string_copy(m->model, path);
            else
                string_copy(m->model, orig);
        } else {
            string_copy(m->model, orig);
        }
        rundir_path(dir, "model.path", path, sizeof path);
        char line[PATH_MAX + 2];
        int n = snprintf(line, sizeof line, "%s\n", orig);
        util_write_file_atomic(path, line, (size_t)n, e);
    }
    if (plan) {
        struct abuf b;
        abuf_init(&b);
        amp_plan_json(plan, &b);
        rundir_path(dir, RUNDIR_PLAN, path, sizeof path);
        st = util_write_file_atomic(path, b.data ? b.data : "", b.len, e);
        abuf_done(&b);
        if (st != ST_OK)
            return st;
    }
    return rundir_write_meta(dir, m, e);
}

enum status bk_rundir_end(const char *dir, struct rundir_meta *m, const char *status,
                          const char *failure, struct err *e)
{
    string_copy(m->status, status ? status : "failed");
    string_copy(m->failure, failure ? failure : "");
    iso_now(m->finished, sizeof m->finished);
    return rundir_write_meta(dir, m, e);
}
