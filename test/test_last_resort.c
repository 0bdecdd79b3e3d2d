/*
 * test_last_resort.c -- with no logger (log == NULL), WARNING and above are
 * written to stderr directly, one line each, and the call returns
 * UVLOG_ENOLOGGER; below WARNING nothing is written (uvlog.h, docs/api.md).
 * Holds for the function forms, the deferred macros and the preformatting
 * macros alike.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uvlog.h"

/* Runs fn with fd 2 sent to a temporary file; returns what it wrote. */
static char *stderr_of(void (*fn)(void)) {
  char path[] = "/tmp/uvlog-last-resort-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  unlink(path);
  int saved = dup(2);
  cr_assert_geq(saved, 0);
  cr_assert_eq(dup2(fd, 2), 2);
  fn();
  cr_assert_eq(dup2(saved, 2), 2);
  close(saved);
  off_t n = lseek(fd, 0, SEEK_END);
  char *out = calloc(1, (size_t)n + 1);
  cr_assert_eq(pread(fd, out, (size_t)n, 0), n);
  close(fd);
  return out;
}

static int rc_info, rc_warn, rc_err, rc_text, rc_deferred, rc_pre, rc_deferred_info;

static void log_without_logger(void) {
  rc_info = uvlog_log(NULL, UVLOG_LEVEL_INFO, "a.c", 1, "f", "quiet %d", 1);
  rc_warn = uvlog_log(NULL, UVLOG_LEVEL_WARNING, "a.c", 2, "f", "loud %d", 2);
  rc_err = uvlog_log(NULL, UVLOG_LEVEL_ERROR, "a.c", 3, "f", "ctl\n%s", "x");
  rc_text = uvlog_log_text(NULL, UVLOG_LEVEL_CRITICAL, "b.c", 4, "g", "text", 4);
  rc_deferred = UVLOG_WARNING_TO(NULL, "deferred %d %s", 5, "five");
  rc_pre = UVLOG_ERRORF_TO(NULL, "preformatted %d", 6);
  rc_deferred_info = UVLOG_INFO_TO(NULL, "deferred quiet %d", 7);
}

Test(last_resort, warning_and_above_go_to_stderr) {
  char *out = stderr_of(log_without_logger);
  cr_assert_eq(rc_info, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_warn, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_err, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_text, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_deferred, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_pre, UVLOG_ENOLOGGER);
  cr_assert_eq(rc_deferred_info, UVLOG_ENOLOGGER);
  cr_assert_null(strstr(out, "quiet"), "below WARNING was written: %s", out);
  cr_assert_not_null(strstr(out, "uvlog (no logger): WARNING a.c:2 loud 2\n"), "%s", out);
  /* one line per record: the control character is escaped */
  cr_assert_not_null(strstr(out, "uvlog (no logger): ERROR a.c:3 ctl\\x0ax\n"), "%s", out);
  cr_assert_not_null(strstr(out, "uvlog (no logger): CRITICAL b.c:4 text\n"), "%s", out);
  cr_assert_not_null(strstr(out, "deferred 5 five\n"), "%s", out);
  cr_assert_not_null(strstr(out, "preformatted 6\n"), "%s", out);
  int lines = 0;
  for (const char *p = out; *p; p++) lines += *p == '\n';
  cr_assert_eq(lines, 5, "exactly one line per WARNING+ record: %s", out);
  free(out);
}
