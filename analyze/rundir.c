/* rundir.c: meta.json of a run directory, written by the runner and read by
 * everyone who opens a run. The reader is deliberately tolerant: unknown keys
 * are skipped, missing keys keep their defaults, a meta.json cut short by a
 * crash still yields what was written; only a newer format_version or a file
 * that is not JSON at all is refused, with a message that says why.
 */
#include "analyze/rundir.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define META_MAX_BYTES (1 << 20)

void rundir_meta_init(struct rundir_meta *m)
{
    memset(m, 0, sizeof *m);
    m->format_version = RUNDIR_FORMAT_VERSION;
    string_copy(m->status, "running");
    string_copy(m->ampscope_version, AMPSCOPE_VERSION);
    m->exit_code = -1;
}

void rundir_path(const char *dir, const char *name, char *buf, size_t size)
{
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/')
        snprintf(buf, size, "%s%s", dir, name);
    else
        snprintf(buf, size, "%s/%s", dir, name);
}

bool rundir_is(const char *path)
{
    char p[PATH_MAX];
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    rundir_path(path, RUNDIR_META, p, sizeof p);
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- writing ------------------------------------------------------------ */

static void kv_str(struct abuf *b, const char *k, const char *v, bool last)
{
    abuf_printf(b, "  \"%s\": ", k);
    abuf_json_str(b, v);
    abuf_puts(b, last ? "\n" : ",\n");
}

static void kv_int(struct abuf *b, const char *k, long v)
{
    abuf_printf(b, "  \"%s\": %ld,\n", k, v);
}

enum status rundir_write_meta(const char *dir, const struct rundir_meta *m, struct err *e)
{
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "{\n");
    kv_int(&b, "format_version", m->format_version ? m->format_version : RUNDIR_FORMAT_VERSION);
    kv_str(&b, "status", m->status, false);
    kv_str(&b, "backend", m->backend, false);
    kv_str(&b, "model", m->model, false);
    kv_str(&b, "model_name", m->model_name, false);
    kv_str(&b, "amp", m->amp, false);
    kv_str(&b, "tf_version", m->tf_version, false);
    kv_str(&b, "onednn_version", m->onednn_version, false);
    kv_str(&b, "ampscope_version", m->ampscope_version, false);
    kv_str(&b, "cpu_model", m->cpu_model, false);
    kv_str(&b, "cpu_flags", m->cpu_flags, false);
    kv_str(&b, "hostname", m->hostname, false);
    kv_str(&b, "started", m->started, false);
    kv_str(&b, "finished", m->finished, false);
    kv_str(&b, "failure", m->failure, false);
    kv_int(&b, "warmup", m->warmup);
    kv_int(&b, "iters", m->iters);
    kv_int(&b, "batch", m->batch);
    kv_int(&b, "seed", (long)m->seed);
    abuf_puts(&b, "  \"timeout_s\": ");
    abuf_json_num(&b, m->timeout_s);
    abuf_puts(&b, ",\n");
    abuf_printf(&b, "  \"compare\": %s,\n", m->compare ? "true" : "false");
    kv_int(&b, "exit_code", m->exit_code);
    kv_str(&b, "inputs", m->inputs, false);
    kv_str(&b, "list_env", m->list_env, false);
    kv_str(&b, "env", m->env, false);
    kv_str(&b, "command", m->command, true);
    abuf_puts(&b, "}\n");
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_META, path, sizeof path);
    enum status st = util_write_file_atomic(path, b.data, b.len, e);
    abuf_done(&b);
    return st;
}

/* ---- reading: a small, tolerant JSON object reader ---------------------- */

struct jp {
    const char *s, *end;
    int depth;
};

static void jp_ws(struct jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t'))
        p->s++;
}

/* Parses a JSON string at p->s (which is at '"') into out (may be NULL);
 * returns false on a malformed/truncated string. */
static bool jp_string(struct jp *p, char *out, size_t size)
{
    size_t n = 0;
    p->s++;
    while (p->s < p->end) {
        char c = *p->s++;
        if (c == '"') {
            if (out && size)
                out[n < size ? n : size - 1] = 0;
            return true;
        }
        if (c == '\\') {
            if (p->s >= p->end)
                return false;
            char x = *p->s++;
            switch (x) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    if (p->s >= p->end)
                        return false;
                    char h = *p->s++;
                    v <<= 4;
                    if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
                    else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
                    else return false;
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            default: c = x; break;
            }
        }
        if (out && n + 1 < size)
            out[n++] = c;
    }
    return false;
}

