/* model.c: what the views show, built from the analyze layer and free of
 * curses: the graph, the run's lists and plan, the current lists (edited in
 * the TUI) and their plan, the run's report, and one display row per node.
 * A list toggle repaints with amp_paint at once; rows then show the painter's
 * prediction (marked predicted) until a rerun replaces the run.
 */
#include "tui/tui_int.h"

#include "analyze/tfevidence.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *tui_prec_name(enum tui_prec p)
{
    switch (p) {
    case P_F32: return "f32";
    case P_BF16: return "bf16";
    case P_MIXED: return "mixed";
    default: return "-";
    }
}

/* ---- lists from a run's meta.json ------------------------------------- */

amp_lists *tm_lists_of_meta(const char *tf_version, const char *list_env, struct err *e)
{
    amp_lists *l = amp_lists_new(tf_version && *tf_version ? tf_version : NULL, e);
    if (!l)
        l = amp_lists_new(NULL, e);
    if (!l)
        return NULL;
    if (list_env && *list_env) {
        amp_lists_from_env_text(l, list_env, e);
    }
    return l;
}

amp_plan *tm_paint(const graph *g, const amp_lists *l, struct err *e)
{
    /* as `run` and `open` paint: grappler's earlier passes modelled, except
     * on TensorFlow's own pre-AMP dump (already after them) */
    struct amp_opts o = {.all_on_cpu = true, .model_grappler_prepasses = !(g->path && tfev_is_dump(g->path))};
    return amp_paint(g, l, &o, e);
}

/* Same edits? (compares the env lines the two lists produce) */
static bool lists_same(const amp_lists *a, const amp_lists *b)
{
    const char *const *na, *const *va, *const *nb, *const *vb;
    int ka = amp_lists_env(a, &na, &va);
    struct abuf x, y;
    abuf_init(&x);
    abuf_init(&y);
    for (int i = 0; i < ka; i++)
        abuf_printf(&x, "%s=%s\n", na[i], va[i]);
    int kb = amp_lists_env(b, &nb, &vb);
    for (int i = 0; i < kb; i++)
        abuf_printf(&y, "%s=%s\n", nb[i], vb[i]);
    bool same = ka == kb && (!x.len || !strcmp(x.data, y.data));
    abuf_done(&x);
    abuf_done(&y);
    return same;
}

/* ---- loading ------------------------------------------------------------ */

static void parse_binds(const char *inputs, struct g_input_bind *b, int *n, int max)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", inputs);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && *n < max;
         t = strtok_r(NULL, " ", &save)) {
        struct err e = {0};
        if (g_input_bind_parse(t, &b[*n], &e) == ST_OK)
            (*n)++;
    }
}

/* The run's lists, plan and report onto the loaded graph. */
static enum status load_run(struct tui_model *m, const char *dir, const char *tf_version,
                            struct err *e)
{
    enum status st = rundir_read_meta(dir, &m->meta, e);
    if (st != ST_OK)
        return st;
    snprintf(m->run_dir, sizeof m->run_dir, "%s", dir);
    snprintf(m->backend, sizeof m->backend, "%s", m->meta.backend);
    m->run_lists = tm_lists_of_meta(tf_version ? tf_version : m->meta.tf_version, m->meta.list_env, e);
    if (!m->run_lists)
        return ST_EINVAL;
    m->lists = amp_lists_clone(m->run_lists);
    m->run_plan = tm_paint(m->g, m->run_lists, e);
    if (!m->run_plan)
        return ST_ERUNTIME;
    m->plan = m->run_plan;
    m->edited = false;
    struct report_opts ro = {.top_why = 10};
    const amp_plan *rp = strcmp(m->meta.amp, "off") ? m->run_plan : NULL;
    struct err re = {0};
    m->rep = report_from_rundir(dir, m->g, rp, &ro, &re);
    m->has_run = true;
    if (!m->rep) {
        char b[400];
        err_format(&re, b, sizeof b);
        snprintf(m->load_note, sizeof m->load_note, "run not analysed: %s", b);
    }
    return ST_OK;
}

