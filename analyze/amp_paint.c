/* amp_paint.c: TensorFlow's auto_mixed_precision_onednn_bfloat16 pass,
 * re-implemented step by step (tf-amp.md §1.3): (node, type attribute)
 * vertices with edges from producer port attrs to consumer port attrs,
 * pass 1 allowlist, pass 2 deny propagation, TensorList clusters, pass 3
 * between allow, pass 4 infer after allow, pass 5 allow through clear, pass 6
 * OpDef check, loop-edge colour matching and existing-Cast retyping. The
 * vertices and edges are built in amp_paint_vtx.c, the final type changes
 * and Casts in amp_paint_out.c.
 */
#include "analyze/amp_paint_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- lists as the pass sees them (TREAT_INFER_AS_DENY folded in) --------- */

bool pc_is_allow(const struct pctx *c, const char *op) { return amp_lists_has(c->l, AMP_LIST_ALLOW, op); }
bool pc_is_clear(const struct pctx *c, const char *op) { return amp_lists_has(c->l, AMP_LIST_CLEAR, op); }
bool pc_is_infer(const struct pctx *c, const char *op)
{
    return !c->treat_infer_as_deny && amp_lists_has(c->l, AMP_LIST_INFER, op);
}
bool pc_is_deny(const struct pctx *c, const char *op)
{
    return amp_lists_has(c->l, AMP_LIST_DENY, op) ||
           (c->treat_infer_as_deny && amp_lists_has(c->l, AMP_LIST_INFER, op));
}

/* The lists of a vertex's op as the pass sees them, cached per node. */
static unsigned vlists(const struct pctx *c, int v)
{
    int node = c->v[v].node;
    if (c->lists[node] == 0xff) {
        const char *op = c->w.n[node].op;
        c->lists[node] = (unsigned char)((pc_is_allow(c, op) << AMP_LIST_ALLOW) |
                                         (pc_is_infer(c, op) << AMP_LIST_INFER) |
                                         (pc_is_clear(c, op) << AMP_LIST_CLEAR) |
                                         (pc_is_deny(c, op) << AMP_LIST_DENY));
    }
    return c->lists[node];
}
#define V_ALLOW(c, v) ((vlists(c, v) >> AMP_LIST_ALLOW) & 1)
#define V_INFER(c, v) ((vlists(c, v) >> AMP_LIST_INFER) & 1)
#define V_CLEAR(c, v) ((vlists(c, v) >> AMP_LIST_CLEAR) & 1)
#define V_DENY(c, v) ((vlists(c, v) >> AMP_LIST_DENY) & 1)

bool pc_fp32(const struct pctx *c, int v) { return c->v[v].dtype == TF_DT_FLOAT; }

/* SupportsF16DataType: the OpDef's allowed types for the attr contain bf16. */
bool pc_supports_dtype(const struct pctx *c, int v)
{
    const struct vtx *x = &c->v[v];
    if (!x->attr)
        return x->fixed == TF_DT_BFLOAT16;
    const struct amp_opdef *d = c->def[x->node];
    if (!d)
        return false;
    const struct amp_typeattr *t = amp_opdef_attr(d, x->base);
    return t && t->bf16;
}

/* SupportsF16: the OpDef check and a CPU kernel for bf16 (fixed types can
 * never be set, so never). */
bool pc_supports(const struct pctx *c, int v)
{
    const struct vtx *x = &c->v[v];
    if (!x->attr || !pc_supports_dtype(c, v))
        return false;
    const struct amp_typeattr *t = amp_opdef_attr(c->def[x->node], x->base);
    return t && t->kernel;
}

/* NodeImplicitlyReadsNonResourceVariable. */
bool pc_reads_ref_var(const struct pctx *c, int node)
{
    for (int depth = 0; depth < 1000 && node >= 0; depth++) {
        const struct wnode *n = &c->w.n[node];
        bool ident = !strcmp(n->op, "Identity"), enter = !strcmp(n->op, "Enter");
        if ((!ident && !enter) || n->n_in < 1 || n->in_n[0] < 0)
            return false;
        const struct wnode *in = &c->w.n[n->in_n[0]];
        if (ident)
            return !strcmp(in->op, "Variable") || !strcmp(in->op, "VariableV2");
        node = n->in_n[0];
    }
    return false;
}

/* ---- DFS exactly as DfsTypeTraversal (enter checked at pop) --------------- */

