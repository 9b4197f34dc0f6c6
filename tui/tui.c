/* tui.c: the terminal side: tui_main sets up curses (ncursesw), colours
 * (none with NO_COLOR or on a monochrome terminal, attributes instead), the
 * loop (keys or a script, rerun polling, resize), the copy of the canvas onto
 * the screen, and the teardown that restores the terminal on every way out:
 * normal return, die()/OOM (the util die hook) and fatal signals.
 *
 * Headless scripted mode (tests, tig's TIG_SCRIPT/TIG_NO_DISPLAY):
 *   AMPSCOPE_SCRIPT=file      keys come from file: key names separated by
 *                             spaces ("j j Enter", "C-l", "Esc") or whole
 *                             lines ":command"; '#' starts a comment. A key is
 *                             taken only when no rerun is pending. The script's
 *                             end quits.
 *   AMPSCOPE_NO_DISPLAY=1     curses on /dev/null (no terminal needed), size
 *                             from COLUMNS/LINES (default 80x24); use
 *                             ":save-display FILE" to dump the screen.
 */
#include "tui/tui.h"
#include "tui/tui_int.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h> /* a sanitizer report ends the process: restore first */
#define HAVE_SAN_DEATH_CALLBACK 1
#endif

static SCREEN *screen;
static FILE *null_in, *null_out;
static volatile sig_atomic_t curses_on;
static volatile sig_atomic_t stop_requested;
static bool use_color;
static bool mono;

static void term_restore(void)
{
    if (curses_on) {
        curses_on = 0;
        endwin();
    }
}

