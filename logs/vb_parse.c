/* vb_parse.c: interprets one oneDNN verbose record, every era (0.x mkldnn
 * without engine, 1.0 with engine, 1.1+ with attributes, optional timestamp,
 * 3.3+ API-type field, 3.6+ `v1` marker, diagnostics, graph-API lines, GPU
 * lines without time). Fields are split by libcsv with quoting disabled (the
 * quote byte is one absent from the line): oneDNN never quotes, so a `"` is a
 * literal character and a comma always separates fields; free-text parts
 * (info, messages) are taken from the raw line instead.
 */
#include "logs/vb_int.h"

#include <csv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VB_MAX_FIELDS 64

struct fields {
    int n;                          /* all fields (may exceed VB_MAX_FIELDS) */
    const char *s[VB_MAX_FIELDS];   /* trimmed text, NUL-terminated in buf */
    size_t len[VB_MAX_FIELDS];
    size_t raw[VB_MAX_FIELDS];      /* offset of the field in the record */
    char *buf;
    size_t used;
};

static void on_field(void *s, size_t n, void *data)
{
    struct fields *f = data;
    if (f->n < VB_MAX_FIELDS) {
        char *d = f->buf + f->used;
        if (n)
            memcpy(d, s, n);
        d[n] = 0;
        f->s[f->n] = d;
        f->len[f->n] = n;
        f->used += n + 1;
    }
    f->n++;
}

static void on_row(int c, void *data)
{
    (void)c;
    (void)data;
}

static int no_term(unsigned char c)
{
    (void)c;
    return 0;
}

/* ---- small helpers ------------------------------------------------------ */

static bool fpre(const struct fields *f, int i, const char *lit)
{
    size_t n = strlen(lit);
    return i < f->n && i < VB_MAX_FIELDS && f->len[i] >= n && memcmp(f->s[i], lit, n) == 0;
}

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A timestamp: digits with a decimal point, as std::to_string(double) prints. */
static bool is_ts(const char *s, size_t n)
{
    if (n < 3 || s[0] < '0' || s[0] > '9')
        return false;
    int dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return dots == 1;
}

static bool is_engine(const char *s, size_t n)
{
    return n >= 3 && (!memcmp(s, "cpu", 3) || !memcmp(s, "gpu", 3));
}

static bool is_api(const char *s, size_t n)
{
    return (n == 9 && !memcmp(s, "primitive", 9)) || (n == 5 && !memcmp(s, "graph", 5)) ||
           (n == 6 && !memcmp(s, "common", 6)) || (n == 7 && !memcmp(s, "ukernel", 7));
}

static const char *fin(vb_reader *r, const struct fields *f, int i)
{
    if (i >= f->n || i >= VB_MAX_FIELDS)
        return vb_reader_intern_n(r, "", 0);
    return vb_reader_intern_n(r, f->s[i], f->len[i]);
}

/* Raw text of the record from field i to the end, trimmed. */
static const char *raw_rest(vb_reader *r, const char *m, const char *e, const struct fields *f,
                            int i)
{
    if (i >= f->n || i >= VB_MAX_FIELDS)
        return vb_reader_intern_n(r, "", 0);
    const char *s = m + f->raw[i];
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    const char *t = e;
    while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
        t--;
    return vb_reader_intern_n(r, s, (size_t)(t - s));
}

/* ---- records ------------------------------------------------------------ */

static void ev_reset(vb_reader *r, struct vb_event *ev)
{
    const char *empty = vb_reader_intern_n(r, "", 0);
    memset(ev, 0, sizeof *ev);
    ev->marker = ev->op = ev->engine = ev->prim = ev->impl = ev->prop = empty;
    ev->mds = ev->attrs = ev->aux = ev->problem = ev->message = ev->api = empty;
    ev->time_ms = NAN;
    ev->ts_ms = NAN;
}

/* Graph-API line: engine,partition_id,partition_kind,ops,formats,tensors,
 * fpm:<mode>,[scratchpad:N,][impl,]backend,time */