static void base_model_name(struct tui_model *m, const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *b = basename(tmp);
    char *dot = strrchr(b, '.');
    if (dot && dot != b)
        *dot = 0;
    snprintf(m->model_name, sizeof m->model_name, "%s", b);
}

enum status tm_load_graph(struct tui_model *m, graph *g, const char *tf_version, struct err *e)
{
    memset(m, 0, sizeof *m);
    m->g = g;
    snprintf(m->model_path, sizeof m->model_path, "%s", g->path ? g->path : "");
    snprintf(m->rerun_model, sizeof m->rerun_model, "%s", m->model_path);
    base_model_name(m, m->model_path);
    snprintf(m->backend, sizeof m->backend, "embedded");
    m->run_lists = amp_lists_new(tf_version, e);
    if (!m->run_lists)
        return ST_EINVAL;
    m->lists = amp_lists_clone(m->run_lists);
    m->run_plan = tm_paint(g, m->run_lists, e);
    if (!m->run_plan)
        return ST_ERUNTIME;
    m->plan = m->run_plan;
    tm_rebuild(m);
    return ST_OK;
}

static bool file_exists(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0;
}

enum status tm_load(struct tui_model *m, const struct tui_opts *o, struct err *e)
{
    memset(m, 0, sizeof *m);
    struct rundir_meta meta;
    char model[1024] = "";
    int batch = 1;
    struct g_input_bind binds[8];
    int n_binds = 0;
    if (o->run_dir) {
        enum status st = rundir_read_meta(o->run_dir, &meta, e);
        if (st != ST_OK)
            return st;
        if (o->model_path)
            snprintf(model, sizeof model, "%s", o->model_path);
        else if (file_exists(meta.model))
            snprintf(model, sizeof model, "%s", meta.model);
        else {
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s", meta.model);
            snprintf(model, sizeof model, "%s/%s", o->run_dir, basename(tmp));
        }
        if (meta.batch > 0)
            batch = meta.batch;
        parse_binds(meta.inputs, binds, &n_binds, 8);
    } else if (o->model_path) {
        snprintf(model, sizeof model, "%s", o->model_path);
    } else {
        return err_set(e, ST_EINVAL, "nothing to show: give a run directory or a model");
    }
    /* the run's SavedModel selection, as run recorded it (open/export too) */
    struct rundir_select sel;
    struct graph_load_opts lo = {0};
    if (o->run_dir && rundir_read_select(o->run_dir, &sel)) {
        lo.tag = sel.tag[0] ? sel.tag : NULL;
        lo.signature = sel.signature[0] ? sel.signature : NULL;
    }
    graph *g = graph_load(model, &lo, e);
    if (!g) {
        for (int i = 0; i < n_binds; i++)
            g_input_bind_done(&binds[i]);
        return ST_EINVAL;
    }
    enum status st = graph_infer(g, binds, n_binds, batch, e);
    for (int i = 0; i < n_binds; i++)
        g_input_bind_done(&binds[i]);
    if (st != ST_OK) {
        graph_free(g);
        return st;
    }
    m->g = g;
    snprintf(m->model_path, sizeof m->model_path, "%s", model);
    snprintf(m->rerun_model, sizeof m->rerun_model, "%s", model);
    base_model_name(m, model);
    if (o->run_dir) {
        char pp[1100], *txt = NULL;
        size_t len = 0;
        struct err pe = {0};
        snprintf(pp, sizeof pp, "%s/model.path", o->run_dir);
        if (util_read_file(pp, 4096, &txt, &len, &pe) == ST_OK) {
            txt[strcspn(txt, "\n")] = 0;
            if (file_exists(txt))
                snprintf(m->rerun_model, sizeof m->rerun_model, "%s", txt);
        }
        free(txt);
    }
    snprintf(m->backend, sizeof m->backend, "%s", o->backend ? o->backend : "embedded");
    if (o->run_dir) {
        st = load_run(m, o->run_dir, o->tf_version, e);
        if (st != ST_OK)
            return st;
        if (m->meta.model_name[0])
            snprintf(m->model_name, sizeof m->model_name, "%s", m->meta.model_name);
        if (o->backend)
            snprintf(m->backend, sizeof m->backend, "%s", o->backend);
    } else {
        m->run_lists = amp_lists_new(o->tf_version, e);
        if (!m->run_lists)
            return ST_EINVAL;
        m->lists = amp_lists_clone(m->run_lists);
        m->run_plan = tm_paint(g, m->run_lists, e);
        if (!m->run_plan)
            return ST_ERUNTIME;
        m->plan = m->run_plan;
    }
    tm_rebuild(m);
    return ST_OK;
}

