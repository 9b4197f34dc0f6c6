/* keys.c: the request table (TUI_REQUESTS in tui_int.h) turned into a key
 * map, key names for scripts and help, and the help text itself, so the keys
 * the loop obeys, the `?` screen and docs/tui.md come from one table.
 */
#include "tui/tui_int.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct req_info {
    const char *id, *scope, *keys, *help;
} reqs[] = {
    {"none", "", "", ""},
#define X(id, scope, keys, help) {#id, scope, keys, help},
    TUI_REQUESTS(X)
#undef X
};

static const struct {
    const char *name;
    int key;
} named[] = {
    {"Enter", TK_ENTER}, {"Return", TK_ENTER}, {"Esc", TK_ESC}, {"Escape", TK_ESC},
    {"Tab", TK_TAB}, {"BackTab", KEY_BTAB}, {"S-Tab", KEY_BTAB}, {"Space", ' '},
    {"Up", KEY_UP}, {"Down", KEY_DOWN}, {"Left", KEY_LEFT}, {"Right", KEY_RIGHT},
    {"PgUp", KEY_PPAGE}, {"PageUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"PageDown", KEY_NPAGE},
    {"Home", KEY_HOME}, {"End", KEY_END}, {"Backspace", KEY_BACKSPACE}, {"Delete", KEY_DC},
    {"Resize", KEY_RESIZE}, {"Colon", ':'}, {"Hash", '#'},
};

int tui_key_parse(const char *name)
{
    if (!name || !*name)
        return -1;
    if (!name[1])
        return (unsigned char)name[0];
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcasecmp(name, named[i].name))
            return named[i].key;
    if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
        char c = name[2];
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 1;
        if (c >= 'A' && c <= 'Z')
            return c - 'A' + 1;
    }
    if (name[0] == '^' && name[1] && !name[2])
        return tui_key_parse((char[]){'C', '-', name[1], 0});
    if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
        int n = atoi(name + 1);
        if (n >= 1 && n <= 12)
            return KEY_F(n);
    }
    return -1;
}

const char *tui_key_name(int key, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].key == key) {
            snprintf(buf, size, "%s", named[i].name);
            return buf;
        }
    if (key >= 1 && key <= 26)
        snprintf(buf, size, "C-%c", 'a' + key - 1);
    else if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, size, "F%d", key - KEY_F(0));
    else if (key > 32 && key < 127)
        snprintf(buf, size, "%c", key);
    else
        snprintf(buf, size, "key%d", key);
    return buf;
}

/* The key map, built once from the table. */
struct binding {
    int key;
    enum tui_req req;
};
static struct binding *map;
static int n_map;

static void build_map(void)
{
    if (map)
        return;
    size_t cap = 0;
    for (int r = 1; r < REQ__COUNT; r++) {
        char keys[128];
        snprintf(keys, sizeof keys, "%s", reqs[r].keys);
        for (char *save = NULL, *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
            int code = tui_key_parse(k);
            if (code < 0)
                continue;
            xgrow(&map, &cap, (size_t)n_map + 1, sizeof *map);
            map[n_map++] = (struct binding){code, (enum tui_req)r};
        }
    }
}

enum tui_req tui_key_request(const char *scope, int key)
{
    build_map();
    enum tui_req global = REQ_NONE;
    for (int i = 0; i < n_map; i++) {
        if (map[i].key != key)
            continue;
        const char *s = reqs[map[i].req].scope;
        if (*s && scope && !strcmp(s, scope))
            return map[i].req;
        if (!*s && global == REQ_NONE)
            global = map[i].req;
    }
    return global;
}

const char *tui_req_name(enum tui_req r)
{
    static char buf[REQ__COUNT][40];
    if (r <= REQ_NONE || r >= REQ__COUNT)
        return "none";
    if (!buf[r][0]) {
        const char *id = reqs[r].id + 4; /* skip "REQ_" */
        size_t i = 0;
        for (; id[i] && i < sizeof buf[r] - 1; i++)
            buf[r][i] = id[i] == '_' ? '-' : (char)(id[i] >= 'A' && id[i] <= 'Z' ? id[i] + 32 : id[i]);
        buf[r][i] = 0;
    }
    return buf[r];
}

const char *tui_req_help(enum tui_req r) { return r < REQ__COUNT ? reqs[r].help : ""; }
const char *tui_req_keys(enum tui_req r) { return r < REQ__COUNT ? reqs[r].keys : ""; }
const char *tui_req_scope(enum tui_req r) { return r < REQ__COUNT ? reqs[r].scope : ""; }

int tui_help_lines(char ***lines)
{
    static const char *const scopes[] = {"", "graph", "nodes", "ops", "runs"};
    static const char *const titles[] = {"Everywhere", "Graph view", "Nodes view",
                                         "Op types view", "Runs view"};
    char **out = NULL;
    size_t cap = 0;
    int n = 0;
#define ADD(s)                                              \
    do {                                                    \
        xgrow(&out, &cap, (size_t)n + 1, sizeof *out);      \
        out[n++] = (s);                                     \
    } while (0)
    ADD(xstrdup("Keys (generated from the key map; scripts use the same names)"));
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        ADD(xstrdup(""));
        ADD(xasprintf("%s", titles[s]));
        for (int r = 1; r < REQ__COUNT; r++) {
            if (strcmp(reqs[r].scope, scopes[s]))
                continue;
            ADD(xasprintf("  %-14s %s", reqs[r].keys, reqs[r].help));
        }
    }
    ADD(xstrdup(""));
    ADD(xstrdup("Commands (:)"));
    ADD(xstrdup("  :export svg FILE      annotated SVG of the graph"));
    ADD(xstrdup("  :env [FORMAT]         env lines (sh k8s dockerfile compose systemd dotenv python)"));
    ADD(xstrdup("  :list OP allow|infer|clear|deny|default   move an op type"));
    ADD(xstrdup("  :node NAME            go to a node   :filter TEXT   :search TEXT"));
    ADD(xstrdup("  :sort COLUMN          name op plan exec isa ms share casts"));
    ADD(xstrdup("  :rerun  :cancel  :view NAME  :save-display FILE  :resize W H  :quit"));
    ADD(xstrdup(""));
    ADD(xstrdup("Colours: green bf16, yellow f32, magenta mixed, grey no float math;"));
    ADD(xstrdup("A = ran on AMX; * = predicted by the painter after your list edits (rerun: r)."));
#undef ADD
    *lines = out;
    return n;
}

void tui_lines_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}
