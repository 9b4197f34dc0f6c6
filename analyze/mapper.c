/* mapper.c: aligns oneDNN exec events with the graph nodes that issued them.
 * Per pass over the graph: (A) compute events with an exact signature take
 * the first unused node of their bucket in topological order, consuming the
 * nodes a fused primitive ran as post-ops; (B) the rest go down coarser
 * buckets; (C) f32<->bf16 reorders take the plan's Cast edges; (D) layout and
 * weight reorders go to the node they feed or came from. See mapper.h.
 */
#include "analyze/mapper_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[MAP_ROLE__COUNT] = {
    "", "compute", "reorder_in", "reorder_wei", "reorder_out", "cast",
};

const char *map_role_name(enum map_role r)
{
    return (r > 0 && r < MAP_ROLE__COUNT) ? role_names[r] : "";
}

enum map_role map_role_parse(const char *s)
{
    for (int i = 1; i < MAP_ROLE__COUNT; i++)
        if (s && !strcmp(s, role_names[i]))
            return (enum map_role)i;
    return MAP_ROLE_NONE;
}

/* ---- u64 -> int hash map --------------------------------------------- */


static void kmap_done(struct kmap *k)
{
    free(k->keys);
    free(k->vals);
    memset(k, 0, sizeof *k);
}

static int kmap_get(const struct kmap *k, uint64_t key)
{
    if (!k->cap || !key)
        return -1;
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & (k->cap - 1);
    while (k->keys[i]) {
        if (k->keys[i] == key)
            return k->vals[i];
        i = (i + 1) & (k->cap - 1);
    }
    return -1;
}

static void kmap_put(struct kmap *k, uint64_t key, int val)
{
    if ((k->count + 1) * 2 > k->cap) {
        size_t ncap = k->cap ? k->cap * 2 : 64;
        uint64_t *ok = k->keys;
        int *ov = k->vals;
        size_t ocap = k->cap;
        k->keys = xcalloc(ncap, sizeof *k->keys);
        k->vals = xcalloc(ncap, sizeof *k->vals);
        k->cap = ncap;
        k->count = 0;
        for (size_t i = 0; i < ocap; i++)
            if (ok[i])
                kmap_put(k, ok[i], ov[i]);
        free(ok);
        free(ov);
    }
    size_t i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & (k->cap - 1);
    while (k->keys[i]) {
        if (k->keys[i] == key) {
            k->vals[i] = val;
            return;
        }
        i = (i + 1) & (k->cap - 1);
    }
    k->keys[i] = key;
    k->vals[i] = val;
    k->count++;
}

