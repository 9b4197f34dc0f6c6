/* svg.c: rendering of a laid-out graph through libgvc's renderers (svg, dot,
 * png via cairo, plain) into memory, and the atomic file write. The drawing
 * itself (labels, colours, shapes, legend, title) was fixed when the layout
 * was built (layout_gv.c), so that sizes match what is drawn.
 */
#include "render/svg.h"
#include "render/layout_int.h"

#include <stdlib.h>
#include <string.h>

const char *svg_format_name(enum svg_format f)
{
    static const char *const n[] = {"svg", "dot", "png", "plain"};
    return (unsigned)f <= SVG_FMT_PLAIN ? n[f] : "?";
}

int svg_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "svg"))
        return SVG_FMT_SVG;
    if (!strcmp(name, "dot") || !strcmp(name, "gv"))
        return SVG_FMT_DOT;
    if (!strcmp(name, "png"))
        return SVG_FMT_PNG;
    if (!strcmp(name, "plain"))
        return SVG_FMT_PLAIN;
    return -1;
}

enum status svg_render(lay_layout *L, enum svg_format f, char **data, size_t *len,
                       struct err *e)
{
    *data = NULL;
    *len = 0;
    if ((unsigned)f > SVG_FMT_PLAIN)
        return err_set(e, ST_EINVAL, "unknown picture format %d", (int)f);
    enum status st = lay_compute(L, e);
    if (st != ST_OK)
        return st;
    /* "png" goes through cairo (pango plugin); "dot" keeps the positions */
    return lay_gv_render(L, svg_format_name(f), data, len, e);
}

enum status svg_write_file(lay_layout *L, enum svg_format f, const char *path, struct err *e)
{
    char *data;
    size_t len;
    enum status st = svg_render(L, f, &data, &len, e);
    if (st != ST_OK)
        return st;
    st = util_write_file_atomic(path, data, len, e);
    free(data);
    return st;
}
