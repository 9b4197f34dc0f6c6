/* gcells.c: the graph view's placement on character cells. The layout itself
 * is the shared step of render/layout.h (Graphviz dot, collapsed name
 * scopes, planned casts as nodes on their edges); here its points become
 * cells: every distinct y is a rank (5 rows: a 3-row box and 2 rows of edge),
 * x is scaled and then pushed right until no boxes overlap, edges are routed
 * orthogonally and merged into box-drawing characters per cell. Curses-free.
 */
#include "tui/tui_int.h"

#include "render/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANK_ROWS 5
#define BOX_MIN_W 10
#define BOX_MAX_W 28
#define PT_PER_CELL 7.0

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const struct gc_unit *cmp_units;
static int ucmp_x(const void *a, const void *b)
{
    const struct gc_unit *x = &cmp_units[*(const int *)a], *y = &cmp_units[*(const int *)b];
    return x->x != y->x ? x->x - y->x : *(const int *)a - *(const int *)b;
}

static void unit_text(struct gc_unit *u, const struct lay_node *ln, const struct lay_layout *L)
{
    if (ln->kind == LAY_CAST) {
        snprintf(u->label, sizeof u->label, "%s", ln->cast_to_bf16 ? "cast>bf16" : "cast>f32");
        snprintf(u->tag, sizeof u->tag, "cast");
    } else if (ln->kind == LAY_GROUP) {
        const struct lay_group *gr = &L->groups[ln->group];
        const char *s = gr->scope, *last = strrchr(s, '/');
        if (last && last != s) { /* the last two components, as for nodes */
            const char *p = last - 1;
            while (p > s && *p != '/')
                p--;
            s = *p == '/' ? p + 1 : p;
        }
        snprintf(u->label, sizeof u->label, "%s/", s);
        snprintf(u->tag, sizeof u->tag, "scope %d nodes", gr->n_members);
    } else {
        const char *s = ln->name;
        /* the last two components name a node best in a box */
        const char *last = strrchr(s, '/');
        if (last && last != s) {
            const char *p = last - 1;
            while (p > s && *p != '/')
                p--;
            s = *p == '/' ? p + 1 : p;
        }
        snprintf(u->label, sizeof u->label, "%s", s);
        snprintf(u->tag, sizeof u->tag, "%s", ln->op ? ln->op : "?");
    }
}

void gc_done(struct tui_gcells *gc)
{
    if (gc->L)
        lay_free(gc->L);
    free(gc->units);
    free(gc->edges);
    gc->L = NULL;
    gc->units = NULL;
    gc->edges = NULL;
    gc->n_units = gc->n_edges = 0;
}

int gc_unit_of(const struct tui_gcells *gc, int node)
{
    if (!gc->L || node < 0 || node >= gc->L->g->n_nodes)
        return -1;
    return gc->L->node_of[node];
}

static void bottom_text(const struct gc_unit *u, char *buf, size_t size)
{
    if (u->kind == GC_GROUP)
        snprintf(buf, size, "%dbf16 %df32", u->n_bf16, u->n_f32);
    else if (u->prec == P_NONE)
        snprintf(buf, size, "%s", u->predicted ? "*" : "");
    else
        snprintf(buf, size, "%s%s%s", tui_prec_name(u->prec), u->amx ? " AMX" : "",
                 u->predicted ? "*" : "");
}

void gc_recolor(struct tui_gcells *gc, const struct tui_model *m)
{
    if (!gc->L)
        return;
    for (int i = 0; i < gc->n_units; i++) {
        struct gc_unit *u = &gc->units[i];
        const struct lay_node *ln = &gc->L->nodes[u->lay];
        if (u->kind == GC_OP && u->node >= 0 && u->node < m->n_rows) {
            const struct tui_row *r = &m->rows[u->node];
            u->prec = r->shown;
            u->amx = r->amx && !r->predicted;
            u->predicted = r->predicted && m->has_run;
        } else if (u->kind == GC_GROUP) {
            const struct lay_group *gr = &gc->L->groups[ln->group];
            u->n_bf16 = u->n_f32 = 0;
            int amx = 0;
            bool pred = false;
            for (int k = 0; k < gr->n_members; k++) {
                const struct tui_row *r = &m->rows[gr->members[k]];
                u->n_bf16 += r->shown == P_BF16 || r->shown == P_MIXED;
                u->n_f32 += r->shown == P_F32;
                amx += r->amx;
                pred |= r->predicted && m->has_run;
            }
            u->prec = !u->n_bf16 && !u->n_f32 ? P_NONE
                      : u->n_bf16 && u->n_f32  ? P_MIXED
                      : u->n_bf16              ? P_BF16
                                               : P_F32;
            u->amx = amx > 0;
            u->predicted = pred;
        } else if (u->kind == GC_CAST) {
            u->prec = P_NONE;
        }
    }
}

