/* test_tui.c: the interface's logic without a terminal. Cells and text
 * fitting (UTF-8, wide characters, very long names), the key table (names,
 * scopes, the generated help and docs/tui.md kept in step with it), the model
 * on a real sample (rows, list toggles repainted by the real painter,
 * sorting, filtering), the scope keys of the graph view (the graph on cells
 * is in test_tui_gcells.c), the whole app driven by requests and keys
 * and drawn into its canvas at 80x24 and 200x50, and a real background
 * rerun on the embedded oneDNN backend (done, then diffed; and cancelled).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/layout.h"
#include "tui/tui_int.h"

#include "tui_test_util.h"

static char *screen_text(struct tui_app *a)
{
    tui_app_draw(a);
    struct abuf b;
    abuf_init(&b);
    cv_dump(&a->cv, &b);
    return b.data;
}

/* ---- canvas and text --------------------------------------------------- */

static void test_canvas_utf8(void **state)
{
    (void)state;
    struct tui_canvas c;
    cv_init(&c, 10, 2, false);
    int w = cv_put(&c, 0, 0, "a\xe4\xb8\xad\xe6\x96\x87z", 10, 0); /* a 中 文 z: 1+2+2+1 */
    assert_int_equal(w, 6);
    char row[64];
    cv_row(&c, 0, row, sizeof row);
    assert_string_equal(row, "a\xe4\xb8\xad\xe6\x96\x87z");
    /* a wide char that does not fit is left out, never split */
    w = cv_put(&c, 1, 0, "abcdefghi\xe4\xb8\xad", 10, 0);
    assert_int_equal(w, 9);
    /* control bytes never reach the terminal */
    cv_put(&c, 1, 0, "\x1b[31m", 5, 0);
    cv_row(&c, 1, row, sizeof row);
    assert_null(strchr(row, 0x1b));
    /* clipped at the canvas edge */
    cv_put(&c, 0, 8, "xyz", 10, 0);
    cv_row(&c, 0, row, sizeof row);
    assert_int_equal(tui_strwidth(row), 10);
    cv_done(&c);
    assert_int_equal(tui_strwidth("\xe4\xb8\xad"), 2);
}

static void test_fit_long_names(void **state)
{
    (void)state;
    char out[256];
    tui_fit(out, sizeof out, "model/encoder/layer_11/attention/self/query/MatMul", 24, false);
    assert_int_equal(tui_strwidth(out), 24);
    assert_non_null(strstr(out, "\xe2\x80\xa6"));          /* an ellipsis in the middle */
    assert_int_equal(strncmp(out, "model/", 6), 0);          /* head kept */
    assert_non_null(strstr(out, "query/MatMul"));           /* tail kept */
    tui_fit(out, sizeof out, "short", 24, false);
    assert_string_equal(out, "short");
    tui_fit(out, sizeof out, "0123456789abcdef", 8, true);
    assert_int_equal((int)strlen(out), 8);
    assert_non_null(strchr(out, '~'));
    /* UTF-8 names are cut on character boundaries */
    tui_fit(out, sizeof out, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5, false);
    assert_int_equal(tui_strwidth(out), 5);
    /* a 4 KiB name */
    char big[4200];
    memset(big, 'n', sizeof big - 1);
    big[sizeof big - 1] = 0;
    tui_fit(out, sizeof out, big, 30, false);
    assert_int_equal(tui_strwidth(out), 30);
    /* run directory names keep their time stamp whole */
    tui_fit_run(out, sizeof out, "transformer_block-20261122-133312", 22, false);
    assert_string_equal(out, "trans\xe2\x80\xa6-20261122-133312");
    tui_fit_run(out, sizeof out, "transformer_block-20261122-133312", 22, true);
    assert_string_equal(out, "trans~-20261122-133312");
    tui_fit_run(out, sizeof out, "mlp-20261122-133312", 22, false);
    assert_string_equal(out, "mlp-20261122-133312");
    tui_fit_run(out, sizeof out, "not-a-run-directory-name-at-all", 22, false); /* no stamp: as tui_fit */
    assert_int_equal(tui_strwidth(out), 22);
    assert_non_null(strstr(out, "\xe2\x80\xa6"));
}

