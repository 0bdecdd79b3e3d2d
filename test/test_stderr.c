/*
 * test_stderr.c -- the stderr sink (fd 2 redirected to a temp file), colour
 * "auto" resolution (a pseudo-terminal on fd 2, NO_COLOR), and the process
 * side of the lifecycle: close from atexit(), a logger in a forked child.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sink.h"
#include "uvlog.h"

#if defined(__SANITIZE_THREAD__)
#define TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_UNDER_TSAN 1
#endif
#endif

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

Test(stderr_sink, write_errors_are_counted) {
  int ro = open("/dev/null", O_RDONLY); /* writing to it fails: EBADF */
  cr_assert_geq(ro, 0);
  int saved = dup(2);
  dup2(ro, 2);
  close(ro);
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 10; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "lost %d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), -EBADF, "the flush reports the loss");
  uvlog_sink_stats_t ss;
  cr_assert_eq(uvlog_sink_stats(s, &ss), 0);
  dup2(saved, 2);
  close(saved);
  cr_assert_eq(ss.written, 10);
  cr_assert_eq(ss.dropped, 10, "every record is reported lost");
  cr_assert_geq(ss.errors, 1);
  cr_assert_eq(ss.last_error, -EBADF);
  uvlog_logger_destroy(log);
}

/* Opens a pseudo-terminal; returns the slave fd (master in *m), or -1 where
 * the machine has none (a container without /dev/pts). */
static int open_pty(int *m) {
  *m = posix_openpt(O_RDWR | O_NOCTTY);
  if (*m < 0) return -1;
  const char *name = grantpt(*m) == 0 && unlockpt(*m) == 0 ? ptsname(*m) : NULL;
  int sl = name ? open(name, O_RDWR | O_NOCTTY) : -1;
  if (sl < 0) close(*m);
  return sl;
}

/* The colour a new stderr sink resolves "auto" to, with fd 2 = `fd`. */
static int stderr_colour_on(int fd) {
  int saved = dup(2);
  dup2(fd, 2);
  uvlog_sink_t *s;
  int rc = uvlog_sink_stderr_create(&s);
  dup2(saved, 2);
  close(saved);
  cr_assert_eq(rc, 0);
  int colour = s->fmt.color;
  uvlog_sink_destroy(s);
  return colour;
}

Test(stderr_sink, colour_auto_follows_the_terminal) {
  /* Not a TTY (a pipe): no colour. */
  int p[2];
  cr_assert_eq(pipe(p), 0);
  unsetenv("NO_COLOR");
  cr_assert_eq(stderr_colour_on(p[1]), 0, "a pipe: no colour");
  close(p[0]);
  close(p[1]);

  int m, sl = open_pty(&m);
  if (sl < 0) {
    cr_log_info("no pseudo-terminal here: the TTY half is skipped");
    return;
  }
  cr_assert_eq(stderr_colour_on(sl), 1, "a TTY and NO_COLOR unset: colour");
  setenv("NO_COLOR", "", 1);
  cr_assert_eq(stderr_colour_on(sl), 1, "NO_COLOR empty does not count");
  setenv("NO_COLOR", "1", 1);
  cr_assert_eq(stderr_colour_on(sl), 0, "NO_COLOR set: no colour");
  unsetenv("NO_COLOR");

  /* Any other sink: auto means off, even with a terminal on fd 2. */
  int saved = dup(2);
  dup2(sl, 2);
  static const uvlog_sink_vtable_t vt = {"other", NULL, no_write, NULL, NULL, NULL};
  uvlog_sink_t *s;
  int rc = uvlog_sink_create(&s, &vt, NULL);
  dup2(saved, 2);
  close(saved);
  cr_assert_eq(rc, 0);
  cr_assert_eq(s->fmt.color, 0, "only the stderr sink resolves auto to on");
  uvlog_sink_destroy(s);
  close(sl);
  close(m);
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

/* A forked child has no listener: its close (and atexit) must not hang, its
 * block-mode calls must not wait, and the parent's logger goes on. */
static int count_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)e;
  *(size_t *)uvlog_sink_data(s) += n;
  return 0;
}