void gc_build(struct tui_gcells *gc, const struct tui_model *m)
{
    int want = gc->want_depth;
    gc_done(gc);
    gc->want_depth = want;
    gc->note[0] = 0;
    double t0 = util_now_ms();
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse = want;
    o.expanded = (const char *const *)gc->opened;
    o.n_expanded = gc->n_opened;
    o.collapsed = (const char *const *)gc->closed;
    o.n_collapsed = gc->n_closed;
    o.max_visible = 120;
    o.edge_labels = 0;
    o.model_name = m->model_name;
    struct err e = {0};
    bool predicted = !m->has_run || m->edited;
    lay_layout *L = lay_new(m->g, m->plan, predicted ? NULL : m->rep, &o, &e);
    if (L && lay_compute(L, &e) != ST_OK) {
        lay_free(L);
        L = NULL;
    }
    if (!L) {
        char b[240];
        err_format(&e, b, sizeof b);
        snprintf(gc->note, sizeof gc->note, "no layout: %s", b);
        gc->w = gc->h = 0;
        return;
    }
    gc->L = L;
    gc->depth = L->collapse_depth;
    gc->n_units = L->n_nodes;
    gc->units = xcalloc((size_t)(L->n_nodes ? L->n_nodes : 1), sizeof *gc->units);
    /* ranks from distinct y */
    double *ys = xmalloc(sizeof(double) * (size_t)(L->n_nodes ? L->n_nodes : 1));
    for (int i = 0; i < L->n_nodes; i++)
        ys[i] = L->nodes[i].y;
    qsort(ys, (size_t)L->n_nodes, sizeof *ys, dcmp);
    int n_ranks = 0;
    for (int i = 0; i < L->n_nodes; i++)
        if (!n_ranks || ys[i] - ys[n_ranks - 1] > 2.0)
            ys[n_ranks++] = ys[i];
    for (int i = 0; i < L->n_nodes; i++) {
        const struct lay_node *ln = &L->nodes[i];
        struct gc_unit *u = &gc->units[i];
        u->lay = i;
        u->kind = ln->kind == LAY_CAST ? GC_CAST : ln->kind == LAY_GROUP ? GC_GROUP : GC_OP;
        u->node = ln->kind == LAY_OP ? ln->node : -1;
        unit_text(u, ln, L);
        /* rank: the nearest distinct y */
        int lo = 0, hi = n_ranks - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (ys[mid] < ln->y - 2.0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (u->kind == GC_CAST) {
            u->h = 1;
            u->y = lo * RANK_ROWS + 1;
            u->w = tui_strwidth(u->label) + 2;
        } else {
            u->h = 3;
            u->y = lo * RANK_ROWS;
            int lw = tui_strwidth(u->label) + 2, tw = tui_strwidth(u->tag) + 3;
            int w = lw > tw ? lw : tw;
            if (w < 14 && u->kind == GC_GROUP)
                w = 14;
            u->w = w < BOX_MIN_W ? BOX_MIN_W : w > BOX_MAX_W ? BOX_MAX_W : w;
        }
    }
    /* cells per point: the layout's boxes map onto ours */
    double sum_pt = 0, sum_cells = 0;
    for (int i = 0; i < L->n_nodes; i++)
        if (gc->units[i].kind != GC_CAST && L->nodes[i].w > 0) {
            sum_pt += L->nodes[i].w;
            sum_cells += gc->units[i].w;
        }
    double sx = sum_pt > 0 ? sum_cells / sum_pt : 1.0 / PT_PER_CELL;
    for (int i = 0; i < L->n_nodes; i++)
        gc->units[i].x = (int)lround(L->nodes[i].x * sx) - gc->units[i].w / 2;
    /* per rank: sort by x, push right until nothing overlaps */
    int *order = xmalloc(sizeof(int) * (size_t)(L->n_nodes ? L->n_nodes : 1));
    for (int i = 0; i < L->n_nodes; i++)
        order[i] = i;
    cmp_units = gc->units;
    qsort(order, (size_t)L->n_nodes, sizeof *order, ucmp_x);
    int *right = xcalloc((size_t)(n_ranks ? n_ranks : 1), sizeof *right);
    for (int r = 0; r < n_ranks; r++)
        right[r] = -1000000;
    int minx = 1000000;
    for (int k = 0; k < L->n_nodes; k++) {
        struct gc_unit *u = &gc->units[order[k]];
        int r = u->y / RANK_ROWS;
        if (u->x < right[r] + 2)
            u->x = right[r] + 2;
        right[r] = u->x + u->w;
        if (u->x < minx)
            minx = u->x;
    }
    gc->w = gc->h = 0;
    for (int i = 0; i < L->n_nodes; i++) {
        struct gc_unit *u = &gc->units[i];
        u->x -= minx - 1;
        if (u->x + u->w + 1 > gc->w)
            gc->w = u->x + u->w + 1;
        if (u->y + u->h + 1 > gc->h)
            gc->h = u->y + u->h + 1;
    }
    free(right);
    free(order);
    free(ys);
    gc->n_edges = 0;
    gc->edges = xcalloc((size_t)(L->n_edges ? L->n_edges : 1), sizeof *gc->edges);
    for (int i = 0; i < L->n_edges; i++)
        if (!L->edges[i].control)
            gc->edges[gc->n_edges++] = (struct gc_edge){L->edges[i].from, L->edges[i].to};
    gc_recolor(gc, m);
    gc->layout_ms = util_now_ms() - t0;
    int groups = 0;
    for (int i = 0; i < gc->n_units; i++)
        groups += gc->units[i].kind == GC_GROUP;
    if (groups > 0)
        snprintf(gc->note, sizeof gc->note, "%d scope%s collapsed (+ open, - close, = auto)", groups,
                 groups == 1 ? "" : "s");
}

/* ---- scopes opened and closed by hand ---------------------------------------- */

static void list_free(char ***l, int *n)
{
    for (int i = 0; i < *n; i++)
        free((*l)[i]);
    free(*l);
    *l = NULL;
    *n = 0;
}

/* Drops the entries equal to scope, or inside it too when `inside`. */
static void list_drop(char **l, int *n, const char *scope, bool inside)
{
    size_t sl = strlen(scope);
    int k = 0;
    for (int i = 0; i < *n; i++) {
        bool hit = !strcmp(l[i], scope) || (inside && !strncmp(l[i], scope, sl) && l[i][sl] == '/');
        if (hit)
            free(l[i]);
        else
            l[k++] = l[i];
    }
    *n = k;
}

static void list_add(char ***l, int *n, const char *scope)
{
    *l = xrealloc(*l, sizeof **l * (size_t)(*n + 1));
    (*l)[(*n)++] = xstrdup(scope);
}

void gc_scopes_clear(struct tui_gcells *gc)
{
    list_free(&gc->opened, &gc->n_opened);
    list_free(&gc->closed, &gc->n_closed);
}

void gc_scope_open(struct tui_gcells *gc, const char *scope)
{
    list_drop(gc->closed, &gc->n_closed, scope, false);
    list_drop(gc->opened, &gc->n_opened, scope, false);
    list_add(&gc->opened, &gc->n_opened, scope);
}

void gc_scope_close(struct tui_gcells *gc, const char *scope)
{
    list_drop(gc->opened, &gc->n_opened, scope, true);
    list_drop(gc->closed, &gc->n_closed, scope, true);
    list_add(&gc->closed, &gc->n_closed, scope);
}

bool gc_scope_around(const graph *g, int n, char *buf, size_t size)
{
    if (n < 0 || n >= g->n_nodes)
        return false;
    const char *name = g->nodes[n].name;
    for (const char *slash = strrchr(name, '/'); slash; ) {
        size_t len = (size_t)(slash - name);
        int members = 0;
        for (int i = 0; i < g->n_nodes && members < 2; i++)
            members += !strncmp(g->nodes[i].name, name, len) && g->nodes[i].name[len] == '/';
        if (members >= 2) {
            snprintf(buf, size, "%.*s", (int)len, name);
            return true;
        }
        /* a one-node scope: try its parent */
        const char *p = slash;
        slash = NULL;
        while (p > name) {
            p--;
            if (*p == '/') {
                slash = p;
                break;
            }
        }
    }
    return false;
}

int gc_visible_at(const graph *g, int depth)
{
    if (depth <= 0)
        return g->n_nodes;
    struct strmap m;
    struct strpool *pool = strpool_new();
    strmap_init(&m);
    int loose = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const char *name = g->nodes[i].name;
        size_t pl = 0;
        int comps = 0;
        for (const char *p = name; *p; p++)
            if (*p == '/' && ++comps == depth) {
                pl = (size_t)(p - name);
                break;
            }
        if (!pl) {
            loose++;
            continue;
        }
        int c = strmap_getn(&m, name, pl, 0);
        strmap_put(&m, strpool_intern(pool, name, pl), c + 1);
    }
    int vis = loose;
    for (size_t k = 0; k < m.cap; k++)
        if (m.keys[k])
            vis += m.vals[k] >= 2 ? 1 : m.vals[k];
    strmap_done(&m);
    strpool_free(pool);
    return vis;
}

