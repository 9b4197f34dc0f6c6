/* verbose.c: the streaming oneDNN verbose reader. Bytes arrive in chunks; the
 * reader cuts them into lines (bounded: longer lines are cut and counted),
 * finds a verbose marker anywhere in the line (program output may precede it),
 * and parses the record. Real logs repeat the same primitive thousands of
 * times, so parsed shapes are cached keyed by the line minus its timestamp
 * and time (as oneDNN's verbose_converter does); a hit costs a hash and a
 * compare. Memory is bounded: the cache is flushed when full and the string
 * pool has a hard cap. Files, stdin and gzip (detected by magic) via zlib.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, memrchr */
#endif
#include "logs/vb_int.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define VB_MAX_LINE (1u << 20)          /* longer lines are cut and counted */
#define VB_POOL_LIMIT (128u << 20)      /* interned text, all distinct shapes */
#define VB_CACHE_MAX 16384              /* cached shapes before a flush */
#define VB_CACHE_KEY_BYTES (8u << 20)
#define VB_SAMPLES 5
#define VB_CHUNK (1u << 20)

struct shape {
    uint64_t hash;
    size_t klen;
    char *key;
    struct vb_event ev;
};

struct vb_reader {
    struct vb_sink sink;
    struct strpool *pool;
    struct vb_counts c;
    long line_no;
    char *pend;
    size_t plen, pcap;
    bool pend_over;
    struct shape **tab;
    size_t tcap, tcount, kbytes;
    char *samples[VB_SAMPLES];
    int nsamples;
    struct csv_parser csv;
    struct vb_event scratch;
    bool stopped;
    enum status st;
    char errmsg[512];
    void (*progress)(void *, long long);
    void *pctx;
    const char *cur_path; /* during vb_read_path: names unparsed samples */
    size_t pool_limit;
};

/* ---- markers ------------------------------------------------------------ */

static const char *const mk_text[VB_MK__COUNT] = {"mkldnn_verbose,", "dnnl_verbose,",
                                                  "onednn_verbose,"};
static const size_t mk_len[VB_MK__COUNT] = {14, 12, 14};

size_t vb_marker_len(enum vb_marker mk) { return mk_len[mk]; }

const char *vb_find_marker(const char *s, size_t n, enum vb_marker *mk)
{
    /* Common case: the line starts with the marker. */
    if (n >= 13) {
        if (s[0] == 'o' && n >= 15 && !memcmp(s, mk_text[VB_MK_ONEDNN], 15)) {
            *mk = VB_MK_ONEDNN;
            return s;
        }
        if (s[0] == 'd' && !memcmp(s, mk_text[VB_MK_DNNL], 13)) {
            *mk = VB_MK_DNNL;
            return s;
        }
        if (s[0] == 'm' && n >= 15 && !memcmp(s, mk_text[VB_MK_MKLDNN], 15)) {
            *mk = VB_MK_MKLDNN;
            return s;
        }
    }
    const char *p = s, *e = s + n;
    while (p < e) {
        const char *v = memmem(p, (size_t)(e - p), "_verbose,", 9);
        if (!v)
            return NULL;
        size_t before = (size_t)(v - s);
        if (before >= 6 && !memcmp(v - 6, "onednn", 6)) {
            *mk = VB_MK_ONEDNN;
            return v - 6;
        }
        if (before >= 6 && !memcmp(v - 6, "mkldnn", 6)) {
            *mk = VB_MK_MKLDNN;
            return v - 6;
        }
        if (before >= 4 && !memcmp(v - 4, "dnnl", 4)) {
            *mk = VB_MK_DNNL;
            return v - 4;
        }
        p = v + 1;
    }
    return NULL;
}

/* ---- reader lifetime ---------------------------------------------------- */

