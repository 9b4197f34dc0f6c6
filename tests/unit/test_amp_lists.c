/* test_amp_lists.c: cmocka suite for the AMP op lists (analyze/amp_lists.c)
 * and the OpDef facts (analyze/opdefs.c): the list set of each TF release
 * with its quirks, env parsing exactly as TensorFlow does it (comma split, no
 * trimming, adds before removes, legacy names after new ones), levels,
 * conflicts, the env lines produced for edits, and OpDef port/attr facts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/amp_int.h"

/* a fake environment for amp_lists_from_env */
static const char *fake_env[32][2];
static int n_fake;
static void env_reset(void) { n_fake = 0; }
static void env_set(const char *k, const char *v)
{
    fake_env[n_fake][0] = k;
    fake_env[n_fake][1] = v;
    n_fake++;
}
static const char *env_get(const char *k)
{
    for (int i = 0; i < n_fake; i++)
        if (!strcmp(fake_env[i][0], k))
            return fake_env[i][1];
    return NULL;
}
#define P "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"

static amp_lists *lists(const char *v)
{
    struct err e;
    amp_lists *l = amp_lists_new(v, &e);
    assert_non_null(l);
    return l;
}

static int count(const amp_lists *l, enum amp_list li)
{
    const char *const *ops;
    return amp_lists_ops(l, li, &ops);
}

