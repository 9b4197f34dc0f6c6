/* env_check.c: `ampscope env --check`: lints an environment the way
 * TensorFlow (and ITEX) will read it: spaces and empty pieces in list values
 * (TF does not trim), unknown op names, an op on two lists (the whole pass
 * fails), legacy WHITELIST/GRAYLIST/BLACKLIST names, oneDNN switched off,
 * UNSAFE_FORCE_ALL in bf16 mode, ITEX and stock AMP both configured, names TF
 * never reads, and a CPU without native bf16. Findings carry a stable code,
 * the variable, what TF will do, and the line to write instead.
 */
#include "render/env.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TF_PREFIX "TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_"
#define ITEX_PREFIX "ITEX_AUTO_MIXED_PRECISION"

static const char *const LISTS_NEW[] = {"ALLOWLIST", "INFERLIST", "CLEARLIST", "DENYLIST"};
static const char *const LISTS_OLD[] = {"WHITELIST", "GRAYLIST", NULL, "BLACKLIST"};
static const enum amp_list LIST_ID[] = {AMP_LIST_ALLOW, AMP_LIST_INFER, AMP_LIST_CLEAR,
                                        AMP_LIST_DENY};

/* ---- the environment as given ------------------------------------------------ */

static const char *const *g_env; /* for the getenv callback (single-threaded CLI use) */

static const char *env_lookup(const char *const *env, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; env && env[i]; i++)
        if (!strncmp(env[i], name, n) && env[i][n] == '=')
            return env[i] + n + 1;
    return NULL;
}

static const char *cb_getenv(const char *name) { return env_lookup(g_env, name); }

static __attribute__((format(printf, 5, 6))) void add(struct env_report *r, enum env_sev sev,
                                                       const char *code, const char *var,
                                                       const char *fmt, ...)
{
    xgrow(&r->f, &r->cap, (size_t)r->n + 1, sizeof *r->f);
    struct env_finding *f = &r->f[r->n++];
    memset(f, 0, sizeof *f);
    f->sev = sev;
    f->code = code;
    string_copy(f->var, var ? var : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
    if (sev == ENV_ERROR)
        r->n_errors++;
    else if (sev == ENV_WARN)
        r->n_warnings++;
}

static void set_fix(struct env_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_fix(struct env_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->f[r->n - 1].fix, sizeof r->f[r->n - 1].fix, fmt, ap);
    va_end(ap);
}

static bool truthy(const char *v)
{
    return v && (!strcmp(v, "1") || !strcasecmp(v, "true"));
}

/* ---- list variables ------------------------------------------------------------- */

/* One list variable's value, piece by piece as TF splits it. */
static void lint_value(struct env_report *r, const char *var, const char *value, bool itex)
{
    struct abuf fixed;
    abuf_init(&fixed);
    bool spaces = false, empty = false;
    const char *p = value;
    if (!*value) {
        abuf_done(&fixed);
        return;
    }
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        size_t a = 0, z = n;
        while (a < z && isspace((unsigned char)p[a]))
            a++;
        while (z > a && isspace((unsigned char)p[z - 1]))
            z--;
        if (a != 0 || z != n)
            spaces = true;
        if (z == a) {
            empty = true;
        } else {
            char op[256];
            snprintf(op, sizeof op, "%.*s", (int)(z - a), p + a);
            if (fixed.len)
                abuf_putc(&fixed, ',');
            abuf_puts(&fixed, op);
            bool known = amp_op_known(op) || env_itex_known(op);
            if (!known) {
                const char *s = amp_op_suggest(op);
                add(r, ENV_ERROR, "unknown_op", var,
                    "'%s' is not a TensorFlow op%s%s%s: %s adds a name that matches no node, so "
                    "nothing changes for it",
                    op, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "",
                    itex ? "ITEX" : "TensorFlow");
                if (s)
                    set_fix(r, "use %s (op names are case-sensitive op types)", s);
            }
        }
        if (!c)
            break;
        p = c + 1;
    }
    if (spaces) {
        add(r, ENV_ERROR, "space_in_list", var,
            "\"%s\" has spaces around a name: %s splits on commas without trimming, so a name "
            "with a space matches no op and the change silently does nothing",
            value, itex ? "ITEX" : "TensorFlow");
        set_fix(r, "%s=%s", var, fixed.data ? fixed.data : "");
    } else if (empty) {
        add(r, ENV_WARN, "empty_entry", var,
            "\"%s\" has an empty entry (two commas or a comma at an end): TF adds an op named \"\"",
            value);
        set_fix(r, "%s=%s", var, fixed.data ? fixed.data : "");
    }
    abuf_done(&fixed);
}

