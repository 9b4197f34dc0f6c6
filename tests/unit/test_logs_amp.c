/* test_logs_amp.c: cmocka suite for the TF/ITEX auto-mixed-precision log
 * reader (logs/amplog.h): the INFO summaries behind the classic and the absl
 * log prefixes, failures, list conflicts, the VLOG per-node painting, type
 * changes and cast insertions, ITEX's variants, and lines that must not match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "logs/amplog.h"

static int line(amp_log *a, const char *s)
{
    static long n;
    return amp_log_line(a, s, strlen(s), ++n);
}

static void test_classic_prefix(void **state)
{
    (void)state;
    amp_log *a = amp_log_new();
    const struct amp_log_summary *s = amp_log_summary(a);
    assert_int_equal(s->converted, -1);
    assert_int_equal(s->casts, -1);
    assert_int_equal(line(a, "2022-08-19 00:06:08.735706: I tensorflow/core/grappler/optimizers/"
                             "auto_mixed_precision.cc:2303] Running "
                             "auto_mixed_precision_onednn_bfloat16 graph optimizer"),
                     1);
    assert_int_equal(line(a, "2022-08-19 00:06:08.740000: I tensorflow/core/grappler/optimizers/"
                             "auto_mixed_precision.cc:2240] Converted 3/11 nodes to bfloat16 "
                             "precision using 0 cast(s) to bfloat16 (excluding Const and Variable "
                             "casts)\r"),
                     1);
    assert_int_equal(line(a, "2022-08-19 00:06:08.735706: I tensorflow/core/platform/"
                             "cpu_feature_guard.cc:193] This TensorFlow binary is optimized with "
                             "oneAPI Deep Neural Network Library (oneDNN)"),
                     0);
    assert_int_equal(s->passes_run, 1);
    assert_int_equal(s->converted, 3);
    assert_int_equal(s->total, 11);
    assert_int_equal(s->casts, 0);
    assert_int_equal(s->converted_lines, 1);
    assert_string_equal(s->dtype, "bfloat16");
    assert_false(s->itex);
    assert_non_null(strstr(s->converted_line, "Converted 3/11 nodes"));
    amp_log_free(a);
}

static void test_absl_prefix_and_failures(void **state)
{
    (void)state;
    amp_log *a = amp_log_new();
    const struct amp_log_summary *s = amp_log_summary(a);
    assert_int_equal(line(a, "I0000 00:00:1758753949.448357     905 auto_mixed_precision.cc:2335] "
                             "Running auto_mixed_precision_onednn_bfloat16 graph optimizer"),
                     1);
    assert_int_equal(line(a, "I0000 00:00:1758753949.448357     905 auto_mixed_precision.cc:1511] "
                             "No allowlist ops found, nothing to do"),
                     1);
    /* VLOG(1) variant names the item: not another pass */
    assert_int_equal(line(a, "I0000 00:00:1758753949.5     905 auto_mixed_precision.cc:2330] "
                             "Running auto_mixed_precision_onednn_bfloat16 graph optimizer on "
                             "tf_graph"),
                     1);
    assert_int_equal(line(a, "E0000 00:00:1758753949.6     905 auto_mixed_precision.cc:1200] Op "
                             "present in multiple lists: MatMul"),
                     1);
    assert_int_equal(line(a, "W0000 00:00:1758753949.7     905 meta_optimizer.cc:950] "
                             "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: "
                             "INVALID_ARGUMENT: Op lists have conflicting entries"),
                     1);
    assert_int_equal(line(a, "No whitelist ops found, nothing to do"), 1); /* old TF, no prefix */
    assert_int_equal(s->passes_run, 1);
    assert_int_equal(s->nothing_to_do, 2);
    assert_true(s->multiple_lists);
    assert_int_equal(s->failures, 1);
    assert_non_null(strstr(s->failure, "Op lists have conflicting entries"));
    assert_int_equal(s->converted, -1);
    amp_log_free(a);
}

