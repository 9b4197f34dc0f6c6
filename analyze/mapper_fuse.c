/* analyze/mapper_fuse.c: what a conv/gemm primitive absorbed. oneDNN prints
 * a fused bias and post-ops (eltwise, binary, sum) in the event's attributes
 * and memory descriptors; the mapper walks the compute node's single-consumer
 * chain (BiasAdd, Relu, ..., an erf GELU group) and marks that many nodes as
 * fused into it, skipping ops that issue no primitive.
 */
#include <stdint.h>
#include <string.h>

#include "analyze/mapper_int.h"

/* Number of post-ops in an attribute field, and whether a bias md is there. */
static int postops_count(const char *attrs)
{
    if (!attrs)
        return 0;
    const char *p = strstr(attrs, "post-ops:");
    int n = 0;
    if (p) {
        p += 9;
        if (*p && *p != ' ')
            n = 1;
        for (; *p && *p != ' '; p++)
            n += *p == '+';
        return n;
    }
    p = strstr(attrs, "post_ops:'");
    if (p) {
        for (p += 10; *p && *p != '\''; p++)
            n += *p == ';';
    }
    return n;
}

static bool has_bias(const char *mds)
{
    if (!mds)
        return false;
    const char *p = strstr(mds, "bia");
    if (!p || (p != mds && p[-1] != ' '))
        return false;
    p += 3;
    if (*p == '_' || *p == ':')
        p++;
    return strncmp(p, "undef", 5) != 0;
}

static int other_data_input(const graph *g, int n, int not_this)
{
    const struct g_node *nd = &g->nodes[n];
    for (int i = 0; i < nd->n_data_inputs && i < 2; i++)
        if (nd->inputs[i].node != not_this)
            return nd->inputs[i].node;
    return -1;
}

/* The erf GELU group 0.5*h*(1+erf(h/sqrt2)) around its Erf node: fills
 * grp[] = {div, add, mul_half, mul_out}; false when the shape is not there. */
static bool gelu_group(const graph *g, int erf, int grp[4])
{
    if (erf < 0 || strcmp(g->nodes[erf].op, "Erf") || g->nodes[erf].n_data_inputs < 1)
        return false;
    int d = g->nodes[erf].inputs[0].node;
    int add = map_single_consumer(g, erf);
    int mo = add >= 0 ? map_single_consumer(g, add) : -1;
    if (d < 0 || add < 0 || mo < 0 || strcmp(g->nodes[mo].op, "Mul"))
        return false;
    int mh = other_data_input(g, mo, add);
    if (mh < 0 || strcmp(g->nodes[mh].op, "Mul"))
        return false;
    grp[0] = d, grp[1] = add, grp[2] = mh, grp[3] = mo;
    return true;
}

/* The Erf of a GELU group fed by h (h -> div -> Erf), -1 if none. */
static int gelu_erf_from_input(const graph *g, int h)
{
    const struct g_node *nd = &g->nodes[h];
    for (int i = 0; i < nd->n_outs; i++) {
        int d = nd->outs[i].node;
        if (nd->outs[i].port < 0)
            continue;
        int erf = map_single_consumer(g, d);
        if (erf >= 0 && !strcmp(g->nodes[erf].op, "Erf"))
            return erf;
    }
    return -1;
}

static void fuse_node(mapper *m, int n, int root)
{
    (*map_use_cnt(m, n, false))++;
    m->fused_into[n] = root;
}

static void fuse_gelu(mapper *m, int erf, int root)
{
    int grp[4];
    if (!gelu_group(m->g, erf, grp))
        return;
    if (erf != root)
        fuse_node(m, erf, root);
    for (int i = 0; i < 4; i++)
        fuse_node(m, grp[i], root);
}

/* Post-ops + bias of an event (cached by the interned strings). */
static int fused_budget(mapper *m, const struct rep_event *ev)
{
    unsigned h = (unsigned)(((uintptr_t)ev->attrs >> 4) ^ ((uintptr_t)ev->mds >> 6)) & 63u;
    if (m->fcache[h].attrs == ev->attrs && m->fcache[h].mds == ev->mds && m->fcache[h].aux == ev->aux &&
        m->fcache[h].prim == ev->prim && m->fcache[h].attrs)
        return m->fcache[h].budget;
    int budget = postops_count(ev->attrs) + (has_bias(ev->mds) ? 1 : 0);
    /* batch norm with the fused relu flag */
    if (!strcmp(ev->prim, "batch_normalization") && ev->aux) {
        const char *f = strstr(ev->aux, "flags:");
        if (f && strchr(f, 'R') && (strchr(f, ' ') == NULL || strchr(f, 'R') < strchr(f, ' ')))
            budget++;
    }
    m->fcache[h].attrs = ev->attrs;
    m->fcache[h].mds = ev->mds;
    m->fcache[h].aux = ev->aux;
    m->fcache[h].prim = ev->prim;
    m->fcache[h].budget = budget;
    return budget;
}

void map_consume_fused(mapper *m, int root, const struct rep_event *ev)
{
    const graph *g = m->g;
    int budget = fused_budget(m, ev);
    bool gelu = budget > 0 && ev->attrs && strstr(ev->attrs, "gelu");
    /* a standalone GELU eltwise anchored at its Erf node */
    if (ev->aux && *ev->aux && strstr(ev->aux, "gelu") && !strcmp(g->nodes[root].op, "Erf")) {
        fuse_gelu(m, root, root);
        return;
    }
    int cur = root, guard = 0;
    while (budget > 0 && guard++ < 64) {
        if (gelu) {
            int erf = gelu_erf_from_input(g, cur);
            if (erf >= 0) {
                fuse_gelu(m, erf, root);
                gelu = false;
                budget--;
                break;
            }
        }
        int c = m->consumer[cur];
        if (c < 0)
            break;
        if (m->nflags[c] & NF_PASS) {
            cur = c;
            continue;
        }
        if (!(m->nflags[c] & NF_FUSABLE))
            break;
        fuse_node(m, c, root);
        budget--;
        cur = c;
    }
}
