/* amp_prepass.c: the grappler rewrites that run before AMP on the user's raw
 * graph, modelled so `ampscope amp model.pb` counts the nodes TensorFlow's
 * pass really sees: model pruning of trivial Identity/StopGradient/NoOp/AddN
 * nodes, common-subgraph elimination (identical Consts and what reads them),
 * and constant folding of ops fed only by Consts (Const->Identity chains of
 * frozen models) plus x/Const -> x*reciprocal. Rewrites not modelled are
 * named in the plan's notes.
 */
#include "analyze/amp_prepass_int.h"

#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>
#include <string.h>


void pp_kill(struct pp *s, int i, const char *why)
{
    struct wnode *n = &s->w->n[i];
    n->alive = false;
    if (n->gi >= 0) {
        s->p->removed[n->gi] = true;
        s->p->prepass_note[n->gi] = strpool_intern(s->p->pool, why, strlen(why));
    }
}

static void fanout_counts(const struct wgraph *w, int *data, int *ctl)
{
    memset(data, 0, (size_t)w->count * sizeof *data);
    memset(ctl, 0, (size_t)w->count * sizeof *ctl);
    for (int i = 0; i < w->count; i++) {
        const struct wnode *n = &w->n[i];
        if (!n->alive)
            continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in_n[k] >= 0)
                data[n->in_n[k]]++;
        for (int k = 0; k < n->n_ctl; k++)
            if (n->ctl[k] >= 0)
                ctl[n->ctl[k]]++;
    }
}

bool pp_has_ctl_to(const struct wnode *n, int src)
{
    for (int k = 0; k < n->n_ctl; k++)
        if (n->ctl[k] == src)
            return true;
    return false;
}

/* ---- only what the fetches need -------------------------------------------- */

/* The session hands grappler the transitive fanin (data and control) of the
 * fetch and feed nodes only; everything else is gone before any pass. */
static void keep_fanin(struct pp *s)
{
    struct wgraph *w = s->w;
    bool *seen = xcalloc((size_t)w->count + 1, sizeof(bool));
    int *stack = xmalloc(((size_t)w->count + 1) * sizeof(int));
    int sp = 0, roots = 0;
    const graph *g = s->p->g;
    for (int i = 0; i < w->count; i++) {
        bool root = w->n[i].alive && w->n[i].preserve;
        /* a fetched function call is inlined: its body nodes stand for it */
        for (int a = w->n[i].gi >= 0 ? g->nodes[w->n[i].gi].parent : -1, d = 0;
             !root && a >= 0 && d < 64; a = g->nodes[a].parent, d++)
            root = w->n[a].preserve;
        if (root && w->n[i].alive) {
            seen[i] = true;
            stack[sp++] = i;
            roots++;
        }
    }
    if (!roots) {
        free(seen);
        free(stack);
        return;
    }
    while (sp) {
        const struct wnode *n = &w->n[stack[--sp]];
        for (int k = 0; k < n->n_in + n->n_ctl; k++) {
            int src = k < n->n_in ? n->in_n[k] : n->ctl[k - n->n_in];
            if (src >= 0 && !seen[src] && w->n[src].alive) {
                seen[src] = true;
                stack[sp++] = src;
            }
        }
    }
    for (int i = 0; i < w->count; i++)
        if (w->n[i].alive && !seen[i]) {
            pp_kill(s, i, "not needed for the fetch nodes: the session never gives it to grappler");
            s->removed[0]++;
        }
    free(seen);
    free(stack);
}

/* ---- model pruner --------------------------------------------------------- */

bool pp_op_is(const char *op, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (!strcmp(op, set[i]))
            return true;
    return false;
}

