/* test_env.c: env lines and the environment lint (render/env.h) with the
 * real painter lists. Each of the seven formats is parsed back into
 * NAME=VALUE pairs and fed through amp_lists_from_env (the reader `ampscope
 * amp` uses): the lists and the painting of a sample must be exactly the
 * chosen ones. Formats are also checked by their own tools where present
 * (bash -n, a YAML parse with python3, systemd-analyze verify), else skipped
 * with a SKIP line. The lint must catch each listed mistake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "render/env.h"

/* ---- parsing the formats back ------------------------------------------------ */

struct kv {
    char name[128], value[1024];
};
static struct kv g_kv[64];
static int g_nkv;

static const char *kv_getenv(const char *name)
{
    for (int i = 0; i < g_nkv; i++)
        if (!strcmp(g_kv[i].name, name))
            return g_kv[i].value;
    return NULL;
}

/* Unquotes "..." (backslash escapes, plus `extra` doubled char) or '...'. */
static void unquote(const char *s, size_t n, char *out, size_t size, char doubled)
{
    size_t k = 0;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        for (size_t i = 1; i + 1 < n && k + 1 < size; i++) {
            if (s[i] == '\\' && i + 2 < n)
                i++;
            else if (doubled && s[i] == doubled && s[i + 1] == doubled)
                i++;
            out[k++] = s[i];
        }
    } else if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
        for (size_t i = 1; i + 1 < n && k + 1 < size; i++)
            out[k++] = s[i];
    } else {
        for (size_t i = 0; i < n && k + 1 < size; i++)
            out[k++] = s[i];
    }
    out[k] = 0;
}

static void put_kv(const char *name, size_t nl, const char *val, size_t vl, char doubled)
{
    assert_true(g_nkv < 64);
    snprintf(g_kv[g_nkv].name, sizeof g_kv[g_nkv].name, "%.*s", (int)nl, name);
    unquote(val, vl, g_kv[g_nkv].value, sizeof g_kv[g_nkv].value, doubled);
    g_nkv++;
}

static void parse_back(enum env_format f, const char *text)
{
    g_nkv = 0;
    char pending[128] = "";
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[2048];
        snprintf(buf, sizeof buf, "%.*s", (int)len, line);
        line += len + (nl ? 1 : 0);
        char *s = buf;
        while (*s == ' ')
            s++;
        if (!*s || *s == '#')
            continue;
        char *eq;
        switch (f) {
        case ENV_FMT_SH:
            assert_int_equal(strncmp(s, "export ", 7), 0);
            s += 7;
            eq = strchr(s, '=');
            put_kv(s, (size_t)(eq - s), eq + 1, strlen(eq + 1), 0);
            break;
        case ENV_FMT_DOCKERFILE:
            assert_int_equal(strncmp(s, "ENV ", 4), 0);
            s += 4;
            eq = strchr(s, '=');
            put_kv(s, (size_t)(eq - s), eq + 1, strlen(eq + 1), 0);
            break;
        case ENV_FMT_K8S:
            if (!strncmp(s, "- name: ", 8)) {
                snprintf(pending, sizeof pending, "%s", s + 8);
            } else if (!strncmp(s, "value: ", 7)) {
                put_kv(pending, strlen(pending), s + 7, strlen(s + 7), 0);
            } else {
                assert_true(!strcmp(s, "env:") || !strcmp(s, "env: []"));
            }
            break;
        case ENV_FMT_COMPOSE:
            if (!strcmp(s, "environment:") || !strcmp(s, "environment: {}"))
                break;
            eq = strstr(s, ": ");
            assert_non_null(eq);
            put_kv(s, (size_t)(eq - s), eq + 2, strlen(eq + 2), '$');
            break;
        case ENV_FMT_SYSTEMD:
            if (!strcmp(s, "[Service]"))
                break;
            assert_int_equal(strncmp(s, "Environment=\"", 13), 0);
            s += 13;
            eq = strchr(s, '=');
            s[strlen(s) - 1] = 0; /* closing quote */
            {
                char q[1100];
                snprintf(q, sizeof q, "\"%s\"", eq + 1);
                put_kv(s, (size_t)(eq - s), q, strlen(q), '%');
            }
            break;
        case ENV_FMT_DOTENV:
            eq = strchr(s, '=');
            put_kv(s, (size_t)(eq - s), eq + 1, strlen(eq + 1), 0);
            break;
        case ENV_FMT_PYTHON:
            if (!strncmp(s, "os.environ[\"", 12)) {
                char *endn = strchr(s + 12, '"');
                char *v = strstr(endn, "= ");
                put_kv(s + 12, (size_t)(endn - s - 12), v + 2, strlen(v + 2), 0);
            } else {
                assert_true(!strncmp(s, "import ", 7) || !strncmp(s, "tf.config.optimizer", 19));
            }
            break;
        case ENV_FMT__COUNT:
            break;
        }
    }
}