void pc_dfs(struct pctx *c, int root, int dir, enter_fn enter, pre_fn pre, void *arg)
{
    enum { NV = 0, VISITING = 1, DONE = 2 };
    c->gen++;
    size_t sp = 0;
#define PUSH(nd, cv, sr)                                                  \
    do {                                                                  \
        xgrow(&c->stack, &c->stack_cap, sp * 3 + 3, sizeof *c->stack);    \
        c->stack[sp * 3] = (nd);                                          \
        c->stack[sp * 3 + 1] = (cv);                                      \
        c->stack[sp * 3 + 2] = (sr);                                      \
        sp++;                                                             \
    } while (0)
    PUSH(root, 0, -1);
    while (sp) {
        sp--;
        int node = c->stack[sp * 3], cv = c->stack[sp * 3 + 1], src = c->stack[sp * 3 + 2];
        if (c->stamp[node] != c->gen) {
            c->stamp[node] = c->gen;
            c->state[node] = NV;
        }
        if (c->state[node] == DONE)
            continue;
        if (enter && !enter(c, node, root, arg)) {
            c->state[node] = DONE;
            continue;
        }
        if (cv) {
            c->state[node] = DONE;
            continue;
        }
        if (c->state[node] == VISITING)
            continue;
        c->state[node] = VISITING;
        if (pre)
            pre(c, node, src, root, arg);
        PUSH(node, 1, src);
        if (dir & DIR_IN)
            for (int k = 0; k < c->v[node].nfin; k++)
                PUSH(c->v[node].fin[k], 0, node);
        if (dir & DIR_OUT)
            for (int k = 0; k < c->v[node].nfout; k++)
                PUSH(c->v[node].fout[k], 0, node);
    }
#undef PUSH
}

const char *pc_vop(const struct pctx *c, int v) { return c->w.n[c->v[v].node].op; }
bool pc_vproc(const struct pctx *c, int v) { return c->process[c->v[v].node]; }

/* ---- pass 2 --------------------------------------------------------------- */

struct setarg {
    bool *set;
};

static bool p2_up_enter(struct pctx *c, int idx, int root, void *arg)
{
    bool *up = ((struct setarg *)arg)->set;
    return idx == root || (!up[idx] && V_CLEAR(c, idx));
}
static void p2_up_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)c, (void)src, (void)root;
    ((struct setarg *)arg)->set[idx] = true;
}
static bool p2_down_enter(struct pctx *c, int idx, int root, void *arg)
{
    bool *up = ((struct setarg *)arg)->set;
    return idx == root || (!c->v[idx].deny && up[idx]);
}
static void p2_down_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)arg;
    struct vtx *x = &c->v[idx];
    if (!x->deny) {
        x->deny = true;
        if (idx != root) {
            x->pass = 2;
            x->cause = root;
            x->via = src;
        }
    }
}

static void pass2(struct pctx *c)
{
    struct setarg a = {xcalloc((size_t)c->nv + 1, sizeof(bool))};
    for (int r = 0; r < c->nv; r++)
        if (V_DENY(c, r) || V_INFER(c, r))
            pc_dfs(c, r, DIR_IN, p2_up_enter, p2_up_pre, &a);
    for (int r = 0; r < c->nv; r++) {
        if (c->v[r].deny || !V_DENY(c, r))
            continue;
        pc_dfs(c, r, DIR_OUT, p2_down_enter, p2_down_pre, &a);
    }
    free(a.set);
}

/* ---- passes 3, 4, 5, 6 ---------------------------------------------------- */

static bool p3_down_enter(struct pctx *c, int idx, int root, void *arg)
{
    bool *down = ((struct setarg *)arg)->set;
    return idx == root ||
           (!down[idx] && !V_ALLOW(c, idx) && !c->v[idx].deny && pc_vproc(c, idx) &&
            pc_fp32(c, idx) && pc_supports(c, idx) && (V_CLEAR(c, idx) || V_INFER(c, idx)));
}
static void p3_down_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)src;
    ((struct setarg *)arg)->set[idx] = true;
    if (idx != root && c->v[idx].via < 0)
        c->v[idx].via = root; /* an allow op upstream */
}

struct p3arg {
    bool *down, *up;
};
static bool p3_up_enter(struct pctx *c, int idx, int root, void *arg)
{
    (void)c;
    struct p3arg *a = arg;
    return idx == root || (!a->up[idx] && a->down[idx]);
}
static void p3_up_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)src;
    struct p3arg *a = arg;
    a->up[idx] = true;
    if (!c->v[idx].allow) {
        c->v[idx].allow = true;
        c->v[idx].pass = 3;
        c->v[idx].cause = c->v[idx].via >= 0 ? c->v[idx].via : root;
    }
}