static int parse_graph(vb_reader *r, const char *m, const char *e, const struct fields *f, int i,
                       struct vb_event *ev, struct vb_parse_info *info)
{
    int n = f->n < VB_MAX_FIELDS ? f->n : VB_MAX_FIELDS;
    ev->kind = VB_GRAPH;
    ev->message = raw_rest(r, m, e, f, i);
    if (i >= n)
        return 1;
    ev->engine = fin(r, f, i);
    int q = -1;
    for (int k = i + 1; k < n; k++)
        if (fpre(f, k, "fpm:")) {
            q = k;
            break;
        }
    double t;
    int last = n - 1;
    if (last > i && vb_parse_num(f->s[last], f->len[last], &t)) {
        ev->time_ms = t;
        last--;
        info->cacheable = f->n <= VB_MAX_FIELDS;
    }
    if (q > 0) {
        ev->prim = fin(r, f, i + 2);
        ev->problem = fin(r, f, i + 3);
        if (q - 1 > i + 3)
            ev->mds = fin(r, f, q - 1);
        ev->attrs = fin(r, f, q);
        if (last > q) {
            ev->aux = fin(r, f, last); /* backend */
            for (int k = q + 1; k < last; k++)
                if (!fpre(f, k, "scratchpad:")) {
                    ev->impl = fin(r, f, k);
                    break;
                }
        }
        vb_parse_mds(r, ev, ev->mds, strlen(ev->mds));
    }
    ev->isa = vb_isa_of_impl(ev->impl, ev->engine);
    return 1;
}

/* Primitive create/exec line from field i (engine or, in 0.x, the kind). */
static int parse_prim(vb_reader *r, enum vb_marker mk, const struct fields *f, int i,
                      struct vb_event *ev, struct vb_parse_info *info)
{
    if (f->n > VB_MAX_FIELDS)
        return -1;
    int n = f->n;
    bool engine = i < n && is_engine(f->s[i], f->len[i]);
    int j = i + (engine ? 1 : 0);
    if (engine && j < n && all_digits(f->s[j], f->len[j]))
        return -2; /* a graph line whose component reads "primitive" (3.12-dev) */
    if (j + 4 > n)
        return -1;
    bool attrs = mk != VB_MK_MKLDNN, aux = true;
    int base = attrs ? 4 : 3; /* [attrs,]aux,prb,time */
    int k = n - (j + 4);
    bool has_time = true, merged = false;
    double t = NAN;
    const char *last = f->s[n - 1];
    size_t lastn = f->len[n - 1];
    if (k == base) {
        if (!vb_parse_num(last, lastn, &t))
            return -1;
    } else if (k == base - 1 && attrs && f->len[j] == 8 && !memcmp(f->s[j], "gemm_api", 8)) {
        aux = false; /* 2.7: gemm_api,,undef,<mds>,<attrs>,<prb>,<time> */
        if (!vb_parse_num(last, lastn, &t))
            return -1;
    } else if (k == base - 1 && attrs && !all_digits(last, lastn) && vb_parse_num(last, lastn, &t)) {
        attrs = false; /* v0.95-1.0 shape under the dnnl_verbose marker (aux num:1) */
    } else if (k == base - 1 && engine && !strncmp(f->s[i], "gpu", 3)) {
        has_time = false; /* GPU exec lines of 1.0/1.1/2.0-beta, 3.8-dev */
    } else if (k == base + 1 && all_digits(f->s[n - 2], f->len[n - 2]) && all_digits(last, lastn)) {
        /* Windows 0.x: the time printed with a locale decimal comma "1,432" */
        char tmp[80];
        if (f->len[n - 2] + lastn + 2 > sizeof tmp)
            return -1;
        size_t a = f->len[n - 2];
        memcpy(tmp, f->s[n - 2], a);
        tmp[a] = '.';
        memcpy(tmp + a + 1, last, lastn);
        if (!vb_parse_num(tmp, a + 1 + lastn, &t))
            return -1;
        merged = true;
    } else {
        return -1;
    }
    ev->engine = engine ? fin(r, f, i) : vb_reader_intern_n(r, "", 0);
    ev->prim = vb_norm_prim(r, f->s[j], f->len[j]);
    ev->impl = fin(r, f, j + 1);
    ev->prop = fin(r, f, j + 2);
    ev->mds = fin(r, f, j + 3);
    int a = j + 4;
    if (attrs)
        ev->attrs = fin(r, f, a++);
    if (aux)
        ev->aux = fin(r, f, a++);
    ev->problem = fin(r, f, a++);
    ev->time_ms = has_time ? t : NAN;
    ev->isa = vb_isa_of_impl(ev->impl, ev->engine);
    vb_parse_mds(r, ev, f->s[j + 3], f->len[j + 3]);
    info->cacheable = has_time && !merged;
    return 1;
}

