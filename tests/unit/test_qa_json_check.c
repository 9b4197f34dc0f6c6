/* test_qa_json_check.c: the strict meta.json syntax check of the CLI
 * (cli/json_check.c, compiled in here since cli/ is not a library): real
 * meta.json text passes; a file cut short, garbage, a missing comma, a
 * trailing extra, a raw line break in a string and deep nesting are refused
 * with the place (line:column) named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/json_check.c"

static const char *check(const char *s, int *line, int *col)
{
    return cli_json_object_check(s, strlen(s), line, col);
}

static void test_good(void **state)
{
    (void)state;
    int l = 0, c = 0;
    assert_null(check("{}", &l, &c));
    assert_null(check("  {\"format_version\": 1, \"status\": \"ok\", \"batch\": -2,\n"
                      "   \"x\": [1, 2.5e-3, true, false, null, {\"a\": \"b\\\"\\n\\u00e9\"}]}\n",
                      &l, &c));
}

static void test_bad(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
        int line, col;
    } cases[] = {
        {"{\"format_version\": 1,\n \"status\": ", "cut short", 2, 12},
        {"{\"a\": \"unterminated", "closing quote", 1, 20},
        {"not json at all", "starting with '{'", 1, 1},
        {"", "starting with '{'", 1, 1},
        {"{\"a\": 1 \"b\": 2}", "',' or '}'", 1, 9},
        {"{\"a\": 1} x", "nothing after", 1, 10},
        {"{\"a\": \"line\nbreak\"}", "control character", 1, 12},
        {"{a: 1}", "field name", 1, 2},
        {"{\"a\" 1}", "':'", 1, 6},
        {"{\"a\": tru}", "a value", 1, 7},
        {"[1, 2]", "starting with '{'", 1, 1},
        {"{\"a\": 1, \"mod", "closing quote of a string (the file is cut short)", 1, 14},
        {"{\"a\": 1, ", "a field name (the file is cut short)", 1, 10},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int l = 0, c = 0;
        const char *what = check(cases[i].text, &l, &c);
        if (!what || !strstr(what, cases[i].want) || l != cases[i].line || c != cases[i].col)
            fail_msg("case %zu '%s': got '%s' at %d:%d, want '%s' at %d:%d", i, cases[i].text,
                     what ? what : "(accepted)", l, c, cases[i].want, cases[i].line, cases[i].col);
    }
    /* nesting is bounded */
    char deep[200] = "{\"a\":";
    size_t n = strlen(deep);
    for (int i = 0; i < 40; i++)
        deep[n++] = '[';
    deep[n] = 0;
    int l = 0, c = 0;
    const char *what = check(deep, &l, &c);
    assert_non_null(what);
    assert_non_null(strstr(what, "nesting"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
