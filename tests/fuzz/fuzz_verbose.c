/* fuzz_verbose.c: libFuzzer target for the verbose reader, the AMP log reader
 * and the logs summary. The input is fed in two chunks split at a position
 * taken from its first byte (lines straddle feeds), every string of every
 * event is touched, and the summary is finished and formatted both ways.
 * Run: make fuzz (FUZZ_SECONDS=N); seeds in tests/fuzz/seeds/fuzz_verbose/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs/amplog.h"
#include "logs/summary.h"
#include "logs/verbose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct lsum *sum;
    amp_log *amp;
    size_t touched;
};

static size_t touch(const char *s) { return s ? strlen(s) : 0; }

static int on_event(void *c, const struct vb_event *ev)
{
    struct fz *f = c;
    f->touched += touch(ev->marker) + touch(ev->op) + touch(ev->engine) + touch(ev->prim) +
                  touch(ev->impl) + touch(ev->prop) + touch(ev->mds) + touch(ev->attrs) +
                  touch(ev->aux) + touch(ev->problem) + touch(ev->message) + touch(ev->api);
    if (ev->n_md < 0 || ev->n_md > VB_MAX_MDS)
        abort();
    for (int i = 0; i < ev->n_md; i++)
        f->touched += touch(ev->md[i].arg) + touch(ev->md[i].tag) + touch(ev->md[i].kind) +
                      (size_t)ev->md[i].dt;
    if ((int)ev->kind < 0 || ev->kind >= VB_KIND__COUNT || (int)ev->isa < 0 ||
        ev->isa >= VB_ISA__COUNT)
        abort();
    lsum_add(f->sum, ev);
    return 0;
}

static int on_other(void *c, const char *line, size_t len, long line_no)
{
    struct fz *f = c;
    amp_log_line(f->amp, line, len, line_no);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = {lsum_new(), amp_log_new(), 0};
    struct vb_sink sink = {&f, on_event, on_other};
    vb_reader *r = vb_reader_new(&sink);
    size_t cut = size ? (size_t)data[0] * size / 256 : 0;
    vb_reader_feed(r, (const char *)data, cut);
    vb_reader_feed(r, (const char *)data + cut, size - cut);
    vb_reader_finish(r);
    struct vb_event ev;
    vb_parse_line(r, (const char *)data, size, &ev);
    lsum_finish(f.sum, r, f.amp);
    struct lsum_fmt o = {.top = 5, .verbose = true, .color = size & 1};
    struct abuf b;
    abuf_init(&b);
    lsum_format_text(f.sum, &o, &b);
    lsum_format_json(f.sum, &o, &b);
    abuf_done(&b);
    vb_reader_free(r);
    lsum_free(f.sum);
    amp_log_free(f.amp);
    return 0;
}
