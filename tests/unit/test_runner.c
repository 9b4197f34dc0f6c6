/* test_runner.c: the runner's own suite: child-process machinery (exit codes,
 * stderr capture, progress pipe, cancel, timeout), meta.json round trips and
 * damaged/newer run directories, and the embedded oneDNN executor on real
 * oneDNN: every sample runs, truth.tsv names one node per exec line of
 * verbose.log, markers bracket the iterations, bf16 nodes run bf16
 * primitives, and bad input (unsupported ops, unknown shapes, a primitive
 * oneDNN rejects) fails before anything runs with a message that says why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/amp.h"
#include "analyze/graph.h"
#include "analyze/rundir.h"
#include "runner/backend.h"
#include "runner/proc.h"

static char tmpdir[1024];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/ampscope-runner-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

static char *slurp(const char *path)
{
    char *data = NULL;
    size_t len;
    struct err e;
    if (util_read_file(path, 0, &data, &len, &e) != ST_OK)
        return NULL;
    return data;
}

/* ---- proc ---------------------------------------------------------------- */

static void test_proc_exec_exit_and_streams(void **state)
{
    (void)state;
    char out[PATH_MAX], errp[PATH_MAX];
    path_in(out, sizeof out, "p1.out");
    path_in(errp, sizeof errp, "p1.err");
    const char *argv[] = {"sh", "-c",
                          "echo onednn_verbose,exec,a; echo plain; echo onednn_verbose,exec,b; "
                          "echo \"$AMPSCOPE_T\" >&2; exit 3",
                          NULL};
    const char *env[] = {"AMPSCOPE_T=hello", NULL};
    struct proc_spec s = {.argv = argv, .env = env, .stdout_path = out, .stderr_path = errp};
    struct err e = {0};
    proc *p = proc_start(&s, &e);
    assert_non_null(p);
    struct proc_status st;
    proc_wait(p, &st);
    assert_int_equal(st.state, PROC_EXITED);
    assert_int_equal(st.exit_code, 3);
    assert_int_equal(st.lines, 2);
    proc_free(p);
    char *se = slurp(errp);
    assert_non_null(se);
    assert_string_equal(se, "hello\n");
    free(se);
}

static int child_fn(void *ctx, int fd)
{
    (void)ctx;
    proc_progress(fd, "phase warmup");
    proc_progress(fd, "iter 2 5");
    proc_progress(fd, "note almost");
    printf("onednn_verbose,info,x\n");
    return 7;
}

static void test_proc_fork_progress(void **state)
{
    (void)state;
    char out[PATH_MAX];
    path_in(out, sizeof out, "p2.out");
    struct proc_spec s = {.fn = child_fn, .stdout_path = out};
    struct err e = {0};
    proc *p = proc_start(&s, &e);
    assert_non_null(p);
    struct proc_status st;
    proc_wait(p, &st);
    assert_int_equal(st.state, PROC_EXITED);
    assert_int_equal(st.exit_code, 7);
    assert_string_equal(st.phase, "warmup");
    assert_int_equal(st.iter_done, 2);
    assert_int_equal(st.iter_total, 5);
    assert_string_equal(st.note, "almost");
    assert_int_equal(st.lines, 1);
    proc_free(p);
}