vb_reader *vb_reader_new(const struct vb_sink *sink)
{
    vb_reader *r = xcalloc(1, sizeof *r);
    if (sink)
        r->sink = *sink;
    r->pool = strpool_new();
    r->tcap = 1024;
    r->tab = xcalloc(r->tcap, sizeof *r->tab);
    r->pool_limit = VB_POOL_LIMIT;
    if (csv_init(&r->csv, CSV_APPEND_NULL) != 0)
        die("cannot initialise libcsv");
    csv_set_realloc_func(&r->csv, xrealloc);
    return r;
}

static void cache_flush(vb_reader *r)
{
    for (size_t i = 0; i < r->tcap; i++) {
        if (r->tab[i]) {
            free(r->tab[i]->key);
            free(r->tab[i]);
            r->tab[i] = NULL;
        }
    }
    r->tcount = 0;
    r->kbytes = 0;
}

void vb_reader_free(vb_reader *r)
{
    if (!r)
        return;
    cache_flush(r);
    free(r->tab);
    for (int i = 0; i < r->nsamples; i++)
        free(r->samples[i]);
    free(r->pend);
    csv_free(&r->csv);
    strpool_free(r->pool);
    free(r);
}

const struct vb_counts *vb_reader_counts(const vb_reader *r) { return &r->c; }

int vb_reader_unparsed_samples(const vb_reader *r, const char **out, int n)
{
    int k = 0;
    for (; k < n && k < r->nsamples; k++)
        out[k] = r->samples[k];
    return k;
}

const char *vb_reader_intern_n(vb_reader *r, const char *s, size_t n)
{
    return strpool_intern(r->pool, s, n);
}

const char *vb_reader_intern(vb_reader *r, const char *s)
{
    return strpool_intern(r->pool, s, strlen(s));
}

struct csv_parser *vb_reader_csv(vb_reader *r) { return &r->csv; }

const char *vb_reader_error(const vb_reader *r) { return r->errmsg; }

void vb_reader_set_pool_limit(vb_reader *r, size_t bytes)
{
    r->pool_limit = bytes ? bytes : VB_POOL_LIMIT;
}

void vb_reader_set_progress(vb_reader *r, void (*fn)(void *ctx, long long bytes), void *ctx)
{
    r->progress = fn;
    r->pctx = ctx;
}

/* ---- shape cache -------------------------------------------------------- */

static inline uint64_t hmix(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

/* Four independent lanes over 32-byte blocks (the multiplications overlap),
 * then the 8-byte words and the tail through one lane. */
static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
    if (n >= 32) {
        uint64_t a = h, b = h ^ 0xC2B2AE3D27D4EB4FULL, c = h ^ 0x165667B19E3779F9ULL,
                 d = h ^ 0x27D4EB2F165667C5ULL;
        while (n >= 32) {
            uint64_t w[4];
            memcpy(w, s, 32);
            a = hmix(a, w[0]);
            b = hmix(b, w[1]);
            c = hmix(c, w[2]);
            d = hmix(d, w[3]);
            s += 32;
            n -= 32;
        }
        h = hmix(hmix(hmix(a, b), c), d);
    }
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = hmix(h, w);
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = hmix(h, w ^ ((uint64_t)n << 56));
    }
    return h;
}

static struct shape *cache_find(vb_reader *r, uint64_t h, const char *a, size_t an,
                                const char *b, size_t bn)
{
    size_t mask = r->tcap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct shape *s = r->tab[i];
        if (!s)
            return NULL;
        if (s->hash == h && s->klen == an + bn && !memcmp(s->key, a, an) &&
            !memcmp(s->key + an, b, bn))
            return s;
    }
}

