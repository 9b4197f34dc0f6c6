/* fuzz_tfevidence: analyze/tfevidence's parsers on hostile bytes. The first
 * byte picks the target: even = an AMP cast node name (tfev_parse_cast_name),
 * odd = the rest written as tf/run_metadata.pb + tf/driver.json + amp.log of a
 * scratch run directory and read back by tfev_load() (protobuf-c RunMetadata,
 * step_stats, partition graphs, the driver's JSON, the AMP log). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/tfevidence.h"

static char g_dir[64];

static void put(const char *name, const uint8_t *d, size_t n)
{
    char p[160];
    snprintf(p, sizeof p, "%s/%s", g_dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        abort();
    if (n)
        fwrite(d, 1, n, f);
    fclose(f);
}

static void cleanup(void)
{
    const char *names[] = {"tf/run_metadata.pb", "tf/driver.json", "tf/attribution.tsv", "amp.log", "tf", NULL};
    char p[160];
    for (int i = 0; names[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", g_dir, names[i]);
        remove(p);
    }
    rmdir(g_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!g_dir[0]) {
        snprintf(g_dir, sizeof g_dir, "/tmp/fuzz-tfev-XXXXXX");
        if (!mkdtemp(g_dir))
            abort();
        char p[160];
        snprintf(p, sizeof p, "%s/tf", g_dir);
        mkdir(p, 0700);
        atexit(cleanup);
    }
    if ((data[0] & 1) == 0) {
        char *s = malloc(size);
        memcpy(s, data + 1, size - 1);
        s[size - 1] = 0;
        char src[256];
        int port;
        bool bf;
        tfev_parse_cast_name("Cast", s, src, sizeof src, &port, &bf);
        tfev_parse_cast_name(NULL, s, NULL, 0, NULL, NULL);
        free(s);
        return 0;
    }
    /* split the rest in three parts by the next two bytes */
    size_t n = size - 1;
    const uint8_t *d = data + 1;
    size_t a = n > 2 ? (d[0] * n) / 512 : 0, b = n > 2 ? (d[1] * n) / 512 : 0;
    if (a > n)
        a = n;
    if (b > n - a)
        b = n - a;
    put("tf/run_metadata.pb", d, a);
    put("tf/driver.json", d + a, b);
    put("amp.log", d + a + b, n - a - b);
    tf_evidence *ev = NULL;
    struct err e;
    if (tfev_load(g_dir, &ev, &e) == ST_OK) {
        struct abuf j;
        abuf_init(&j);
        tfev_json(ev, &j);
        abuf_done(&j);
        tfev_free(ev);
    }
    return 0;
}