static void test_line_chars(void **state)
{
    (void)state;
    assert_int_equal(cv_line_char(LN_UP | LN_DOWN, true), '|');
    assert_int_equal(cv_line_char(LN_LEFT | LN_RIGHT, true), '-');
    assert_int_equal(cv_line_char(LN_UP | LN_RIGHT, true), '+');
    assert_int_equal(cv_line_char(LN_UP | LN_DOWN, false), 0x2502);
    assert_int_equal(cv_line_char(LN_DOWN | LN_RIGHT, false), 0x250C);
    assert_int_equal(cv_line_char(LN_UP | LN_DOWN | LN_LEFT | LN_RIGHT, false), 0x253C);
}

/* ---- keys --------------------------------------------------------------- */

static void test_keys_table(void **state)
{
    (void)state;
    const char *names[] = {"j", "Enter", "Esc", "Tab", "BackTab", "C-l", "PgDn", "Space", "F1", "Up"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = tui_key_parse(names[i]);
        assert_true(k >= 0);
        char buf[32];
        assert_int_equal(tui_key_parse(tui_key_name(k, buf, sizeof buf)), k);
    }
    assert_int_equal(tui_key_parse("NoSuchKey"), -1);
    /* every request has a help text and keys that parse */
    for (int r = 1; r < REQ__COUNT; r++) {
        assert_true(strlen(tui_req_help((enum tui_req)r)) > 3);
        char keys[64];
        snprintf(keys, sizeof keys, "%s", tui_req_keys((enum tui_req)r));
        for (char *s = NULL, *t = strtok_r(keys, " ", &s); t; t = strtok_r(NULL, " ", &s))
            assert_true(tui_key_parse(t) >= 0);
    }
    /* scopes: the focused view first, then the global map */
    assert_int_equal(tui_key_request("ops", 'd'), REQ_LIST_DENY);
    assert_int_equal(tui_key_request("graph", 'd'), REQ_FOLLOW_OUT);
    assert_int_equal(tui_key_request("nodes", 'd'), REQ_NONE);
    assert_int_equal(tui_key_request("graph", 'j'), REQ_MOVE_DOWN);
    assert_int_equal(tui_key_request("runs", TK_ENTER), REQ_DIFF);
    assert_int_equal(tui_key_request("nodes", TK_ENTER), REQ_ENTER);
    assert_int_equal(tui_key_request("graph", '?'), REQ_HELP);
    /* no key bound twice in one scope (or shadowing a global one by accident) */
    for (int r1 = 1; r1 < REQ__COUNT; r1++)
        for (int r2 = r1 + 1; r2 < REQ__COUNT; r2++) {
            if (strcmp(tui_req_scope((enum tui_req)r1), tui_req_scope((enum tui_req)r2)))
                continue;
            char k1[64], k2[64];
            snprintf(k1, sizeof k1, " %s ", tui_req_keys((enum tui_req)r1));
            snprintf(k2, sizeof k2, "%s", tui_req_keys((enum tui_req)r2));
            for (char *s = NULL, *t = strtok_r(k2, " ", &s); t; t = strtok_r(NULL, " ", &s)) {
                char pat[40];
                snprintf(pat, sizeof pat, " %s ", t);
                if (strstr(k1, pat))
                    fail_msg("key %s bound to %s and %s", t, tui_req_name((enum tui_req)r1),
                             tui_req_name((enum tui_req)r2));
            }
        }
}

static void test_help_and_docs(void **state)
{
    (void)state;
    char **lines;
    int n = tui_help_lines(&lines);
    struct abuf all;
    abuf_init(&all);
    for (int i = 0; i < n; i++) {
        abuf_puts(&all, lines[i]);
        abuf_putc(&all, '\n');
    }
    tui_lines_free(lines, n);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/docs/tui.md", root());
    char *doc = NULL;
    size_t len = 0;
    struct err e = {0};
    bool have_doc = util_read_file(path, 0, &doc, &len, &e) == ST_OK;
    for (int r = 1; r < REQ__COUNT; r++) {
        assert_non_null(strstr(all.data, tui_req_help((enum tui_req)r)));
        if (have_doc && !strstr(doc, tui_req_help((enum tui_req)r)))
            fail_msg("docs/tui.md does not list '%s' (regenerate its key table from the help)",
                     tui_req_help((enum tui_req)r));
    }
    abuf_done(&all);
    free(doc);
    if (!have_doc)
        fail_msg("docs/tui.md missing");
}

/* ---- model ---------------------------------------------------------------- */