/* ---- round trip ------------------------------------------------------------------- */

static graph *load_sample(const char *name)
{
    const char *r = getenv("AMPSCOPE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/samples/%s", r && *r ? r : ".", name);
    struct err e = {0};
    graph *g = graph_load(path, NULL, &e);
    if (!g)
        fail_msg("%s: %s", path, e.msg);
    assert_int_equal(graph_infer(g, NULL, 0, 1, &e), ST_OK);
    return g;
}

static amp_plan *paint(const graph *g, const amp_lists *l)
{
    struct err e = {0};
    struct amp_opts ao = {0};
    ao.all_on_cpu = true;
    amp_plan *p = amp_paint(g, l, &ao, &e);
    assert_non_null(p);
    return p;
}

static void check_round_trip(const struct env_moves *mv, const char *sample)
{
    struct err e = {0};
    amp_lists *chosen = amp_lists_new(NULL, &e);
    env_moves_apply(mv, chosen);
    for (int i = 0; i < mv->n; i++)
        assert_int_equal(amp_lists_which(chosen, mv->v[i].op, NULL), mv->v[i].to);
    graph *g = load_sample(sample);
    amp_plan *want = paint(g, chosen);
    for (int f = 0; f < ENV_FMT__COUNT; f++) {
        struct env_vars v;
        env_vars_init(&v);
        assert_int_equal(env_vars_tf(&v, mv, NULL, NULL, &e), ST_OK);
        struct abuf b;
        abuf_init(&b);
        env_format_lines(&v, (enum env_format)f, &b);
        parse_back((enum env_format)f, b.data);
        assert_int_equal(g_nkv, v.n);
        assert_string_equal(kv_getenv("TF_ENABLE_ONEDNN_OPTS"), "1");
        for (int i = 0; i < g_nkv; i++) /* comma-separated, no spaces */
            assert_null(strchr(g_kv[i].value, ' '));
        amp_lists *back = amp_lists_new(NULL, &e);
        assert_int_equal(amp_lists_from_env(back, kv_getenv, &e), ST_OK);
        const char **conf = NULL;
        assert_int_equal(amp_lists_conflicts(back, &conf), 0);
        free(conf);
        for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++) {
            const char *const *a, *const *c;
            int na = amp_lists_ops(chosen, (enum amp_list)li, &a);
            int nc = amp_lists_ops(back, (enum amp_list)li, &c);
            assert_int_equal(na, nc);
            for (int k = 0; k < na; k++)
                assert_string_equal(a[k], c[k]);
        }
        amp_plan *got = paint(g, back);
        assert_int_equal(got->converted, want->converted);
        assert_int_equal(got->n_casts, want->n_casts);
        for (int i = 0; i < g->n_nodes; i++)
            if (got->nodes[i].bf16 != want->nodes[i].bf16)
                fail_msg("%s: node %s differs after the round trip", env_format_name((enum env_format)f),
                         g->nodes[i].name);
        amp_plan_free(got);
        amp_lists_free(back);
        abuf_done(&b);
        env_vars_done(&v);
    }
    amp_plan_free(want);
    graph_free(g);
    amp_lists_free(chosen);
}