static void prune(struct pp *s)
{
    struct wgraph *w = s->w;
    int *data = xcalloc((size_t)w->count + 1, sizeof(int));
    int *ctl = xcalloc((size_t)w->count + 1, sizeof(int));
    fanout_counts(w, data, ctl);
    bool *merge_fed = xcalloc((size_t)w->count + 1, sizeof(bool));
    for (int i = 0; i < w->count; i++)
        if (w->n[i].alive && !strcmp(w->n[i].op, "Merge"))
            for (int k = 0; k < w->n[i].n_in; k++)
                if (w->n[i].in_n[k] >= 0)
                    merge_fed[w->n[i].in_n[k]] = true;
    int n0 = w->count;
    bool *del = xcalloc((size_t)n0 + 1, sizeof(bool));
    for (int i = 0; i < n0; i++) {
        struct wnode *n = &w->n[i];
        if (!n->alive || n->preserve)
            continue;
        bool trivial = false;
        bool ident = !strcmp(n->op, "Identity") ||
                     (!strcmp(n->op, "IdentityN") && n->n_in == 1);
        if (!strcmp(n->op, "StopGradient"))
            trivial = true;
        else if (ident) {
            trivial = !n->n_ctl && !ctl[i] && !merge_fed[i];
            if (trivial && n->n_in == 1 && n->in_n[0] >= 0 &&
                !strcmp(w->n[n->in_n[0]].op, "Switch"))
                trivial = false;
        } else if (!strcmp(n->op, "NoOp") && !n->n_in && !n->n_ctl)
            trivial = true;
        else if (!strcmp(n->op, "Const") && !n->n_in && !n->n_ctl && !data[i])
            trivial = true;
        else if (!strcmp(n->op, "AddN") && n->n_in <= 1)
            trivial = true;
        if (!trivial)
            continue;
        bool special = (!strcmp(n->op, "NoOp") || !strcmp(n->op, "Const"));
        if (!special) {
            int in_deg = n->n_in + n->n_ctl, out_deg = data[i] + ctl[i];
            if (in_deg * out_deg > in_deg + out_deg)
                continue;
            if (n->n_in != 1 || n->in_n[0] < 0)
                continue;
            if (strcmp(w->n[n->in_n[0]].device, n->device))
                continue; /* removal would cross devices */
        }
        del[i] = true;
    }
    /* redirect[i]: where readers of a removed node read from instead */
    int *rn = xmalloc(((size_t)n0 + 1) * sizeof(int)), *rp = xmalloc(((size_t)n0 + 1) * sizeof(int));
    for (int i = 0; i < n0; i++) {
        rn[i] = -2; /* not removed */
        if (!del[i])
            continue;
        struct wnode *n = &w->n[i];
        bool special = !strcmp(n->op, "NoOp") || !strcmp(n->op, "Const");
        rn[i] = special ? -1 : n->in_n[0];
        rp[i] = special ? -1 : n->in_p[0];
    }
    for (int j = 0; j < n0; j++) {
        struct wnode *c = &w->n[j];
        if (!c->alive || del[j])
            continue;
        for (int k = 0; k < c->n_in; k++)
            for (int hops = 0; hops < n0 && c->in_n[k] >= 0 && rn[c->in_n[k]] != -2; hops++) {
                int from = c->in_n[k];
                c->in_n[k] = rn[from];
                c->in_p[k] = rp[from];
            }
        int m = 0;
        for (int k = 0; k < c->n_ctl; k++)
            if (c->ctl[k] < 0 || rn[c->ctl[k]] == -2)
                c->ctl[m++] = c->ctl[k];
        c->n_ctl = m;
    }
    for (int i = 0; i < n0; i++) {
        if (!del[i])
            continue;
        struct wnode *n = &w->n[i];
        if (!strcmp(n->op, "NoOp") || !strcmp(n->op, "Const")) {
            pp_kill(s, i, !strcmp(n->op, "Const") ? "pruned: a Const nothing reads"
                                               : "pruned: a NoOp without inputs");
        } else {
            int src = n->in_n[0];
            for (int hops = 0; hops < n0 && src >= 0 && rn[src] != -2; hops++)
                src = rn[src];
            char why[300];
            snprintf(why, sizeof why, "pruned: trivial %s (its consumers read %s directly)", n->op,
                     src >= 0 ? w->n[src].name : "its input");
            pp_kill(s, i, why);
        }
        s->removed[0]++;
    }
    free(rn);
    free(rp);
    free(del);
    free(merge_fed);
    free(data);
    free(ctl);
}

/* ---- topological order (NextIteration back edges ignored) ---------------- */