static void test_model_toggle(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    graph *g = load_sample("mlp.pb");
    assert_int_equal(tm_load_graph(&m, g, NULL, &e), ST_OK);
    assert_int_equal(m.n_rows, g->n_nodes);
    int mm = graph_find(g, "dense/MatMul");
    assert_true(mm >= 0);
    assert_string_equal(m.rows[mm].planned, "bf16");
    assert_int_equal(m.rows[mm].shown, P_BF16);
    assert_true(m.rows[mm].predicted); /* no run: a prediction */
    assert_false(m.edited);
    assert_true(m.plan->n_casts > 0);
    /* MatMul to deny: the real painter repaints */
    assert_int_equal(tm_set_list(&m, "MatMul", AMP_LIST_DENY, &e), ST_OK);
    assert_true(m.edited);
    assert_string_equal(m.rows[mm].planned, "fp32");
    assert_true(m.rows[mm].plan_changed);
    assert_int_equal(m.rows[mm].shown, P_F32);
    assert_non_null(strstr(m.headline, "PREDICTED") ? strstr(m.headline, "PREDICTED")
                                                   : strstr(m.headline, "prediction"));
    char **env = tm_env(&m);
    bool deny = false;
    for (int i = 0; env[i]; i++)
        deny |= strstr(env[i], "DENYLIST_ADD=MatMul") != NULL;
    tm_env_free(env);
    assert_true(deny);
    for (int i = 0; i < m.n_ops; i++)
        if (!strcmp(m.ops[i].op, "MatMul")) {
            assert_int_equal(m.ops[i].list, AMP_LIST_DENY);
            assert_int_equal(m.ops[i].deflt, AMP_LIST_ALLOW);
            assert_int_equal(m.ops[i].n_bf16, 0);
        }
    /* back to the default list: the run's own plan again */
    assert_int_equal(tm_set_list(&m, "MatMul", AMP_LIST_NONE, &e), ST_OK);
    assert_false(m.edited);
    assert_ptr_equal(m.plan, m.run_plan);
    assert_string_equal(m.rows[mm].planned, "bf16");
    tm_done(&m);
}

static void test_model_sort_filter(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    assert_int_equal(tm_load_graph(&m, load_sample("transformer_block.pb"), NULL, &e), ST_OK);
    int *idx = malloc(sizeof(int) * (size_t)m.n_rows);
    int n = tm_filter(&m, "", idx);
    assert_int_equal(n, m.n_rows);
    tm_sort(&m, idx, n, COL_NAME, false);
    for (int i = 1; i < n; i++)
        assert_true(strcmp(m.rows[idx[i - 1]].name, m.rows[idx[i]].name) <= 0);
    tm_sort(&m, idx, n, COL_NAME, true);
    for (int i = 1; i < n; i++)
        assert_true(strcmp(m.rows[idx[i - 1]].name, m.rows[idx[i]].name) >= 0);
    tm_sort(&m, idx, n, COL_CASTS, false); /* numeric: most first */
    for (int i = 1; i < n; i++)
        assert_true(m.rows[idx[i - 1]].casts >= m.rows[idx[i]].casts);
    tm_sort(&m, idx, n, COL_OP, false);
    for (int i = 1; i < n; i++)
        assert_true(strcmp(m.rows[idx[i - 1]].op, m.rows[idx[i]].op) <= 0);
    /* times: unknown (never ran) sorts last in both directions, so the
     * nodes view opens on the slowest nodes, and the comparison stays a
     * total order for qsort */
    for (int i = 0; i < m.n_rows; i++)
        m.rows[i].time_ms = i % 3 ? NAN : (double)(i * 7 % 11);
    for (int rev = 0; rev < 2; rev++) {
        tm_sort(&m, idx, n, COL_TIME, rev);
        bool seen_nan = false;
        for (int i = 0; i < n; i++) {
            double t = m.rows[idx[i]].time_ms;
            if (isnan(t))
                seen_nan = true;
            else
                assert_false(seen_nan);
            if (i && !isnan(t) && !isnan(m.rows[idx[i - 1]].time_ms))
                assert_true(rev ? m.rows[idx[i - 1]].time_ms <= t : m.rows[idx[i - 1]].time_ms >= t);
        }
        assert_true(seen_nan);
    }
    /* filters */
    int consts = 0, f32 = 0, einsum = 0;
    for (int i = 0; i < m.n_rows; i++) {
        consts += !strcmp(m.rows[i].op, "Const");
        f32 += m.rows[i].shown == P_F32;
        einsum += !strcmp(m.rows[i].op, "Einsum");
    }
    assert_true(einsum > 0);
    assert_int_equal(tm_filter(&m, "op:Einsum", idx), einsum);
    assert_int_equal(tm_filter(&m, "op:einsum", idx), einsum); /* case-insensitive */
    assert_int_equal(tm_filter(&m, "!op:Const", idx), m.n_rows - consts);
    assert_int_equal(tm_filter(&m, "exec:f32", idx), f32);
    assert_int_equal(tm_filter(&m, "exec:fp32", idx), f32);
    assert_int_equal(tm_filter(&m, "op:Einsum !plan:bf16", idx), 0); /* Einsum is allowlisted */
    assert_int_equal(tm_filter(&m, "list:allow op:Einsum", idx), einsum);
    assert_int_equal(tm_filter(&m, "no-such-thing", idx), 0);
    free(idx);
    tm_done(&m);
}