static void test_proc_cancel_and_timeout(void **state)
{
    (void)state;
    const char *argv[] = {"sleep", "30", NULL};
    struct proc_spec s = {.argv = argv, .grace_s = 1};
    struct err e = {0};
    proc *p = proc_start(&s, &e);
    assert_non_null(p);
    struct proc_status st;
    proc_poll(p, &st);
    assert_int_equal(st.state, PROC_RUNNING);
    double t0 = util_now_ms();
    proc_cancel(p);
    proc_poll(p, &st);
    assert_int_equal(st.state, PROC_CANCELLED);
    assert_true(util_now_ms() - t0 < 5000);
    proc_free(p);

    /* a child that ignores SIGTERM is killed after the grace period */
    const char *argv2[] = {"sh", "-c", "trap '' TERM; sleep 30", NULL};
    struct proc_spec s2 = {.argv = argv2, .timeout_s = 0.2, .grace_s = 0.3};
    p = proc_start(&s2, &e);
    assert_non_null(p);
    proc_wait(p, &st);
    assert_int_equal(st.state, PROC_TIMEOUT);
    char buf[128];
    proc_status_str(&st, buf, sizeof buf);
    assert_non_null(strstr(buf, "timed out"));
    proc_free(p);

    /* a program that does not exist exits 127 with the reason on stderr */
    char errp[PATH_MAX];
    path_in(errp, sizeof errp, "p3.err");
    const char *argv3[] = {"ampscope-no-such-program", NULL};
    struct proc_spec s3 = {.argv = argv3, .stderr_path = errp};
    p = proc_start(&s3, &e);
    assert_non_null(p);
    proc_wait(p, &st);
    assert_int_equal(st.exit_code, 127);
    proc_free(p);
    char *se = slurp(errp);
    assert_non_null(strstr(se, "cannot run ampscope-no-such-program"));
    free(se);
}

/* tee_stderr: the child's stderr lands in its file (and on ampscope's stderr). */
static void test_proc_tee(void **state)
{
    (void)state;
    char out[PATH_MAX], errp[PATH_MAX];
    path_in(out, sizeof out, "p4.out");
    path_in(errp, sizeof errp, "p4.err");
    const char *argv[] = {"sh", "-c", "echo to-out; echo to-err-1 >&2; echo to-err-2 >&2", NULL};
    struct proc_spec s = {.argv = argv, .stdout_path = out, .stderr_path = errp, .tee_stderr = true};
    struct err e = {0};
    proc *p = proc_start(&s, &e);
    assert_non_null(p);
    struct proc_status st;
    proc_wait(p, &st);
    assert_int_equal(st.exit_code, 0);
    proc_free(p);
    char *se = slurp(errp), *so = slurp(out);
    assert_string_equal(se, "to-err-1\nto-err-2\n");
    assert_string_equal(so, "to-out\n");
    free(se);
    free(so);
}

/* tee_stdout + tee_skip (the `-- COMMAND` form): the command's own lines reach
 * ampscope's stderr whole, oneDNN's verbose lines and the skipped lines do
 * not; the files keep everything. */
