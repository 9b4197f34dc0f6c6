/* logs_cap.h: a verbose reader whose sink captures events and other lines,
 * shared by the log-reader test suites (include after cmocka.h).
 */
#ifndef AMPSCOPE_TESTS_LOGS_CAP_H
#define AMPSCOPE_TESTS_LOGS_CAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "logs/verbose.h"

/* Events and other lines captured from a reader. */
#define CAP_MAX 64
struct cap {
    int n, nother;
    struct vb_event ev[CAP_MAX];
    char other[CAP_MAX][128];
    double time_sum;
};

static inline int cap_event(void *c, const struct vb_event *ev)
{
    struct cap *k = c;
    if (k->n < CAP_MAX)
        k->ev[k->n] = *ev;
    k->n++;
    if (!isnan(ev->time_ms))
        k->time_sum += ev->time_ms;
    return 0;
}

static inline int cap_other(void *c, const char *line, size_t len, long line_no)
{
    (void)line_no;
    struct cap *k = c;
    if (k->nother < CAP_MAX)
        snprintf(k->other[k->nother], sizeof k->other[0], "%.*s", (int)(len > 120 ? 120 : len), line);
    k->nother++;
    return 0;
}

static inline vb_reader *cap_reader(struct cap *c)
{
    memset(c, 0, sizeof *c);
    struct vb_sink s = {c, cap_event, cap_other};
    return vb_reader_new(&s);
}

static inline void feed_str(vb_reader *r, const char *s)
{
    assert_int_equal(vb_reader_feed(r, s, strlen(s)), ST_OK);
}

#endif