/* ---- the app, headless -------------------------------------------------- */

static unsigned keys(struct tui_app *a, const char *names)
{
    char buf[256];
    unsigned f = 0;
    snprintf(buf, sizeof buf, "%s", names);
    for (char *s = NULL, *t = strtok_r(buf, " ", &s); t; t = strtok_r(NULL, " ", &s)) {
        int k = tui_key_parse(t);
        assert_true(k >= 0);
        f |= tui_app_key(a, k);
    }
    return f;
}

static void test_app_views(void **state)
{
    (void)state;
    struct tui_app a;
    struct err e = {0};
    assert_int_equal(tui_app_init_graph(&a, load_sample("mlp.pb"), 80, 24, &e), ST_OK);
    char *s = screen_text(&a);
    assert_non_null(strstr(s, "1 Graph"));
    assert_non_null(strstr(s, "(model only)"));
    assert_non_null(strstr(s, "prediction"));
    free(s);
    /* every line fits 80 columns */
    for (int y = 0; y < a.cv.h; y++) {
        char row[1024];
        cv_row(&a.cv, y, row, sizeof row);
        assert_true(tui_strwidth(row) <= 80);
    }
    /* nodes view, move, open details, back */
    keys(&a, "2");
    assert_int_equal(a.stack[0], V_NODES);
    keys(&a, "g j");
    int n1 = a.cur_node;
    assert_true(n1 >= 0);
    keys(&a, "Enter");
    assert_int_equal(tui_top(&a)->ops, &tui_view_node);
    s = screen_text(&a);
    assert_non_null(strstr(s, a.m.g->nodes[n1].name));
    assert_non_null(strstr(s, "Precision"));
    free(s);
    keys(&a, "q");
    assert_int_equal(tui_top(&a)->ops, &tui_view_nodes);
    /* search moves the cursor */
    tui_app_command(&a, "search dense_2/MatMul");
    assert_string_equal(a.m.g->nodes[a.cur_node].name, "dense_2/MatMul");
    /* filter hides rows */
    tui_app_command(&a, "filter op:MatMul");
    s = screen_text(&a);
    assert_non_null(strstr(s, "3 of 24 nodes"));
    free(s);
    /* the op types view: MatMul to deny, prediction shown at once */
    keys(&a, "3");
    tui_app_command(&a, "search MatMul");
    keys(&a, "d");
    assert_true(a.m.edited);
    assert_int_equal(amp_lists_which(a.m.lists, "MatMul", NULL), AMP_LIST_DENY);
    s = screen_text(&a);
    assert_non_null(strstr(s, "deny *"));
    free(s);
    keys(&a, "1");
    s = screen_text(&a);
    assert_non_null(strstr(s, "predicted"));
    free(s);
    /* x puts it back */
    keys(&a, "3");
    tui_app_command(&a, "search MatMul");
    keys(&a, "x");
    assert_false(a.m.edited);
    /* help generated from the key map */
    keys(&a, "?");
    s = screen_text(&a);
    assert_non_null(strstr(s, "Graph view: the model as a DAG"));
    free(s);
    keys(&a, "Esc");
    /* the prompt: typed keys, Enter runs it */
    keys(&a, ": v i e w Space l o g Enter");
    assert_int_equal(a.stack[0], V_LOG);
    keys(&a, ": n o p e Enter");
    assert_true(a.msg_error);
    /* env lines */
    tui_app_command(&a, "list MatMul deny");
    keys(&a, "e");
    s = screen_text(&a);
    assert_non_null(strstr(s, "DENYLIST_ADD='MatMul'"));
    free(s);
    tui_app_command(&a, "env k8s");
    s = screen_text(&a);
    assert_non_null(strstr(s, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD"));
    free(s);
    /* Tab cycles the main views; q on a main view quits */
    keys(&a, "q 1 Tab");
    assert_int_equal(a.stack[0], V_NODES);
    keys(&a, "BackTab BackTab");
    assert_int_equal(a.stack[0], V_RUNS);
    assert_true(keys(&a, "q") & TR_QUIT);
    tui_app_done(&a);
}

/* Page down and up turn the view with the cursor (the first Space in help
 * shows new lines), and stop at the ends. */
static void test_list_paging(void **state)
{
    (void)state;
    struct tui_view v = {.lines = 71};
    tv_move(&v, REQ_PAGE_DOWN, 20);
    assert_int_equal(v.cursor, 19);
    assert_int_equal(v.top, 19);
    tv_move(&v, REQ_PAGE_DOWN, 20);
    tv_move(&v, REQ_PAGE_DOWN, 20);
    assert_int_equal(v.cursor, 57);
    assert_int_equal(v.top, 51); /* the last page is full */
    tv_move(&v, REQ_PAGE_DOWN, 20);
    assert_int_equal(v.cursor, 70);
    assert_int_equal(v.top, 51);
    tv_move(&v, REQ_PAGE_UP, 20);
    assert_int_equal(v.cursor, 51);
    assert_int_equal(v.top, 32);
    v.cursor = 3, v.top = 0;
    tv_move(&v, REQ_PAGE_UP, 20);
    assert_int_equal(v.cursor, 0);
    assert_int_equal(v.top, 0);
}

static void test_app_resize(void **state)
{
    (void)state;
    struct tui_app a;
    struct err e = {0};
    assert_int_equal(tui_app_init_graph(&a, load_sample("transformer_block.pb"), 80, 24, &e), ST_OK);
    const char *views[] = {"1", "2", "3", "4", "5", "1 Enter", "?"};
    int sizes[][2] = {{80, 24}, {200, 50}, {40, 10}, {20, 6}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        tui_app_resize(&a, sizes[s][0], sizes[s][1]);
        for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
            keys(&a, "Esc");
            keys(&a, views[v]);
            char *t = screen_text(&a);
            int lines = 0;
            for (char *p = t; *p; p++)
                lines += *p == '\n';
            assert_int_equal(lines, sizes[s][1]);
            for (int y = 0; y < a.cv.h; y++) {
                char row[2048];
                cv_row(&a.cv, y, row, sizeof row);
                assert_true(tui_strwidth(row) <= sizes[s][0]);
            }
            free(t);
        }
    }
    /* graph moves and panning at a small size keep the cursor on a box */
    tui_app_resize(&a, 80, 24);
    keys(&a, "1 j j j l h k ] [ H L J K f + -");
    assert_true(a.cur_node >= 0);
    tui_app_done(&a);
}

/* The nodes view's columns: names take the spare width, the others their
 * natural width (the longest op type, the short ISA on narrow screens). */
static void test_nodes_widths(void **state)
{
    (void)state;
    struct tui_model m;
    struct err e = {0};
    assert_int_equal(tm_load_graph(&m, load_sample("transformer_block.pb"), NULL, &e), ST_OK);
    int ln = 0, lo = 0, li = 0;
    for (int i = 0; i < m.n_rows; i++) {
        int k = tui_strwidth(m.rows[i].name);
        ln = k > ln ? k : ln;
        k = tui_strwidth(m.rows[i].op);
        lo = k > lo ? k : lo;
        k = tui_strwidth(m.rows[i].impl);
        li = k > li ? k : li;
    }
    li = li > 8 ? li : 8; /* "isa/impl" */
    assert_int_equal(lo, 17); /* SquaredDifference */
    assert_true(ln > 20);
    int w[COL__COUNT];
    /* 80 columns: every column natural but the op type, which gives back 4
     * of its 17 so that names keep 20 */
    tui_nodes_widths(&m, 80, w);
    assert_int_equal(w[COL_OP], 13);
    assert_int_equal(w[COL_PLANNED], 5);
    assert_int_equal(w[COL_EXEC], 5);
    assert_int_equal(w[COL_ISA], 11);
    assert_int_equal(w[COL_TIME], 7);
    assert_int_equal(w[COL_SHARE], 6);
    assert_int_equal(w[COL_CASTS], 5);
    int sum = 0;
    for (int c = 0; c < COL__COUNT; c++)
        sum += w[c] + 1;
    assert_int_equal(sum, 80);
    assert_int_equal(w[COL_NAME], 20);
    /* 120 columns: the whole longest name, the spare to the kernel */
    tui_nodes_widths(&m, 120, w);
    assert_int_equal(w[COL_OP], 17);
    assert_int_equal(w[COL_NAME], ln + 1);
    sum = 0;
    for (int c = 0; c < COL__COUNT; c++)
        sum += w[c] + 1;
    assert_true(sum <= 120);
    assert_int_equal(w[COL_ISA], li); /* no run: the header's width */
    /* 200 columns: every column natural, the kernel in full */
    tui_nodes_widths(&m, 200, w);
    assert_int_equal(w[COL_NAME], ln + 1);
    assert_int_equal(w[COL_OP], 17);
    assert_int_equal(w[COL_ISA], li);
    assert_int_equal(w[COL_TIME], 8);
    /* the screen drawn at 80x24: BatchMatMulV2 whole, no row wider */
    struct tui_app a;
    assert_int_equal(tui_app_init_graph(&a, load_sample("transformer_block.pb"), 80, 24, &e), ST_OK);
    keys(&a, "2");
    tui_app_command(&a, "filter op:BatchMatMulV2");
    char *t = screen_text(&a);
    assert_non_null(strstr(t, "attn/MatMul          BatchMatMulV2 bf16"));
    for (int y = 0; y < a.cv.h; y++) {
        char row[1024];
        cv_row(&a.cv, y, row, sizeof row);
        assert_true(tui_strwidth(row) <= 80);
    }
    free(t);
    tui_app_done(&a);
    tm_done(&m);
}

static void test_app_utf8_long_names(void **state)
{
    (void)state;
    char longname[700];
    memset(longname, 'L', 600);
    longname[600] = 0;
    char txt[4096];
    snprintf(txt, sizeof txt,
             "node { name: 'entr\xc3\xa9\x65/\xe5\x85\xa5\xe5\x8a\x9b' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } }"
             " attr { key: 'shape' value { shape { dim { size: 1 } dim { size: 8 } } } } }\n"
             "node { name: 'w' op: 'Const' attr { key: 'dtype' value { type: DT_FLOAT } }"
             " attr { key: 'value' value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 8 } dim { size: 8 } } float_val: 1 } } } }\n"
             "node { name: 'scope/%s/MatMul' op: 'MatMul' input: 'entr\xc3\xa9\x65/\xe5\x85\xa5\xe5\x8a\x9b' input: 'w'"
             " attr { key: 'T' value { type: DT_FLOAT } } }\n",
             longname);
    struct err e = {0};
    graph *g = graph_load_buffer(txt, strlen(txt), "names.pbtxt", NULL, &e);
    if (!g)
        fail_msg("%s", e.msg);
    graph_infer(g, NULL, 0, 1, &e);
    struct tui_app a;
    assert_int_equal(tui_app_init_graph(&a, g, 80, 24, &e), ST_OK);
    const char *views[] = {"1", "2", "3", "2 g Enter", "q G Enter"};
    for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
        keys(&a, views[v]);
        char *t = screen_text(&a);
        for (int y = 0; y < a.cv.h; y++) {
            char row[2048];
            cv_row(&a.cv, y, row, sizeof row);
            assert_true(tui_strwidth(row) <= 80);
        }
        free(t);
    }
    keys(&a, "2");
    tui_app_command(&a, "search \xe5\x85\xa5\xe5\x8a\x9b");
    char *t = screen_text(&a);
    assert_non_null(strstr(t, "\xe5\x85\xa5\xe5\x8a\x9b")); /* the CJK name is drawn */
    free(t);
    tui_app_done(&a);
}

