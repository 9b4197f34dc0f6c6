/* summary.c: aggregation behind `ampscope logs`. Every event updates a few
 * counters and three small hash tables keyed by interned string pointers (the
 * reader interns every name, so pointer equality is string equality), which
 * keeps the per-event cost at a few hash probes. lsum_finish derives the
 * header facts, shares and the sorted breakdowns.
 */
#include "logs/summary.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing table keyed by up to three pointers and a small int. */
struct agg {
    const void *k0, *k1, *k2;
    int k3;
    long count;
    double time_ms;
    bool used;
};

struct table {
    struct agg *v;
    size_t cap, n;
};

struct lsum_priv {
    struct table prim, impl, shape;
    struct lsum_file *cur;       /* the file being read, NULL outside begin/end */
    long lines0, verbose0;       /* reader counters when it began */
    int files_cap;
};

static uint64_t hkey(const void *a, const void *b, const void *c, int d)
{
    uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4FULL;
    h ^= (uint64_t)(uintptr_t)c * 0x165667B19E3779F9ULL;
    h ^= (uint64_t)(unsigned)d * 0x27D4EB2F165667C5ULL;
    return h ^ (h >> 31);
}

static struct agg *tab_get(struct table *t, const void *a, const void *b, const void *c, int d)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        struct agg *nv = xcalloc(nc, sizeof *nv);
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->v[i].used)
                continue;
            struct agg *o = &t->v[i];
            size_t j = (size_t)hkey(o->k0, o->k1, o->k2, o->k3) & (nc - 1);
            while (nv[j].used)
                j = (j + 1) & (nc - 1);
            nv[j] = *o;
        }
        free(t->v);
        t->v = nv;
        t->cap = nc;
    }
    size_t j = (size_t)hkey(a, b, c, d) & (t->cap - 1);
    while (t->v[j].used) {
        struct agg *o = &t->v[j];
        if (o->k0 == a && o->k1 == b && o->k2 == c && o->k3 == d)
            return o;
        j = (j + 1) & (t->cap - 1);
    }
    struct agg *o = &t->v[j];
    o->used = true;
    o->k0 = a;
    o->k1 = b;
    o->k2 = c;
    o->k3 = d;
    t->n++;
    return o;
}

struct lsum *lsum_new(void)
{
    struct lsum *s = xcalloc(1, sizeof *s);
    s->priv = xcalloc(1, sizeof *s->priv);
    s->ts_first = s->ts_last = NAN;
    s->bf16_share = s->amx_share = NAN;
    return s;
}

void lsum_free(struct lsum *s)
{
    if (!s)
        return;
    if (s->priv) {
        free(s->priv->prim.v);
        free(s->priv->impl.v);
        free(s->priv->shape.v);
        free(s->priv);
    }
    free(s->by_prim);
    free(s->by_impl);
    free(s->shapes);
    free(s->files);
    free(s);
}

void lsum_begin_file(struct lsum *s, const char *path, const vb_reader *r)
{
    struct lsum_priv *p = s->priv;
    if (s->n_files == p->files_cap) {
        p->files_cap = p->files_cap ? p->files_cap * 2 : 4;
        s->files = xrealloc(s->files, (size_t)p->files_cap * sizeof *s->files);
    }
    struct lsum_file *f = &s->files[s->n_files++];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->ts_first = f->ts_last = NAN;
    const struct vb_counts *c = vb_reader_counts(r);
    p->lines0 = c->lines;
    p->verbose0 = c->verbose_lines;
    p->cur = f;
}

void lsum_end_file(struct lsum *s, const vb_reader *r)
{
    struct lsum_priv *p = s->priv;
    if (!p->cur)
        return;
    const struct vb_counts *c = vb_reader_counts(r);
    p->cur->lines = c->lines - p->lines0;
    p->cur->verbose_lines = c->verbose_lines - p->verbose0;
    p->cur = NULL;
}

static void ct_add(struct lsum_ct *c, double t)
{
    c->count++;
    if (!isnan(t))
        c->time_ms += t;
}