/* Skips any JSON value; false when malformed or too deep. */
static bool jp_skip(struct jp *p)
{
    jp_ws(p);
    if (p->s >= p->end)
        return false;
    char c = *p->s;
    if (c == '"')
        return jp_string(p, NULL, 0);
    if (c == '{' || c == '[') {
        if (++p->depth > 64)
            return false;
        char close = c == '{' ? '}' : ']';
        p->s++;
        jp_ws(p);
        if (p->s < p->end && *p->s == close) {
            p->s++;
            p->depth--;
            return true;
        }
        for (;;) {
            if (c == '{') {
                jp_ws(p);
                if (p->s >= p->end || *p->s != '"' || !jp_string(p, NULL, 0))
                    return false;
                jp_ws(p);
                if (p->s >= p->end || *p->s++ != ':')
                    return false;
            }
            if (!jp_skip(p))
                return false;
            jp_ws(p);
            if (p->s >= p->end)
                return false;
            if (*p->s == ',') {
                p->s++;
                continue;
            }
            if (*p->s == close) {
                p->s++;
                p->depth--;
                return true;
            }
            return false;
        }
    }
    const char *st = p->s;
    while (p->s < p->end && !strchr(",}] \n\r\t", *p->s))
        p->s++;
    return p->s > st;
}

static void set_field(struct rundir_meta *m, const char *key, const char *sval, double nval,
                      bool is_num, bool bval, bool is_bool)
{
#define S(name)                                                                                 \
    if (!strcmp(key, #name)) {                                                                  \
        if (sval)                                                                               \
            string_copy(m->name, sval);                                                         \
        return;                                                                                 \
    }
    S(status) S(backend) S(model) S(model_name) S(amp) S(tf_version) S(onednn_version)
    S(ampscope_version) S(cpu_model) S(cpu_flags) S(started) S(finished) S(failure) S(list_env)
    S(inputs) S(command) S(env) S(hostname)
#undef S
    if (is_bool && !strcmp(key, "compare")) {
        m->compare = bval;
        return;
    }
    if (!is_num)
        return;
    /* hostile numbers: clamp before converting (no float-cast overflow) */
    double c = nval != nval ? 0 : nval < -2147483647.0 ? -2147483647.0 : nval > 2147483647.0 ? 2147483647.0 : nval;
    if (!strcmp(key, "format_version")) m->format_version = (int)c;
    else if (!strcmp(key, "warmup")) m->warmup = (int)c;
    else if (!strcmp(key, "iters")) m->iters = (int)c;
    else if (!strcmp(key, "batch")) m->batch = (int)c;
    else if (!strcmp(key, "seed")) m->seed = c < 0 ? 0 : (unsigned)c;
    else if (!strcmp(key, "timeout_s")) m->timeout_s = nval;
    else if (!strcmp(key, "exit_code")) m->exit_code = (int)c;
}

enum status rundir_read_meta(const char *dir, struct rundir_meta *m, struct err *e)
{
    rundir_meta_init(m);
    m->format_version = 0;
    m->status[0] = 0;
    m->ampscope_version[0] = 0;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return err_set(e, ST_ENOENT, "%s: no such run directory (%s)", dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return err_set(e, ST_ENOENT,
                       "%s is a file, not a run directory (a run directory holds meta.json, "
                       "verbose.log, ...; `ampscope run MODEL` makes one)",
                       dir);
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_META, path, sizeof path);
    char *data = NULL;
    size_t len = 0;
    struct err e2;
    if (util_read_file(path, META_MAX_BYTES, &data, &len, &e2) != ST_OK)
        return err_set(e, ST_ENOENT,
                       "%s is not a run directory: %s is missing or unreadable (%s); "
                       "runs are made by `ampscope run` or `ampscope analyze`",
                       dir, RUNDIR_META, e2.msg);
    enum status st = rundir_parse_meta(data, len, path, m, e);
    free(data);
    if (st == ST_EUNSUPPORTED)
        return err_set(e, ST_EUNSUPPORTED,
                       "%s was written by a newer ampscope (%s, run directory format %d; this is "
                       "ampscope %s, which reads format %d): upgrade ampscope to open it",
                       dir, m->ampscope_version[0] ? m->ampscope_version : "unknown version",
                       m->format_version, AMPSCOPE_VERSION, RUNDIR_FORMAT_VERSION);
    return st;
}

enum status rundir_parse_meta(const char *data, size_t len, const char *path,
                              struct rundir_meta *m, struct err *e)
{
    rundir_meta_init(m);
    m->format_version = 0;
    m->status[0] = 0;
    m->ampscope_version[0] = 0;
    const char *dir = path ? path : "meta.json";
    struct jp p = {data, data + len, 0};
    jp_ws(&p);
    if (p.s >= p.end || *p.s != '{') {
        return err_at(e, ST_EPARSE, dir, 1, 1,
                      "not a JSON object; the run directory's meta.json is damaged "
                      "(re-create it with `ampscope analyze MODEL --log %s/%s`)",
                      "RUN_DIR", RUNDIR_VERBOSE);
    }
    p.s++;
    bool any = false, complete = false;
    char key[64], *sval = xmalloc(4096);
    for (;;) {
        jp_ws(&p);
        if (p.s >= p.end)
            break;
        if (*p.s == '}') {
            complete = true;
            break;
        }
        if (*p.s == ',') {
            p.s++;
            continue;
        }
        if (*p.s != '"' || !jp_string(&p, key, sizeof key))
            break;
        jp_ws(&p);
        if (p.s >= p.end || *p.s != ':')
            break;
        p.s++;
        jp_ws(&p);
        if (p.s >= p.end)
            break;
        if (*p.s == '"') {
            if (!jp_string(&p, sval, 4096))
                break;
            set_field(m, key, sval, 0, false, false, false);
        } else if (*p.s == 't' || *p.s == 'f') {
            bool v = *p.s == 't';
            if (!jp_skip(&p))
                break;
            set_field(m, key, NULL, 0, false, v, true);
        } else if (*p.s == '-' || (*p.s >= '0' && *p.s <= '9')) {
            char num[64], *endp;
            size_t n = 0;
            while (p.s + n < p.end && n + 1 < sizeof num && strchr("+-0123456789.eE", p.s[n]))
                n++;
            memcpy(num, p.s, n);
            num[n] = 0;
            double v = strtod(num, &endp);
            if (endp == num)
                break;
            p.s += endp - num;
            set_field(m, key, NULL, v, true, false, false);
        } else if (!jp_skip(&p)) {
            break;
        }
        any = true;
    }
    free(sval);
    if (!any)
        return err_at(e, ST_EPARSE, dir, 1, 1,
                      "no fields could be read; meta.json is empty or damaged");
    if (m->format_version > RUNDIR_FORMAT_VERSION)
        return err_set(e, ST_EUNSUPPORTED,
                       "%s was written by a newer ampscope (%s, run directory format %d; this is "
                       "ampscope %s, which reads format %d): upgrade ampscope to open it",
                       dir, m->ampscope_version[0] ? m->ampscope_version : "unknown version",
                       m->format_version, AMPSCOPE_VERSION, RUNDIR_FORMAT_VERSION);
    if (m->format_version == 0)
        m->format_version = RUNDIR_FORMAT_VERSION;
    if (!m->status[0] || !complete)
        string_copy(m->status, m->status[0] ? m->status : "running");
    return ST_OK;
}

/* ---- creating ------------------------------------------------------------ */

static void sanitize(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++) {
        char c = *in;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        out[n++] = ok ? c : '_';
    }
    out[n] = 0;
    if (!n)
        snprintf(out, size, "model");
}