static void test_moves_and_round_trip(void **state)
{
    (void)state;
    struct err e = {0};
    amp_lists *ref = amp_lists_new(NULL, &e);
    struct env_moves mv;
    env_moves_init(&mv);
    /* Exp: deny -> infer (the fix `ampscope amp` suggests) */
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, false, "Exp", NULL, &e), ST_OK);
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_INFER, true, "Exp", NULL, &e), ST_OK);
    assert_int_equal(mv.n, 1);
    assert_int_equal(mv.v[0].to, AMP_LIST_INFER);
    struct env_vars v;
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &mv, NULL, NULL, &e), ST_OK);
    /* REMOVE from the default list and ADD to the new one, nothing else */
    assert_int_equal(v.n, 3);
    bool rm = false, ad = false;
    for (int i = 0; i < v.n; i++) {
        rm |= !strcmp(v.v[i].name, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_REMOVE") &&
              !strcmp(v.v[i].value, "Exp");
        ad |= !strcmp(v.v[i].name, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_INFERLIST_ADD") &&
              !strcmp(v.v[i].value, "Exp");
    }
    assert_true(rm && ad);
    env_vars_done(&v);
    check_round_trip(&mv, "deny_propagation.pb");

    /* several ops, one list: comma-separated, no spaces */
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, true, "MatMul,BatchMatMulV2", NULL, &e), ST_OK);
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_ALLOW, false, "Conv2D", NULL, &e), ST_OK);
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &mv, NULL, NULL, &e), ST_OK);
    bool both = false;
    for (int i = 0; i < v.n; i++)
        both |= !strcmp(v.v[i].name, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE") &&
                !strcmp(v.v[i].value, "MatMul,BatchMatMulV2,Conv2D");
    assert_true(both);
    env_vars_done(&v);
    check_round_trip(&mv, "transformer_block.pb");
    check_round_trip(&mv, "mnist_convnet.pb");

    /* moving an op to its default list emits nothing */
    struct env_moves m2;
    env_moves_init(&m2);
    assert_int_equal(env_moves_flag(&m2, ref, AMP_LIST_ALLOW, true, "MatMul", NULL, &e), ST_OK);
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &m2, NULL, NULL, &e), ST_OK);
    assert_int_equal(v.n, 1); /* only TF_ENABLE_ONEDNN_OPTS */
    env_vars_done(&v);
    env_moves_done(&m2);

    /* relative to the selected version: Mean is deny in 2.13, infer in 2.19 */
    env_moves_init(&m2);
    assert_int_equal(env_moves_flag(&m2, ref, AMP_LIST_INFER, true, "Mean", NULL, &e), ST_OK);
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &m2, "2.19", NULL, &e), ST_OK);
    assert_int_equal(v.n, 1);
    env_vars_done(&v);
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &m2, "2.13", NULL, &e), ST_OK);
    assert_int_equal(v.n, 3);
    env_vars_done(&v);
    env_moves_done(&m2);
    env_moves_done(&mv);
    amp_lists_free(ref);
}

static void test_bad_flags(void **state)
{
    (void)state;
    struct err e = {0};
    amp_lists *ref = amp_lists_new(NULL, &e);
    struct env_moves mv;
    env_moves_init(&mv);
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, true, "MatMull", NULL, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "unknown op 'MatMull'"));
    assert_non_null(strstr(e.msg, "did you mean 'MatMul'"));
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, true, "Exp, MatMul", NULL, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "no spaces"));
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, true, "Exp,,MatMul", NULL, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "empty"));
    assert_int_equal(env_moves_flag(&mv, ref, AMP_LIST_DENY, false, "MatMul", NULL, &e), ST_EINVAL);
    assert_non_null(strstr(e.msg, "not on the deny list"));
    assert_int_equal(mv.n, 0);
    env_moves_done(&mv);
    amp_lists_free(ref);
}