static void free_run(struct tui_model *m)
{
    if (m->rep)
        report_free(m->rep);
    if (m->plan && m->plan != m->run_plan)
        amp_plan_free(m->plan);
    if (m->run_plan)
        amp_plan_free(m->run_plan);
    if (m->lists)
        amp_lists_free(m->lists);
    if (m->run_lists)
        amp_lists_free(m->run_lists);
    m->rep = NULL;
    m->plan = m->run_plan = NULL;
    m->lists = m->run_lists = NULL;
}

void tm_done(struct tui_model *m)
{
    free_run(m);
    free(m->rows);
    free(m->ops);
    free(m->runs);
    free(m->diff);
    if (m->g)
        graph_free(m->g);
    memset(m, 0, sizeof *m);
}

enum status tm_switch_run(struct tui_model *m, const char *dir, struct err *e)
{
    char tfv[32];
    snprintf(tfv, sizeof tfv, "%s", amp_lists_version(m->run_lists));
    free_run(m);
    m->load_note[0] = 0;
    enum status st = load_run(m, dir, tfv, e);
    if (st != ST_OK)
        return st;
    tm_rebuild(m);
    return ST_OK;
}

/* ---- rows ------------------------------------------------------------- */

static const char *planned_of(const amp_plan *p, int i)
{
    if (!p || p->failed)
        return p && p->nodes[i].any_fp32_attr ? "fp32" : "-";
    return p->nodes[i].bf16 ? "bf16" : p->nodes[i].any_fp32_attr ? "fp32" : "-";
}

static enum tui_prec prec_of_exec(const char *d)
{
    if (!d)
        return P_NONE;
    if (!strcmp(d, "bf16"))
        return P_BF16;
    if (!strcmp(d, "f32"))
        return P_F32;
    if (!strcmp(d, "mixed"))
        return P_MIXED;
    return P_NONE;
}

static enum tui_prec prec_of_plan(const char *p)
{
    return !strcmp(p, "bf16") ? P_BF16 : !strcmp(p, "fp32") ? P_F32 : P_NONE;
}