static void header(struct lsum *s, const struct vb_event *ev)
{
    const char *m = ev->message;
    const char *v;
    if (!strncmp(m, "cpu,runtime:", 12)) {
        if (!s->runtime[0])
            string_copy(s->runtime, m + 12);
    } else if (!strncmp(m, "cpu,isa:", 8)) {
        if (!s->cpu_isa[0])
            string_copy(s->cpu_isa, m + 8);
    } else if (!strncmp(m, "gpu,runtime:", 12)) {
        if (!s->gpu_runtime[0])
            string_copy(s->gpu_runtime, m + 12);
    } else if (!strncmp(m, "Detected ISA is ", 16)) {
        if (!s->cpu_isa[0])
            string_copy(s->cpu_isa, m + 16);
    } else if ((strstr(m, "oneDNN v") || strstr(m, "DNNL v") || strstr(m, "MKL-DNN v")) &&
               (v = strstr(m, " v")) && v[2] >= '0' && v[2] <= '9') {
        char ver[48];
        size_t n = strcspn(v + 2, " ,(");
        if (n >= sizeof ver)
            n = sizeof ver - 1;
        memcpy(ver, v + 2, n);
        ver[n] = 0;
        if (s->priv->cur && !s->priv->cur->onednn_version[0])
            string_copy(s->priv->cur->onednn_version, ver);
        if (!s->onednn_version[0]) {
            string_copy(s->onednn_version, ver);
            const char *isa = strstr(m, "),");
            if (isa && !s->cpu_isa[0]) /* 0.18-0.20 and 0.95: "...(Git Hash x),<isa>" */
                string_copy(s->cpu_isa, isa + 2);
            const char *end = isa ? isa + 1 : m + strlen(m);
            char line[160];
            size_t ln = (size_t)(end - m) < sizeof line - 1 ? (size_t)(end - m) : sizeof line - 1;
            memcpy(line, m, ln);
            line[ln] = 0;
            string_copy(s->onednn_line, line);
        } else if (strcmp(s->onednn_version, ver) != 0) {
            s->version_mixed = true;
        }
    } else if (!s->onednn_line[0] &&
               (!strncmp(m, "oneDNN ", 7) || !strncmp(m, "DNNL ", 5) || strstr(m, "MKL-DNN "))) {
        string_copy(s->onednn_line, m); /* a version line without a number (edited docs) */
    }
}

void lsum_add(struct lsum *s, const struct vb_event *ev)
{
    if ((int)ev->kind >= 0 && ev->kind < VB_KIND__COUNT)
        s->kinds[ev->kind]++;
    if (ev->marker[0] == 'm')
        s->markers[0]++;
    else if (ev->marker[0] == 'd')
        s->markers[1]++;
    else
        s->markers[2]++;
    struct lsum_file *f = s->priv->cur;
    if (f && ev->kind == VB_EXEC)
        ct_add(&f->exec, ev->time_ms);
    if (!isnan(ev->ts_ms)) {
        s->with_ts++;
        if (f) {
            double end = ev->ts_ms + (isnan(ev->time_ms) ? 0 : ev->time_ms);
            if (isnan(f->ts_first) || ev->ts_ms < f->ts_first)
                f->ts_first = ev->ts_ms;
            if (isnan(f->ts_last) || end > f->ts_last)
                f->ts_last = end;
        }
        if (isnan(s->ts_first) || ev->ts_ms < s->ts_first)
            s->ts_first = ev->ts_ms;
        double end = ev->ts_ms + (isnan(ev->time_ms) ? 0 : ev->time_ms);
        if (isnan(s->ts_last) || end > s->ts_last)
            s->ts_last = end;
    }
    switch (ev->kind) {
    case VB_INFO:
        header(s, ev);
        return;
    case VB_CREATE:
        ct_add(&s->create, ev->time_ms);
        if (strstr(ev->op, "hit") || strstr(ev->op, "from_cache"))
            s->create_cache_hits++;
        return;
    case VB_CREATE_NESTED:
        ct_add(&s->create_nested, ev->time_ms);
        return;
    case VB_GRAPH:
        if (!strcmp(ev->op, "exec"))
            ct_add(&s->graph_exec, ev->time_ms);
        return;
    case VB_ERROR:
        if (!s->first_error)
            s->first_error = ev->message;
        return;
    case VB_EXEC:
        break;
    default:
        return;
    }
    double t = isnan(ev->time_ms) ? 0 : ev->time_ms;
    ct_add(&s->exec, ev->time_ms);
    if (isnan(ev->time_ms))
        s->exec_untimed++;
    /* one table keyed by the shape; kinds and impls are summed from it */
    enum vb_isa isa = ev->isa < VB_ISA__COUNT ? ev->isa : VB_ISA_UNKNOWN;
    struct agg *a =
        tab_get(&s->priv->shape, ev->prim, ev->impl, ev->problem, (int)ev->src_dt | (int)isa << 8);
    a->count++;
    a->time_ms += t;
    s->by_isa[isa].count++;
    s->by_isa[isa].time_ms += t;
    enum vb_dt dt = ev->src_dt < VB_DT__COUNT ? ev->src_dt : VB_DT_OTHER;
    s->by_dtype[dt].count++;
    s->by_dtype[dt].time_ms += t;
    if (ev->prim[0] == 'r' && !strcmp(ev->prim, "reorder")) {
        if (ev->src_dt != ev->dst_dt && ev->src_dt != VB_DT_UNDEF && ev->dst_dt != VB_DT_UNDEF) {
            ct_add(&s->reorder_convert, t);
            if ((ev->src_dt == VB_DT_F32 && ev->dst_dt == VB_DT_BF16) ||
                (ev->src_dt == VB_DT_BF16 && ev->dst_dt == VB_DT_F32))
                ct_add(&s->casts, t);
        } else {
            ct_add(&s->reorder_layout, t);
        }
        return;
    }
    ct_add(&s->nonreorder, t);
    if (ev->src_dt == VB_DT_BF16)
        ct_add(&s->bf16, t);
    if (isa == VB_ISA_AMX)
        ct_add(&s->amx, t);
    if (ev->src_dt == VB_DT_F32 && ev->attrs[0] && strstr(ev->attrs, "fpmath:bf16"))
        ct_add(&s->fpmath_bf16, t);
}

