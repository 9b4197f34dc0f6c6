/* report.c: builds the report of a run directory. Reads verbose.log through
 * the verbose reader (exec events, create lines, iteration markers, AMP lines
 * mixed into the same stream), amp.log through the AMP log reader, finds the
 * iterations, attributes every exec event to a node (the mapper, or truth.tsv
 * when asked), and sums per node and per run: executed dtype, kernel, ISA,
 * time per measured iteration, reorders and casts, the headline shares; the
 * diagnosis is in report_why.c, JSON and the truth check in report_json.c.
 */
#include "analyze/report_int.h"
#include "analyze/tfevidence.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/iterations.h"


const char *rep_str(struct report *r, const char *s)
{
    return s ? strpool_intern(r->pool, s, strlen(s)) : NULL;
}

void rep_note(struct report *r, const char *fmt, ...)
{
    if (r->n_notes >= (int)(sizeof r->notes / sizeof r->notes[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

/* ---- loading the logs ------------------------------------------------- */

struct load {
    struct report *r;
    struct rep_event *ev;
    size_t n, cap;
    struct it_marker *mk;
    size_t n_mk, cap_mk;
    amp_log *amp;
    long creates, bad_markers;
    bool too_many;
};

#define REP_MAX_EVENTS 20000000L /* ~2.6 GB of events; a longer log is cut first */

static int on_event(void *ctx, const struct vb_event *ve)
{
    struct load *L = ctx;
    if (ve->kind == VB_CREATE || ve->kind == VB_CREATE_NESTED) {
        L->creates++;
        return 0;
    }
    if (ve->kind != VB_EXEC)
        return 0;
    if ((long)L->n >= REP_MAX_EVENTS) {
        L->too_many = true;
        return 1; /* stops the reader */
    }
    if (L->n == L->cap)
        xgrow(&L->ev, &L->cap, L->n + 1, sizeof *L->ev);
    map_event_from_vb(&L->ev[L->n], ve, (long)L->n);
    L->n++;
    return 0;
}

static int on_other(void *ctx, const char *line, size_t len, long line_no)
{
    struct load *L = ctx;
    struct it_marker m;
    int k = it_parse_marker(line, len, &m);
    if (k == 1) {
        m.line_no = line_no;
        if (L->n_mk == L->cap_mk)
            xgrow(&L->mk, &L->cap_mk, L->n_mk + 1, sizeof *L->mk);
        L->mk[L->n_mk++] = m;
        return 0;
    }
    if (k < 0) {
        L->bad_markers++;
        return 0;
    }
    if (L->amp)
        amp_log_line(L->amp, line, len, line_no);
    return 0;
}

static void read_amp_file(const char *path, amp_log *a)
{
    char *buf = NULL;
    size_t len = 0;
    struct err e;
    if (util_read_file(path, (size_t)256 << 20, &buf, &len, &e) != ST_OK)
        return;
    long line_no = 0;
    for (char *p = buf; p < buf + len;) {
        char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);
        line_no++;
        if (l && p[l - 1] == '\r')
            amp_log_line(a, p, l - 1, line_no);
        else
            amp_log_line(a, p, l, line_no);
        p += l + 1;
    }
    free(buf);
}

/* truth.tsv: exec_index<TAB>node<TAB>role */
static enum status apply_truth(struct report *r, const char *path, struct err *e)
{
    char *buf = NULL;
    size_t len = 0;
    enum status st = util_read_file(path, (size_t)1 << 30, &buf, &len, e);
    if (st != ST_OK)
        return st;
    for (long i = 0; i < r->n_events; i++) {
        r->events[i].node = -1;
        r->events[i].cast = -1;
        r->events[i].role = "";
        r->events[i].confidence = 0;
    }
    long line_no = 0;
    for (char *p = buf; p < buf + len;) {
        char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        if (nl)
            *nl = 0;
        line_no++;
        char *line = p;
        p = nl ? nl + 1 : buf + len;
        if (!*line || *line == '#')
            continue;
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) {
            free(buf);
            return err_at(e, ST_EPARSE, path, line_no, 0,
                          "expected exec_index<TAB>node<TAB>role; the run directory's truth.tsv is "
                          "damaged (re-run, or open without the truth)");
        }
        *t1 = *t2 = 0;
        char *end;
        long idx = strtol(line, &end, 10);
        if (*end || idx < 0)
            continue;
        if (idx >= r->n_events)
            continue;
        char *role = t2 + 1;
        size_t rl = strlen(role);
        if (rl && role[rl - 1] == '\r')
            role[rl - 1] = 0;
        struct rep_event *ev = &r->events[idx];
        enum map_role mr = map_role_parse(role);
        ev->role = map_role_name(mr);
        ev->confidence = 1;
        int c = strmap_get(&rpriv(r)->cast_names, t1 + 1, -1);
        if (mr == MAP_ROLE_CAST && c >= 0) {
            ev->cast = c;
            ev->node = -1;
        } else {
            ev->node = graph_find(r->g, t1 + 1);
        }
    }
    free(buf);
    return ST_OK;
}

/* ---- summing ---------------------------------------------------------- */

#define MAX_IMPLS 4
struct acc {
    double compute, reorder, cast, bf16_ms, f32_ms, amx_ms, conf;
    long n, n_compute, n_reorder, n_cast;
    const char *impl[MAX_IMPLS];
    double impl_ms[MAX_IMPLS];
    enum vb_isa impl_isa[MAX_IMPLS];
    bool any;
    long first_compute;       /* index of its first compute event, -1 */
};

static bool is_compute(const struct rep_event *ev)
{
    if (ev->role && !strcmp(ev->role, "compute"))
        return true;
    if (ev->role && *ev->role)
        return false;
    return strcmp(ev->prim, "reorder") != 0;
}

static bool is_cast(const struct rep_event *ev)
{
    return ev->cast >= 0 || (ev->role && !strcmp(ev->role, "cast"));
}

static void acc_impl(struct acc *a, const struct rep_event *ev)
{
    double t = isnan(ev->time_ms) ? 0 : ev->time_ms;
    for (int i = 0; i < MAX_IMPLS; i++) {
        if (a->impl[i] == ev->impl) {
            a->impl_ms[i] += t;
            return;
        }
        if (!a->impl[i]) {
            a->impl[i] = ev->impl;
            a->impl_ms[i] = t;
            a->impl_isa[i] = ev->isa;
            return;
        }
    }
}

static int node_cmp(const void *a, const void *b)
{
    const struct rep_node *x = a, *y = b;
    if (x->time_ms != y->time_ms)
        return x->time_ms > y->time_ms ? -1 : 1;
    return x->node - y->node;
}

static const char *planned_of(const struct report *r, int n)
{
    if (!r->plan || !r->plan->nodes)
        return "?";
    if (r->plan->failed)
        return r->plan->nodes[n].any_fp32_attr ? "fp32" : "-";
    if (r->plan->nodes[n].bf16)
        return "bf16";
    return r->plan->nodes[n].any_fp32_attr ? "fp32" : "-";
}

/* The node a cast event counts towards: the first consumer of the cast. */
static int cast_owner(const struct report *r, const struct rep_event *ev)
{
    if (ev->cast >= 0 && r->plan && ev->cast < r->plan->n_casts) {
        const struct amp_cast *c = &r->plan->casts[ev->cast];
        return c->n_dst > 0 ? c->dst_nodes[0] : c->src_node;
    }
    return ev->node;
}

static void summarize(struct report *r, const int *fused_into, const struct it_result *it)
{
    const graph *g = r->g;
    int nn = g->n_nodes;
    struct acc *A = xcalloc((size_t)(nn > 0 ? nn : 1), sizeof *A);
    for (int n = 0; n < nn; n++)
        A[n].first_compute = -1;
    for (long i = 0; i < r->n_events; i++) {
        const struct rep_event *ev = &r->events[i];
        if (ev->node >= 0 && ev->node < nn && A[ev->node].first_compute < 0 && !is_cast(ev) &&
            is_compute(ev))
            A[ev->node].first_compute = i;
    }
    int iters = it->n_iters > 0 ? it->n_iters : 1;
    bool measured_any = false;
    for (long i = 0; i < r->n_events; i++)
        if (r->events[i].iteration >= 0) {
            measured_any = true;
            break;
        }
    double total = 0, compute = 0, bf16 = 0, amx = 0, cast = 0, reorder = 0, conf = 0;
    long casts = 0, mapped = 0;
    r->unmapped_events = 0;
    r->n_warmup_events = 0;
    for (long i = 0; i < r->n_events; i++) {
        const struct rep_event *ev = &r->events[i];
        bool is_mapped = ev->node >= 0 || ev->cast >= 0;
        if (!is_mapped)
            r->unmapped_events++;
        else {
            mapped++;
            conf += ev->confidence;
        }
        if (measured_any && ev->iteration < 0) {
            r->n_warmup_events++;
            continue;
        }
        double t = isnan(ev->time_ms) ? 0 : ev->time_ms;
        total += t;
        int owner = cast_owner(r, ev);
        struct acc *a = owner >= 0 && owner < nn ? &A[owner] : NULL;
        if (is_cast(ev)) {
            cast += t;
            casts++;
            if (a) {
                a->cast += t;
                a->n_cast++;
            }
        } else if (is_compute(ev)) {
            compute += t;
            if (ev->src_dt == VB_DT_BF16)
                bf16 += t;
            if (ev->isa == VB_ISA_AMX)
                amx += t;
            if (a) {
                a->compute += t;
                a->n_compute++;
                if (ev->src_dt == VB_DT_BF16)
                    a->bf16_ms += t;
                else
                    a->f32_ms += t;
                if (ev->isa == VB_ISA_AMX)
                    a->amx_ms += t;
                acc_impl(a, ev);
            }
        } else {
            reorder += t;
            if (a) {
                a->reorder += t;
                a->n_reorder++;
            }
        }
        if (a) {
            a->n++;
            a->conf += ev->confidence;
            a->any = true;
        }
    }
    r->iterations = measured_any ? it->n_iters : (r->n_events ? 1 : 0);
    if (!measured_any)
        iters = 1;
    r->warmup = it->n_warmup;
    r->prim_ms_per_iter = total / iters;
    r->bf16_share = compute > 0 ? bf16 / compute : NAN;
    r->amx_share = compute > 0 ? amx / compute : NAN;
    r->cast_count = (int)((casts + iters / 2) / iters);
    r->cast_ms = cast / iters;
    r->cast_share = total > 0 ? cast / total : NAN;
    r->reorder_ms = reorder / iters;
    r->reorder_share = total > 0 ? reorder / total : NAN;
    r->wall_ms_per_iter = it->wall_ms_per_iter;
    r->mean_confidence = mapped ? conf / (double)mapped : NAN;
    rep_iteration_spread(r, it, measured_any);

    /* nodes: those with events, and those fused into one */
    int count = 0;
    for (int n = 0; n < nn; n++)
        if (A[n].any || (fused_into && fused_into[n] >= 0))
            count++;
    r->nodes = xcalloc((size_t)(count > 0 ? count : 1), sizeof *r->nodes);
    int k = 0;
    for (int n = 0; n < nn; n++) {
        if (!(A[n].any || (fused_into && fused_into[n] >= 0)))
            continue;
        struct rep_node *rn = &r->nodes[k++];
        struct acc *a = &A[n];
        rn->node = n;
        rn->name = g->nodes[n].name;
        rn->op = g->nodes[n].op;
        rn->planned = planned_of(r, n);
        rn->compute_ms = a->compute / iters;
        rn->reorder_ms = a->reorder / iters;
        rn->cast_ms = a->cast / iters;
        rn->time_ms = rn->compute_ms + rn->reorder_ms + rn->cast_ms;
        rn->n_events = (int)((a->n + iters / 2) / iters);
        rn->n_reorders = (int)((a->n_reorder + iters / 2) / iters);
        rn->n_casts = (int)((a->n_cast + iters / 2) / iters);
        rn->speedup = NAN;
        rn->confidence = a->n ? (float)(a->conf / (double)a->n) : 0;
        rn->ic = -1;
        rn->reason_code = "";
        if (r->plan && r->plan->nodes && r->plan->nodes[n].reason_code)
            rn->reason_code = r->plan->nodes[n].reason_code;
        int best = -1;
        for (int i = 0; i < MAX_IMPLS && a->impl[i]; i++)
            if (best < 0 || a->impl_ms[i] > a->impl_ms[best])
                best = i;
        rn->impl = best >= 0 ? a->impl[best] : "";
        rn->isa = best >= 0 ? a->impl_isa[best] : VB_ISA_UNKNOWN;
        if (a->n_compute == 0)
            rn->executed_dtype = "-";
        else if (a->bf16_ms > 0 && a->f32_ms > 0)
            rn->executed_dtype = "mixed";
        else if (a->bf16_ms > 0)
            rn->executed_dtype = "bf16";
        else {
            /* zero-time events still say which type ran */
            rn->executed_dtype = "f32";
            if (a->first_compute >= 0) {
                const struct rep_event *ev = &r->events[a->first_compute];
                rn->executed_dtype = ev->src_dt == VB_DT_BF16 ? "bf16" : vb_dt_name(ev->src_dt);
            }
        }
        if (fused_into && fused_into[n] >= 0 && !a->any)
            rn->fused_into = g->nodes[fused_into[n]].name;
        rn->share = total > 0 ? (rn->time_ms * iters) / total : 0;
    }
    r->n_nodes = k;
    /* fused nodes inherit the dtype/kernel of the primitive that ran them */
    for (int i = 0; i < k; i++) {
        struct rep_node *rn = &r->nodes[i];
        if (!rn->fused_into)
            continue;
        int root = fused_into[rn->node];
        for (int j = 0; j < k; j++)
            if (r->nodes[j].node == root) {
                rn->executed_dtype = r->nodes[j].executed_dtype;
                rn->impl = r->nodes[j].impl;
                rn->isa = r->nodes[j].isa;
            }
    }
    /* input channels / contraction size, for the AMX diagnosis */
    for (int i = 0; i < k; i++) {
        struct rep_node *rn = &r->nodes[i];
        long j = A[rn->node].first_compute;
        if (j < 0)
            continue;
        const struct rep_event *ev = &r->events[j];
        struct map_sig s;
        map_sig_of_event(ev->prim, ev->problem, &s);
        if (s.kind == MK_CONV && s.nf >= 3 && s.f[0] > 0)
            rn->ic = (int)(s.f[2] / s.f[0]);
        else if ((s.kind == MK_IP || s.kind == MK_MATMUL) && s.nf >= 2)
            rn->ic = (int)s.f[1];
    }
    qsort(r->nodes, (size_t)k, sizeof *r->nodes, node_cmp);
    rpriv(r)->by_graph = xmalloc((size_t)(nn > 0 ? nn : 1) * sizeof(int));
    for (int n = 0; n < nn; n++)
        rpriv(r)->by_graph[n] = -1;
    for (int i = 0; i < k; i++)
        rpriv(r)->by_graph[r->nodes[i].node] = i;
    free(A);
}

/* ---- fused.tsv (embedded backend): node<TAB>anchor ---------------------- */

static void read_fused(const char *path, const graph *g, int *fused_into)
{
    char *buf = NULL;
    size_t len = 0;
    struct err e;
    if (util_read_file(path, (size_t)64 << 20, &buf, &len, &e) != ST_OK)
        return;
    for (char *p = buf; p < buf + len;) {
        char *nl = memchr(p, '\n', (size_t)(buf + len - p));
        if (nl)
            *nl = 0;
        char *line = p;
        p = nl ? nl + 1 : buf + len;
        char *t = strchr(line, '\t');
        if (!t || *line == '#')
            continue;
        *t = 0;
        size_t l = strlen(t + 1);
        if (l && t[l] == '\r')
            t[l] = 0;
        int n = graph_find(g, line), a = graph_find(g, t + 1);
        if (n >= 0 && a >= 0)
            fused_into[n] = a;
    }
    free(buf);
}

/* ---- compare ------------------------------------------------------------ */

static void apply_compare(struct report *r, const char *cdir, const struct report_opts *o)
{
    struct report_opts co = {0};
    co.top_why = 0;
    co.compare_dir = "";
    co.cpu_has_amx_known = o ? o->cpu_has_amx_known : false;
    co.cpu_has_amx = o ? o->cpu_has_amx : false;
    struct err e;
    struct report *c = report_from_rundir(cdir, r->g, r->plan, &co, &e);
    if (!c) {
        char buf[600];
        err_format(&e, buf, sizeof buf);
        rep_note(r, "compare run not read: %s", buf);
        return;
    }
    string_copy(r->compare_dir, cdir);
    bool wall = !isnan(c->wall_ms_per_iter) && !isnan(r->wall_ms_per_iter) && r->wall_ms_per_iter > 0;
    r->compare_f32_ms = wall ? c->wall_ms_per_iter : c->prim_ms_per_iter;
    r->compare_bf16_ms = wall ? r->wall_ms_per_iter : r->prim_ms_per_iter;
    r->compare_speedup = r->compare_bf16_ms > 0 ? r->compare_f32_ms / r->compare_bf16_ms : NAN;
    for (int i = 0; i < r->n_nodes; i++) {
        struct rep_node *rn = &r->nodes[i];
        int j = rpriv(c)->by_graph[rn->node];
        if (j >= 0 && rn->time_ms > 0 && c->nodes[j].time_ms > 0)
            rn->speedup = c->nodes[j].time_ms / rn->time_ms;
    }
    report_free(c);
}

/* ---- iterations without markers: graph-aware period ---------------------- */

/* Distinct nodes (and casts) the events [lo, lo+len) map to as one pass. */
static int pass_coverage(mapper *m, const struct rep_event *ev, long lo, long len, int nn)
{
    struct rep_event *tmp = xmalloc((size_t)len * sizeof *tmp);
    memcpy(tmp, ev + lo, (size_t)len * sizeof *tmp);
    for (long i = 0; i < len; i++)
        tmp[i].seq = 0;
    struct map_stats st;
    struct err e;
    map_events(m, tmp, len, &st, &e);
    char *seen = xcalloc((size_t)nn + 1, 1);
    int distinct = 0;
    for (long i = 0; i < len; i++)
        if (tmp[i].node >= 0 && tmp[i].confidence >= 0.6f && !seen[tmp[i].node]) {
            seen[tmp[i].node] = 1;
            distinct++;
        }
    free(seen);
    free(tmp);
    return distinct;
}

/* The shortest repeating period can be a fraction of an iteration when the
 * graph has look-alike layers (conv+bn, conv+bn): a multiple of it whose pass
 * reaches more distinct nodes is the real iteration. */
static void refine_period(struct report *r, const graph *g, const amp_plan *plan, struct it_result *it)
{
    long p = it->period, reps = it->n_iters, n = r->n_events;
    struct err e;
    mapper *m = map_new(g, plan, &e);
    if (!m)
        return;
    long best = p;
    int best_cov = pass_coverage(m, r->events, n - p, p, g->n_nodes);
    for (long k = 2; k <= 64 && reps / k >= 2; k++) {
        if (reps % k != 0 && reps / k < 3)
            continue;
        int cov = pass_coverage(m, r->events, n - k * p, k * p, g->n_nodes);
        if (cov > best_cov) {
            best_cov = cov;
            best = k * p;
        }
    }
    map_free(m);
    if (best != p) {
        it_assign_period(r->events, n, best, (p * reps) / best, it);
    }
}

/* ---- entry ---------------------------------------------------------------- */

struct report *report_from_rundir(const char *dir, const graph *g, const amp_plan *plan,
                                  const struct report_opts *o, struct err *e)
{
    if (!dir || !g) {
        err_set(e, ST_EINVAL, "report_from_rundir needs a run directory and a graph");
        return NULL;
    }
    char path[PATH_MAX];
    struct rundir_meta meta;
    memset(&meta, 0, sizeof meta);
    bool have_meta = false;
    struct err me;
    enum status st = rundir_read_meta(dir, &meta, &me);
    if (st == ST_EUNSUPPORTED) {
        if (e)
            *e = me;
        return NULL;
    }
    have_meta = st == ST_OK;
    rundir_path(dir, RUNDIR_VERBOSE, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, ST_ENOENT,
                "%s: no %s here, so there is nothing to analyse (is this a run directory? "
                "`ampscope run MODEL` or `ampscope analyze MODEL --log FILE` make one)",
                dir, RUNDIR_VERBOSE);
        return NULL;
    }
    fclose(f);

    struct report *r = xcalloc(1, sizeof *r);
    r->pool = strpool_new();
    struct rep_priv *P = xcalloc(1, sizeof *P);
    r->priv = P;
    r->g = g;
    r->plan = plan;
    P->meta = meta;
    P->have_meta = have_meta;
    strmap_init(&P->cast_names);
    if (plan)
        for (int i = 0; i < plan->n_casts; i++)
            if (plan->casts[i].name)
                strmap_put(&P->cast_names, plan->casts[i].name, i);
    string_copy(r->run_dir, dir);
    r->compare_speedup = r->painter_agreement = r->tf_mapper_agreement = NAN;
    r->compare_f32_ms = r->compare_bf16_ms = NAN;
    r->wall_ms_per_iter = NAN;
    r->iter_ms_min = r->iter_ms_median = r->iter_ms_max = NAN;
    if (have_meta) {
        string_copy(r->backend, meta.backend);
        string_copy(r->onednn_version, meta.onednn_version);
        string_copy(r->tf_version, meta.tf_version);
        string_copy(r->status, meta.status);
        string_copy(r->cpu_model, meta.cpu_model);
        r->cpu_known = meta.cpu_flags[0] != 0;
        r->cpu_has_amx = strstr(meta.cpu_flags, "amx_bf16") != NULL;
        if (!strcmp(meta.amp, "off"))
            rep_note(r, "AMP was off for this run (the f32 baseline): \"planned\" is what AMP would do");
        if (strcmp(meta.status, "ok") != 0 && meta.status[0])
            rep_note(r, "the run's status is \"%s\"%s%s: this is what it left behind", meta.status,
                     meta.failure[0] ? ": " : "", meta.failure);
    } else {
        rep_note(r, "no %s in %s: versions and CPU unknown", RUNDIR_META, dir);
    }
    if (o && o->cpu_has_amx_known) {
        r->cpu_known = true;
        r->cpu_has_amx = o->cpu_has_amx;
    }

    /* verbose.log (+ markers + any AMP lines) */
    struct load L = {0};
    L.r = r;
    L.amp = amp_log_new();
    struct vb_sink sink = {&L, on_event, on_other};
    P->rd = vb_reader_new(&sink);
    if (o && o->progress)
        vb_reader_set_progress(P->rd, o->progress, o->progress_ctx);
    st = vb_read_path(P->rd, path, e);
    if (L.too_many)
        st = err_at(e, ST_ELIMIT, path, 0, 0,
                    "more than %ld oneDNN exec lines; analyse an excerpt of a few hundred "
                    "iterations (e.g. `head -n 2000000`)", REP_MAX_EVENTS);
    if (st != ST_OK) {
        amp_log_free(L.amp);
        free(L.ev);
        free(L.mk);
        report_free(r);
        return NULL;
    }
    r->events = L.ev;
    r->n_events = (long)L.n;
    r->n_exec_total = (long)L.n;
    r->n_create_lines = L.creates;
    r->n_verbose_unparsed = vb_reader_counts(P->rd)->unparsed;
    rundir_path(dir, RUNDIR_AMPLOG, path, sizeof path);
    read_amp_file(path, L.amp);
    r->amp = *amp_log_summary(L.amp);
    amp_log_free(L.amp);

    /* iterations */
    struct it_result it;
    if (L.n_mk > 0)
        it_assign_markers(r->events, r->n_events, L.mk, (int)L.n_mk, &it);
    else
        it_assign_repeats(r->events, r->n_events, &it);
    if (!it.from_markers && it.n_iters >= 4)
        refine_period(r, g, plan, &it);
    r->iterations_from_markers = it.from_markers;
    free(L.mk);

    /* attribution */
    tf_evidence *tfe = tfev_for_report(r, dir);
    int *fused = xmalloc((size_t)(g->n_nodes > 0 ? g->n_nodes : 1) * sizeof *fused);
    for (int i = 0; i < g->n_nodes; i++)
        fused[i] = -1;
    rundir_path(dir, RUNDIR_TRUTH, path, sizeof path);
    bool truth = o && o->use_truth && (f = fopen(path, "rb")) != NULL;
    if (truth) {
        fclose(f);
        st = apply_truth(r, path, e);
        if (st != ST_OK) {
            free(fused);
            tfev_free(tfe);
            report_free(r);
            return NULL;
        }
        r->used_truth = true;
        rundir_path(dir, RUNDIR_FUSED, path, sizeof path);
        read_fused(path, g, fused);
    } else {
        if (o && o->use_truth)
            rep_note(r, "no %s in this run: attribution is the mapper's", RUNDIR_TRUTH);
        mapper *m = map_new(g, plan, e);
        if (!m) {
            free(fused);
            tfev_free(tfe);
            report_free(r);
            return NULL;
        }
        struct map_stats ms;
        map_events(m, r->events, r->n_events, &ms, e);
        r->n_shape_mismatch = rep_shape_mismatches(m, r);
        memcpy(fused, map_fused_into(m), (size_t)g->n_nodes * sizeof *fused);
        map_free(m);
        /* a TensorFlow run: its step_stats timestamps name the node of most events */
        if (tfe)
            tfev_attribute_report(tfe, r, fused);
    }
    summarize(r, fused, &it);
    free(fused);
    long off = r->unmapped_events + r->n_shape_mismatch;
    if (r->n_events >= 4 && off * 5 > r->n_events)
        rep_note(r, "%ld of %ld exec events (%.0f%%) map to no node of this graph, or only to a node of "
                    "another shape: is the log from another model, or from other input shapes "
                    "(--input/--batch)?",
                 off, r->n_events, 100.0 * (double)off / (double)r->n_events);
    if (r->n_events == 0)
        rep_note(r, "%s has no oneDNN exec lines (was ONEDNN_VERBOSE=1 set for the run?)",
                 RUNDIR_VERBOSE);
    rep_diagnose(r, o && o->top_why > 0 ? o->top_why : (o && o->top_why < 0 ? 0 : 10));

    /* compare with the f32 baseline */
    const char *cdir = o ? o->compare_dir : NULL;
    char cpath[PATH_MAX];
    if (!cdir) {
        rundir_path(dir, RUNDIR_COMPARE, cpath, sizeof cpath);
        if (rundir_is(cpath))
            cdir = cpath;
    }
    if (cdir && *cdir)
        apply_compare(r, cdir, o);
    tfev_report(r, dir, tfe); /* TensorFlow's own evidence, when the run has it (analyze/tfevidence) */
    /* TF's Casts run as Eigen kernels (not in verbose.log): when the evidence
     * supplied them, their share is of primitives + casts */
    if (r->cast_ms > 0 && !(r->cast_share > 0) && r->prim_ms_per_iter >= 0)
        r->cast_share = r->cast_ms / (r->prim_ms_per_iter + r->cast_ms);
    return r;
}

void report_free(struct report *r)
{
    if (!r)
        return;
    struct rep_priv *P = rpriv(r);
    if (P) {
        vb_reader_free(P->rd);
        strmap_done(&P->cast_names);
        free(P->by_graph);
        free(P);
    }
    free(r->events);
    free(r->nodes);
    free(r->whys);
    for (int i = 0; i < r->n_disagreements; i++)
        free(r->disagreements[i]);
    free(r->disagreements);
    free(r->tf_json);
    strpool_free(r->pool);
    free(r);
}

const char *rep_event_target(const struct report *r, const struct rep_event *ev)
{
    if (ev->cast >= 0 && r->plan && ev->cast < r->plan->n_casts)
        return r->plan->casts[ev->cast].name;
    if (ev->node >= 0 && ev->node < r->g->n_nodes)
        return r->g->nodes[ev->node].name;
    return NULL;
}