int gc_move(const struct tui_gcells *gc, int u, int dx, int dy)
{
    if (u < 0 || u >= gc->n_units)
        return u;
    const struct gc_unit *a = &gc->units[u];
    double ax = a->x + a->w / 2.0, ay = a->y + a->h / 2.0;
    int best = u;
    double bs = 1e18;
    for (int i = 0; i < gc->n_units; i++) {
        const struct gc_unit *b = &gc->units[i];
        if (i == u || b->kind == GC_CAST)
            continue;
        double bx = b->x + b->w / 2.0, by = b->y + b->h / 2.0;
        double along = dx ? (bx - ax) * dx : (by - ay) * dy;
        double across = dx ? fabs(by - ay) : fabs(bx - ax);
        if (dy && b->y == a->y)
            continue; /* vertical moves change rank */
        if (along <= 0.5)
            continue;
        /* rows are ~2.5x denser in meaning than columns */
        double s = dx ? along + 3.0 * across : along * 2.0 + across;
        if (s < bs) {
            bs = s;
            best = i;
        }
    }
    return best;
}

static unsigned prec_color(const struct gc_unit *u)
{
    switch (u->prec) {
    case P_BF16: return C_BF16;
    case P_F32: return C_F32;
    case P_MIXED: return C_MIXED;
    default: return C_NONE;
    }
}