int *pp_topo(const struct wgraph *w)
{
    int n = w->count;
    int *indeg = xcalloc((size_t)n + 1, sizeof(int));
    int *start = xcalloc((size_t)n + 2, sizeof(int));
    for (int i = 0; i < n; i++) {
        const struct wnode *x = &w->n[i];
        if (!x->alive || !strcmp(x->op, "Merge"))
            continue;
        for (int k = 0; k < x->n_in; k++)
            if (x->in_n[k] >= 0 && w->n[x->in_n[k]].alive)
                indeg[i]++, start[x->in_n[k] + 1]++;
        for (int k = 0; k < x->n_ctl; k++)
            if (x->ctl[k] >= 0 && w->n[x->ctl[k]].alive)
                indeg[i]++, start[x->ctl[k] + 1]++;
    }
    for (int i = 0; i < n; i++)
        start[i + 1] += start[i];
    int *adj = xmalloc(((size_t)start[n] + 1) * sizeof(int));
    int *fill = xcalloc((size_t)n + 1, sizeof(int));
    for (int i = 0; i < n; i++) {
        const struct wnode *x = &w->n[i];
        if (!x->alive || !strcmp(x->op, "Merge"))
            continue;
        for (int k = 0; k < x->n_in; k++)
            if (x->in_n[k] >= 0 && w->n[x->in_n[k]].alive)
                adj[start[x->in_n[k]] + fill[x->in_n[k]]++] = i;
        for (int k = 0; k < x->n_ctl; k++)
            if (x->ctl[k] >= 0 && w->n[x->ctl[k]].alive)
                adj[start[x->ctl[k]] + fill[x->ctl[k]]++] = i;
    }
    int *order = xmalloc(((size_t)n + 1) * sizeof(int));
    int head = 0, tail = 0;
    for (int i = 0; i < n; i++)
        if (w->n[i].alive && !indeg[i])
            order[tail++] = i;
    while (head < tail) {
        int u = order[head++];
        for (int k = start[u]; k < start[u + 1]; k++)
            if (--indeg[adj[k]] == 0)
                order[tail++] = adj[k];
    }
    /* nodes in cycles (malformed graphs): append in index order */
    bool *seen = xcalloc((size_t)n + 1, sizeof(bool));
    for (int k = 0; k < tail; k++)
        seen[order[k]] = true;
    for (int i = 0; i < n; i++)
        if (w->n[i].alive && !seen[i])
            order[tail++] = i;
    order[tail] = -1;
    free(seen);
    free(indeg);
    free(start);
    free(adj);
    free(fill);
    return order;
}

/* ---- constant folding ------------------------------------------------------ */

static int out_dtype_attr(const struct wnode *n, const struct amp_opdef *d)
{
    if (!d || d->n_out != 1 || d->out[0].number[0] || d->out[0].kind == AMP_ARG_LIST)
        return -1;
    if (d->out[0].kind == AMP_ARG_FIXED)
        return d->out[0].fixed;
    const struct g_attr *a = wn_attr(n, d->out[0].attr);
    return a && a->kind == G_ATTR_TYPE ? a->type : -1;
}

static int64_t const_bytes(const struct wnode *c)
{
    const struct g_attr *v = wn_attr(c, "value");
    if (!v || v->kind != G_ATTR_TENSOR || !v->tensor || v->tensor->n_elems < 0)
        return 0;
    return v->tensor->n_elems * 4;
}

static void make_const(struct pp *s, int i, int dtype)
{
    struct wnode *n = &s->w->n[i];
    struct g_attr *na = xcalloc(2, sizeof *na);
    na[0].name = "dtype";
    na[0].kind = G_ATTR_TYPE;
    na[0].type = dtype;
    free(n->own_attrs);
    n->own_attrs = na;
    n->attrs = na;
    n->n_attrs = 1;
    n->op = "Const";
    n->n_in = 0;
}

static bool string_input(const struct wgraph *w, const struct wnode *n)
{
    for (int j = 0; j < n->n_in; j++) {
        const struct g_attr *a = wn_attr(&w->n[n->in_n[j]], "dtype");
        if (!a || (a->kind == G_ATTR_TYPE && a->type == TF_DT_STRING))
            return true;
    }
    return false;
}

static void add_ctl(struct wnode *n, int src)
{
    if (src < 0 || pp_has_ctl_to(n, src))
        return;
    n->ctl = xrealloc(n->ctl, (size_t)(n->n_ctl + 1) * sizeof *n->ctl);
    n->ctl[n->n_ctl++] = src;
}

/* Does shape inference know this node's value (a Const, or a small int op
 * computed only from such nodes)? */