/* Is `name` one of the variables TF (itex=false) or ITEX reads? */
static bool known_var(const char *name, bool itex)
{
    const char *rest = name + strlen(itex ? ITEX_PREFIX : TF_PREFIX);
    if (itex) {
        if (!*rest)
            return true;
        if (*rest != '_')
            return false;
        rest++;
        if (!strcmp(rest, "DATA_TYPE") || !strcmp(rest, "UNSAFE_FORCE_ALL") || !strcmp(rest, "LOG_PATH"))
            return true;
    } else {
        static const char *const other[] = {"LEVEL", "LOG_PATH", "IGNORE_PERFORMANCE",
                                            "EMULATE_FP16", "SIMULATE_GPU", NULL};
        for (int i = 0; other[i]; i++)
            if (!strcmp(rest, other[i]))
                return true;
    }
    for (int k = 0; k < 4; k++)
        for (int legacy = 0; legacy < (itex ? 1 : 2); legacy++) {
            const char *ln = legacy ? LISTS_OLD[k] : LISTS_NEW[k];
            if (!ln)
                continue;
            char buf[64];
            snprintf(buf, sizeof buf, "%s_ADD", ln);
            if (!strcmp(rest, buf))
                return true;
            snprintf(buf, sizeof buf, "%s_REMOVE", ln);
            if (!strcmp(rest, buf))
                return true;
        }
    return false;
}

