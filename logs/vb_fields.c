/* vb_fields.c: the pieces of a verbose record below the field level: numbers
 * (%g times, timestamps), data type names, memory descriptors in every md
 * syntax era (0.x `fsrc:nchw` / `in:f32_nchw`, 1.0-3.5 `src_f32::blocked:abcd:f0`,
 * 3.6+ `src:f32::blocked:abcd::f0`), primitive kind normalisation, the ISA class
 * an implementation name implies, and the name tables.
 */
#include "logs/vb_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

void vb_parse_mds(vb_reader *r, struct vb_event *ev, const char *s, size_t n)
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

const char *vb_norm_prim(vb_reader *r, const char *s, size_t n)
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