void gc_draw(const struct tui_gcells *gc, struct tui_canvas *c, int y0, int h, int ox, int oy,
             int cursor)
{
    int W = c->w;
    if (h <= 0 || W <= 0)
        return;
    unsigned char *mask = xcalloc((size_t)W * (size_t)h, 1);
#define MARK(r, x, bits)                                                                 \
    do {                                                                                 \
        int rr_ = (r) - oy, xx_ = (x) - ox;                                              \
        if (rr_ >= 0 && rr_ < h && xx_ >= 0 && xx_ < W)                                  \
            mask[rr_ * W + xx_] |= (unsigned char)(bits);                                \
    } while (0)
    for (int i = 0; i < gc->n_edges; i++) {
        const struct gc_unit *a = &gc->units[gc->edges[i].a], *b = &gc->units[gc->edges[i].b];
        int sx = a->x + a->w / 2, sy = a->y + a->h;
        int tx = b->x + b->w / 2, ty = b->y - 1;
        if (ty < sy)
            continue; /* back edge (loops): not drawn */
        int top = oy, bot = oy + h, lft = ox, rgt = ox + W;
        if ((sy > bot && ty > bot) || (ty < top) || (sx < lft && tx < lft) || (sx > rgt && tx > rgt))
            continue;
        int my = ty - 1 >= sy ? ty - 1 : sy;
        for (int r = sy; r <= my; r++)
            MARK(r, sx, LN_UP | (r < my ? LN_DOWN : 0));
        if (sx != tx) {
            int l = sx < tx ? sx : tx, rr = sx < tx ? tx : sx;
            for (int x = l; x <= rr; x++)
                MARK(my, x, (x > l ? LN_LEFT : 0) | (x < rr ? LN_RIGHT : 0));
        }
        if (ty > my) {
            MARK(my, tx, LN_DOWN);
            for (int r = my + 1; r <= ty; r++)
                MARK(r, tx, LN_UP | (r < ty ? LN_DOWN : 0));
        }
    }
    for (int r = 0; r < h; r++)
        for (int x = 0; x < W; x++)
            if (mask[r * W + x])
                cv_set(c, y0 + r, x, cv_line_char(mask[r * W + x], c->ascii), C_NONE);
    /* arrow heads just above each target */
    for (int i = 0; i < gc->n_edges; i++) {
        const struct gc_unit *a = &gc->units[gc->edges[i].a], *b = &gc->units[gc->edges[i].b];
        if (b->y - 1 < a->y + a->h)
            continue;
        int r = b->y - 1 - oy, x = b->x + b->w / 2 - ox;
        if (r >= 0 && r < h && x >= 0 && x < W)
            cv_set(c, y0 + r, x, c->ascii ? 'v' : 0x25BC, C_NONE);
    }
    free(mask);
#undef MARK
    /* boxes */
    for (int i = 0; i < gc->n_units; i++) {
        const struct gc_unit *u = &gc->units[i];
        if (u->x - ox >= W || u->x + u->w - ox < 0 || u->y - oy >= h || u->y + u->h - oy < 0)
            continue;
        int bx = u->x - ox;
        unsigned at = prec_color(u) | (i == cursor ? A_REV_ | A_BOLD_ : 0);
        char text[160];
        if (u->kind == GC_CAST) {
            int r = u->y - oy;
            if (r < 0 || r >= h)
                continue;
            tui_fit(text, sizeof text, u->label, u->w - 2, c->ascii);
            unsigned ca = C_CAST | A_BOLD_ | (i == cursor ? A_REV_ : 0);
            cv_set(c, y0 + r, bx, '[', ca);
            cv_fill(c, y0 + r, bx + 1, u->w - 2, ca);
            cv_put(c, y0 + r, bx + 1, text, u->w - 2, ca);
            cv_set(c, y0 + r, bx + u->w - 1, ']', ca);
            continue;
        }
        uint32_t hz = cv_line_char(LN_LEFT | LN_RIGHT, c->ascii),
                 vt = cv_line_char(LN_UP | LN_DOWN, c->ascii);
        uint32_t tl = c->ascii ? '+' : u->kind == GC_GROUP ? 0x256D : 0x250C,
                 tr = c->ascii ? '+' : u->kind == GC_GROUP ? 0x256E : 0x2510,
                 bl = c->ascii ? '+' : u->kind == GC_GROUP ? 0x2570 : 0x2514,
                 br = c->ascii ? '+' : u->kind == GC_GROUP ? 0x256F : 0x2518;
        for (int r = 0; r < 3; r++) {
            int yy = u->y + r - oy;
            if (yy < 0 || yy >= h)
                continue;
            yy += y0;
            if (r == 1) {
                cv_set(c, yy, bx, vt, at);
                cv_fill(c, yy, bx + 1, u->w - 2, at);
                tui_fit(text, sizeof text, u->label, u->w - 2, c->ascii);
                cv_put(c, yy, bx + 1, text, u->w - 2, at | A_BOLD_);
                cv_set(c, yy, bx + u->w - 1, vt, at);
                continue;
            }
            cv_set(c, yy, bx, r == 0 ? tl : bl, at);
            for (int x = 1; x < u->w - 1; x++)
                cv_set(c, yy, bx + x, hz, at);
            cv_set(c, yy, bx + u->w - 1, r == 0 ? tr : br, at);
            if (r == 0)
                tui_fit(text, sizeof text, u->tag, u->w - 3, c->ascii);
            else
                bottom_text(u, text, sizeof text);
            cv_put(c, yy, bx + (r == 0 ? 1 : u->w - 2 - tui_strwidth(text) < 1 ? 1
                                                         : u->w - 2 - tui_strwidth(text)),
                   text, u->w - 2, at);
        }
    }
}