static bool value_known(const struct wgraph *w, int i, int depth)
{
    if (i < 0 || depth > 32 || !w->n[i].alive)
        return false;
    const struct wnode *n = &w->n[i];
    if (!strcmp(n->op, "Const"))
        return true;
    const struct amp_opdef *d = amp_opdef_find(n->op);
    if (!d || d->stateful || !n->n_in || d->n_out != 1 || d->out[0].kind == AMP_ARG_LIST)
        return false;
    int dt = d->out[0].kind == AMP_ARG_FIXED ? d->out[0].fixed : -1;
    if (dt < 0) {
        const struct g_attr *a = wn_attr(n, d->out[0].attr);
        dt = a && a->kind == G_ATTR_TYPE ? a->type : -1;
    }
    if (dt != TF_DT_INT32 && dt != TF_DT_INT64)
        return false;
    for (int j = 0; j < n->n_in; j++)
        if (!value_known(w, n->in_n[j], depth + 1))
            return false;
    return true;
}

/* MaterializeConstants: a Fill whose dims are known and whose value is a
 * Const becomes a Const; its inputs turn into control dependencies. */
static void materialize_fill(struct pp *s)
{
    struct wgraph *w = s->w;
    for (int i = 0; i < w->count; i++) {
        struct wnode *n = &w->n[i];
        if (!n->alive || n->preserve || strcmp(n->op, "Fill") || n->n_in != 2)
            continue;
        int a = n->in_n[0], b = n->in_n[1];
        if (a < 0 || b < 0 || !value_known(w, a, 0) || strcmp(w->n[b].op, "Const"))
            continue;
        const struct g_attr *t = wn_attr(n, "T");
        make_const(s, i, t && t->kind == G_ATTR_TYPE ? t->type : TF_DT_FLOAT);
        add_ctl(n, a);
        add_ctl(n, b);
        s->folded++;
        if (n->gi >= 0)
            s->p->prepass_note[n->gi] = "materialized: a Fill of constants becomes a Const";
    }
}

/* MaterializeOutputValues: a node read only through control edges, fed by
 * Consts, with a small integer value shape inference knows, becomes a Const
 * whose inputs turn into control dependencies. */
static void materialize_values(struct pp *s)
{
    struct wgraph *w = s->w;
    int *fd = xcalloc((size_t)w->count + 1, sizeof(int));
    int *fc = xcalloc((size_t)w->count + 1, sizeof(int));
    fanout_counts(w, fd, fc);
    int n0 = w->count;
    for (int i = 0; i < n0; i++) {
        struct wnode *n = &w->n[i];
        if (!n->alive || n->preserve || fd[i] || !fc[i] || !strcmp(n->op, "Const") || !n->n_in ||
            !value_known(w, i, 0))
            continue;
        bool direct = true;
        for (int j = 0; j < n->n_in && direct; j++)
            direct = n->in_n[j] >= 0 && !strcmp(w->n[n->in_n[j]].op, "Const");
        if (!direct)
            continue;
        const struct amp_opdef *d = amp_opdef_find(n->op);
        int dt = d->out[0].kind == AMP_ARG_FIXED ? d->out[0].fixed : TF_DT_INT32;
        const struct g_attr *a = d->out[0].kind == AMP_ARG_ATTR ? wn_attr(n, d->out[0].attr) : NULL;
        if (a && a->kind == G_ATTR_TYPE)
            dt = a->type;
        int ins[256], ni = n->n_in < 256 ? n->n_in : 256;
        for (int j = 0; j < ni; j++)
            ins[j] = n->in_n[j];
        make_const(s, i, dt);
        for (int j = 0; j < ni; j++)
            add_ctl(n, ins[j]);
        s->folded++;
        if (n->gi >= 0)
            s->p->prepass_note[n->gi] = "materialized: its value is known, it becomes a Const";
    }
    free(fd);
    free(fc);
}

/* MoveConstantsPastEnter: a loop-invariant Enter (is_constant) of a Const
 * gets a copy of the Const inside the frame, "ConstantFolding/<const>_enter",
 * with a control dependency on the Enter; its non-Const readers read the copy. */
