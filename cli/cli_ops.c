/* cli_ops.c: checks shared by the commands that take precision-list flags
 * (--allow-add OPS, --deny-remove OPS, ...): every op name must be a known
 * TensorFlow op type (or an op of the model), with a suggestion for typos, so
 * `run`, `amp` and friends reject the same mistakes the same way.
 */
#include "cli/cli.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