/* ITEX's lists after its variables, for the two-lists check. */
static bool itex_on_list(const char *const *env, const char *op, int k)
{
    char name[96];
    bool in = env_itex_default(op) == LIST_ID[k];
    for (int add_ = 1; add_ >= 0; add_--) {
        snprintf(name, sizeof name, ITEX_PREFIX "_%s_%s", LISTS_NEW[k], add_ ? "ADD" : "REMOVE");
        const char *v = env_lookup(env, name);
        if (!v || !*v)
            continue;
        char *dup = xstrdup(v);
        for (char *save = NULL, *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
            if (!strcmp(t, op))
                in = add_ ? true : false;
        free(dup);
    }
    return in;
}

/* ---- CPU ---------------------------------------------------------------------- */

static char *read_cpu_flags(void)
{
    char *buf = NULL;
    size_t len = 0;
    struct err e;
    if (util_read_file("/proc/cpuinfo", 16 << 20, &buf, &len, &e) != ST_OK)
        return NULL;
    char *p = strstr(buf, "\nflags");
    char *out = NULL;
    if (p) {
        p = strchr(p, ':');
        if (p) {
            char *end = strchr(p, '\n');
            out = xstrndup(p + 1, end ? (size_t)(end - p - 1) : strlen(p + 1));
        }
    }
    free(buf);
    return out;
}

static bool has_flag(const char *flags, const char *f)
{
    size_t n = strlen(f);
    for (const char *p = flags; (p = strstr(p, f)); p += n)
        if ((p == flags || isspace((unsigned char)p[-1])) && (!p[n] || isspace((unsigned char)p[n])))
            return true;
    return false;
}

/* ---- the check ------------------------------------------------------------------ */

enum status env_check(const char *const *env, const struct env_check_opts *o,
                      struct env_report *r, struct err *e)
{
    memset(r, 0, sizeof *r);
    struct env_check_opts defo = {0};
    if (!o)
        o = &defo;
    amp_lists *l = amp_lists_new(o->tf_version, e);
    if (!l)
        return ST_EINVAL;
    r->tf_version = amp_lists_version(l);
    bool tf_lists_set = false, itex_lists_set = false;

    /* every AMP variable: its name, then its value */
    for (int i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq)
            continue;
        char name[160];
        snprintf(name, sizeof name, "%.*s", (int)(eq - env[i]), env[i]);
        const char *value = eq + 1;
        bool tf = !strncmp(name, TF_PREFIX, strlen(TF_PREFIX));
        bool itex = !strncmp(name, ITEX_PREFIX, strlen(ITEX_PREFIX));
        if (!tf && !itex) {
            if (!strncmp(name, "TF_AUTO_MIXED_PRECISION", 23)) {
                add(r, ENV_WARN, "unknown_var", name,
                    "TensorFlow never reads this name (its list variables all start with " TF_PREFIX
                    "), so it has no effect");
                const char *rest = name + 23;
                while (*rest == '_')
                    rest++;
                set_fix(r, "%s%s=%s", TF_PREFIX, rest, value);
            }
            continue;
        }
        if (!known_var(name, itex)) {
            add(r, ENV_WARN, "unknown_var", name,
                "%s never reads this name, so it has no effect (list variables are "
                "%s_<ALLOW|INFER|CLEAR|DENY>LIST_<ADD|REMOVE>)",
                itex ? "ITEX" : "TensorFlow", itex ? ITEX_PREFIX : TF_PREFIX "");
            continue;
        }
        const char *rest = name + strlen(itex ? ITEX_PREFIX : TF_PREFIX);
        bool is_list = strstr(rest, "LIST_") != NULL;
        if (is_list) {
            if (itex)
                itex_lists_set = true;
            else
                tf_lists_set = true;
            lint_value(r, name, value, itex);
            for (int k = 0; k < 4 && !itex; k++)
                if (LISTS_OLD[k] && !strncmp(rest, LISTS_OLD[k], strlen(LISTS_OLD[k]))) {
                    add(r, ENV_WARN, "legacy_name", name,
                        "a legacy name: TensorFlow still applies it (after the %s variables), but "
                        "the old names are deprecated and ITEX ignores them", LISTS_NEW[k]);
                    set_fix(r, TF_PREFIX "%s%s=%s", LISTS_NEW[k], rest + strlen(LISTS_OLD[k]), value);
                }
        }
        if (!itex && !strcmp(rest, "LEVEL")) {
            char up[64];
            size_t k = 0;
            for (; value[k] && k < sizeof up - 1; k++)
                up[k] = (char)toupper((unsigned char)value[k]);
            up[k] = 0;
            if (!strcmp(up, "UNSAFE_FORCE_ALL")) {
                add(r, ENV_ERROR, "unsafe_force_all", name,
                    "UNSAFE_FORCE_ALL is refused in bf16 mode: the auto_mixed_precision_onednn_"
                    "bfloat16 pass fails and the whole graph stays fp32");
                set_fix(r, "unset %s", name);
            } else if (!strcmp(up, "TREAT_INFER_AS_DENY")) {
                add(r, ENV_INFO, "level", name,
                    "TREAT_INFER_AS_DENY: infer-list ops behave as deny, so far fewer nodes become bf16");
            } else if (!strcmp(up, "TENSOR_CORES_ONLY")) {
                add(r, ENV_INFO, "level", name, "TENSOR_CORES_ONLY only affects CUDA; no effect on CPU");
            } else if (*up) {
                add(r, ENV_WARN, "bad_level", name,
                    "'%s' is not a level TensorFlow knows; it uses the default level", value);
                set_fix(r, "unset %s (or TREAT_INFER_AS_DENY)", name);
            }
        }
        if (itex && !strcmp(rest, "_UNSAFE_FORCE_ALL") && truthy(value)) {
            add(r, ENV_ERROR, "unsafe_force_all", name,
                "ITEX always refuses unsafe_force_all (\"cannot be set to true\"): its AMP pass fails");
            set_fix(r, "unset %s", name);
        }
        if (itex && !strcmp(rest, "_DATA_TYPE")) {
            char up[32];
            size_t k = 0;
            for (; value[k] && k < sizeof up - 1; k++)
                up[k] = (char)toupper((unsigned char)value[k]);
            up[k] = 0;
            if (strcmp(up, "BFLOAT16")) {
                add(r, ENV_WARN, "itex_fp16", name,
                    "ITEX will convert to %s, not bfloat16 (FLOAT16 on CPU needs AVX512-FP16)", value);
                set_fix(r, "%s=BFLOAT16", name);
            }
        }
    }

    /* oneDNN on? */
    const char *onednn = env_lookup(env, "TF_ENABLE_ONEDNN_OPTS");
    if (onednn) {
        if (!strcmp(onednn, "0") || !strcasecmp(onednn, "false")) {
            add(r, ENV_ERROR, "onednn_off", "TF_ENABLE_ONEDNN_OPTS",
                "oneDNN is switched off: TensorFlow does not create the bf16 AMP pass at all, so "
                "no list change matters and everything runs fp32 on Eigen");
            set_fix(r, "TF_ENABLE_ONEDNN_OPTS=1");
        } else if (strcmp(onednn, "1") && strcasecmp(onednn, "true")) {
            add(r, ENV_WARN, "onednn_bad_value", "TF_ENABLE_ONEDNN_OPTS",
                "'%s' is not 0, 1, true or false: TensorFlow warns and uses its default", onednn);
            set_fix(r, "TF_ENABLE_ONEDNN_OPTS=1");
        }
    }

    /* TF: the lists after the edits, as TF builds them */
    g_env = env;
    struct err e2;
    if (amp_lists_from_env(l, cb_getenv, &e2) != ST_OK)
        add(r, ENV_WARN, "unreadable", "", "the list variables could not be read: %s", e2.msg);
    g_env = NULL;
    const char **conf = NULL;
    int nc = amp_lists_conflicts(l, &conf);
    for (int i = 0; i < nc; i++) {
        char where[64] = "";
        enum amp_list def = amp_lists_default(l, conf[i]);
        for (int k = 0; k < 4; k++)
            if (amp_lists_has(l, LIST_ID[k], conf[i]))
                snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s",
                         where[0] ? " and " : "", amp_list_name(LIST_ID[k]));
        add(r, ENV_ERROR, "op_in_two_lists", conf[i],
            "%s is on the %s lists after the edits: TensorFlow's pass fails (\"present in multiple "
            "lists\") and the whole graph stays fp32", conf[i], where);
        if (def != AMP_LIST_NONE)
            set_fix(r, "to move it, also remove it from its default list: " TF_PREFIX "%s_REMOVE=%s",
                    LISTS_NEW[def - 1], conf[i]);
    }
    free(conf);

    /* ITEX: the same check on its own lists */
    for (int i = 0; env && env[i]; i++) {
        if (strncmp(env[i], ITEX_PREFIX "_", strlen(ITEX_PREFIX) + 1) || !strstr(env[i], "LIST_ADD="))
            continue;
        const char *v = strchr(env[i], '=') + 1;
        char *dup = xstrdup(v);
        for (char *save = NULL, *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int on = 0;
            for (int k = 0; k < 4; k++)
                on += itex_on_list(env, t, k);
            bool seen = false;
            for (int f = 0; f < r->n; f++)
                seen |= !strcmp(r->f[f].code, "op_in_two_lists") && !strcmp(r->f[f].var, t) &&
                        strstr(r->f[f].msg, "ITEX");
            if (on > 1 && !seen) {
                add(r, ENV_ERROR, "op_in_two_lists", t,
                    "%s is on %d ITEX lists after the edits: ITEX's AMP pass fails and the graph "
                    "stays fp32", t, on);
                enum amp_list def = env_itex_default(t);
                if (def != AMP_LIST_NONE)
                    set_fix(r, "also remove it from its default list: " ITEX_PREFIX "_%s_REMOVE=%s",
                            LISTS_NEW[def - 1], t);
            }
        }
        free(dup);
    }

    /* ITEX and stock AMP together */
    const char *itex_on = env_lookup(env, ITEX_PREFIX);
    if (truthy(itex_on) && tf_lists_set) {
        add(r, ENV_WARN, "itex_and_stock", ITEX_PREFIX,
            "ITEX AMP is on and TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_* lists are set too: ITEX "
            "switches TensorFlow's own AMP passes off, so the TF_ list edits do nothing");
        set_fix(r, "write the edits as " ITEX_PREFIX "_<LIST>_<ADD|REMOVE> (`ampscope env --itex`), "
                   "or unset " ITEX_PREFIX);
    } else if (itex_lists_set && !truthy(itex_on)) {
        add(r, ENV_INFO, "itex_off", ITEX_PREFIX,
            "ITEX list edits are set but " ITEX_PREFIX " is not 1: they only apply when ITEX AMP is "
            "switched on (here or in the Python config)");
    }

    /* the CPU */
    char *flags = o->cpu_flags ? xstrdup(o->cpu_flags) : read_cpu_flags();
    if (flags) {
        bool bf16 = has_flag(flags, "avx512_bf16"), amx = has_flag(flags, "amx_bf16");
        if (!bf16 && !amx) {
            add(r, ENV_WARN, "cpu_no_bf16", "",
                "this CPU has neither avx512_bf16 nor amx_bf16: oneDNN has no native bf16 kernels, "
                "so bf16 is emulated or falls back and is usually SLOWER than fp32 here");
            set_fix(r, "run on Cooper Lake / Sapphire Rapids or newer, or leave AMP off on this machine");
        } else if (!amx) {
            add(r, ENV_INFO, "cpu_no_amx", "",
                "this CPU has avx512_bf16 but no AMX: bf16 runs on AVX512-BF16 kernels (faster than "
                "fp32 for big matmuls/convs, far from AMX speed)");
        } else {
            add(r, ENV_INFO, "cpu_amx", "", "this CPU has AMX (amx_bf16): bf16 matmuls/convs can use AMX tiles");
        }
        free(flags);
    }

    /* what TF would do */
    struct env_moves mv;
    env_moves_init(&mv);
    env_moves_from_lists(&mv, l);
    struct abuf b;
    abuf_init(&b);
    for (int i = 0; i < mv.n; i++) {
        bool odd = !*mv.v[i].op || strpbrk(mv.v[i].op, " \t");
        abuf_printf(&b, "%s%s%s: %s -> %s%s\n", odd ? "\"" : "", mv.v[i].op, odd ? "\"" : "",
                    amp_list_name(amp_lists_default(l, mv.v[i].op)), amp_list_name(mv.v[i].to),
                    odd ? " (no op has this name)" : "");
    }
    r->effect = b.data ? b.data : xstrdup("");
    env_moves_done(&mv);
    amp_lists_free(l);
    return ST_OK;
}