static void pass3(struct pctx *c)
{
    struct setarg d = {xcalloc((size_t)c->nv + 1, sizeof(bool))};
    for (int r = 0; r < c->nv; r++)
        if (pc_vproc(c, r) && V_ALLOW(c, r))
            pc_dfs(c, r, DIR_OUT, p3_down_enter, p3_down_pre, &d);
    struct p3arg a = {d.set, xcalloc((size_t)c->nv + 1, sizeof(bool))};
    for (int r = 0; r < c->nv; r++)
        if (pc_vproc(c, r) && !a.up[r] && V_ALLOW(c, r))
            pc_dfs(c, r, DIR_IN, p3_up_enter, p3_up_pre, &a);
    /* `via` was scratch for pass 3 */
    for (int i = 0; i < c->nv; i++)
        if (c->v[i].pass != 2)
            c->v[i].via = -1;
    free(d.set);
    free(a.up);
}

static void pass4(struct pctx *c)
{
    for (int i = 0; i < c->nv; i++) {
        struct vtx *x = &c->v[i];
        if (!pc_vproc(c, i) || x->deny || x->allow || !V_INFER(c, i) || !pc_fp32(c, i) ||
            !pc_supports_dtype(c, i))
            continue;
        bool has_allow = false;
        int cause = -1;
        for (int k = 0; k < x->nfin; k++) {
            int f = x->fin[k];
            if (c->v[f].deny) {
                has_allow = false;
                break;
            }
            if (c->v[f].allow) {
                has_allow = true;
                if (cause < 0)
                    cause = f;
            }
        }
        if (has_allow) {
            x->allow = true;
            x->pass = 4;
            x->cause = cause;
        }
    }
}

static bool p5_enter(struct pctx *c, int idx, int root, void *arg)
{
    (void)arg;
    const struct vtx *x = &c->v[idx];
    return idx == root ||
           (!x->allow && !x->deny && pc_vproc(c, idx) && pc_fp32(c, idx) && pc_supports(c, idx) &&
            V_CLEAR(c, idx) && !pc_reads_ref_var(c, x->node));
}
static void p5_pre(struct pctx *c, int idx, int src, int root, void *arg)
{
    (void)root;
    bool *cp = ((struct setarg *)arg)->set;
    cp[idx] = true;
    if (!c->v[idx].allow) {
        c->v[idx].allow = true;
        c->v[idx].pass = 5;
        c->v[idx].cause = src;
    }
}

static void pass5(struct pctx *c)
{
    struct setarg a = {xcalloc((size_t)c->nv + 1, sizeof(bool))};
    for (int r = 0; r < c->nv; r++)
        if (pc_vproc(c, r) && !a.set[r] && c->v[r].allow)
            pc_dfs(c, r, DIR_IN | DIR_OUT, p5_enter, p5_pre, &a);
    free(a.set);
}

static void pass6(struct pctx *c)
{
    for (int i = 0; i < c->nv; i++)
        if (V_ALLOW(c, i) && c->v[i].allow && !pc_supports_dtype(c, i)) {
            c->v[i].allow = false;
            c->v[i].unpainted6 = true;
        }
}

/* ---- loop edges and existing casts ---------------------------------------- */

static int vtx_named(const struct pctx *c, int node, const char *attr)
{
    for (int i = c->vfirst[node]; i < c->vfirst[node] + c->vcount[node]; i++)
        if (c->v[i].attr && !strcmp(c->v[i].attr, attr))
            return i;
    return -1;
}