static void cache_put(vb_reader *r, uint64_t h, const char *a, size_t an, const char *b,
                      size_t bn, const struct vb_event *ev)
{
    if (r->tcount + 1 > VB_CACHE_MAX || r->kbytes + an + bn > VB_CACHE_KEY_BYTES)
        cache_flush(r);
    if ((r->tcount + 1) * 2 > r->tcap) {
        size_t nc = r->tcap * 2;
        struct shape **nt = xcalloc(nc, sizeof *nt);
        for (size_t i = 0; i < r->tcap; i++) {
            struct shape *s = r->tab[i];
            if (!s)
                continue;
            size_t j = (size_t)s->hash & (nc - 1);
            while (nt[j])
                j = (j + 1) & (nc - 1);
            nt[j] = s;
        }
        free(r->tab);
        r->tab = nt;
        r->tcap = nc;
    }
    struct shape *s = xmalloc(sizeof *s);
    s->hash = h;
    s->klen = an + bn;
    s->key = xmalloc(an + bn + 1);
    memcpy(s->key, a, an);
    memcpy(s->key + an, b, bn);
    s->ev = *ev;
    size_t j = (size_t)h & (r->tcap - 1);
    while (r->tab[j])
        j = (j + 1) & (r->tcap - 1);
    r->tab[j] = s;
    r->tcount++;
    r->kbytes += an + bn;
}

/* ---- one record --------------------------------------------------------- */

static bool isdig(char c) { return c >= '0' && c <= '9'; }

/* Parses the record at marker m (ending at e, or earlier at a glued second
 * marker, returned in *next). Returns 1/-1 like vb_parse_line; *out points at
 * an event owned by the reader (valid until the next record). */
static int parse_at(vb_reader *r, const char *m, const char *e, enum vb_marker mk,
                    struct vb_event **out, const char **next)
{
    *next = NULL;
    const char *p = m + mk_len[mk] + 1;
    if (e - p > 2 && p[0] == 'v' && isdig(p[1])) {
        const char *q = p + 1;
        while (q < e && isdig(*q))
            q++;
        if (q < e && *q == ',')
            p = q + 1;
    }
    const char *head_end = p, *ts = NULL, *ts_end = NULL, *lc = NULL;
    if (p < e && isdig(*p)) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        if (c) {
            ts = p;
            ts_end = c;
            p = c + 1;
        }
    }
    uint64_t h = 0;
    if (p < e)
        lc = memrchr(p, ',', (size_t)(e - p));
    if (lc) {
        h = hash_bytes(hash_bytes(0x243F6A8885A308D3ULL, m, (size_t)(head_end - m)), p,
                       (size_t)(lc - p));
        struct shape *s = cache_find(r, h, m, (size_t)(head_end - m), p, (size_t)(lc - p));
        double t, tsv = NAN;
        if (s && vb_parse_num(lc + 1, (size_t)(e - lc - 1), &t) &&
            (!ts || vb_parse_num(ts, (size_t)(ts_end - ts), &tsv))) {
            s->ev.time_ms = t;
            s->ev.ts_ms = tsv;
            s->ev.line_no = r->line_no;
            *out = &s->ev;
            return 1;
        }
    }
    struct vb_parse_info info;
    int res = vb_parse_record(r, m, e, mk, &r->scratch, &info);
    r->scratch.line_no = r->line_no;
    *out = &r->scratch;
    if (info.glued) {
        *next = info.glued;
        return res;
    }
    if (res == 1 && info.cacheable && lc && (ts != NULL) == !isnan(r->scratch.ts_ms))
        cache_put(r, h, m, (size_t)(head_end - m), p, (size_t)(lc - p), &r->scratch);
    if (strpool_bytes(r->pool) > r->pool_limit && !r->stopped) {
        snprintf(r->errmsg, sizeof r->errmsg,
                 "more than %zu KiB of distinct primitive shapes and messages by line %ld; "
                 "split the log or filter it (grep exec) before reading it",
                 r->pool_limit >> 10, r->line_no);
        r->stopped = true;
        r->st = ST_ELIMIT;
    }
    return res;
}

int vb_parse_line(vb_reader *r, const char *line, size_t len, struct vb_event *ev)
{
    enum vb_marker mk;
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' ' ||
                   line[len - 1] == '\t'))
        len--;
    const char *m = vb_find_marker(line, len, &mk);
    if (!m)
        return 0;
    struct vb_parse_info info;
    int res = vb_parse_record(r, m, line + len, mk, ev, &info);
    ev->line_no = 0;
    return res;
}

