/* test_logs_corpus.c: the verbose reader on the real excerpts in
 * ../shared/corpus/verbose/ (read at run time, never copied; the suite skips
 * with a SKIP: line when the folder is absent). Asserts the parsed fields of
 * characteristic lines of every era, the header facts, the era coverage of
 * the whole corpus, and per file how many lines are verbose, other and
 * unparsed (every unparsed line there is one the source damaged: wrapped,
 * elided or cut).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "logs/summary.h"
#include "logs/verbose.h"

static char corpus[1024];

static bool have_corpus(void)
{
    const char *env = getenv("SHARED_CORPUS");
    snprintf(corpus, sizeof corpus, "%s/verbose", env && *env ? env : "../shared/corpus");
    struct stat st;
    if (stat(corpus, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    printf("SKIP: corpus folder %s is absent (set SHARED_CORPUS)\n", corpus);
    return false;
}

#define NEED_CORPUS()     \
    do {                  \
        if (!have_corpus()) \
            skip();       \
    } while (0)

/* The text of corpus file NNN-*.txt without its ### SOURCE/NOTE lines. */
static char *load(const char *num, char *name, size_t namesz)
{
    DIR *d = opendir(corpus);
    assert_non_null(d);
    struct dirent *de;
    char path[2048] = "";
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, num, 3) && de->d_name[3] == '-') {
            snprintf(path, sizeof path, "%s/%s", corpus, de->d_name);
            if (name)
                snprintf(name, namesz, "%s", de->d_name);
        }
    closedir(d);
    if (!path[0])
        fail_msg("corpus file %s-*.txt not found in %s", num, corpus);
    char *text = NULL;
    size_t len = 0;
    struct err e;
    assert_int_equal(util_read_file(path, 0, &text, &len, &e), ST_OK);
    struct abuf b;
    abuf_init(&b);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (strncmp(p, "### ", 4) != 0)
            abuf_put(&b, p, n);
        p += n;
    }
    abuf_putc(&b, 0);
    free(text);
    return b.data;
}

/* Copies the first line of file NNN containing `needle` into line[]. */
static void find_line(const char *num, const char *needle, char *line, size_t size)
{
    char *t = load(num, NULL, 0);
    char *p = strstr(t, needle);
    if (!p)
        fail_msg("no line with '%s' in corpus file %s", needle, num);
    while (p > t && p[-1] != '\n')
        p--;
    size_t n = strcspn(p, "\n");
    assert_true(n < size);
    memcpy(line, p, n);
    line[n] = 0;
    free(t);
}

static int parse_corpus(vb_reader *r, const char *num, const char *needle, struct vb_event *ev)
{
    char line[8192];
    find_line(num, needle, line, sizeof line);
    return vb_parse_line(r, line, strlen(line), ev);
}

