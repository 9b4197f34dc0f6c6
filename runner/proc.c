/* proc.c: spawning, watching and stopping the child that runs a model.
 *
 * Invariants: the child is always in its own process group (pid == pgid), so
 * signals go to the whole group it may have started; a proc is reaped exactly
 * once (p->reaped); the parent never blocks except in proc_wait/proc_cancel.
 */
#include "runner/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct proc {
    pid_t pid;
    bool reaped;
    struct proc_status st;
    double t0_ms;
    double timeout_s, grace_s;
    int progress_fd;          /* read end, -1 when closed */
    int tee_fd;               /* read end of the stderr pipe, -1 when none */
    int tee_file;             /* where tee'd stderr is also written, -1 when none */
    char *stdout_path;
    long long stdout_off;     /* bytes of stdout already scanned */
    char *count_prefix;       /* NULL: onednn_verbose | dnnl_verbose */
    char line_head[32];       /* first bytes of the current stdout line */
    size_t line_head_len;
    char pbuf[1024];          /* partial progress line */
    size_t pbuf_len;
    bool tee_stdout;
    char *tee_skip;
    struct abuf out_line, err_line; /* the current line of each tee'd stream */
};

/* Tee'd output reaches the terminal whole lines at a time (a progress bar
 * drawn with \r is cleared first), except the lines tee_skip filters out. */
#define TEE_LINE_MAX 65536
static void tee_show(const proc *p, const char *line, size_t n)
{
    if (p->tee_skip) {
        size_t k = strlen(p->tee_skip);
        for (size_t i = 0; k && i + k <= n; i++)
            if (line[i] == p->tee_skip[0] && !memcmp(line + i, p->tee_skip, k))
                return;
    }
    struct abuf b;
    abuf_init(&b);
    if (isatty(2))
        abuf_puts(&b, "\r\033[K");
    abuf_put(&b, line, n);
    abuf_putc(&b, '\n');
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = write(2, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* nothing sensible to do */
        off += (size_t)w;
    }
    abuf_done(&b);
}

static void tee_bytes(const proc *p, struct abuf *line, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            tee_show(p, line->data ? line->data : "", line->len);
            line->len = 0;
        } else if (line->len < TEE_LINE_MAX) {
            abuf_putc(line, buf[i]);
        }
    }
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Child side: never returns. */
static _Noreturn void child_main(const struct proc_spec *s, int out_fd, int err_fd, int prog_w,
                                 pid_t parent)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(126);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (out_fd > 2)
        close(out_fd);
    if (err_fd > 2 && err_fd != out_fd)
        close(err_fd);
    if (s->cwd && chdir(s->cwd) != 0) {
        dprintf(2, "ampscope: cannot enter %s: %s\n", s->cwd, strerror(errno));
        _exit(126);
    }
    if (s->unset_env)
        for (const char *const *u = s->unset_env; *u; u++)
            unsetenv(*u);
    if (s->env)
        for (const char *const *v = s->env; *v; v++) {
            const char *eq = strchr(*v, '=');
            if (!eq)
                continue;
            char name[256];
            size_t n = (size_t)(eq - *v);
            if (n == 0 || n >= sizeof name)
                continue;
            memcpy(name, *v, n);
            name[n] = 0;
            setenv(name, eq + 1, 1);
        }
    char fdbuf[16];
    snprintf(fdbuf, sizeof fdbuf, "%d", prog_w);
    setenv(PROC_PROGRESS_ENV, fdbuf, 1);
    if (s->fn) {
        int rc = s->fn(s->ctx, prog_w);
        fflush(stdout);
        fflush(stderr);
        _exit(rc & 0xff);
    }
    /* exec child: the progress fd must survive exec */
    fcntl(prog_w, F_SETFD, 0);
    execvp(s->argv[0], (char *const *)s->argv);
    dprintf(2, "ampscope: cannot run %s: %s\n", s->argv[0], strerror(errno));
    _exit(127);
}