static bool loop_edges(struct pctx *c)
{
    for (int i = 0; i < c->w.count; i++) {
        if (!c->w.n[i].alive || strcmp(c->w.n[i].op, "NextIteration"))
            continue;
        int nm = 0;
        bool any_not_allow = false;
        int *merges = xmalloc(((size_t)(c->fan.start[i + 1] - c->fan.start[i]) + 1) * sizeof(int));
        for (int k = c->fan.start[i]; k < c->fan.start[i + 1]; k++) {
            if (c->fan.port[k] != 0)
                continue;
            int m = c->fan.cons[k];
            if (strcmp(c->w.n[m].op, "Merge")) {
                snprintf(c->p->failure, sizeof c->p->failure,
                         "FAILED_PRECONDITION: Expected Merge node after NextIteration, got %s",
                         c->w.n[m].op);
                free(merges);
                return false;
            }
            int mv = vtx_named(c, m, "T");
            if (mv < 0)
                continue;
            merges[nm++] = mv;
            any_not_allow |= !c->v[mv].allow;
        }
        int nv = vtx_named(c, i, "T");
        if (any_not_allow) {
            for (int k = 0; k < nm; k++)
                if (c->v[merges[k]].allow) {
                    c->v[merges[k]].allow = false;
                    c->v[merges[k]].loop_unpainted = true;
                }
            if (nv >= 0 && c->v[nv].allow) {
                c->v[nv].allow = false;
                c->v[nv].loop_unpainted = true;
            }
        } else if (nv >= 0 && !c->v[nv].allow) {
            c->v[nv].allow = true;
            c->v[nv].pass = 7;
            c->v[nv].cause = nm ? merges[0] : -1;
        }
        free(merges);
    }
    return true;
}

static void casts_allow(struct pctx *c)
{
    for (int i = 0; i < c->w.count; i++) {
        if (!c->w.n[i].alive || strcmp(c->w.n[i].op, "Cast"))
            continue;
        int dv = vtx_named(c, i, "DstT");
        if (dv < 0 || !pc_fp32(c, dv))
            continue;
        bool all = true, any = false;
        for (int k = c->fan.start[i]; k < c->fan.start[i + 1] && all; k++) {
            if (c->fan.port[k] != 0)
                continue;
            int cn = c->fan.cons[k], in = c->fan.input[k];
            any = true;
            if (in >= c->n_inv[cn] || !c->v[c->inv[cn][in]].allow)
                all = false;
        }
        if (any && all && !c->v[dv].allow) {
            c->v[dv].allow = true;
            c->v[dv].pass = 8;
        }
    }
}

/* ---- the pass ------------------------------------------------------------- */

static bool on_cpu(const char *dev, bool all_on_cpu)
{
    if (!dev || !*dev)
        return all_on_cpu;
    /* DeviceNameUtils::SplitDeviceName: the device type of the last component */
    const char *t = strstr(dev, "device:");
    const char *type;
    size_t len;
    if (t) {
        type = t + 7;
    } else {
        const char *slash = strrchr(dev, '/');
        type = slash ? slash + 1 : dev;
    }
    const char *colon = strchr(type, ':');
    len = colon ? (size_t)(colon - type) : strlen(type);
    if (!colon)
        return false;
    for (size_t i = 0; i + 3 <= len; i++)
        if (tolower((unsigned char)type[i]) == 'c' && tolower((unsigned char)type[i + 1]) == 'p' &&
            tolower((unsigned char)type[i + 2]) == 'u')
            return true;
    return false;
}

static void build_work_graph(struct pctx *c, const struct amp_opts *o)
{
    const graph *g = c->g;
    c->w.pool = c->p->pool;
    for (int i = 0; i < g->n_nodes; i++) {
        const struct g_node *n = &g->nodes[i];
        int k = wg_add(&c->w, n->name, n->op, n->device, i);
        struct wnode *wn = &c->w.n[k];
        wn->attrs = n->attrs;
        wn->n_attrs = n->n_attrs;
        wn->in_n = xmalloc(((size_t)n->n_inputs + 1) * sizeof(int));
        wn->in_p = xmalloc(((size_t)n->n_inputs + 1) * sizeof(int));
        wn->ctl = xmalloc(((size_t)n->n_inputs + 1) * sizeof(int));
        for (int j = 0; j < n->n_inputs; j++) {
            if (n->inputs[j].port >= 0 && j < n->n_data_inputs) {
                wn->in_n[wn->n_in] = n->inputs[j].node;
                wn->in_p[wn->n_in++] = n->inputs[j].port;
            } else {
                wn->ctl[wn->n_ctl++] = n->inputs[j].node;
            }
        }
        if (n->inlined) {
            wn->alive = false;
            c->p->prepass_note[i] = "function call: grappler inlines its body before AMP";
            c->p->removed[i] = true;
        }
    }
    /* preserve set */
    if (o && o->preserve) {
        for (int i = 0; o->preserve[i]; i++) {
            int k = graph_find(g, o->preserve[i]);
            if (k >= 0)
                c->w.n[k].preserve = true;
        }
    } else {
        for (int i = 0; i < g->n_inputs; i++)
            if (g->inputs[i].node >= 0)
                c->w.n[g->inputs[i].node].preserve = true;
        for (int i = 0; i < g->n_outputs; i++)
            if (g->outputs[i].node >= 0)
                c->w.n[g->outputs[i].node].preserve = true;
    }
}

