/* tui: the ncurses interface over a run (or a model's prediction). The only
 * module that includes curses. Entered from `ampscope run` (on a terminal)
 * and `ampscope open RUN_DIR`.
 */
#ifndef AMPSCOPE_TUI_TUI_H
#define AMPSCOPE_TUI_TUI_H

#include <stdbool.h>

struct tui_opts {
    const char *run_dir;     /* run to open (NULL: model-only prediction) */
    const char *model_path;  /* model to show when there is no run */
    const char *tf_version;  /* painter lists version, NULL = run's / newest */
    const char *backend;     /* for reruns: "embedded" | "tf" */
};

/* Runs the interface until the user quits. Returns a process exit code
 * (0 ok, 2 when the terminal cannot be used or the run cannot be read). */
int tui_main(const struct tui_opts *o);

/* True when AMPSCOPE_NO_DISPLAY is set (headless scripted mode, docs/tui.md):
 * callers enter tui_main even when stdin/stdout are not terminals. */
bool tui_scripted(void);

#endif