proc *proc_start(const struct proc_spec *s, struct err *e)
{
    if (!s || (!s->fn && (!s->argv || !s->argv[0]))) {
        err_set(e, ST_EINVAL, "internal: proc_start needs a command or a function");
        return NULL;
    }
    int out_fd = -1, err_fd = -1, prog[2] = {-1, -1}, tee[2] = {-1, -1}, tee_file = -1;
    const char *outp = s->stdout_path ? s->stdout_path : "/dev/null";
    out_fd = open(outp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd < 0) {
        err_set(e, ST_EIO, "cannot open %s for the child's output: %s", outp, strerror(errno));
        return NULL;
    }
    if (s->stderr_path) {
        err_fd = open(s->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (err_fd < 0) {
            err_set(e, ST_EIO, "cannot open %s for the child's errors: %s", s->stderr_path,
                    strerror(errno));
            close(out_fd);
            return NULL;
        }
    } else {
        err_fd = out_fd;
    }
    if (s->tee_stderr) {
        if (pipe(tee) != 0) {
            err_set(e, ST_EIO, "pipe: %s", strerror(errno));
            goto fail;
        }
        tee_file = err_fd;
    }
    if (pipe(prog) != 0) {
        err_set(e, ST_EIO, "pipe: %s", strerror(errno));
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        err_set(e, ST_ERUNTIME, "cannot start a child process: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0) {
        close(prog[0]);
        if (tee[0] >= 0)
            close(tee[0]);
        child_main(s, out_fd, tee[1] >= 0 ? tee[1] : err_fd, prog[1], parent);
    }
    setpgid(pid, pid); /* also in the child; whichever runs first wins */
    close(prog[1]);
    if (tee[1] >= 0)
        close(tee[1]);
    proc *p = xcalloc(1, sizeof *p);
    p->pid = pid;
    p->t0_ms = util_now_ms();
    p->timeout_s = s->timeout_s;
    p->grace_s = s->grace_s > 0 ? s->grace_s : 3.0;
    p->progress_fd = prog[0];
    set_nonblock_cloexec(p->progress_fd);
    p->tee_fd = tee[0];
    if (p->tee_fd >= 0)
        set_nonblock_cloexec(p->tee_fd);
    p->tee_file = tee_file;
    if (tee_file < 0 && err_fd != out_fd)
        close(err_fd);
    close(out_fd);
    if (tee_file >= 0 && tee_file == out_fd) {
        /* stderr shares the stdout file: reopen it for the tee (out_fd is closed) */
        p->tee_file = open(outp, O_WRONLY | O_APPEND | O_CLOEXEC);
    }
    p->stdout_path = s->stdout_path ? xstrdup(s->stdout_path) : NULL;
    p->count_prefix = s->count_prefix ? xstrdup(s->count_prefix) : NULL;
    p->tee_stdout = s->tee_stdout && s->stdout_path;
    p->tee_skip = s->tee_skip ? xstrdup(s->tee_skip) : NULL;
    abuf_init(&p->out_line);
    abuf_init(&p->err_line);
    p->st.state = PROC_RUNNING;
    return p;

fail:
    if (prog[0] >= 0) {
        close(prog[0]);
        close(prog[1]);
    }
    if (tee[0] >= 0) {
        close(tee[0]);
        close(tee[1]);
    }
    if (err_fd >= 0 && err_fd != out_fd)
        close(err_fd);
    close(out_fd);
    return NULL;
}

pid_t proc_pid(const proc *p)
{
    return p ? p->pid : -1;
}

static void progress_line(proc *p, char *line)
{
    if (!strncmp(line, "phase ", 6)) {
        string_copy(p->st.phase, line + 6);
    } else if (!strncmp(line, "iter ", 5)) {
        int a = 0, b = 0;
        if (sscanf(line + 5, "%d %d", &a, &b) == 2) {
            p->st.iter_done = a;
            p->st.iter_total = b;
        }
    } else if (!strncmp(line, "note ", 5)) {
        string_copy(p->st.note, line + 5);
    }
}

static void pump_progress(proc *p)
{
    if (p->progress_fd < 0)
        return;
    for (;;) {
        char buf[512];
        ssize_t n = read(p->progress_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0) {
                close(p->progress_fd);
                p->progress_fd = -1;
            }
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                p->pbuf[p->pbuf_len] = 0;
                progress_line(p, p->pbuf);
                p->pbuf_len = 0;
            } else if (p->pbuf_len + 1 < sizeof p->pbuf) {
                p->pbuf[p->pbuf_len++] = buf[i];
            }
        }
    }
}

static void pump_tee(proc *p)
{
    if (p->tee_fd < 0)
        return;
    for (;;) {
        char buf[4096];
        ssize_t n = read(p->tee_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0) {
                close(p->tee_fd);
                p->tee_fd = -1;
            }
            return;
        }
        if (p->tee_file >= 0 && write(p->tee_file, buf, (size_t)n) < 0) {
            /* the run directory went away: keep showing it on the terminal */
        }
        tee_bytes(p, &p->err_line, buf, (size_t)n);
    }
}

static bool head_matches(const proc *p)
{
    const char *h = p->line_head;
    size_t n = p->line_head_len;
    if (p->count_prefix) {
        size_t k = strlen(p->count_prefix);
        return n >= k && !memcmp(h, p->count_prefix, k);
    }
    return (n >= 14 && !memcmp(h, "onednn_verbose", 14)) || (n >= 12 && !memcmp(h, "dnnl_verbose", 12));
}