static void test_proc_tee_lines(void **state)
{
    (void)state;
    char out[PATH_MAX], errp[PATH_MAX], shown[PATH_MAX];
    path_in(out, sizeof out, "p5.out");
    path_in(errp, sizeof errp, "p5.err");
    path_in(shown, sizeof shown, "p5.shown");
    const char *argv[] = {"sh", "-c",
                          "echo onednn_verbose,exec,cpu,reorder; echo user line; "
                          "echo 'I auto_mixed_precision.cc:1] painted' >&2; echo 'W a warning' >&2; "
                          "printf 'no newline' >&2",
                          NULL};
    struct proc_spec s = {.argv = argv, .stdout_path = out, .stderr_path = errp, .tee_stderr = true,
                          .tee_stdout = true, .tee_skip = "auto_mixed_precision"};
    fflush(stderr);
    int saved = dup(2);
    int fd = open(shown, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    struct err e = {0};
    proc *p = proc_start(&s, &e);
    struct proc_status st = {0};
    if (p) {
        proc_wait(p, &st);
        proc_free(p);
    }
    dup2(saved, 2);
    close(saved);
    assert_non_null(p);
    assert_int_equal(st.exit_code, 0);
    assert_int_equal(st.lines, 1);
    char *sh = slurp(shown), *so = slurp(out), *se = slurp(errp);
    assert_non_null(strstr(sh, "user line\n"));
    assert_non_null(strstr(sh, "W a warning\n"));
    assert_non_null(strstr(sh, "no newline\n"));
    assert_null(strstr(sh, "onednn_verbose"));
    assert_null(strstr(sh, "auto_mixed_precision"));
    assert_string_equal(so, "onednn_verbose,exec,cpu,reorder\nuser line\n");
    assert_non_null(strstr(se, "I auto_mixed_precision.cc:1] painted\n"));
    free(sh);
    free(so);
    free(se);
}

/* The SavedModel selection beside meta.json: written only when given, read back. */
static void test_select_roundtrip(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    path_in(dir, sizeof dir, "sel1");
    struct err e = {0};
    assert_int_equal(util_mkdirs(dir, &e), ST_OK);
    struct rundir_select sel;
    assert_int_equal(rundir_write_select(dir, NULL, "", &e), ST_OK);
    assert_false(rundir_read_select(dir, &sel)); /* nothing given: no file */
    assert_int_equal(rundir_write_select(dir, NULL, "regress_x2_to_y3", &e), ST_OK);
    assert_true(rundir_read_select(dir, &sel));
    assert_string_equal(sel.tag, "");
    assert_string_equal(sel.signature, "regress_x2_to_y3");
    assert_int_equal(rundir_write_select(dir, "serve,gpu", "s", &e), ST_OK);
    assert_true(rundir_read_select(dir, &sel));
    assert_string_equal(sel.tag, "serve,gpu");
    assert_string_equal(sel.signature, "s");
}

/* ---- meta.json ------------------------------------------------------------- */

static void test_meta_roundtrip_and_damage(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    path_in(dir, sizeof dir, "meta1");
    struct err e = {0};
    assert_int_equal(util_mkdirs(dir, &e), ST_OK);
    struct rundir_meta m, r;
    rundir_meta_init(&m);
    string_copy(m.backend, "embedded");
    string_copy(m.command, "ampscope run \"x\"\n\ttab");
    string_copy(m.list_env, "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_DENYLIST_ADD=Softmax\n");
    m.warmup = 2;
    m.iters = 5;
    m.seed = 42;
    m.compare = true;
    assert_int_equal(rundir_write_meta(dir, &m, &e), ST_OK);
    assert_true(rundir_is(dir));
    assert_int_equal(rundir_read_meta(dir, &r, &e), ST_OK);
    assert_string_equal(r.status, "running");
    assert_string_equal(r.backend, "embedded");
    assert_string_equal(r.command, m.command);
    assert_string_equal(r.list_env, m.list_env);
    assert_int_equal(r.iters, 5);
    assert_int_equal(r.seed, 42);
    assert_true(r.compare);

    /* cut short by a crash: still readable */
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/meta.json", dir);
    const char *cut = "{\n  \"format_version\": 1,\n  \"status\": \"running\",\n  \"backend\": \"emb";
    assert_int_equal(util_write_file_atomic(p, cut, strlen(cut), &e), ST_OK);
    assert_int_equal(rundir_read_meta(dir, &r, &e), ST_OK);
    assert_string_equal(r.status, "running");

    /* from a newer ampscope: a clear refusal */
    const char *newer = "{\"format_version\": 99, \"ampscope_version\": \"9.0.0\", \"status\": \"ok\"}";
    util_write_file_atomic(p, newer, strlen(newer), &e);
    assert_int_equal(rundir_read_meta(dir, &r, &e), ST_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "newer ampscope"));
    assert_non_null(strstr(e.msg, "9.0.0"));

    /* not JSON */
    util_write_file_atomic(p, "garbage", 7, &e);
    assert_int_equal(rundir_read_meta(dir, &r, &e), ST_EPARSE);

    /* not a run directory */
    char none[PATH_MAX];
    path_in(none, sizeof none, "nothing-here");
    assert_int_equal(rundir_read_meta(none, &r, &e), ST_ENOENT);
    assert_false(rundir_is(none));

    char made[PATH_MAX];
    assert_int_equal(rundir_create(dir, "my model.pb", made, sizeof made, &e), ST_OK);
    assert_non_null(strstr(made, "my_model.pb-"));
}

/* ---- the embedded executor --------------------------------------------------- */

struct runres {
    long exec_lines, truth_rows, markers, bf16_compute, f32_compute, casts;
    bool truth_ok;
    char msg[512];
};

static const char *root(void)
{
    const char *r = getenv("AMPSCOPE_ROOT");
    return r ? r : ".";
}

