/* backend.c: the backend factory, --backend names, and the auto choice
 * between real TensorFlow and the embedded oneDNN executor.
 */
#include "runner/backend.h"

#include <stdlib.h>
#include <string.h>

#include "runner/tf.h"

struct backend *bk_embedded_new(struct err *e);
struct backend *bk_cmd_new(struct err *e);
const char *const *bk_embedded_env(const struct backend *b);
const char *const *bk_cmd_env(const struct backend *b);

const char *const *bk_child_env(const struct backend *b)
{
    if (!b || !b->ops || !b->ops->name)
        return NULL;
    if (!strcmp(b->ops->name, "tf"))
        return bk_tf_env(b);
    if (!strcmp(b->ops->name, "cmd"))
        return bk_cmd_env(b);
    if (!strcmp(b->ops->name, "embedded"))
        return bk_embedded_env(b);
    return NULL;
}

struct backend *backend_new(enum bk_kind kind, struct err *e)
{
    switch (kind) {
    case BK_EMBEDDED:
        return bk_embedded_new(e);
    case BK_TF:
        return bk_tf_new(e);
    case BK_CMD:
        return bk_cmd_new(e);
    }
    err_set(e, ST_EINVAL, "unknown backend kind %d", (int)kind);
    return NULL;
}

void backend_free(struct backend *b)
{
    if (!b)
        return;
    if (b->ops && b->ops->done)
        b->ops->done(b);
    free(b);
}

int bk_kind_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "embedded") || !strcmp(s, "onednn"))
        return BK_EMBEDDED;
    if (!strcmp(s, "tf") || !strcmp(s, "tensorflow"))
        return BK_TF;
    if (!strcmp(s, "cmd"))
        return BK_CMD;
    if (!strcmp(s, "auto"))
        return -2;
    return -1;
}

const char *bk_kind_name(enum bk_kind k)
{
    switch (k) {
    case BK_EMBEDDED: return "embedded";
    case BK_TF: return "tf";
    case BK_CMD: return "cmd";
    }
    return "?";
}

enum bk_kind bk_auto_pick(const char *python, char *why, size_t size)
{
    struct bk_tf_info info;
    struct err e = {0};
    if (bk_tf_probe(python, &info, &e) == ST_OK) {
        snprintf(why, size, "--backend auto: using TensorFlow %s (%s, found via %s)",
                 info.tf_version, info.python, info.source);
        return BK_TF;
    }
    snprintf(why, size,
             "--backend auto: no usable TensorFlow, using the embedded oneDNN backend (%s)", e.msg);
    return BK_EMBEDDED;
}

char **bk_run_env(const struct bk_opts *o)
{
    size_t n = 0;
    if (o && o->env)
        while (o->env[n])
            n++;
    char **env = xcalloc(n + 3, sizeof *env);
    size_t k = 0;
    env[k++] = xstrdup("ONEDNN_VERBOSE=1");
    env[k++] = xstrdup("ONEDNN_VERBOSE_TIMESTAMP=1");
    for (size_t i = 0; i < n; i++)
        env[k++] = xstrdup(o->env[i]);
    env[k] = NULL;
    return env;
}

void bk_env_free(char **env)
{
    if (!env)
        return;
    for (char **p = env; *p; p++)
        free(*p);
    free(env);
}
