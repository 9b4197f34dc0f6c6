/* layout_scope.c: which box each graph node is drawn in. Big graphs
 * are drawn with their scopes collapsed, TensorBoard-style: in auto mode the
 * deepest scope depth whose drawing stays under max_visible boxes; on top of
 * that the caller can open a scope (its sub-scopes are drawn, one level
 * down) or close one (drawn as one box whatever its size), which is what the
 * TUI's +/- do on the scope under the cursor. A constant or input read from
 * many scopes stays out of its scope's box, and any source box feeding many
 * boxes is copied beside each consumer (lay_replicate_fanout).
 */
#include "render/layout_int.h"

#include <stdlib.h>
#include <string.h>

/* Length of the first `depth` components of name when the name has more than
 * `depth` components (the node lies inside that scope), else 0. */
static size_t scope_prefix(const char *name, int depth)
{
    int comps = 0;
    for (const char *p = name; *p; p++)
        if (*p == '/' && ++comps == depth)
            return (size_t)(p - name);
    return 0;
}

/* Counts members per scope prefix of `depth` into m (keys interned in pool). */
static void count_scopes(const graph *g, const bool *keep, int depth, int focus,
                         struct strmap *m, struct strpool *pool, int *loose)
{
    *loose = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        if (!keep[i])
            continue;
        size_t pl = i == focus ? 0 : scope_prefix(g->nodes[i].name, depth);
        if (!pl) {
            (*loose)++;
            continue;
        }
        int c = strmap_getn(m, g->nodes[i].name, pl, 0);
        strmap_put(m, strpool_intern(pool, g->nodes[i].name, pl), c + 1);
    }
}

/* Drawn node count if scopes of `depth` with >= min members collapse. */
static int visible_at(const graph *g, const bool *keep, int depth, int min, int focus)
{
    struct strmap m;
    struct strpool *pool = strpool_new();
    int loose;
    strmap_init(&m);
    count_scopes(g, keep, depth, focus, &m, pool, &loose);
    int vis = loose;
    for (size_t k = 0; k < m.cap; k++)
        if (m.keys[k])
            vis += m.vals[k] >= min ? 1 : m.vals[k];
    strmap_done(&m);
    strpool_free(pool);
    return vis;
}

/* The depth used: explicit, none, or in auto mode the deepest depth whose
 * drawing stays under max_visible (the shallowest when none does). */
static int choose_depth(const graph *g, const bool *keep, const struct lay_opts *o, int min,
                        int focus, int n_kept)
{
    if (o->collapse == 0)
        return 0;
    if (o->collapse > 0)
        return o->collapse;
    int maxv = o->max_visible > 0 ? o->max_visible : 300;
    if (n_kept <= maxv)
        return 0;
    int maxdepth = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        int d = 0;
        for (const char *p = g->nodes[i].name; *p; p++)
            d += *p == '/';
        if (d > maxdepth)
            maxdepth = d;
    }
    int best = 0, best_vis = n_kept;
    for (int d = maxdepth; d >= 1; d--) {
        int vis = visible_at(g, keep, d, min, focus);
        if (vis <= maxv)
            return d;
        if (vis < best_vis) {
            best_vis = vis;
            best = d;
        }
    }
    return best;
}


/* A node without data inputs (Const, Placeholder) read from more than a few
 * scopes: kept out of its group so it can be drawn beside each consumer. */
static bool shared_source(const graph *g, const bool *keep, int i, int depth)
{
    const struct g_node *n = &g->nodes[i];
    if (n->n_data_inputs > 0 || n->n_outs <= 8)
        return false;
    const char *seen[9];
    int ns = 0;
    size_t seen_len[9];
    for (int k = 0; k < n->n_outs && ns <= 8; k++) {
        int c = n->outs[k].node;
        if (c < 0 || !keep[c] || n->outs[k].port < 0)
            continue;
        const char *cn = g->nodes[c].name;
        size_t pl = scope_prefix(cn, depth);
        if (!pl)
            pl = strlen(cn);
        bool dup = false;
        for (int j = 0; j < ns && !dup; j++)
            dup = seen_len[j] == pl && !strncmp(seen[j], cn, pl);
        if (!dup) {
            seen[ns] = cn;
            seen_len[ns++] = pl;
        }
    }
    return ns > 8;
}

/* Length of the longest entry of list (scope paths) that name lies inside
 * ("a/b" contains "a/b/c"), 0 when none. */
static size_t longest_inside(const char *name, const char *const *list, int n)
{
    size_t best = 0;
    for (int k = 0; k < n; k++) {
        if (!list[k] || !*list[k])
            continue;
        size_t l = strlen(list[k]);
        while (l > 0 && list[k][l - 1] == '/')
            l--;
        if (l > best && !strncmp(name, list[k], l) && name[l] == '/')
            best = l;
    }
    return best;
}

static int components(const char *s, size_t len)
{
    int c = 1;
    for (size_t i = 0; i < len; i++)
        c += s[i] == '/';
    return c;
}