void tm_rebuild(struct tui_model *m)
{
    const graph *g = m->g;
    free(m->rows);
    m->n_rows = g->n_nodes;
    m->rows = xcalloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *m->rows);
    int *cast_n = xcalloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *cast_n);
    for (int c = 0; m->plan && c < m->plan->n_casts; c++) {
        const struct amp_cast *k = &m->plan->casts[c];
        if (k->src_node >= 0)
            cast_n[k->src_node]++;
        for (int d = 0; d < k->n_dst; d++)
            if (k->dst_nodes[d] >= 0 && k->dst_nodes[d] < g->n_nodes)
                cast_n[k->dst_nodes[d]]++;
    }
    m->edited = m->lists && m->run_lists && !lists_same(m->lists, m->run_lists);
    for (int i = 0; i < g->n_nodes; i++) {
        struct tui_row *r = &m->rows[i];
        r->node = i;
        r->name = g->nodes[i].name;
        r->op = g->nodes[i].op;
        r->planned = planned_of(m->plan, i);
        r->plan_changed = m->plan != m->run_plan &&
                          strcmp(r->planned, planned_of(m->run_plan, i)) != 0;
        r->executed = "-";
        r->isa = "";
        r->impl = "";
        r->rep = -1;
        r->casts = cast_n[i];
        r->reason = m->plan && m->plan->nodes[i].reason ? m->plan->nodes[i].reason : "";
    }
    free(cast_n);
    if (m->rep) {
        for (int k = 0; k < m->rep->n_nodes; k++) {
            const struct rep_node *rn = &m->rep->nodes[k];
            if (rn->node < 0 || rn->node >= g->n_nodes)
                continue;
            struct tui_row *r = &m->rows[rn->node];
            r->rep = k;
            r->executed = rn->executed_dtype ? rn->executed_dtype : "-";
            r->impl = rn->impl ? rn->impl : "";
            r->isa = rn->isa != VB_ISA_UNKNOWN ? vb_isa_name(rn->isa) : "";
            r->time_ms = isnan(rn->time_ms) ? 0 : rn->time_ms;
            r->share = isnan(rn->share) ? 0 : rn->share;
            r->amx = rn->isa == VB_ISA_AMX;
            r->has_event = rn->n_events > 0;
            r->fused_into = rn->fused_into;
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        struct tui_row *r = &m->rows[i];
        if (m->has_run && r->has_event && !r->plan_changed) {
            r->shown = prec_of_exec(r->executed);
            r->predicted = false;
        } else if (m->has_run && r->fused_into && !r->plan_changed) {
            int a = graph_find(g, r->fused_into);
            r->shown = a >= 0 && m->rows[a].has_event ? prec_of_exec(m->rows[a].executed)
                                                      : prec_of_plan(r->planned);
            r->predicted = false;
        } else {
            r->shown = prec_of_plan(r->planned);
            r->predicted = !m->has_run || r->plan_changed;
        }
    }
    /* op types */
    free(m->ops);
    m->ops = NULL;
    m->n_ops = 0;
    size_t cap = 0;
    struct strmap idx;
    strmap_init(&idx);
    for (int i = 0; i < g->n_nodes; i++) {
        const struct tui_row *r = &m->rows[i];
        int k = strmap_get(&idx, r->op, -1);
        if (k < 0) {
            xgrow(&m->ops, &cap, (size_t)m->n_ops + 1, sizeof *m->ops);
            k = m->n_ops++;
            memset(&m->ops[k], 0, sizeof m->ops[k]);
            m->ops[k].op = r->op;
            m->ops[k].list = m->lists ? amp_lists_which(m->lists, r->op, NULL) : AMP_LIST_NONE;
            m->ops[k].deflt = m->lists ? amp_lists_default(m->lists, r->op) : AMP_LIST_NONE;
            strmap_put(&idx, r->op, k);
        }
        struct tui_optype *t = &m->ops[k];
        t->count++;
        t->time_ms += r->time_ms;
        if (r->shown == P_BF16 || r->shown == P_MIXED)
            t->n_bf16++;
        else if (r->shown == P_F32)
            t->n_f32++;
        else
            t->n_none++;
    }
    strmap_done(&idx);
    /* headline */
    char *h = m->headline;
    size_t hs = sizeof m->headline;
    int casts = m->plan ? m->plan->n_casts : 0;
    if (m->rep && !m->edited) {
        char conv[400];
        if (m->rep->amp.converted_line[0])
            snprintf(conv, sizeof conv, "TF: %s", m->rep->amp.converted_line);
        else if (m->run_plan && !m->run_plan->failed)
            snprintf(conv, sizeof conv, "painter: %d/%d converted, %d casts", m->run_plan->converted,
                     m->run_plan->total, m->run_plan->counted_casts);
        else
            conv[0] = 0;
        /* no compute event in the log: the shares are NaN; say so instead */
        bool none = isnan(m->rep->bf16_share) || isnan(m->rep->amx_share);
        if (none)
            snprintf(h, hs, "no oneDNN compute in the log  casts %d/iter  %s", m->rep->cast_count, conv);
        else
            snprintf(h, hs, "bf16 %.1f%%  AMX %.1f%%  casts %d/iter  %s", 100 * m->rep->bf16_share,
                     100 * m->rep->amx_share, m->rep->cast_count, conv);
        int cv_n = m->rep->amp.converted >= 0 ? m->rep->amp.converted : m->run_plan ? m->run_plan->converted : -1;
        int cv_t = m->rep->amp.converted >= 0 ? m->rep->amp.total : m->run_plan ? m->run_plan->total : -1;
        char tail[64] = "";
        if (cv_n >= 0)
            snprintf(tail, sizeof tail, "  %s %d/%d", m->rep->amp.converted >= 0 ? "TF" : "painter", cv_n, cv_t);
        if (none)
            snprintf(m->headline_short, sizeof m->headline_short, "no oneDNN compute  casts %d%s",
                     m->rep->cast_count, tail);
        else
            snprintf(m->headline_short, sizeof m->headline_short, "bf16 %.0f%%  AMX %.0f%%  casts %d%s",
                     100 * m->rep->bf16_share, 100 * m->rep->amx_share, m->rep->cast_count, tail);
    } else {
        int nb = 0, nf = 0;
        for (int i = 0; i < g->n_nodes; i++)
            nb += m->rows[i].shown == P_BF16, nf += m->rows[i].shown == P_F32;
        snprintf(h, hs, "%s: %d bf16 / %d f32 nodes, %d casts  %s",
                 m->has_run ? "PREDICTED after edits" : "prediction (no run)", nb, nf, casts,
                 m->plan ? (m->plan->failed ? "pass FAILED" : m->plan->summary) : "");
        snprintf(m->headline_short, sizeof m->headline_short, "%s: %d bf16 / %d f32, %d casts%s",
                 m->has_run ? "PREDICTED" : "prediction", nb, nf, casts,
                 m->plan && m->plan->failed ? "  pass FAILED" : "");
    }
}

