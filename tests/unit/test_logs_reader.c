/* test_logs_reader.c: cmocka suite for the streaming verbose reader
 * (logs/verbose.h) on the gotchas of whole real logs: interleaved program
 * output, CRLF, a truncated last line, chunk boundaries and the line-shape
 * cache, >64 KiB lines and binary garbage, files (empty, gzip, missing) and
 * the memory limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "logs/verbose.h"
#include "logs_cap.h"

static const char *L_REORDER = "onednn_verbose,exec,cpu,reorder,jit:uni,undef,"
                               "src_f32::blocked:abcd:f0 dst_bf16::blocked:aBcd16b:f0,,,2x16x8x8,";

static void test_reader_crlf_truncated_interleaved(void **state)
{
    (void)state;
    struct cap c;
    vb_reader *r = cap_reader(&c);
    char buf[4096];
    snprintf(buf, sizeof buf,
             "step 1 of 3\r\n%s1.25\r\n"
             "progress 50%%%s2.5\n"
             "onednn_verbose,info,oneDNN v2.6.3 (commit N/A)\r\n"
             "%s0.125",
             L_REORDER, L_REORDER, L_REORDER);
    feed_str(r, buf);
    assert_int_equal(c.n, 3); /* the last line is still pending */
    assert_int_equal(vb_reader_finish(r), ST_OK);
    assert_int_equal(c.n, 4);
    assert_true(fabs(c.ev[0].time_ms - 1.25) < 1e-12);
    assert_true(fabs(c.ev[1].time_ms - 2.5) < 1e-12);
    assert_int_equal(c.ev[2].kind, VB_INFO);
    assert_string_equal(c.ev[2].message, "oneDNN v2.6.3 (commit N/A)");
    assert_true(fabs(c.ev[3].time_ms - 0.125) < 1e-12);
    assert_int_equal(c.ev[3].line_no, 5);
    assert_int_equal(c.nother, 1);
    assert_string_equal(c.other[0], "step 1 of 3");
    const struct vb_counts *k = vb_reader_counts(r);
    assert_int_equal(k->lines, 5);
    assert_int_equal(k->verbose_lines, 4);
    assert_int_equal(k->other_lines, 1);
    assert_int_equal(k->unparsed, 0);
    vb_reader_free(r);

    /* a last line cut in the middle of a record */
    r = cap_reader(&c);
    feed_str(r, "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core,forward_inf");
    assert_int_equal(vb_reader_finish(r), ST_OK);
    assert_int_equal(vb_reader_counts(r)->unparsed, 1);
    const char *samples[4];
    assert_int_equal(vb_reader_unparsed_samples(r, samples, 4), 1);
    assert_non_null(strstr(samples[0], "forward_inf"));
    assert_int_equal(c.n, 0);
    vb_reader_free(r);
}

static void test_reader_chunking_and_cache(void **state)
{
    (void)state;
    /* The same log fed at once and one byte at a time gives the same events;
     * repeated shapes (cache hits) keep their own time and timestamp. */
    struct abuf log;
    abuf_init(&log);
    for (int i = 0; i < 200; i++) {
        abuf_printf(&log, "onednn_verbose,%d.%06d,exec,cpu,reorder,jit:uni,undef,"
                          "src_f32::blocked:abcd:f0 dst_bf16::blocked:aBcd16b:f0,,,2x16x8x8,%d.5\n",
                    1700000000 + i, i, i);
        if (i % 7 == 0)
            abuf_printf(&log, "program line %d\n", i);
        if (i % 11 == 0)
            abuf_printf(&log, "onednn_verbose,exec,cpu,matmul,brg:avx512_core_bf16,undef,"
                              "src_bf16::blocked:ab:f0 wei_bf16::blocked:ab:f0 dst_bf16::blocked:ab:f0"
                              ",,,64x128:128x96:64x96,%de-03\n",
                        i);
    }
    struct cap a, b;
    vb_reader *ra = cap_reader(&a);
    assert_int_equal(vb_reader_feed(ra, log.data, log.len), ST_OK);
    vb_reader_finish(ra);
    vb_reader *rb = cap_reader(&b);
    for (size_t i = 0; i < log.len; i++)
        assert_int_equal(vb_reader_feed(rb, log.data + i, 1), ST_OK);
    vb_reader_finish(rb);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.n, 200 + 19);
    assert_true(fabs(a.time_sum - b.time_sum) < 1e-9);
    double want = 0;
    for (int i = 0; i < 200; i++)
        want += i + 0.5 + (i % 11 == 0 ? i * 1e-3 : 0);
    assert_true(fabs(a.time_sum - want) < 1e-6);
    assert_int_equal(vb_reader_counts(ra)->other_lines, 29);
    assert_int_equal(vb_reader_counts(rb)->other_lines, 29);
    /* event 3 is the third reorder (i=2): its own timestamp and time */
    assert_true(fabs(a.ev[3].ts_ms - 1700000002.000002) < 1e-4);
    assert_true(fabs(a.ev[3].time_ms - 2.5) < 1e-12);
    assert_ptr_equal(a.ev[0].impl, a.ev[3].impl); /* interned */
    vb_reader_free(ra);
    vb_reader_free(rb);
    abuf_done(&log);
}

