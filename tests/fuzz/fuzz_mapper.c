/* fuzz_mapper.c: libFuzzer target for the mapper's parsers and alignment.
 * The input is read as lines: each line goes through the marker parser, the
 * problem-descriptor signature reader (line = "<prim> <problem>") and the
 * verbose line parser; the exec events found are then split into passes
 * (repeats detection) and mapped onto a small fixed graph with a plan cast.
 * Nothing may crash, hang or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph.h"
#include "analyze/iterations.h"
#include "analyze/mapper.h"
#include "analyze/mapper_int.h"
#include "logs/verbose.h"

static const char graph_txt[] =
    "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'shape' value { shape { dim { size: 2 } dim { size: 8 } dim { size: 8 } dim { size: 3 } } } } }\n"
    "node { name: 'w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }\n"
    "  attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } dim { size: 3 } dim { size: 16 } } float_val: 0.1 } } } }\n"
    "node { name: 'conv' op: 'Conv2D' input: 'x' input: 'w' attr { key: 'T' value { type: DT_FLOAT } }\n"
    "  attr { key: 'padding' value { s: 'SAME' } } attr { key: 'strides' value { list { i: 1 i: 1 i: 1 i: 1 } } } }\n"
    "node { name: 'relu' op: 'Relu' input: 'conv' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'erf' op: 'Erf' input: 'relu' attr { key: 'T' value { type: DT_FLOAT } } }\n"
    "node { name: 'sm' op: 'Softmax' input: 'erf' attr { key: 'T' value { type: DT_FLOAT } } }\n";

static graph *g;
static amp_plan plan;
static struct amp_cast cast;
static int dst;

static void init(void)
{
    struct err e;
    g = graph_load_buffer(graph_txt, sizeof graph_txt - 1, "fuzz.pbtxt", NULL, &e);
    if (!g || graph_infer(g, NULL, 0, 2, &e) != ST_OK)
        abort();
    dst = graph_find(g, "conv");
    cast.name = "x-0-CastToBf16-AutoMixedPrecision";
    cast.src_node = graph_find(g, "x");
    cast.to_bf16 = true;
    cast.dst_nodes = &dst;
    cast.n_dst = 1;
    plan.g = g;
    plan.casts = &cast;
    plan.n_casts = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g)
        init();
    vb_reader *rd = vb_reader_new(&(struct vb_sink){0});
    struct rep_event ev[256];
    int n = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[2048];
        size_t l = len < sizeof line - 1 ? len : sizeof line - 1;
        memcpy(line, p, l);
        line[l] = 0;
        struct it_marker mk;
        it_parse_marker(line, l, &mk);
        char *sp = strchr(line, ' ');
        if (sp) {
            *sp = 0;
            struct map_sig s;
            map_sig_of_event(line, sp + 1, &s);
            map_problem_elems(sp + 1);
            *sp = ' ';
        }
        struct vb_event ve;
        if (n < 256 && vb_parse_line(rd, p, len, &ve) == 1 && ve.kind == VB_EXEC) {
            map_event_from_vb(&ev[n], &ve, n);
            n++;
        }
        p += len + 1;
    }
    struct it_result ir;
    it_assign_repeats(ev, n, &ir);
    struct err e;
    mapper *m = map_new(g, &plan, &e);
    struct map_stats st;
    map_events(m, ev, n, &st, &e);
    map_free(m);
    vb_reader_free(rd);
    return 0;
}
