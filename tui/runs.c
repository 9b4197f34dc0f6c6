/* runs.c: the runs of one model (sibling run directories with the same
 * model name) and the per-node diff of two of them, for the runs view.
 * Another run's report is built on the same graph with that run's own lists
 * (from its meta.json) and freed once the diff rows are taken.
 */
#include "tui/tui_int.h"

#include <dirent.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "MatMul->deny Exp->allow" from list_env lines: every ADD names where an op
 * went; a REMOVE without an ADD of the same op says it left its list. */
static void short_changes(const char *list_env, char *out, size_t size)
{
    static const char pre[] = "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_";
    static const struct {
        const char *var, *list;
    } lists[] = {{"ALLOWLIST", "allow"}, {"WHITELIST", "allow"}, {"INFERLIST", "infer"},
                 {"GRAYLIST", "infer"},  {"CLEARLIST", "clear"}, {"DENYLIST", "deny"},
                 {"BLACKLIST", "deny"}};
    struct abuf add, rem;
    abuf_init(&add);
    abuf_init(&rem);
    for (int pass = 0; pass < 2; pass++)
        for (const char *p = list_env; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)len, p);
            p = nl ? nl + 1 : p + len;
            char *eq = strchr(line, '=');
            if (!eq || strncmp(line, pre, sizeof pre - 1))
                continue;
            *eq = 0;
            const char *name = line + sizeof pre - 1, *list = NULL;
            for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
                if (!strncmp(name, lists[i].var, strlen(lists[i].var)))
                    list = lists[i].list;
            if (!list)
                continue;
            bool is_add = strstr(name, "_ADD") != NULL;
            char ops[400];
            snprintf(ops, sizeof ops, "%s", eq + 1);
            for (char *s = NULL, *op = strtok_r(ops, ",", &s); op; op = strtok_r(NULL, ",", &s)) {
                if (pass == 0 && is_add)
                    abuf_printf(&add, "%s%s->%s", add.len ? " " : "", op, list);
                if (pass == 1 && !is_add) {
                    char key[420];
                    snprintf(key, sizeof key, "%s->", op);
                    if (!add.data || !strstr(add.data, key))
                        abuf_printf(&rem, " %s-off-%s", op, list);
                }
            }
        }
    snprintf(out, size, "%s%s", add.len ? add.data : rem.len ? "" : "defaults", rem.len ? rem.data + (add.len ? 0 : 1) : "");
    abuf_done(&add);
    abuf_done(&rem);
}

static int run_cmp(const void *pa, const void *pb)
{
    const struct tui_run *a = pa, *b = pb;
    int c = strcmp(a->started, b->started);
    return c ? c : strcmp(a->name, b->name);
}

void tm_scan_runs(struct tui_model *m)
{
    free(m->runs);
    m->runs = NULL;
    m->n_runs = 0;
    if (!m->has_run)
        return;
    char tmp[1024], parent[1024];
    snprintf(tmp, sizeof tmp, "%s", m->run_dir);
    size_t l = strlen(tmp);
    while (l > 1 && tmp[l - 1] == '/')
        tmp[--l] = 0;
    snprintf(parent, sizeof parent, "%s", dirname(tmp));
    DIR *d = opendir(parent);
    size_t cap = 0;
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", parent, de->d_name) >= (int)sizeof path)
            continue;
        if (!rundir_is(path))
            continue;
        struct rundir_meta meta;
        struct err e = {0};
        if (rundir_read_meta(path, &meta, &e) != ST_OK)
            continue;
        if (strcmp(meta.model_name, m->meta.model_name))
            continue;
        xgrow(&m->runs, &cap, (size_t)m->n_runs + 1, sizeof *m->runs);
        struct tui_run *r = &m->runs[m->n_runs++];
        memset(r, 0, sizeof *r);
        snprintf(r->dir, sizeof r->dir, "%s", path);
        snprintf(r->name, sizeof r->name, "%s", de->d_name);
        snprintf(r->started, sizeof r->started, "%s", meta.started);
        snprintf(r->status, sizeof r->status, "%s", meta.status);
        snprintf(r->backend, sizeof r->backend, "%s", meta.backend);
        short_changes(meta.list_env, r->changes, sizeof r->changes);
    }
    closedir(d);
    if (m->n_runs > 1)
        qsort(m->runs, (size_t)m->n_runs, sizeof *m->runs, run_cmp);
    char cur[1024];
    snprintf(cur, sizeof cur, "%s", m->run_dir);
    for (int i = 0; i < m->n_runs; i++) {
        char a[1024];
        snprintf(a, sizeof a, "%s", m->runs[i].dir);
        m->runs[i].current = !strcmp(basename(a), basename(cur));
        snprintf(cur, sizeof cur, "%s", m->run_dir);
    }
}

