/* view_graph.c: the graph view. The model as a DAG on cells (gcells.c over
 * render/layout.h), coloured by executed or predicted precision; the cursor
 * moves spatially from box to box, [ and ] follow the data path, + opens the
 * collapsed scope under the cursor and - closes the scope around it (= goes
 * back to automatic collapsing), the window pans over graphs
 * larger than the screen. A header line names what is shown, the last line
 * describes the box under the cursor.
 */
#include "tui/tui_int.h"

#include "render/layout.h"

#include <stdio.h>
#include <string.h>

struct graph_view {
    struct tui_gcells gc;
    bool inited;     /* want_depth set (0 would mean "never collapse") */
    int cursor;      /* unit */
    int ox, oy;      /* window origin on the grid */
    bool panned;     /* the user panned: do not snap back to the cursor */
    bool recenter;   /* centre the cursor at the next draw (after a layout) */
    int w, h;        /* last window size */
};

static void keep_visible(struct graph_view *p)
{
    if (p->panned || p->cursor < 0 || p->cursor >= p->gc.n_units || p->w <= 0 || p->h <= 0)
        return;
    const struct gc_unit *u = &p->gc.units[p->cursor];
    if (u->x < p->ox)
        p->ox = u->x - 2;
    if (u->x + u->w > p->ox + p->w)
        p->ox = u->x + u->w - p->w + 2;
    if (u->y < p->oy)
        p->oy = u->y - 1;
    if (u->y + u->h > p->oy + p->h)
        p->oy = u->y + u->h - p->h + 2;
    if (p->ox < 0)
        p->ox = 0;
    if (p->oy < 0)
        p->oy = 0;
}

static void center(struct graph_view *p)
{
    if (p->cursor < 0 || p->cursor >= p->gc.n_units)
        return;
    const struct gc_unit *u = &p->gc.units[p->cursor];
    p->ox = u->x + u->w / 2 - p->w / 2;
    p->oy = u->y + u->h / 2 - p->h / 2;
    if (p->ox < 0)
        p->ox = 0;
    if (p->oy < 0)
        p->oy = 0;
    p->panned = false;
}

static void cursor_to_node(struct tui_app *a, struct graph_view *p)
{
    int u = gc_unit_of(&p->gc, a->cur_node);
    if (u < 0)
        for (int i = 0; i < p->gc.n_units && u < 0; i++)
            if (p->gc.units[i].kind != GC_CAST)
                u = i;
    p->cursor = u;
    if (u >= 0 && a->cur_node < 0 && p->gc.units[u].kind == GC_OP)
        a->cur_node = p->gc.units[u].node;
}

static void graph_open(struct tui_app *a, struct tui_view *v)
{
    struct graph_view *p = v->priv;
    if (!p->inited) {
        p->gc.want_depth = LAY_COLLAPSE_AUTO;
        p->inited = true;
    }
    gc_build(&p->gc, &a->m);
    a->gc = &p->gc;
    p->panned = false;
    p->recenter = true;
    cursor_to_node(a, p);
}

static void graph_done(struct tui_view *v)
{
    struct graph_view *p = v->priv;
    gc_done(&p->gc);
    gc_scopes_clear(&p->gc);
}

static void graph_select(struct tui_app *a, struct tui_view *v)
{
    struct graph_view *p = v->priv;
    int u = gc_unit_of(&p->gc, a->cur_node);
    if (u >= 0 && u != p->cursor) {
        p->cursor = u;
        p->panned = false;
    }
}

static void describe(struct tui_app *a, const struct graph_view *p, char *buf, size_t size)
{
    buf[0] = 0;
    if (p->cursor < 0 || p->cursor >= p->gc.n_units)
        return;
    const struct gc_unit *u = &p->gc.units[p->cursor];
    const struct lay_node *ln = &p->gc.L->nodes[u->lay];
    if (u->kind == GC_GROUP) {
        const struct lay_group *g = &p->gc.L->groups[ln->group];
        snprintf(buf, size, "scope %s: %d nodes, %d bf16, %d f32  (Enter or + expands)", g->scope,
                 g->n_members, u->n_bf16, u->n_f32);
        return;
    }
    if (u->kind == GC_CAST) {
        snprintf(buf, size, "planned Cast %s (%s)", ln->name,
                 ln->cast_to_bf16 ? "f32 -> bf16" : "bf16 -> f32");
        return;
    }
    const struct tui_row *r = &a->m.rows[u->node];
    if (r->has_event && !r->predicted)
        snprintf(buf, size, "%s  %s  ran %s on %s  %.3f ms  %.1f%%%s", r->name, r->op, r->executed,
                 r->impl, r->time_ms, 100 * r->share, r->casts ? "  casts around it" : "");
    else
        snprintf(buf, size, "%s  %s  %s %s  %s", r->name, r->op, r->predicted ? "predicted" : "planned",
                 r->planned, r->reason);
}