static void test_vlog_decisions(void **state)
{
    (void)state;
    amp_log *a = amp_log_new();
    const char *p = "I0000 00:00:1758753949.448357     905 auto_mixed_precision.cc:1600] ";
    char buf[512];
#define L(msg) (snprintf(buf, sizeof buf, "%s%s", p, msg), line(a, buf))
    assert_int_equal(L("Painting type T of node dense/MatMul ALLOW because its op MatMul is on the "
                       "allowlist"),
                     1);
    assert_int_equal(L("Painting type T of Relu node dense/Relu DENY"), 1);
    assert_int_equal(L("Painting type T of BiasAdd node dense/BiasAdd ALLOW"), 1);
    assert_int_equal(L("UnPainting type T of node q/Erf ALLOW because its op Erf is not support F16 "
                       "DataType"),
                     1);
    assert_int_equal(L("Changing type T of MatMul node dense/MatMul to bfloat16"), 1);
    assert_int_equal(L("Inserting cast to bfloat16 at Placeholder x:0"), 1);
    assert_int_equal(L("Inserting cast to DT_FLOAT at BiasAdd dense/BiasAdd:1"), 1);
    assert_int_equal(L("Beginning pass 1 to add allowlist ops"), 0);
#undef L
    int n;
    const struct amp_decision *d = amp_log_decisions(a, &n);
    assert_int_equal(n, 7);
    assert_int_equal(amp_log_summary(a)->n_decisions, 7);
    assert_int_equal(d[0].kind, AMP_DEC_PAINT);
    assert_string_equal(d[0].node, "dense/MatMul");
    assert_string_equal(d[0].op, "MatMul");
    assert_string_equal(d[0].attr, "T");
    assert_string_equal(d[0].what, "ALLOW");
    assert_int_equal(d[0].port, -1);
    assert_string_equal(d[1].op, "Relu");
    assert_string_equal(d[1].node, "dense/Relu");
    assert_string_equal(d[1].what, "DENY");
    assert_string_equal(d[3].what, "UNALLOW");
    assert_string_equal(d[3].op, "Erf");
    assert_int_equal(d[4].kind, AMP_DEC_CHANGE);
    assert_string_equal(d[4].node, "dense/MatMul");
    assert_string_equal(d[4].what, "bfloat16");
    assert_int_equal(d[5].kind, AMP_DEC_CAST);
    assert_string_equal(d[5].what, "bfloat16");
    assert_string_equal(d[5].op, "Placeholder");
    assert_string_equal(d[5].node, "x");
    assert_int_equal(d[5].port, 0);
    assert_string_equal(d[6].what, "DT_FLOAT");
    assert_string_equal(d[6].node, "dense/BiasAdd");
    assert_int_equal(d[6].port, 1);
    assert_true(d[6].line_no > d[5].line_no);
    amp_log_free(a);
}

static void test_itex(void **state)
{
    (void)state;
    amp_log *a = amp_log_new();
    const struct amp_log_summary *s = amp_log_summary(a);
    assert_int_equal(line(a, "2025-01-01 12:00:00.123456: I itex/core/graph/auto_mixed_precision/"
                             "auto_mixed_precision.cc:1088] Run advanced auto mixed precision "
                             "datatype BFLOAT16 on CPU"),
                     1);
    assert_int_equal(line(a, "2025-01-01 12:00:00.223456: I itex/core/graph/auto_mixed_precision/"
                             "auto_mixed_precision.cc:1300] Converted 5/9 nodes to bfloat16 "
                             "precision using 2 cast(s) to bfloat16 (excluding Const and Variable "
                             "casts)"),
                     1);
    assert_int_equal(line(a, "2025-01-01 12:00:00.323456: I itex/core/graph/auto_mixed_precision/"
                             "auto_mixed_precision.cc:1300] Converted 1/4 nodes to bfloat16 "
                             "precision using 1 cast(s) to bfloat16 (excluding Const and Variable "
                             "casts)"),
                     1);
    assert_int_equal(line(a, "2025-01-01 12:00:00.423456: W itex/core/graph/xpu_optimizer.cc:99]  "
                             "graph optimizer FAILED: INTERNAL: something broke"),
                     1);
    assert_true(s->itex);
    assert_int_equal(s->passes_run, 1);
    assert_int_equal(s->converted, 1);
    assert_int_equal(s->total, 4);
    assert_int_equal(s->converted_lines, 2);
    assert_int_equal(s->converted_sum, 6);
    assert_int_equal(s->total_sum, 13);
    assert_int_equal(s->casts_sum, 3);
    assert_int_equal(s->failures, 1);
    assert_string_equal(s->dtype, "bfloat16");
    /* no crash on garbage or fragments */
    assert_int_equal(line(a, "Converted x/y nodes"), 0);
    assert_int_equal(line(a, "Painting type"), 0);
    assert_int_equal(line(a, "Inserting cast to "), 0);
    assert_int_equal(amp_log_line(a, "", 0, 1), 0);
    amp_log_free(a);
}

/* Lines come from a read buffer: never NUL-terminated (fuzzer finding). */
static void test_unterminated_lines(void **state)
{
    (void)state;
    amp_log *a = amp_log_new();
    const char *msgs[] = {"Inserting cast to DT_FLOAT at BiasAdd b:12",
                          "I0000 00:00:1.5  905 x.cc:1] Inserting cast to bfloat16 at Op n:7",
                          "Painting type T of Relu node r DENY", "Converted 1/2 nodes to bfloat16"};
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        size_t n = strlen(msgs[i]);
        char *buf = malloc(n); /* exactly n bytes: ASan flags any read past */
        memcpy(buf, msgs[i], n);
        amp_log_line(a, buf, n, (long)i + 1);
        free(buf);
    }
    int n;
    const struct amp_decision *d = amp_log_decisions(a, &n);
    assert_int_equal(n, 3);
    assert_int_equal(d[0].port, 12);
    assert_int_equal(d[1].port, 7);
    amp_log_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic_prefix),
        cmocka_unit_test(test_absl_prefix_and_failures),
        cmocka_unit_test(test_vlog_decisions),
        cmocka_unit_test(test_itex),
        cmocka_unit_test(test_unterminated_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
