/* analyze/graph.c: the graph model's small pieces: the arena every graph
 * array lives in, node/attr lookup, dtype and format names, shape printing,
 * `--input NAME:SHAPE` parsing, reading a constant's values as floats, and
 * graph_free(). The loaders (load*.c) and the builder (graph_build.c) fill
 * the model; shapes.c and graph_topo.c read it.
 */
#include "analyze/graph.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph_int.h"
#include "analyze/proto/tensor.pb-c.h"

/* ---- arena --------------------------------------------------------------- */

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t sz = n > 65536 ? n : 65536;
        if (a->bytes > (1u << 22) && sz < (1u << 20))
            sz = 1u << 20;
        b = xmalloc(sizeof *b + sz);
        b->size = sz;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        a->bytes += sz;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->bytes = 0;
}

/* ---- graph lifetime ------------------------------------------------------ */

graph *graph_new_empty(const char *path)
{
    graph *g = xcalloc(1, sizeof *g);
    struct graph_priv *p = xcalloc(1, sizeof *p);
    g->priv = p;
    abuf_init(&p->warn);
    g->pool = strpool_new();
    strmap_init(&g->by_name);
    g->path = g_intern(g, path ? path : "");
    g->producer = -1;
    g->meta_tag = g->signature = g->tf_version = g_intern(g, "");
    return g;
}

const char *g_intern(graph *g, const char *s)
{
    return strpool_intern(g->pool, s ? s : "", s ? strlen(s) : 0);
}

void graph_warn(graph *g, const char *fmt, ...)
{
    if (g->n_warnings >= 64)
        return;
    struct abuf b;
    abuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    abuf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char **nw = g_alloc(g, (size_t)(g->n_warnings + 1) * sizeof *nw);
    if (g->n_warnings)
        memcpy(nw, g->warnings, (size_t)g->n_warnings * sizeof *nw);
    nw[g->n_warnings++] = g_intern(g, b.data ? b.data : "");
    g->warnings = nw;
    abuf_done(&b);
}

void graph_free(graph *g)
{
    if (!g)
        return;
    struct graph_priv *p = gpriv(g);
    if (p) {
        if (p->root && !p->root_in_arena)
            protobuf_c_message_free_unpacked(p->root, NULL);
        arena_free(&p->pb_arena);
        arena_free(&p->arena);
        abuf_done(&p->warn);
        free(p);
    }
    strmap_done(&g->by_name);
    strpool_free(g->pool);
    free(g);
}

int graph_find(const graph *g, const char *name)
{
    if (!g || !name)
        return -1;
    return strmap_get(&g->by_name, name, -1);
}

bool graph_call_result(const graph *g, int call, int port, int *node, int *rport)
{
    const struct graph_priv *p = g ? gpriv(g) : NULL;
    for (int i = 0; p && i < p->n_callret; i++)
        if (p->callret[i].call == call && p->callret[i].port == port) {
            *node = p->callret[i].node;
            *rport = p->callret[i].rport;
            return true;
        }
    return false;
}

const struct g_attr *g_node_attr(const struct g_node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, name))
            return &n->attrs[i];
    return NULL;
}

/* ---- names ----------------------------------------------------------------- */