static void test_newest_is_tf_2_19(void **state)
{
    (void)state;
    amp_lists *l = lists(NULL);
    assert_string_equal(amp_lists_version(l), "2.19");
    /* sizes of tensorflow 2.19.1's AutoMixedPrecisionListsMkl */
    assert_int_equal(count(l, AMP_LIST_ALLOW), 14);
    assert_int_equal(count(l, AMP_LIST_INFER), 48);
    assert_int_equal(count(l, AMP_LIST_DENY), 7);
    assert_int_equal(count(l, AMP_LIST_CLEAR), 96 + 15);
    assert_int_equal(amp_lists_which(l, "Einsum", NULL), AMP_LIST_ALLOW);
    assert_int_equal(amp_lists_which(l, "FusedPadConv2D", NULL), AMP_LIST_ALLOW);
    assert_int_equal(amp_lists_which(l, "Mean", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_which(l, "Sum", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_which(l, "Tanh", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_which(l, "While", NULL), AMP_LIST_CLEAR);
    assert_int_equal(amp_lists_which(l, "TensorListStack", NULL), AMP_LIST_CLEAR);
    assert_int_equal(amp_lists_which(l, "Exp", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Const", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_which(l, "OneHot", NULL), AMP_LIST_NONE); /* FP16 clear only */
    assert_int_equal(amp_lists_cast_style(l), AMP_CAST_SRC_ID);
    amp_lists_free(l);
}

static void test_version_quirks(void **state)
{
    (void)state;
    /* 2.9 (S1): no Einsum, Mean and Sum denylisted, no IdentityN/While on clear */
    amp_lists *l = lists("2.9");
    assert_int_equal(count(l, AMP_LIST_ALLOW), 12);
    assert_int_equal(count(l, AMP_LIST_INFER), 40);
    assert_int_equal(count(l, AMP_LIST_DENY), 9);
    assert_int_equal(amp_lists_which(l, "Einsum", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_which(l, "Mean", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Sum", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Erf", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_which(l, "While", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_cast_style(l), AMP_CAST_SRC_DST);
    amp_lists_free(l);
    /* 2.10 and 2.8 map to the same set */
    l = lists("2.10.1");
    assert_string_equal(amp_lists_version(l), "2.9");
    amp_lists_free(l);
    /* 2.11 (S2): + Einsum */
    l = lists("2.11");
    assert_int_equal(count(l, AMP_LIST_ALLOW), 13);
    assert_int_equal(amp_lists_which(l, "Einsum", NULL), AMP_LIST_ALLOW);
    assert_int_equal(amp_lists_which(l, "Mean", NULL), AMP_LIST_DENY);
    amp_lists_free(l);
    /* 2.12 (S3): "Sum" "Tanh" is one op "SumTanh": Sum and Tanh on no list; Mean infer */
    l = lists("2.12");
    assert_int_equal(amp_lists_which(l, "Sum", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_which(l, "Tanh", NULL), AMP_LIST_NONE);
    assert_int_equal(amp_lists_which(l, "SumTanh", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_which(l, "Mean", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_which(l, "ResizeBilinear", NULL), AMP_LIST_CLEAR);
    assert_int_equal(count(l, AMP_LIST_DENY), 7);
    amp_lists_free(l);
    /* 2.13 (S3b): Mean back on deny, typo still there */
    l = lists("2.13");
    assert_int_equal(amp_lists_which(l, "Mean", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Tanh", NULL), AMP_LIST_NONE);
    assert_int_equal(count(l, AMP_LIST_DENY), 8);
    amp_lists_free(l);
    l = lists("v2.17.0rc1");
    assert_string_equal(amp_lists_version(l), "2.19");
    amp_lists_free(l);
    struct err e;
    memset(&e, 0, sizeof e);
    assert_null(amp_lists_new("2.3", &e));
    assert_non_null(strstr(e.msg, "2.8"));
    assert_null(amp_lists_new("banana", &e));
    assert_non_null(strstr(e.msg, "banana"));
    assert_null(amp_lists_new("3.0", &e));
    const char *const *v = amp_tf_versions();
    assert_string_equal(v[0], "2.9");
    int n = 0;
    while (v[n])
        n++;
    assert_string_equal(v[n - 1], "2.19");
}

static void test_env_split_no_trim(void **state)
{
    (void)state;
    amp_lists *l = lists(NULL);
    env_reset();
    env_set(P "ALLOWLIST_ADD", "Relu, Tanh,,Foo");
    assert_int_equal(amp_lists_from_env(l, env_get, NULL), ST_OK);
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, "Relu"));
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, " Tanh")); /* not trimmed */
    assert_false(amp_lists_has(l, AMP_LIST_ALLOW, "Tanh"));
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, ""));      /* empty piece kept */
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, "Foo"));
    /* Relu is now on allow and clear: the pass would fail */
    const char **dup = NULL;
    int nd = amp_lists_conflicts(l, &dup);
    assert_int_equal(nd, 1);
    assert_string_equal(dup[0], "Relu");
    free(dup);
    amp_lists_free(l);

    /* an empty value adds nothing */
    l = lists(NULL);
    env_reset();
    env_set(P "DENYLIST_ADD", "");
    amp_lists_from_env(l, env_get, NULL);
    assert_int_equal(count(l, AMP_LIST_DENY), 7);
    amp_lists_free(l);
}

static void test_env_adds_before_removes(void **state)
{
    (void)state;
    amp_lists *l = lists(NULL);
    env_reset();
    env_set(P "INFERLIST_ADD", "Exp2");
    env_set(P "INFERLIST_REMOVE", "Exp2,Mean");
    amp_lists_from_env(l, env_get, NULL);
    assert_false(amp_lists_has(l, AMP_LIST_INFER, "Exp2"));
    assert_false(amp_lists_has(l, AMP_LIST_INFER, "Mean"));
    amp_lists_free(l);

    /* legacy names are applied after the new ones: WHITELIST_ADD wins over ALLOWLIST_REMOVE */
    l = lists(NULL);
    env_reset();
    env_set(P "ALLOWLIST_REMOVE", "MatMul");
    env_set(P "WHITELIST_ADD", "MatMul");
    amp_lists_from_env(l, env_get, NULL);
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, "MatMul"));
    amp_lists_free(l);
    l = lists(NULL);
    env_reset();
    env_set(P "ALLOWLIST_ADD", "Relu");
    env_set(P "WHITELIST_REMOVE", "Relu");
    env_set(P "GRAYLIST_ADD", "Exp");
    env_set(P "BLACKLIST_REMOVE", "Exp");
    amp_lists_from_env(l, env_get, NULL);
    assert_false(amp_lists_has(l, AMP_LIST_ALLOW, "Relu"));
    assert_int_equal(amp_lists_which(l, "Exp", NULL), AMP_LIST_INFER);
    const char **dup = NULL;
    assert_int_equal(amp_lists_conflicts(l, &dup), 0);
    free(dup);
    amp_lists_free(l);
    /* there is no legacy name for the clear list */
    l = lists(NULL);
    env_reset();
    env_set(P "WHITELIST_ADD", "Abs2");
    env_set(P "CLEARLIST_REMOVE", "Relu");
    amp_lists_from_env(l, env_get, NULL);
    assert_true(amp_lists_has(l, AMP_LIST_ALLOW, "Abs2"));
    assert_int_equal(amp_lists_which(l, "Relu", NULL), AMP_LIST_NONE);
    amp_lists_free(l);
}

static void test_levels(void **state)
{
    (void)state;
    amp_lists *l = lists(NULL);
    env_reset();
    env_set(P "LEVEL", "treat_infer_as_deny");
    amp_lists_from_env(l, env_get, NULL);
    assert_int_equal(amp_lists_level(l), AMP_LEVEL_TREAT_INFER_AS_DENY);
    /* with infer folded into deny, an op on infer and deny is no conflict */
    amp_lists_edit(l, AMP_LIST_DENY, true, "Mul");
    const char **dup = NULL;
    assert_int_equal(amp_lists_conflicts(l, &dup), 0);
    free(dup);
    amp_lists_set_level(l, NULL);
    assert_int_equal(amp_lists_conflicts(l, &dup), 1);
    free(dup);
    amp_lists_set_level(l, " TREAT_INFER_AS_DENY"); /* not trimmed: unknown = default */
    assert_int_equal(amp_lists_level(l), AMP_LEVEL_DEFAULT);
    amp_lists_set_level(l, "Unsafe_Force_All");
    assert_int_equal(amp_lists_level(l), AMP_LEVEL_UNSAFE_FORCE_ALL);
    assert_string_equal(amp_lists_level_text(l), "Unsafe_Force_All");
    amp_lists_free(l);
}

static void test_set_and_env_lines(void **state)
{
    (void)state;
    amp_lists *l = lists(NULL);
    amp_lists_set(l, "MatMul", AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "MatMul", NULL), AMP_LIST_DENY);
    const char *const *names, *const *values;
    int n = amp_lists_env(l, &names, &values);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], P "ALLOWLIST_REMOVE");
    assert_string_equal(values[0], "MatMul");
    assert_string_equal(names[1], P "DENYLIST_ADD");
    assert_string_equal(values[1], "MatMul");
    amp_lists_set(l, "Exp", AMP_LIST_INFER);
    amp_lists_set(l, "MatMul", AMP_LIST_NONE); /* back to default */
    n = amp_lists_env(l, &names, &values);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], P "INFERLIST_ADD");
    assert_string_equal(names[1], P "DENYLIST_REMOVE");
    assert_int_equal(amp_lists_which(l, "MatMul", NULL), AMP_LIST_ALLOW);
    amp_lists *c = amp_lists_clone(l);
    assert_int_equal(amp_lists_which(c, "Exp", NULL), AMP_LIST_INFER);
    assert_int_equal(amp_lists_default(c, "Exp"), AMP_LIST_DENY);
    amp_lists_free(c);
    amp_lists_free(l);
    assert_int_equal(amp_list_parse("GRAY"), AMP_LIST_INFER);
    assert_int_equal(amp_list_parse("blacklist"), AMP_LIST_DENY);
    assert_int_equal((int)amp_list_parse("purple"), -1);
    assert_string_equal(amp_list_name(AMP_LIST_CLEAR), "clear");
}