enum status tm_set_list(struct tui_model *m, const char *op, enum amp_list l, struct err *e)
{
    amp_lists_set(m->lists, op, l);
    amp_plan *p = tm_paint(m->g, m->lists, e);
    if (!p)
        return ST_ERUNTIME;
    if (m->plan != m->run_plan)
        amp_plan_free(m->plan);
    if (lists_same(m->lists, m->run_lists)) {
        amp_plan_free(p);
        m->plan = m->run_plan;
    } else {
        m->plan = p;
    }
    tm_rebuild(m);
    return ST_OK;
}

char **tm_env(const struct tui_model *m)
{
    const char *const *n, *const *v;
    int k = amp_lists_env(m->lists, &n, &v);
    char **out = xcalloc((size_t)k + 1, sizeof *out);
    for (int i = 0; i < k; i++)
        out[i] = xasprintf("%s=%s", n[i], v[i]);
    return out;
}

void tm_env_free(char **env)
{
    for (int i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

int tm_node_casts(const struct tui_model *m, int node, int *out, int max)
{
    int n = 0;
    for (int c = 0; m->plan && c < m->plan->n_casts && n < max; c++) {
        const struct amp_cast *k = &m->plan->casts[c];
        bool hit = k->src_node == node;
        for (int d = 0; !hit && d < k->n_dst; d++)
            hit = k->dst_nodes[d] == node;
        if (hit)
            out[n++] = c;
    }
    return n;
}

int tm_edge_cast(const struct tui_model *m, int src, int dst)
{
    for (int c = 0; m->plan && c < m->plan->n_casts; c++) {
        const struct amp_cast *k = &m->plan->casts[c];
        if (k->src_node != src)
            continue;
        for (int d = 0; d < k->n_dst; d++)
            if (k->dst_nodes[d] == dst)
                return c;
    }
    return -1;
}

/* ---- sorting and filtering --------------------------------------------- */

static const struct {
    const char *title;
    bool numeric;
} col_info[] = {
#define X(id, title, width, numeric) {title, numeric},
    TUI_COLUMNS(X)
#undef X
};

const char *tui_col_title(enum tui_col c) { return c < COL__COUNT ? col_info[c].title : "?"; }

static const struct tui_model *sort_m;
static enum tui_col sort_col;
static int sort_sign;

static int cmp_num(double a, double b) { return a < b ? -1 : a > b ? 1 : 0; }

static int row_cmp(const void *pa, const void *pb)
{
    const struct tui_row *a = &sort_m->rows[*(const int *)pa], *b = &sort_m->rows[*(const int *)pb];
    int c = 0;
    switch (sort_col) {
    case COL_NAME: c = strcmp(a->name, b->name); break;
    case COL_OP: c = strcmp(a->op, b->op); break;
    case COL_PLANNED: c = strcmp(a->planned, b->planned); break;
    case COL_EXEC: c = strcmp(a->executed, b->executed); break;
    case COL_ISA: c = strcmp(a->impl, b->impl); break;
    case COL_TIME:
    case COL_SHARE: {
        double x = sort_col == COL_TIME ? a->time_ms : a->share, y = sort_col == COL_TIME ? b->time_ms : b->share;
        if (isnan(x) != isnan(y)) /* unknown (not run) last, whatever the direction */
            return isnan(x) ? 1 : -1;
        c = cmp_num(x, y);
        break;
    }
    case COL_CASTS: c = a->casts - b->casts; break;
    default: break;
    }
    if (!c)
        return a->node - b->node; /* stable, whatever the direction */
    return sort_sign * c;
}

void tm_sort(const struct tui_model *m, int *idx, int n, enum tui_col col, bool reverse)
{
    sort_m = m;
    sort_col = col;
    sort_sign = col_info[col].numeric ? -1 : 1;
    if (reverse)
        sort_sign = -sort_sign;
    qsort(idx, (size_t)n, sizeof *idx, row_cmp);
}

bool tui_contains(const char *hay, const char *needle)
{
    if (!*needle)
        return true;
    for (; *hay; hay++) {
        const char *h = hay, *n = needle;
        while (*h && *n && tolower((unsigned char)*h) == tolower((unsigned char)*n))
            h++, n++;
        if (!*n)
            return true;
    }
    return false;
}

static bool term_match(const struct tui_model *m, const struct tui_row *r, const char *t)
{
    const char *colon = strchr(t, ':');
    if (!colon)
        return tui_contains(r->name, t) || tui_contains(r->op, t);
    size_t kl = (size_t)(colon - t);
    const char *v = colon + 1;
    if (!strncmp(t, "op", kl) && kl == 2)
        return !strcasecmp(r->op, v);
    if (kl == 4 && !strncmp(t, "name", 4))
        return tui_contains(r->name, v);
    if (kl == 4 && !strncmp(t, "plan", 4))
        return tui_contains(r->planned, v) || (!strcmp(v, "f32") && !strcmp(r->planned, "fp32"));
    if (kl == 4 && !strncmp(t, "exec", 4)) {
        const char *s = tui_prec_name(r->shown);
        if (!strcmp(v, "fp32"))
            v = "f32";
        return !strcmp(s, v) || tui_contains(r->executed, v);
    }
    if (kl == 3 && !strncmp(t, "isa", 3))
        return tui_contains(r->isa, v) || tui_contains(r->impl, v);
    if (kl == 4 && !strncmp(t, "list", 4)) {
        enum amp_list l = amp_lists_which(m->lists, r->op, NULL);
        return !strcasecmp(amp_list_name(l), v);
    }
    return tui_contains(r->name, t) || tui_contains(r->op, t);
}

bool tm_row_match(const struct tui_model *m, const struct tui_row *r, const char *filter)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", filter ? filter : "");
    for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        bool neg = *t == '!';
        if (neg)
            t++;
        if (!*t)
            continue;
        if (term_match(m, r, t) == neg)
            return false;
    }
    return true;
}

int tm_filter(const struct tui_model *m, const char *filter, int *idx)
{
    int n = 0;
    for (int i = 0; i < m->n_rows; i++)
        if (tm_row_match(m, &m->rows[i], filter))
            idx[n++] = i;
    return n;
}
