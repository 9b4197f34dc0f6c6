/* amp_prepass_cse.c: grappler's common-subgraph elimination as it runs
 * before AMP: identical Consts (same dtype, shape and bytes) and nodes with
 * the same op, attrs and inputs (commutative ops in either order) collapse
 * into one representative, so the AMP pass counts each once.
 */
#include "analyze/amp_prepass_int.h"

#include <protobuf-c/protobuf-c.h>
#include <stdlib.h>
#include <string.h>

/* ---- common subgraph elimination ----------------------------------------- */

static bool is_commutative(const char *op)
{
    static const char *const ops[] = {"Add", "AddV2", "Mul", "Maximum", "Minimum", "Equal",
                                      "NotEqual", "LogicalAnd", "LogicalOr", "SquaredDifference",
                                      "BitwiseAnd", "BitwiseOr", "BitwiseXor", NULL};
    return pp_op_is(op, ops);
}

static bool tensors_equal(const struct g_tensor *a, const struct g_tensor *b)
{
    if (!a || !b)
        return a == b;
    if (a->dtype != b->dtype || a->shape.rank != b->shape.rank || a->n_elems != b->n_elems)
        return false;
    for (int i = 0; i < a->shape.rank && i < G_MAX_RANK; i++)
        if (a->shape.dim[i] != b->shape.dim[i])
            return false;
    if (!a->proto || !b->proto) {
        if (a->n_vals != b->n_vals || !a->n_vals)
            return false;
        return !memcmp(a->vals, b->vals, (size_t)a->n_vals * sizeof *a->vals);
    }
    const ProtobufCMessage *ma = a->proto, *mb = b->proto;
    size_t la = protobuf_c_message_get_packed_size(ma), lb = protobuf_c_message_get_packed_size(mb);
    if (la != lb)
        return false;
    if (la > ((size_t)32 << 20))
        return false; /* TF allows false negatives past 32 MB */
    uint8_t *ba = xmalloc(la + 1), *bb = xmalloc(lb + 1);
    protobuf_c_message_pack(ma, ba);
    protobuf_c_message_pack(mb, bb);
    bool eq = !memcmp(ba, bb, la);
    free(ba);
    free(bb);
    return eq;
}

static bool attr_equal(const struct g_attr *a, const struct g_attr *b)
{
    if (a->kind != b->kind || strcmp(a->name, b->name))
        return false;
    switch (a->kind) {
    case G_ATTR_S:
    case G_ATTR_FUNC:
        return !strcmp(a->s ? a->s : "", b->s ? b->s : "");
    case G_ATTR_I:
        return a->i == b->i;
    case G_ATTR_F:
        return a->f == b->f;
    case G_ATTR_B:
        return a->b == b->b;
    case G_ATTR_TYPE:
        return a->type == b->type;
    case G_ATTR_SHAPE:
        return !memcmp(&a->shape, &b->shape, sizeof a->shape);
    case G_ATTR_TENSOR:
        return tensors_equal(a->tensor, b->tensor);
    case G_ATTR_LIST:
        if (a->n_list != b->n_list)
            return false;
        for (int i = 0; i < a->n_list; i++) {
            if ((a->list_i && b->list_i && a->list_i[i] != b->list_i[i]) ||
                (a->list_type && b->list_type && a->list_type[i] != b->list_type[i]) ||
                (a->list_f && b->list_f && a->list_f[i] != b->list_f[i]) ||
                (a->list_s && b->list_s && strcmp(a->list_s[i], b->list_s[i])))
                return false;
            if (!a->list_i != !b->list_i || !a->list_type != !b->list_type ||
                !a->list_s != !b->list_s || !a->list_f != !b->list_f || !a->list_shape != !b->list_shape)
                return false;
            if (a->list_shape && memcmp(&a->list_shape[i], &b->list_shape[i], sizeof a->list_shape[i]))
                return false;
        }
        return true;
    default:
        return true;
    }
}

static bool attrs_equal(const struct wnode *a, const struct wnode *b)
{
    if (a->n_attrs != b->n_attrs)
        return false;
    for (int i = 0; i < a->n_attrs; i++) {
        const struct g_attr *x = &a->attrs[i];
        const struct g_attr *y = wn_attr(b, x->name);
        if (!y || !attr_equal(x, y))
            return false;
    }
    return true;
}

static bool can_dedup(const struct wnode *n)
{
    static const char *const no[] = {"Enter", "Exit", "Placeholder", "PlaceholderWithDefault",
                                     "NoOp", NULL};
    if (n->preserve || pp_op_is(n->op, no))
        return false;
    const struct amp_opdef *d = amp_opdef_find(n->op);
    if (!d || d->stateful)
        return false;
    for (int i = 0; i < d->n_in; i++)
        if (d->in[i].kind == AMP_ARG_FIXED &&
            (d->in[i].fixed == TF_DT_RESOURCE || d->in[i].fixed == TF_DT_VARIANT))
            return false;
    return true;
}