static void count_lines(proc *p)
{
    if (!p->stdout_path)
        return;
    int fd = open(p->stdout_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[65536];
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, (off_t)p->stdout_off);
        if (n <= 0)
            break;
        p->stdout_off += n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                if (head_matches(p))
                    p->st.lines++;
                else if (p->tee_stdout)
                    tee_show(p, p->out_line.data ? p->out_line.data : "", p->out_line.len);
                p->line_head_len = 0;
                p->out_line.len = 0;
            } else {
                if (p->line_head_len < sizeof p->line_head)
                    p->line_head[p->line_head_len++] = buf[i];
                if (p->tee_stdout && p->out_line.len < TEE_LINE_MAX)
                    abuf_putc(&p->out_line, buf[i]);
            }
        }
    }
    close(fd);
}

static void kill_group(proc *p, int sig)
{
    if (kill(-p->pid, sig) != 0)
        kill(p->pid, sig);
}

static bool try_reap(proc *p, int flags)
{
    if (p->reaped)
        return true;
    int wst = 0;
    pid_t r;
    do
        r = waitpid(p->pid, &wst, flags);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return false;
    p->reaped = true;
    if (r < 0)
        return true; /* not our child any more; treat as gone */
    if (p->st.state == PROC_RUNNING) {
        if (WIFEXITED(wst)) {
            p->st.state = PROC_EXITED;
            p->st.exit_code = WEXITSTATUS(wst);
        } else if (WIFSIGNALED(wst)) {
            p->st.state = PROC_SIGNALED;
            p->st.signal = WTERMSIG(wst);
        }
    }
    /* the child is gone but may have left children in its group */
    kill(-p->pid, SIGKILL);
    return true;
}

/* SIGTERM, wait grace, SIGKILL, reap; `why` is the state to report. */
static void stop(proc *p, enum proc_state why)
{
    if (p->reaped)
        return;
    p->st.state = why;
    kill_group(p, SIGTERM);
    double until = util_now_ms() + p->grace_s * 1000.0;
    while (util_now_ms() < until) {
        pump_tee(p);
        pump_progress(p);
        if (try_reap(p, WNOHANG))
            return;
        sleep_ms(10);
    }
    kill_group(p, SIGKILL);
    try_reap(p, 0);
}

void proc_poll(proc *p, struct proc_status *st)
{
    if (!p->reaped) {
        pump_tee(p);
        pump_progress(p);
        try_reap(p, WNOHANG);
        if (!p->reaped && p->timeout_s > 0 &&
            util_now_ms() - p->t0_ms > p->timeout_s * 1000.0)
            stop(p, PROC_TIMEOUT);
        if (p->reaped) { /* drain what the child left in the pipes */
            pump_tee(p);
            pump_progress(p);
        }
        p->st.elapsed_s = (util_now_ms() - p->t0_ms) / 1000.0;
    }
    count_lines(p);
    if (st)
        *st = p->st;
}

void proc_wait(proc *p, struct proc_status *st)
{
    for (;;) {
        proc_poll(p, st);
        if (p->reaped)
            break;
        sleep_ms(20);
    }
    proc_poll(p, st);
}

void proc_cancel(proc *p)
{
    if (!p || p->reaped)
        return;
    stop(p, PROC_CANCELLED);
    p->st.elapsed_s = (util_now_ms() - p->t0_ms) / 1000.0;
}

void proc_free(proc *p)
{
    if (!p)
        return;
    if (!p->reaped) {
        p->grace_s = 0.5;
        stop(p, PROC_CANCELLED);
    }
    if (p->progress_fd >= 0)
        close(p->progress_fd);
    if (p->tee_fd >= 0)
        close(p->tee_fd);
    if (p->tee_file >= 0)
        close(p->tee_file);
    if (p->err_line.len) /* a last line without its newline */
        tee_show(p, p->err_line.data, p->err_line.len);
    if (p->tee_stdout && p->out_line.len && !head_matches(p))
        tee_show(p, p->out_line.data, p->out_line.len);
    abuf_done(&p->out_line);
    abuf_done(&p->err_line);
    free(p->stdout_path);
    free(p->count_prefix);
    free(p->tee_skip);
    free(p);
}

void proc_progress(int fd, const char *fmt, ...)
{
    if (fd < 0)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    ssize_t w;
    do
        w = write(fd, buf, (size_t)n);
    while (w < 0 && errno == EINTR);
}

void proc_status_str(const struct proc_status *st, char *buf, size_t size)
{
    switch (st->state) {
    case PROC_RUNNING:
        snprintf(buf, size, "running");
        break;
    case PROC_EXITED:
        snprintf(buf, size, "exit %d", st->exit_code);
        break;
    case PROC_SIGNALED:
        snprintf(buf, size, "killed by signal %d (%s)", st->signal, strsignal(st->signal));
        break;
    case PROC_TIMEOUT:
        snprintf(buf, size, "timed out after %.0f s", st->elapsed_s);
        break;
    case PROC_CANCELLED:
        snprintf(buf, size, "cancelled");
        break;
    }
}