static void move_past_enter(struct pp *s)
{
    struct wgraph *w = s->w;
    int n0 = w->count;
    for (int i = 0; i < n0; i++) {
        struct wnode *n = &w->n[i];
        const struct g_attr *ic = wn_attr(n, "is_constant");
        if (!n->alive || strcmp(n->op, "Enter") || n->n_in < 1 || n->in_n[0] < 0 || !ic ||
            ic->kind != G_ATTR_B || !ic->b)
            continue;
        int src = n->in_n[0];
        if (strcmp(w->n[src].op, "Const"))
            continue;
        char nm[700];
        snprintf(nm, sizeof nm, "ConstantFolding/%s_enter", w->n[src].name);
        bool exists = false, consumers = false;
        for (int j = 0; j < w->count && !exists; j++)
            exists = w->n[j].alive && !strcmp(w->n[j].name, nm);
        for (int j = 0; j < w->count && !consumers; j++) {
            const struct wnode *c = &w->n[j];
            if (!c->alive || !strcmp(c->op, "Const"))
                continue;
            for (int k = 0; k < c->n_in; k++)
                consumers |= c->in_n[k] == i && c->in_p[k] == 0;
        }
        if (exists || !consumers)
            continue;
        const char *name = strpool_intern(s->p->pool, nm, strlen(nm));
        int dt = TF_DT_FLOAT;
        const struct g_attr *t = wn_attr(n, "T");
        if (t && t->kind == G_ATTR_TYPE)
            dt = t->type;
        int c = wg_add(w, name, "Const", n->device, -1);
        n = &w->n[i];
        struct g_attr *na = xcalloc(2, sizeof *na);
        na[0].name = "dtype";
        na[0].kind = G_ATTR_TYPE;
        na[0].type = dt;
        w->n[c].own_attrs = na;
        w->n[c].attrs = na;
        w->n[c].n_attrs = 1;
        add_ctl(&w->n[c], i);
        for (int j = 0; j < w->count; j++) {
            struct wnode *cn = &w->n[j];
            if (!cn->alive || j == c || !strcmp(cn->op, "Const"))
                continue;
            for (int k = 0; k < cn->n_in; k++)
                if (cn->in_n[k] == i && cn->in_p[k] == 0)
                    cn->in_n[k] = c;
        }
        s->enter++;
        s->p->added_names = xrealloc(s->p->added_names,
                                     (size_t)(s->p->n_added + 1) * sizeof *s->p->added_names);
        s->p->added_names[s->p->n_added++] = name;
    }
}

