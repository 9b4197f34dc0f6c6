/* cmd_analyze.c: `ampscope analyze MODEL --log FILE...`: the evidence a user
 * already has (a verbose log from production or their own script, the TF
 * stderr with AMP lines, TF's LOG_PATH dumps) becomes a run directory (files
 * copied in, nothing rerun, meta backend "logs"), and gets the same report
 * as a run: iterations from the repeating exec sequence, every primitive
 * mapped to its node, the diagnosis.
 */
#include "cli/cli.h"

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "analyze/amp.h"
#include "analyze/rundir.h"
#include "cli/run_report.h"
#include "tui/tui.h"

#define MAX_LOGS 64
#define MODEL_COPY_MAX ((off_t)64 << 20)

static void usage(FILE *f)
{
    fputs("usage: ampscope analyze MODEL --log FILE... [--amp-log FILE] [--tf-dump DIR]\n"
          "                        [--out DIR] [--json] [--no-tui] [options]\n"
          "\n"
          "Builds a run directory from logs you already have, without running anything:\n"
          "the oneDNN verbose log(s) (`ONEDNN_VERBOSE=1 python infer.py > dnnl_log.csv`),\n"
          "optionally TF's stderr with the auto-mixed-precision lines and TF's\n"
          "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_LOG_PATH dumps, and MODEL (the graph that\n"
          "ran). The files are copied in; the report is the same as `ampscope run` gives:\n"
          "which nodes ran bf16, on AMX, where casts and reorders sit, and why. Without\n"
          "ampscope's iteration markers the iterations are found from the repeating exec\n"
          "sequence; the first run and weight preparation count as warmup. MODEL, the\n"
          "logs and --tf-version are checked before the run directory is made, so a bad\n"
          "input leaves nothing behind.\n"
          "\n"
          "options:\n"
          "  --log FILE          a oneDNN verbose log (repeatable; several are concatenated\n"
          "                      in order; `.gz` is read transparently)\n"
          "  --amp-log FILE      TF/ITEX stderr with the AMP log lines (AMP lines inside\n"
          "                      the verbose log are read too)\n"
          "  --tf-dump DIR       TF's AMP LOG_PATH dump directory, copied to RUN/tf/\n"
          "  --out DIR           the run directory to create (default runs/<model>-<time>)\n"
          "  --tf-version V      TF version whose AMP lists to paint with (default: the\n"
          "                      model's, else the newest)\n"
          "  --batch N           batch size the log ran with: fills every input's unknown\n"
          "                      leading dimension (default 1)\n"
          CLI_HELP_INPUT
          CLI_HELP_SELECT
          "                      (kept in the run directory for `ampscope open`)\n"
          "  --amx yes|no        whether the machine that wrote the log had AMX (default:\n"
          "                      from the log's `isa:` header line when present)\n"
          "  --json              print the report as JSON (schema: docs/report.md)\n"
          "  --no-tui            print the text report instead of the interactive view\n"
          "  --max-nodes N       rows of the node table (default 25, 0 = all)\n"
          "  --fail-under PCT    exit 3 when the bf16 share is below PCT percent (for CI)\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ONEDNN_VERBOSE=1 python infer.py > dnnl_log.csv 2> tf.log\n"
          "  ampscope analyze model.pb --log dnnl_log.csv --amp-log tf.log --batch 64 \\\n"
          "      --no-tui\n"
          "  ampscope analyze saved_model/ --log prod.log.gz --out runs/prod-check --json\n"
          "  ampscope open runs/prod-check          (later, the same report again)\n"
          "\n"
          "exit codes: 0 ok; 1 the logs hold no oneDNN exec lines; 2 bad usage, a missing\n"
          "            or unreadable file, a model that cannot be loaded, an unknown\n"
          "            --tf-version; 3 bf16 share below --fail-under\n",
          f);
}