int lsum_sink_event(void *ctx, const struct vb_event *ev)
{
    lsum_add(ctx, ev);
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    const struct lsum_row *x = a, *y = b;
    if (x->time_ms != y->time_ms)
        return x->time_ms > y->time_ms ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int shape_cmp(const void *a, const void *b)
{
    const struct lsum_shape *x = a, *y = b;
    if (x->time_ms != y->time_ms)
        return x->time_ms > y->time_ms ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(x->prim, y->prim);
    if (!c)
        c = strcmp(x->problem, y->problem);
    if (!c)
        c = strcmp(x->impl, y->impl);
    return c ? c : (int)x->src_dt - (int)y->src_dt;
}

static struct lsum_row *rows_of(const struct table *t, int *n)
{
    struct lsum_row *r = xcalloc(t->n ? t->n : 1, sizeof *r);
    int k = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->v[i].used)
            continue;
        r[k].name = t->v[i].k0;
        r[k].count = t->v[i].count;
        r[k].time_ms = t->v[i].time_ms;
        k++;
    }
    qsort(r, (size_t)k, sizeof *r, row_cmp);
    *n = k;
    return r;
}

void lsum_finish(struct lsum *s, const vb_reader *r, const amp_log *amp)
{
    if (r) {
        s->counts = *vb_reader_counts(r);
        s->n_samples = vb_reader_unparsed_samples(r, s->samples, LSUM_MAX_SAMPLES);
    }
    for (int i = 0; i < VB_ISA__COUNT; i++)
        s->by_isa[i].name = vb_isa_name((enum vb_isa)i);
    for (int i = 0; i < VB_DT__COUNT; i++)
        s->by_dtype[i].name = vb_dt_name((enum vb_dt)i);
    free(s->by_prim);
    free(s->by_impl);
    free(s->shapes);
    const struct table *t = &s->priv->shape;
    free(s->priv->prim.v);
    free(s->priv->impl.v);
    memset(&s->priv->prim, 0, sizeof s->priv->prim);
    memset(&s->priv->impl, 0, sizeof s->priv->impl);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->v[i].used)
            continue;
        struct agg *p = tab_get(&s->priv->prim, t->v[i].k0, NULL, NULL, 0);
        p->count += t->v[i].count;
        p->time_ms += t->v[i].time_ms;
        p = tab_get(&s->priv->impl, t->v[i].k1, NULL, NULL, 0);
        p->count += t->v[i].count;
        p->time_ms += t->v[i].time_ms;
    }
    s->by_prim = rows_of(&s->priv->prim, &s->n_prim);
    s->by_impl = rows_of(&s->priv->impl, &s->n_impl);
    s->shapes = xcalloc(t->n ? t->n : 1, sizeof *s->shapes);
    int k = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->v[i].used)
            continue;
        struct lsum_shape *sh = &s->shapes[k++];
        sh->prim = t->v[i].k0;
        sh->impl = t->v[i].k1;
        sh->problem = t->v[i].k2;
        sh->src_dt = (enum vb_dt)(t->v[i].k3 & 0xff);
        sh->isa = (enum vb_isa)(t->v[i].k3 >> 8);
        sh->count = t->v[i].count;
        sh->time_ms = t->v[i].time_ms;
    }
    qsort(s->shapes, (size_t)k, sizeof *s->shapes, shape_cmp);
    s->n_shapes = k;
    if (s->nonreorder.time_ms > 0) {
        s->bf16_share = s->bf16.time_ms / s->nonreorder.time_ms;
        s->amx_share = s->amx.time_ms / s->nonreorder.time_ms;
    } else if (s->nonreorder.count > 0) {
        /* untimed (old GPU) records: shares by count */
        s->bf16_share = (double)s->bf16.count / (double)s->nonreorder.count;
        s->amx_share = (double)s->amx.count / (double)s->nonreorder.count;
    }
    if (amp) {
        s->amp = *amp_log_summary(amp);
        s->decisions = amp_log_decisions(amp, &s->n_decisions);
        s->has_amp = s->amp.passes_run || s->amp.converted_lines || s->amp.nothing_to_do ||
                     s->amp.failures || s->amp.multiple_lists || s->n_decisions;
    }
}
