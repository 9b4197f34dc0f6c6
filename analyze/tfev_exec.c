/* analyze/tfev_exec.c: the executed side of TensorFlow's evidence. Reads
 * tf/run_metadata.pb (our protobuf-c schema): the partition graph (what ran,
 * after grappler's remapper and the oneDNN layout pass: _MklNativeFusedConv2D,
 * _MklMatMul, AMP Casts) and step_stats (per-node wall-clock start/end). Maps
 * every executed node back to the user's node names (fused nodes absorb the
 * nodes that vanished upstream of them) and attributes each oneDNN exec event
 * of verbose.log to an executed node: by timestamp in the traced iteration,
 * then by position or signature in the other iterations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/proto/run_metadata.pb-c.h"
#include "analyze/rundir.h"
#include "analyze/tfev_int.h"
#include "logs/verbose.h"

/* Ops of the partition graph that never issue oneDNN work worth listing. */
static bool skip_exec_op(const char *op)
{
    static const char *const skip[] = {"_Arg", "_Retval", "_Send", "_Recv", "NoOp", "Const", "_HostConst",
                                       "_SOURCE", "_SINK", "_HostRecv", "_HostSend", NULL};
    for (int i = 0; skip[i]; i++)
        if (!strcmp(op, skip[i]))
            return true;
    return false;
}

/* Ops that vanish without being fused (folded, pruned, layout-only). */
static bool passive_op(const char *op)
{
    static const char *const passive[] = {"Const", "Identity", "NoOp", "Placeholder", "PlaceholderWithDefault",
                                          "VarHandleOp", "VariableV2", "ReadVariableOp", "Shape", "Size",
                                          "Rank", "StopGradient", "Snapshot", NULL};
    for (int i = 0; passive[i]; i++)
        if (!strcmp(op, passive[i]))
            return true;
    return false;
}

static int compute_rank(const char *op)
{
    static const char *const heads[] = {"Conv2D", "Conv3D", "DepthwiseConv2dNative", "MatMul",
                                        "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Einsum",
                                        "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", NULL};
    for (int i = 0; heads[i]; i++)
        if (!strcmp(op, heads[i]))
            return i;
    return 100;
}

int tfev_find_exec(const tf_evidence *ev, const char *name)
{
    for (int i = 0; i < ev->n_exec; i++)
        if (!strcmp(ev->exec[i].name, name))
            return i;
    return -1;
}

static void add_fused(tf_evidence *ev, struct tfev_exec *x, const char *name)
{
    const char *s = tfev_intern(ev, name);
    for (int i = 0; i < x->n_fused; i++)
        if (x->fused[i] == s)
            return;
    x->fused = xrealloc(x->fused, sizeof *x->fused * (size_t)(x->n_fused + 1));
    x->fused[x->n_fused++] = s;
}

/* Nodes of `map` that are gone from the executed graph and are not passive
 * are absorbed by the first executed node downstream that was rewritten
 * (its op differs from the map's op for that name). */
static void map_fusions(tf_evidence *ev, const graph *map, struct strmap *by_exec)
{
    int *queue = xmalloc(sizeof *queue * (size_t)(map->n_nodes + 1));
    char *seen = xmalloc((size_t)map->n_nodes + 1);
    for (int r = 0; r < map->n_nodes; r++) {
        const struct g_node *rn = &map->nodes[r];
        if (strmap_get(by_exec, rn->name, -1) >= 0 || passive_op(rn->op) ||
            tfev_parse_cast_name(rn->op, rn->name, NULL, 0, NULL, NULL))
            continue;
        memset(seen, 0, (size_t)map->n_nodes);
        int qh = 0, qt = 0;
        queue[qt++] = r;
        seen[r] = 1;
        int found = -1;
        while (qh < qt && found < 0) {
            const struct g_node *cur = &map->nodes[queue[qh++]];
            for (int k = 0; k < cur->n_outs && found < 0; k++) {
                if (cur->outs[k].port < 0)
                    continue;
                int c = cur->outs[k].node;
                if (c < 0 || seen[c])
                    continue;
                seen[c] = 1;
                int xi = strmap_get(by_exec, map->nodes[c].name, -1);
                if (xi >= 0) {
                    if (strcmp(ev->exec[xi].op, map->nodes[c].op) != 0)
                        found = xi;
                    /* an unchanged executed node stops the search on this path */
                    continue;
                }
                queue[qt++] = c;
            }
        }
        if (found >= 0)
            add_fused(ev, &ev->exec[found], rn->name);
    }
    free(queue);
    free(seen);
    for (int i = 0; i < ev->n_exec; i++) {
        struct tfev_exec *x = &ev->exec[i];
        int best = 100;
        for (int k = 0; k < x->n_fused; k++) {
            int mi = graph_find(map, x->fused[k]);
            int rk = mi >= 0 ? compute_rank(map->nodes[mi].op) : 100;
            if (rk < best) {
                best = rk;
                x->node = x->fused[k];
            }
        }
    }
}

