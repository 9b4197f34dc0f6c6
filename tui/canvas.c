/* canvas.c: the cell grid every view draws into. Curses-free: term.c copies
 * it onto the terminal and :save-display dumps it as text, so the screens the
 * user sees and the ones the tests compare are the same cells. Text is UTF-8
 * in, code points with their display width (wcwidth) in the cells; a wide
 * character takes two cells, the second holding 0.
 */
#include "tui/tui_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void cv_init(struct tui_canvas *c, int w, int h, bool ascii)
{
    memset(c, 0, sizeof *c);
    c->ascii = ascii;
    cv_resize(c, w, h);
}

void cv_done(struct tui_canvas *c)
{
    free(c->cells);
    c->cells = NULL;
}

void cv_resize(struct tui_canvas *c, int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    free(c->cells);
    c->w = w;
    c->h = h;
    c->cells = xcalloc((size_t)w * (size_t)h, sizeof *c->cells);
    cv_clear(c);
}

void cv_clear(struct tui_canvas *c)
{
    for (int i = 0; i < c->w * c->h; i++)
        c->cells[i] = (struct tui_cell){' ', C_NORMAL};
}

void cv_set(struct tui_canvas *c, int y, int x, uint32_t ch, unsigned attr)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w)
        return;
    c->cells[y * c->w + x] = (struct tui_cell){ch, (uint16_t)attr};
}

void cv_fill(struct tui_canvas *c, int y, int x, int n, unsigned attr)
{
    for (int i = 0; i < n; i++)
        cv_set(c, y, x + i, ' ', attr);
}

/* Decodes one UTF-8 sequence; returns its length (>= 1), *cp = U+FFFD on
 * malformed input. */
