/* util: the low-level helpers every module shares (below logs/ in the chain).
 *
 * Allocation wrappers that abort cleanly (after running the die hook, so a
 * TUI can restore the terminal), the status-code table and the error record
 * library code fills instead of exiting, a growable append buffer for
 * generated output, a string pool for interning, a string->int hash map, and
 * JSON string escaping. Nothing here includes any other ampscope module.
 */
#ifndef AMPSCOPE_UTIL_UTIL_H
#define AMPSCOPE_UTIL_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AMPSCOPE_VERSION "0.1.0"

/* ---- status codes ------------------------------------------------------
 * To add a new status: add one X(...) line; the enum and the message table
 * are generated from it. Library functions return these; details go in a
 * caller-provided struct err. */
#define STATUS_CODES(X)                                              \
    X(ST_OK, "ok")                                                   \
    X(ST_EIO, "input/output error")                                  \
    X(ST_ENOENT, "no such file or directory")                        \
    X(ST_EPARSE, "parse error")                                      \
    X(ST_EFORMAT, "unrecognised format")                             \
    X(ST_EINVAL, "invalid argument")                                 \
    X(ST_ELIMIT, "limit exceeded")                                   \
    X(ST_EUNSUPPORTED, "unsupported")                                \
    X(ST_ERUNTIME, "runtime failure")                                \
    X(ST_ECANCEL, "cancelled")                                       \
    X(ST_ENODATA, "no data")

enum status {
#define X(code, msg) code,
    STATUS_CODES(X)
#undef X
    ST__COUNT
};

const char *status_str(enum status st);

/* Filled by library code on failure. file/line/col are 0/NULL when they do not
 * apply. msg is a complete sentence a user can act on. */
struct err {
    char msg[512];
    char file[256];
    long line, col;
};

/* Sets e (when non-NULL) and returns st, so callers can `return err_set(...)`. */
enum status err_set(struct err *e, enum status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with a file/line/col location. */
enum status err_at(struct err *e, enum status st, const char *file, long line,
                   long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* "file:line:col: msg" (parts omitted when unset) into buf. */
void err_format(const struct err *e, char *buf, size_t size);

/* ---- allocation: abort on OOM after the die hook ----------------------- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *arr (element size elem) so that index `need-1` fits; *cap updated. */
void xgrow(void *arr_ptr, size_t *cap, size_t need, size_t elem);

/* The die hook runs before any fatal exit (OOM, die()); the TUI sets it to
 * endwin(). Only main/tui may call die(). */
void util_set_die_hook(void (*hook)(void));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- bounded strings --------------------------------------------------- */
/* Copies src into dst[size]; a truncated result ends in "..." visibly. */
void string_copy_n(char *dst, size_t size, const char *src);
#define string_copy(dst, src) string_copy_n((dst), sizeof(dst), (src))

/* ---- append buffer (generated output) ---------------------------------- */
struct abuf {
    char *data; /* NUL-terminated while len < cap; owned */
    size_t len, cap;
};
void abuf_init(struct abuf *b);
void abuf_done(struct abuf *b);
void abuf_put(struct abuf *b, const char *s, size_t n);
void abuf_puts(struct abuf *b, const char *s);
void abuf_putc(struct abuf *b, char c);
void abuf_printf(struct abuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void abuf_vprintf(struct abuf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (with quotes), escaping as RFC 8259 needs. */
void abuf_json_str(struct abuf *b, const char *s);
/* Appends a JSON number; NaN/Inf become null. */
void abuf_json_num(struct abuf *b, double v);

/* ---- string pool: interned strings live as long as the pool ------------ */
struct strpool;
struct strpool *strpool_new(void);
void strpool_free(struct strpool *p);
/* Returns a pointer owned by the pool; equal strings give the same pointer. */
const char *strpool_intern(struct strpool *p, const char *s, size_t n);
size_t strpool_bytes(const struct strpool *p);

/* ---- string -> int map (keys borrowed: they must outlive the map) ------- */
struct strmap {
    const char **keys;
    int *vals;
    size_t cap, count;
};
void strmap_init(struct strmap *m);
void strmap_done(struct strmap *m);
/* Inserts or replaces. */
void strmap_put(struct strmap *m, const char *key, int val);
/* Returns the value or `missing`. */
int strmap_get(const struct strmap *m, const char *key, int missing);
int strmap_getn(const struct strmap *m, const char *key, size_t n, int missing);

uint64_t util_hash(const void *data, size_t n);

/* ---- files ------------------------------------------------------------- */
/* Reads a whole file (max bytes `limit`, 0 = no limit) into *out (owned by the
 * caller, NUL-terminated). */
enum status util_read_file(const char *path, size_t limit, char **out, size_t *len,
                           struct err *e);
/* Writes data to path atomically (temp file + rename). */
enum status util_write_file_atomic(const char *path, const void *data, size_t len,
                                   struct err *e);
/* mkdir -p */
enum status util_mkdirs(const char *path, struct err *e);

/* Monotonic milliseconds, and wall clock milliseconds since the epoch. */
double util_now_ms(void);
double util_wall_ms(void);

/* Colour on stdout/stderr: only on a TTY and when NO_COLOR is unset/empty. */
int util_use_color(FILE *f);

#endif
