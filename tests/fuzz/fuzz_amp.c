/* fuzz_amp.c: libFuzzer target for the AMP painter. The input is split at the
 * first NUL: the head is a list of TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_*
 * edits ("ALLOWLIST_ADD=Foo,Bar" lines), the rest a GraphDef (binary or
 * text) loaded by the real loader; the graph is painted with and without the
 * grappler prepass model under every list version. Must never crash, hang or
 * leak, whatever the graph (cycles, wrong input counts, odd attrs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/graph.h"

static char env_text[4096];

static const char *fake_getenv(const char *name)
{
    static char val[1024];
    const char *p = env_text;
    size_t plen = strlen("TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_");
    if (strncmp(name, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_", plen))
        return NULL;
    const char *key = name + plen;
    size_t klen = strlen(key);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            size_t vl = len - klen - 1;
            if (vl >= sizeof val)
                vl = sizeof val - 1;
            memcpy(val, p + klen + 1, vl);
            val[vl] = 0;
            return val;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size < sizeof env_text ? size : sizeof env_text - 1);
    size_t hl = nul ? (size_t)(nul - data) : 0;
    memcpy(env_text, data, hl);
    env_text[hl] = 0;
    const uint8_t *g_data = nul ? nul + 1 : data;
    size_t g_size = nul ? size - hl - 1 : size;
    struct err e;
    graph *g = graph_load_buffer(g_data, g_size, "fuzz", NULL, &e);
    if (!g)
        return 0;
    const char *const *v = amp_tf_versions();
    for (int k = 0; v[k]; k++) {
        amp_lists *l = amp_lists_new(v[k], &e);
        if (!l)
            continue;
        amp_lists_from_env(l, fake_getenv, &e);
        for (int pre = 0; pre < 2; pre++) {
            struct amp_opts o = {NULL, true, pre == 1};
            amp_plan *p = amp_paint(g, l, &o, &e);
            if (p) {
                struct abuf b;
                abuf_init(&b);
                amp_plan_json(p, &b);
                abuf_done(&b);
                amp_plan_free(p);
            }
        }
        amp_lists_free(l);
    }
    graph_free(g);
    return 0;
}