static uint64_t mixp(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* ---- buckets ---------------------------------------------------------- */


static int bucket_new(mapper *m)
{
    if (m->nb == m->bcap) {
        size_t cap = (size_t)m->bcap;
        xgrow(&m->b, &cap, (size_t)m->nb + 1, sizeof *m->b);
        m->bcap = (int)cap;
    }
    memset(&m->b[m->nb], 0, sizeof m->b[0]);
    return m->nb++;
}

static void bucket_add(mapper *m, struct kmap *km, uint64_t key, int ent)
{
    if (!key)
        return;
    int bi = kmap_get(km, key);
    if (bi < 0) {
        bi = bucket_new(m);
        kmap_put(km, key, bi);
    }
    struct bucket *b = &m->b[bi];
    if (b->n && b->ent[b->n - 1] == ent)
        return;
    if (b->n == b->cap) {
        size_t cap = (size_t)b->cap;
        xgrow(&b->ent, &cap, (size_t)b->n + 1, sizeof *b->ent);
        b->cap = (int)cap;
    }
    b->ent[b->n++] = ent;
}

static int ent_pos(const mapper *m, int ent)
{
    if (ent >= 0)
        return m->topo_pos[ent];
    const struct amp_cast *c = &m->plan->casts[-ent - 1];
    int p = c->src_node >= 0 ? m->topo_pos[c->src_node] : 0;
    int best = -1;
    for (int i = 0; i < c->n_dst; i++)
        if (c->dst_nodes[i] >= 0 && (best < 0 || m->topo_pos[c->dst_nodes[i]] < best))
            best = m->topo_pos[c->dst_nodes[i]];
    return best >= 0 ? best : p;
}

static const mapper *sort_m; /* qsort has no context argument in C11 */
static int ent_cmp(const void *a, const void *b)
{
    int pa = ent_pos(sort_m, *(const int *)a), pb = ent_pos(sort_m, *(const int *)b);
    if (pa != pb)
        return pa < pb ? -1 : 1;
    return *(const int *)a < *(const int *)b ? -1 : (*(const int *)a > *(const int *)b);
}

/* The node n's single data consumer (port 0), -1 when none or several. */
int map_single_consumer(const graph *g, int n)
{
    const struct g_node *nd = &g->nodes[n];
    int c = -1;
    for (int i = 0; i < nd->n_outs; i++) {
        if (nd->outs[i].port < 0)
            continue;
        if (c >= 0 && c != nd->outs[i].node)
            return -1;
        c = nd->outs[i].node;
    }
    return c;
}

/* use counts in the current pass */
int *map_use_cnt(mapper *m, int ent, bool wei)
{
    unsigned *gen;
    int *cnt;
    int i;
    if (wei) {
        gen = m->wgen, cnt = m->wcnt, i = ent;
    } else if (ent >= 0) {
        gen = m->ngen, cnt = m->ncnt, i = ent;
    } else {
        gen = m->cgen, cnt = m->ccnt, i = -ent - 1;
    }
    if (gen[i] != m->gen) {
        gen[i] = m->gen;
        cnt[i] = 0;
    }
    return &cnt[i];
}

static bool time_fits(const mapper *m, int node, int seq, double ts)
{
    for (int i = 0; i < m->n_times; i++)
        if (m->times[i].node == node && (m->times[i].seq < 0 || m->times[i].seq == seq))
            return ts >= m->times[i].start_ms - 0.001 && ts <= m->times[i].end_ms + 0.001;
    return false;
}

/* First unused entry of bucket bi (topological order); with node times, the
 * unused entry whose interval holds ts. allow_reuse: when all are used, the
 * least-used one. Returns the entry or INT32_MIN. *ambiguous: more than one
 * unused candidate was left. */
#define NO_ENT INT32_MIN
static int bucket_take(mapper *m, int bi, bool wei, bool allow_reuse, int seq, double ts,
                       bool *ambiguous)
{
    struct bucket *b = &m->b[bi];
    if (b->gen != m->gen) {
        b->gen = m->gen;
        b->cursor = 0;
    }
    while (b->cursor < b->n && *map_use_cnt(m, b->ent[b->cursor], wei) > 0)
        b->cursor++;
    if (b->cursor < b->n) {
        int pick = b->cursor;
        if (m->n_times && !isnan(ts)) {
            for (int i = b->cursor; i < b->n; i++)
                if (b->ent[i] >= 0 && *map_use_cnt(m, b->ent[i], wei) == 0 &&
                    time_fits(m, b->ent[i], seq, ts)) {
                    pick = i;
                    break;
                }
        }
        int left = 0;
        for (int i = b->cursor; i < b->n && left < 2; i++)
            left += *map_use_cnt(m, b->ent[i], wei) == 0;
        *ambiguous = left > 1;
        (*map_use_cnt(m, b->ent[pick], wei))++;
        return b->ent[pick];
    }
    if (!allow_reuse || b->n == 0)
        return NO_ENT;
    int best = 0, bc = *map_use_cnt(m, b->ent[0], wei);
    for (int i = 1; i < b->n; i++) {
        int c = *map_use_cnt(m, b->ent[i], wei);
        if (c < bc)
            best = i, bc = c;
    }
    *ambiguous = b->n > 1;
    (*map_use_cnt(m, b->ent[best], wei))++;
    return b->ent[best];
}

/* ---- construction ----------------------------------------------------- */

/* A constant (or a view of one): its casts are folded, not run per step. */
static bool is_const_like(const graph *g, int n)
{
    for (int guard = 0; n >= 0 && n < g->n_nodes && guard < 16; guard++) {
        const struct g_node *nd = &g->nodes[n];
        if (!strcmp(nd->op, "Const") || !strcmp(nd->op, "HostConst"))
            return true;
        if ((strcmp(nd->op, "Identity") && strcmp(nd->op, "ReadVariableOp") && strcmp(nd->op, "Snapshot")) ||
            nd->n_data_inputs < 1)
            return false;
        n = nd->inputs[0].node;
    }
    return false;
}

mapper *map_new(const graph *g, const amp_plan *plan, struct err *e)
{
    if (!g)
        return err_set(e, ST_EINVAL, "the mapper needs a graph"), NULL;
    mapper *m = xcalloc(1, sizeof *m);
    m->g = g;
    m->plan = plan;
    int nn = g->n_nodes;
    size_t nn1 = (size_t)(nn > 0 ? nn : 1);
    m->topo_pos = xcalloc(nn1, sizeof *m->topo_pos);
    m->ns = xcalloc(nn1, sizeof *m->ns);
    m->ngen = xcalloc(nn1, sizeof *m->ngen);
    m->ncnt = xcalloc(nn1, sizeof *m->ncnt);
    m->wgen = xcalloc(nn1, sizeof *m->wgen);
    m->wcnt = xcalloc(nn1, sizeof *m->wcnt);
    m->fused_into = xmalloc(nn1 * sizeof *m->fused_into);
    int nc = plan ? plan->n_casts : 0;
    m->cgen = xcalloc((size_t)(nc > 0 ? nc : 1), sizeof *m->cgen);
    m->ccnt = xcalloc((size_t)(nc > 0 ? nc : 1), sizeof *m->ccnt);
    m->consumer = xmalloc(nn1 * sizeof *m->consumer);
    m->nflags = xcalloc(nn1, 1);
    for (int i = 0; i < nn; i++) {
        m->topo_pos[i] = i;
        m->fused_into[i] = -1;
        m->consumer[i] = map_single_consumer(g, i);
        m->nflags[i] = (unsigned char)((map_op_fusable(g->nodes[i].op) ? NF_FUSABLE : 0) |
                                       (map_op_passthrough(g->nodes[i].op) ? NF_PASS : 0));
    }
    int *order = NULL;
    struct err te;
    if (nn > 0 && graph_topo(g, &order, &te) == ST_OK && order) {
        for (int i = 0; i < nn; i++)
            m->topo_pos[order[i]] = i;
        free(order);
    }
    /* node signatures into buckets */
    for (int n = 0; n < nn; n++) {
        struct map_nsig *s = &m->ns[n];
        map_node_sigs(g, n, s);
        for (int k = 0; k < s->n; k++)
            for (int lev = 1; lev <= 4; lev++)
                bucket_add(m, &m->lev[lev], map_sig_key(&s->s[k], lev), n);
        if (s->cast_node && s->cast_dims &&
            !is_const_like(g, g->nodes[n].n_data_inputs > 0 ? g->nodes[n].inputs[0].node : -1))
            bucket_add(m, &m->lev[LEV_CAST], mixp(s->cast_to_bf16 ? 2 : 1, s->cast_dims), n);
        if (s->n && (s->s[0].kind == MK_CONV || s->s[0].kind == MK_IP || s->s[0].kind == MK_MATMUL)) {
            uint64_t wk = map_shape_dims_key(map_in_shape(g, n, 1));
            if (wk)
                bucket_add(m, &m->wei, mixp(7, wk), n);
        }
    }
    for (int c = 0; c < nc; c++) {
        const struct amp_cast *ac = &plan->casts[c];
        if (ac->src_node < 0 || ac->src_node >= nn)
            continue;
        /* a cast of a constant is folded (TF's constant folding; the embedded
         * backend converts it once): its reorder is the consumer's weights */
        if (is_const_like(g, ac->src_node))
            continue;
        const struct g_node *sn = &g->nodes[ac->src_node];
        if (ac->src_port < 0 || ac->src_port >= sn->n_outputs || !sn->out_shape)
            continue;
        uint64_t dk = map_shape_dims_key(&sn->out_shape[ac->src_port]);
        if (dk)
            bucket_add(m, &m->lev[LEV_CAST], mixp(ac->to_bf16 ? 2 : 1, dk), -(c + 1));
    }
    /* buckets were filled in node-index order: sort them topologically */
    sort_m = m;
    for (int i = 0; i < m->nb; i++)
        if (m->b[i].n > 1)
            qsort(m->b[i].ent, (size_t)m->b[i].n, sizeof(int), ent_cmp);
    return m;
}

void map_free(mapper *m)
{
    if (!m)
        return;
    for (int i = 0; i < NLEV; i++)
        kmap_done(&m->lev[i]);
    kmap_done(&m->wei);
    kmap_done(&m->sigcache);
    kmap_done(&m->passes);
    for (int i = 0; i < m->nb; i++)
        free(m->b[i].ent);
    free(m->b);
    free(m->topo_pos);
    free(m->ns);
    free(m->ngen);
    free(m->ncnt);
    free(m->wgen);
    free(m->wcnt);
    free(m->cgen);
    free(m->ccnt);
    free(m->fused_into);
    free(m->consumer);
    free(m->nflags);
    free(m->times);
    free(m->sigs);
    free(m->pass_start);
    free(m->pass_len);
    free(m);
}

void map_set_node_times(mapper *m, const struct map_node_time *t, int n)
{
    free(m->times);
    m->times = NULL;
    m->n_times = 0;
    if (n > 0) {
        m->times = xmalloc((size_t)n * sizeof *t);
        memcpy(m->times, t, (size_t)n * sizeof *t);
        m->n_times = n;
    }
}

const int *map_fused_into(const mapper *m)
{
    return m->fused_into;
}

bool map_node_sig(const mapper *m, int n, struct map_sig *out)
{
    if (n < 0 || n >= m->g->n_nodes || m->ns[n].n == 0)
        return false;
    *out = m->ns[n].s[0];
    return true;
}

void map_event_from_vb(struct rep_event *out, const struct vb_event *ev, long exec_index)
{
    memset(out, 0, sizeof *out);
    out->line_no = ev->line_no;
    out->exec_index = exec_index;
    out->iteration = -1;
    out->seq = -1;
    out->prim = ev->prim ? ev->prim : "";
    out->impl = ev->impl ? ev->impl : "";
    out->problem = ev->problem ? ev->problem : "";
    out->mds = ev->mds ? ev->mds : "";
    out->aux = ev->aux ? ev->aux : "";
    out->attrs = ev->attrs ? ev->attrs : "";
    out->isa = ev->isa;
    out->src_dt = ev->src_dt;
    out->dst_dt = VB_DT_UNDEF;
    out->wei_dt = VB_DT_UNDEF;
    out->src_tag = "";
    out->dst_tag = "";
    bool have_src = false;
    for (int i = 0; i < ev->n_md && i < VB_MAX_MDS; i++) {
        const struct vb_md *md = &ev->md[i];
        const char *a = md->arg ? md->arg : "";
        if (!strncmp(a, "dst", 3) || !strcmp(a, "out")) {
            if (out->dst_dt == VB_DT_UNDEF) {
                out->dst_dt = md->dt;
                out->dst_tag = md->tag ? md->tag : "";
            }
        } else if (!strncmp(a, "wei", 3)) {
            if (out->wei_dt == VB_DT_UNDEF)
                out->wei_dt = md->dt;
        } else if (!have_src && (!strncmp(a, "src", 3) || !strcmp(a, "data") || !strcmp(a, "in"))) {
            have_src = true;
            out->src_tag = md->tag ? md->tag : "";
            if (out->src_dt == VB_DT_UNDEF)
                out->src_dt = md->dt;
        }
    }
    /* eltwise & co print only `data`: the result has the data's type */
    if (out->dst_dt == VB_DT_UNDEF) {
        out->dst_dt = out->src_dt;
        out->dst_tag = out->src_tag;
    }
    out->time_ms = ev->time_ms;
    out->ts_ms = ev->ts_ms;
    out->node = -1;
    out->cast = -1;
    out->role = "";
    out->confidence = 0;
}

/* ---- per-pass alignment ----------------------------------------------- */

static const struct map_sig *event_sig(mapper *m, const struct rep_event *ev)
{
    uint64_t key = mixp(mixp(0x51, (uint64_t)(uintptr_t)ev->prim), (uint64_t)(uintptr_t)ev->problem);
    int i = kmap_get(&m->sigcache, key);
    if (i >= 0)
        return &m->sigs[i];
    if (m->n_sigs == m->sigs_cap)
        xgrow(&m->sigs, &m->sigs_cap, m->n_sigs + 1, sizeof *m->sigs);
    map_sig_of_event(ev->prim, ev->problem, &m->sigs[m->n_sigs]);
    kmap_put(&m->sigcache, key, (int)m->n_sigs);
    return &m->sigs[m->n_sigs++];
}

static bool is_cast_reorder(const struct rep_event *ev)
{
    return ((ev->src_dt == VB_DT_F32 && ev->dst_dt == VB_DT_BF16) ||
            (ev->src_dt == VB_DT_BF16 && ev->dst_dt == VB_DT_F32));
}

static bool plain_tag(const char *t)
{
    if (!t || !*t)
        return false;
    for (; *t; t++)
        if (!(*t >= 'a' && *t <= 'z'))
            return false;
    return true;
}

static void assign(struct rep_event *ev, int ent, enum map_role role, float conf)
{
    if (ent >= 0) {
        ev->node = ent;
        ev->cast = -1;
    } else {
        ev->cast = -ent - 1;
        ev->node = -1;
    }
    ev->role = map_role_name(role);
    ev->confidence = conf;
}

static const float lev_conf[5] = {0, 1.0f, 0.7f, 0.4f, 0.3f};

static bool match_compute(mapper *m, struct rep_event *ev, int lev_lo, int lev_hi, bool reuse)
{
    const struct map_sig *s = event_sig(m, ev);
    for (int lev = lev_lo; lev <= lev_hi; lev++) {
        int bi = kmap_get(&m->lev[lev], map_sig_key(s, lev));
        if (bi < 0)
            continue;
        bool amb = false;
        int ent = bucket_take(m, bi, false, reuse, ev->seq, ev->ts_ms, &amb);
        if (ent == NO_ENT || ent < 0)
            continue;
        float c = lev_conf[lev];
        if (amb)
            c *= 0.9f;
        if (*map_use_cnt(m, ent, false) > 1)
            c *= 0.8f;
        assign(ev, ent, MAP_ROLE_COMPUTE, c);
        map_consume_fused(m, ent, ev);
        return true;
    }
    return false;
}

/* Input index of node n whose tensor has `elems` elements, -1 if none. */
static int input_with_elems(const graph *g, int n, int64_t elems)
{
    const struct g_node *nd = &g->nodes[n];
    for (int i = 0; i < nd->n_data_inputs; i++)
        if (map_shape_elems(map_in_shape(g, n, i)) == elems)
            return i;
    return -1;
}

static bool weights_input(const mapper *m, int n, int idx)
{
    if (idx != 1 || m->ns[n].n == 0)
        return false;
    enum map_kind k = m->ns[n].s[0].kind;
    return k == MK_CONV || k == MK_IP || k == MK_MATMUL || k == MK_DECONV;
}

static void resolve_layout(mapper *m, struct rep_event *ev, long lo, long hi, long i)
{
    struct rep_event *e = &ev[i];
    int64_t el = map_problem_elems(e->problem);
    long p = -1, q = -1;
    for (long j = i - 1; j >= lo; j--)
        if (ev[j].node >= 0 && ev[j].role == map_role_name(MAP_ROLE_COMPUTE)) {
            p = j;
            break;
        }
    for (long j = i + 1; j < hi; j++)
        if (ev[j].node >= 0 && ev[j].role == map_role_name(MAP_ROLE_COMPUTE)) {
            q = j;
            break;
        }
    int qin = -1;
    bool pout = false;
    if (q >= 0 && el >= 0)
        qin = input_with_elems(m->g, ev[q].node, el);
    if (p >= 0 && el >= 0)
        pout = map_shape_elems(map_out_shape(m->g, ev[p].node)) == el;
    if (pout && qin >= 0) {
        /* both fit: a reorder out of p's own layout back to a plain one that
         * q does not run on is p's output reorder; otherwise it feeds q */
        bool from_p = e->src_tag && ev[p].dst_tag && !strcmp(e->src_tag, ev[p].dst_tag) &&
                      !plain_tag(ev[p].dst_tag);
        bool to_q = e->dst_tag && ev[q].src_tag && !strcmp(e->dst_tag, ev[q].src_tag);
        if (from_p && !to_q && !weights_input(m, ev[q].node, qin))
            qin = -1;
        else
            pout = false;
    }
    if (qin >= 0) {
        assign(e, ev[q].node, weights_input(m, ev[q].node, qin) ? MAP_ROLE_REORDER_WEI
                                                                : MAP_ROLE_REORDER_IN, 0.9f);
        return;
    }
    if (pout) {
        assign(e, ev[p].node, MAP_ROLE_REORDER_OUT, 0.9f);
        return;
    }
    /* weights prepared ahead (no compute around it): a weights tensor */
    uint64_t dk = map_problem_dims_key(e->problem);
    if (dk) {
        int bi = kmap_get(&m->wei, mixp(7, dk));
        if (bi >= 0) {
            bool amb = false;
            int ent = bucket_take(m, bi, true, true, e->seq, e->ts_ms, &amb);
            if (ent >= 0) {
                assign(e, ent, MAP_ROLE_REORDER_WEI, amb ? 0.6f : 0.8f);
                return;
            }
        }
    }
    if (q >= 0) {
        assign(e, ev[q].node, MAP_ROLE_REORDER_IN, 0.4f);
        return;
    }
    if (p >= 0)
        assign(e, ev[p].node, MAP_ROLE_REORDER_OUT, 0.4f);
}

static bool match_cast(mapper *m, struct rep_event *e)
{
    uint64_t dk = map_problem_dims_key(e->problem);
    if (!dk)
        return false;
    int bi = kmap_get(&m->lev[LEV_CAST], mixp(e->dst_dt == VB_DT_BF16 ? 2 : 1, dk));
    if (bi < 0)
        return false;
    bool amb = false;
    int ent = bucket_take(m, bi, false, false, e->seq, e->ts_ms, &amb);
    if (ent == NO_ENT)
        return false;
    assign(e, ent, MAP_ROLE_CAST, amb ? 0.9f : 1.0f);
    return true;
}

static bool is_reorder(mapper *m, const char *prim)
{
    if (prim == m->reorder_str)
        return true;
    if (prim[0] == 'r' && !strcmp(prim, "reorder")) {
        m->reorder_str = prim;
        return true;
    }
    return false;
}

static void map_pass(mapper *m, struct rep_event *ev, long lo, long hi)
{
    m->gen++;
    if (m->gen == 0) { /* wrapped: reset every generation stamp */
        memset(m->ngen, 0, (size_t)m->g->n_nodes * sizeof *m->ngen);
        memset(m->wgen, 0, (size_t)m->g->n_nodes * sizeof *m->wgen);
        if (m->plan)
            memset(m->cgen, 0, (size_t)m->plan->n_casts * sizeof *m->cgen);
        for (int i = 0; i < m->nb; i++)
            m->b[i].gen = 0;
        m->gen = 1;
    }
    for (long i = lo; i < hi; i++) {
        ev[i].node = -1;
        ev[i].cast = -1;
        ev[i].role = "";
        ev[i].confidence = 0;
    }
    /* (A) exact signatures, (B) coarser ones */
    for (long i = lo; i < hi; i++)
        if (!is_reorder(m, ev[i].prim))
            match_compute(m, &ev[i], 1, 1, false);
    for (long i = lo; i < hi; i++)
        if (ev[i].node < 0 && !is_reorder(m, ev[i].prim))
            /* same kind first; an exact node again (a pass holding more than
             * one iteration) before a node of another kind */
            if (!match_compute(m, &ev[i], 2, 3, false) && !match_compute(m, &ev[i], 1, 1, true) &&
                !match_compute(m, &ev[i], 4, 4, false))
                match_compute(m, &ev[i], 2, 4, true);
    /* (C) casts; transposes that are their own nodes */
    for (long i = lo; i < hi; i++) {
        if (!is_reorder(m, ev[i].prim))
            continue;
        if (is_cast_reorder(&ev[i]) && match_cast(m, &ev[i]))
            continue;
        if (plain_tag(ev[i].src_tag) && plain_tag(ev[i].dst_tag) &&
            strcmp(ev[i].src_tag, ev[i].dst_tag) != 0 && ev[i].src_dt == ev[i].dst_dt)
            match_compute(m, &ev[i], 1, 2, false);
    }
    /* (D) layout and weight reorders */
    for (long i = lo; i < hi; i++)
        if (ev[i].node < 0 && ev[i].cast < 0 && is_reorder(m, ev[i].prim))
            resolve_layout(m, ev, lo, hi, i);
}

static uint64_t pass_hash(const struct rep_event *ev, long lo, long hi)
{
    uint64_t h = mixp(0x9a55, (uint64_t)(hi - lo));
    for (long i = lo; i < hi; i++) {
        h = mixp(h, (uint64_t)(uintptr_t)ev[i].prim);
        h = mixp(h, (uint64_t)(uintptr_t)ev[i].problem);
        h = mixp(h, (uint64_t)(uintptr_t)ev[i].mds);
        h = mixp(h, (uint64_t)(uintptr_t)ev[i].attrs);
    }
    return h ? h : 1;
}

static bool same_pass(const struct rep_event *ev, long a, long b, long len)
{
    for (long i = 0; i < len; i++) {
        const struct rep_event *x = &ev[a + i], *y = &ev[b + i];
        if (x->prim != y->prim || x->problem != y->problem || x->mds != y->mds ||
            x->attrs != y->attrs)
            return false;
    }
    return true;
}

enum status map_events(mapper *m, struct rep_event *ev, long n, struct map_stats *st,
                       struct err *e)
{
    (void)e;
    struct map_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    kmap_done(&m->passes);
    m->n_pass = 0;
    for (int i = 0; i < m->g->n_nodes; i++)
        m->fused_into[i] = -1;
    long lo = 0;
    while (lo < n) {
        long hi = lo + 1;
        while (hi < n && ev[hi].seq == ev[lo].seq)
            hi++;
        st->passes++;
        uint64_t h = pass_hash(ev, lo, hi);
        int pi = kmap_get(&m->passes, h);
        if (pi >= 0 && m->pass_len[pi] == hi - lo && same_pass(ev, m->pass_start[pi], lo, hi - lo)) {
            long src = m->pass_start[pi];
            for (long i = 0; i < hi - lo; i++) {
                ev[lo + i].node = ev[src + i].node;
                ev[lo + i].cast = ev[src + i].cast;
                ev[lo + i].role = ev[src + i].role;
                ev[lo + i].confidence = ev[src + i].confidence;
            }
            st->passes_copied++;
        } else {
            map_pass(m, ev, lo, hi);
            if (m->n_pass == m->pass_cap) {
                size_t c = m->pass_cap;
                xgrow(&m->pass_start, &c, m->n_pass + 1, sizeof *m->pass_start);
                c = m->pass_cap;
                xgrow(&m->pass_len, &c, m->n_pass + 1, sizeof *m->pass_len);
                m->pass_cap = c;
            }
            m->pass_start[m->n_pass] = lo;
            m->pass_len[m->n_pass] = hi - lo;
            kmap_put(&m->passes, h, (int)m->n_pass);
            m->n_pass++;
        }
        lo = hi;
    }
    double conf = 0;
    for (long i = 0; i < n; i++) {
        st->events++;
        if (ev[i].node >= 0 || ev[i].cast >= 0) {
            st->mapped++;
            conf += ev[i].confidence;
        } else {
            st->unmapped++;
        }
        if (ev[i].cast >= 0 || ev[i].role == map_role_name(MAP_ROLE_CAST))
            st->casts++;
        else if (is_reorder(m, ev[i].prim))
            st->reorders++;
        else
            st->compute++;
    }
    st->mean_confidence = st->mapped ? conf / (double)st->mapped : NAN;
    return ST_OK;
}
