/* env.c: list changes as moves, the TensorFlow variables they need (through
 * analyze/amp's own list model, so what is printed is exactly what
 * amp_lists_from_env reads back), and the seven output syntaxes with the
 * quoting each target needs. ITEX's lists are in env_itex.c, the lint in
 * env_check.c.
 */
#include "render/env.h"

#include <stdlib.h>
#include <string.h>

const char *env_format_name(enum env_format f)
{
    static const char *const n[] = {
#define X(id, name, help) name,
        ENV_FORMATS(X)
#undef X
    };
    return (unsigned)f < ENV_FMT__COUNT ? n[f] : "?";
}

const char *env_format_help(enum env_format f)
{
    static const char *const h[] = {
#define X(id, name, help) help,
        ENV_FORMATS(X)
#undef X
    };
    return (unsigned)f < ENV_FMT__COUNT ? h[f] : "?";
}

int env_format_parse(const char *name)
{
    if (!name)
        return -1;
    for (int f = 0; f < ENV_FMT__COUNT; f++)
        if (!strcmp(name, env_format_name((enum env_format)f)))
            return f;
    if (!strcmp(name, "bash") || !strcmp(name, "shell"))
        return ENV_FMT_SH;
    if (!strcmp(name, "docker"))
        return ENV_FMT_DOCKERFILE;
    if (!strcmp(name, "kubernetes"))
        return ENV_FMT_K8S;
    if (!strcmp(name, "docker-compose"))
        return ENV_FMT_COMPOSE;
    if (!strcmp(name, "env"))
        return ENV_FMT_DOTENV;
    return -1;
}

/* ---- moves ------------------------------------------------------------------ */

void env_moves_init(struct env_moves *m) { memset(m, 0, sizeof *m); }

void env_moves_done(struct env_moves *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->v[i].op);
    free(m->v);
    memset(m, 0, sizeof *m);
}

void env_moves_set(struct env_moves *m, const char *op, enum amp_list to)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->v[i].op, op)) {
            m->v[i].to = to;
            return;
        }
    xgrow(&m->v, &m->cap, (size_t)m->n + 1, sizeof *m->v);
    m->v[m->n].op = xstrdup(op);
    m->v[m->n].to = to;
    m->n++;
}

static enum amp_list move_of(const struct env_moves *m, const char *op, bool *found)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->v[i].op, op)) {
            *found = true;
            return m->v[i].to;
        }
    *found = false;
    return AMP_LIST_NONE;
}

static const char *list_flag(enum amp_list l, bool add)
{
    static const char *const a[] = {"", "--allow-add", "--infer-add", "--clear-add", "--deny-add"};
    static const char *const r[] = {"", "--allow-remove", "--infer-remove", "--clear-remove",
                                    "--deny-remove"};
    return (unsigned)l < AMP_LIST__COUNT ? (add ? a[l] : r[l]) : "?";
}

static enum status moves_flag(struct env_moves *m, const amp_lists *ref, enum amp_list list, bool add,
                              const char *csv, bool (*extra_known)(const char *op), bool apply,
                              struct err *e)
{
    const char *flag = list_flag(list, add);
    if (!csv || !*csv)
        return err_set(e, ST_EINVAL, "%s needs op names, e.g. %s MatMul,BatchMatMulV2", flag, flag);
    const char *p = csv;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char op[256];
        if (n == 0)
            return err_set(e, ST_EINVAL, "%s '%s': an empty name (two commas, or a comma at an end)",
                           flag, csv);
        if (n >= sizeof op)
            return err_set(e, ST_EINVAL, "%s: an op name of %zu characters is not an op", flag, n);
        memcpy(op, p, n);
        op[n] = 0;
        if (strpbrk(op, " \t\r\n"))
            return err_set(e, ST_EINVAL,
                           "%s '%s': op names have no spaces (TensorFlow does not trim them, so "
                           "\"%s\" would name no op); write them comma-separated without spaces",
                           flag, csv, op);
        if (!amp_op_known(op) && !env_itex_known(op) && !(extra_known && extra_known(op))) {
            const char *s = amp_op_suggest(op);
            return err_set(e, ST_EINVAL,
                           "%s: unknown op '%s'%s%s%s (op names are case-sensitive TensorFlow op "
                           "types such as MatMul, Conv2D, BatchMatMulV2)",
                           flag, op, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        }
        if (add) {
            if (apply)
                env_moves_set(m, op, list);
        } else {
            /* off this list: onto no list, unless a move already sends it elsewhere */
            bool found;
            enum amp_list cur = move_of(m, op, &found);
            if (!found && ref)
                cur = amp_lists_default(ref, op);
            if (cur == list || (!found && !ref)) {
                if (apply)
                    env_moves_set(m, op, AMP_LIST_NONE);
            } else if (!found)
                return err_set(e, ST_EINVAL,
                               "%s %s: %s is not on the %s list in the TF %s lists (it is on %s%s); "
                               "nothing to remove", flag, op, op, amp_list_name(list),
                               amp_lists_version(ref),
                               cur == AMP_LIST_NONE ? "no list" : amp_list_name(cur),
                               cur == AMP_LIST_NONE ? "" : "");
        }
        if (!c)
            break;
        p = c + 1;
    }
    return ST_OK;
}

