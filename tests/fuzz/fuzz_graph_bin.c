/* fuzz_graph_bin.c: libFuzzer target for the whole model loader on arbitrary
 * bytes (binary GraphDef/SavedModel/MetaGraphDef detection, the wire-format
 * pre-check, protobuf-c unpack, graph building with inlining), followed by
 * topo order and shape inference on whatever loaded.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyze/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e;
    graph *g = graph_load_buffer(data, size, "fuzz.pb", NULL, &e);
    if (!g)
        return 0;
    int *order = NULL;
    if (graph_topo(g, &order, &e) == ST_OK)
        free(order);
    graph_infer(g, NULL, 0, 2, &e);
    graph_free(g);
    return 0;
}
