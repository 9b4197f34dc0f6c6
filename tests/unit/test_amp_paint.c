/* test_amp_paint.c: cmocka suite for the AMP painter (analyze/amp_paint*.c)
 * built from the pass's documented behaviour (tf-amp.md §1.3): each pass on a
 * small graph (written as text GraphDef and loaded by the real loader), the
 * per-version Cast names, the preserve set and device check, levels, the
 * two-lists failure, existing-Cast retyping, loop edges, TensorList clusters,
 * the prepass model, and the JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amp.h"
#include "analyze/graph.h"

/* Builds a text GraphDef from lines "name op in1 in2 ... key=value ...".
 * Type attrs default to T=float (dtype=float for Placeholder/Const); "T=-"
 * drops T; key=int32/float/... is a type, key=123 an int, dev=... the device;
 * inputs starting with ^ are control inputs. */
static graph *mk(const char *spec)
{
    struct abuf b;
    abuf_init(&b);
    char *dup = xstrdup(spec);
    for (char *save = NULL, *ln = strtok_r(dup, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        char *tok[32];
        int n = 0;
        for (char *s2 = NULL, *t = strtok_r(ln, " ", &s2); t && n < 32; t = strtok_r(NULL, " ", &s2))
            tok[n++] = t;
        if (n < 2)
            continue;
        abuf_printf(&b, "node { name: \"%s\" op: \"%s\"", tok[0], tok[1]);
        bool has_t = false, no_t = false;
        for (int i = 2; i < n; i++) {
            char *eq = strchr(tok[i], '=');
            if (!eq) {
                abuf_printf(&b, " input: \"%s\"", tok[i]);
                continue;
            }
            *eq = 0;
            const char *k = tok[i], *v = eq + 1;
            if (!strcmp(k, "T") || !strcmp(k, "dtype"))
                has_t = true;
            if (!strcmp(v, "-")) {
                no_t = true;
                continue;
            }
            if (!strcmp(k, "dev"))
                abuf_printf(&b, " device: \"%s\"", v);
            else if (v[0] >= '0' && v[0] <= '9')
                abuf_printf(&b, " attr { key: \"%s\" value { i: %s } }", k, v);
            else
                abuf_printf(&b, " attr { key: \"%s\" value { type: DT_%s } }", k,
                            !strcmp(v, "float") ? "FLOAT" : !strcmp(v, "int32") ? "INT32"
                            : !strcmp(v, "bfloat16") ? "BFLOAT16" : !strcmp(v, "variant") ? "VARIANT" : "INT64");
        }
        if (!has_t && !no_t) {
            const char *key = !strcmp(tok[1], "Placeholder") || !strcmp(tok[1], "Const") ? "dtype" : "T";
            abuf_printf(&b, " attr { key: \"%s\" value { type: DT_FLOAT } }", key);
        }
        abuf_puts(&b, " }\n");
    }
    free(dup);
    struct err e;
    memset(&e, 0, sizeof e);
    graph *g = graph_load_buffer(b.data, b.len, "test.pbtxt", NULL, &e);
    if (!g)
        fail_msg("graph_load_buffer: %s\n%s", e.msg, b.data);
    abuf_done(&b);
    return g;
}

static amp_plan *paint_v(const graph *g, const char *ver, const char *const *preserve, bool prepass,
                         amp_lists **lo)
{
    struct err e;
    amp_lists *l = amp_lists_new(ver, &e);
    assert_non_null(l);
    if (lo)
        *lo = l;
    struct amp_opts o = {preserve, true, prepass};
    amp_plan *p = amp_paint(g, l, &o, &e);
    assert_non_null(p);
    if (!lo)
        amp_lists_free(l);
    return p;
}

static const char *const XOUT[] = {"x", "out", NULL};

static const struct amp_attr_paint *attr(const amp_plan *p, const char *node, const char *a)
{
    for (int i = 0; i < p->n_attrs; i++)
        if (!strcmp(p->attrs[i].node_name, node) && !strcmp(p->attrs[i].type_attr, a))
            return &p->attrs[i];
    fail_msg("no attr %s of %s", a, node);
    return NULL;
}
static bool allow(const amp_plan *p, const char *node) { return attr(p, node, "T")->allow; }
static const char *code(const amp_plan *p, const char *node) { return attr(p, node, "T")->reason_code; }
static int pass(const amp_plan *p, const char *node) { return attr(p, node, "T")->pass; }

static const struct amp_cast *cast_from(const amp_plan *p, const char *src)
{
    for (int i = 0; i < p->n_casts; i++)
        if (!strcmp(p->casts[i].src_name, src))
            return &p->casts[i];
    return NULL;
}

/* pass 1 paints allowlist ops; preserved nodes are skipped; summary counts */
static void test_pass1_and_summary(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "w Const\n"
                  "mm MatMul x w\n"
                  "out Identity mm\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_false(p->failed);
    assert_true(allow(p, "mm"));
    assert_string_equal(code(p, "mm"), "allow");
    assert_false(attr(p, "x", "dtype")->allow);
    assert_string_equal(attr(p, "x", "dtype")->reason_code, "preserved");
    assert_false(allow(p, "out"));
    assert_int_equal(p->converted, 1);
    assert_int_equal(p->total, 4);
    /* x -> bf16 (counted), w -> bf16 (Const: not counted), mm -> fp32 for out */
    assert_int_equal(p->n_casts, 3);
    assert_int_equal(p->counted_casts, 1);
    const struct amp_cast *c = cast_from(p, "x");
    assert_non_null(c);
    assert_true(c->to_bf16 && c->counted);
    assert_string_equal(c->name, "x-0-CastToBf16-0-AutoMixedPrecision");
    c = cast_from(p, "w");
    assert_true(c->to_bf16 && !c->counted);
    c = cast_from(p, "mm");
    assert_false(c->to_bf16);
    assert_string_equal(c->name, "mm-0-CastToFp32-0-AutoMixedPrecision");
    assert_string_equal(p->summary, "Converted 1/4 nodes to bfloat16 precision using 1 cast(s) to "
                                    "bfloat16 (excluding Const and Variable casts)");
    assert_true(p->nodes[graph_find(g, "mm")].bf16);
    amp_plan_free(p);
    graph_free(g);
}

/* tf-amp.md's example: deny -> infer -> clear -> infer -> clear -> allow -> infer
 * becomes deny deny deny deny clear allow infer (then pass 5 and 4 paint the rest) */
static void test_pass2_deny_propagation(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "d Exp x\n"
                  "i1 Sigmoid d\n"
                  "c1 Relu i1\n"
                  "i2 Tanh c1\n"
                  "c2 Relu i2\n"
                  "a MatMul c2 c2\n"
                  "i3 Sigmoid a\n"
                  "out Identity i3\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_string_equal(code(p, "d"), "deny");
    assert_string_equal(code(p, "i1"), "deny_propagated");
    assert_string_equal(code(p, "c1"), "deny_propagated");
    assert_string_equal(code(p, "i2"), "deny_propagated");
    assert_int_equal(attr(p, "i2", "T")->cause_node, graph_find(g, "d"));
    assert_non_null(strstr(attr(p, "i2", "T")->reason, "from Exp d through Relu c1"));
    /* c2 is clear and only upstream of allow: not deny, pass 5 paints it */
    assert_true(allow(p, "c2"));
    assert_int_equal(pass(p, "c2"), 5);
    assert_true(allow(p, "a"));
    assert_true(allow(p, "i3"));
    assert_int_equal(pass(p, "i3"), 4);
    assert_string_equal(code(p, "i3"), "infer_follows");
    /* the cast into c2 comes from i2 (deny): counted */
    const struct amp_cast *c = cast_from(p, "i2");
    assert_non_null(c);
    assert_true(c->to_bf16 && c->counted);
    amp_plan_free(p);
    graph_free(g);
}

/* pass 3: infer and clear ops between two allow ops */
static void test_pass3_between(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "t Tanh a\n"
                  "r Relu t\n"
                  "b MatMul r r\n"
                  "out Identity b\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_int_equal(pass(p, "t"), 3);
    assert_string_equal(code(p, "t"), "infer_between");
    assert_int_equal(pass(p, "r"), 3);
    assert_string_equal(code(p, "r"), "clear_between");
    assert_int_equal(p->converted, 4);
    amp_plan_free(p);
    graph_free(g);
}

/* pass 4 paints infer ops right after allow ops, in graph order; a deny input blocks it */
static void test_pass4_order_and_deny_fanin(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "b BiasAdd a x\n"
                  "s Sigmoid b\n"
                  "e Exp x\n"
                  "m Mul s e\n"
                  "out Identity m\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(allow(p, "b"));
    assert_true(allow(p, "s")); /* b was painted earlier in the same loop */
    assert_false(allow(p, "m"));
    assert_string_equal(code(p, "m"), "deny_propagated"); /* Exp -> Mul (infer) is deny */
    amp_plan_free(p);
    graph_free(g);
    /* the same chain with Sigmoid listed before BiasAdd: pass 4 misses it */
    g = mk("x Placeholder\n"
           "a MatMul x x\n"
           "s Sigmoid b\n"
           "b BiasAdd a x\n"
           "out Identity s\n");
    p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(allow(p, "b"));
    assert_false(allow(p, "s"));
    assert_string_equal(code(p, "s"), "infer_no_allow_fanin");
    amp_plan_free(p);
    graph_free(g);
    /* infer with an allow input and a deny input: deny wins */
    g = mk("x Placeholder\n"
           "a MatMul x x\n"
           "e Exp x\n"
           "add AddV2 a e\n"
           "out Identity add\n");
    p = paint_v(g, NULL, XOUT, false, NULL);
    assert_false(allow(p, "add"));
    amp_plan_free(p);
    graph_free(g);
}

/* pass 5: clear ops next to allow ops, both directions, not through deny */
static void test_pass5_clear(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "r0 Relu x\n"
                  "a MatMul r0 r0\n"
                  "r1 Relu a\n"
                  "r2 Reshape r1 shp Tshape=int32\n"
                  "shp Const dtype=int32\n"
                  "out Identity r2\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_int_equal(pass(p, "r0"), 5);
    assert_int_equal(pass(p, "r1"), 5);
    assert_int_equal(pass(p, "r2"), 5);
    assert_false(attr(p, "r2", "Tshape")->was_fp32);
    assert_string_equal(attr(p, "r2", "Tshape")->reason_code, "not_float");
    assert_string_equal(code(p, "r1"), "clear_follows");
    /* the int32 shape Const gets no cast */
    assert_null(cast_from(p, "shp"));
    amp_plan_free(p);
    graph_free(g);
}

/* pass 6 drops allowlist attrs whose OpDef has no bf16; a fixed float
 * port on the allow side makes TF fail ("Failed to set type attribute") */
static void test_pass6_and_fixed(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "c Cholesky a\n"
                  "out Identity c\n");
    amp_lists *l;
    amp_plan *p = paint_v(g, NULL, XOUT, false, &l);
    amp_plan_free(p);
    amp_lists_edit(l, AMP_LIST_ALLOW, true, "Cholesky");
    struct amp_opts o = {XOUT, true, false};
    struct err e;
    p = amp_paint(g, l, &o, &e);
    assert_false(allow(p, "c"));
    assert_string_equal(code(p, "c"), "no_bf16_opdef");
    amp_plan_free(p);
    amp_lists_free(l);
    graph_free(g);
}

