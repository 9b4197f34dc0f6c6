/* test_layout_scope.c: which box every node is drawn in (render/layout.h,
 * layout_scope.c) on a small graph of nested name scopes, through the real
 * lay_new: the automatic depth, scopes opened one level by hand (the TUI's
 * +), scopes closed by hand (its -), the innermost entry deciding, and the
 * exact list of boxes each time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph.h"
#include "render/layout.h"

/* x -> a/b/c/r1 -> a/b/c/r2 -> a/b/d/r3 -> a/b/d/r4 -> a/e/r5 -> a/e/r6
 *   -> a/r7 -> out: scope a holds a/b (with a/b/c and a/b/d) and a/e. */
static graph *nested_graph(void)
{
    static const char *names[] = {"a/b/c/r1", "a/b/c/r2", "a/b/d/r3", "a/b/d/r4",
                                  "a/e/r5",   "a/e/r6",   "a/r7",     "out"};
    struct abuf t;
    abuf_init(&t);
    abuf_puts(&t, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }"
                  " attr { key: 'shape' value { shape { dim { size: 1 } dim { size: 4 } } } } }\n");
    const char *prev = "x";
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        abuf_printf(&t, "node { name: '%s' op: 'Relu' input: '%s' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                    names[i], prev);
        prev = names[i];
    }
    struct err e = {0};
    graph *g = graph_load_buffer(t.data, t.len, "nested.pbtxt", NULL, &e);
    abuf_done(&t);
    if (!g)
        fail_msg("nested graph: %s", e.msg);
    return g;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The boxes drawn, sorted, space-separated: a node by its name, a collapsed
 * scope as [scope:members]. */
static void boxes(const graph *g, const struct lay_opts *o, char *out, size_t size, int *depth)
{
    struct err e = {0};
    lay_layout *L = lay_new(g, NULL, NULL, o, &e);
    if (!L)
        fail_msg("lay_new: %s", e.msg);
    char **items = calloc((size_t)L->n_nodes + 1, sizeof *items);
    int n = 0;
    for (int i = 0; i < L->n_nodes; i++) {
        const struct lay_node *ln = &L->nodes[i];
        char buf[256];
        if (ln->kind == LAY_GROUP)
            snprintf(buf, sizeof buf, "[%s:%d]", L->groups[ln->group].scope, L->groups[ln->group].n_members);
        else if (ln->kind == LAY_OP)
            snprintf(buf, sizeof buf, "%s", ln->name);
        else
            continue;
        items[n++] = strdup(buf);
    }
    qsort(items, (size_t)n, sizeof *items, cmp_str);
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, size - l, "%s%s", i ? " " : "", items[i]);
        free(items[i]);
    }
    free(items);
    /* every graph node is drawn by exactly one box */
    for (int i = 0; i < g->n_nodes; i++)
        assert_true(L->node_of[i] >= 0 && L->node_of[i] < L->n_nodes);
    if (depth)
        *depth = L->collapse_depth;
    lay_free(L);
}

static void test_auto_depth(void **state)
{
    (void)state;
    graph *g = nested_graph();
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse_min = 2;
    char got[1024];
    int depth = -1;
    /* small enough: nothing collapses */
    boxes(g, &o, got, sizeof got, &depth);
    assert_int_equal(depth, 0);
    assert_string_equal(got, "a/b/c/r1 a/b/c/r2 a/b/d/r3 a/b/d/r4 a/e/r5 a/e/r6 a/r7 out x");
    /* at most 5 boxes: depth 2 (a/b and a/e boxed) */
    o.max_visible = 5;
    boxes(g, &o, got, sizeof got, &depth);
    assert_int_equal(depth, 2);
    assert_string_equal(got, "[a/b:4] [a/e:2] a/r7 out x");
    /* at most 3: depth 1, all of a in one box */
    o.max_visible = 3;
    boxes(g, &o, got, sizeof got, &depth);
    assert_int_equal(depth, 1);
    assert_string_equal(got, "[a:7] out x");
    graph_free(g);
}

static void test_open_one_level(void **state)
{
    (void)state;
    graph *g = nested_graph();
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse_min = 2;
    o.max_visible = 3; /* automatic depth 1: [a:7] */
    char got[1024];
    /* + on a: its sub-scopes one level down, its own node drawn */
    const char *open1[] = {"a"};
    o.expanded = open1;
    o.n_expanded = 1;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b:4] [a/e:2] a/r7 out x");
    /* + on a/b too: a/b/c and a/b/d become boxes, a/e stays one */
    const char *open2[] = {"a", "a/b"};
    o.expanded = open2;
    o.n_expanded = 2;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b/c:2] [a/b/d:2] [a/e:2] a/r7 out x");
    /* + on a/b/c: its nodes drawn; a trailing slash names the same scope */
    const char *open3[] = {"a", "a/b", "a/b/c/"};
    o.expanded = open3;
    o.n_expanded = 3;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b/d:2] [a/e:2] a/b/c/r1 a/b/c/r2 a/r7 out x");
    graph_free(g);
}

static void test_close_innermost(void **state)
{
    (void)state;
    graph *g = nested_graph();
    struct lay_opts o;
    lay_opts_init(&o);
    o.collapse = 0; /* no automatic collapsing: only what is closed by hand */
    char got[1024];
    /* - on a/b/c/r1: a/b/c is one box, the rest as they are */
    const char *close1[] = {"a/b/c"};
    o.collapsed = close1;
    o.n_collapsed = 1;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b/c:2] a/b/d/r3 a/b/d/r4 a/e/r5 a/e/r6 a/r7 out x");
    /* a closed scope around a closed one: the innermost (longest) entry
     * decides, so a/b/c stays its own box and a/b boxes the rest (the TUI
     * forgets the inner entries when it closes an outer scope) */
    const char *close2[] = {"a/b/c", "a/b"};
    o.collapsed = close2;
    o.n_collapsed = 2;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b/c:2] [a/b:2] a/e/r5 a/e/r6 a/r7 out x");
    /* closed a, opened a/e inside it: a/e's nodes drawn, the rest of a one box */
    const char *close3[] = {"a"};
    const char *open3[] = {"a/e"};
    o.collapsed = close3;
    o.n_collapsed = 1;
    o.expanded = open3;
    o.n_expanded = 1;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a:5] a/e/r5 a/e/r6 out x");
    /* opened a, closed a/b inside it, automatic depth 1 around */
    o.collapse = LAY_COLLAPSE_AUTO;
    o.collapse_min = 2;
    o.max_visible = 3;
    const char *close4[] = {"a/b"};
    const char *open4[] = {"a"};
    o.collapsed = close4;
    o.expanded = open4;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b:4] [a/e:2] a/r7 out x");
    /* a closed scope with one node is still one box (closed by hand) */
    const char *close5[] = {"a/b/c", "a/b/d", "a/e", "a"};
    o.collapsed = close5;
    o.n_collapsed = 4;
    o.expanded = NULL;
    o.n_expanded = 0;
    o.collapse = 0;
    boxes(g, &o, got, sizeof got, NULL);
    assert_string_equal(got, "[a/b/c:2] [a/b/d:2] [a/e:2] [a:1] out x");
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_depth),
        cmocka_unit_test(test_open_one_level),
        cmocka_unit_test(test_close_innermost),
    };
    return cmocka_run_group_tests_name("layout_scope", tests, NULL, NULL);
}
