/* test_tui_gcells.c: the graph view's placement without a terminal. The
 * graph laid out by the real Graphviz layout (render/layout.h) and mapped
 * onto cells (no overlapping boxes, spatial moves), big graphs collapsed by
 * name scope, scopes opened and closed by hand as + and - do, and the word
 * wrapping of the pager views.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>

#include "tui_test_util.h"

static void check_no_overlap(const struct tui_gcells *gc)
{
    for (int i = 0; i < gc->n_units; i++)
        for (int j = i + 1; j < gc->n_units; j++) {
            const struct gc_unit *a = &gc->units[i], *b = &gc->units[j];
            bool ox = a->x < b->x + b->w && b->x < a->x + a->w;
            bool oy = a->y < b->y + b->h && b->y < a->y + a->h;
            if (ox && oy)
                fail_msg("boxes %d (%s) and %d (%s) overlap", i, a->label, j, b->label);
        }
}

static void test_gcells(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    graph *g = load_sample("resnet_block.pb");
    assert_int_equal(tm_load_graph(&m, g, NULL, &e), ST_OK);
    struct tui_gcells gc = {.want_depth = 0};
    gc_build(&gc, &m);
    if (!gc.L)
        fail_msg("layout: %s", gc.note);
    check_no_overlap(&gc);
    /* every node drawn, edges only go downwards through ranks */
    for (int n = 0; n < g->n_nodes; n++)
        assert_true(gc_unit_of(&gc, n) >= 0);
    for (int i = 0; i < gc.n_edges; i++)
        assert_true(gc.units[gc.edges[i].b].y > gc.units[gc.edges[i].a].y);
    /* spatial moves: down goes down, up comes back up */
    int top = -1;
    for (int i = 0; i < gc.n_units; i++)
        if (gc.units[i].kind == GC_OP && (top < 0 || gc.units[i].y < gc.units[top].y))
            top = i;
    int d = gc_move(&gc, top, 0, 1);
    assert_true(d != top);
    assert_true(gc.units[d].y > gc.units[top].y);
    int u = gc_move(&gc, d, 0, -1);
    assert_true(gc.units[u].y < gc.units[d].y);
    assert_int_equal(gc_move(&gc, top, 0, -1), top); /* nothing above the top */
    /* colours follow the model: a bf16 conv is drawn bf16 */
    int conv = -1;
    for (int n = 0; n < g->n_nodes; n++)
        if (!strcmp(g->nodes[n].op, "Conv2D"))
            conv = n;
    assert_true(conv >= 0);
    assert_int_equal(gc.units[gc_unit_of(&gc, conv)].prec, P_BF16);
    /* drawn: the label is on the canvas, in ASCII when asked */
    struct tui_canvas c;
    cv_init(&c, gc.w + 2, gc.h + 2, true);
    gc_draw(&gc, &c, 0, c.h, 0, 0, gc_unit_of(&gc, conv));
    struct abuf b;
    abuf_init(&b);
    cv_dump(&c, &b);
    assert_non_null(strstr(b.data, gc.units[gc_unit_of(&gc, conv)].label));
    for (size_t i = 0; i < b.len; i++)
        assert_true((unsigned char)b.data[i] < 0x80);
    assert_non_null(strstr(b.data, "+--"));
    assert_non_null(strstr(b.data, "v"));
    abuf_done(&b);
    /* a node that ran on AMX kernels carries the mark on its box */
    m.has_run = true;
    m.rows[conv].amx = true;
    m.rows[conv].predicted = false;
    gc_recolor(&gc, &m);
    cv_clear(&c);
    gc_draw(&gc, &c, 0, c.h, 0, 0, -1);
    abuf_init(&b);
    cv_dump(&c, &b);
    assert_non_null(strstr(b.data, "bf16 AMX"));
    abuf_done(&b);
    cv_done(&c);
    gc_done(&gc);
    tm_done(&m);
}

/* A synthetic graph with deep scopes: big graphs open collapsed. */
static void test_gcells_collapsed(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    graph *g = scoped_graph(20, 8);
    assert_int_equal(tm_load_graph(&m, g, NULL, &e), ST_OK);
    struct tui_gcells gc = {.want_depth = -1};
    gc_build(&gc, &m);
    if (!gc.L)
        fail_msg("layout: %s", gc.note);
    assert_true(gc.depth > 0);
    assert_true(gc.n_units < g->n_nodes / 4);
    int groups = 0, boxes = 0;
    for (int i = 0; i < gc.n_units; i++) {
        groups += gc.units[i].kind == GC_GROUP;
        boxes += gc.units[i].kind != GC_CAST;
    }
    assert_true(groups >= 10);
    assert_int_equal(gc_visible_at(g, gc.depth), boxes);
    check_no_overlap(&gc);
    /* one level deeper shows more boxes */
    int before = gc.n_units;
    gc.want_depth = gc.depth + 1;
    gc_build(&gc, &m);
    assert_true(gc.n_units > before);
    check_no_overlap(&gc);
    gc_done(&gc);
    tm_done(&m);
}