/* The same through the keys of the graph view, headless. */
static void test_app_scope_keys(void **state)
{
    (void)state;
    struct tui_app a;
    struct err e = {0};
    graph *g = scoped_graph(20, 8);
    assert_int_equal(tui_app_init_graph(&a, g, 120, 40, &e), ST_OK);
    int mm = graph_find(a.m.g, "model/block_5/layer_2/MatMul");
    a.cur_node = mm;
    keys(&a, "1");
    keys(&a, "f"); /* the cursor on block_5's box */
    const struct tui_gcells *gc = a.gc;
    assert_non_null(gc);
    keys(&a, "+");
    assert_int_equal(group_unit(gc, "model/block_5"), -1);
    assert_int_equal(count_kind(gc, GC_GROUP), 19);
    char *s = screen_text(&a);
    assert_non_null(strstr(s, "opened model/block_5"));
    free(s);
    /* the cursor is on the scope's first node; - closes block_5 around it */
    keys(&a, "-");
    assert_true(group_unit(gc, "model/block_5") >= 0);
    s = screen_text(&a);
    assert_non_null(strstr(s, "closed model/block_5"));
    free(s);
    /* - on a box closes the scope around the box: everything in "model" */
    keys(&a, "-");
    assert_int_equal(count_kind(gc, GC_GROUP), 1);
    /* + on a node explains itself; = goes back to automatic */
    keys(&a, "=");
    assert_int_equal(count_kind(gc, GC_GROUP), 20);
    tui_app_done(&a);
}