static void test_opdefs(void **state)
{
    (void)state;
    const struct amp_opdef *d = amp_opdef_find("FusedBatchNormV3");
    assert_non_null(d);
    assert_int_equal(d->n_in, 5);
    assert_string_equal(d->in[1].attr, "U");
    assert_true(amp_opdef_allows_bf16("FusedBatchNormV3", "T"));
    /* TF 2.19.1's OpDef allows bf16 for U (the oneDNN kernel does not) */
    assert_true(amp_opdef_allows_bf16("FusedBatchNormV3", "U"));
    assert_false(amp_opdef_allows_bf16("FusedBatchNorm", "T") && amp_opdef_allows_bf16("FusedBatchNorm", "U"));
    d = amp_opdef_find("ConcatV2");
    assert_string_equal(d->in[0].number, "N");
    assert_int_equal(d->in[1].kind, AMP_ARG_ATTR);
    d = amp_opdef_find("Merge");
    assert_int_equal(d->out[1].kind, AMP_ARG_FIXED);
    assert_int_equal(d->out[1].fixed, TF_DT_INT32);
    d = amp_opdef_find("IdentityN");
    assert_int_equal(d->in[0].kind, AMP_ARG_LIST);
    assert_true(amp_opdef_kernel_bf16("MatMul", "T"));
    assert_false(amp_opdef_allows_bf16("Mean", "Tidx"));
    assert_null(amp_opdef_find("NoSuchOp"));
    /* every op on every list of every version is known, except ops the
       registry of 2.19.1 does not have */
    const char *const *v = amp_tf_versions();
    for (int i = 0; v[i]; i++) {
        amp_lists *l = lists(v[i]);
        for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++) {
            const char *const *ops;
            int n = amp_lists_ops(l, (enum amp_list)li, &ops);
            for (int k = 0; k < n; k++) {
                if (!strcmp(ops[k], "FusedPadConv2D") || !strcmp(ops[k], "SumTanh") ||
                    !strcmp(ops[k], "BatchMatMul") || !strcmp(ops[k], "Inv"))
                    continue;
                if (!amp_op_known(ops[k]))
                    fail_msg("op %s of the %s lists is not in the OpDef table", ops[k], v[i]);
            }
        }
        amp_lists_free(l);
    }
    assert_string_equal(amp_op_suggest("MatMal"), "MatMul");
    assert_string_equal(amp_op_suggest("conv2d"), "Conv2D");
    assert_null(amp_op_suggest("Zzzzzzzzzzzzzzzz"));
}