int vb_parse_record(vb_reader *r, const char *m, const char *e, enum vb_marker mk,
                    struct vb_event *ev, struct vb_parse_info *info)
{
    static const char *const marker_names[VB_MK__COUNT] = {"mkldnn_verbose", "dnnl_verbose",
                                                           "onednn_verbose"};
    info->cacheable = false;
    info->glued = NULL;
    ev_reset(r, ev);
    ev->marker = vb_reader_intern_n(r, marker_names[mk], strlen(marker_names[mk]));

    /* A second marker inside the record: two records glued on one line. */
    {
        size_t ml = vb_marker_len(mk) + 1;
        enum vb_marker mk2;
        const char *g = vb_find_marker(m + ml, (size_t)(e - m) - ml, &mk2);
        if (g) {
            info->glued = g;
            e = g;
        }
    }
    size_t n = (size_t)(e - m);
    if (n == 0)
        return -1;

    /* Quote byte: one that does not occur in the record, so libcsv never
     * treats anything as quoted. */
    static const unsigned char cand[] = {0x1f, 0x1e, 0x1d, 0x1c, 0x01, 0x02, 0x03, 0x04, 0x7f};
    unsigned char quote = 0;
    for (size_t c = 0; c < sizeof cand && !quote; c++)
        if (!memchr(m, cand[c], n))
            quote = cand[c];
    if (!quote)
        return -1;

    struct fields f;
    f.n = 0;
    f.used = 0;
    f.buf = xmalloc(n + VB_MAX_FIELDS + 1);
    struct csv_parser *p = vb_reader_csv(r);
    csv_set_quote(p, quote);
    csv_set_term_func(p, no_term);
    csv_parse(p, m, n, on_field, on_row, &f);
    csv_fini(p, on_field, on_row, &f);
    /* Raw field offsets (commas are the only separators, see above). */
    {
        int k = 0;
        f.raw[k++] = 0;
        for (size_t o = 0; o < n && k < VB_MAX_FIELDS; o++)
            if (m[o] == ',')
                f.raw[k++] = o + 1;
    }

