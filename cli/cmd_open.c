/* cmd_open.c: `ampscope open RUN_DIR`: re-analyses a run directory without
 * re-running anything (the model, the lists and the logs it kept), rewrites
 * its report.json, and shows the result: the TUI on a terminal, the text
 * report with --no-tui (or when not on a terminal), JSON with --json.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/rundir.h"
#include "cli/run_report.h"
#include "tui/tui.h"

static void usage(FILE *f)
{
    fputs("usage: ampscope open RUN_DIR [--no-tui] [--json] [options]\n"
          "\n"
          "Re-analyses a run directory made by `ampscope run` or `ampscope analyze` without\n"
          "running anything again: reads its verbose.log, amp.log and meta.json, loads the\n"
          "model it recorded, paints it with the same TF list version and list edits, maps\n"
          "every oneDNN primitive back to its graph node, and rewrites RUN_DIR/report.json.\n"
          "On a terminal it opens the interactive view; --no-tui prints the report.\n"
          "\n"
          "options:\n"
          "  --no-tui            print the text report instead of the interactive view\n"
          "  --json              print the report as JSON (schema: docs/report.md)\n"
          "  --truth             attribute primitives from the backend's ground truth\n"
          "                      (truth.tsv, embedded backend) instead of ampscope's mapper\n"
          "  --model PATH        the model, when the run's copy is gone or moved\n"
          CLI_HELP_SELECT
          "                      (of --model; default: the run's own selection)\n"
          "  --tf-version V      paint with TF V's lists instead of the run's\n"
          "  --check-truth       compare the mapper with the backend's truth.tsv, event by\n"
          "                      event; exit 1 when any event differs (how the mapper is\n"
          "                      trusted)\n"
          "  --events            print every exec event with the node it was attributed to\n"
          "                      (TSV: exec_index, line, iteration, primitive, kernel,\n"
          "                      problem, node, op, role, confidence; unmapped events say\n"
          "                      so)\n"
          "  --max-nodes N       rows of the node table (default 25, 0 = all)\n"
          "  --fail-under PCT    exit 3 when the bf16 share is below PCT percent\n"
          "  -h, --help          this help\n"
          "\n"
          "examples:\n"
          "  ampscope open runs/mnist_convnet-20261122-080000\n"
          "  ampscope open runs/mlp-20261122-080000 --no-tui --max-nodes 0\n"
          "  ampscope open runs/mlp-20261122-080000 --json | jq '.bf16_share, .casts'\n"
          "\n"
          "exit codes: 0 ok; 1 the run has no oneDNN exec lines; 2 bad usage, not a run\n"
          "            directory, meta.json missing or damaged, files missing, an unknown\n"
          "            --tf-version, or a run from a newer ampscope; 3 bf16 share below\n"
          "            --fail-under\n",
          f);
}

int cmd_open(int argc, char **argv)
{
    const char *dir = NULL;
    bool no_tui = false, json = false, check_truth = false, events = false;
    int max_nodes = 25;
    double fail_under = -1;
    struct rr_opts o = {0};
    struct cli_model_opts mo;
    cli_model_opts_init(&mo);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(a, "--no-tui")) {
            no_tui = true;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--events")) {
            events = true;
        } else if (!strcmp(a, "--check-truth")) {
            check_truth = true;
        } else if (!strcmp(a, "--truth")) {
            o.use_truth = true;
        } else if (!strcmp(a, "--model") && has_next) {
            o.model = argv[++i];
        } else if (!strcmp(a, "--tf-version") && has_next) {
            o.tf_version = argv[++i];
        } else if ((!strcmp(a, "--tag") || !strcmp(a, "--signature")) && has_next) {
            cli_model_opt("open", &mo, a, argv[++i]);
            o.load = &mo.load;
        } else if (!strcmp(a, "--max-nodes") && has_next) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0) {
                cli_errorf("open", "--max-nodes wants a count >= 0, not '%s'", argv[i]);
                return CLI_USAGE;
            }
            max_nodes = (int)v;
        } else if (!strcmp(a, "--fail-under") && has_next) {
            if (!cli_parse_fail_under("open", argv[++i], &fail_under))
                return CLI_USAGE;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("open", "unknown option '%s' (or it lacks its value; see `ampscope open "
                                 "--help`)", a);
            return CLI_USAGE;
        } else if (!dir) {
            dir = a;
        } else {
            cli_errorf("open", "one run directory at a time ('%s' and '%s')", dir, a);
            return CLI_USAGE;
        }
    }
    if (!dir) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (check_truth && o.use_truth) {
        cli_errorf("open", "--check-truth checks the mapper: leave out --truth");
        return CLI_USAGE;
    }
    if (o.load && !o.model) {
        cli_errorf("open", "--tag/--signature select inside --model PATH; the run's own model "
                           "keeps the selection it was analysed with");
        return CLI_USAGE;
    }
    if (!no_tui && !json && !check_truth && !events &&
        (tui_scripted() || (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)))) {
        int crc = rr_check("open", dir, &o);
        if (crc != CLI_OK)
            return crc;
        struct tui_opts t = {0};
        t.run_dir = dir;
        t.tf_version = o.tf_version;
        return tui_main(&t);
    }
    struct rr_ctx c;
    int rc = rr_load("open", dir, &o, &c);
    if (rc != CLI_OK) {
        rr_done(&c);
        return rc;
    }
    if (check_truth) {
        struct rep_truth_check tc;
        struct err e = {0};
        enum status st = report_truth_check(c.rep, dir, &tc, &e);
        if (st != ST_OK) {
            if (st == ST_EPARSE)
                cli_error(&e);
            else
                cli_errorf("open", "%s has no readable %s (only the embedded backend writes one)",
                           dir, RUNDIR_TRUTH);
            rr_done(&c);
            return CLI_USAGE;
        }
        bool same = tc.agree == tc.total && tc.role_agree == tc.total && !tc.missing &&
                    !c.rep->unmapped_events;
        printf("mapper vs truth: %ld/%ld events on the same node, %ld/%ld with the same role, "
               "%ld unmapped, %ld missing\n",
               tc.agree, tc.total, tc.role_agree, tc.total, c.rep->unmapped_events, tc.missing);
        if (!same)
            printf("first difference: %s\n", tc.first_diff);
        rr_done(&c);
        return same ? CLI_OK : CLI_FINDINGS;
    }
    if (events) {
        const struct report *r = c.rep;
        printf("# exec_index\tline\titeration\tprimitive\tkernel\tproblem\tnode\top\trole\tconfidence\n");
        for (long i = 0; i < r->n_events; i++) {
            const struct rep_event *ev = &r->events[i];
            const char *t = rep_event_target(r, ev);
            const char *op = ev->node >= 0 ? r->g->nodes[ev->node].op : (ev->cast >= 0 ? "(cast)" : "-");
            printf("%ld\t%ld\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", ev->exec_index, ev->line_no,
                   ev->iteration, ev->prim, ev->impl, ev->problem, t ? t : "(unmapped)", op,
                   ev->role && *ev->role ? ev->role : "-", (double)ev->confidence);
        }
        rc = r->n_events ? CLI_OK : CLI_FINDINGS;
        rr_done(&c);
        return rc;
    }
    rr_print(&c, dir, json, max_nodes);
    rc = c.rep->n_exec_total == 0 ? CLI_FINDINGS : cli_fail_under("open", c.rep->bf16_share, fail_under);
    rr_done(&c);
    return rc;
}