/* A report of another run on the model's graph (its own lists). */
static struct report *other_report(const struct tui_model *m, const char *dir, amp_plan **plan_out,
                                   struct err *e)
{
    struct rundir_meta meta;
    if (rundir_read_meta(dir, &meta, e) != ST_OK)
        return NULL;
    amp_lists *l = tm_lists_of_meta(meta.tf_version, meta.list_env, e);
    if (!l)
        return NULL;
    amp_plan *p = tm_paint(m->g, l, e);
    amp_lists_free(l);
    if (!p)
        return NULL;
    struct report_opts ro = {.top_why = 10};
    struct report *r = report_from_rundir(dir, m->g, strcmp(meta.amp, "off") ? p : NULL, &ro, e);
    if (!r) {
        amp_plan_free(p);
        return NULL;
    }
    *plan_out = p;
    return r;
}

static const char *lit_dtype(const char *d)
{
    if (!d) return "-";
    if (!strcmp(d, "bf16")) return "bf16";
    if (!strcmp(d, "f32")) return "f32";
    if (!strcmp(d, "mixed")) return "mixed";
    return "-";
}

static int diff_cmp(const void *pa, const void *pb)
{
    const struct tui_diff_row *a = pa, *b = pb;
    double x = fmax(a->time_a, a->time_b), y = fmax(b->time_a, b->time_b);
    return x < y ? 1 : x > y ? -1 : a->node - b->node;
}

static bool same_dir(const char *a, const char *b)
{
    char x[1024], y[1024];
    snprintf(x, sizeof x, "%s", a);
    snprintf(y, sizeof y, "%s", b);
    return !strcmp(basename(x), basename(y));
}

enum status tm_diff(struct tui_model *m, const char *a, const char *b, struct err *e)
{
    const struct report *ra = NULL, *rb = NULL;
    struct report *own_a = NULL, *own_b = NULL;
    amp_plan *pa = NULL, *pb = NULL;
    if (m->rep && same_dir(a, m->run_dir))
        ra = m->rep;
    else
        ra = own_a = other_report(m, a, &pa, e);
    if (!ra)
        return ST_EINVAL;
    if (m->rep && same_dir(b, m->run_dir))
        rb = m->rep;
    else
        rb = own_b = other_report(m, b, &pb, e);
    if (!rb) {
        if (own_a)
            report_free(own_a);
        amp_plan_free(pa);
        return ST_EINVAL;
    }
    free(m->diff);
    int n = m->g->n_nodes;
    m->diff = xcalloc((size_t)(n ? n : 1), sizeof *m->diff);
    int *ia = xmalloc(sizeof(int) * (size_t)(n ? n : 1)), *ib = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        ia[i] = ib[i] = -1;
    for (int k = 0; k < ra->n_nodes; k++)
        if (ra->nodes[k].node >= 0 && ra->nodes[k].node < n)
            ia[ra->nodes[k].node] = k;
    for (int k = 0; k < rb->n_nodes; k++)
        if (rb->nodes[k].node >= 0 && rb->nodes[k].node < n)
            ib[rb->nodes[k].node] = k;
    m->n_diff = 0;
    for (int i = 0; i < n; i++) {
        if (ia[i] < 0 && ib[i] < 0)
            continue;
        const struct rep_node *x = ia[i] >= 0 ? &ra->nodes[ia[i]] : NULL;
        const struct rep_node *y = ib[i] >= 0 ? &rb->nodes[ib[i]] : NULL;
        if ((!x || !x->n_events) && (!y || !y->n_events))
            continue;
        struct tui_diff_row *d = &m->diff[m->n_diff++];
        d->node = i;
        d->name = m->g->nodes[i].name;
        d->op = m->g->nodes[i].op;
        d->prec_a = lit_dtype(x ? x->executed_dtype : NULL);
        d->prec_b = lit_dtype(y ? y->executed_dtype : NULL);
        d->time_a = x && !isnan(x->time_ms) ? x->time_ms : 0;
        d->time_b = y && !isnan(y->time_ms) ? y->time_ms : 0;
        d->speedup = d->time_a > 0 && d->time_b > 0 ? d->time_a / d->time_b : NAN;
    }
    free(ia);
    free(ib);
    qsort(m->diff, (size_t)m->n_diff, sizeof *m->diff, diff_cmp);
    snprintf(m->diff_a, sizeof m->diff_a, "%s", a);
    snprintf(m->diff_b, sizeof m->diff_b, "%s", b);
    m->diff_iter_a = ra->prim_ms_per_iter;
    m->diff_iter_b = rb->prim_ms_per_iter;
    if (own_a)
        report_free(own_a);
    if (own_b)
        report_free(own_b);
    amp_plan_free(pa);
    amp_plan_free(pb);
    return ST_OK;
}
