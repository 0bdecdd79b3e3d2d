/*
 * test_stderr.c -- the stderr sink (fd 2 redirected to a temp file), colour
 * "auto" resolution (a pseudo-terminal on fd 2, NO_COLOR), and closing a
 * logger from atexit() in a child process.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sink.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static char tmpdir[512];

static void mk_tmp(void) {
  const char *base = getenv("UVLOG_TEST_TMPDIR");
  if (!base || !*base) base = "/tmp";
  mkdir(base, 0700);
  snprintf(tmpdir, sizeof(tmpdir), "%s/uvlog-stderr-XXXXXX", base);
  cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmp(void) {
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
  cr_expect_eq(system(cmd), 0);
}

static size_t slurp(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s", path);
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = 0;
  fclose(f);
  return n;
}

Test(stderr_sink, writes_lines_to_fd2, .init = mk_tmp, .fini = rm_tmp) {
  char path[600];
  snprintf(path, sizeof(path), "%s/err.txt", tmpdir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  cr_assert_geq(fd, 0);
  int saved = dup(2);
  dup2(fd, 2);
  close(fd);

  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  cr_assert_str_eq(uvlog_sink_name(s), "stderr");
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%l|%m";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 300; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "line %d", i), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_ERROR, "two\nlines"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  dup2(saved, 2);
  close(saved);

  static char got[65536], want[65536];
  slurp(path, got, sizeof(got));
  size_t n = 0;
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(want + n, sizeof(want) - n, "INFO|line %d\n", i);
  snprintf(want + n, sizeof(want) - n, "ERROR|two\\nlines\n");
  cr_assert_str_eq(got, want);
}

static int no_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  (void)e;
  (void)n;
  return 0;
}

Test(stderr_sink, colour_auto_follows_the_terminal) {
  int saved = dup(2);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  cr_assert_geq(m, 0);
  cr_assert_eq(grantpt(m), 0);
  cr_assert_eq(unlockpt(m), 0);
  int sl = open(ptsname(m), O_RDWR | O_NOCTTY);
  cr_assert_geq(sl, 0);
  dup2(sl, 2);

  uvlog_sink_t *s;
  unsetenv("NO_COLOR");
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  int tty_colour = s->fmt.color;
  uvlog_sink_destroy(s);
  setenv("NO_COLOR", "", 1); /* empty: does not count */
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  int empty_colour = s->fmt.color;
  uvlog_sink_destroy(s);
  setenv("NO_COLOR", "1", 1);
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  int no_colour = s->fmt.color;
  uvlog_sink_destroy(s);
  unsetenv("NO_COLOR");
  /* Any other sink: auto means off, even on a terminal. */
  static const uvlog_sink_vtable_t vt = {"other", NULL, no_write, NULL, NULL, NULL};
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  int other_colour = s->fmt.color;
  uvlog_sink_destroy(s);

  dup2(saved, 2);
  close(saved);
  close(sl);
  close(m);
  cr_assert_eq(tty_colour, 1, "a TTY and NO_COLOR unset: colour");
  cr_assert_eq(empty_colour, 1);
  cr_assert_eq(no_colour, 0, "NO_COLOR set: no colour");
  cr_assert_eq(other_colour, 0);

  /* Not a TTY (a pipe): no colour. */
  int p[2];
  cr_assert_eq(pipe(p), 0);
  saved = dup(2);
  dup2(p[1], 2);
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  int pipe_colour = s->fmt.color;
  uvlog_sink_destroy(s);
  dup2(saved, 2);
  close(saved);
  close(p[0]);
  close(p[1]);
  cr_assert_eq(pipe_colour, 0);
}

/* ---- close from atexit() ---------------------------------------------------- */

static uvlog_t *exit_log;
static void close_at_exit(void) { uvlog_logger_close(exit_log); }

static int fd_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  int fd = (int)(intptr_t)uvlog_sink_data(s);
  for (size_t i = 0; i < n; i++)
    if (write(fd, e[i].text, e[i].text_len) != (ssize_t)e[i].text_len) return -EIO;
  return 0;
}

Test(lifecycle, close_from_atexit_delivers_everything, .init = mk_tmp, .fini = rm_tmp) {
  char path[600];
  snprintf(path, sizeof(path), "%s/atexit.txt", tmpdir);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) _exit(10);
    static const uvlog_sink_vtable_t vt = {"fd", NULL, fd_write, NULL, NULL, NULL};
    uvlog_sink_t *s;
    uvlog_format_options_t fo;
    uvlog_format_options_init(&fo);
    fo.pattern = "%m";
    if (uvlog_logger_create(&exit_log, NULL) || uvlog_sink_create(&s, &vt, (void *)(intptr_t)fd) ||
        uvlog_sink_set_format(s, &fo) || uvlog_sink_add(exit_log, s) ||
        uvlog_logger_start(exit_log))
      _exit(11);
    atexit(close_at_exit);
    for (int i = 0; i < 5000; i++)
      if (LOG(exit_log, UVLOG_LEVEL_INFO, "r%d", i) != 0) _exit(12);
    exit(0); /* no flush, no close: atexit does it */
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  static char got[100000];
  slurp(path, got, sizeof(got));
  const char *p = got;
  for (int i = 0; i < 5000; i++) {
    char want[32];
    int k = snprintf(want, sizeof(want), "r%d\n", i);
    cr_assert_eq(strncmp(p, want, (size_t)k), 0, "record %d", i);
    p += k;
  }
  cr_assert_eq(*p, 0);
}