/* Counts exec lines / markers of verbose.log and checks truth.tsv rows line up. */
static void check_dir(const char *dir, struct runres *r)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/verbose.log", dir);
    char *v = slurp(p);
    snprintf(p, sizeof p, "%s/truth.tsv", dir);
    char *t = slurp(p);
    assert_non_null(v);
    assert_non_null(t);
    /* exec lines in order, with their data type */
    char **kinds = NULL;
    size_t cap = 0;
    for (char *line = strtok(v, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, RUNDIR_MARKER ",", strlen(RUNDIR_MARKER) + 1)) {
            r->markers++;
            continue;
        }
        if (strncmp(line, "onednn_verbose,", 15) || !strstr(line, ",exec,cpu,"))
            continue;
        xgrow(&kinds, &cap, (size_t)r->exec_lines + 1, sizeof *kinds);
        kinds[r->exec_lines++] = line;
    }
    r->truth_ok = true;
    char *save = NULL;
    for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        long idx = strtol(line, NULL, 10);
        char *role = strrchr(line, '\t');
        if (idx != r->truth_rows || idx >= r->exec_lines || !role) {
            r->truth_ok = false;
            break;
        }
        role++;
        const char *ex = kinds[idx];
        if (!strcmp(role, "compute") && !strstr(ex, ",reorder,")) {
            if (strstr(ex, "src_bf16") || strstr(ex, "data_bf16"))
                r->bf16_compute++;
            else
                r->f32_compute++;
        }
        if (!strcmp(role, "cast")) {
            r->casts++;
            if (!strstr(ex, ",reorder,") || !strstr(ex, "bf16"))
                r->truth_ok = false;
        }
        r->truth_rows++;
    }
    free(kinds);
    free(v);
    free(t);
}

/* A plan as the painter would make it for an all-bf16 graph: every compute
 * node bf16, one counted cast from each Placeholder to all its consumers.
 * Built by hand so this suite tests the executor, not the painter (the e2e
 * tests run the real painter). */
static amp_plan *hand_plan(const graph *g)
{
    amp_plan *p = xcalloc(1, sizeof *p);
    p->g = g;
    p->nodes = xcalloc((size_t)g->n_nodes, sizeof *p->nodes);
    for (int i = 0; i < g->n_nodes; i++) {
        const char *op = g->nodes[i].op;
        p->nodes[i].bf16 = strcmp(op, "Placeholder") && strcmp(op, "Const") && strcmp(op, "Identity") &&
                           strcmp(op, "NoOp");
    }
    p->casts = xcalloc((size_t)g->n_nodes, sizeof *p->casts);
    for (int i = 0; i < g->n_nodes; i++) {
        if (strcmp(g->nodes[i].op, "Placeholder"))
            continue;
        struct amp_cast *c = &p->casts[p->n_casts++];
        c->name = g->nodes[i].name;
        c->src_node = i;
        c->to_bf16 = true;
        c->counted = true;
        c->dst_nodes = xcalloc((size_t)g->nodes[i].n_outs + 1, sizeof(int));
        c->dst_inputs = xcalloc((size_t)g->nodes[i].n_outs + 1, sizeof(int));
        for (int k = 0; k < g->nodes[i].n_outs; k++) {
            c->dst_nodes[c->n_dst] = g->nodes[i].outs[k].node;
            c->dst_inputs[c->n_dst++] = g->nodes[i].outs[k].input;
        }
    }
    return p;
}

static void hand_plan_free(amp_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_casts; i++) {
        free(p->casts[i].dst_nodes);
        free(p->casts[i].dst_inputs);
    }
    free(p->casts);
    free(p->nodes);
    free(p);
}