/* A run's recorded list edits (meta.json list_env text) rebuild the same lists
 * as the environment would, long values included. */
static void test_env_text(void **state)
{
    (void)state;
    struct err e;
    amp_lists *l = amp_lists_new(NULL, &e);
    assert_non_null(l);
    struct abuf b;
    abuf_init(&b);
    abuf_puts(&b, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE=MatMul\n"
                  "garbage line without equals\n"
                  "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=MatMul");
    for (int i = 0; i < 400; i++)
        abuf_printf(&b, ",Op%d", i); /* longer than any fixed buffer */
    abuf_puts(&b, ",Exp\n");
    assert_int_equal(amp_lists_from_env_text(l, b.data, &e), ST_OK);
    assert_int_equal(amp_lists_which(l, "MatMul", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Op399", NULL), AMP_LIST_DENY);
    assert_int_equal(amp_lists_which(l, "Conv2D", NULL), AMP_LIST_ALLOW);
    abuf_done(&b);
    amp_lists_free(l);
}

/* Typo suggestions name real ops: case first, list ops before others, never
 * a TF test op that is the typo plus digits. */
static void test_suggest(void **state)
{
    (void)state;
    assert_string_equal(amp_op_suggest("Matmul"), "MatMul");
    assert_string_equal(amp_op_suggest("conv2d"), "Conv2D");
    assert_string_equal(amp_op_suggest("Softmx"), "Softmax");
    const char *s = amp_op_suggest("Foo");
    assert_true(s == NULL || strcmp(s, "Foo1") != 0);
    assert_null(amp_op_suggest("CompletelyUnrelatedName"));
    assert_true(amp_op_known("Foo1")); /* still known, just never suggested */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_is_tf_2_19), cmocka_unit_test(test_env_text), cmocka_unit_test(test_suggest), cmocka_unit_test(test_version_quirks),
        cmocka_unit_test(test_env_split_no_trim), cmocka_unit_test(test_env_adds_before_removes),
        cmocka_unit_test(test_levels),            cmocka_unit_test(test_set_and_env_lines),
        cmocka_unit_test(test_opdefs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