enum status tfev_read_run_metadata(tf_evidence *ev, const graph *map, struct err *e)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s/run_metadata.pb", ev->run_dir, RUNDIR_TFDIR);
    char *data = NULL;
    size_t len = 0;
    if (util_read_file(path, 1u << 30, &data, &len, NULL) != ST_OK)
        return ST_OK; /* not traced (AMP-off baseline, interrupted run, cmd backend) */
    Tensorflow__RunMetadata *rm = tensorflow__run_metadata__unpack(NULL, len, (const uint8_t *)data);
    free(data);
    if (!rm)
        return err_at(e, ST_EPARSE, path, 0, 0,
                      "not a RunMetadata protobuf (truncated or corrupt); re-run to get a new one");
    struct strmap by_exec;
    strmap_init(&by_exec);
    for (size_t gi = 0; gi < rm->n_partition_graphs; gi++) {
        const Tensorflow__GraphDef *g = rm->partition_graphs[gi];
        for (size_t ni = 0; ni < g->n_node; ni++) {
            const Tensorflow__NodeDef *n = g->node[ni];
            const char *name = n->name ? n->name : "";
            const char *op = n->op ? n->op : "";
            if (!strcmp(op, "Const"))
                for (int c = 0; c < ev->n_casts; c++)
                    if (!strcmp(ev->casts[c].name, name))
                        ev->casts[c].folded = true;
            if (skip_exec_op(op) || strmap_get(&by_exec, name, -1) >= 0)
                continue;
            ev->exec = xrealloc(ev->exec, sizeof *ev->exec * (size_t)(ev->n_exec + 1));
            struct tfev_exec *x = &ev->exec[ev->n_exec];
            memset(x, 0, sizeof *x);
            x->name = tfev_intern(ev, name);
            x->op = tfev_intern(ev, op);
            x->node = x->name;
            x->cast = -1;
            x->start_ms = x->end_ms = NAN;
            add_fused(ev, x, name);
            for (int c = 0; c < ev->n_casts; c++)
                if (ev->casts[c].name == x->name) {
                    x->is_cast = true;
                    x->cast = c;
                }
            if (!x->is_cast && !strcmp(op, "Cast") &&
                tfev_parse_cast_name(op, name, NULL, 0, NULL, NULL))
                x->is_cast = true; /* a cast whose post-AMP dump we lack */
            strmap_put(&by_exec, x->name, ev->n_exec);
            ev->n_exec++;
        }
    }
    if (rm->step_stats) {
        ev->traced = true;
        for (size_t di = 0; di < rm->step_stats->n_dev_stats; di++) {
            const Tensorflow__DeviceStepStats *ds = rm->step_stats->dev_stats[di];
            for (size_t k = 0; k < ds->n_node_stats; k++) {
                const Tensorflow__NodeExecStats *ns = ds->node_stats[k];
                int xi = strmap_get(&by_exec, ns->node_name ? tfev_intern(ev, ns->node_name) : "", -1);
                if (xi < 0)
                    continue;
                struct tfev_exec *x = &ev->exec[xi];
                double s0, e0;
                if (ns->all_start_nanos) {
                    s0 = (double)(ns->all_start_nanos + ns->op_start_rel_nanos) / 1e6;
                    e0 = (double)(ns->all_start_nanos + ns->op_end_rel_nanos) / 1e6;
                } else {
                    s0 = (double)(ns->all_start_micros + ns->op_start_rel_micros) / 1e3;
                    e0 = (double)(ns->all_start_micros + ns->op_end_rel_micros) / 1e3;
                }
                /* a node inside a loop runs once per loop iteration */
                x->runs = xrealloc(x->runs, sizeof *x->runs * (size_t)(2 * x->n_runs + 2));
                x->runs[2 * x->n_runs] = s0;
                x->runs[2 * x->n_runs + 1] = e0;
                x->n_runs++;
                if (isnan(x->start_ms) || s0 < x->start_ms) {
                    x->start_ms = s0;
                    x->end_ms = e0;
                }
                if (ns->n_output > 0 && ns->output[0]->tensor_description)
                    x->out_dtype = (int)ns->output[0]->tensor_description->dtype;
            }
        }
    }
    tensorflow__run_metadata__free_unpacked(rm, NULL);
    /* the map's strings must be interned the same way for by_exec lookups */
    if (map) {
        struct strmap by_name;
        strmap_init(&by_name);
        for (int i = 0; i < ev->n_exec; i++)
            strmap_put(&by_name, ev->exec[i].name, i);
        map_fusions(ev, map, &by_name);
        strmap_done(&by_name);
    }
    strmap_done(&by_exec);
    for (int i = 0; i < ev->n_exec; i++) {
        struct tfev_exec *x = &ev->exec[i];
        double t = 0;
        for (int k = 0; k < x->n_runs; k++)
            t += x->runs[2 * k + 1] - x->runs[2 * k];
        if (x->cast >= 0 && x->n_runs > 0) {
            struct tfev_cast *c = &ev->casts[x->cast];
            c->executed = true;
            c->time_ms = t;
            ev->casts_executed++;
            ev->cast_ms += t;
        } else if (x->is_cast && x->cast < 0 && x->n_runs > 0) {
            ev->casts_executed++;
            ev->cast_ms += t;
        }
    }
    return ST_OK;
}