static void test_itex(void **state)
{
    (void)state;
    struct err e = {0};
    struct env_moves mv;
    env_moves_init(&mv);
    env_moves_set(&mv, "Softmax", AMP_LIST_DENY); /* ITEX infer -> deny */
    env_moves_set(&mv, "Mean", AMP_LIST_INFER);   /* ITEX deny -> infer */
    env_moves_set(&mv, "Sum", AMP_LIST_INFER);    /* already infer in ITEX's CPU lists */
    struct env_vars v;
    env_vars_init(&v);
    assert_int_equal(env_vars_itex(&v, &mv, &e), ST_OK);
    assert_string_equal(v.v[0].name, "ITEX_AUTO_MIXED_PRECISION");
    assert_string_equal(v.v[1].name, "ITEX_AUTO_MIXED_PRECISION_DATA_TYPE");
    assert_string_equal(v.v[1].value, "BFLOAT16");
    struct abuf b;
    abuf_init(&b);
    env_format_lines(&v, ENV_FMT_DOTENV, &b);
    assert_non_null(strstr(b.data, "ITEX_AUTO_MIXED_PRECISION_INFERLIST_ADD=Mean\n"));
    assert_non_null(strstr(b.data, "ITEX_AUTO_MIXED_PRECISION_INFERLIST_REMOVE=Softmax\n"));
    assert_non_null(strstr(b.data, "ITEX_AUTO_MIXED_PRECISION_DENYLIST_ADD=Softmax\n"));
    assert_non_null(strstr(b.data, "ITEX_AUTO_MIXED_PRECISION_DENYLIST_REMOVE=Mean\n"));
    assert_null(strstr(b.data, "Sum"));
    assert_null(strstr(b.data, "TF_AUTO_MIXED"));
    /* the lint finds nothing wrong with the ITEX lines */
    parse_back(ENV_FMT_DOTENV, b.data);
    const char *envl[70];
    char lines[64][1200];
    for (int i = 0; i < g_nkv; i++) {
        snprintf(lines[i], sizeof lines[i], "%.127s=%.1000s", g_kv[i].name, g_kv[i].value);
        envl[i] = lines[i];
    }
    envl[g_nkv] = NULL;
    struct env_check_opts o = {NULL, "avx512f avx512_bf16 amx_bf16"};
    struct env_report r;
    assert_int_equal(env_check(envl, &o, &r, &e), ST_OK);
    assert_int_equal(r.n_errors + r.n_warnings, 0);
    env_report_done(&r);
    abuf_done(&b);
    env_vars_done(&v);
    env_moves_done(&mv);
}

/* ---- the formats' own tools ----------------------------------------------------------- */