enum status rundir_create(const char *base, const char *model_name, char *out, size_t size,
                          struct err *e)
{
    if (!base)
        base = "runs";
    enum status st = util_mkdirs(base, e);
    if (st != ST_OK)
        return st;
    char name[128];
    sanitize(model_name ? model_name : "model", name, sizeof name);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y%m%d-%H%M%S", &tm);
    for (int i = 0; i < 1000; i++) {
        if (i == 0)
            snprintf(out, size, "%s/%s-%s", base, name, ts);
        else
            snprintf(out, size, "%s/%s-%s-%d", base, name, ts, i + 1);
        if (mkdir(out, 0755) == 0)
            return ST_OK;
        if (errno != EEXIST)
            return err_set(e, ST_EIO, "cannot create run directory %s: %s", out, strerror(errno));
    }
    return err_set(e, ST_ELIMIT, "cannot find a free run directory name under %s", base);
}

/* ---- the SavedModel selection ------------------------------------------- */

enum status rundir_write_select(const char *dir, const char *tag, const char *signature, struct err *e)
{
    if ((!tag || !*tag) && (!signature || !*signature))
        return ST_OK;
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_SELECT, path, sizeof path);
    char *text = xasprintf("tag=%s\nsignature=%s\n", tag ? tag : "", signature ? signature : "");
    enum status st = util_write_file_atomic(path, text, strlen(text), e);
    free(text);
    return st;
}

bool rundir_read_select(const char *dir, struct rundir_select *out)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    rundir_path(dir, RUNDIR_SELECT, path, sizeof path);
    char *data = NULL;
    size_t len = 0;
    struct err e;
    if (util_read_file(path, 4096, &data, &len, &e) != ST_OK)
        return false;
    for (char *save = NULL, *t = strtok_r(data, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(t, "tag=", 4))
            string_copy(out->tag, t + 4);
        else if (!strncmp(t, "signature=", 10))
            string_copy(out->signature, t + 10);
    }
    free(data);
    return true;
}
