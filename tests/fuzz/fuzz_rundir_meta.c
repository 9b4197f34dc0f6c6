/* fuzz_rundir_meta.c: meta.json of a run directory is read back from disk
 * that anyone may have edited or truncated: the tolerant reader must never
 * crash, hang or overflow, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/rundir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rundir_meta m;
    struct err e;
    rundir_parse_meta((const char *)data, size, "meta.json", &m, &e);
    return 0;
}