Test(lifecycle, forked_child_does_not_hang, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {"count", NULL, count_write, NULL, NULL, NULL};
  size_t written = 0;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, &written), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  exit_log = log;
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    atexit(close_at_exit);
    /* No listener in the child: a call must refuse (never "accept" a record
     * nobody will write, never wait for space). */
    for (int i = 0; i < 500; i++)
      if (LOG(log, UVLOG_LEVEL_INFO, "child %d", i) != UVLOG_ECLOSED) _exit(20);
    if (uvlog_logger_close(log) != 0) _exit(21);
    if (LOG(log, UVLOG_LEVEL_INFO, "closed") != UVLOG_ECLOSED) _exit(22);
    exit(0);
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  for (int i = 0; i < 1000; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "parent %d", i), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(written, 1000);
  uvlog_logger_destroy(log);
}

/* Drop mode: the child's calls are refused too (UVLOG_ECLOSED), not
 * accepted into a ring nobody drains; a logger the child starts itself
 * works. */
Test(lifecycle, forked_child_refuses_records_it_cannot_write, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {"count", NULL, count_write, NULL, NULL, NULL};
  size_t written = 0;
  uvlog_t *log, *unstarted;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, &written), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_create(&unstarted, NULL), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    if (LOG(log, UVLOG_LEVEL_INFO, "child") != UVLOG_ECLOSED) _exit(40);
    if (UVLOG_INFO_TO(log, "child deferred %d", 1) != UVLOG_ECLOSED) _exit(41);
#ifndef TEST_UNDER_TSAN /* TSan cannot start threads after a multi-threaded fork */
    size_t cw = 0;
    uvlog_sink_t *cs;
    if (uvlog_sink_create(&cs, &vt, &cw) || uvlog_sink_add(unstarted, cs)) _exit(42);
    if (uvlog_logger_start(unstarted) != 0) _exit(43);
    if (LOG(unstarted, UVLOG_LEVEL_INFO, "child's own") != 0) _exit(44);
    if (uvlog_logger_close(unstarted) != 0 || cw != 1) _exit(45);
#endif
    _exit(0);
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "parent"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(written, 1);
  uvlog_logger_destroy(unstarted);
  uvlog_logger_destroy(log);
}

/* A forked child's flush has no listener to wait for: it must fail at once
 * with UVLOG_ECLOSED, not wait out its timeout (or hang for ever with a
 * negative one) on a barrier nobody in this process will ever complete. */
Test(lifecycle, forked_child_flush_does_not_wait, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {"count", NULL, count_write, NULL, NULL, NULL};
  size_t written = 0;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, &written), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "before fork"), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    int rc = uvlog_logger_flush(log, 1000);
    if (rc != UVLOG_ECLOSED) _exit(rc == UVLOG_ETIMEDOUT ? 30 : 31);
    if (uvlog_logger_close(log) != 0) _exit(32);
    _exit(0);
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "after fork"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(written, 2);
  uvlog_logger_destroy(log);
}

/* A child forked while another thread of the parent is starting (or closing)
 * the logger: the state it inherited will never change in the child (the
 * threads that would change it are the parent's), so its close must not wait
 * for that. The sink's open() holds the parent in LOG_STARTING until the
 * child has exited. */
static int gate_fd[2];
static atomic_int gate_entered;

static int gated_open(uvlog_sink_t *s, void *loop) {
  (void)s;
  (void)loop;
  atomic_store(&gate_entered, 1);
  char c;
  ssize_t r;
  do r = read(gate_fd[0], &c, 1);
  while (r < 0 && errno == EINTR);
  return 0;
}

static void *start_thread(void *p) {
  return (void *)(intptr_t)uvlog_logger_start(p);
}

Test(lifecycle, child_forked_while_starting_closes_without_waiting, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {"gated", gated_open, count_write, NULL, NULL, NULL};
  size_t written = 0;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(pipe(gate_fd), 0);
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, &written), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, start_thread, log), 0);
  while (!atomic_load(&gate_entered)) sched_yield(); /* the logger is starting */
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    alarm(10); /* a watchdog: a hang kills the child (SIGALRM), not the suite */
    if (uvlog_logger_close(log) != 0) _exit(40);
    if (LOG(log, UVLOG_LEVEL_INFO, "closed") != UVLOG_ECLOSED) _exit(41);
    _exit(0);
  }
  int st;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert_eq(write(gate_fd[1], "x", 1), 1);
  void *rc;
  pthread_join(th, &rc);
  cr_assert_eq((intptr_t)rc, 0);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "parent"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(written, 1);
  uvlog_logger_destroy(log);
  close(gate_fd[0]);
  close(gate_fd[1]);
}