/* Scope levels that add nothing are skipped: - on a box whose enclosing
 * scopes hold no other node says so instead of redrawing the same picture,
 * and + on a box whose nodes all sit in one sub-scope opens down to the
 * first level that shows more than a renamed box. */
static void test_app_scope_chain(void **state)
{
    (void)state;
    struct abuf t;
    abuf_init(&t);
    abuf_puts(&t, "node { name: 'x' op: 'Placeholder' attr { key: 'dtype' value { type: DT_FLOAT } } }\n");
    char prev[64] = "x";
    for (int k = 0; k < 10; k++) { /* enough for net/wrap to stay a box when net opens */
        char name[64];
        snprintf(name, sizeof name, "net/wrap/l%d/Relu", k);
        abuf_printf(&t, "node { name: '%s' op: 'Relu' input: '%s' attr { key: 'T' value { type: DT_FLOAT } } }\n",
                    name, prev);
        snprintf(prev, sizeof prev, "%s", name);
    }
    struct err e = {0};
    graph *g = graph_load_buffer(t.data, t.len, "chain.pbtxt", NULL, &e);
    abuf_done(&t);
    assert_non_null(g);
    struct tui_app a;
    assert_int_equal(tui_app_init_graph(&a, g, 120, 40, &e), ST_OK);
    keys(&a, "1");
    struct tui_gcells *gc = a.gc;
    assert_int_equal(count_kind(gc, GC_GROUP), 0);
    /* - on a node of a one-node scope closes the first scope with two: net/wrap */
    a.cur_node = graph_find(a.m.g, "net/wrap/l3/Relu");
    keys(&a, "1 -");
    assert_true(group_unit(gc, "net/wrap") >= 0);
    assert_int_equal(count_kind(gc, GC_GROUP), 1);
    /* - on that box: "net" holds nothing more, so nothing changes and it says why */
    keys(&a, "-");
    assert_true(group_unit(gc, "net/wrap") >= 0);
    char *s = screen_text(&a);
    assert_non_null(strstr(s, "nothing bigger to close"));
    free(s);
    /* a box "net" (as the automatic depth may draw it): + opens net and net/wrap */
    gc_scopes_clear(gc);
    gc_scope_close(gc, "net");
    gc_build(gc, &a.m);
    assert_true(group_unit(gc, "net") >= 0);
    a.cur_node = graph_find(a.m.g, "net/wrap/l0/Relu");
    keys(&a, "1 +");
    assert_int_equal(count_kind(gc, GC_GROUP), 0);
    assert_int_equal(count_kind(gc, GC_OP), 11);
    s = screen_text(&a);
    assert_non_null(strstr(s, "opened net/wrap"));
    free(s);
    tui_app_done(&a);
}

