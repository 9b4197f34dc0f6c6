/* cli_ops.c: option parsing and checks shared by the commands, so they
 * reject the same mistakes the same way: the precision-list flags
 * (--allow-add OPS, ...: every op must be a known TensorFlow op type or an op
 * of the model, with a suggestion for typos), the model options (--input,
 * --batch, --tag, --signature) and loading a model with them, input files
 * checked before anything is created, and --fail-under.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/amp.h"

const enum amp_list cli_edit_list[4] = {AMP_LIST_ALLOW, AMP_LIST_INFER, AMP_LIST_CLEAR,
                                        AMP_LIST_DENY};

bool cli_check_ops(const char *cmd, const graph *g, const char *flag, const char *csv)
{
    bool ok = true;
    char *dup = xstrdup(csv);
    for (char *save = NULL, *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (amp_op_known(t) || (g && graph_find(g, t) >= 0))
            continue;
        bool used = false;
        for (int i = 0; g && i < g->n_nodes && !used; i++)
            used = !strcmp(g->nodes[i].op, t);
        if (used)
            continue;
        const char *s = amp_op_suggest(t);
        cli_errorf(cmd, "%s: unknown op '%s'%s%s%s (op names are case-sensitive TensorFlow op "
                        "types such as MatMul, Conv2D, BatchMatMulV2)",
                   flag, t, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        ok = false;
    }
    free(dup);
    return ok;
}

void cli_model_opts_init(struct cli_model_opts *m) { memset(m, 0, sizeof *m); }

void cli_model_opts_done(struct cli_model_opts *m)
{
    for (int i = 0; i < m->n_binds; i++)
        g_input_bind_done(&m->binds[i]);
    memset(m, 0, sizeof *m);
}

static const char *flag_name(const char *flag)
{
    return strncmp(flag, "--", 2) ? flag : flag + 2;
}

bool cli_is_model_flag(const char *flag)
{
    const char *f = flag_name(flag);
    return !strcmp(f, "input") || !strcmp(f, "batch") || !strcmp(f, "tag") ||
           !strcmp(f, "signature");
}

int cli_model_opt(const char *cmd, struct cli_model_opts *m, const char *flag, const char *value)
{
    const char *f = flag_name(flag);
    if (!strcmp(f, "tag")) {
        m->load.tag = value;
    } else if (!strcmp(f, "signature")) {
        m->load.signature = value;
    } else if (!strcmp(f, "batch")) {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (!*value || *end || errno || v < 1 || v > CLI_MAX_BATCH) {
            cli_errorf(cmd, "--batch wants a whole number from 1 to %d, not '%s'", CLI_MAX_BATCH,
                       value);
            return CLI_USAGE;
        }
        m->batch = (int)v;
    } else if (!strcmp(f, "input")) {
        struct err e = {0};
        if (m->n_binds == CLI_MAX_INPUTS) {
            cli_errorf(cmd, "at most %d --input bindings", CLI_MAX_INPUTS);
            return CLI_USAGE;
        }
        if (g_input_bind_parse(value, &m->binds[m->n_binds], &e) != ST_OK) {
            cli_errorf(cmd, "%s", e.msg);
            return CLI_USAGE;
        }
        m->n_binds++;
        size_t have = strlen(m->inputs);
        if (have + strlen(value) + 2 <= sizeof m->inputs)
            snprintf(m->inputs + have, sizeof m->inputs - have, "%s%s", have ? " " : "", value);
    } else {
        cli_errorf(cmd, "internal: '%s' is not a model option", flag);
        return CLI_USAGE;
    }
    return CLI_OK;
}

graph *cli_model_load(const char *cmd, const char *path, const struct cli_model_opts *m, bool infer,
                      int default_batch)
{
    struct err e = {0};
    graph *g = graph_load(path, &m->load, &e);
    if (!g) {
        cli_error(&e);
        return NULL;
    }
    int batch = m->batch ? m->batch : default_batch;
    if (infer && graph_infer(g, m->binds, m->n_binds, batch, &e) != ST_OK) {
        cli_errorf(cmd, "%s: %s", path, e.msg);
        graph_free(g);
        return NULL;
    }
    return g;
}

bool cli_check_input_file(const char *cmd, const char *path, const char *what, bool streams_ok)
{
    struct stat st;
    if (!*path) {
        cli_errorf(cmd, "an empty path was given for %s", what);
        return false;
    }
    if (stat(path, &st) != 0) {
        cli_errorf(cmd, "%s: %s cannot be read: %s (check the path)", path, what, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_errorf(cmd, "%s: %s is a directory; give the file inside it", path, what);
        return false;
    }
    if (!S_ISREG(st.st_mode) && !(streams_ok && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))) {
        cli_errorf(cmd, "%s: %s is not a regular file (save it to a file first)", path, what);
        return false;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        cli_errorf(cmd, "%s: %s cannot be read: %s (check its permissions)", path, what,
                   strerror(errno));
        return false;
    }
    close(fd);
    return true;
}

bool cli_parse_fail_under(const char *cmd, const char *value, double *pct)
{
    char *end;
    double v = strtod(value, &end);
    if (!*value || *end || !(v >= 0 && v <= 100)) {
        cli_errorf(cmd, "--fail-under wants a percentage 0..100, not '%s'", value);
        return false;
    }
    *pct = v;
    return true;
}

int cli_fail_under(const char *cmd, double bf16_share, double pct)
{
    if (pct < 0)
        return CLI_OK;
    double have = bf16_share * 100.0;
    if (have >= pct)
        return CLI_OK;
    if (have != have) /* NaN: nothing measured */
        cli_errorf(cmd, "no bf16 share could be measured (no compute time), so it is below "
                        "--fail-under %.1f%%", pct);
    else
        cli_errorf(cmd, "bf16 share %.1f%% is below --fail-under %.1f%%", have, pct);
    return CLI_FAIL_UNDER;
}

bool cli_check_level(const char *cmd, const char *level)
{
    char up[64];
    string_copy(up, level);
    for (char *q = up; *q; q++)
        *q = (char)((*q >= 'a' && *q <= 'z') ? *q - 32 : *q);
    if (!*up || !strcmp(up, "TREAT_INFER_AS_DENY") || !strcmp(up, "UNSAFE_FORCE_ALL") || !strcmp(up, "DEFAULT"))
        return true;
    cli_errorf(cmd, "--level: '%s' is not a level TensorFlow knows for bf16; use TREAT_INFER_AS_DENY or "
                    "UNSAFE_FORCE_ALL (TensorFlow ignores other values)", level);
    return false;
}