/* Appends src (plain or gzip) to out, noting oneDNN's version and ISA line. */
static int copy_log(const char *src, FILE *out, char *version, size_t vsize, char *isa,
                    size_t isize)
{
    gzFile in = gzopen(src, "rb");
    if (!in) {
        cli_errorf("analyze", "%s: cannot open the log (check the path)", src);
        return CLI_USAGE;
    }
    char buf[65536];
    int n;
    bool first = true;
    while ((n = gzread(in, buf, sizeof buf)) > 0) {
        if (first) {
            first = false;
            buf[n < (int)sizeof buf ? n : n - 1] = 0;
            const char *v = strstr(buf, "oneDNN v");
            if (!v)
                v = strstr(buf, "DNNL v");
            if (!v)
                v = strstr(buf, "MKL-DNN v");
            if (v && !version[0]) {
                v = strchr(v, 'v') + 1;
                size_t l = strcspn(v, " \r\n,");
                snprintf(version, vsize, "%.*s", (int)(l < 60 ? l : 60), v);
            }
            const char *s = strstr(buf, "isa:");
            if (!s)
                s = strstr(buf, "Detected ISA is ");
            if (s && !isa[0]) {
                s = strchr(s, s[0] == 'i' ? ':' : 's') + 1;
                if (*s == ' ')
                    s++;
                size_t l = strcspn(s, "\r\n");
                snprintf(isa, isize, "%.*s", (int)(l < 200 ? l : 200), s);
            }
        }
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
            gzclose(in);
            cli_errorf("analyze", "writing the run directory failed (disk full?)");
            return CLI_USAGE;
        }
    }
    int errnum = 0;
    char emsg[256];
    /* gzerror's string belongs to the stream: copy it before gzclose frees it. */
    snprintf(emsg, sizeof emsg, "%s", gzerror(in, &errnum));
    if (errnum == Z_ERRNO)
        snprintf(emsg, sizeof emsg, "%s", strerror(errno));
    gzclose(in);
    if (n < 0 || errnum < 0) {
        /* zlib's message repeats the path: "src: invalid code lengths set" */
        size_t sl = strlen(src);
        const char *why = !strncmp(emsg, src, sl) && !strncmp(emsg + sl, ": ", 2) ? emsg + sl + 2 : emsg;
        cli_errorf("analyze", "%s: cannot read the log: %s%s", src, why,
                   errnum == Z_DATA_ERROR ? " (corrupt gzip data: check the file, e.g. `gzip -t`)" : "");
        return CLI_USAGE;
    }
    return CLI_OK;
}

static bool copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
    if (!in || !out) {
        if (in)
            fclose(in);
        return false;
    }
    char buf[65536];
    size_t n;
    bool ok = true;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            ok = false;
            break;
        }
    fclose(in);
    if (fclose(out) != 0)
        ok = false;
    return ok;
}