static void test_corpus_lines(void **state)
{
    (void)state;
    NEED_CORPUS();
    vb_reader *r = vb_reader_new(NULL);
    struct vb_event ev;

    /* 027: TF 2.9 / oneDNN 2.6-era, no API field, trailing space in attrs */
    assert_int_equal(parse_corpus(r, "027", "mb200ic64oc31", &ev), 1);
    assert_string_equal(ev.marker, "onednn_verbose");
    assert_int_equal(ev.kind, VB_EXEC);
    assert_string_equal(ev.prim, "inner_product");
    assert_string_equal(ev.impl, "brgemm:avx512_core");
    assert_int_equal(ev.isa, VB_ISA_AVX512);
    assert_string_equal(ev.attrs, "attr-scratchpad:user");
    assert_string_equal(ev.problem, "mb200ic64oc31");
    assert_int_equal(ev.src_dt, VB_DT_F32);
    assert_string_equal(ev.md[1].tag, "AB16b16a");
    assert_true(fabs(ev.time_ms - 0.0319824) < 1e-9);

    /* 057: 3.3.2 with API field; bf16 matmul on AMX */
    assert_int_equal(parse_corpus(r, "057", "256x11008:11008x4096", &ev), 1);
    assert_string_equal(ev.api, "primitive");
    assert_string_equal(ev.impl, "brg:avx512_core_amx");
    assert_int_equal(ev.isa, VB_ISA_AMX);
    assert_int_equal(ev.src_dt, VB_DT_BF16);
    assert_int_equal(ev.wei_dt, VB_DT_BF16);

    /* 006: Windows 0.x, decimal comma in the time */
    assert_int_equal(parse_corpus(r, "006", "48x192x16x16,1,432", &ev), 1);
    assert_string_equal(ev.marker, "mkldnn_verbose");
    assert_string_equal(ev.engine, "");
    assert_string_equal(ev.problem, "48x192x16x16");
    assert_true(fabs(ev.time_ms - 1.432) < 1e-9);

    /* 013: 3.8-dev GPU sdpa lines posted without the exec time */
    assert_int_equal(parse_corpus(r, "013", ",sdpa,", &ev), 1);
    assert_string_equal(ev.engine, "gpu:0");
    assert_string_equal(ev.prim, "sdpa");
    assert_int_equal(ev.isa, VB_ISA_GPU);
    assert_int_equal(ev.src_dt, VB_DT_F16);
    assert_true(isnan(ev.time_ms));

    /* 011: gemm_api with an empty implementation and no aux field */
    assert_int_equal(parse_corpus(r, "011", "gemm_api", &ev), 1);
    assert_string_equal(ev.prim, "gemm_api");
    assert_string_equal(ev.impl, "");
    assert_int_equal(ev.isa, VB_ISA_GEMM);
    assert_string_equal(ev.problem, "1x512:512x512");
    assert_true(fabs(ev.time_ms - 0.359131) < 1e-9);

    /* 047: timestamp before the API type, leading backtick */
    assert_int_equal(parse_corpus(r, "047", "1718391711600.335938", &ev), 1);
    assert_true(fabs(ev.ts_ms - 1718391711600.335938) < 1e-3);
    assert_string_equal(ev.api, "primitive");
    assert_string_equal(ev.prim, "layer_normalization");

    /* 035: DNNL 1.x bf16 matmul with the b/m/n/k problem */
    assert_int_equal(parse_corpus(r, "035", "b1408m52n64k52", &ev), 1);
    assert_string_equal(ev.prim, "matmul");
    assert_int_equal(ev.src_dt, VB_DT_BF16);
    assert_string_equal(ev.problem, "b1408m52n64k52");

    /* 069: hand-edited v0 marker without API type, old post_ops attr */
    assert_int_equal(parse_corpus(r, "069", "onednn_verbose,v0,exec", &ev), 1);
    assert_int_equal(ev.kind, VB_EXEC);
    assert_string_equal(ev.api, "");

    /* 009: dev-build graph _gen_index line */
    assert_int_equal(parse_corpus(r, "009", "_gen_index", &ev), 1);
    assert_int_equal(ev.kind, VB_GRAPH);
    assert_true(fabs(ev.time_ms - 0.193115) < 1e-9);

    /* 021: a graph exec line whose component reads "primitive" */
    assert_int_equal(parse_corpus(r, "021", "matmul_qk;scale_div", &ev), 1);
    assert_int_equal(ev.kind, VB_GRAPH);
    assert_string_equal(ev.prim, "sdp");

    /* 038: AArch64 "v1,cpu,acl,unsupported: ..." message with commas */
    assert_int_equal(parse_corpus(r, "038", "acl,unsupported", &ev), 1);
    assert_int_equal(ev.kind, VB_DISPATCH);
    assert_non_null(strstr(ev.message, "BA8b4a/BA4b4a"));
    assert_int_equal(parse_corpus(r, "038", "create:cache_miss,cpu,layer_normalization", &ev), 1);
    assert_string_equal(ev.aux, "flags:");
    assert_string_equal(ev.md[2].arg, "stats");
    assert_int_equal(ev.md[2].dt, VB_DT_UNDEF);

    /* 008: exec:check with Windows paths */
    assert_int_equal(parse_corpus(r, "008", "exec:check", &ev), 1);
    assert_int_equal(ev.kind, VB_CHECK);
    assert_non_null(strstr(ev.message, "src\\common\\primitive_exec_types.cpp:74"));
    vb_reader_free(r);
}

struct sweep {
    long kinds[VB_KIND__COUNT];
    long markers[3], with_ts, with_api, no_engine, amx, gpu, untimed;
};

static int sweep_event(void *c, const struct vb_event *ev)
{
    struct sweep *s = c;
    s->kinds[ev->kind]++;
    s->markers[ev->marker[0] == 'm' ? 0 : ev->marker[0] == 'd' ? 1 : 2]++;
    if (!isnan(ev->ts_ms))
        s->with_ts++;
    if (ev->api[0])
        s->with_api++;
    if (ev->kind == VB_EXEC) {
        if (!ev->engine[0])
            s->no_engine++;
        if (ev->isa == VB_ISA_AMX)
            s->amx++;
        if (ev->isa == VB_ISA_GPU)
            s->gpu++;
        if (isnan(ev->time_ms))
            s->untimed++;
    }
    return 0;
}