static void fold(struct pp *s)
{
    static const char *const nofold[] = {"Const", "Placeholder", "PlaceholderWithDefault", "Enter",
                                         "Exit", "Merge", "Switch", "NextIteration", "LoopCond",
                                         "NoOp", "_Arg", "_Retval", "Shape", "ShapeN", "Size",
                                         "Rank", NULL};
    struct wgraph *w = s->w;
    int *order = pp_topo(w);
    /* FoldGraph here folds nodes with a data reader (fanouts as they were);
     * nodes read only through control edges are left to materialize_values */
    int *fd = xcalloc((size_t)w->count + 1, sizeof(int));
    int *fc = xcalloc((size_t)w->count + 1, sizeof(int));
    fanout_counts(w, fd, fc);
    for (int k = 0; order[k] >= 0; k++) {
        int i = order[k];
        struct wnode *n = &w->n[i];
        if (!n->alive || n->preserve || pp_op_is(n->op, nofold))
            continue;
        const struct amp_opdef *d = amp_opdef_find(n->op);
        if (!d || d->stateful || !n->n_in)
            continue;
        bool all_const = true;
        int64_t bytes = 0;
        for (int j = 0; j < n->n_in && all_const; j++) {
            int src = n->in_n[j];
            all_const = src >= 0 && w->n[src].alive && !strcmp(w->n[src].op, "Const");
            if (all_const && const_bytes(&w->n[src]) > bytes)
                bytes = const_bytes(&w->n[src]);
        }
        if (all_const) {
            int dt = out_dtype_attr(n, d);
            if (dt < 0 || bytes > 10 * 1024 * 1024 || !fd[i] || string_input(w, n))
                continue;
            /* FoldNode: the Const keeps the node's control inputs and those of its inputs */
            int extra[64], ne = 0;
            for (int j = 0; j < n->n_in; j++) {
                const struct wnode *src = &w->n[n->in_n[j]];
                for (int q = 0; q < src->n_ctl && ne < 64; q++)
                    extra[ne++] = src->ctl[q];
            }
            make_const(s, i, dt);
            for (int q = 0; q < ne; q++)
                add_ctl(n, extra[q]);
            s->folded++;
            if (n->gi >= 0)
                s->p->prepass_note[n->gi] = strpool_intern(
                    s->p->pool, "constant-folded into a Const of the same name",
                    strlen("constant-folded into a Const of the same name"));
            continue;
        }
        /* x / Const -> x * (1/Const) */
        if ((!strcmp(n->op, "RealDiv") || !strcmp(n->op, "Div")) && n->n_in == 2 &&
            n->in_n[1] >= 0 && !strcmp(w->n[n->in_n[1]].op, "Const")) {
            const struct g_attr *t = wn_attr(n, "T");
            if (!t || t->kind != G_ATTR_TYPE ||
                (t->type != TF_DT_FLOAT && t->type != TF_DT_DOUBLE && t->type != TF_DT_HALF &&
                 t->type != TF_DT_BFLOAT16))
                continue;
            char nm[600];
            snprintf(nm, sizeof nm, "ConstantFolding/%s_recip", n->name);
            const char *name = strpool_intern(s->p->pool, nm, strlen(nm));
            int dt = t->type;
            int c = wg_add(w, name, "Const", n->device, -1);
            n = &w->n[i]; /* wg_add may move the array */
            struct g_attr *na = xcalloc(2, sizeof *na);
            na[0].name = "dtype";
            na[0].kind = G_ATTR_TYPE;
            na[0].type = dt;
            w->n[c].own_attrs = na;
            w->n[c].attrs = na;
            w->n[c].n_attrs = 1;
            n->in_n[1] = c;
            n->in_p[1] = 0;
            n->op = "Mul";
            s->recip++;
            s->p->added_names = xrealloc(s->p->added_names,
                                         (size_t)(s->p->n_added + 1) * sizeof *s->p->added_names);
            s->p->added_names[s->p->n_added++] = name;
        }
    }
    free(order);
    free(fd);
    free(fc);
    /* Consts left without any reader disappear */
    int *data = xcalloc((size_t)w->count + 1, sizeof(int));
    int *ctl = xcalloc((size_t)w->count + 1, sizeof(int));
    fanout_counts(w, data, ctl);
    for (int i = 0; i < w->count; i++) {
        struct wnode *n = &w->n[i];
        if (n->alive && !n->preserve && !strcmp(n->op, "Const") && !data[i] && !ctl[i]) {
            pp_kill(s, i, "removed by constant folding: its only readers were folded");
            s->removed[2]++;
        }
    }
    free(data);
    free(ctl);
}

void amp_prepass_run(struct wgraph *w, amp_plan *p)
{
    struct pp s;
    memset(&s, 0, sizeof s);
    s.w = w;
    s.p = p;
    keep_fanin(&s);
    prune(&s);
    pp_cse(&s);
    materialize_fill(&s);
    fold(&s);
    materialize_values(&s);
    move_past_enter(&s);
    int before = 0, after = 0;
    for (int i = 0; i < w->count; i++) {
        before += w->n[i].gi >= 0;
        after += w->n[i].alive;
    }
    amp_plan_note(p,
                  "grappler before AMP (modelled): %d node(s) pruned, %d deduplicated, %d "
                  "constant-folded (%d Const(s) dropped), %d division(s) by a constant turned into "
                  "a multiplication, %d loop-invariant constant(s) copied past Enter: %d -> %d nodes",
                  s.removed[0], s.removed[1], s.folded, s.removed[2], s.recip, s.enter, before, after);
    const graph *g = p->g;
    if (g->n_functions > 0 || g->format == G_FMT_SAVEDMODEL || g->format == G_FMT_SAVEDMODEL_TEXT ||
        g->format == G_FMT_METAGRAPH || g->format == G_FMT_METAGRAPH_TEXT)
        amp_plan_note(p,
                      "SavedModel/function graph: TensorFlow inlines the function bodies and drops "
                      "the variable plumbing before AMP, which ampscope does not model, so X/Y "
                      "differ from TensorFlow's line; for exact results paint TensorFlow's own "
                      "graphdef_preop_* dump with --no-prepass");
    amp_plan_note(p,
                  "not modelled: shape materialization (Shape/Size/Rank of static shapes), "
                  "arithmetic simplification inside constant folding (x*1, x+0, constant push-down) "
                  "and the renames of function inlining");
}