static enum status run_model(const char *model, const char *dir, int batch, bool bf16_plan,
                             bool amp_off, struct runres *r, const struct g_input_bind *binds,
                             int n_binds)
{
    memset(r, 0, sizeof *r);
    struct err e = {0};
    graph *g = graph_load(model, NULL, &e);
    if (!g) {
        snprintf(r->msg, sizeof r->msg, "%s", e.msg);
        return ST_EINVAL;
    }
    enum status st = graph_infer(g, binds, n_binds, batch, &e);
    amp_plan *plan = st == ST_OK && bf16_plan ? hand_plan(g) : NULL;
    struct backend *b = NULL;
    if (st == ST_OK) {
        b = backend_new(BK_EMBEDDED, &e);
        struct bk_opts o = {.warmup = 1, .iters = 2, .batch = batch, .seed = 3,
                            .amp_off = amp_off, .model_path = model};
        st = b->ops->prepare(b, g, plan, &o, &e);
        if (st == ST_OK) {
            util_mkdirs(dir, &e);
            st = b->ops->start(b, dir, &e);
        }
        if (st == ST_OK) {
            struct bk_progress pg;
            do {
                usleep(10000);
                b->ops->poll(b, &pg);
            } while (pg.state == BK_RUNNING);
            st = b->ops->finish(b, &e);
        }
    }
    if (st != ST_OK)
        snprintf(r->msg, sizeof r->msg, "%s", e.msg);
    backend_free(b);
    hand_plan_free(plan);
    graph_free(g);
    if (st == ST_OK)
        check_dir(dir, r);
    return st;
}

static const char *const samples[] = {"conv_bias_relu", "mnist_convnet", "mlp", "transformer_block",
                                      "resnet_block", "deny_propagation", NULL};

static void test_embedded_samples_f32(void **state)
{
    (void)state;
    for (int i = 0; samples[i]; i++) {
        char model[PATH_MAX], dir[PATH_MAX];
        snprintf(model, sizeof model, "%s/samples/%s.pb", root(), samples[i]);
        snprintf(dir, sizeof dir, "%s/f32-%s", tmpdir, samples[i]);
        struct runres r;
        enum status st = run_model(model, dir, 4, false, true, &r, NULL, 0);
        if (st != ST_OK)
            fail_msg("%s: %s", samples[i], r.msg);
        assert_true(r.truth_ok);
        assert_int_equal(r.truth_rows, r.exec_lines);
        assert_int_equal(r.markers, 2 * 3); /* 1 warmup + 2 iterations, begin + end */
        assert_int_equal(r.bf16_compute, 0);
        assert_true(r.f32_compute > 0);
    }
}

static void test_embedded_samples_bf16(void **state)
{
    (void)state;
    for (int i = 0; samples[i]; i++) {
        char model[PATH_MAX], dir[PATH_MAX];
        snprintf(model, sizeof model, "%s/samples/%s.pb", root(), samples[i]);
        snprintf(dir, sizeof dir, "%s/bf16-%s", tmpdir, samples[i]);
        struct runres r;
        enum status st = run_model(model, dir, 4, true, false, &r, NULL, 0);
        if (st != ST_OK)
            fail_msg("%s: %s", samples[i], r.msg);
        assert_true(r.truth_ok);
        assert_int_equal(r.truth_rows, r.exec_lines);
        assert_true(r.bf16_compute > 0);
        assert_true(r.casts > 0);
    }
}

static void write_text(const char *path, const char *text)
{
    struct err e;
    assert_int_equal(util_write_file_atomic(path, text, strlen(text), &e), ST_OK);
}

#define PH(name, dims) \
    "node { name: \"" name "\" op: \"Placeholder\" attr { key: \"dtype\" value { type: DT_FLOAT } } " \
    "attr { key: \"shape\" value { shape { " dims " } } } }\n"

static void test_embedded_unsupported_ops(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    path_in(model, sizeof model, "unsup.pbtxt");
    path_in(dir, sizeof dir, "unsup-run");
    write_text(model,
               PH("x", "dim { size: 2 } dim { size: 8 }")
               "node { name: \"k\" op: \"Const\" attr { key: \"dtype\" value { type: DT_INT32 } } "
               "attr { key: \"value\" value { tensor { dtype: DT_INT32 tensor_shape { } int_val: 1 } } } }\n"
               "node { name: \"c\" op: \"Cumsum\" input: \"x\" input: \"k\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"s\" op: \"Sin\" input: \"c\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"r\" op: \"Relu\" input: \"s\" attr { key: \"T\" value { type: DT_FLOAT } } }\n");
    struct runres r;
    enum status st = run_model(model, dir, 0, false, true, &r, NULL, 0);
    if (st == ST_EINVAL && strstr(r.msg, "text")) {
        print_message("SKIP: the text GraphDef loader cannot read the fixture yet: %s\n", r.msg);
        skip();
    }
    assert_int_equal(st, ST_EUNSUPPORTED);
    assert_non_null(strstr(r.msg, "Cumsum"));
    assert_non_null(strstr(r.msg, "Sin"));
    assert_non_null(strstr(r.msg, "--backend tf"));
    assert_non_null(strstr(r.msg, "nothing was run"));
    assert_int_equal(access(dir, F_OK), -1); /* nothing started */
}