static int sh(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_format_tools(void **state)
{
    (void)state;
    struct err e = {0};
    char dir[] = "/tmp/test_env.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct env_moves mv;
    env_moves_init(&mv);
    env_moves_set(&mv, "MatMul", AMP_LIST_DENY);
    env_moves_set(&mv, "Exp", AMP_LIST_INFER);
    struct env_vars v;
    env_vars_init(&v);
    assert_int_equal(env_vars_tf(&v, &mv, NULL, "TREAT_INFER_AS_DENY", &e), ST_OK);
    bool have_py = sh("python3 -c 'import yaml' >/dev/null 2>&1") == 0;
    bool have_sd = sh("command -v systemd-analyze >/dev/null 2>&1") == 0;
    int skipped = 0;
    for (int f = 0; f < ENV_FMT__COUNT; f++) {
        struct abuf b;
        abuf_init(&b);
        env_format_lines(&v, (enum env_format)f, &b);
        char path[256], cmd[1024];
        snprintf(path, sizeof path, "%s/out.%s", dir, env_format_name((enum env_format)f));
        assert_int_equal(util_write_file_atomic(path, b.data, b.len, &e), ST_OK);
        cmd[0] = 0;
        switch (f) {
        case ENV_FMT_SH:
            snprintf(cmd, sizeof cmd,
                     "bash -n '%s' && test \"$(bash -c '. %s; echo $TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD')\" = MatMul",
                     path, path);
            break;
        case ENV_FMT_K8S:
            if (have_py)
                snprintf(cmd, sizeof cmd,
                         "python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); "
                         "e={x[\"name\"]:x[\"value\"] for x in d[\"env\"]}; "
                         "assert all(isinstance(x,str) for x in e.values()); "
                         "assert e[\"TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD\"]==\"MatMul\"' '%s'",
                         path);
            break;
        case ENV_FMT_COMPOSE:
            if (have_py)
                snprintf(cmd, sizeof cmd,
                         "python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1]))[\"environment\"]; "
                         "assert d[\"TF_ENABLE_ONEDNN_OPTS\"]==\"1\"; "
                         "assert d[\"TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_INFERLIST_ADD\"]==\"Exp\"' '%s'",
                         path);
            break;
        case ENV_FMT_PYTHON:
            /* run it with a stand-in tensorflow module that records the option */
            snprintf(cmd, sizeof cmd,
                     "python3 -c 'import sys,types,os\n"
                     "got={}\n"
                     "tf=types.ModuleType(\"tensorflow\"); tf.config=types.SimpleNamespace(optimizer=types.SimpleNamespace(set_experimental_options=got.update))\n"
                     "sys.modules[\"tensorflow\"]=tf\n"
                     "exec(open(sys.argv[1]).read())\n"
                     "assert got=={\"auto_mixed_precision_onednn_bfloat16\": True}, got\n"
                     "assert os.environ[\"TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_ALLOWLIST_REMOVE\"]==\"MatMul\"' '%s'",
                     path);
            break;
        case ENV_FMT_SYSTEMD:
            if (have_sd) {
                char unit[256];
                snprintf(unit, sizeof unit, "%s/ampscope-test.service", dir);
                snprintf(cmd, sizeof cmd,
                         "{ printf '[Unit]\\nDescription=t\\n'; cat '%s'; printf 'ExecStart=/bin/true\\n'; } > '%s' && "
                         "systemd-analyze verify --man=no '%s' 2>&1 | grep -iE 'invalid|environment|ignoring' ; test $? -ne 0",
                         path, unit, unit);
            }
            break;
        default:
            break; /* dockerfile, dotenv: structural parse below */
        }
        if (cmd[0]) {
            if (sh(cmd) != 0)
                fail_msg("%s output rejected by its tool:\n%s", env_format_name((enum env_format)f), b.data);
        } else if (f != ENV_FMT_DOCKERFILE && f != ENV_FMT_DOTENV) {
            printf("SKIP: no tool for %s here (python3-yaml / systemd-analyze): structural check only\n",
                   env_format_name((enum env_format)f));
            skipped++;
        }
        parse_back((enum env_format)f, b.data); /* structural check for every format */
        assert_int_equal(g_nkv, v.n);
        assert_string_equal(kv_getenv("TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LEVEL"), "TREAT_INFER_AS_DENY");
        abuf_done(&b);
        unlink(path);
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    sh(cmd);
    env_vars_done(&v);
    env_moves_done(&mv);
    (void)skipped;
}

/* Quoting of values that need it (no op has such a name; the formats must
 * still be valid). */
static void test_quoting(void **state)
{
    (void)state;
    struct env_vars v;
    env_vars_init(&v);
    env_vars_add(&v, "X", "a'b\"c$d%e\\f g");
    struct abuf b;
    abuf_init(&b);
    env_format_lines(&v, ENV_FMT_SH, &b);
    assert_non_null(strstr(b.data, "export X='a'\\''b\"c$d%e\\f g'\n"));
    b.len = 0;
    env_format_lines(&v, ENV_FMT_DOCKERFILE, &b);
    assert_non_null(strstr(b.data, "ENV X=\"a'b\\\"c\\$d%e\\\\f g\"\n"));
    b.len = 0;
    env_format_lines(&v, ENV_FMT_SYSTEMD, &b);
    assert_non_null(strstr(b.data, "Environment=\"X=a'b\\\"c$d%%e\\\\f g\"\n"));
    b.len = 0;
    env_format_lines(&v, ENV_FMT_COMPOSE, &b);
    assert_non_null(strstr(b.data, "  X: \"a'b\\\"c$$d%e\\\\f g\"\n"));
    b.len = 0;
    env_format_lines(&v, ENV_FMT_DOTENV, &b);
    assert_non_null(strstr(b.data, "X=\"a'b\\\"c$d%e\\\\f g\"\n"));
    abuf_done(&b);
    env_vars_done(&v);
    assert_int_equal(env_format_parse("k8s"), ENV_FMT_K8S);
    assert_int_equal(env_format_parse("yaml"), -1);
}

/* ---- the lint -------------------------------------------------------------------------- */

static bool has_code(const struct env_report *r, const char *code, enum env_sev sev)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->f[i].code, code) && r->f[i].sev == sev)
            return true;
    return false;
}

