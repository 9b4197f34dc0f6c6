/* cmd_logs.c: `ampscope logs FILE...`: reads oneDNN verbose output (files,
 * `-` for stdin, .gz transparently) and TF/ITEX auto-mixed-precision log lines
 * in one streaming pass and prints what executed: counts and times by kind,
 * implementation, ISA and data type, reorders and casts, the bf16 and AMX
 * shares, and the AMP summary. Text by default, --json for machines.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/amplog.h"
#include "logs/summary.h"
#include "logs/verbose.h"

static void usage(FILE *f)
{
    fputs("usage: ampscope logs FILE... [--json] [--amp-log FILE] [--verbose] [--top N]\n"
          "\n"
          "Reads oneDNN verbose logs (every format from mkldnn_verbose 0.x to\n"
          "onednn_verbose,v1 3.x; program output mixed in is fine) and TensorFlow/ITEX\n"
          "auto-mixed-precision log lines, and reports what actually executed: exec/create\n"
          "counts and times, breakdowns by primitive kind, implementation, ISA class and\n"
          "compute data type, the heaviest problem shapes, reorders split into layout\n"
          "changes and data-type conversions (f32<->bf16 = casts), and two headline\n"
          "figures:\n"
          "  bf16 share  share of non-reorder exec time whose source tensor is bf16\n"
          "  AMX share   share of non-reorder exec time on an AMX implementation (`_amx`)\n"
          "\n"
          "FILE may be `-` (stdin) and may be gzip-compressed. Several files are counted\n"
          "together; each keeps its own line counts and wall span (they are separate\n"
          "timelines, never one).\n"
          "\n"
          "options:\n"
          "  --json              print a JSON document instead (schema: docs/logs.md)\n"
          "  --amp-log FILE      also read TF/ITEX AMP log lines from FILE (stderr of the\n"
          "                      run); AMP lines inside the verbose FILEs are read anyway\n"
          "  --verbose, -v       show unparsed lines, every implementation, per-node AMP\n"
          "                      decisions\n"
          "  --top N             problem shapes and implementations to list (default 10)\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ONEDNN_VERBOSE=1 python infer.py > run.log 2> tf.log\n"
          "  ampscope logs run.log --amp-log tf.log\n"
          "  ONEDNN_VERBOSE=1 TF_CPP_VMODULE=auto_mixed_precision=2 python infer.py 2>&1 \\\n"
          "      | ampscope logs -\n"
          "  ampscope logs old-run.log.gz --json | jq .bf16_share\n"
          "\n"
          "exit codes: 0 report printed; 1 no oneDNN verbose lines in the input (set\n"
          "            ONEDNN_VERBOSE=1 when running the program); 2 bad usage or a file\n"
          "            that cannot be read\n",
          f);
}

struct ctx {
    struct lsum *sum;
    amp_log *amp;
};

static int on_event(void *c, const struct vb_event *ev)
{
    lsum_add(((struct ctx *)c)->sum, ev);
    return 0;
}

static int on_other(void *c, const char *line, size_t len, long line_no)
{
    amp_log_line(((struct ctx *)c)->amp, line, len, line_no);
    return 0;
}

static int progress_len; /* width of the progress line on stderr, 0 = none */

static void progress(void *c, long long bytes)
{
    int n = fprintf(stderr, "\rreading %s: %lld MiB", (const char *)c, bytes >> 20);
    if (n - 1 > progress_len)
        progress_len = n - 1;
}

static int read_one(vb_reader *r, const char *path, bool tty)
{
    struct err e = {0};
    if (tty)
        vb_reader_set_progress(r, progress, (void *)path);
    enum status st = vb_read_path(r, path, &e);
    if (progress_len)
        fprintf(stderr, "\r%*s\r", progress_len, "");
    progress_len = 0;
    if (st != ST_OK) {
        cli_error(&e);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cmd_logs(int argc, char **argv)
{
    bool json = false, verbose = false;
    const char *amp_path = NULL;
    int top = 10;
    const char **files = xcalloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(files);
            return CLI_OK;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = true;
        } else if (!strcmp(a, "--amp-log") || !strncmp(a, "--amp-log=", 10)) {
            amp_path = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!amp_path || !amp_path[0]) {
                cli_errorf("logs", "--amp-log needs a FILE (the TensorFlow/ITEX log)");
                free(files);
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--top") || !strncmp(a, "--top=", 6)) {
            const char *v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            char *end = NULL;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || !*v || *end || n < 1 || n > 100000) {
                cli_errorf("logs", "--top needs a number from 1 to 100000, got '%s'",
                           v ? v : "");
                free(files);
                return CLI_USAGE;
            }
            top = (int)n;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("logs", "unknown option '%s' (see `ampscope logs --help`)", a);
            free(files);
            return CLI_USAGE;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!nfiles) {
        cli_errorf("logs", "no log file given; e.g. `ampscope logs run.log` (or `-` for stdin)");
        fputs("\n", stderr);
        usage(stderr);
        free(files);
        return CLI_USAGE;
    }

    struct ctx c = {lsum_new(), amp_log_new()};
    struct vb_sink sink = {&c, on_event, on_other};
    vb_reader *r = vb_reader_new(&sink);
    bool tty = isatty(2);
    int rc = CLI_OK;
    for (int i = 0; i < nfiles && rc == CLI_OK; i++) {
        lsum_begin_file(c.sum, files[i], r);
        rc = read_one(r, files[i], tty);
        lsum_end_file(c.sum, r);
    }
    vb_reader *ar = NULL;
    if (rc == CLI_OK && amp_path) {
        struct vb_sink asink = {&c, NULL, on_other};
        ar = vb_reader_new(&asink);
        rc = read_one(ar, amp_path, tty);
    }
    if (rc != CLI_OK)
        goto out;

    lsum_finish(c.sum, r, c.amp);
    struct lsum_fmt fmt = {.top = top, .verbose = verbose, .color = !json && util_use_color(stdout)};
    struct abuf b;
    abuf_init(&b);
    if (json) {
        lsum_format_json(c.sum, &fmt, &b);
    } else {
        abuf_printf(&b, "%sampscope logs:%s ", fmt.color ? "\033[1m" : "", fmt.color ? "\033[0m" : "");
        if (nfiles > 1)
            abuf_printf(&b, "%d files (listed under files below)", nfiles);
        else
            abuf_puts(&b, strcmp(files[0], "-") ? files[0] : "(stdin)");
        if (amp_path)
            abuf_printf(&b, ", AMP log %s", amp_path);
        abuf_puts(&b, "\n\n");
        lsum_format_text(c.sum, &fmt, &b);
    }
    fwrite(b.data, 1, b.len, stdout);
    fflush(stdout);
    abuf_done(&b);
    if (c.sum->counts.verbose_lines == 0) {
        cli_errorf("logs",
                   "no oneDNN verbose lines in %s%s. Run the program with ONEDNN_VERBOSE=1 "
                   "(DNNL_VERBOSE=1 / MKLDNN_VERBOSE=1 for old versions) and keep its stdout, "
                   "e.g. `ONEDNN_VERBOSE=1 python infer.py > run.log`",
                   strcmp(files[0], "-") ? files[0] : "stdin", nfiles > 1 ? " and the other files" : "");
        rc = CLI_FINDINGS;
    }
out:
    vb_reader_free(ar);
    vb_reader_free(r);
    lsum_free(c.sum);
    amp_log_free(c.amp);
    free(files);
    return rc;
}