static void test_embedded_missing_shape(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    path_in(model, sizeof model, "shape.pbtxt");
    path_in(dir, sizeof dir, "shape-run");
    write_text(model, PH("images", "dim { size: -1 } dim { size: -1 } dim { size: 3 }")
                      "node { name: \"r\" op: \"Relu\" input: \"images\" attr { key: \"T\" value { type: DT_FLOAT } } }\n");
    struct runres r;
    enum status st = run_model(model, dir, 0, false, true, &r, NULL, 0);
    if (st == ST_EINVAL && strstr(r.msg, "text-format")) {
        print_message("SKIP: the text GraphDef loader cannot read the fixture yet: %s\n", r.msg);
        skip();
    }
    assert_int_equal(st, ST_EINVAL);
    assert_non_null(strstr(r.msg, "'images'"));
    assert_non_null(strstr(r.msg, "--input images:"));
    /* with the shape given it runs */
    struct g_input_bind b;
    struct err e;
    assert_int_equal(g_input_bind_parse("images:2x5x3", &b, &e), ST_OK);
    st = run_model(model, dir, 0, false, true, &r, &b, 1);
    g_input_bind_done(&b);
    if (st != ST_OK)
        fail_msg("%s", r.msg);
    assert_int_equal(r.truth_rows, r.exec_lines);
}

static void test_embedded_onednn_failure(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    path_in(model, sizeof model, "badconv.pbtxt");
    path_in(dir, sizeof dir, "badconv-run");
    /* input has 3 channels, the filter expects 2: oneDNN rejects the convolution */
    write_text(model,
               PH("x", "dim { size: 1 } dim { size: 8 } dim { size: 8 } dim { size: 3 }")
               "node { name: \"w\" op: \"Const\" attr { key: \"dtype\" value { type: DT_FLOAT } } "
               "attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 1 } dim { size: 1 } "
               "dim { size: 2 } dim { size: 4 } } float_val: 0.5 } } } }\n"
               "node { name: \"conv\" op: \"Conv2D\" input: \"x\" input: \"w\" attr { key: \"T\" value { type: DT_FLOAT } } "
               "attr { key: \"strides\" value { list { i: 1 i: 1 i: 1 i: 1 } } } "
               "attr { key: \"padding\" value { s: \"VALID\" } } }\n");
    struct runres r;
    enum status st = run_model(model, dir, 0, false, true, &r, NULL, 0);
    if (st == ST_EINVAL && strstr(r.msg, "text-format")) {
        print_message("SKIP: the text GraphDef loader cannot read the fixture yet: %s\n", r.msg);
        skip();
    }
    assert_int_not_equal(st, ST_OK);
    assert_non_null(strstr(r.msg, "'conv'"));
    assert_non_null(strstr(r.msg, "status"));
    assert_non_null(strstr(r.msg, "1x8x8x3") ? strstr(r.msg, "1x8x8x3") : strstr(r.msg, "1x3x8x8"));
}

/* Pad before a convolution folds into its padding (TF's PadWithConv2D); a Pad
 * on its own is a reorder into a zeroed buffer; AddN is a sum. */