static void test_reader_long_lines_and_garbage(void **state)
{
    (void)state;
    struct cap c;
    vb_reader *r = cap_reader(&c);
    /* a verbose line longer than 64 KiB: its problem field is 100000 bytes */
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "onednn_verbose,exec,cpu,concat,simple:any,undef,src_f32::blocked:ab:f0 "
                  "dst_f32::blocked:ab:f0,,axis:1,");
    for (int i = 0; i < 25000; i++)
        abuf_puts(&b, "1x1:");
    abuf_puts(&b, ",0.75\n");
    for (size_t off = 0; off < b.len; off += 4093)
        assert_int_equal(vb_reader_feed(r, b.data + off, b.len - off < 4093 ? b.len - off : 4093),
                         ST_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(strlen(c.ev[0].problem), 100000);
    assert_true(fabs(c.ev[0].time_ms - 0.75) < 1e-12);
    /* a line over the 1 MiB cap is cut and counted, memory stays bounded */
    char *big = malloc(3u << 20);
    memset(big, 'x', 3u << 20);
    memcpy(big, "onednn_verbose,exec,", 20);
    for (size_t off = 0; off < (3u << 20); off += 65536)
        assert_int_equal(vb_reader_feed(r, big + off, 65536), ST_OK);
    feed_str(r, "\nafter the monster\n");
    const struct vb_counts *k = vb_reader_counts(r);
    assert_int_equal(k->lines, 3);
    assert_int_equal(k->unparsed, 1);
    assert_int_equal(k->other_lines, 1);
    assert_string_equal(c.other[0], "after the monster");
    /* binary garbage, NULs included */
    unsigned s = 12345;
    for (int i = 0; i < (1 << 20); i++) {
        s = s * 1103515245u + 12345u;
        big[i] = (char)(s >> 16);
    }
    memcpy(big + 1000, "dnnl_verbose,exec,cpu", 21);
    assert_int_equal(vb_reader_feed(r, big, 1u << 20), ST_OK);
    assert_int_equal(vb_reader_finish(r), ST_OK);
    assert_true(vb_reader_counts(r)->lines > 3);
    free(big);
    abuf_done(&b);
    vb_reader_free(r);
}

static void test_memory_limit(void **state)
{
    (void)state;
    /* distinct shapes are interned; past the cap the reader stops cleanly */
    struct cap c;
    vb_reader *r = cap_reader(&c);
    vb_reader_set_pool_limit(r, 64 << 10);
    enum status st = ST_OK;
    char line[512];
    for (int i = 0; i < 20000 && st == ST_OK; i++) {
        snprintf(line, sizeof line, "%smb%d_unique_problem_%d,0.5\n",
                 "onednn_verbose,exec,cpu,convolution,jit:avx2,forward_inference,"
                 "src_f32::blocked:abcd:f0 dst_f32::blocked:abcd:f0,,alg:convolution_direct,",
                 i, i);
        st = vb_reader_feed(r, line, strlen(line));
    }
    assert_int_equal(st, ST_ELIMIT);
    assert_non_null(strstr(vb_reader_error(r), "distinct primitive shapes"));
    assert_true(c.n > 100 && c.n < 20000);
    assert_int_equal(vb_reader_feed(r, "x\n", 2), ST_ELIMIT); /* stays stopped */
    vb_reader_free(r);
}