static void test_versions_cast_names(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "t Tanh a\n"
                  "out Identity t\n");
    amp_plan *p = paint_v(g, "2.12", XOUT, false, NULL);
    /* 2.12: Tanh is on no list ("SumTanh"), so a -> t needs a cast */
    assert_false(allow(p, "t"));
    assert_string_equal(code(p, "t"), "no_list");
    const struct amp_cast *c = cast_from(p, "a");
    assert_non_null(c);
    assert_string_equal(c->name, "a-0-t-0-CastToFp32-AutoMixedPrecision");
    c = cast_from(p, "x");
    assert_string_equal(c->name, "x-0-a-0-CastToBf16-AutoMixedPrecision");
    assert_int_equal(c->n_dst, 2); /* one shared cast for both MatMul inputs */
    amp_plan_free(p);
    p = paint_v(g, "2.19", XOUT, false, NULL);
    assert_true(allow(p, "t"));
    assert_string_equal(cast_from(p, "t")->name, "t-0-CastToFp32-0-AutoMixedPrecision");
    amp_plan_free(p);
    graph_free(g);
    /* an existing node with the name makes the id count up */
    g = mk("x Placeholder\n"
           "x-0-CastToBf16-0-AutoMixedPrecision Identity x\n"
           "a MatMul x x\n"
           "out Identity a\n"
           "o2 Identity x-0-CastToBf16-0-AutoMixedPrecision\n");
    const char *const pres[] = {"x", "out", "o2", NULL};
    p = paint_v(g, NULL, pres, false, NULL);
    assert_string_equal(cast_from(p, "x")->name, "x-0-CastToBf16-1-AutoMixedPrecision");
    amp_plan_free(p);
    graph_free(g);
}