enum status env_moves_flag(struct env_moves *m, const amp_lists *ref, enum amp_list list, bool add,
                           const char *csv, bool (*extra_known)(const char *op), struct err *e)
{
    /* all or nothing: check every name before recording any */
    enum status st = moves_flag(m, ref, list, add, csv, extra_known, false, e);
    return st != ST_OK ? st : moves_flag(m, ref, list, add, csv, extra_known, true, e);
}

void env_moves_from_lists(struct env_moves *m, const amp_lists *l)
{
    struct err e;
    amp_lists *def = amp_lists_new(amp_lists_version(l), &e);
    if (!def)
        return;
    for (int li = AMP_LIST_ALLOW; li < AMP_LIST__COUNT; li++) {
        const char *const *ops;
        int n = amp_lists_ops(l, (enum amp_list)li, &ops);
        for (int i = 0; i < n; i++)
            if (amp_lists_default(l, ops[i]) != (enum amp_list)li)
                env_moves_set(m, ops[i], (enum amp_list)li);
        n = amp_lists_ops(def, (enum amp_list)li, &ops);
        for (int i = 0; i < n; i++)
            if (amp_lists_which(l, ops[i], NULL) == AMP_LIST_NONE)
                env_moves_set(m, ops[i], AMP_LIST_NONE);
    }
    amp_lists_free(def);
}

void env_moves_apply(const struct env_moves *m, amp_lists *l)
{
    for (int i = 0; i < m->n; i++) {
        const char *op = m->v[i].op;
        enum amp_list def = amp_lists_default(l, op);
        amp_lists_set(l, op, m->v[i].to); /* NONE: back to the default ... */
        if (m->v[i].to == AMP_LIST_NONE && def != AMP_LIST_NONE)
            amp_lists_edit(l, def, false, op); /* ... then off it */
    }
}

/* ---- variables ---------------------------------------------------------------- */

void env_vars_init(struct env_vars *v) { memset(v, 0, sizeof *v); }

void env_vars_done(struct env_vars *v)
{
    for (int i = 0; i < v->n; i++) {
        free(v->v[i].name);
        free(v->v[i].value);
    }
    free(v->v);
    free(v->note);
    memset(v, 0, sizeof *v);
}

void env_vars_add(struct env_vars *v, const char *name, const char *value)
{
    xgrow(&v->v, &v->cap, (size_t)v->n + 1, sizeof *v->v);
    v->v[v->n].name = xstrdup(name);
    v->v[v->n].value = xstrdup(value);
    v->n++;
}

enum status env_vars_tf(struct env_vars *out, const struct env_moves *m, const char *tf_version,
                        const char *level, struct err *e)
{
    amp_lists *l = amp_lists_new(tf_version, e);
    if (!l)
        return ST_EINVAL;
    env_moves_apply(m, l);
    if (level)
        amp_lists_set_level(l, level);
    env_vars_add(out, "TF_ENABLE_ONEDNN_OPTS", "1");
    const char *const *names, *const *values;
    int n = amp_lists_env(l, &names, &values);
    for (int i = 0; i < n; i++)
        env_vars_add(out, names[i], values[i]);
    out->tf_option = true;
    free(out->note);
    out->note = xasprintf("TensorFlow, %s lists (%s): %d list variable(s)%s",
                          amp_lists_version(l), amp_lists_covers(l), n,
                          n ? "" : " (no change from the defaults)");
    amp_lists_free(l);
    return ST_OK;
}

/* ---- formats -------------------------------------------------------------------- */

static void put_escaped(struct abuf *b, const char *s, const char *esc, char with)
{
    for (; *s; s++) {
        if (strchr(esc, *s))
            abuf_putc(b, with);
        abuf_putc(b, *s);
    }
}