static void graph_draw(struct tui_app *a, struct tui_view *v, struct tui_canvas *c, int y0, int h)
{
    struct graph_view *p = v->priv;
    int gh = h - 2;
    p->w = c->w;
    p->h = gh;
    if (p->recenter) {
        center(p);
        p->recenter = false;
    }
    keep_visible(p);
    /* header */
    char hd[400];
    int groups = 0, ops = 0;
    for (int i = 0; i < p->gc.n_units; i++)
        groups += p->gc.units[i].kind == GC_GROUP, ops += p->gc.units[i].kind == GC_OP;
    if (!p->gc.L) {
        cv_put(c, y0, 0, p->gc.note, c->w, C_ERROR | A_BOLD_);
        return;
    }
    /* boxes counts node and scope boxes alike, as the +/- messages do */
    if (groups > 0 && p->gc.note[0]) /* the note says how many scopes are collapsed */
        snprintf(hd, sizeof hd, "%d nodes: %d boxes, %s  ", a->m.g->n_nodes, ops + groups, p->gc.note);
    else
        snprintf(hd, sizeof hd, "%d nodes: %d boxes, %d scope%s%s%s  ", a->m.g->n_nodes, ops + groups, groups,
                 groups == 1 ? "" : "s", p->gc.note[0] ? "; " : "", p->gc.note);
    int x = cv_put(c, y0, 0, hd, c->w, C_HEADER);
    static const struct {
        const char *t;
        unsigned at;
    } legend[] = {{"bf16", C_BF16}, {" f32", C_F32}, {" mixed", C_MIXED}, {" none", C_NONE},
                  {" [cast]", C_CAST}};
    for (size_t i = 0; i < sizeof legend / sizeof legend[0] && x < c->w; i++)
        x += cv_put(c, y0, x, legend[i].t, c->w - x, legend[i].at | A_BOLD_);
    if (a->m.edited && x + 12 < c->w)
        cv_put(c, y0, x, "  *predicted", c->w - x, C_PREDICTED | A_BOLD_);
    gc_draw(&p->gc, c, y0 + 1, gh, p->ox, p->oy, p->cursor);
    /* scroll hints */
    if (p->gc.w > c->w || p->gc.h > gh) {
        char sc[64];
        snprintf(sc, sizeof sc, " %d,%d of %dx%d ", p->ox, p->oy, p->gc.w, p->gc.h);
        cv_put(c, y0 + 1, c->w - tui_strwidth(sc), sc, c->w, C_NONE);
    }
    char d[600], fit[640];
    describe(a, p, d, sizeof d);
    /* cut at a word with "..." (Enter shows the whole reason), never mid-word */
    tui_fit_words(fit, sizeof fit, d, c->w);
    cv_fill(c, y0 + h - 1, 0, c->w, C_NORMAL);
    cv_put(c, y0 + h - 1, 0, fit, c->w, C_HEADER | A_BOLD_);
}

/* The unit of the first input (out = false) / consumer (out = true) of the
 * cursor's node that is drawn in another box; data edges, non-Const first. */
static int follow(struct tui_app *a, struct graph_view *p, bool out)
{
    const struct gc_unit *u = &p->gc.units[p->cursor];
    const graph *g = a->m.g;
    int best = -1, best_score = 1 << 30;
    for (int n = 0; n < g->n_nodes; n++) {
        if (gc_unit_of(&p->gc, n) != p->cursor)
            continue;
        if (u->kind == GC_OP && n != u->node)
            continue;
        const struct g_node *gn = &g->nodes[n];
        int cnt = out ? gn->n_outs : gn->n_data_inputs;
        for (int k = 0; k < cnt; k++) {
            int t = out ? gn->outs[k].node : gn->inputs[k].node;
            if (t < 0 || (out && gn->outs[k].port < 0))
                continue;
            int tu = gc_unit_of(&p->gc, t);
            if (tu < 0 || tu == p->cursor)
                continue;
            int score = k + (strcmp(g->nodes[t].op, "Const") ? 0 : 1000);
            if (score < best_score) {
                best_score = score;
                best = tu;
            }
        }
    }
    return best;
}

static int boxes_of(const struct tui_gcells *gc)
{
    int n = 0;
    for (int i = 0; i < gc->n_units; i++)
        n += gc->units[i].kind != GC_CAST;
    return n;
}