/* ---- verbose attribution ------------------------------------------------------- */

struct vev {
    long exec_index;
    double ts;
    const char *prim, *problem, *impl;
    int group;               /* index into groups, -1 outside markers */
};

struct group {
    char phase[16];
    int iter;
    long first, n;           /* range in the events array */
};

struct reader_ctx {
    tf_evidence *ev;
    struct vev *v;
    long n, cap;
    struct group *g;
    int n_g, cap_g;
    int cur;                 /* current group or -1 */
    long exec_seen;
};

static int on_event(void *ctx, const struct vb_event *e)
{
    struct reader_ctx *c = ctx;
    if (e->kind == VB_INFO && e->message && !c->ev->onednn_version[0]) {
        const char *p = strstr(e->message, "oneDNN v");
        if (p) {
            p += strlen("oneDNN ");
            size_t n = strcspn(p, " ,");
            if (n >= sizeof c->ev->onednn_version)
                n = sizeof c->ev->onednn_version - 1;
            memcpy(c->ev->onednn_version, p, n);
            c->ev->onednn_version[n] = 0;
        }
    }
    if (e->kind != VB_EXEC)
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->v = xrealloc(c->v, sizeof *c->v * (size_t)c->cap);
    }
    struct vev *v = &c->v[c->n++];
    v->exec_index = c->exec_seen++;
    v->ts = e->ts_ms;
    v->prim = e->prim ? e->prim : "";
    v->problem = e->problem ? e->problem : "";
    v->impl = e->impl ? e->impl : "";
    v->group = c->cur;
    if (c->cur >= 0)
        c->g[c->cur].n++;
    return 0;
}

static int on_other(void *ctx, const char *line, size_t len, long line_no)
{
    (void)line_no;
    struct reader_ctx *c = ctx;
    size_t ml = strlen(RUNDIR_MARKER);
    if (len <= ml + 1 || strncmp(line, RUNDIR_MARKER ",", ml + 1) != 0)
        return 0;
    char buf[160];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = 0;
    char *save = NULL;
    strtok_r(buf, ",", &save);
    char *phase = strtok_r(NULL, ",", &save);
    char *iter = strtok_r(NULL, ",", &save);
    char *what = strtok_r(NULL, ",", &save);
    if (!phase || !iter || !what)
        return 0;
    if (!strcmp(what, "begin")) {
        if (c->n_g == c->cap_g) {
            c->cap_g = c->cap_g ? c->cap_g * 2 : 32;
            c->g = xrealloc(c->g, sizeof *c->g * (size_t)c->cap_g);
        }
        struct group *g = &c->g[c->n_g];
        string_copy(g->phase, phase);
        g->iter = atoi(iter);
        g->first = c->n;
        g->n = 0;
        c->cur = c->n_g++;
    } else {
        c->cur = -1;
    }
    return 0;
}

static void set_ev(tf_evidence *ev, long i, long exec_index, int x, float conf, const char *how)
{
    ev->events[i].exec_index = exec_index;
    ev->events[i].exec = x;
    ev->events[i].confidence = conf;
    ev->events[i].how = how;
}

static bool same_sig(const struct vev *a, const struct vev *b)
{
    return a->prim == b->prim && a->problem == b->problem && a->impl == b->impl;
}