static char *tmp_dir(void)
{
    char *d = strdup("/tmp/ampscope-test-logs-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

static void test_read_path_files(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char path[512], gzpath[512], empty[512];
    snprintf(path, sizeof path, "%s/run.log", dir);
    snprintf(gzpath, sizeof gzpath, "%s/run.log.gz", dir);
    snprintf(empty, sizeof empty, "%s/empty.log", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    gzFile g = gzopen(gzpath, "wb");
    assert_non_null(g);
    for (int i = 0; i < 1000; i++) {
        char line[300];
        int n = snprintf(line, sizeof line, "%s%d.25\nnoise %d\n", L_REORDER, i, i);
        fwrite(line, 1, (size_t)n, f);
        gzwrite(g, line, (unsigned)n);
    }
    fclose(f);
    gzclose(g);
    fclose(fopen(empty, "w"));

    struct cap a, b, c;
    struct err e = {0};
    vb_reader *ra = cap_reader(&a), *rb = cap_reader(&b), *rc = cap_reader(&c);
    assert_int_equal(vb_read_path(ra, path, &e), ST_OK);
    assert_int_equal(vb_read_path(rb, gzpath, &e), ST_OK);
    assert_int_equal(a.n, 1000);
    assert_int_equal(b.n, 1000);
    assert_true(fabs(a.time_sum - b.time_sum) < 1e-9);
    assert_int_equal(vb_reader_counts(rb)->other_lines, 1000);
    assert_int_equal(vb_read_path(rc, empty, &e), ST_OK);
    /* unparsed samples name the file and the line */
    FILE *uf = fopen(empty, "w");
    fprintf(uf, "ok\n%s\n", "onednn_verbose,exec,cpu,reorder,jit:uni,undef,<elided>");
    fclose(uf);
    vb_reader *ru = vb_reader_new(NULL);
    assert_int_equal(vb_read_path(ru, empty, &e), ST_OK);
    const char *sm[2];
    assert_int_equal(vb_reader_unparsed_samples(ru, sm, 2), 1);
    char want[700];
    snprintf(want, sizeof want, "%s:2: onednn_verbose,exec,cpu,reorder", empty);
    assert_ptr_equal(strstr(sm[0], want), sm[0]);
    vb_reader_free(ru);
    assert_int_equal(vb_reader_counts(rc)->lines, 0);
    /* missing file and directory: the path and the reason */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope.log", dir);
    assert_int_equal(vb_read_path(rc, missing, &e), ST_ENOENT);
    assert_string_equal(e.file, missing);
    assert_non_null(strstr(e.msg, "No such file"));
    assert_int_equal(vb_read_path(rc, dir, &e), ST_EIO);
    assert_non_null(strstr(e.msg, "directory"));
    /* a truncated gzip file: the lines before the cut are read, then an error */
    FILE *gf = fopen(gzpath, "rb");
    char *gzdata = malloc(1 << 20);
    size_t gn = fread(gzdata, 1, 1 << 20, gf);
    fclose(gf);
    gf = fopen(gzpath, "wb");
    fwrite(gzdata, 1, gn / 2, gf);
    fclose(gf);
    free(gzdata);
    vb_reader_free(rc);
    rc = cap_reader(&c);
    assert_int_equal(vb_read_path(rc, gzpath, &e), ST_EIO);
    assert_non_null(strstr(e.msg, "gzip"));
    vb_reader_free(ra);
    vb_reader_free(rb);
    vb_reader_free(rc);
    unlink(path);
    unlink(gzpath);
    unlink(empty);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_crlf_truncated_interleaved),
        cmocka_unit_test(test_reader_chunking_and_cache),
        cmocka_unit_test(test_reader_long_lines_and_garbage),
        cmocka_unit_test(test_read_path_files),
        cmocka_unit_test(test_memory_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