static const struct {
    int dt;
    const char *name, *enum_name;
    int size;
} dtypes[] = {
    {TF_DT_INVALID, "invalid", "DT_INVALID", 0},     {TF_DT_FLOAT, "float", "DT_FLOAT", 4},
    {TF_DT_DOUBLE, "double", "DT_DOUBLE", 8},        {TF_DT_INT32, "int32", "DT_INT32", 4},
    {TF_DT_UINT8, "uint8", "DT_UINT8", 1},           {TF_DT_INT16, "int16", "DT_INT16", 2},
    {TF_DT_INT8, "int8", "DT_INT8", 1},              {TF_DT_STRING, "string", "DT_STRING", 0},
    {TF_DT_COMPLEX64, "complex64", "DT_COMPLEX64", 8}, {TF_DT_INT64, "int64", "DT_INT64", 8},
    {TF_DT_BOOL, "bool", "DT_BOOL", 1},              {TF_DT_QINT8, "qint8", "DT_QINT8", 1},
    {TF_DT_QUINT8, "quint8", "DT_QUINT8", 1},        {TF_DT_QINT32, "qint32", "DT_QINT32", 4},
    {TF_DT_BFLOAT16, "bfloat16", "DT_BFLOAT16", 2},  {TF_DT_QINT16, "qint16", "DT_QINT16", 2},
    {TF_DT_QUINT16, "quint16", "DT_QUINT16", 2},     {TF_DT_UINT16, "uint16", "DT_UINT16", 2},
    {TF_DT_COMPLEX128, "complex128", "DT_COMPLEX128", 16}, {TF_DT_HALF, "half", "DT_HALF", 2},
    {TF_DT_RESOURCE, "resource", "DT_RESOURCE", 0},  {TF_DT_VARIANT, "variant", "DT_VARIANT", 0},
    {TF_DT_UINT32, "uint32", "DT_UINT32", 4},        {TF_DT_UINT64, "uint64", "DT_UINT64", 8},
    {24, "float8_e5m2", "DT_FLOAT8_E5M2", 1},        {25, "float8_e4m3fn", "DT_FLOAT8_E4M3FN", 1},
    {26, "float8_e4m3fnuz", "DT_FLOAT8_E4M3FNUZ", 1}, {27, "float8_e4m3b11fnuz", "DT_FLOAT8_E4M3B11FNUZ", 1},
    {28, "float8_e5m2fnuz", "DT_FLOAT8_E5M2FNUZ", 1}, {29, "int4", "DT_INT4", 0},
    {30, "uint4", "DT_UINT4", 0},                    {31, "int2", "DT_INT2", 0},
    {32, "uint2", "DT_UINT2", 0},                    {33, "float4_e2m1fn", "DT_FLOAT4_E2M1FN", 0},
};
#define N_DTYPES (int)(sizeof dtypes / sizeof dtypes[0])

static const char *const ref_names[N_DTYPES] = {
    "invalid_ref", "float_ref", "double_ref", "int32_ref", "uint8_ref", "int16_ref", "int8_ref",
    "string_ref", "complex64_ref", "int64_ref", "bool_ref", "qint8_ref", "quint8_ref",
    "qint32_ref", "bfloat16_ref", "qint16_ref", "quint16_ref", "uint16_ref", "complex128_ref",
    "half_ref", "resource_ref", "variant_ref", "uint32_ref", "uint64_ref", "float8_e5m2_ref",
    "float8_e4m3fn_ref", "float8_e4m3fnuz_ref", "float8_e4m3b11fnuz_ref", "float8_e5m2fnuz_ref",
    "int4_ref", "uint4_ref", "int2_ref", "uint2_ref", "float4_e2m1fn_ref",
};
static const char *const ref_enum_names[N_DTYPES] = {
    "DT_INVALID_REF", "DT_FLOAT_REF", "DT_DOUBLE_REF", "DT_INT32_REF", "DT_UINT8_REF",
    "DT_INT16_REF", "DT_INT8_REF", "DT_STRING_REF", "DT_COMPLEX64_REF", "DT_INT64_REF",
    "DT_BOOL_REF", "DT_QINT8_REF", "DT_QUINT8_REF", "DT_QINT32_REF", "DT_BFLOAT16_REF",
    "DT_QINT16_REF", "DT_QUINT16_REF", "DT_UINT16_REF", "DT_COMPLEX128_REF", "DT_HALF_REF",
    "DT_RESOURCE_REF", "DT_VARIANT_REF", "DT_UINT32_REF", "DT_UINT64_REF", "DT_FLOAT8_E5M2_REF",
    "DT_FLOAT8_E4M3FN_REF", "DT_FLOAT8_E4M3FNUZ_REF", "DT_FLOAT8_E4M3B11FNUZ_REF",
    "DT_FLOAT8_E5M2FNUZ_REF", "DT_INT4_REF", "DT_UINT4_REF", "DT_INT2_REF", "DT_UINT2_REF",
    "DT_FLOAT4_E2M1FN_REF",
};

const char *tf_dtype_name(int dt)
{
    if (dt >= 0 && dt < N_DTYPES)
        return dtypes[dt].name;
    if (dt > 100 && dt - 100 < N_DTYPES)
        return ref_names[dt - 100];
    return "?";
}

const char *tf_dtype_enum_name(int dt)
{
    if (dt >= 0 && dt < N_DTYPES)
        return dtypes[dt].enum_name;
    if (dt > 100 && dt - 100 < N_DTYPES)
        return ref_enum_names[dt - 100];
    return "DT_UNKNOWN";
}

int tf_dtype_parse(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < N_DTYPES; i++) {
        if (!strcmp(name, dtypes[i].name) || !strcmp(name, dtypes[i].enum_name))
            return dtypes[i].dt;
        if (!strcmp(name, ref_names[i]) || !strcmp(name, ref_enum_names[i]))
            return dtypes[i].dt + 100;
    }
    if (!strcmp(name, "float32") || !strcmp(name, "fp32") || !strcmp(name, "f32"))
        return TF_DT_FLOAT;
    if (!strcmp(name, "bf16"))
        return TF_DT_BFLOAT16;
    if (!strcmp(name, "float16") || !strcmp(name, "fp16") || !strcmp(name, "f16"))
        return TF_DT_HALF;
    if (!strcmp(name, "float64"))
        return TF_DT_DOUBLE;
    return -1;
}