static void test_embedded_pad_addn(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    path_in(model, sizeof model, "pad.pbtxt");
    path_in(dir, sizeof dir, "pad-run");
    write_text(model,
               PH("x", "dim { size: 1 } dim { size: 6 } dim { size: 6 } dim { size: 4 }")
               "node { name: \"p\" op: \"Const\" attr { key: \"dtype\" value { type: DT_INT32 } } "
               "attr { key: \"value\" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 4 } dim { size: 2 } } "
               "int_val: 0 int_val: 0 int_val: 1 int_val: 1 int_val: 1 int_val: 1 int_val: 0 int_val: 0 } } } }\n"
               "node { name: \"pad\" op: \"Pad\" input: \"x\" input: \"p\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"w\" op: \"Const\" attr { key: \"dtype\" value { type: DT_FLOAT } } "
               "attr { key: \"value\" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 3 } dim { size: 3 } "
               "dim { size: 4 } dim { size: 4 } } float_val: 0.25 } } } }\n"
               "node { name: \"conv\" op: \"Conv2D\" input: \"pad\" input: \"w\" attr { key: \"T\" value { type: DT_FLOAT } } "
               "attr { key: \"strides\" value { list { i: 1 i: 1 i: 1 i: 1 } } } "
               "attr { key: \"padding\" value { s: \"VALID\" } } }\n"
               "node { name: \"pad2\" op: \"Pad\" input: \"conv\" input: \"p\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"r\" op: \"Relu\" input: \"pad2\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"sum\" op: \"AddN\" input: \"r\" input: \"pad2\" input: \"r\" "
               "attr { key: \"T\" value { type: DT_FLOAT } } attr { key: \"N\" value { i: 3 } } }\n");
    struct runres r;
    enum status st = run_model(model, dir, 0, false, true, &r, NULL, 0);
    if (st != ST_OK)
        fail_msg("%s", r.msg);
    assert_true(r.truth_ok);
    assert_int_equal(r.truth_rows, r.exec_lines);
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/fused.tsv", dir);
    char *fz = slurp(p);
    assert_non_null(strstr(fz, "pad\tconv\n"));
    assert_null(strstr(fz, "pad2\t"));
    free(fz);
    snprintf(p, sizeof p, "%s/verbose.log", dir);
    char *v = slurp(p);
    /* the convolution got the Pad as its padding: 6x6 in, 6x6 out */
    assert_non_null(strstr(v, "mb1_ic4oc4_ih6oh6kh3sh1dh0ph1_iw6ow6kw3sw1dw0pw1"));
    assert_non_null(strstr(v, ",exec,cpu,sum,"));
    free(v);
}

/* Shapes whose tensors cannot fit in memory are refused before anything runs. */
static void test_embedded_too_big(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    snprintf(model, sizeof model, "%s/samples/mlp.pb", root());
    path_in(dir, sizeof dir, "big-run");
    struct runres r;
    enum status st = run_model(model, dir, 1 << 30, false, true, &r, NULL, 0);
    assert_int_equal(st, ST_ELIMIT);
    assert_non_null(strstr(r.msg, "GiB"));
    assert_non_null(strstr(r.msg, "--batch"));
    assert_int_equal(access(dir, F_OK), -1);
}

#define I32C(name, n, vals) \
    "node { name: \"" name "\" op: \"Const\" attr { key: \"dtype\" value { type: DT_INT32 } } " \
    "attr { key: \"value\" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: " n " } } " vals " } } } }\n"

/* x[:, 1, :] (StridedSlice with shrink_axis_mask) and Slice x[0:1, 1:3, 2:] as
 * reorders of strided views; IdentityN passes its port 1 through. */