/* ---- rerun on the real embedded backend --------------------------------- */

static void wait_rerun(struct tui_app *a)
{
    for (int i = 0; i < 6000 && tui_rerun_active(a); i++) {
        unsigned f = tui_rerun_poll(a);
        if (f & ~(unsigned)TR_REDRAW)
            tui_app_act(a, f);
        usleep(10000);
    }
    assert_false(tui_rerun_active(a));
}

static void test_rerun(void **state)
{
    (void)state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/samples/mlp.pb", root());
    assert_int_equal(chdir(tmp_dir), 0); /* runs/ goes into the temporary directory */
    struct tui_app a;
    struct err e = {0};
    struct tui_opts o = {.model_path = path};
    assert_int_equal(tui_app_init(&a, &o, 100, 30, &e), ST_OK);
    /* first run with the default lists */
    tui_app_request(&a, REQ_RERUN);
    if (!tui_rerun_active(&a))
        fail_msg("rerun did not start: %s", a.msg);
    char *s = screen_text(&a);
    assert_non_null(strstr(s, "rerun"));
    free(s);
    /* the progress line fits the width it is given, lesser fields dropped */
    char st[400];
    tui_rerun_status(&a, st, sizeof st, 0);
    assert_non_null(strstr(st, "(Esc cancels)"));
    int widths[] = {200, 80, 40, 24};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++) {
        tui_rerun_status(&a, st, sizeof st, widths[i]);
        assert_true(tui_strwidth(st) <= widths[i]);
        assert_true(!strncmp(st, "rerun ", 6));
    }
    wait_rerun(&a);
    if (!a.m.has_run)
        fail_msg("first run: %s", a.msg);
    assert_string_equal(a.m.meta.status, "ok");
    assert_non_null(a.m.rep);
    int mm = graph_find(a.m.g, "dense/MatMul");
    assert_string_equal(a.m.rows[mm].executed, "bf16");
    assert_int_equal(a.stack[0], V_RUNS);
    char first[1024];
    snprintf(first, sizeof first, "%s", a.m.run_dir);
    /* MatMul to deny, rerun: the new run becomes current, diffed against the first */
    tui_app_command(&a, "list MatMul deny");
    assert_true(a.m.rows[mm].plan_changed);
    tui_app_request(&a, REQ_RERUN);
    wait_rerun(&a);
    assert_string_not_equal(a.m.run_dir, first);
    assert_false(a.m.edited);
    assert_string_equal(a.m.rows[mm].executed, "f32");
    assert_non_null(strstr(a.m.meta.list_env, "DENYLIST_ADD=MatMul"));
    assert_int_equal(a.m.n_runs, 2);
    assert_true(a.m.n_diff > 0);
    bool found = false;
    for (int i = 0; i < a.m.n_diff; i++)
        if (a.m.diff[i].node == mm) {
            assert_string_equal(a.m.diff[i].prec_a, "bf16");
            assert_string_equal(a.m.diff[i].prec_b, "f32");
            found = true;
        }
    assert_true(found);
    s = screen_text(&a);
    assert_non_null(strstr(s, "diff "));
    assert_non_null(strstr(s, "dense/MatMul"));
    free(s);
    /* a cancelled rerun: stopped, reaped, kept as interrupted */
    tui_app_request(&a, REQ_RERUN);
    assert_true(tui_rerun_active(&a));
    tui_app_act(&a, tui_app_request(&a, REQ_CANCEL));
    assert_false(tui_rerun_active(&a));
    tm_scan_runs(&a.m);
    assert_int_equal(a.m.n_runs, 3);
    int interrupted = 0, ok = 0;
    for (int i = 0; i < a.m.n_runs; i++) {
        interrupted += !strcmp(a.m.runs[i].status, "interrupted");
        ok += !strcmp(a.m.runs[i].status, "ok");
    }
    /* the tiny model may finish before the cancel lands: then it is kept as ok */
    assert_int_equal(interrupted + ok, 3);
    tui_app_done(&a);
    assert_int_equal(chdir(cwd), 0);
}

static int setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    root();
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ampscope-test-tui-XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canvas_utf8),
        cmocka_unit_test(test_fit_long_names),
        cmocka_unit_test(test_line_chars),
        cmocka_unit_test(test_keys_table),
        cmocka_unit_test(test_help_and_docs),
        cmocka_unit_test(test_model_toggle),
        cmocka_unit_test(test_model_sort_filter),
        cmocka_unit_test(test_app_scope_keys),
        cmocka_unit_test(test_app_scope_chain),
        cmocka_unit_test(test_app_views),
        cmocka_unit_test(test_list_paging),
        cmocka_unit_test(test_app_resize),
        cmocka_unit_test(test_app_utf8_long_names),
        cmocka_unit_test(test_nodes_widths),
        cmocka_unit_test(test_rerun),
    };
    return cmocka_run_group_tests_name("tui", tests, setup, teardown);
}