static void lint_one(const char *const *env, const char *cpu, const char *code, enum env_sev sev)
{
    struct err e = {0};
    struct env_check_opts o = {NULL, cpu ? cpu : "avx512f avx512_bf16 amx_bf16"};
    struct env_report r;
    assert_int_equal(env_check(env, &o, &r, &e), ST_OK);
    if (!has_code(&r, code, sev)) {
        struct abuf b;
        abuf_init(&b);
        env_report_text(&r, &b, false);
        fail_msg("expected %s; got:\n%s", code, b.data);
    }
    if (sev != ENV_INFO)
        assert_true(r.n_errors + r.n_warnings > 0);
    env_report_done(&r);
}

#define P "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"

static void test_lint(void **state)
{
    (void)state;
    struct err e = {0};
    /* clean */
    const char *ok[] = {"PATH=/bin", "TF_ENABLE_ONEDNN_OPTS=1", P "ALLOWLIST_REMOVE=MatMul",
                        P "DENYLIST_ADD=MatMul", NULL};
    struct env_check_opts o = {NULL, "fpu avx512f avx512_bf16 amx_bf16"};
    struct env_report r;
    assert_int_equal(env_check(ok, &o, &r, &e), ST_OK);
    assert_int_equal(r.n_errors + r.n_warnings, 0);
    assert_non_null(strstr(r.effect, "MatMul: allow -> deny"));
    struct abuf b;
    abuf_init(&b);
    env_report_json(&r, &b);
    assert_non_null(strstr(b.data, "\"ok\":true"));
    abuf_done(&b);
    env_report_done(&r);

    const char *spaces[] = {P "DENYLIST_ADD=Exp, MatMul", NULL};
    lint_one(spaces, NULL, "space_in_list", ENV_ERROR);
    const char *unknown[] = {P "DENYLIST_ADD=Matmul", NULL};
    lint_one(unknown, NULL, "unknown_op", ENV_ERROR);
    const char *two[] = {P "DENYLIST_ADD=MatMul", NULL};
    lint_one(two, NULL, "op_in_two_lists", ENV_ERROR);
    const char *legacy[] = {P "BLACKLIST_ADD=Softmax", P "INFERLIST_REMOVE=Softmax", NULL};
    lint_one(legacy, NULL, "legacy_name", ENV_WARN);
    const char *off[] = {"TF_ENABLE_ONEDNN_OPTS=0", NULL};
    lint_one(off, NULL, "onednn_off", ENV_ERROR);
    const char *force[] = {P "LEVEL=unsafe_force_all", NULL};
    lint_one(force, NULL, "unsafe_force_all", ENV_ERROR);
    const char *both[] = {"ITEX_AUTO_MIXED_PRECISION=1", P "ALLOWLIST_ADD=Mean", P "INFERLIST_REMOVE=Mean", NULL};
    lint_one(both, NULL, "itex_and_stock", ENV_WARN);
    const char *cpu[] = {NULL};
    lint_one(cpu, "fpu sse4_2 avx2 avx512f", "cpu_no_bf16", ENV_WARN);
    lint_one(cpu, "fpu avx512f avx512_bf16", "cpu_no_amx", ENV_INFO);
    const char *typo[] = {"TF_AUTO_MIXED_PRECISION_DENYLIST_ADD=MatMul", NULL};
    lint_one(typo, NULL, "unknown_var", ENV_WARN);
    const char *empty[] = {P "DENYLIST_ADD=Exp,", NULL};
    lint_one(empty, NULL, "empty_entry", ENV_WARN);
    const char *itex_two[] = {"ITEX_AUTO_MIXED_PRECISION=1", "ITEX_AUTO_MIXED_PRECISION_DENYLIST_ADD=Softmax", NULL};
    lint_one(itex_two, NULL, "op_in_two_lists", ENV_ERROR);
    const char *itex_force[] = {"ITEX_AUTO_MIXED_PRECISION_UNSAFE_FORCE_ALL=1", NULL};
    lint_one(itex_force, NULL, "unsafe_force_all", ENV_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_and_round_trip),
        cmocka_unit_test(test_bad_flags),
        cmocka_unit_test(test_itex),
        cmocka_unit_test(test_format_tools),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_lint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
