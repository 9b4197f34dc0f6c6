/* json_check.c: a strict JSON syntax check for the files a run directory
 * keeps (meta.json): analyze/rundir.c reads them leniently on purpose, so a
 * run that died mid-way can still be opened, but a damaged file must be named
 * with the place it goes wrong, not half-read. No allocation, bounded
 * nesting; fuzzed by tests/fuzz/fuzz_json_check.c.
 */
#include "cli/json_check.h"

#include <stdbool.h>
#include <string.h>

struct jchk {
    const char *p, *end;
    int depth;
    const char *what; /* what was expected where it stopped */
};

static void jc_ws(struct jchk *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool jc_value(struct jchk *j);

static bool jc_string(struct jchk *j)
{
    if (j->p >= j->end || *j->p != '"') {
        j->what = "a string in double quotes";
        return false;
    }
    for (j->p++; j->p < j->end; j->p++) {
        unsigned char ch = (unsigned char)*j->p;
        if (ch == '"') {
            j->p++;
            return true;
        }
        if (ch < 0x20) {
            j->what = "the string to end (a raw control character or line break inside it)";
            return false;
        }
        if (ch == '\\') {
            j->p++;
            if (j->p >= j->end || !strchr("\"\\/bfnrtu", *j->p)) {
                j->what = "a valid escape after a backslash";
                return false;
            }
        }
    }
    j->what = "the closing quote of a string (the file is cut short)";
    return false;
}

static bool jc_number(struct jchk *j)
{
    const char *q = j->p;
    if (q < j->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < j->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
                          *q == '+' || *q == '-'))
        q++;
    if (q == digits || !(*digits >= '0' && *digits <= '9')) {
        j->what = "a value (string, number, true, false, null, object or array)";
        return false;
    }
    j->p = q;
    return true;
}

static bool jc_seq(struct jchk *j, char close, bool object)
{
    j->p++;
    if (++j->depth > 32) {
        j->what = "less nesting";
        return false;
    }
    jc_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        jc_ws(j);
        if (object) {
            if (j->p >= j->end || *j->p != '"') {
                j->what = j->p >= j->end ? "a field name (the file is cut short)"
                                         : "a field name in double quotes";
                return false;
            }
            if (!jc_string(j))
                return false;
            jc_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                j->what = "':' after the field name";
                return false;
            }
            j->p++;
            jc_ws(j);
        }
        if (!jc_value(j))
            return false;
        jc_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return true;
        }
        j->what = object ? "',' or '}' (the file is cut short or a comma is missing)"
                         : "',' or ']'";
        return false;
    }
}

static bool jc_value(struct jchk *j)
{
    if (j->p >= j->end) {
        j->what = "a value (the file is cut short)";
        return false;
    }
    switch (*j->p) {
    case '{': return jc_seq(j, '}', true);
    case '[': return jc_seq(j, ']', false);
    case '"': return jc_string(j);
    }
    static const char *const lits[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, lits[i], n)) {
            j->p += n;
            return true;
        }
    }
    return jc_number(j);
}

const char *cli_json_object_check(const char *data, size_t len, int *line, int *col)
{
    struct jchk j = {data, data + len, 0, NULL};
    jc_ws(&j);
    bool ok;
    if (j.p >= j.end || *j.p != '{') {
        j.what = "a JSON object starting with '{'";
        ok = false;
    } else {
        ok = jc_seq(&j, '}', true);
        if (ok) {
            jc_ws(&j);
            if (j.p < j.end) {
                j.what = "nothing after the closing '}'";
                ok = false;
            }
        }
    }
    if (ok)
        return NULL;
    *line = 1;
    *col = 1;
    for (const char *q = data; q < j.p && q < j.end; q++) {
        if (*q == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
    return j.what ? j.what : "valid JSON";
}