/* Keeps "path:line: record" (or "line N: record"), cut at 300 bytes. */
static void add_sample(vb_reader *r, const char *s, size_t n)
{
    if (r->nsamples >= VB_SAMPLES)
        return;
    if (n > 300)
        n = 300;
    if (r->cur_path)
        r->samples[r->nsamples++] = xasprintf("%s:%ld: %.*s", r->cur_path, r->line_no, (int)n, s);
    else
        r->samples[r->nsamples++] = xasprintf("line %ld: %.*s", r->line_no, (int)n, s);
}

static void stop(vb_reader *r)
{
    r->stopped = true;
    r->st = ST_ECANCEL;
    snprintf(r->errmsg, sizeof r->errmsg, "stopped by the consumer at line %ld", r->line_no);
}

static void process_line(vb_reader *r, const char *s, size_t n, bool cut)
{
    r->c.lines++;
    r->line_no++;
    if (n && s[n - 1] == '\r')
        n--;
    enum vb_marker mk;
    const char *m = vb_find_marker(s, n, &mk);
    if (!m) {
        r->c.other_lines++;
        if (r->sink.other && r->sink.other(r->sink.ctx, s, n, r->line_no))
            stop(r);
        return;
    }
    if (cut) {
        r->c.unparsed++;
        add_sample(r, m, (size_t)(s + n - m));
        return;
    }
    const char *e = s + n;
    while (e > m && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    bool first = true;
    while (m && !r->stopped) {
        struct vb_event *ev;
        const char *next;
        int res = parse_at(r, m, e, mk, &ev, &next);
        if (res == 1) {
            if (first)
                r->c.verbose_lines++;
            else
                r->c.glued++;
            if (r->sink.event && r->sink.event(r->sink.ctx, ev))
                stop(r);
        } else {
            r->c.unparsed++;
            add_sample(r, m, (size_t)((next ? next : e) - m));
        }
        first = false;
        m = next;
        if (m)
            vb_find_marker(m, (size_t)(e - m), &mk);
    }
}

/* ---- feeding ------------------------------------------------------------ */

static void pend_add(vb_reader *r, const char *s, size_t n)
{
    if (r->plen + n > VB_MAX_LINE) {
        n = VB_MAX_LINE - r->plen;
        r->pend_over = true;
    }
    if (!n)
        return;
    xgrow(&r->pend, &r->pcap, r->plen + n, 1);
    memcpy(r->pend + r->plen, s, n);
    r->plen += n;
}

enum status vb_reader_feed(vb_reader *r, const char *buf, size_t len)
{
    if (r->stopped)
        return r->st;
    r->c.bytes += (long long)len;
    const char *p = buf, *end = buf + len;
    if (r->plen || r->pend_over) {
        const char *nl = memchr(p, '\n', len);
        pend_add(r, p, nl ? (size_t)(nl - p) : len);
        if (!nl)
            return ST_OK;
        process_line(r, r->pend, r->plen, r->pend_over);
        r->plen = 0;
        r->pend_over = false;
        p = nl + 1;
    }
    while (p < end && !r->stopped) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            pend_add(r, p, (size_t)(end - p));
            break;
        }
        size_t n = (size_t)(nl - p);
        if (n > VB_MAX_LINE)
            process_line(r, p, VB_MAX_LINE, true);
        else
            process_line(r, p, n, false);
        p = nl + 1;
    }
    return r->stopped ? r->st : ST_OK;
}

enum status vb_reader_finish(vb_reader *r)
{
    if (r->stopped)
        return r->st;
    if (r->plen || r->pend_over)
        process_line(r, r->pend, r->plen, r->pend_over);
    r->plen = 0;
    r->pend_over = false;
    return r->stopped ? r->st : ST_OK;
}

/* ---- files -------------------------------------------------------------- */