static void on_fatal(int sig)
{
    term_restore(); /* not async-signal-safe in general; what every curses tool does */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
    sa.sa_handler = on_stop;
    sa.sa_flags = 0;
    int stops[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        sigaction(stops[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void restore_signals(void)
{
    int all[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGHUP, SIGINT, SIGQUIT};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        signal(all[i], SIG_DFL);
}

/* ---- colours ------------------------------------------------------------- */

static const struct {
    short fg, bg;
} pair_def[] = {
#define X(name, fg, bg) {fg, bg},
    TUI_COLORS(X)
#undef X
};

static void colors_init(void)
{
    const char *nc = getenv("NO_COLOR");
    use_color = !(nc && *nc) && has_colors();
    mono = !use_color;
    if (!use_color)
        return;
    start_color();
    use_default_colors();
    for (int i = 1; i < C__COUNT && i < COLOR_PAIRS; i++) {
        short fg = pair_def[i].fg, bg = pair_def[i].bg;
        if (fg >= COLORS)
            fg = COLOR_WHITE; /* grey on 8-colour terminals: white, dimmed below */
        if (bg >= COLORS)
            bg = -1;
        init_pair((short)i, fg, bg);
    }
}

static attr_t cell_attr(unsigned a, short *pair)
{
    unsigned col = a & 0xFF;
    attr_t at = A_NORMAL;
    if (a & A_BOLD_)
        at |= A_BOLD;
    if (a & A_REV_)
        at |= A_REVERSE;
    if (a & A_UNDER_)
        at |= A_UNDERLINE;
    *pair = 0;
    if (use_color) {
        *pair = (short)col;
        if (col == C_NONE && COLORS < 9)
            at |= A_DIM;
    } else {
        /* monochrome: what the colour said, in attributes */
        switch (col) {
        case C_BF16: at |= A_BOLD; break;
        case C_CAST: at |= A_BOLD | A_UNDERLINE; break;
        case C_NONE: at |= A_DIM; break;
        case C_TITLE:
        case C_TAB:
        case C_STATUS: at |= A_REVERSE; break;
        case C_ERROR:
        case C_PREDICTED: at |= A_BOLD; break;
        default: break;
        }
        if (col == C_TITLE && (a & A_BOLD_))
            at = (at & ~A_REVERSE) | A_BOLD; /* the active tab stands out */
    }
    return at;
}

static void blit(const struct tui_canvas *c)
{
    for (int y = 0; y < c->h && y < LINES; y++) {
        for (int x = 0; x < c->w && x < COLS; x++) {
            const struct tui_cell *cell = &c->cells[y * c->w + x];
            if (!cell->ch)
                continue; /* right half of a wide character */
            if (y == LINES - 1 && x == COLS - 1)
                continue; /* writing the last cell scrolls some terminals */
            short pair;
            attr_t at = cell_attr(cell->attr, &pair);
            wchar_t wc[2] = {(wchar_t)cell->ch, 0};
            cchar_t cc;
            setcchar(&cc, wc, at, pair, NULL);
            mvadd_wch(y, x, &cc);
        }
    }
}

/* ---- script --------------------------------------------------------------- */

struct script {
    FILE *f;
    char line[1024];
    char *next;     /* next token in line, NULL = read a line */
    long line_no;
    bool eof;
    char error[256];
};

/* Returns 1 with *key, 2 with a command in cmd, 0 at the end, -1 on error. */
static int script_next(struct script *s, int *key, char *cmd, size_t size)
{
    for (;;) {
        if (!s->next) {
            if (!fgets(s->line, sizeof s->line, s->f)) {
                s->eof = true;
                return 0;
            }
            s->line_no++;
            s->line[strcspn(s->line, "\r\n")] = 0;
            char *t = s->line + strspn(s->line, " \t");
            if (*t == '#' || !*t)
                continue;
            if (*t == ':') {
                snprintf(cmd, size, "%s", t + 1);
                return 2;
            }
            s->next = t;
        }
        char *t = s->next + strspn(s->next, " \t");
        if (!*t) {
            s->next = NULL;
            continue;
        }
        size_t n = strcspn(t, " \t");
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(n < sizeof tok ? n : sizeof tok - 1), t);
        s->next = t + n;
        int k = tui_key_parse(tok);
        if (k < 0) {
            snprintf(s->error, sizeof s->error, "line %ld: unknown key name '%s' (see docs/tui.md)",
                     s->line_no, tok);
            return -1;
        }
        *key = k;
        return 1;
    }
}

/* ---- main --------------------------------------------------------------- */

bool tui_scripted(void)
{
    const char *nd = getenv("AMPSCOPE_NO_DISPLAY");
    return nd && *nd && strcmp(nd, "0");
}

static void screen_size(bool headless, int *w, int *h)
{
    if (!headless) {
        *w = COLS;
        *h = LINES;
        return;
    }
    const char *c = getenv("COLUMNS"), *l = getenv("LINES");
    *w = c && atoi(c) >= 20 ? atoi(c) : 80;
    *h = l && atoi(l) >= 6 ? atoi(l) : 24;
}

static void draw(struct tui_app *a, bool headless)
{
    tui_app_draw(a);
    if (headless)
        return; /* the canvas is the screen; :save-display dumps it */
    erase();
    blit(&a->cv);
    if (a->prompt_kind) {
        curs_set(1);
        move(a->cv.h - 1, (int)strlen(a->prompt) + 1 < COLS ? (int)strlen(a->prompt) + 1 : COLS - 1);
    } else {
        curs_set(0);
    }
    refresh();
}

int tui_main(const struct tui_opts *o)
{
    setlocale(LC_ALL, "");
    const char *nd = getenv("AMPSCOPE_NO_DISPLAY");
    bool headless = nd && *nd && strcmp(nd, "0");
    const char *script_path = getenv("AMPSCOPE_SCRIPT");
    struct script sc = {0};
    if (script_path && *script_path) {
        sc.f = fopen(script_path, "r");
        if (!sc.f) {
            fprintf(stderr, "ampscope: cannot read AMPSCOPE_SCRIPT %s: %s\n", script_path, strerror(errno));
            return 2;
        }
    }
    if (!headless && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "ampscope: the interactive view needs a terminal (use --no-tui for the report)\n");
        if (sc.f)
            fclose(sc.f);
        return 2;
    }
    /* load before curses, so errors print normally */
    struct tui_app *a = xcalloc(1, sizeof *a);
    struct err e = {0};
    int w = 80, h = 24;
    if (headless)
        screen_size(true, &w, &h);
    if (tui_app_init(a, o, w, h, &e) != ST_OK) {
        char b[700];
        err_format(&e, b, sizeof b);
        fprintf(stderr, "ampscope: %s\n", b);
        free(a);
        if (sc.f)
            fclose(sc.f);
        return 2;
    }
    a->headless = headless;
    util_set_die_hook(term_restore);
#ifdef HAVE_SAN_DEATH_CALLBACK
    __sanitizer_set_death_callback(term_restore);
#endif
    install_signals();
    if (headless) {
        null_in = fopen("/dev/null", "r");
        null_out = fopen("/dev/null", "w");
        const char *term = getenv("TERM");
        screen = newterm(term && *term ? NULL : "dumb", null_out, null_in);
        if (!screen)
            screen = newterm("dumb", null_out, null_in);
    } else {
        screen = newterm(NULL, stdout, stdin);
    }
    if (!screen) {
        fprintf(stderr, "ampscope: this terminal (TERM=%s) cannot be used by curses\n",
                getenv("TERM") ? getenv("TERM") : "");
        tui_app_done(a);
        free(a);
        restore_signals();
        return 2;
    }
    curses_on = 1;
    raw(); /* C-c and C-z arrive as keys: C-c cancels a rerun or quits cleanly */
    noecho();
    keypad(stdscr, TRUE);
    nonl();
    set_escdelay(25);
    colors_init();
    if (!headless) {
        screen_size(false, &w, &h);
        tui_app_resize(a, w, h);
    }
    int rc = 0;
    bool quit = false, dirty = true;
    while (!quit) {
        if (stop_requested) {
            if (tui_rerun_active(a))
                tui_app_act(a, tui_rerun_cancel(a));
            break;
        }
        if (dirty) {
            draw(a, headless);
            dirty = false;
        }
        if (tui_rerun_active(a)) {
            unsigned f = tui_rerun_poll(a);
            if (f) {
                if (f & ~(unsigned)TR_REDRAW)
                    tui_app_act(a, f);
                dirty = true;
            }
        }
        int key = ERR;
        char cmd[1024];
        unsigned f = 0;
        if (sc.f) {
            if (tui_rerun_active(a)) { /* idle gate: keys wait for the loader */
                napms(20);
                continue;
            }
            int k = script_next(&sc, &key, cmd, sizeof cmd);
            if (k == 0)
                break;
            if (k < 0) {
                rc = 2;
                break;
            }
            if (k == 2)
                f = tui_app_command(a, cmd);
            else
                f = tui_app_key(a, key);
        } else {
            timeout(tui_rerun_active(a) ? 100 : 250);
            key = getch();
            if (key == ERR)
                continue;
            if (key == KEY_RESIZE) {
                screen_size(false, &w, &h);
                tui_app_resize(a, w, h);
            }
            f = tui_app_key(a, key);
        }
        if (f & 0x1000) { /* :resize from a script */
            if (!headless)
                resizeterm(a->cv.h, a->cv.w);
        }
        if (f & TR_QUIT)
            quit = true;
        if (f)
            dirty = true;
        if (f & TR_REDRAW && !headless && a->depth && key == 12)
            clearok(curscr, TRUE);
    }
    term_restore();
    delscreen(screen);
    screen = NULL;
    if (null_in)
        fclose(null_in);
    if (null_out)
        fclose(null_out);
    null_in = null_out = NULL;
    restore_signals();
    util_set_die_hook(NULL);
    if (sc.f) {
        if (sc.error[0]) {
            fprintf(stderr, "ampscope: AMPSCOPE_SCRIPT %s: %s\n", script_path, sc.error);
            rc = 2;
        }
        fclose(sc.f);
    }
    bool interrupted = a->interrupted;
    tui_app_done(a);
    free(a);
    if ((stop_requested || interrupted) && rc == 0)
        rc = 130;
    return rc;
}