enum status tfev_attribute(tf_evidence *ev, struct err *e)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", ev->run_dir, RUNDIR_VERBOSE);
    struct reader_ctx c = {.ev = ev, .cur = -1};
    struct vb_sink sink = {.ctx = &c, .event = on_event, .other = on_other};
    vb_reader *r = vb_reader_new(&sink);
    struct err e2 = {0};
    enum status st = vb_read_path(r, path, &e2);
    if (st != ST_OK && st != ST_ENOENT) {
        vb_reader_free(r);
        free(c.v);
        free(c.g);
        if (e)
            *e = e2;
        return st;
    }
    ev->n_events = c.n;
    ev->events = xcalloc((size_t)c.n + 1, sizeof *ev->events);
    for (long i = 0; i < c.n; i++)
        set_ev(ev, i, c.v[i].exec_index, -1, 0, "");
    /* 1. the traced iteration, by timestamp */
    int tg = -1;
    for (int g = 0; g < c.n_g; g++)
        if (!strcmp(c.g[g].phase, "trace"))
            tg = g;
    if (tg >= 0 && ev->traced) {
        for (long i = c.g[tg].first; i < c.g[tg].first + c.g[tg].n; i++) {
            double ts = c.v[i].ts;
            if (isnan(ts))
                continue;
            int best = -1, n_in = 0;
            double best_d = 1e18;
            const double tol = 0.02;
            double best_len = 1e18;
            for (int x = 0; x < ev->n_exec; x++) {
                const struct tfev_exec *xe = &ev->exec[x];
                for (int k = 0; k < xe->n_runs; k++) {
                    double s0 = xe->runs[2 * k], e0 = xe->runs[2 * k + 1];
                    double d = ts < s0 ? s0 - ts : ts > e0 ? ts - e0 : 0;
                    if (d <= tol)
                        n_in++;
                    if (d < best_d || (d == best_d && e0 - s0 < best_len)) {
                        best_d = d;
                        best = x;
                        best_len = e0 - s0;
                    }
                }
            }
            if (best >= 0 && best_d <= tol)
                set_ev(ev, i, c.v[i].exec_index, best, n_in == 1 ? 1.0f : 0.7f, "timestamp");
            else if (best >= 0 && best_d <= 1.0)
                set_ev(ev, i, c.v[i].exec_index, best, 0.5f, "nearest");
            if (ev->events[i].exec >= 0) {
                ev->exec[ev->events[i].exec].n_events++;
                if (n_in != 1)
                    ev->n_ambiguous++;
            }
        }
    }
    /* 2. other groups: by position when the sequence matches the trace, else by signature */
    for (int g = 0; tg >= 0 && g < c.n_g; g++) {
        if (g == tg)
            continue;
        const struct group *G = &c.g[g], *T = &c.g[tg];
        bool same = G->n == T->n;
        for (long k = 0; same && k < G->n; k++)
            same = same_sig(&c.v[G->first + k], &c.v[T->first + k]);
        if (same) {
            for (long k = 0; k < G->n; k++) {
                const struct tfev_event *te = &ev->events[T->first + k];
                if (te->exec >= 0)
                    set_ev(ev, G->first + k, c.v[G->first + k].exec_index, te->exec, te->confidence * 0.95f,
                           "position");
            }
            continue;
        }
        long tp = T->first;
        for (long k = 0; k < G->n; k++) {
            long i = G->first + k;
            for (long j = tp; j < T->first + T->n; j++)
                if (same_sig(&c.v[i], &c.v[j]) && ev->events[j].exec >= 0) {
                    set_ev(ev, i, c.v[i].exec_index, ev->events[j].exec, 0.8f, "signature");
                    tp = j + 1;
                    break;
                }
        }
        /* an unmatched reorder (weights prepared once, in warmup) feeds the next node */
        for (long k = G->n - 1; k >= 0; k--) {
            long i = G->first + k;
            if (ev->events[i].exec < 0 && !strcmp(c.v[i].prim, "reorder") && k + 1 < G->n &&
                ev->events[i + 1].exec >= 0)
                set_ev(ev, i, c.v[i].exec_index, ev->events[i + 1].exec, 0.5f, "next");
        }
    }
    for (long i = 0; i < c.n; i++)
        if (ev->events[i].exec >= 0)
            ev->n_attributed++;
    vb_reader_free(r);
    free(c.v);
    free(c.g);
    return ST_OK;
}

enum status tfev_write_attribution(const tf_evidence *ev, const char *dir, struct err *e)
{
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "# exec_index\tnode\trole\texec_node\thow\n");
    for (long i = 0; i < ev->n_events; i++) {
        const struct tfev_event *x = &ev->events[i];
        if (x->exec < 0)
            continue;
        const struct tfev_exec *n = &ev->exec[x->exec];
        const char *role = n->is_cast ? "cast" : "compute";
        abuf_printf(&b, "%ld\t%s\t%s\t%s\t%s\n", x->exec_index, n->node, role, n->name, x->how);
    }
    char path[2048];
    snprintf(path, sizeof path, "%s/%s/attribution.tsv", dir, RUNDIR_TFDIR);
    enum status st = util_write_file_atomic(path, b.data ? b.data : "", b.len, e);
    abuf_done(&b);
    return st;
}