static void test_device_and_preserve(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x dev=/job:localhost/replica:0/task:0/device:GPU:0\n"
                  "b MatMul x x dev=/device:CPU:0\n"
                  "c MatMul x x\n"
                  "out AddN a b c N=3\n");
    const char *const pres[] = {"x", "out", "c", NULL};
    amp_plan *p = paint_v(g, NULL, pres, false, NULL);
    assert_false(allow(p, "a"));
    assert_string_equal(code(p, "a"), "not_cpu");
    assert_true(allow(p, "b"));
    assert_false(allow(p, "c"));
    assert_string_equal(code(p, "c"), "preserved");
    amp_plan_free(p);
    graph_free(g);
    /* nothing allowlisted: TF does nothing */
    g = mk("x Placeholder\n"
           "r Relu x\n"
           "out Identity r\n");
    p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(p->nothing_to_do);
    assert_string_equal(p->summary, "No allowlist ops found, nothing to do");
    assert_int_equal(p->n_casts, 0);
    amp_plan_free(p);
    graph_free(g);
}

static void test_levels_and_failures(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "b BiasAdd a x\n"
                  "out Identity b\n");
    amp_lists *l;
    amp_plan *p = paint_v(g, NULL, XOUT, false, &l);
    assert_true(allow(p, "b"));
    amp_plan_free(p);
    struct amp_opts o = {XOUT, true, false};
    struct err e;
    amp_lists_set_level(l, "TREAT_INFER_AS_DENY");
    p = amp_paint(g, l, &o, &e);
    assert_false(allow(p, "b"));
    assert_string_equal(code(p, "b"), "deny");
    assert_non_null(strstr(attr(p, "b", "T")->reason, "TREAT_INFER_AS_DENY"));
    amp_plan_free(p);
    amp_lists_set_level(l, "unsafe_force_all");
    p = amp_paint(g, l, &o, &e);
    assert_true(p->failed);
    assert_non_null(strstr(p->summary, "cannot be set to UNSAFE_FORCE_ALL when oneDNN is used"));
    assert_false(allow(p, "a"));
    amp_plan_free(p);
    amp_lists_set_level(l, NULL);
    amp_lists_edit(l, AMP_LIST_DENY, true, "MatMul");
    p = amp_paint(g, l, &o, &e);
    assert_true(p->failed);
    assert_string_equal(p->summary, "auto_mixed_precision_onednn_bfloat16 graph optimizer FAILED: "
                                    "INVALID_ARGUMENT: Op lists have conflicting entries");
    assert_non_null(strstr(p->failure, "ALLOWLIST_REMOVE=MatMul"));
    assert_int_equal(p->converted, 0);
    assert_int_equal(p->n_casts, 0);
    assert_string_equal(code(p, "a"), "pass_failed");
    amp_plan_free(p);
    /* moving it properly works: MatMul deny, nothing allowlisted */
    amp_lists_edit(l, AMP_LIST_ALLOW, false, "MatMul");
    p = amp_paint(g, l, &o, &e);
    assert_false(p->failed);
    assert_true(p->nothing_to_do);
    amp_plan_free(p);
    amp_lists_free(l);
    graph_free(g);
}