static bool same_inputs(const struct wnode *a, const struct wnode *b)
{
    if (a->n_in != b->n_in || a->n_ctl != b->n_ctl)
        return false;
    if (is_commutative(a->op) && a->n_in == 2) {
        bool straight = a->in_n[0] == b->in_n[0] && a->in_p[0] == b->in_p[0] &&
                        a->in_n[1] == b->in_n[1] && a->in_p[1] == b->in_p[1];
        bool crossed = a->in_n[0] == b->in_n[1] && a->in_p[0] == b->in_p[1] &&
                       a->in_n[1] == b->in_n[0] && a->in_p[1] == b->in_p[0];
        if (!straight && !crossed)
            return false;
    } else {
        for (int k = 0; k < a->n_in; k++)
            if (a->in_n[k] != b->in_n[k] || a->in_p[k] != b->in_p[k])
                return false;
    }
    for (int k = 0; k < a->n_ctl; k++)
        if (!pp_has_ctl_to(b, a->ctl[k]))
            return false;
    return true;
}

static uint64_t sig(const struct wnode *n)
{
    struct abuf b;
    abuf_init(&b);
    abuf_printf(&b, "%s|%s|%d|", n->op, n->device, n->n_attrs);
    if (is_commutative(n->op) && n->n_in == 2) {
        long x = (long)n->in_n[0] * 1000 + n->in_p[0], y = (long)n->in_n[1] * 1000 + n->in_p[1];
        abuf_printf(&b, "%ld,%ld", x < y ? x : y, x < y ? y : x);
    } else {
        for (int k = 0; k < n->n_in; k++)
            abuf_printf(&b, "%d:%d,", n->in_n[k], n->in_p[k]);
    }
    uint64_t h = util_hash(b.data ? b.data : "", b.len);
    abuf_done(&b);
    return h;
}

static int find_rep(const int *rep, int i)
{
    while (i >= 0 && rep[i] >= 0 && rep[i] != i)
        i = rep[i];
    return i;
}

void pp_cse(struct pp *s)
{
    struct wgraph *w = s->w;
    int *order = pp_topo(w);
    int cap = 1;
    while (cap < 2 * w->count + 2)
        cap <<= 1;
    int *tab = xmalloc((size_t)cap * sizeof(int));
    uint64_t *hs = xmalloc((size_t)cap * sizeof(uint64_t));
    int *rep = xmalloc(((size_t)w->count + 1) * sizeof(int));
    for (int i = 0; i < cap; i++)
        tab[i] = -1;
    for (int i = 0; i < w->count; i++)
        rep[i] = -1;
    int dups = 0;
    for (int k = 0; order[k] >= 0; k++) {
        int i = order[k];
        struct wnode *n = &w->n[i];
        if (!n->alive)
            continue;
        /* producers come first in topological order: canonicalize this node's inputs */
        for (int j = 0; j < n->n_in; j++)
            n->in_n[j] = find_rep(rep, n->in_n[j]);
        int m = 0;
        for (int j = 0; j < n->n_ctl; j++) {
            int c = find_rep(rep, n->ctl[j]);
            bool seen = false;
            for (int q = 0; q < m && !seen; q++)
                seen = n->ctl[q] == c;
            if (!seen)
                n->ctl[m++] = c;
        }
        n->n_ctl = m;
        if (!can_dedup(n))
            continue;
        uint64_t h = sig(n);
        int slot = (int)(h & (uint64_t)(cap - 1));
        int r = -1;
        while (tab[slot] >= 0) {
            int j = tab[slot];
            if (hs[slot] == h && w->n[j].alive && !strcmp(w->n[j].op, n->op) &&
                !strcmp(w->n[j].device, n->device) && same_inputs(&w->n[j], n) &&
                attrs_equal(&w->n[j], n)) {
                r = j;
                break;
            }
            slot = (slot + 1) & (cap - 1);
        }
        if (r < 0) {
            tab[slot] = i;
            hs[slot] = h;
            continue;
        }
        rep[i] = r;
        dups++;
        char why[300];
        snprintf(why, sizeof why, "deduplicated: identical to %s (common subgraph elimination)",
                 w->n[r].name);
        pp_kill(s, i, why);
        s->removed[1]++;
    }
    if (dups) /* nodes outside the order (cycles) and NextIteration back edges */
        for (int i = 0; i < w->count; i++) {
            struct wnode *n = &w->n[i];
            if (!n->alive)
                continue;
            for (int j = 0; j < n->n_in; j++)
                n->in_n[j] = find_rep(rep, n->in_n[j]);
            for (int j = 0; j < n->n_ctl; j++)
                n->ctl[j] = find_rep(rep, n->ctl[j]);
        }
    free(rep);
    free(tab);
    free(hs);
    free(order);
}