int lay_scope_assign(const graph *g, const bool *keep, const struct lay_opts *o, int focus, int n_kept,
                     size_t *pl)
{
    int n = g->n_nodes;
    int min = o->collapse_min > 0 ? o->collapse_min : o->collapse > 0 ? 2 : 8;
    int depth = choose_depth(g, keep, o, min, focus, n_kept);
    bool *forced = xcalloc((size_t)(n ? n : 1), sizeof *forced);
    struct strmap size;
    strmap_init(&size);
    struct strpool *pool = strpool_new();
    for (int i = 0; i < n; i++) {
        pl[i] = 0;
        if (!keep[i] || i == focus)
            continue;
        const char *name = g->nodes[i].name;
        size_t c = longest_inside(name, o->collapsed, o->n_collapsed);
        size_t x = longest_inside(name, o->expanded, o->n_expanded);
        if (c > x) { /* closed explicitly (inside any opened scope): one box */
            pl[i] = c;
            forced[i] = true;
            continue;
        }
        if (x > 0) { /* opened: its sub-scopes, one level down, unless auto goes deeper */
            int dx = components(name, x);
            pl[i] = scope_prefix(name, depth > dx ? depth : dx + 1);
        } else if (depth > 0) {
            pl[i] = scope_prefix(name, depth);
        }
        if (pl[i]) {
            int k = strmap_getn(&size, name, pl[i], 0);
            strmap_put(&size, strpool_intern(pool, name, pl[i]), k + 1);
        }
    }
    for (int i = 0; i < n; i++)
        if (pl[i] && !forced[i] &&
            (strmap_getn(&size, g->nodes[i].name, pl[i], 0) < min || shared_source(g, keep, i, depth)))
            pl[i] = 0;
    strmap_done(&size);
    strpool_free(pool);
    free(forced);
    return depth;
}

/* ---- sources drawn beside their consumers -------------------------------- */

#define LAY_FANOUT_MAX 8


static int copy_box(lay_layout *L, size_t *cap_nodes, int x)
{
    int r = lay_new_node(L, cap_nodes, L->nodes[x].kind, L->nodes[x].name);
    struct lay_node keep = L->nodes[x];
    keep.replica_of = L->nodes[x].replica_of >= 0 ? L->nodes[x].replica_of : x;
    keep.focus = false;
    L->nodes[r] = keep;
    return r;
}

/* A source box (no inputs, or the only input is itself a source) whose
 * output goes to more than LAY_FANOUT_MAX boxes is copied next to each
 * consumer: otherwise dot routes each of those edges through every rank in
 * between and the layout time explodes (and the picture fills with lines). */
void lay_replicate_fanout(lay_layout *L, size_t *cap_nodes, size_t *cap_edges)
{
    int n0 = L->n_nodes, e0 = L->n_edges;
    int *indeg = xcalloc((size_t)(n0 ? n0 : 1), sizeof *indeg);
    int *outdeg = xcalloc((size_t)(n0 ? n0 : 1), sizeof *outdeg);
    int *parent = xmalloc(sizeof *parent * (size_t)(n0 ? n0 : 1));
    for (int i = 0; i < n0; i++)
        parent[i] = -1;
    for (int k = 0; k < e0; k++) {
        indeg[L->edges[k].to]++;
        outdeg[L->edges[k].from]++;
        parent[L->edges[k].to] = L->edges[k].from;
    }
    for (int x = 0; x < n0; x++) {
        if (outdeg[x] <= LAY_FANOUT_MAX || L->nodes[x].kind == LAY_GROUP)
            continue;
        int p = indeg[x] == 1 ? parent[x] : -1;
        bool is_cast = L->nodes[x].kind == LAY_CAST;
        if (indeg[x] > 1 || (p >= 0 && indeg[p] > 0 && !is_cast))
            continue;
        /* a cast of something that is not a plain source: its copies stand
         * alone (the tooltip names the source) */
        if (p >= 0 && (indeg[p] > 0 || L->nodes[p].kind == LAY_GROUP))
            p = -1;
        char buf[600];
        snprintf(buf, sizeof buf, "feeds %d boxes, so it is drawn beside each of them%s%s", outdeg[x],
                 is_cast ? "; cast of the output of " : "",
                 is_cast && indeg[x] == 1 ? L->nodes[parent[x]].name : "");
        const char *why = strpool_intern(L->pool, buf, strlen(buf));
        bool first = true;
        for (int k = 0; k < e0; k++) {
            if (L->edges[k].from != x || L->edges[k].control)
                continue;
            if (first) { /* the original keeps its first consumer */
                first = false;
                continue;
            }
            int r = copy_box(L, cap_nodes, x);
            L->nodes[r].why = why;
            L->edges[k].from = r;
            if (p >= 0) {
                int rp = copy_box(L, cap_nodes, p);
                int in = -1;
                for (int j = 0; j < e0 && in < 0; j++)
                    if (L->edges[j].from == p && L->edges[j].to == x)
                        in = j;
                xgrow(&L->edges, cap_edges, (size_t)L->n_edges + 1, sizeof *L->edges);
                struct lay_edge *ne = &L->edges[L->n_edges++];
                *ne = in >= 0 ? L->edges[in] : (struct lay_edge){0};
                ne->from = rp;
                ne->to = r;
                ne->count = 1;
                ne->pts = NULL;
                ne->n_pts = 0;
            }
        }
    }
    free(indeg);
    free(outdeg);
    free(parent);
}