static void free_ctx(struct pctx *c)
{
    for (int i = 0; i < c->nv; i++) {
        free(c->v[i].fin);
        free(c->v[i].fout);
    }
    free(c->v);
    for (int i = 0; i < c->w.count; i++) {
        if (c->inv)
            free(c->inv[i]);
        if (c->outv)
            free(c->outv[i]);
    }
    free(c->inv);
    free(c->outv);
    free(c->n_inv);
    free(c->n_outv);
    free(c->vfirst);
    free(c->vcount);
    free(c->def);
    free(c->opaque);
    free(c->process);
    free(c->lists);
    free(c->stamp);
    free(c->state);
    free(c->stack);
    for (int k = 0; k < c->n_clusters; k++)
        free(c->clusters[k]);
    free(c->clusters);
    free(c->cluster_n);
    wfan_free(&c->fan);
    wg_free(&c->w);
}

static void fail(struct pctx *c, const char *tf_status, const char *explain)
{
    amp_plan *p = c->p;
    p->failed = true;
    struct abuf b;
    abuf_init(&b);
    abuf_printf(&b, "%s%s%s", tf_status, explain ? "\n" : "", explain ? explain : "");
    string_copy(p->failure, b.data);
    b.len = 0;
    abuf_printf(&b, "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: %s", tf_status);
    string_copy(p->summary, b.data);
    abuf_done(&b);
}

amp_plan *amp_paint(const graph *g, const amp_lists *l, const struct amp_opts *opts,
                    struct err *e)
{
    if (!g || !l) {
        err_set(e, ST_EINVAL, "amp_paint: no graph or no lists");
        return NULL;
    }
    struct amp_opts defaults = {NULL, true, false};
    const struct amp_opts *o = opts ? opts : &defaults;
    amp_plan *p = xcalloc(1, sizeof *p);
    p->g = g;
    p->pool = strpool_new();
    p->tf_version = amp_lists_version(l);
    p->level = amp_lists_level(l);
    p->nodes = xcalloc((size_t)g->n_nodes + 1, sizeof *p->nodes);
    p->removed = xcalloc((size_t)g->n_nodes + 1, sizeof *p->removed);
    p->prepass_note = xcalloc((size_t)g->n_nodes + 1, sizeof *p->prepass_note);

    struct pctx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.l = l;
    c.p = p;
    c.treat_infer_as_deny = p->level == AMP_LEVEL_TREAT_INFER_AS_DENY;
    build_work_graph(&c, o);
    if (o->model_grappler_prepasses) {
        p->prepassed = true;
        amp_prepass_run(&c.w, p);
    }
    wg_fanouts(&c.w, &c.fan);
    c.process = xcalloc((size_t)c.w.count + 1, sizeof(bool));
    c.lists = xmalloc((size_t)c.w.count + 1);
    memset(c.lists, 0xff, (size_t)c.w.count + 1);
    for (int i = 0; i < c.w.count; i++)
        if (c.w.n[i].alive)
            p->total++;

