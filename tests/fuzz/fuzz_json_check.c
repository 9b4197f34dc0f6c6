/* fuzz_json_check.c: the strict meta.json syntax check of the CLI
 * (cli/json_check.c) reads files anyone may have edited or cut short: it
 * must never crash, read past the buffer, hang or recurse without bound, and
 * what it accepts must start with '{' and end with '}' (around whitespace). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/json_check.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly size bytes, so ASan sees any read past the end */
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    int line = 0, col = 0;
    const char *what = cli_json_object_check(buf, size, &line, &col);
    if (!what) {
        size_t a = 0, b = size;
        while (a < b && strchr(" \t\r\n", buf[a]))
            a++;
        while (b > a && strchr(" \t\r\n", buf[b - 1]))
            b--;
        if (b - a < 2 || buf[a] != '{' || buf[b - 1] != '}')
            abort();
    } else if (line < 1 || col < 1) {
        abort();
    }
    free(buf);
    return 0;
}