static void sh_quote(struct abuf *b, const char *s)
{
    abuf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            abuf_puts(b, "'\\''");
        else
            abuf_putc(b, *s);
    }
    abuf_putc(b, '\'');
}

static bool plain_value(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              strchr("_,.:/-", *s)))
            return false;
    return true;
}

static const char *const PY_OPTION =
    "tf.config.optimizer.set_experimental_options({\"auto_mixed_precision_onednn_bfloat16\": True})";

static void comment_block(const struct env_vars *v, enum env_format f, struct abuf *b)
{
    abuf_printf(b, "# ampscope env (%s): %s\n", env_format_name(f), v->note ? v->note : "");
    if (v->tf_option && f != ENV_FMT_PYTHON) {
        abuf_puts(b, "# The pass itself is switched on in the Python program (it has no environment\n"
                     "# variable), before the model is built or loaded:\n");
        abuf_printf(b, "#   %s\n", PY_OPTION);
    }
}

void env_format_lines(const struct env_vars *v, enum env_format f, struct abuf *b)
{
    comment_block(v, f, b);
    switch (f) {
    case ENV_FMT_SH:
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "export %s=", v->v[i].name);
            sh_quote(b, v->v[i].value);
            abuf_putc(b, '\n');
        }
        break;
    case ENV_FMT_DOCKERFILE:
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "ENV %s=\"", v->v[i].name);
            put_escaped(b, v->v[i].value, "\\\"$", '\\');
            abuf_puts(b, "\"\n");
        }
        break;
    case ENV_FMT_K8S:
        abuf_puts(b, "# goes under spec.containers[].env of the Pod / Deployment template\n");
        abuf_puts(b, v->n ? "env:\n" : "env: []\n");
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "  - name: %s\n    value: \"", v->v[i].name);
            put_escaped(b, v->v[i].value, "\\\"", '\\');
            abuf_puts(b, "\"\n");
        }
        break;
    case ENV_FMT_COMPOSE:
        abuf_puts(b, "# goes under services.<service>: in compose.yaml\n");
        abuf_puts(b, v->n ? "environment:\n" : "environment: {}\n");
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "  %s: \"", v->v[i].name);
            /* YAML escapes, then compose's own interpolation: $ -> $$ */
            for (const char *s = v->v[i].value; *s; s++) {
                if (*s == '\\' || *s == '"')
                    abuf_putc(b, '\\');
                if (*s == '$')
                    abuf_putc(b, '$');
                abuf_putc(b, *s);
            }
            abuf_puts(b, "\"\n");
        }
        break;
    case ENV_FMT_SYSTEMD:
        abuf_puts(b, "# a drop-in: `systemctl edit SERVICE`, or\n"
                     "# /etc/systemd/system/SERVICE.service.d/ampscope-bf16.conf\n[Service]\n");
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "Environment=\"%s=", v->v[i].name);
            for (const char *s = v->v[i].value; *s; s++) {
                if (*s == '\\' || *s == '"')
                    abuf_putc(b, '\\');
                if (*s == '%')
                    abuf_putc(b, '%');
                abuf_putc(b, *s);
            }
            abuf_puts(b, "\"\n");
        }
        break;
    case ENV_FMT_DOTENV:
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "%s=", v->v[i].name);
            if (plain_value(v->v[i].value)) {
                abuf_puts(b, v->v[i].value);
            } else {
                abuf_putc(b, '"');
                put_escaped(b, v->v[i].value, "\\\"", '\\');
                abuf_putc(b, '"');
            }
            abuf_putc(b, '\n');
        }
        break;
    case ENV_FMT_PYTHON:
        abuf_puts(b, "# at the very top of the program, before TensorFlow is imported\nimport os\n\n");
        for (int i = 0; i < v->n; i++) {
            abuf_printf(b, "os.environ[\"%s\"] = \"", v->v[i].name);
            put_escaped(b, v->v[i].value, "\\\"", '\\');
            abuf_puts(b, "\"\n");
        }
        if (v->tf_option) {
            abuf_puts(b, "\nimport tensorflow as tf  # noqa: E402 (after the environment is set)\n\n");
            abuf_puts(b, "# the bf16 AMP pass has no environment variable: switch it on here\n");
            abuf_printf(b, "%s\n", PY_OPTION);
        }
        break;
    case ENV_FMT__COUNT:
        break;
    }
}