    int res = -1;
    int nf = f.n < VB_MAX_FIELDS ? f.n : VB_MAX_FIELDS;
    int i = 1;
    bool ts_normal = true;
    double ts;
    if (i < nf && f.len[i] >= 2 && f.s[i][0] == 'v' && all_digits(f.s[i] + 1, f.len[i] - 1))
        i++;
    if (i < nf && is_ts(f.s[i], f.len[i]) && vb_parse_num(f.s[i], f.len[i], &ts)) {
        ev->ts_ms = ts;
        i++;
    }
    if (i < nf && is_api(f.s[i], f.len[i]))
        ev->api = fin(r, &f, i++);
    if (isnan(ev->ts_ms) && i < nf && is_ts(f.s[i], f.len[i]) &&
        vb_parse_num(f.s[i], f.len[i], &ts)) {
        ev->ts_ms = ts;
        ts_normal = false;
        i++;
    }
    if (i >= nf)
        goto out;
    ev->op = fin(r, &f, i);
    const char *op = ev->op;
    i++;
    if (!strcmp(op, "info")) {
        ev->kind = VB_INFO;
        if (i < nf && is_engine(f.s[i], f.len[i]))
            ev->engine = fin(r, &f, i);
        ev->message = raw_rest(r, m, e, &f, i);
        res = 1;
    } else if (!strcmp(ev->api, "graph")) {
        if (!strcmp(op, "create:check") || !strcmp(op, "exec:check")) {
            ev->kind = VB_CHECK;
            ev->prim = fin(r, &f, i);
            ev->message = raw_rest(r, m, e, &f, i + 1);
            res = 1;
        } else if (!strcmp(op, "create:dispatch")) {
            ev->kind = VB_DISPATCH;
            ev->prim = fin(r, &f, i);
            ev->message = raw_rest(r, m, e, &f, i + 1);
            res = 1;
        } else if (!strcmp(op, "error") || !strcmp(op, "warning")) {
            ev->kind = op[0] == 'e' ? VB_ERROR : VB_WARN;
            ev->prim = fin(r, &f, i);
            ev->message = raw_rest(r, m, e, &f, i + 1);
            res = 1;
        } else {
            res = parse_graph(r, m, e, &f, i, ev, info);
        }
    } else if (!strcmp(op, "exec") || !strcmp(op, "create") || !strncmp(op, "create:", 7) ||
               !strncmp(op, "create_nested", 13)) {
        if (!strcmp(op, "create:check")) {
            ev->kind = VB_CHECK;
            ev->prim = fin(r, &f, i);
            ev->message = raw_rest(r, m, e, &f, i + 1);
            res = 1;
        } else if (!strcmp(op, "create:dispatch")) {
            ev->kind = VB_DISPATCH;
            ev->prim = fin(r, &f, i);
            if (nf > i + 9 && is_engine(f.s[i + 1], f.len[i + 1])) {
                /* long form: the full primitive info, then reason,file:line */
                ev->engine = fin(r, &f, i + 1);
                ev->prim = vb_norm_prim(r, f.s[i + 2], f.len[i + 2]);
                ev->impl = fin(r, &f, i + 3);
                ev->prop = fin(r, &f, i + 4);
                ev->mds = fin(r, &f, i + 5);
                ev->attrs = fin(r, &f, i + 6);
                ev->aux = fin(r, &f, i + 7);
                ev->problem = fin(r, &f, i + 8);
                vb_parse_mds(r, ev, f.s[i + 5], f.len[i + 5]);
                ev->isa = vb_isa_of_impl(ev->impl, ev->engine);
                ev->message = raw_rest(r, m, e, &f, i + 9);
            } else {
                ev->message = raw_rest(r, m, e, &f, i + 1);
            }
            res = 1;
        } else {
            ev->kind = !strncmp(op, "create_nested", 13) ? VB_CREATE_NESTED
                       : op[0] == 'e'                      ? VB_EXEC
                                                           : VB_CREATE;
            res = parse_prim(r, mk, &f, i, ev, info);
            if (res == -2) {
                ev_reset(r, ev);
                ev->marker = vb_reader_intern_n(r, marker_names[mk], strlen(marker_names[mk]));
                ev->op = op;
                ev->api = vb_reader_intern_n(r, "graph", 5);
                res = parse_graph(r, m, e, &f, i, ev, info);
                info->cacheable = false;
            } else if (res == 1 && !strcmp(ev->prim, "gemm_api")) {
                ev->isa = VB_ISA_GEMM;
            }
        }
    } else if (is_engine(op, strlen(op)) && i < nf) {
        /* 3.8 AArch64: "onednn_verbose,v1,cpu,acl,unsupported: ..." (no op) */
        ev->kind = VB_DISPATCH;
        ev->engine = op;
        ev->op = vb_reader_intern_n(r, "", 0);
        ev->prim = fin(r, &f, i);
        ev->message = raw_rest(r, m, e, &f, i + 1);
        res = 1;
    } else if (!strcmp(op, "exec:check")) {
        ev->kind = VB_CHECK;
        ev->prim = fin(r, &f, i);
        ev->message = raw_rest(r, m, e, &f, i + 1);
        res = 1;
    } else if (!strcmp(op, "error") || !strcmp(op, "warning") || !strcmp(op, "warn")) {
        ev->kind = op[0] == 'e' ? VB_ERROR : VB_WARN;
        ev->prim = fin(r, &f, i);
        ev->message = raw_rest(r, m, e, &f, i + 1);
        res = 1;
    } else if (!strncmp(op, "exec:external", 13)) {
        ev->kind = VB_EXTERNAL;
        ev->impl = fin(r, &f, i);
        ev->message = raw_rest(r, m, e, &f, i);
        double t;
        if (nf > i + 1 && vb_parse_num(f.s[nf - 1], f.len[nf - 1], &t))
            ev->time_ms = t;
        res = 1;
    } else if (!strncmp(op, "debuginfo", 9) || !strcmp(op, "exec:debug") ||
               !strcmp(op, "create:debug")) {
        ev->kind = VB_DEBUG;
        ev->message = raw_rest(r, m, e, &f, i);
        res = 1;
    }
out:
    if (res != 1 || !ts_normal || info->glued)
        info->cacheable = false;
    free(f.buf);
    return res == 1 ? 1 : -1;
}