    /* 5. which nodes are processed; 6. FusedBatchNorm -> V2 */
    for (int i = 0; i < c.w.count; i++) {
        struct wnode *wn = &c.w.n[i];
        if (!wn->alive)
            continue;
        c.process[i] = !wn->preserve && on_cpu(wn->device, o->all_on_cpu);
        if (c.process[i] && (!strcmp(wn->op, "FusedBatchNorm") || !strcmp(wn->op, "FusedBatchNormGrad"))) {
            wn->op = !strcmp(wn->op, "FusedBatchNorm") ? "FusedBatchNormV2" : "FusedBatchNormGradV2";
            struct g_attr *na = xcalloc((size_t)wn->n_attrs + 1, sizeof *na);
            memcpy(na, wn->attrs, (size_t)wn->n_attrs * sizeof *na);
            na[wn->n_attrs].name = "U";
            na[wn->n_attrs].kind = G_ATTR_TYPE;
            na[wn->n_attrs].type = TF_DT_FLOAT;
            free(wn->own_attrs);
            wn->own_attrs = na;
            wn->attrs = na;
            wn->n_attrs++;
            amp_plan_note(p, "%s: FusedBatchNorm is changed to FusedBatchNormV2 (U=float) first",
                          wn->name);
        }
    }
    /* 7. vertices and edges */
    pc_build_vertices(&c);
    pc_build_edges(&c);
    c.stamp = xcalloc((size_t)c.nv + 1, sizeof *c.stamp);
    c.state = xcalloc((size_t)c.nv + 1, 1);
    /* 1. level; 2-3. lists and ValidateLists (checked first by TF; here after the
     * vertices exist so a failed plan still lists every type attr) */
    if (p->level == AMP_LEVEL_UNSAFE_FORCE_ALL) {
        fail(&c,
             "INVALID_ARGUMENT: TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL cannot be set to "
             "UNSAFE_FORCE_ALL when oneDNN is used",
             "ampscope: UNSAFE_FORCE_ALL only exists for float16 on GPU; TensorFlow refuses it for "
             "bfloat16, so the whole graph stays fp32. Unset "
             "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL (or use TREAT_INFER_AS_DENY).");
        goto results;
    }
    {
        const char **dup = NULL;
        int nd = amp_lists_conflicts(l, &dup);
        if (nd) {
            struct abuf b;
            abuf_init(&b);
            abuf_puts(&b, "ampscope: an op may be on only one list, and ");
            for (int i = 0; i < nd; i++) {
                if (i)
                    abuf_puts(&b, i == nd - 1 ? " and " : ", ");
                abuf_printf(&b, "'%s' is on ", dup[i]);
                int k = 0;
                for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++)
                    if (amp_lists_has(l, (enum amp_list)li, dup[i]))
                        abuf_printf(&b, "%s%s", k++ ? "+" : "", amp_list_name((enum amp_list)li));
                amp_plan_note(p, "Op present in multiple lists: %s", dup[i]);
            }
            /* how to fix the first one */
            const char *op0 = dup[0];
            enum amp_list def = amp_lists_default(l, op0);
            if (def != AMP_LIST_NONE && amp_lists_has(l, def, op0)) {
                enum amp_list other = AMP_LIST_NONE;
                for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++)
                    if (li != (int)def && amp_lists_has(l, (enum amp_list)li, op0))
                        other = (enum amp_list)li;
                static const char *const var[] = {"", "ALLOWLIST", "INFERLIST", "CLEARLIST", "DENYLIST"};
                abuf_printf(&b, ". '%s' is on the %s list by default; an _ADD does not take it off "
                                "that list. To move it to %s, also remove it from %s: "
                                "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_%s_REMOVE=%s (ampscope amp: "
                                "--%s-remove %s).",
                            op0, amp_list_name(def), amp_list_name(other), amp_list_name(def),
                            var[def], op0, amp_list_name(def), op0);
            } else {
                abuf_printf(&b, ". '%s' was added to more than one list; keep only one _ADD for it.", op0);
            }
            abuf_puts(&b, " TensorFlow fails the whole pass, so the graph stays fp32.");
            fail(&c, "INVALID_ARGUMENT: Op lists have conflicting entries", b.data);
            abuf_done(&b);
            free(dup);
            goto results;
        }
    }

    /* 8. TensorList clusters */
    pc_tensor_lists(&c);
    /* 9. pass 1 */
    {
        int n_allow = 0;
        for (int i = 0; i < c.nv; i++)
            if (pc_vproc(&c, i) && V_ALLOW(&c, i)) {
                c.v[i].allow = true;
                c.v[i].pass = 1;
                n_allow++;
            }
        if (!n_allow) {
            p->nothing_to_do = true;
            string_copy(p->summary, "No allowlist ops found, nothing to do");
            goto results;
        }
    }
    pass2(&c);
    pc_tl_color_match(&c);
    pass3(&c);
    pass4(&c);
    pass5(&c);
    pass6(&c);
    pc_tl_color_match(&c);
    if (!loop_edges(&c)) {
        char msg[512];
        string_copy(msg, p->failure);
        fail(&c, msg, "ampscope: TensorFlow expects every NextIteration to feed only Merge nodes.");
        goto results;
    }
    casts_allow(&c);
    amp_paint_casts(&c, amp_lists_cast_style(l));
    if (!p->failed)
        snprintf(p->summary, sizeof p->summary,
                 "Converted %d/%d nodes to bfloat16 precision using %d cast(s) to bfloat16 "
                 "(excluding Const and Variable casts)",
                 p->converted, p->total, p->counted_casts);
results:
    amp_paint_results(&c);
    free_ctx(&c);
    return p;
}