/* verbose/other/unparsed per file, as checked by hand against the sources */
static const struct {
    const char *num;
    long verbose, other, unparsed;
} expect[] = {
    {"001", 8, 1, 0},  {"002", 14, 1, 0}, {"003", 18, 1, 0}, {"004", 7, 1, 0},  {"005", 8, 1, 0},
    {"006", 11, 1, 0}, {"007", 10, 2, 1}, {"008", 21, 14, 0}, {"009", 1, 1, 0}, {"010", 1, 1, 0},
    {"011", 1, 1, 1},  {"012", 1, 4, 0},  {"013", 8, 1, 0},  {"014", 1, 1, 0},  {"015", 14, 1, 0},
    {"016", 8, 4, 0},  {"017", 8, 1, 0},  {"018", 8, 1, 0},  {"019", 7, 1, 0},  {"020", 5, 1, 0},
    {"021", 1, 1, 0},  {"022", 1, 1, 0},  {"023", 1, 6, 0},  {"024", 6, 3, 0},  {"025", 8, 1, 0},
    {"026", 0, 1, 1},  {"027", 5, 1, 0},  {"028", 9, 2, 0},  {"029", 10, 4, 0}, {"030", 0, 7, 2},
    {"031", 6, 5, 0},  {"032", 21, 3, 0}, {"033", 1, 1, 0},  {"034", 6, 18, 4}, {"035", 5, 14, 0},
    {"036", 2, 2, 0},  {"037", 8, 2, 0},  {"038", 10, 2, 0}, {"039", 6, 2, 0},  {"040", 6, 1, 0},
    {"041", 9, 1, 0},  {"042", 8, 1, 0},  {"043", 1, 1, 0},  {"044", 10, 2, 0}, {"045", 10, 1, 0},
    {"046", 1, 7, 0},  {"047", 2, 1, 0},  {"048", 9, 2, 0},  {"049", 4, 1, 0},  {"050", 1, 1, 0},
    {"051", 9, 4, 0},  {"052", 14, 11, 0}, {"053", 6, 5, 0}, {"054", 3, 1, 0},  {"055", 34, 1, 0},
    {"056", 8, 1, 0},  {"057", 9, 9, 0},  {"058", 6, 2, 1},  {"059", 6, 4, 1},  {"060", 4, 1, 0},
    {"061", 6, 3, 1},  {"062", 6, 3, 1},  {"063", 9, 3, 1},  {"064", 11, 1, 0}, {"065", 19, 1, 0},
    {"066", 18, 2, 0}, {"067", 4, 10, 5}, {"068", 7, 9, 3},  {"069", 9, 0, 0},
};

static void test_corpus_sweep(void **state)
{
    (void)state;
    NEED_CORPUS();
    struct sweep s;
    memset(&s, 0, sizeof s);
    struct vb_sink sink = {&s, sweep_event, NULL};
    int checked = 0;
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        char name[512];
        char *t = load(expect[i].num, name, sizeof name);
        vb_reader *r = vb_reader_new(&sink);
        assert_int_equal(vb_reader_feed(r, t, strlen(t)), ST_OK);
        assert_int_equal(vb_reader_finish(r), ST_OK);
        const struct vb_counts *c = vb_reader_counts(r);
        if (c->verbose_lines != expect[i].verbose || c->other_lines != expect[i].other ||
            c->unparsed != expect[i].unparsed)
            fail_msg("%s: verbose/other/unparsed %ld/%ld/%ld, want %ld/%ld/%ld", name,
                     c->verbose_lines, c->other_lines, c->unparsed, expect[i].verbose,
                     expect[i].other, expect[i].unparsed);
        vb_reader_free(r);
        free(t);
        checked++;
    }
    assert_int_equal(checked, 69);
    /* every era and shape of the reference is represented and recognised */
    assert_true(s.markers[0] > 0 && s.markers[1] > 0 && s.markers[2] > 0);
    assert_true(s.no_engine > 0);   /* 0.x */
    assert_true(s.with_ts > 0);
    assert_true(s.with_api > 0);    /* 3.3+ */
    assert_true(s.amx > 0);
    assert_true(s.gpu > 0);
    assert_true(s.untimed > 0);     /* GPU lines without time */
    assert_true(s.kinds[VB_INFO] > 0);
    assert_true(s.kinds[VB_CREATE] > 0);
    assert_true(s.kinds[VB_CREATE_NESTED] > 0);
    assert_true(s.kinds[VB_CHECK] > 0);
    assert_true(s.kinds[VB_DISPATCH] > 0);
    assert_true(s.kinds[VB_GRAPH] > 0);
    assert_true(s.kinds[VB_EXTERNAL] > 0);
}

static void header_of(const char *num, struct lsum *sum)
{
    char *t = load(num, NULL, 0);
    struct vb_sink sink = {sum, lsum_sink_event, NULL};
    vb_reader *r = vb_reader_new(&sink);
    vb_reader_feed(r, t, strlen(t));
    vb_reader_finish(r);
    lsum_finish(sum, r, NULL);
    vb_reader_free(r);
    free(t);
}

static void test_corpus_headers(void **state)
{
    (void)state;
    NEED_CORPUS();
    struct lsum *s = lsum_new();
    header_of("062", s); /* "DNNL v0.95.0 (Git Hash ...),Intel(R) ... AVX2" */
    assert_string_equal(s->onednn_version, "0.95.0");
    assert_non_null(strstr(s->cpu_isa, "AVX2"));
    lsum_free(s);
    s = lsum_new();
    header_of("057", s); /* 3.3.2 */
    assert_string_equal(s->onednn_version, "3.3.2");
    assert_string_equal(s->runtime, "OpenMP,nthr:56");
    assert_true(s->amx_share > 0.99);
    assert_true(s->bf16_share > 0.99);
    lsum_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_lines),
        cmocka_unit_test(test_corpus_sweep),
        cmocka_unit_test(test_corpus_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