int tf_dtype_size(int dt)
{
    if (dt > 100)
        dt -= 100;
    if (dt >= 0 && dt < N_DTYPES)
        return dtypes[dt].size;
    return 0;
}

const char *g_format_name(enum g_format f)
{
    switch (f) {
    case G_FMT_GRAPHDEF_BINARY: return "GraphDef (binary)";
    case G_FMT_GRAPHDEF_TEXT: return "GraphDef (text)";
    case G_FMT_SAVEDMODEL: return "SavedModel";
    case G_FMT_METAGRAPH: return "MetaGraphDef (binary)";
    case G_FMT_METAGRAPH_TEXT: return "MetaGraphDef (text)";
    case G_FMT_SAVEDMODEL_TEXT: return "SavedModel (text)";
    case G_FMT_UNKNOWN: break;
    }
    return "unknown";
}

/* ---- shapes ------------------------------------------------------------------ */

void g_shape_format(const struct g_shape *s, char *buf, size_t size)
{
    if (!size)
        return;
    if (s->rank < 0) {
        string_copy_n(buf, size, "<unknown>");
        return;
    }
    if (s->rank == 0) {
        string_copy_n(buf, size, "scalar");
        return;
    }
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < s->rank && i < G_MAX_RANK && o + 1 < size; i++) {
        int n;
        if (s->dim[i] < 0)
            n = snprintf(buf + o, size - o, "%s?", i ? "x" : "");
        else
            n = snprintf(buf + o, size - o, "%s%lld", i ? "x" : "", (long long)s->dim[i]);
        if (n < 0)
            break;
        o += (size_t)n;
    }
    if (o >= size)
        buf[size - 1] = 0;
}

int64_t g_shape_elems(const struct g_shape *s)
{
    if (s->rank < 0)
        return -1;
    int64_t n = 1;
    for (int i = 0; i < s->rank && i < G_MAX_RANK; i++) {
        if (s->dim[i] < 0)
            return -1;
        if (s->dim[i] && n > INT64_MAX / s->dim[i])
            return -1;
        n *= s->dim[i];
    }
    return n;
}

enum status g_input_bind_parse(const char *text, struct g_input_bind *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || colon == text || !colon[1])
        return err_set(e, ST_EINVAL,
                       "--input '%s': expected NAME:SHAPE, e.g. x:1x28x28x1 or x:?,784",
                       text ? text : "");
    /* A name may itself contain ':' ("x:0:1x3"): the shape is after the last one. */
    out->name = NULL;
    const char *p = colon + 1;
    struct g_shape s = {0, {0}};
    if (!strcmp(p, "scalar") || !strcmp(p, "[]")) {
        s.rank = 0;
    } else {
        if (*p == '[')
            p++;
        while (*p && *p != ']') {
            if (s.rank >= G_MAX_RANK)
                return err_set(e, ST_EINVAL, "--input '%s': more than %d dimensions", text,
                               G_MAX_RANK);
            if (*p == '?' || *p == '-') {
                s.dim[s.rank++] = -1;
                p += (*p == '-' && p[1] == '1') ? 2 : 1;
            } else if (isdigit((unsigned char)*p)) {
                errno = 0;
                char *end;
                long long v = strtoll(p, &end, 10);
                if (errno || v > (1LL << 40))
                    return err_set(e, ST_EINVAL, "--input '%s': dimension too large", text);
                s.dim[s.rank++] = v;
                p = end;
            } else {
                return err_set(e, ST_EINVAL,
                               "--input '%s': bad dimension at '%s' (use digits or ?, "
                               "separated by x or ,)",
                               text, p);
            }
            if (*p == 'x' || *p == ',' || *p == 'X')
                p++;
            else if (*p && *p != ']')
                return err_set(e, ST_EINVAL, "--input '%s': expected x or , at '%s'", text, p);
        }
    }
    out->shape = s;
    out->name = xstrndup(text, (size_t)(colon - text));
    return ST_OK;
}

void g_input_bind_done(struct g_input_bind *b)
{
    free((char *)b->name);
    b->name = NULL;
}

/* ---- constant values ------------------------------------------------------- */

