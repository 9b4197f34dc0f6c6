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

/* ---- numbers ------------------------------------------------------------ */

static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};

int vb_parse_num(const char *s, size_t n, double *out)
{
    if (n && s[n - 1] == '.' && n > 1 && memchr(s, '.', n - 1))
        n--; /* "0.0319824." pasted at the end of a sentence */
    if (!n || n > 40)
        return 0;
    /* Fast path: [digits][.digits] with at most 19 significant digits. */
    size_t i = 0;
    uint64_t mant = 0;
    int digits = 0, frac = 0;
    bool dot = false, simple = true;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(c - '0');
                digits++;
                if (dot)
                    frac++;
            } else {
                simple = false;
                break;
            }
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            simple = false;
            break;
        }
    }
    if (simple && digits > 0) {
        *out = (double)mant / pow10_tab[frac];
        return 1;
    }
    /* %g exponent forms and anything long: strtod on a bounded copy (the
     * library never calls setlocale, so the decimal point is '.'). */
    char tmp[48];
    memcpy(tmp, s, n);
    tmp[n] = 0;
    for (size_t k = 0; k < n; k++) {
        char c = tmp[k];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return 0;
    }
    char *end = NULL;
    double v = strtod(tmp, &end);
    if (end != tmp + n || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* ---- data types --------------------------------------------------------- */

static const struct {
    const char *name;
    enum vb_dt dt;
} dt_names[] = {
    /* longest first: suffix matching ("src_f8_e5m2") relies on it */
    {"f8_e5m2", VB_DT_F8}, {"f8_e4m3", VB_DT_F8},  {"f4_e2m1", VB_DT_OTHER}, {"f4_e3m0", VB_DT_OTHER},
    {"boolean", VB_DT_BOOL}, {"undef", VB_DT_UNDEF}, {"e8m0", VB_DT_OTHER},  {"bf16", VB_DT_BF16},
    {"f16", VB_DT_F16},     {"f32", VB_DT_F32},     {"f64", VB_DT_F64},      {"s32", VB_DT_S32},
    {"s64", VB_DT_OTHER},   {"s8", VB_DT_S8},       {"u8", VB_DT_U8},        {"s4", VB_DT_S4},
    {"u4", VB_DT_U4},       {"bool", VB_DT_BOOL},
};
#define N_DT_NAMES (sizeof dt_names / sizeof dt_names[0])

/* Returns 1 and sets *dt when s[0..n) is a data type name. */
static int dt_lookup(const char *s, size_t n, enum vb_dt *dt)
{
    for (size_t i = 0; i < N_DT_NAMES; i++) {
        size_t k = strlen(dt_names[i].name);
        if (k == n && !memcmp(s, dt_names[i].name, n)) {
            *dt = dt_names[i].dt;
            return 1;
        }
    }
    return 0;
}

enum vb_dt vb_dt_parse(const char *s, size_t n)
{
    enum vb_dt dt;
    if (dt_lookup(s, n, &dt))
        return dt;
    return VB_DT_OTHER;
}

/* "src_f32" -> arg "src", dt f32; returns the arg length or 0. */
static size_t dt_suffix(const char *s, size_t n, enum vb_dt *dt)
{
    for (size_t i = 0; i < N_DT_NAMES; i++) {
        size_t k = strlen(dt_names[i].name);
        if (n > k + 1 && s[n - k - 1] == '_' && !memcmp(s + n - k, dt_names[i].name, k)) {
            *dt = dt_names[i].dt;
            return n - k - 1;
        }
    }
    return 0;
}

/* ---- memory descriptors ------------------------------------------------- */

#define MAX_PARTS 8

static void add_md(vb_reader *r, struct vb_event *ev, const char *arg, size_t an, enum vb_dt dt,
                   const char *kind, size_t kn, const char *tag, size_t tn)
{
    if (ev->n_md >= VB_MAX_MDS)
        return;
    struct vb_md *md = &ev->md[ev->n_md++];
    md->arg = vb_reader_intern_n(r, arg, an);
    md->dt = dt;
    md->kind = vb_reader_intern_n(r, kind, kn);
    md->tag = vb_reader_intern_n(r, tag, tn);
}

/* One md token in any era's syntax. */
static void parse_md(vb_reader *r, struct vb_event *ev, const char *s, size_t n)
{
    const char *part[MAX_PARTS];
    size_t plen[MAX_PARTS];
    int np = 0;
    const char *p = s, *e = s + n;
    while (np < MAX_PARTS) {
        const char *c = memchr(p, ':', (size_t)(e - p));
        part[np] = p;
        plen[np] = (size_t)((c ? c : e) - p);
        np++;
        if (!c)
            break;
        p = c + 1;
    }
    for (int i = np; i < MAX_PARTS; i++) {
        part[i] = e;
        plen[i] = 0;
    }
    enum vb_dt dt = VB_DT_UNDEF;
    size_t an;
    /* 1.0-3.5: <arg>_<dt>:<props>:<kind>:<tag>[:<strides>]:<extra> */
    if ((an = dt_suffix(part[0], plen[0], &dt)) > 0 && np >= 3) {
        add_md(r, ev, part[0], an, dt, part[2], plen[2], part[3], plen[3]);
        return;
    }
    /* 0.x shuffle: dt:<dt> fmt:<fmt> */
    if (plen[0] == 2 && !memcmp(part[0], "dt", 2)) {
        add_md(r, ev, "data", 4, vb_dt_parse(part[1], plen[1]), "", 0, "", 0);
        return;
    }
    if (plen[0] == 3 && !memcmp(part[0], "fmt", 3)) {
        if (ev->n_md > 0 && !strcmp(ev->md[ev->n_md - 1].arg, "data") && !ev->md[ev->n_md - 1].tag[0])
            ev->md[ev->n_md - 1].tag = vb_reader_intern_n(r, part[1], plen[1]);
        else
            add_md(r, ev, "data", 4, VB_DT_UNDEF, "", 0, part[1], plen[1]);
        return;
    }
    /* 3.6+: <arg>:<dt>:<props>:<kind>:<tag>:<strides>:<extra> */
    if (np >= 4 && dt_lookup(part[1], plen[1], &dt)) {
        add_md(r, ev, part[0], plen[0], dt, part[3], plen[3], part[4], plen[4]);
        return;
    }
    /* 0.x reorder/sum/concat: in:<dt>_<fmt> out:<dt>_<fmt> */
    if (np == 2 && ((plen[0] == 2 && !memcmp(part[0], "in", 2)) ||
                    (plen[0] == 3 && !memcmp(part[0], "out", 3)))) {
        const char *u = memchr(part[1], '_', plen[1]);
        bool in = plen[0] == 2;
        if (u && dt_lookup(part[1], (size_t)(u - part[1]), &dt)) {
            size_t tn = plen[1] - (size_t)(u - part[1]) - 1;
            add_md(r, ev, in ? "src" : "dst", in ? 3 : 3, dt, "", 0, u + 1, tn);
        } else {
            add_md(r, ev, in ? "src" : "dst", 3, VB_DT_UNDEF, "", 0, part[1], plen[1]);
        }
        return;
    }
    /* 0.x conv/ip/eltwise/pool: f<arg>:<fmt> (no data type printed) */
    if (np == 2 && plen[0] > 1 && part[0][0] == 'f') {
        add_md(r, ev, part[0] + 1, plen[0] - 1, VB_DT_UNDEF, "", 0, part[1], plen[1]);
        return;
    }
    add_md(r, ev, part[0], plen[0], VB_DT_UNDEF, "", 0, np > 1 ? part[1] : "", np > 1 ? plen[1] : 0);
}

static bool arg_is(const char *arg, const char *pre)
{
    return !strncmp(arg, pre, strlen(pre));
}

static void parse_mds(vb_reader *r, struct vb_event *ev, const char *s, size_t n)
{
    const char *e = s + n;
    while (s < e) {
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        const char *t = s;
        while (t < e && *t != ' ' && *t != '\t')
            t++;
        if (t > s && !(t - s == 1 && *s == '#'))
            parse_md(r, ev, s, (size_t)(t - s));
        s = t;
    }
    ev->src_dt = ev->dst_dt = ev->wei_dt = VB_DT_UNDEF;
    int src = -1, dst = -1, wei = -1, first = -1;
    for (int i = 0; i < ev->n_md; i++) {
        const char *a = ev->md[i].arg;
        if (src < 0 && (arg_is(a, "src") || !strcmp(a, "data") || arg_is(a, "query") ||
                        arg_is(a, "in")))
            src = i;
        if (dst < 0 && arg_is(a, "dst"))
            dst = i;
        if (wei < 0 && arg_is(a, "wei"))
            wei = i;
        if (first < 0 && ev->md[i].dt != VB_DT_UNDEF && !arg_is(a, "diff"))
            first = i;
    }
    if (src < 0)
        src = first;
    if (dst < 0 && src >= 0 && !strcmp(ev->md[src].arg, "data"))
        dst = src; /* eltwise/bnorm/lrn: one data md */
    if (src >= 0)
        ev->src_dt = ev->md[src].dt;
    if (dst >= 0)
        ev->dst_dt = ev->md[dst].dt;
    if (wei >= 0)
        ev->wei_dt = ev->md[wei].dt;
}

/* ---- primitive kinds and ISA -------------------------------------------- */

static const char *norm_prim(vb_reader *r, const char *s, size_t n)
{
    if (n > 3 && !memcmp(s + n - 3, "_v2", 3) &&
        ((n == 10 && !memcmp(s, "pooling", 7)) || (n == 10 && !memcmp(s, "softmax", 7))))
        n -= 3;
    return vb_reader_intern_n(r, s, n);
}

static bool has(const char *s, const char *sub)
{
    return strstr(s, sub) != NULL;
}

/* Is tok one of the ':'/'+'-separated tokens of impl (or a prefix of one)? */
static bool has_token(const char *impl, const char *tok, bool prefix)
{
    size_t k = strlen(tok);
    const char *p = impl;
    while (*p) {
        const char *q = p;
        while (*q && *q != ':' && *q != '+')
            q++;
        size_t n = (size_t)(q - p);
        if ((n == k || (prefix && n > k)) && !memcmp(p, tok, k))
            return true;
        p = *q ? q + 1 : q;
    }
    return false;
}

enum vb_isa vb_isa_of_impl(const char *impl, const char *engine)
{
    if (!impl)
        impl = "";
    if (engine && (!strncmp(engine, "gpu", 3) || !strcmp(engine, "cpu2gpu")))
        return VB_ISA_GPU;
    if (!strncmp(impl, "ocl:", 4) || !strncmp(impl, "sycl:", 5) || !strncmp(impl, "cuda:", 5) ||
        !strncmp(impl, "hip:", 4))
        return VB_ISA_GPU;
    if (has(impl, "amx"))
        return VB_ISA_AMX;
    if (has(impl, "avx512_core_bf16") || has(impl, "avx512_core_fp16") || has(impl, "avx10"))
        return VB_ISA_AVX512_BF16;
    if (has(impl, "avx512_core_vnni"))
        return VB_ISA_AVX512_VNNI;
    if (has(impl, "avx512"))
        return VB_ISA_AVX512;
    if (has(impl, "avx"))
        return VB_ISA_AVX2;
    if (has(impl, "sse4"))
        return VB_ISA_SSE41;
    if (has_token(impl, "ref", true) || has_token(impl, "simple", true) ||
        has_token(impl, "nchw_pooling", false) || has_token(impl, "nhwc_pooling", false) ||
        has_token(impl, "ncsp_bnorm", false) || has_token(impl, "nspc_bnorm", false))
        return VB_ISA_REF;
    if (has_token(impl, "gemm", true) || has_token(impl, "igemm_s8u8s32", false) ||
        (has_token(impl, "x64", false) && has(impl, "gemm")))
        return VB_ISA_GEMM;
    return VB_ISA_UNKNOWN;
}

static const char *const isa_names[VB_ISA__COUNT] = {
    [VB_ISA_UNKNOWN] = "unknown",          [VB_ISA_AMX] = "amx",
    [VB_ISA_AVX512_BF16] = "avx512_core_bf16", [VB_ISA_AVX512_VNNI] = "avx512_core_vnni",
    [VB_ISA_AVX512] = "avx512_core",       [VB_ISA_AVX2] = "avx2",
    [VB_ISA_SSE41] = "sse41",              [VB_ISA_GEMM] = "gemm",
    [VB_ISA_REF] = "ref",                  [VB_ISA_GPU] = "gpu",
};

const char *vb_isa_name(enum vb_isa isa)
{
    return (int)isa >= 0 && isa < VB_ISA__COUNT ? isa_names[isa] : "unknown";
}

static const char *const dt_print[VB_DT__COUNT] = {
    [VB_DT_UNDEF] = "undef", [VB_DT_F32] = "f32", [VB_DT_BF16] = "bf16", [VB_DT_F16] = "f16",
    [VB_DT_S32] = "s32",     [VB_DT_S8] = "s8",   [VB_DT_U8] = "u8",     [VB_DT_F64] = "f64",
    [VB_DT_BOOL] = "boolean", [VB_DT_F8] = "f8",  [VB_DT_S4] = "s4",     [VB_DT_U4] = "u4",
    [VB_DT_OTHER] = "other",
};

const char *vb_dt_name(enum vb_dt dt)
{
    return (int)dt >= 0 && dt < VB_DT__COUNT ? dt_print[dt] : "other";
}

static const char *const kind_names[VB_KIND__COUNT] = {
    [VB_EXEC] = "exec",         [VB_CREATE] = "create", [VB_CREATE_NESTED] = "create_nested",
    [VB_INFO] = "info",         [VB_CHECK] = "check",   [VB_DISPATCH] = "dispatch",
    [VB_ERROR] = "error",       [VB_WARN] = "warning",  [VB_GRAPH] = "graph",
    [VB_EXTERNAL] = "external", [VB_DEBUG] = "debuginfo",
};

const char *vb_kind_name(enum vb_kind k)
{
    return (int)k >= 0 && k < VB_KIND__COUNT ? kind_names[k] : "unknown";
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
        parse_mds(r, ev, ev->mds, strlen(ev->mds));
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
    ev->prim = norm_prim(r, f->s[j], f->len[j]);
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
    parse_mds(r, ev, f->s[j + 3], f->len[j + 3]);
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
                ev->prim = norm_prim(r, f.s[i + 2], f.len[i + 2]);
                ev->impl = fin(r, &f, i + 3);
                ev->prop = fin(r, &f, i + 4);
                ev->mds = fin(r, &f, i + 5);
                ev->attrs = fin(r, &f, i + 6);
                ev->aux = fin(r, &f, i + 7);
                ev->problem = fin(r, &f, i + 8);
                parse_mds(r, ev, f.s[i + 5], f.len[i + 5]);
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
