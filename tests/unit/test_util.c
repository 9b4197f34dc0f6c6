/* test_util.c: cmocka suite for util/: append buffer and JSON escaping, the
 * string pool, the string map, bounded copies, error formatting and atomic
 * file writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static void test_abuf_json(void **state)
{
    (void)state;
    struct abuf b;
    abuf_init(&b);
    abuf_json_str(&b, "a\"b\\c\n\x01");
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
    b.len = 0;
    abuf_json_num(&b, 3.0);
    abuf_putc(&b, ' ');
    abuf_json_num(&b, 0.25);
    abuf_putc(&b, ' ');
    abuf_json_num(&b, NAN);
    abuf_putc(&b, ' ');
    abuf_json_num(&b, 1.2222222222222222e19); /* beyond long long: no cast (fuzz finding) */
    assert_string_equal(b.data, "3 0.25 null 1.22222e+19");
    b.len = 0;
    for (int i = 0; i < 10000; i++)
        abuf_printf(&b, "%d,", i);
    assert_int_equal(strlen(b.data), b.len);
    assert_memory_equal(b.data + b.len - 5, "9999,", 5);
    abuf_done(&b);
}

static void test_strpool(void **state)
{
    (void)state;
    struct strpool *p = strpool_new();
    const char *a = strpool_intern(p, "convolution", 11);
    const char *b = strpool_intern(p, "convolution,xyz", 11);
    const char *c = strpool_intern(p, "conv", 4);
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, c);
    assert_string_equal(c, "conv");
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "s%d", i);
        strpool_intern(p, buf, strlen(buf));
    }
    assert_ptr_equal(strpool_intern(p, "convolution", 11), a);
    assert_string_equal(strpool_intern(p, "s4999", 5), "s4999");
    strpool_free(p);
}

static void test_strmap(void **state)
{
    (void)state;
    struct strmap m;
    strmap_init(&m);
    assert_int_equal(strmap_get(&m, "x", -1), -1);
    static char keys[3000][24];
    for (int i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "node_%d", i);
        strmap_put(&m, keys[i], i);
    }
    assert_int_equal(strmap_get(&m, "node_2999", -1), 2999);
    assert_int_equal(strmap_getn(&m, "node_12xyz", 7, -1), 12);
    strmap_put(&m, keys[5], 55);
    assert_int_equal(strmap_get(&m, "node_5", -1), 55);
    assert_int_equal((int)m.count, 3000);
    strmap_done(&m);
}

static void test_string_copy(void **state)
{
    (void)state;
    char small[8];
    string_copy(small, "abc");
    assert_string_equal(small, "abc");
    string_copy(small, "abcdefghijk");
    assert_string_equal(small, "abcd...");
}

static void test_err(void **state)
{
    (void)state;
    struct err e;
    char buf[600];
    assert_int_equal(err_at(&e, ST_EPARSE, "m.pbtxt", 3, 7, "expected '%s'", "}"), ST_EPARSE);
    err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "m.pbtxt:3:7: expected '}'");
    err_set(&e, ST_EINVAL, "plain");
    err_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "plain");
    assert_string_equal(status_str(ST_ENOENT), "no such file or directory");
    assert_null(NULL);
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/ampscope-util-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/a/b/c", dir);
    struct err e;
    assert_int_equal(util_mkdirs(sub, &e), ST_OK);
    char *path = xasprintf("%s/f.txt", sub);
    assert_int_equal(util_write_file_atomic(path, "hello", 5, &e), ST_OK);
    char *data;
    size_t len;
    assert_int_equal(util_read_file(path, 0, &data, &len, &e), ST_OK);
    assert_int_equal(len, 5);
    assert_string_equal(data, "hello");
    free(data);
    assert_int_equal(util_read_file(path, 3, &data, &len, &e), ST_ELIMIT);
    char *missing = xasprintf("%s/nope", dir);
    assert_int_equal(util_read_file(missing, 0, &data, &len, &e), ST_ENOENT);
    assert_string_equal(e.file, missing);
    /* Unwritable destination: error, no temp file left behind. */
    char *bad = xasprintf("%s/no/such/dir/x", dir);
    assert_int_equal(util_write_file_atomic(bad, "x", 1, &e), ST_EIO);
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd), free(bad), free(missing), free(path), free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abuf_json), cmocka_unit_test(test_strpool),
        cmocka_unit_test(test_strmap),    cmocka_unit_test(test_string_copy),
        cmocka_unit_test(test_err),       cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
