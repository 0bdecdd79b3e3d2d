/*
 * test_logger.c -- the logger's API end to end: lifecycle, bad input,
 * levels, escaping, flush barrier, close semantics, async flush.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "capture.h"
#include "uvlog.h"

static uvlog_t *started(capture_t *c, uvlog_level_t sink_level) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  uvlog_logger_set_level(log, UVLOG_LEVEL_TRACE);
  uvlog_sink_t *s = capture_sink(c, sink_level);
  cr_assert_not_null(s);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

Test(logger, end_to_end) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(UVLOG_INFO_TO(log, "hello %d", 42), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "INFO hello 42\n");
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.opened, 1);
  cr_assert_eq(c.closed, 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