/* Graph nodes under scope prefix "s" (names starting "s/", len bytes). */
static int count_under(const graph *g, const char *s, size_t len)
{
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++)
        n += !strncmp(g->nodes[i].name, s, len) && g->nodes[i].name[len] == '/';
    return n;
}

/* + opens the collapsed scope box under the cursor (one level: its
 * sub-scopes stay boxes when big); - closes the innermost scope around the
 * node (or around the box) under the cursor into one box. The cursor stays
 * on what it showed: the opened scope's first node, or the new box. */
static unsigned open_close(struct tui_app *a, struct graph_view *p, bool open)
{
    if (p->cursor < 0 || p->cursor >= p->gc.n_units)
        return TR_HANDLED;
    const struct gc_unit *u = &p->gc.units[p->cursor];
    const graph *g = a->m.g;
    char scope[1024];
    int keep = -1;
    if (u->kind == GC_CAST) {
        tui_msg(a, false, "a cast: + and - work on nodes and scope boxes");
        return TR_HANDLED | TR_REDRAW;
    }
    const struct lay_group *gr = u->kind == GC_GROUP ? &p->gc.L->groups[p->gc.L->nodes[u->lay].group] : NULL;
    int gr_members = gr ? gr->n_members : 0, boxes_before = boxes_of(&p->gc); /* gr dies with the rebuild */
    if (open) {
        if (!gr) {
            tui_msg(a, false, "%s is a node, not a collapsed scope (Enter shows its details; - closes its scope)",
                    u->label);
            return TR_HANDLED | TR_REDRAW;
        }
        snprintf(scope, sizeof scope, "%s", gr->scope);
        keep = gr->n_members ? gr->members[0] : -1;
        gc_scope_open(&p->gc, scope);
    } else {
        if (gr) {
            const char *slash = strrchr(gr->scope, '/');
            if (!slash) {
                tui_msg(a, false, "%s is a top-level scope: nothing around it to close", gr->scope);
                return TR_HANDLED | TR_REDRAW;
            }
            snprintf(scope, sizeof scope, "%.*s", (int)(slash - gr->scope), gr->scope);
            /* a parent holding nothing more than the box would change
             * nothing: close the first ancestor that adds nodes */
            int had = count_under(g, gr->scope, strlen(gr->scope));
            char *up;
            while (count_under(g, scope, strlen(scope)) == had && (up = strrchr(scope, '/')))
                *up = 0;
            if (count_under(g, scope, strlen(scope)) == had) {
                tui_msg(a, false, "%s holds every node of its enclosing scopes: nothing bigger to close", gr->scope);
                return TR_HANDLED | TR_REDRAW;
            }
            keep = gr->n_members ? gr->members[0] : -1;
        } else {
            if (!gc_scope_around(g, u->node, scope, sizeof scope)) {
                tui_msg(a, false, "%s is at the top level: no scope to close", g->nodes[u->node].name);
                return TR_HANDLED | TR_REDRAW;
            }
            keep = u->node;
        }
        gc_scope_close(&p->gc, scope);
    }
    gc_build(&p->gc, &a->m);
    if (open && boxes_of(&p->gc) > GC_MAX_BOXES) {
        int n = boxes_of(&p->gc);
        gc_scope_close(&p->gc, scope);
        gc_build(&p->gc, &a->m);
        tui_msg(a, true, "opening %s would draw %d boxes (more than %d): use the nodes view (2) or :node NAME",
                scope, n, GC_MAX_BOXES);
        return TR_HANDLED | TR_REDRAW;
    }
    /* opening a scope whose nodes all sit in one sub-scope would only
     * rename the box: open on down to the first level that shows more */
    for (int guard = 0; open && keep >= 0 && guard < 32; guard++) {
        int u2 = gc_unit_of(&p->gc, keep);
        if (u2 < 0 || p->gc.units[u2].kind != GC_GROUP)
            break;
        const struct lay_group *in = &p->gc.L->groups[p->gc.L->nodes[p->gc.units[u2].lay].group];
        if (in->n_members != gr_members || strlen(in->scope) <= strlen(scope) || boxes_of(&p->gc) != boxes_before)
            break;
        snprintf(scope, sizeof scope, "%s", in->scope);
        gc_scope_open(&p->gc, scope);
        gc_build(&p->gc, &a->m);
    }
    if (keep >= 0)
        a->cur_node = keep;
    cursor_to_node(a, p);
    center(p);
    tui_msg(a, false, "%s %s: %d boxes", open ? "opened" : "closed", scope, boxes_of(&p->gc));
    return TR_HANDLED | TR_REDRAW;
}

