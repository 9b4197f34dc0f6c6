/* render/env: environment lines that make TensorFlow (or ITEX) apply a set of
 * precision-list changes, in the syntax of each deployment target, and the
 * lint of an existing environment (`ampscope env --check`).
 *
 * The changes are given as MOVES (op -> the list it should end up on). They
 * become, relative to the default lists of the selected TF version, a REMOVE
 * from the op's default list plus an ADD to the new one (an op on two lists
 * makes TF abandon the whole pass), comma-separated without spaces (TF does
 * not trim). TF lists come from analyze/amp.h; ITEX's own default lists
 * (ITEX's CPU class, tf-amp.md §7) live in env_itex.c.
 *
 * Ownership: an env_moves/env_report owns its arrays; strings it returns are
 * valid until the next call on it or its _done.
 */
#ifndef AMPSCOPE_RENDER_ENV_H
#define AMPSCOPE_RENDER_ENV_H

#include <stdbool.h>

#include "analyze/amp.h"
#include "util/util.h"

/* To add a format: an X line here, then its case in env_format_lines(). */
#define ENV_FORMATS(X)                                                      \
    X(SH, "sh", "POSIX shell: export NAME='value'")                          \
    X(DOCKERFILE, "dockerfile", "Dockerfile: ENV NAME=\"value\"")            \
    X(K8S, "k8s", "Kubernetes container env: list (YAML)")                   \
    X(COMPOSE, "compose", "docker compose service environment: map (YAML)")  \
    X(SYSTEMD, "systemd", "systemd unit drop-in: [Service] Environment=")    \
    X(DOTENV, "dotenv", ".env / docker --env-file: NAME=value")              \
    X(PYTHON, "python", "Python: os.environ[...] before importing TensorFlow")

enum env_format {
#define X(id, name, help) ENV_FMT_##id,
    ENV_FORMATS(X)
#undef X
    ENV_FMT__COUNT
};
const char *env_format_name(enum env_format f);
const char *env_format_help(enum env_format f);
int env_format_parse(const char *name);   /* -1 when unknown */

/* ---- moves ----------------------------------------------------------------- */
struct env_move {
    char *op;                 /* owned */
    enum amp_list to;         /* AMP_LIST_NONE: on no list */
};
struct env_moves {
    struct env_move *v;
    int n;
    size_t cap;
};
void env_moves_init(struct env_moves *m);
void env_moves_done(struct env_moves *m);
/* Records that op should end up on `to` (a later move of the same op wins). */
void env_moves_set(struct env_moves *m, const char *op, enum amp_list to);
/* A list flag as the CLI gives it (--deny-add OPS = move OPS to deny;
 * --deny-remove OPS = take OPS off deny, onto no list unless another flag
 * moves them elsewhere). ops_csv is comma-separated; empty pieces and
 * spaces are an error. Unknown op names are an error with a suggestion
 * (amp_op_known/amp_op_suggest); `extra_known` (may be NULL) accepts more
 * names, e.g. the ops of the user's model. ref gives the default lists
 * (a fresh amp_lists_new of the target version): removing an op from a list
 * it is not on is an error that says where it is. */
enum status env_moves_flag(struct env_moves *m, const amp_lists *ref, enum amp_list list, bool add,
                           const char *ops_csv, bool (*extra_known)(const char *op), struct err *e);
/* The moves equivalent to the edits already in l (e.g. a run's recorded
 * TF_AUTO_MIXED_PRECISION_* lines): every op whose list differs from the
 * default. */
void env_moves_from_lists(struct env_moves *m, const amp_lists *l);
/* Applies the moves to l (a fresh amp_lists_new of the wanted version):
 * afterwards amp_lists_env(l) gives the minimal TF variables. */
void env_moves_apply(const struct env_moves *m, amp_lists *l);

/* ---- the variables ------------------------------------------------------- */
struct env_var {
    char *name, *value;       /* owned */
};
struct env_vars {
    struct env_var *v;
    int n;
    size_t cap;
    bool tf_option;           /* the Python-only auto_mixed_precision_onednn_bfloat16 option */
    char *note;               /* one comment line for the top ("TF 2.19 lists, ..."), owned */
};
void env_vars_init(struct env_vars *v);
void env_vars_done(struct env_vars *v);
void env_vars_add(struct env_vars *v, const char *name, const char *value);
/* The lines for TensorFlow: TF_ENABLE_ONEDNN_OPTS=1, the list variables of
 * the moves relative to version's defaults, LEVEL when set, and the option. */
enum status env_vars_tf(struct env_vars *out, const struct env_moves *m, const char *tf_version,
                        const char *level, struct err *e);
/* The lines for ITEX: ITEX_AUTO_MIXED_PRECISION=1, ..._DATA_TYPE=BFLOAT16 and
 * ITEX_AUTO_MIXED_PRECISION_<LIST>_<ADD|REMOVE> relative to ITEX's lists. */
enum status env_vars_itex(struct env_vars *out, const struct env_moves *m, struct err *e);

/* Writes v in format f (syntactically valid for the target, values quoted
 * for it), with '#' comments where the format has them. */
void env_format_lines(const struct env_vars *v, enum env_format f, struct abuf *out);

/* ITEX's default list for op (CPU bf16 class), AMP_LIST_NONE if none. */
enum amp_list env_itex_default(const char *op);
/* Every op on ITEX's lists is a known op too (for typo checks). */
bool env_itex_known(const char *op);

/* ---- the lint (env --check) ---------------------------------------------- */
enum env_sev { ENV_INFO, ENV_WARN, ENV_ERROR };
struct env_finding {
    enum env_sev sev;
    const char *code;         /* stable: "space_in_list", "empty_entry", "unknown_op",
                                 "op_in_two_lists", "legacy_name", "onednn_off",
                                 "onednn_bad_value", "unsafe_force_all", "itex_and_stock",
                                 "cpu_no_bf16", "cpu_no_amx", "unknown_var", "itex_fp16",
                                 "bad_level" */
    char var[128];            /* the variable concerned ("" for the CPU) */
    char msg[512];            /* what TensorFlow will do with it */
    char fix[384];            /* what to write instead ("" when nothing) */
};
struct env_report {
    struct env_finding *f;
    int n;
    size_t cap;
    int n_errors, n_warnings;
    char *effect;             /* what TF would apply: "MatMul: allow -> deny\n...", owned */
    const char *tf_version;   /* lists the check used */
};
struct env_check_opts {
    const char *tf_version;   /* NULL = newest */
    const char *cpu_flags;    /* space-separated /proc/cpuinfo flags; NULL = read this CPU's */
};
/* Lints `environ` (NULL-terminated "NAME=VALUE" strings, like extern environ). */
enum status env_check(const char *const *environ_list, const struct env_check_opts *o,
                      struct env_report *r, struct err *e);
void env_report_done(struct env_report *r);
/* Readable text (colour per severity when color), or JSON (docs/env.md). */
void env_report_text(const struct env_report *r, struct abuf *out, bool color);
void env_report_json(const struct env_report *r, struct abuf *out);

#endif