static void test_embedded_slices(void **state)
{
    (void)state;
    char model[PATH_MAX], dir[PATH_MAX];
    path_in(model, sizeof model, "slice.pbtxt");
    path_in(dir, sizeof dir, "slice-run");
    write_text(model,
               PH("x", "dim { size: 2 } dim { size: 5 } dim { size: 8 }")
               I32C("b", "3", "int_val: 0 int_val: 1 int_val: 0")
               I32C("e", "3", "int_val: 0 int_val: 2 int_val: 0")
               I32C("s", "3", "int_val: 1 int_val: 1 int_val: 1")
               "node { name: \"ss\" op: \"StridedSlice\" input: \"x\" input: \"b\" input: \"e\" input: \"s\" "
               "attr { key: \"T\" value { type: DT_FLOAT } } attr { key: \"Index\" value { type: DT_INT32 } } "
               "attr { key: \"begin_mask\" value { i: 5 } } attr { key: \"end_mask\" value { i: 5 } } "
               "attr { key: \"shrink_axis_mask\" value { i: 2 } } }\n"
               "node { name: \"r1\" op: \"Relu\" input: \"ss\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               I32C("b2", "3", "int_val: 0 int_val: 1 int_val: 2")
               I32C("z2", "3", "int_val: 1 int_val: 2 int_val: -1")
               "node { name: \"sl\" op: \"Slice\" input: \"x\" input: \"b2\" input: \"z2\" "
               "attr { key: \"T\" value { type: DT_FLOAT } } attr { key: \"Index\" value { type: DT_INT32 } } }\n"
               "node { name: \"r2\" op: \"Relu\" input: \"sl\" attr { key: \"T\" value { type: DT_FLOAT } } }\n"
               "node { name: \"idn\" op: \"IdentityN\" input: \"r1\" input: \"r2\" "
               "attr { key: \"T\" value { list { type: DT_FLOAT type: DT_FLOAT } } } }\n"
               "node { name: \"t\" op: \"Tanh\" input: \"idn:1\" attr { key: \"T\" value { type: DT_FLOAT } } }\n");
    struct runres r;
    enum status st = run_model(model, dir, 0, false, true, &r, NULL, 0);
    if (st != ST_OK)
        fail_msg("%s", r.msg);
    assert_true(r.truth_ok);
    assert_int_equal(r.truth_rows, r.exec_lines);
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/verbose.log", dir);
    char *v = slurp(p);
    assert_non_null(strstr(v, ",2x1x8,"));   /* x[:, 1, :] */
    assert_non_null(strstr(v, ",1x2x6,"));   /* x[0:1, 1:3, 2:] */
    assert_non_null(strstr(v, "eltwise_tanh")); /* through IdentityN port 1 */
    free(v);
}

/* A TF2 SavedModel: function bodies inlined by the loader, outputs through the
 * call nodes, weights in variables (seeded values). From the shared corpus. */
static void test_embedded_savedmodel(void **state)
{
    (void)state;
    const char *corpus = getenv("SHARED_CORPUS");
    char model[PATH_MAX], dir[PATH_MAX];
    snprintf(model, sizeof model, "%s/graphs/rust_keras_multi_input_saved_model.pb",
             corpus ? corpus : "../shared/corpus");
    if (access(model, R_OK) != 0) {
        print_message("SKIP: %s is absent (the shared corpus is not here)\n", model);
        skip();
    }
    path_in(dir, sizeof dir, "savedmodel-run");
    struct runres r;
    enum status st = run_model(model, dir, 2, true, false, &r, NULL, 0);
    if (st != ST_OK)
        fail_msg("%s", r.msg);
    assert_true(r.truth_ok);
    assert_int_equal(r.truth_rows, r.exec_lines);
    assert_true(r.bf16_compute > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proc_exec_exit_and_streams),
        cmocka_unit_test(test_proc_fork_progress),
        cmocka_unit_test(test_proc_cancel_and_timeout),
        cmocka_unit_test(test_proc_tee),
        cmocka_unit_test(test_proc_tee_lines),
        cmocka_unit_test(test_meta_roundtrip_and_damage),
        cmocka_unit_test(test_select_roundtrip),
        cmocka_unit_test(test_embedded_samples_f32),
        cmocka_unit_test(test_embedded_samples_bf16),
        cmocka_unit_test(test_embedded_unsupported_ops),
        cmocka_unit_test(test_embedded_missing_shape),
        cmocka_unit_test(test_embedded_onednn_failure),
        cmocka_unit_test(test_embedded_pad_addn),
        cmocka_unit_test(test_embedded_too_big),
        cmocka_unit_test(test_embedded_savedmodel),
        cmocka_unit_test(test_embedded_slices),
    };
    return cmocka_run_group_tests_name("runner", tests, setup, teardown);
}