static unsigned graph_request(struct tui_app *a, struct tui_view *v, enum tui_req r)
{
    struct graph_view *p = v->priv;
    if (!p->gc.L || p->cursor < 0)
        return 0;
    int nu = p->cursor;
    switch (r) {
    case REQ_MOVE_UP: nu = gc_move(&p->gc, p->cursor, 0, -1); break;
    case REQ_MOVE_DOWN: nu = gc_move(&p->gc, p->cursor, 0, 1); break;
    case REQ_MOVE_LEFT: nu = gc_move(&p->gc, p->cursor, -1, 0); break;
    case REQ_MOVE_RIGHT: nu = gc_move(&p->gc, p->cursor, 1, 0); break;
    case REQ_FOLLOW_IN:
    case REQ_FOLLOW_OUT:
        nu = follow(a, p, r == REQ_FOLLOW_OUT);
        if (nu < 0) {
            tui_msg(a, false, "no %s", r == REQ_FOLLOW_OUT ? "consumer" : "input");
            return TR_HANDLED | TR_REDRAW;
        }
        break;
    case REQ_HOME:
    case REQ_END: {
        int best = -1;
        for (int i = 0; i < p->gc.n_units; i++) {
            const struct gc_unit *u = &p->gc.units[i];
            if (u->kind == GC_CAST)
                continue;
            if (best < 0 || (r == REQ_HOME ? u->y < p->gc.units[best].y : u->y > p->gc.units[best].y))
                best = i;
        }
        nu = best;
        break;
    }
    case REQ_PAGE_UP:
    case REQ_PAN_UP: p->oy -= r == REQ_PAN_UP ? 5 : p->h - 2; p->panned = true; break;
    case REQ_PAGE_DOWN:
    case REQ_PAN_DOWN: p->oy += r == REQ_PAN_DOWN ? 5 : p->h - 2; p->panned = true; break;
    case REQ_PAN_LEFT: p->ox -= 10; p->panned = true; break;
    case REQ_PAN_RIGHT: p->ox += 10; p->panned = true; break;
    case REQ_CENTER: center(p); return TR_HANDLED | TR_REDRAW;
    case REQ_ENTER: {
        const struct gc_unit *u = &p->gc.units[p->cursor];
        if (u->kind == GC_OP) {
            a->cur_node = u->node;
            a->want_view = V_NODE;
            return TR_HANDLED | TR_OPEN;
        }
        if (u->kind == GC_CAST)
            return TR_HANDLED | TR_REDRAW;
        r = REQ_EXPAND; /* Enter on a scope expands it */
    }
        __attribute__((fallthrough));
    case REQ_EXPAND:
    case REQ_COLLAPSE:
        return open_close(a, p, r == REQ_EXPAND);
    case REQ_SCOPES_AUTO: {
        int keep = a->cur_node;
        gc_scopes_clear(&p->gc);
        p->gc.want_depth = LAY_COLLAPSE_AUTO;
        gc_build(&p->gc, &a->m);
        a->cur_node = keep;
        cursor_to_node(a, p);
        center(p);
        tui_msg(a, false, "scopes collapsed automatically again%s%s", p->gc.note[0] ? ": " : "", p->gc.note);
        return TR_HANDLED | TR_REDRAW;
    }
    default:
        return 0;
    }
    if (nu >= 0 && nu != p->cursor) {
        p->cursor = nu;
        p->panned = false;
        if (p->gc.units[nu].kind == GC_OP)
            a->cur_node = p->gc.units[nu].node;
    }
    return TR_HANDLED | TR_REDRAW;
}

static unsigned graph_search(struct tui_app *a, struct tui_view *v, const char *text, int dir)
{
    struct graph_view *p = v->priv;
    int n = a->m.g->n_nodes;
    for (int k = 1; k <= n; k++) {
        int i = ((a->cur_node < 0 ? 0 : a->cur_node) + dir * k % n + n) % n;
        if (tui_contains(a->m.g->nodes[i].name, text) || !strcmp(a->m.g->nodes[i].op, text)) {
            a->cur_node = i;
            p->cursor = gc_unit_of(&p->gc, i);
            p->panned = false;
            tui_msg(a, false, "/%s: %s", text, a->m.g->nodes[i].name);
            return TR_HANDLED | TR_REDRAW;
        }
    }
    tui_msg(a, true, "/%s: no match", text);
    return TR_HANDLED | TR_REDRAW;
}

const struct view_ops tui_view_graph = {
    .name = "graph",
    .title = "Graph",
    .flags = VF_TAB,
    .private_size = sizeof(struct graph_view),
    .open = graph_open,
    .draw = graph_draw,
    .request = graph_request,
    .select = graph_select,
    .search = graph_search,
    .done = graph_done,
};
