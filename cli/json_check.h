/* cli/json_check: is a buffer exactly one well-formed JSON object? */
#ifndef AMPSCOPE_CLI_JSON_CHECK_H
#define AMPSCOPE_CLI_JSON_CHECK_H

#include <stddef.h>

/* NULL when data[0..len) is one JSON object (whitespace around it allowed),
 * else a phrase saying what was expected ("',' or '}' (the file is cut
 * short ...)"), with *line and *col (1-based) where it was expected. Nesting
 * deeper than 32 is refused. */
const char *cli_json_object_check(const char *data, size_t len, int *line, int *col);

#endif