/* Copies the regular files of src into dst (recursively, bounded). */
static int copy_tree(const char *src, const char *dst, int depth, int *files)
{
    struct err e;
    if (depth > 8 || *files > 10000)
        return 0;
    if (util_mkdirs(dst, &e) != ST_OK)
        return -1;
    DIR *d = opendir(src);
    if (!d)
        return -1;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char s[PATH_MAX], t[PATH_MAX];
        if (snprintf(s, sizeof s, "%s/%s", src, de->d_name) >= (int)sizeof s ||
            snprintf(t, sizeof t, "%s/%s", dst, de->d_name) >= (int)sizeof t)
            continue;
        struct stat st;
        if (lstat(s, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            copy_tree(s, t, depth + 1, files);
        else if (S_ISREG(st.st_mode) && copy_file(s, t))
            (*files)++;
    }
    closedir(d);
    return 0;
}

static void model_name_of(const char *path, char *out, size_t size)
{
    char buf[PATH_MAX];
    string_copy(buf, path);
    size_t l = strlen(buf);
    while (l > 1 && buf[l - 1] == '/')
        buf[--l] = 0;
    const char *b = strrchr(buf, '/');
    b = b ? b + 1 : buf;
    string_copy_n(out, size, b);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = 0;
}

static void iso_now(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    remove(path); /* best effort: keep going */
    return 0;
}

/* Removes what this invocation put into dir: the whole directory when it made
 * it, else only the files a run directory consists of. */
static void undo_run_dir(const char *dir, bool made, const char *model_copy, bool made_runs)
{
    if (made) {
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        if (made_runs)
            rmdir("runs"); /* only when empty: made for this run alone */
    } else {
        const char *const names[] = {RUNDIR_META, RUNDIR_VERBOSE, RUNDIR_AMPLOG, RUNDIR_REPORT,
                                     RUNDIR_TFDIR, RR_SELECT, "model.path", model_copy};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            char p[PATH_MAX];
            if (!names[i] || !names[i][0] || strchr(names[i], '/'))
                continue;
            rundir_path(dir, names[i], p, sizeof p);
            nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
    }
    fprintf(stderr, "ampscope analyze: %s %s (nothing is kept from a failed analysis)\n",
            made ? "removed the run directory" : "removed the files written into", dir);
}

/* Everything checked before the run directory exists: the model loads (with
 * the shapes given), the logs and the AMP log are readable files, the dump is
 * a directory, --tf-version is known. Returns CLI_OK or CLI_USAGE. */
static int check_inputs(const char *model, const struct cli_model_opts *mo, const char *const *logs,
                        int n_logs, const char *amp_log_path, const char *tf_dump,
                        const char *tf_version)
{
    struct stat st;
    if (stat(model, &st) != 0) {
        cli_errorf("analyze", "%s: no such model file or directory (give the .pb/.pbtxt or "
                              "SavedModel directory that ran)", model);
        return CLI_USAGE;
    }
    for (int i = 0; i < n_logs; i++)
        if (!cli_check_input_file("analyze", logs[i], "the log (--log)", true))
            return CLI_USAGE;
    if (amp_log_path && !cli_check_input_file("analyze", amp_log_path, "the AMP log (--amp-log)", true))
        return CLI_USAGE;
    if (tf_dump && (stat(tf_dump, &st) != 0 || !S_ISDIR(st.st_mode))) {
        cli_errorf("analyze", "%s: --tf-dump wants the LOG_PATH directory (%s)", tf_dump,
                   stat(tf_dump, &st) != 0 ? strerror(errno) : "this is a file");
        return CLI_USAGE;
    }
    if (tf_version) {
        struct err e = {0};
        amp_lists *l = amp_lists_new(tf_version, &e);
        if (!l) {
            cli_errorf("analyze", "--tf-version %s: %s", tf_version, e.msg);
            return CLI_USAGE;
        }
        amp_lists_free(l);
    }
    graph *g = cli_model_load("analyze", model, mo, true, 1);
    if (!g)
        return CLI_USAGE;
    graph_free(g);
    return CLI_OK;
}

/* Copies the model in (or records its path when big); sets meta->model. */
static void keep_model(const char *model, const char *dir, struct rundir_meta *meta, char *copy,
                       size_t copy_size)
{
    struct stat st;
    char path[PATH_MAX], real[PATH_MAX];
    copy[0] = 0;
    if (!realpath(model, real))
        string_copy(real, model);
    if (stat(model, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= MODEL_COPY_MAX) {
        const char *ext = strrchr(model, '.');
        const char *slash = strrchr(model, '/');
        snprintf(copy, copy_size, "model%s",
                 ext && (!slash || ext > slash) && strlen(ext) < 12 ? ext : "");
        rundir_path(dir, copy, path, sizeof path);
        if (copy_file(model, path)) {
            string_copy(meta->model, copy);
            return;
        }
    }
    string_copy(meta->model, real);
    rundir_path(dir, "model.path", path, sizeof path);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n", real);
        fclose(f);
    }
}

/* Fills the run directory: meta.json, the model, the logs, the dumps. */
static int fill_run_dir(const char *dir, struct rundir_meta *meta, const char *model,
                        const struct cli_model_opts *mo, const char *const *logs, int n_logs,
                        const char *amp_log_path, const char *tf_dump, int amx, char *copy,
                        size_t copy_size)
{
    struct err e = {0};
    char path[PATH_MAX];
    keep_model(model, dir, meta, copy, copy_size);
    if (rr_write_select(dir, &mo->load, &e) != ST_OK ||
        rundir_write_meta(dir, meta, &e) != ST_OK) {
        cli_error(&e);
        return CLI_USAGE;
    }
    rundir_path(dir, RUNDIR_VERBOSE, path, sizeof path);
    FILE *vf = fopen(path, "wb");
    if (!vf) {
        cli_errorf("analyze", "%s: cannot write into the run directory (%s)", path, strerror(errno));
        return CLI_USAGE;
    }
    char isa[256] = "";
    for (int i = 0; i < n_logs; i++) {
        int rc = copy_log(logs[i], vf, meta->onednn_version, sizeof meta->onednn_version, isa,
                          sizeof isa);
        if (rc != CLI_OK) {
            fclose(vf);
            return rc;
        }
    }
    if (fclose(vf) != 0) {
        cli_errorf("analyze", "%s: writing failed (disk full?)", path);
        return CLI_USAGE;
    }
    if (amp_log_path) {
        rundir_path(dir, RUNDIR_AMPLOG, path, sizeof path);
        if (!copy_file(amp_log_path, path)) {
            cli_errorf("analyze", "%s: copying the AMP log failed (disk full?)", amp_log_path);
            return CLI_USAGE;
        }
    }
    if (tf_dump) {
        int files = 0;
        rundir_path(dir, RUNDIR_TFDIR, path, sizeof path);
        if (copy_tree(tf_dump, path, 0, &files) != 0)
            fprintf(stderr, "ampscope analyze: note: %s was not fully copied\n", tf_dump);
    }
    /* what the log says about the machine that wrote it */
    for (size_t l = strlen(isa); l > 0 && (isa[l - 1] == ' ' || isa[l - 1] == '\t'); l--)
        isa[l - 1] = 0;
    if (isa[0]) {
        snprintf(meta->cpu_model, sizeof meta->cpu_model, "isa: %.200s (from the log)", isa);
        bool has_amx = strstr(isa, "AMX") != NULL;
        string_copy(meta->cpu_flags, has_amx ? "avx512f amx_bf16 (from the log's isa line)"
                                             : "no amx (from the log's isa line)");
    }
    if (amx >= 0)
        string_copy(meta->cpu_flags, amx ? "amx_bf16 (--amx yes)" : "no amx (--amx no)");
    string_copy(meta->status, "ok");
    iso_now(meta->finished, sizeof meta->finished);
    if (rundir_write_meta(dir, meta, &e) != ST_OK) {
        cli_error(&e);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_analyze(int argc, char **argv)
{
    const char *model = NULL, *amp_log_path = NULL, *tf_dump = NULL, *out_dir = NULL;
    const char *logs[MAX_LOGS];
    int n_logs = 0, max_nodes = 25, amx = -1, rc = CLI_OK;
    double fail_under = -1;
    bool json = false, no_tui = false;
    struct rr_opts o = {0};
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            cli_model_opts_done(&mo);
            return CLI_OK;
        } else if (!strcmp(a, "--log") && has_next) {
            if (n_logs == MAX_LOGS) {
                cli_errorf("analyze", "at most %d --log files", MAX_LOGS);
                rc = CLI_USAGE;
            } else {
                logs[n_logs++] = argv[++i];
            }
        } else if (!strcmp(a, "--amp-log") && has_next) {
            amp_log_path = argv[++i];
        } else if (!strcmp(a, "--tf-dump") && has_next) {
            tf_dump = argv[++i];
        } else if (!strcmp(a, "--out") && has_next) {
            out_dir = argv[++i];
        } else if (!strcmp(a, "--tf-version") && has_next) {
            o.tf_version = argv[++i];
        } else if (cli_is_model_flag(a) && !strncmp(a, "--", 2) && has_next) {
            rc = cli_model_opt("analyze", &mo, a, argv[++i]);
        } else if (!strcmp(a, "--amx") && has_next) {
            const char *v = argv[++i];
            if (!strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "true"))
                amx = 1;
            else if (!strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "false"))
                amx = 0;
            else {
                cli_errorf("analyze", "--amx wants yes or no, not '%s'", v);
                rc = CLI_USAGE;
            }
        } else if (!strcmp(a, "--fail-under") && has_next) {
            if (!cli_parse_fail_under("analyze", argv[++i], &fail_under))
                rc = CLI_USAGE;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--no-tui")) {
            no_tui = true;
        } else if (!strcmp(a, "--max-nodes") && has_next) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (!*argv[i] || *end || v < 0 || v > 1000000) {
                cli_errorf("analyze", "--max-nodes wants a count >= 0, not '%s'", argv[i]);
                rc = CLI_USAGE;
            }
            max_nodes = (int)v;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("analyze", "unknown option '%s' (or it lacks its value; see `ampscope analyze "
                                 "--help`)", a);
            rc = CLI_USAGE;
        } else if (!model) {
            model = a;
        } else {
            cli_errorf("analyze", "one model at a time ('%s' and '%s'); logs go after --log", model, a);
            rc = CLI_USAGE;
        }
    }
    if (rc == CLI_OK && (!model || n_logs == 0)) {
        if (!model)
            cli_errorf("analyze", "which model ran? give MODEL (the .pb/.pbtxt/SavedModel)");
        else
            cli_errorf("analyze", "no log given: add --log FILE (ONEDNN_VERBOSE=1 output)");
        fprintf(stderr, "try `ampscope analyze --help`\n");
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK && out_dir && rundir_is(out_dir)) {
        cli_errorf("analyze", "%s is already a run directory; pick another --out (or `ampscope "
                              "open %s`)", out_dir, out_dir);
        rc = CLI_USAGE;
    }
    if (rc == CLI_OK)
        rc = check_inputs(model, &mo, logs, n_logs, amp_log_path, tf_dump, o.tf_version);
    if (rc != CLI_OK) {
        cli_model_opts_done(&mo);
        return rc;
    }

    /* the run directory: only now, with every input checked */
    struct err e = {0};
    char dir[PATH_MAX], copy[64] = "";
    bool made = true, made_runs = false;
    struct stat rst;
    struct rundir_meta meta;
    rundir_meta_init(&meta);
    model_name_of(model, meta.model_name, sizeof meta.model_name);
    if (out_dir) {
        struct stat st;
        made = stat(out_dir, &st) != 0;
        if (util_mkdirs(out_dir, &e) != ST_OK) {
            cli_error(&e);
            cli_model_opts_done(&mo);
            return CLI_USAGE;
        }
        string_copy(dir, out_dir);
    } else {
        made_runs = stat("runs", &rst) != 0;
        if (rundir_create(NULL, meta.model_name, dir, sizeof dir, &e) != ST_OK) {
            cli_error(&e);
            cli_model_opts_done(&mo);
            return CLI_USAGE;
        }
    }
    string_copy(meta.backend, "logs");
    string_copy(meta.amp, "on");
    string_copy(meta.status, "running");
    iso_now(meta.started, sizeof meta.started);
    meta.batch = mo.batch;
    string_copy(meta.inputs, mo.inputs);
    if (o.tf_version)
        string_copy(meta.tf_version, o.tf_version);
    {
        struct abuf cmdl;
        abuf_init(&cmdl);
        abuf_puts(&cmdl, "ampscope analyze");
        for (int i = 1; i < argc; i++)
            abuf_printf(&cmdl, " %s", argv[i]);
        string_copy(meta.command, cmdl.data);
        abuf_done(&cmdl);
    }
    rc = fill_run_dir(dir, &meta, model, &mo, logs, n_logs, amp_log_path, tf_dump, amx, copy,
                      sizeof copy);
    if (rc != CLI_OK) {
        undo_run_dir(dir, made, copy, made_runs);
        cli_model_opts_done(&mo);
        return rc;
    }
    fprintf(stderr, "ampscope analyze: run directory %s (`ampscope open %s` shows it again)\n", dir, dir);

    if (!no_tui && !json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
        struct tui_opts t = {0};
        t.run_dir = dir;
        t.tf_version = o.tf_version;
        cli_model_opts_done(&mo);
        return tui_main(&t);
    }
    struct rr_ctx c;
    o.load = &mo.load;
    rc = rr_load("analyze", dir, &o, &c);
    if (rc != CLI_OK) {
        rr_done(&c);
        if (rc == CLI_USAGE)
            undo_run_dir(dir, made, copy, made_runs);
        cli_model_opts_done(&mo);
        return rc;
    }
    rr_print(&c, dir, json, max_nodes);
    if (c.rep->n_exec_total == 0) {
        rc = CLI_FINDINGS;
        fprintf(stderr, "ampscope analyze: no oneDNN exec lines in the log(s): was ONEDNN_VERBOSE=1 "
                        "set when they were written?\n");
    } else {
        rc = cli_fail_under("analyze", c.rep->bf16_share, fail_under);
    }
    rr_done(&c);
    cli_model_opts_done(&mo);
    return rc;
}