static int utf8_next(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    int n = u[0] >= 0xF0 && u[0] < 0xF8 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (!n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = u[0] & (0x3F >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return i;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    *cp = v;
    return n;
}

static int cp_width(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return 1; /* shown as '?' */
    if (cp < 0x7F)
        return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int tui_strwidth(const char *s)
{
    int w = 0;
    while (*s) {
        uint32_t cp;
        s += utf8_next(s, &cp);
        w += cp_width(cp);
    }
    return w;
}

int cv_put(struct tui_canvas *c, int y, int x, const char *s, int maxw, unsigned attr)
{
    int used = 0;
    if (!s)
        return 0;
    while (*s && used < maxw) {
        uint32_t cp;
        s += utf8_next(s, &cp);
        if (cp < 0x20 || cp == 0x7F)
            cp = '?';
        int cw = cp_width(cp);
        if (cw == 0)
            continue; /* combining marks: dropped rather than misplaced */
        if (used + cw > maxw)
            break;
        if (c->ascii && cp > 0x7E)
            cp = '?', cw = 1;
        cv_set(c, y, x + used, cp, attr);
        if (cw == 2)
            cv_set(c, y, x + used + 1, 0, attr);
        used += cw;
    }
    return used;
}

int cv_printf(struct tui_canvas *c, int y, int x, int maxw, unsigned attr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return cv_put(c, y, x, buf, maxw, attr);
}

uint32_t cv_line_char(unsigned m, bool ascii)
{
    bool v = m & (LN_UP | LN_DOWN), hz = m & (LN_LEFT | LN_RIGHT);
    if (ascii)
        return v && hz ? '+' : v ? '|' : hz ? '-' : ' ';
    switch (m) {
    case LN_UP | LN_DOWN:
    case LN_UP:
    case LN_DOWN: return 0x2502;
    case LN_LEFT | LN_RIGHT:
    case LN_LEFT:
    case LN_RIGHT: return 0x2500;
    case LN_DOWN | LN_RIGHT: return 0x250C;
    case LN_DOWN | LN_LEFT: return 0x2510;
    case LN_UP | LN_RIGHT: return 0x2514;
    case LN_UP | LN_LEFT: return 0x2518;
    case LN_UP | LN_DOWN | LN_RIGHT: return 0x251C;
    case LN_UP | LN_DOWN | LN_LEFT: return 0x2524;
    case LN_DOWN | LN_LEFT | LN_RIGHT: return 0x252C;
    case LN_UP | LN_LEFT | LN_RIGHT: return 0x2534;
    case LN_UP | LN_DOWN | LN_LEFT | LN_RIGHT: return 0x253C;
    default: return ' ';
    }
}

static void put_utf8(struct abuf *b, uint32_t cp)
{
    char s[4];
    if (cp < 0x80) {
        abuf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        abuf_put(b, s, 2);
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        abuf_put(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        abuf_put(b, s, 4);
    }
}

static void row_text(const struct tui_canvas *c, int y, struct abuf *b)
{
    size_t start = b->len;
    for (int x = 0; x < c->w; x++) {
        uint32_t cp = c->cells[y * c->w + x].ch;
        if (cp)
            put_utf8(b, cp);
    }
    while (b->len > start && b->data[b->len - 1] == ' ')
        b->len--;
    if (b->data)
        b->data[b->len] = 0;
}

void cv_dump(const struct tui_canvas *c, struct abuf *out)
{
    for (int y = 0; y < c->h; y++) {
        row_text(c, y, out);
        abuf_putc(out, '\n');
    }
}

void cv_row(const struct tui_canvas *c, int y, char *buf, size_t size)
{
    struct abuf b;
    abuf_init(&b);
    if (y >= 0 && y < c->h)
        row_text(c, y, &b);
    snprintf(buf, size, "%s", b.data ? b.data : "");
    abuf_done(&b);
}

void tui_fit(char *dst, size_t size, const char *s, int w, bool ascii)
{
    if (!size)
        return;
    int sw = tui_strwidth(s);
    if (sw <= w || w < 4) {
        if (sw <= w) {
            snprintf(dst, size, "%s", s);
            return;
        }
    }
    const char *ell = ascii ? "~" : "\xe2\x80\xa6"; /* one column either way */
    int keep = w - 1;
    if (keep < 1) {
        snprintf(dst, size, "%s", w > 0 ? ell : "");
        return;
    }
    /* the tail says more than the head in scoped names: keep 1/3 head, 2/3 tail */
    int head = keep / 3, tail = keep - head;
    struct abuf b;
    abuf_init(&b);
    const char *p = s;
    int used = 0;
    while (*p) {
        uint32_t cp;
        int n = utf8_next(p, &cp);
        int cw = cp_width(cp);
        if (used + cw > head)
            break;
        abuf_put(&b, p, (size_t)n);
        used += cw;
        p += n;
    }
    abuf_puts(&b, ell);
    /* the shortest suffix of width <= tail, starting after the head */
    const char *best = s + strlen(s);
    int before = 0;
    for (const char *r = s; *r;) {
        uint32_t cp;
        int n = utf8_next(r, &cp);
        if (sw - before <= tail && r >= p) {
            best = r;
            break;
        }
        before += cp_width(cp);
        r += n;
    }
    abuf_puts(&b, best);
    snprintf(dst, size, "%s", b.data ? b.data : "");
    abuf_done(&b);
}

/* ---- word wrapping ----------------------------------------------------- */

int tui_wrap(const char *s, int w, int indent, struct tui_seg *segs, int max)
{
    int n = 0;
    size_t len = strlen(s);
    size_t pos = 0;
    if (w < 8)
        w = 8;
    if (indent > w / 2)
        indent = w / 2;
    while (n < max) {
        int avail = n == 0 ? w : w - indent;
        size_t i = pos, last_space = 0;
        int used = 0;
        while (i < len) {
            uint32_t cp;
            int k = utf8_next(s + i, &cp);
            int cw = cp_width(cp);
            if (used + cw > avail)
                break;
            if (cp == ' ')
                last_space = i;
            used += cw;
            i += (size_t)k;
        }
        size_t end = i;
        if (i < len && s[i] != ' ' && last_space > pos)
            end = last_space; /* break at the last space that fits */
        segs[n].off = pos;
        segs[n].len = end - pos;
        segs[n].x = n == 0 ? 0 : indent;
        n++;
        pos = end;
        while (pos < len && s[pos] == ' ')
            pos++;
        if (pos >= len)
            break;
    }
    if (n == 0) {
        segs[0].off = segs[0].len = 0;
        segs[0].x = 0;
        n = 1;
    }
    return n;
}

int tui_wrap_indent(const char *s)
{
    /* "  label     value": continue under the value; else two past the
     * leading spaces */
    int lead = 0;
    while (s[lead] == ' ')
        lead++;
    const char *p = s + lead;
    while (*p && *p != ' ')
        p++;
    if (p[0] == ' ' && p[1] == ' ') {
        while (*p == ' ')
            p++;
        if (*p)
            return (int)(p - s);
    }
    return lead + 2;
}

void tui_fit_words(char *dst, size_t size, const char *s, int w)
{
    if (tui_strwidth(s) <= w) {
        snprintf(dst, size, "%s", s);
        return;
    }
    struct tui_seg seg;
    tui_wrap(s, w - 3, 0, &seg, 1);
    size_t l = seg.len;
    while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == ',' || s[l - 1] == ':'))
        l--;
    snprintf(dst, size, "%.*s...", (int)l, s);
}
void tui_fit_run(char *dst, size_t size, const char *name, int w, bool ascii)
{
    enum { STAMP = 16 }; /* "-20261122-133312" */
    size_t n = strlen(name);
    bool stamped = n > STAMP && name[n - STAMP] == '-' && name[n - 7] == '-';
    for (size_t i = n - STAMP + 1; stamped && i < n; i++)
        stamped = i == n - 7 || (name[i] >= '0' && name[i] <= '9');
    if (!stamped || tui_strwidth(name) <= w || w < STAMP + 4) {
        tui_fit(dst, size, name, w, ascii);
        return;
    }
    /* the model part keeps its head: "transformer_block" -> "transfo…" */
    const char *ell = ascii ? "~" : "\xe2\x80\xa6";
    int keep = w - STAMP - 1, used = 0;
    struct abuf b;
    abuf_init(&b);
    for (const char *p = name; p < name + n - STAMP;) {
        uint32_t cp;
        int k = utf8_next(p, &cp);
        if (used + cp_width(cp) > keep)
            break;
        abuf_put(&b, p, (size_t)k);
        used += cp_width(cp);
        p += k;
    }
    snprintf(dst, size, "%s%s%s", b.data ? b.data : "", ell, name + n - STAMP);
    abuf_done(&b);
}