/* existing Cast whose consumers are all allow: DstT becomes bf16 and no new cast */
static void test_existing_cast_retyped(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder dtype=int32\n"
                  "c Cast x SrcT=int32 DstT=float T=-\n"
                  "a MatMul c c\n"
                  "out Identity a\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(attr(p, "c", "DstT")->allow);
    assert_string_equal(attr(p, "c", "DstT")->reason_code, "cast_retyped");
    assert_null(cast_from(p, "c"));
    assert_int_equal(p->converted, 2);
    assert_int_equal(p->counted_casts, 0);
    amp_plan_free(p);
    graph_free(g);
}

/* NextIteration takes the colour of its Merges; anything but a Merge after it fails */
static void test_loop_edges(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "en Enter x frame_name=0\n"
                  "m Merge en ni N=2\n"
                  "a MatMul m m\n"
                  "ni NextIteration a\n"
                  "out Identity a\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_false(p->failed);
    assert_true(allow(p, "m"));
    assert_true(allow(p, "ni"));
    amp_plan_free(p);
    graph_free(g);
    g = mk("x Placeholder\n"
           "a MatMul x x\n"
           "ni NextIteration a\n"
           "out Identity ni\n");
    p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(p->failed);
    assert_non_null(strstr(p->failure, "Expected Merge node after NextIteration, got Identity"));
    amp_plan_free(p);
    graph_free(g);
}