static ssize_t read_some(int fd, char *buf, size_t n)
{
    for (;;) {
        ssize_t k = read(fd, buf, n);
        if (k >= 0 || errno != EINTR)
            return k;
    }
}

static enum status reader_status(vb_reader *r, const char *path, struct err *e, enum status st)
{
    return err_at(e, st, path, r->line_no, 0, "%s", r->errmsg);
}

enum status vb_read_path(vb_reader *r, const char *path, struct err *e)
{
    bool is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_at(e, errno == ENOENT ? ST_ENOENT : ST_EIO, path, 0, 0, "cannot open: %s",
                      strerror(errno));
    struct stat stt;
    if (fstat(fd, &stt) == 0 && S_ISDIR(stt.st_mode)) {
        if (!is_stdin)
            close(fd);
        return err_at(e, ST_EIO, path, 0, 0, "is a directory; give the log file inside it");
    }
    r->line_no = 0;
    r->cur_path = path;
    char *in = xmalloc(VB_CHUNK);
    char *out = NULL;
    z_stream zs;
    bool gz = false, zinit = false;
    enum status st = ST_OK;
    long long total = 0, next_progress = 64LL << 20;
    bool gz_done = false;
    for (;;) {
        ssize_t k = read_some(fd, in, VB_CHUNK);
        if (k < 0) {
            st = err_at(e, ST_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
            break;
        }
        if (total == 0 && k >= 2 && (unsigned char)in[0] == 0x1f && (unsigned char)in[1] == 0x8b)
            gz = true;
        total += k;
        if (r->progress && total >= next_progress) {
            r->progress(r->pctx, total);
            next_progress += 64LL << 20;
        }
        if (k == 0)
            break;
        if (!gz) {
            st = vb_reader_feed(r, in, (size_t)k);
            if (st != ST_OK) {
                st = reader_status(r, path, e, st);
                break;
            }
            continue;
        }
        if (!zinit) {
            memset(&zs, 0, sizeof zs);
            if (inflateInit2(&zs, 15 + 32) != Z_OK) {
                st = err_at(e, ST_EIO, path, 0, 0, "cannot initialise zlib");
                break;
            }
            zinit = true;
            out = xmalloc(VB_CHUNK);
        }
        zs.next_in = (Bytef *)in;
        zs.avail_in = (uInt)k;
        while (zs.avail_in > 0 && st == ST_OK) {
            if (gz_done) {
                /* concatenated gzip members (cat a.gz b.gz) */
                if (inflateReset(&zs) != Z_OK)
                    break;
                gz_done = false;
            }
            zs.next_out = (Bytef *)out;
            zs.avail_out = VB_CHUNK;
            int zr = inflate(&zs, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
                st = err_at(e, ST_EIO, path, 0, 0,
                            "corrupt gzip data after %lu compressed bytes (%s); check the file "
                            "with `gzip -t`",
                            zs.total_in, zs.msg ? zs.msg : "inflate error");
                break;
            }
            size_t got = VB_CHUNK - zs.avail_out;
            if (got) {
                enum status fs = vb_reader_feed(r, out, got);
                if (fs != ST_OK) {
                    st = reader_status(r, path, e, fs);
                    break;
                }
            }
            if (zr == Z_STREAM_END)
                gz_done = true;
            else if (zr == Z_BUF_ERROR && got == 0)
                break;
        }
        if (st != ST_OK)
            break;
    }
    if (st == ST_OK && gz && !gz_done)
        st = err_at(e, ST_EIO, path, 0, 0,
                    "the gzip stream ends early (truncated file?); the lines before the cut "
                    "were read");
    if (zinit)
        inflateEnd(&zs);
    free(out);
    free(in);
    if (!is_stdin)
        close(fd);
    enum status fs = vb_reader_finish(r);
    if (st == ST_OK && fs != ST_OK)
        st = reader_status(r, path, e, fs);
    r->cur_path = NULL;
    return st;
}
