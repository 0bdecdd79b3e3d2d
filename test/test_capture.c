/*
 * test_capture.c -- capture of the process's stdout and stderr
 * (uvlog/capture.h): every line printed by several threads is logged
 * exactly once at its stream's level; a long line is cut; the stderr sink
 * does not feed its own records back; bad input. (Capture in an unmodified
 * program through the preload, and lines printed just before exit():
 * test_preload_capture.c.)
 */
#include <criterion/criterion.h>
#include <pthread.h>

#include "capture.h"
#include "dropin_fixture.h"

#define THREADS 4
#define LINES 500

static capture_t cap;
static uvlog_t *log_;

static void *printer(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < LINES; i++) {
    if (t % 2) fprintf(stderr, "thread %d line %d\n", t, i);
    else printf("thread %d line %d\n", t, i);
  }
  return NULL;
}

static uvlog_t *capture_logger(void) {
  capture_init(&cap);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_TRACE;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  cr_assert_eq(uvlog_logger_create(&log_, &o), 0);
  uvlog_sink_t *s = capture_sink(&cap, UVLOG_LEVEL_TRACE);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%l %f %m"; /* level, the stream's tag, the line */
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log_, s), 0);
  return log_;
}

Test(capture, every_line_once_from_threads, .timeout = 120) {
  uvlog_t *log = capture_logger();
  uvlog_capture_t *c;
  cr_assert_eq(uvlog_capture_start(&c, log, NULL), UVLOG_EBUSY, "the logger is not started");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_capture_start(&c, log, NULL), 0);
  uvlog_capture_t *c2;
  cr_expect_eq(uvlog_capture_start(&c2, log, NULL), UVLOG_EBUSY, "one capture at a time");
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, printer, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  printf("no newline at the end");
  cr_assert_eq(uvlog_capture_stop(c), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  char line[64];
  for (int t = 0; t < THREADS; t++)
    for (int i = 0; i < LINES; i++) {
      snprintf(line, sizeof line, "thread %d line %d\n", t, i); /* TEXT: the message ends the line */
      cr_assert_eq(capture_count(&cap, line), 1, "'thread %d line %d' seen %zu times", t, i,
                   capture_count(&cap, line));
    }
  cr_expect_eq(capture_count(&cap, "no newline at the end\n"), 1);
  cr_expect_eq(capture_count(&cap, "INFO stdout "), THREADS / 2 * LINES + 1, "stdout: INFO, tag");
  cr_expect_eq(capture_count(&cap, "WARNING stderr "), THREADS / 2 * LINES, "stderr: WARNING, tag");
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

Test(capture, bad_input) {
  uvlog_t *log = capture_logger();
  cr_assert_eq(uvlog_logger_start(log), 0);
  uvlog_capture_t *c;
  uvlog_capture_options_t o;
  uvlog_capture_options_init(&o);
  cr_expect_eq(uvlog_capture_start(NULL, log, &o), UVLOG_EINVAL);
  cr_expect_eq(uvlog_capture_start(&c, NULL, &o), UVLOG_EINVAL);
  o.streams = 0;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  o.streams = 4;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  uvlog_capture_options_init(&o);
  o.max_line = 63;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  uvlog_capture_options_init(&o);
  o.stderr_level = UVLOG_LEVEL_OFF;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  uvlog_capture_options_init(&o);
  o.stdout_tag = NULL;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  cr_expect_eq(uvlog_capture_stop(NULL), UVLOG_EINVAL);
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

/* A long line is cut into records of max_line bytes. */
Test(capture, long_line_is_cut) {
  uvlog_t *log = capture_logger();
  cr_assert_eq(uvlog_logger_start(log), 0);
  uvlog_capture_options_t o;
  uvlog_capture_options_init(&o);
  o.streams = UVLOG_CAPTURE_STDOUT;
  o.max_line = 64;
  uvlog_capture_t *c;
  cr_assert_eq(uvlog_capture_start(&c, log, &o), 0);
  for (int i = 0; i < 150; i++) putchar('a' + i % 26);
  putchar('\n');
  cr_assert_eq(uvlog_capture_stop(c), 0);
  cr_expect_eq(cap.entries, 3, "64 + 64 + 22 bytes: %zu records", cap.entries);
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

/* The stderr sink writes the original fd 2 while fd 2 is captured: a line
 * printed once comes out once, not in a loop. The child's fd 2 is a pipe
 * read here. */
Test(capture, stderr_sink_does_not_feed_back, .timeout = 60) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 2);
    close(p[0]);
    close(p[1]);
    uvlog_t *log;
    uvlog_sink_t *s;
    if (uvlog_logger_create(&log, NULL) || uvlog_sink_stderr_create(&s) || uvlog_sink_add(log, s) ||
        uvlog_logger_start(log))
      _exit(2);
    uvlog_capture_t *c;
    if (uvlog_capture_start(&c, log, NULL)) _exit(3);
    fprintf(stderr, "printed once\n");
    usleep(200 * 1000); /* room for a loop to show */
    uvlog_capture_stop(c);
    uvlog_stats_t st;
    uvlog_logger_stats(log, &st);
    uvlog_logger_destroy(log);
    _exit(st.records == 1 ? 0 : 4); /* a loop logs the line again and again */
  }
  close(p[1]);
  char buf[8192];
  size_t len = 0;
  ssize_t k;
  while ((k = read(p[0], buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)k;
  buf[len] = 0;
  close(p[0]);
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d: %s", status, buf);
  size_t lines = 0, hits = 0;
  for (char *q = buf; (q = strchr(q, '\n')) != NULL; q++) lines++;
  for (char *q = buf; (q = strstr(q, "printed once")) != NULL; q++) hits++;
  cr_expect_eq(hits, 1, "the line came out %zu times:\n%s", hits, buf);
  cr_expect_eq(lines, 1, "one record on the real stderr:\n%s", buf);
  size_t warnings = 0;
  for (char *q = buf; (q = strstr(q, "WARNING")) != NULL; q++) warnings++;
  cr_expect_eq(warnings, 1, "one WARNING record, not a record of a record: %s", buf);
}
