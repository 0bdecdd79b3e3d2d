/*
 * test_capture_category.c -- capture options stdout_category and
 * stderr_category (uvlog/capture.h): each stream's lines are logged in its
 * category, whose level rules apply; a bad category name is refused before
 * anything is captured.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "capture.h"

static capture_t cap;

static uvlog_t *started_logger(void) {
  capture_init(&cap);
  uvlog_t *log;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_TRACE;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  uvlog_sink_t *s = capture_sink(&cap, UVLOG_LEVEL_TRACE);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%c|%l|%m";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

Test(capture_category, each_stream_in_its_category, .timeout = 60) {
  uvlog_t *log = started_logger();
  /* stderr's category is above WARNING by rule: its lines are filtered. */
  cr_assert_eq(uvlog_logger_set_level_rules(log, "trace,app.err=error"), 0);
  uvlog_capture_options_t o;
  uvlog_capture_options_init(&o);
  o.stdout_category = "app.out";
  o.stderr_category = "app.err";
  uvlog_capture_t *c;
  cr_assert_eq(uvlog_capture_start(&c, log, &o), 0);
  printf("to stdout\n");
  fprintf(stderr, "to stderr\n");
  cr_assert_eq(uvlog_capture_stop(c), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_expect_eq(capture_count(&cap, "app.out|INFO|to stdout\n"), 1);
  cr_expect_eq(capture_count(&cap, "to stderr"), 0, "app.err's rule filters WARNING");
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

Test(capture_category, bad_name_refused, .timeout = 60) {
  uvlog_t *log = started_logger();
  uvlog_capture_options_t o;
  uvlog_capture_options_init(&o);
  o.stderr_category = "bad name";
  uvlog_capture_t *c = (uvlog_capture_t *)&o;
  cr_expect_eq(uvlog_capture_start(&c, log, &o), UVLOG_EINVAL);
  cr_expect_null(c, "no capture handle on error");
  /* Nothing was captured: a second, valid start works. */
  o.stderr_category = NULL;
  cr_assert_eq(uvlog_capture_start(&c, log, &o), 0);
  cr_assert_eq(uvlog_capture_stop(c), 0);
  uvlog_logger_destroy(log);
  capture_free(&cap);
}