void env_report_done(struct env_report *r)
{
    free(r->f);
    free(r->effect);
    memset(r, 0, sizeof *r);
}

void env_report_text(const struct env_report *r, struct abuf *b, bool color)
{
    const char *red = color ? "\033[31m" : "", *yel = color ? "\033[33m" : "",
               *dim = color ? "\033[2m" : "", *bold = color ? "\033[1m" : "", *z = color ? "\033[0m" : "";
    int problems = r->n_errors + r->n_warnings;
    if (problems)
        abuf_printf(b, "%sampscope env --check%s: %d problem(s) (%d error(s), %d warning(s)); TF %s lists\n",
                    bold, z, problems, r->n_errors, r->n_warnings, r->tf_version);
    else
        abuf_printf(b, "%sampscope env --check%s: no problems found; TF %s lists\n", bold, z,
                    r->tf_version);
    for (int pass = ENV_ERROR; pass >= ENV_INFO; pass--)
        for (int i = 0; i < r->n; i++) {
            const struct env_finding *f = &r->f[i];
            if ((int)f->sev != pass)
                continue;
            const char *c = f->sev == ENV_ERROR ? red : f->sev == ENV_WARN ? yel : dim;
            const char *tag = f->sev == ENV_ERROR ? "error" : f->sev == ENV_WARN ? "warning" : "note";
            abuf_printf(b, "\n%s%-7s%s %s%s%s%s\n", c, tag, z, f->var[0] ? f->var : "CPU",
                        f->var[0] ? "" : "", ": ", f->msg);
            if (f->fix[0])
                abuf_printf(b, "        fix: %s\n", f->fix);
        }
    abuf_puts(b, "\nwhat TensorFlow would apply to its lists:\n");
    if (r->effect && *r->effect) {
        for (const char *p = r->effect; *p;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            abuf_printf(b, "  %.*s\n", (int)n, p);
            p += n + (nl ? 1 : 0);
        }
    } else {
        abuf_puts(b, "  nothing (the default lists)\n");
    }
}

