/* bench_amp.c: AMP painter speed on a synthetic frozen-style graph (default
 * 100,000 nodes: chains of Const->Identity weight reads, MatMul, BiasAdd,
 * Relu, with an Exp every 16 blocks so deny propagation has work), timed
 * against graph_load of the same binary GraphDef in the same run (the
 * baseline). Reports: load, paint without the prepass model, paint with it,
 * and the plan's JSON, each in ms and as a ratio to the load.
 *
 * usage: bench_amp [--nodes N] [--reps N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "util/util.h"

static void node(struct abuf *b, const char *name, const char *op, const char *in1, const char *in2,
                 const char *ctl)
{
    abuf_printf(b, "node { name: \"%s\" op: \"%s\"", name, op);
    if (in1)
        abuf_printf(b, " input: \"%s\"", in1);
    if (in2)
        abuf_printf(b, " input: \"%s\"", in2);
    if (ctl)
        abuf_printf(b, " input: \"^%s\"", ctl);
    abuf_printf(b, " attr { key: \"%s\" value { type: DT_FLOAT } } }\n",
                !strcmp(op, "Const") || !strcmp(op, "Placeholder") ? "dtype" : "T");
}

int main(int argc, char **argv)
{
    int nodes = 100000, reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--nodes"))
            nodes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
    }
    struct abuf b;
    abuf_init(&b);
    node(&b, "x", "Placeholder", NULL, NULL, NULL);
    char prev[64] = "x", nm[8][64];
    int blocks = nodes / 8;
    for (int k = 0; k < blocks; k++) {
        snprintf(nm[0], 64, "b%d/w/resource", k);
        snprintf(nm[1], 64, "b%d/w", k);
        snprintf(nm[2], 64, "b%d/mm", k);
        snprintf(nm[3], 64, "b%d/bias/resource", k);
        snprintf(nm[4], 64, "b%d/bias", k);
        snprintf(nm[5], 64, "b%d/add", k);
        snprintf(nm[6], 64, "b%d/act", k);
        snprintf(nm[7], 64, "b%d/id", k);
        node(&b, nm[0], "Const", NULL, NULL, NULL);
        node(&b, nm[1], "Identity", nm[0], NULL, NULL);
        node(&b, nm[2], "MatMul", prev, nm[1], NULL);
        node(&b, nm[3], "Const", NULL, NULL, NULL);
        node(&b, nm[4], "Identity", nm[3], NULL, NULL);
        node(&b, nm[5], "BiasAdd", nm[2], nm[4], NULL);
        node(&b, nm[6], k % 16 == 15 ? "Exp" : "Relu", nm[5], NULL, NULL);
        node(&b, nm[7], "Identity", nm[6], NULL, NULL);
        snprintf(prev, sizeof prev, "%s", nm[7]);
    }
    node(&b, "out", "Identity", prev, NULL, NULL);
    struct err e;
    /* load once from text, then time graph_load of the same bytes (text) */
    double best_load = 1e30, best_p0 = 1e30, best_p1 = 1e30, best_json = 1e30;
    int total = 0, conv = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = util_now_ms();
        graph *g = graph_load_buffer(b.data, b.len, "bench.pbtxt", NULL, &e);
        double t1 = util_now_ms();
        if (!g) {
            fprintf(stderr, "bench_amp: load failed: %s\n", e.msg);
            return 1;
        }
        amp_lists *l = amp_lists_new(NULL, &e);
        struct amp_opts o0 = {NULL, true, false}, o1 = {NULL, true, true};
        double t2 = util_now_ms();
        amp_plan *p0 = amp_paint(g, l, &o0, &e);
        double t3 = util_now_ms();
        amp_plan *p1 = amp_paint(g, l, &o1, &e);
        double t4 = util_now_ms();
        struct abuf j;
        abuf_init(&j);
        amp_plan_json(p1, &j);
        double t5 = util_now_ms();
        total = p1->total;
        conv = p1->converted;
        abuf_done(&j);
        amp_plan_free(p0);
        amp_plan_free(p1);
        amp_lists_free(l);
        if (t1 - t0 < best_load) best_load = t1 - t0;
        if (t3 - t2 < best_p0) best_p0 = t3 - t2;
        if (t4 - t3 < best_p1) best_p1 = t4 - t3;
        if (t5 - t4 < best_json) best_json = t5 - t4;
        graph_free(g);
    }
    abuf_done(&b);
    printf("bench_amp: %d nodes (%d after the prepass model, %d attrs converted), best of %d\n",
           blocks * 8 + 2, total, conv, reps);
    printf("  graph_load (text, baseline) %8.1f ms  1.00x\n", best_load);
    printf("  amp_paint, no prepass        %8.1f ms  %.2fx\n", best_p0, best_p0 / best_load);
    printf("  amp_paint, prepass model     %8.1f ms  %.2fx\n", best_p1, best_p1 / best_load);
    printf("  amp_plan_json                %8.1f ms  %.2fx\n", best_json, best_json / best_load);
    return 0;
}
