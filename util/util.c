/* util.c: allocation, errors, append buffer, string pool, hash map, files.
 *
 * Everything here is small and dependency-free. Allocation failures are fatal
 * (after the die hook restores the terminal); every other failure is reported
 * through enum status + struct err so library code never exits.
 */
#define _POSIX_C_SOURCE 200809L
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *status_msgs[] = {
#define X(code, msg) msg,
    STATUS_CODES(X)
#undef X
};

const char *status_str(enum status st)
{
    if ((int)st < 0 || st >= ST__COUNT)
        return "unknown status";
    return status_msgs[st];
}

enum status err_set(struct err *e, enum status st, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->file[0] = 0;
        e->line = e->col = 0;
    }
    return st;
}

enum status err_at(struct err *e, enum status st, const char *file, long line,
                   long col, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        string_copy(e->file, file ? file : "");
        e->line = line;
        e->col = col;
    }
    return st;
}

void err_format(const struct err *e, char *buf, size_t size)
{
    if (e->file[0] && e->line > 0 && e->col > 0)
        snprintf(buf, size, "%s:%ld:%ld: %s", e->file, e->line, e->col, e->msg);
    else if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%ld: %s", e->file, e->line, e->msg);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s", e->file, e->msg);
    else
        snprintf(buf, size, "%s", e->msg);
}

/* ---- allocation -------------------------------------------------------- */

static void (*die_hook)(void);

void util_set_die_hook(void (*hook)(void)) { die_hook = hook; }