void env_report_json(const struct env_report *r, struct abuf *b)
{
    static const char *const sev[] = {"info", "warning", "error"};
    abuf_puts(b, "{\"schema\":\"ampscope.envcheck/1\",\"tf_lists\":");
    abuf_json_str(b, r->tf_version);
    abuf_printf(b, ",\"errors\":%d,\"warnings\":%d,\"ok\":%s,\"findings\":[", r->n_errors,
                r->n_warnings, r->n_errors + r->n_warnings ? "false" : "true");
    for (int i = 0; i < r->n; i++) {
        const struct env_finding *f = &r->f[i];
        abuf_printf(b, "%s{\"severity\":\"%s\",\"code\":", i ? "," : "", sev[f->sev]);
        abuf_json_str(b, f->code);
        abuf_puts(b, ",\"var\":");
        abuf_json_str(b, f->var);
        abuf_puts(b, ",\"message\":");
        abuf_json_str(b, f->msg);
        abuf_puts(b, ",\"fix\":");
        if (f->fix[0])
            abuf_json_str(b, f->fix);
        else
            abuf_puts(b, "null");
        abuf_putc(b, '}');
    }
    abuf_puts(b, "],\"effect\":[");
    int k = 0;
    for (const char *p = r->effect ? r->effect : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char line[300];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        abuf_puts(b, k++ ? "," : "");
        abuf_json_str(b, line);
        p += n + (nl ? 1 : 0);
    }
    abuf_puts(b, "]}\n");
}