static float half_to_f32(uint16_t h)
{
    int s = h >> 15, ex = (h >> 10) & 31, m = h & 1023;
    float v;
    if (ex == 0)
        v = ldexpf((float)m, -24);
    else if (ex == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexpf((float)(m | 1024), ex - 25);
    return s ? -v : v;
}

static float bf16_to_f32(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double content_elem(int dt, const uint8_t *p)
{
    switch (dt) {
    case TF_DT_FLOAT: { float f; memcpy(&f, p, 4); return f; }
    case TF_DT_DOUBLE: { double d; memcpy(&d, p, 8); return d; }
    case TF_DT_INT32: case TF_DT_QINT32: { int32_t v; memcpy(&v, p, 4); return v; }
    case TF_DT_UINT32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case TF_DT_INT64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case TF_DT_UINT64: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    case TF_DT_INT16: case TF_DT_QINT16: { int16_t v; memcpy(&v, p, 2); return v; }
    case TF_DT_UINT16: case TF_DT_QUINT16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case TF_DT_INT8: case TF_DT_QINT8: return (int8_t)p[0];
    case TF_DT_UINT8: case TF_DT_QUINT8: case TF_DT_BOOL: return p[0];
    case TF_DT_HALF: { uint16_t v; memcpy(&v, p, 2); return half_to_f32(v); }
    case TF_DT_BFLOAT16: { uint16_t v; memcpy(&v, p, 2); return bf16_to_f32(v); }
    default: return 0;
    }
}

/* Value i of a TensorProto (i < n_elems), with the repeat-last rule. Returns
 * false when the tensor holds no values of a readable kind. */
bool g_tensorproto_value(const void *proto, int dtype, int64_t i, double *out);
bool g_tensorproto_value(const void *proto, int dtype, int64_t i, double *out)
{
    const Tensorflow__TensorProto *t = proto;
    int es = tf_dtype_size(dtype);
    int dt = dtype > 100 ? dtype - 100 : dtype;
    if (t->tensor_content.len) {
        if (!es || (uint64_t)(i + 1) * (uint64_t)es > t->tensor_content.len)
            return false;
        *out = content_elem(dt, t->tensor_content.data + (size_t)i * (size_t)es);
        return true;
    }
#define REP(n_, arr_, conv_)                                                                  \
    if (t->n_ > 0) {                                                                          \
        size_t k = (uint64_t)i < t->n_ ? (size_t)i : t->n_ - 1;                               \
        *out = conv_(t->arr_[k]);                                                             \
        return true;                                                                          \
    }
#define ID(x) ((double)(x))
#define HALF(x) ((double)(dt == TF_DT_BFLOAT16 ? bf16_to_f32((uint16_t)(x)) : half_to_f32((uint16_t)(x))))
    REP(n_float_val, float_val, ID)
    REP(n_double_val, double_val, ID)
    REP(n_int_val, int_val, ID)
    REP(n_int64_val, int64_val, ID)
    REP(n_bool_val, bool_val, ID)
    REP(n_half_val, half_val, HALF)
    REP(n_uint32_val, uint32_val, ID)
    REP(n_uint64_val, uint64_val, ID)
#undef REP
#undef ID
#undef HALF
    if (dt == TF_DT_STRING || dt == TF_DT_RESOURCE || dt == TF_DT_VARIANT)
        return false;
    *out = 0; /* no values at all: TF fills with zeros */
    return true;
}

static float to_f32(double v)
{
    return v > FLT_MAX ? INFINITY : v < -FLT_MAX ? -INFINITY : (float)v;
}

enum status g_tensor_read_f32(const struct g_tensor *t, float *out, int64_t n, struct err *e)
{
    if (n <= 0)
        return ST_OK;
    if (t->vals && t->n_vals >= n) {
        for (int64_t i = 0; i < n; i++)
            out[i] = to_f32(t->vals[i]);
        return ST_OK;
    }
    if (!t->proto)
        return err_set(e, ST_ENODATA, "constant has no stored values");
    const Tensorflow__TensorProto *tp = t->proto;
    int dt = t->dtype > 100 ? t->dtype - 100 : t->dtype;
    if (dt == TF_DT_FLOAT && tp->tensor_content.len >= (size_t)n * 4) {
        memcpy(out, tp->tensor_content.data, (size_t)n * 4);
        return ST_OK;
    }
    for (int64_t i = 0; i < n; i++) {
        double v;
        if (!g_tensorproto_value(tp, t->dtype, i, &v))
            return err_set(e, ST_EUNSUPPORTED, "constant of type %s holds no readable value %lld",
                           tf_dtype_name(t->dtype), (long long)i);
        out[i] = to_f32(v);
    }
    return ST_OK;
}