_Noreturn void die(const char *fmt, ...)
{
    if (die_hook)
        die_hook();
    va_list ap;
    va_start(ap, fmt);
    fputs("ampscope: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static _Noreturn void oom(size_t n)
{
    die("out of memory (asked for %zu bytes)", n);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void xgrow(void *arr_ptr, size_t *cap, size_t need, size_t elem)
{
    void **arr = arr_ptr;
    if (need <= *cap)
        return;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    *arr = xrealloc(*arr, nc * elem);
    *cap = nc;
}

void string_copy_n(char *dst, size_t size, const char *src)
{
    if (!size)
        return;
    size_t n = strlen(src);
    if (n < size) {
        memcpy(dst, src, n + 1);
        return;
    }
    memcpy(dst, src, size - 1);
    dst[size - 1] = 0;
    if (size > 4)
        memcpy(dst + size - 4, "...", 3);
}

/* ---- append buffer ----------------------------------------------------- */

void abuf_init(struct abuf *b) { memset(b, 0, sizeof *b); }

void abuf_done(struct abuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void abuf_reserve(struct abuf *b, size_t extra)
{
    xgrow(&b->data, &b->cap, b->len + extra + 1, 1);
}

void abuf_put(struct abuf *b, const char *s, size_t n)
{
    abuf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void abuf_puts(struct abuf *b, const char *s) { abuf_put(b, s, strlen(s)); }

void abuf_putc(struct abuf *b, char c) { abuf_put(b, &c, 1); }

void abuf_vprintf(struct abuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        abuf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void abuf_printf(struct abuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    abuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void abuf_json_str(struct abuf *b, const char *s)
{
    abuf_putc(b, '"');
    if (s) {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            switch (*p) {
            case '"': abuf_puts(b, "\\\""); break;
            case '\\': abuf_puts(b, "\\\\"); break;
            case '\n': abuf_puts(b, "\\n"); break;
            case '\r': abuf_puts(b, "\\r"); break;
            case '\t': abuf_puts(b, "\\t"); break;
            default:
                if (*p < 0x20)
                    abuf_printf(b, "\\u%04x", *p);
                else
                    abuf_putc(b, (char)*p);
            }
        }
    }
    abuf_putc(b, '"');
}

void abuf_json_num(struct abuf *b, double v)
{
    if (isnan(v) || isinf(v))
        abuf_puts(b, "null");
    else if (fabs(v) < 1e15 && v == (double)(long long)v) /* range first: the cast of a huge value is undefined */
        abuf_printf(b, "%lld", (long long)v);
    else
        abuf_printf(b, "%.6g", v);
}

/* ---- hashing ----------------------------------------------------------- */

uint64_t util_hash(const void *data, size_t n)
{
    /* FNV-1a, 64 bit. */
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* ---- string pool ------------------------------------------------------- */

struct pool_block {
    struct pool_block *next;
    size_t used, size;
    char data[];
};

struct strpool {
    struct pool_block *blocks;
    const char **slots; /* open-addressing table of interned strings */
    size_t cap, count, bytes;
};

struct strpool *strpool_new(void)
{
    struct strpool *p = xcalloc(1, sizeof *p);
    p->cap = 256;
    p->slots = xcalloc(p->cap, sizeof *p->slots);
    return p;
}

void strpool_free(struct strpool *p)
{
    if (!p)
        return;
    struct pool_block *b = p->blocks;
    while (b) {
        struct pool_block *n = b->next;
        free(b);
        b = n;
    }
    free(p->slots);
    free(p);
}

static char *pool_alloc(struct strpool *p, size_t n)
{
    struct pool_block *b = p->blocks;
    if (!b || b->size - b->used < n) {
        size_t sz = n > 65536 ? n : 65536;
        b = xmalloc(sizeof *b + sz);
        b->size = sz;
        b->used = 0;
        b->next = p->blocks;
        p->blocks = b;
    }
    char *r = b->data + b->used;
    b->used += n;
    p->bytes += n;
    return r;
}

static void pool_rehash(struct strpool *p)
{
    size_t nc = p->cap * 2;
    const char **ns = xcalloc(nc, sizeof *ns);
    for (size_t i = 0; i < p->cap; i++) {
        const char *s = p->slots[i];
        if (!s)
            continue;
        size_t h = (size_t)util_hash(s, strlen(s)) & (nc - 1);
        while (ns[h])
            h = (h + 1) & (nc - 1);
        ns[h] = s;
    }
    free(p->slots);
    p->slots = ns;
    p->cap = nc;
}

const char *strpool_intern(struct strpool *p, const char *s, size_t n)
{
    if (p->count * 2 >= p->cap)
        pool_rehash(p);
    size_t h = (size_t)util_hash(s, n) & (p->cap - 1);
    while (p->slots[h]) {
        const char *c = p->slots[h];
        if (strncmp(c, s, n) == 0 && c[n] == 0)
            return c;
        h = (h + 1) & (p->cap - 1);
    }
    char *c = pool_alloc(p, n + 1);
    memcpy(c, s, n);
    c[n] = 0;
    p->slots[h] = c;
    p->count++;
    return c;
}

size_t strpool_bytes(const struct strpool *p) { return p->bytes; }

/* ---- string -> int map ------------------------------------------------- */

void strmap_init(struct strmap *m) { memset(m, 0, sizeof *m); }

void strmap_done(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static void strmap_rehash(struct strmap *m)
{
    size_t nc = m->cap ? m->cap * 2 : 64;
    const char **nk = xcalloc(nc, sizeof *nk);
    int *nv = xcalloc(nc, sizeof *nv);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t h = (size_t)util_hash(m->keys[i], strlen(m->keys[i])) & (nc - 1);
        while (nk[h])
            h = (h + 1) & (nc - 1);
        nk[h] = m->keys[i];
        nv[h] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = nk;
    m->vals = nv;
    m->cap = nc;
}

void strmap_put(struct strmap *m, const char *key, int val)
{
    if ((m->count + 1) * 2 > m->cap)
        strmap_rehash(m);
    size_t n = strlen(key);
    size_t h = (size_t)util_hash(key, n) & (m->cap - 1);
    while (m->keys[h]) {
        if (strcmp(m->keys[h], key) == 0) {
            m->vals[h] = val;
            return;
        }
        h = (h + 1) & (m->cap - 1);
    }
    m->keys[h] = key;
    m->vals[h] = val;
    m->count++;
}

int strmap_getn(const struct strmap *m, const char *key, size_t n, int missing)
{
    if (!m->cap)
        return missing;
    size_t h = (size_t)util_hash(key, n) & (m->cap - 1);
    while (m->keys[h]) {
        if (strncmp(m->keys[h], key, n) == 0 && m->keys[h][n] == 0)
            return m->vals[h];
        h = (h + 1) & (m->cap - 1);
    }
    return missing;
}

int strmap_get(const struct strmap *m, const char *key, int missing)
{
    return strmap_getn(m, key, strlen(key), missing);
}

/* ---- files ------------------------------------------------------------- */

enum status util_read_file(const char *path, size_t limit, char **out, size_t *len,
                           struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_at(e, errno == ENOENT ? ST_ENOENT : ST_EIO, path, 0, 0,
                      "cannot open: %s", strerror(errno));
    struct abuf b;
    abuf_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (limit && b.len + n > limit) {
            fclose(f);
            abuf_done(&b);
            return err_at(e, ST_ELIMIT, path, 0, 0, "file is larger than %zu bytes", limit);
        }
        abuf_put(&b, tmp, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        abuf_done(&b);
        return err_at(e, ST_EIO, path, 0, 0, "read failed");
    }
    if (!b.data)
        abuf_put(&b, "", 0);
    *out = b.data;
    if (len)
        *len = b.len;
    return ST_OK;
}

enum status util_write_file_atomic(const char *path, const void *data, size_t len,
                                   struct err *e)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        enum status st = err_at(e, ST_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return st;
    }
    size_t w = fwrite(data, 1, len, f);
    int bad = (w != len) | (fflush(f) != 0);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        enum status st = err_at(e, ST_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return st;
    }
    free(tmp);
    return ST_OK;
}

enum status util_mkdirs(const char *path, struct err *e)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            enum status st = err_at(e, ST_EIO, p, 0, 0, "cannot create directory: %s",
                                    strerror(errno));
            free(p);
            return st;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        enum status st = err_at(e, ST_EIO, p, 0, 0, "cannot create directory: %s",
                                strerror(errno));
        free(p);
        return st;
    }
    free(p);
    return ST_OK;
}

double util_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double util_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int util_use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(f));
}
