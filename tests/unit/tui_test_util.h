/* tui_test_util.h: what the TUI test suites share (include after cmocka.h
 * and tui/tui_int.h): the checkout root, a loaded sample, a synthetic graph
 * of nested name scopes, and questions about the boxes on cells.
 */
#ifndef AMPSCOPE_TESTS_TUI_TEST_UTIL_H
#define AMPSCOPE_TESTS_TUI_TEST_UTIL_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/layout.h"
#include "tui/tui_int.h"

#define TUI_TEST_UNUSED __attribute__((unused))

static char root_dir[PATH_MAX];
TUI_TEST_UNUSED static char tmp_dir[PATH_MAX];

TUI_TEST_UNUSED static const char *root(void)
{
    if (!root_dir[0]) {
        const char *r = getenv("AMPSCOPE_ROOT");
        if (r && *r)
            snprintf(root_dir, sizeof root_dir, "%s", r);
        else if (!getcwd(root_dir, sizeof root_dir))
            snprintf(root_dir, sizeof root_dir, ".");
    }
    return root_dir;
}

TUI_TEST_UNUSED static graph *load_sample(const char *name)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/samples/%s", root(), name);
    struct err e = {0};
    graph *g = graph_load(path, NULL, &e);
    if (!g)
        fail_msg("%s: %s", path, e.msg);
    if (graph_infer(g, NULL, 0, 1, &e) != ST_OK)
        fail_msg("infer %s: %s", path, e.msg);
    return g;
}

/* x + `blocks` scopes model/block_B, each with its weight Const and `per`
 * one-node layer scopes (MatMul, Relu alternating). */
TUI_TEST_UNUSED static graph *scoped_graph(int blocks, int per)
{
    struct abuf t;
    abuf_init(&t);
    abuf_puts(&t, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }"
                  " attr { key: 'shape' value { shape { dim { size: 1 } dim { size: 16 } } } } }\n");
    char prev[128] = "x";
    for (int b = 0; b < blocks; b++) {
        /* one weight per block, as real models have (a constant shared by every
         * block makes dot's layout very slow) */
        abuf_printf(&t, "node { name: 'model/block_%d/w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }"
                        " attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 16 }"
                        " dim { size: 16 } } float_val: 0.5 } } } }\n", b);
        for (int k = 0; k < per; k++) {
            char name[128];
            snprintf(name, sizeof name, "model/block_%d/layer_%d/%s", b, k, k % 2 ? "Relu" : "MatMul");
            if (k % 2)
                abuf_printf(&t, "node { name: '%s' op: 'Relu' input: '%s' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                            name, prev);
            else
                abuf_printf(&t, "node { name: '%s' op: 'MatMul' input: '%s' input: 'model/block_%d/w' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                            name, prev, b);
            snprintf(prev, sizeof prev, "%s", name);
        }
    }
    struct err e = {0};
    graph *g = graph_load_buffer(t.data, t.len, "scoped.pbtxt", NULL, &e);
    abuf_done(&t);
    if (!g)
        fail_msg("scoped graph: %s", e.msg);
    graph_infer(g, NULL, 0, 1, &e);
    return g;
}

/* The group box showing scope, -1 when the scope is not drawn as one box. */
TUI_TEST_UNUSED static int group_unit(const struct tui_gcells *gc, const char *scope)
{
    for (int i = 0; i < gc->n_units; i++)
        if (gc->units[i].kind == GC_GROUP &&
            !strcmp(gc->L->groups[gc->L->nodes[gc->units[i].lay].group].scope, scope))
            return i;
    return -1;
}

TUI_TEST_UNUSED static int count_kind(const struct tui_gcells *gc, enum gc_kind k)
{
    int n = 0;
    for (int i = 0; i < gc->n_units; i++)
        n += gc->units[i].kind == k;
    return n;
}

#endif
