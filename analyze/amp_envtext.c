/* amp_envtext.c: list edits recorded as text ("NAME=VALUE" lines, as a run's
 * meta.json keeps them) applied exactly as amp_lists_from_env applies the real
 * environment, so a run's lists can be rebuilt by `open`, the TUI and export.
 */
#include "analyze/amp.h"

#include <stdlib.h>
#include <string.h>

/* The text being read (amp_lists_from_env's lookup takes no context; the
 * painter is single-threaded). */
static struct {
    char **names, **values;
    int n;
} cur;

static const char *text_getenv(const char *name)
{
    for (int i = 0; i < cur.n; i++)
        if (!strcmp(cur.names[i], name))
            return cur.values[i];
    return NULL;
}

enum status amp_lists_from_env_text(amp_lists *l, const char *text, struct err *e)
{
    int cap = 0;
    cur.n = 0;
    cur.names = cur.values = NULL;
    for (const char *p = text ? text : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq && eq > p) {
            if (cur.n == cap) {
                cap = cap ? cap * 2 : 8;
                cur.names = xrealloc(cur.names, (size_t)cap * sizeof *cur.names);
                cur.values = xrealloc(cur.values, (size_t)cap * sizeof *cur.values);
            }
            cur.names[cur.n] = xstrndup(p, (size_t)(eq - p));
            cur.values[cur.n] = xstrndup(eq + 1, len - (size_t)(eq - p) - 1);
            cur.n++;
        }
        p += len + (nl ? 1 : 0);
    }
    enum status st = amp_lists_from_env(l, text_getenv, e);
    for (int i = 0; i < cur.n; i++) {
        free(cur.names[i]);
        free(cur.values[i]);
    }
    free(cur.names);
    free(cur.values);
    cur.n = 0;
    cur.names = cur.values = NULL;
    return st;
}
