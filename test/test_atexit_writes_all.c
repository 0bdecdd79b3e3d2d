/*
 * test_atexit_writes_all.c -- records accepted before exit() are written by
 * default: a child logs 1,000 records to a file and calls exit(0) without
 * closing; the file has all 1,000. With atexit_close = 0 the logger is left
 * alone. The application's own close (or destroy) before exit stays safe.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define N 1000

static void path_for(char *buf, size_t n, const char *tag) {
  const char *base = getenv("UVLOG_TEST_TMPDIR");
  if (!base) base = "/tmp";
  snprintf(buf, n, "%s/atexit.%s.%d.log", base, tag, (int)getpid());
}

static size_t lines(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = 0;
  int c;
  while ((c = fgetc(f)) != EOF) n += c == '\n';
  fclose(f);
  return n;
}

/* A sink ahead of the file sink that takes 0.3 s per batch (3.3 s when
 * atexit_close is off: ThreadSanitizer sleeps 1 s in exit()), so that the
 * file has surely not been written yet when the child exits. */
static time_t slow_s;

static int slow_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  (void)e;
  (void)n;
  struct timespec ts = {slow_s, 300 * 1000 * 1000};
  nanosleep(&ts, NULL);
  return 0;
}
static const uvlog_sink_vtable_t slow_vt = {"slow", NULL, slow_write, NULL, NULL, NULL};

/* Reachable at exit, so that LeakSanitizer does not call it a leak. */
static uvlog_t *child_log;

/* mode 0: exit without close; 1: atexit_close = 0; 2: close, then exit;
 * 3: destroy, then exit. */
static void child(const char *path, int mode) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  if (mode == 1) o.atexit_close = 0;
  if (mode == 1) slow_s = 3;
  uvlog_t *log;
  uvlog_sink_t *f, *slow;
  if (uvlog_logger_create(&log, &o) || uvlog_sink_create(&slow, &slow_vt, NULL) ||
      uvlog_sink_add(log, slow) || uvlog_sink_file_create(&f, path, NULL) ||
      uvlog_sink_add(log, f) || uvlog_logger_start(log))
    _exit(3);
  child_log = log;
  for (int i = 0; i < N; i++)
    if (LOG(log, UVLOG_LEVEL_INFO, "record %d", i) != 0) _exit(4);
  if (mode == 2) uvlog_logger_close(log);
  if (mode == 3) uvlog_logger_destroy(log);
  exit(0);
}

static size_t run(const char *tag, int mode) {
  char path[1024];
  path_for(path, sizeof path, tag);
  unlink(path);
  fflush(NULL);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) child(path, mode);
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  size_t n = lines(path);
  unlink(path);
  return n;
}

Test(atexit, exit_without_close_writes_every_record, .timeout = 60) {
  cr_assert_eq(run("plain", 0), N);
}

Test(atexit, can_be_turned_off, .timeout = 60) {
  cr_assert_lt(run("off", 1), N, "with atexit_close = 0 the queued records are not written");
}

Test(atexit, after_the_applications_close_or_destroy, .timeout = 60) {
  cr_assert_eq(run("closed", 2), N);
  cr_assert_eq(run("destroyed", 3), N);
}