/* a TensorList written and read next to bf16 ops is painted as one cluster */
static void test_tensor_list_cluster(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "es Const dtype=int32\n"
                  "a MatMul x x\n"
                  "tl TensorListFromTensor a es element_dtype=float shape_type=int32 T=-\n"
                  "st TensorListStack tl es element_dtype=float T=-\n"
                  "b MatMul st st\n"
                  "out Identity b\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    assert_true(attr(p, "tl", "element_dtype")->allow);
    assert_true(attr(p, "st", "element_dtype")->allow);
    amp_plan_free(p);
    /* the reader is a fetch node: the cluster is unsafe and stays fp32 */
    const char *const pres[] = {"x", "out", "st", NULL};
    p = paint_v(g, NULL, pres, false, NULL);
    assert_false(attr(p, "tl", "element_dtype")->allow);
    assert_string_equal(attr(p, "tl", "element_dtype")->reason_code, "tensorlist_deny");
    amp_plan_free(p);
    graph_free(g);
}

/* the prepass model: Const->Identity folded, trivial Identity pruned, twins deduplicated */
static void test_prepass(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "w/resource Const\n"
                  "w Identity w/resource\n"
                  "w2/resource Const\n"
                  "w2 Identity w2/resource\n"
                  "a MatMul x w\n"
                  "drop Identity a\n"
                  "b MatMul drop w2\n"
                  "y Const\n"
                  "d RealDiv b y\n"
                  "NoOp NoOp ^w ^w2\n"
                  "out Identity d ^NoOp\n"
                  "side Relu x\n");
    amp_plan *p = paint_v(g, NULL, XOUT, true, NULL);
    /* not in the fanin of the fetches: the session never hands it to grappler */
    assert_true(p->removed[graph_find(g, "side")]);
    assert_non_null(strstr(p->prepass_note[graph_find(g, "side")], "not needed for the fetch"));
    int ri = graph_find(g, "w/resource"), di = graph_find(g, "drop"), w2 = graph_find(g, "w2");
    assert_true(p->removed[ri]);
    assert_true(p->removed[di]);
    assert_non_null(strstr(p->prepass_note[di], "trivial Identity"));
    /* w and w2 are identical Consts (no value given): CSE keeps w */
    assert_true(p->removed[w2]);
    assert_non_null(strstr(p->prepass_note[w2], "identical to w"));
    assert_false(p->removed[graph_find(g, "w")]);
    assert_string_equal(p->nodes[graph_find(g, "w")].reason_code, "const_folded");
    assert_int_equal(p->n_added, 1);
    assert_string_equal(p->added_names[0], "ConstantFolding/d_recip");
    /* nodes: x w a b NoOp out d recip = 8 */
    assert_int_equal(p->total, 8);
    assert_true(allow(p, "d")); /* now a Mul after MatMul */
    assert_non_null(cast_from(p, "ConstantFolding/d_recip"));
    amp_plan_free(p);
    p = paint_v(g, NULL, XOUT, false, NULL);
    assert_int_equal(p->total, 13);
    assert_false(p->prepassed);
    amp_plan_free(p);
    graph_free(g);
}

static void test_json(void **state)
{
    (void)state;
    graph *g = mk("x Placeholder\n"
                  "a MatMul x x\n"
                  "out Identity a\n");
    amp_plan *p = paint_v(g, NULL, XOUT, false, NULL);
    struct abuf b;
    abuf_init(&b);
    amp_plan_json(p, &b);
    assert_non_null(strstr(b.data, "\"nodes\": 3"));
    assert_non_null(strstr(b.data, "\"converted\": 1"));
    assert_non_null(strstr(b.data, "\"casts\": 1"));
    assert_non_null(strstr(b.data, "\"a\": {\"op\": \"MatMul\", \"paint\": {\"T\": \"allow\"}, \"bf16\": true"));
    assert_non_null(strstr(b.data, "\"cast_edges\": ["));
    assert_non_null(strstr(b.data, "\"name\": \"x-0-CastToBf16-0-AutoMixedPrecision\""));
    abuf_done(&b);
    amp_plan_free(p);
    graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass1_and_summary),     cmocka_unit_test(test_pass2_deny_propagation),
        cmocka_unit_test(test_pass3_between),          cmocka_unit_test(test_pass4_order_and_deny_fanin),
        cmocka_unit_test(test_pass5_clear),            cmocka_unit_test(test_pass6_and_fixed),
        cmocka_unit_test(test_versions_cast_names),    cmocka_unit_test(test_device_and_preserve),
        cmocka_unit_test(test_levels_and_failures),    cmocka_unit_test(test_existing_cast_retyped),
        cmocka_unit_test(test_loop_edges),             cmocka_unit_test(test_tensor_list_cluster),
        cmocka_unit_test(test_prepass),                cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