/* Word wrapping of pager lines and word-boundary cuts of one-line text. */
static void test_wrap(void **state)
{
    (void)state;
    const char *t = "  reason    clearlisted, between bf16 ops (after Conv2D conv2d_1/Conv2D)  -> conv2d_1/Conv2D";
    int ind = tui_wrap_indent(t);
    assert_int_equal(ind, 12);
    struct tui_seg seg[8];
    int n = tui_wrap(t, 80, ind, seg, 8);
    assert_int_equal(n, 2);
    assert_int_equal(seg[0].x, 0);
    assert_int_equal(seg[1].x, 12);
    char row[128];
    snprintf(row, sizeof row, "%.*s", (int)seg[1].len, t + seg[1].off);
    assert_string_equal(row, "conv2d_1/Conv2D"); /* broken at a space, never inside a word */
    assert_true(seg[0].len <= 80);
    /* a word longer than the row is split, and nothing is lost */
    char longw[200];
    memset(longw, 'x', 150);
    longw[150] = 0;
    n = tui_wrap(longw, 60, 4, seg, 8);
    assert_int_equal(n, 3);
    assert_int_equal((int)(seg[0].len + seg[1].len + seg[2].len), 150);
    /* UTF-8 is measured in columns, never cut inside a character */
    const char *u = "\xe5\x85\xa5\xe5\x8a\x9b \xe5\x85\xa5\xe5\x8a\x9b \xe5\x85\xa5\xe5\x8a\x9b";
    if (tui_strwidth("\xe5\x85\xa5") == 2) { /* a UTF-8 locale (main sets C.UTF-8) */
        n = tui_wrap(u, 9, 0, seg, 8);
        assert_int_equal(n, 2);
        assert_int_equal((int)seg[0].len, 13); /* two 2-column characters, a space, two more */
    }
    /* one line: cut at a word with an ellipsis */
    char fit[128];
    tui_fit_words(fit, sizeof fit, "bf16 100.0%  AMX 0.0%  casts 2/iter  painter: 12/22 converted", 40);
    assert_string_equal(fit, "bf16 100.0%  AMX 0.0%  casts 2/iter...");
    tui_fit_words(fit, sizeof fit, "short", 40);
    assert_string_equal(fit, "short");
}

/* Opening and closing single scopes by hand (the + and - of the graph view). */
static void test_gcells_scopes(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    graph *g = scoped_graph(20, 8); /* x + 20 blocks of (w + 8 one-node layer scopes) */
    assert_int_equal(tm_load_graph(&m, g, NULL, &e), ST_OK);
    struct tui_gcells gc = {.want_depth = -1};
    gc_build(&gc, &m);
    if (!gc.L)
        fail_msg("layout: %s", gc.note);
    assert_int_equal(gc.depth, 2);
    assert_int_equal(count_kind(&gc, GC_GROUP), 20);
    assert_true(group_unit(&gc, "model/block_3") >= 0);
    int ops = count_kind(&gc, GC_OP);
    /* + on block_3: its 9 nodes drawn, every other block still one box */
    gc_scope_open(&gc, "model/block_3");
    gc_build(&gc, &m);
    assert_int_equal(group_unit(&gc, "model/block_3"), -1);
    assert_int_equal(count_kind(&gc, GC_GROUP), 19);
    assert_int_equal(count_kind(&gc, GC_OP), ops + 9);
    int mm = graph_find(g, "model/block_3/layer_0/MatMul");
    assert_int_equal(gc.units[gc_unit_of(&gc, mm)].kind, GC_OP);
    check_no_overlap(&gc);
    /* - around one of its nodes: the innermost scope with two nodes or more
     * (layer_0 holds one) is block_3 again */
    char scope[256];
    assert_true(gc_scope_around(g, mm, scope, sizeof scope));
    assert_string_equal(scope, "model/block_3");
    assert_false(gc_scope_around(g, graph_find(g, "x"), scope, sizeof scope));
    gc_scope_close(&gc, "model/block_3");
    gc_build(&gc, &m);
    int u = group_unit(&gc, "model/block_3");
    assert_true(u >= 0);
    assert_int_equal(gc.L->groups[gc.L->nodes[gc.units[u].lay].group].n_members, 9);
    assert_int_equal(gc_unit_of(&gc, mm), u);
    /* closing the top scope: one box for all 180 nodes; opening it again
     * gives the automatic drawing back (20 block boxes) */
    gc_scope_close(&gc, "model");
    gc_build(&gc, &m);
    assert_int_equal(count_kind(&gc, GC_GROUP), 1);
    assert_int_equal(gc.L->groups[0].n_members, 180);
    gc_scope_open(&gc, "model");
    gc_build(&gc, &m);
    assert_int_equal(count_kind(&gc, GC_GROUP), 20);
    /* closing "model" forgot block_3's entry; = forgets everything */
    assert_int_equal(gc.n_closed, 0);
    gc_scopes_clear(&gc);
    assert_int_equal(gc.n_opened + gc.n_closed, 0);
    gc_done(&gc);
    tm_done(&m);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcells),
        cmocka_unit_test(test_gcells_collapsed),
        cmocka_unit_test(test_gcells_scopes),
        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests_name("tui_gcells", tests, NULL, NULL);
}
