/*
 * test_level_and_empty_message.c -- a negative (or too large) level given to
 * the deferred macro is a bad argument (UVLOG_EINVAL), not a filtered call;
 * an empty deferred message ("") is queued and rendered as an empty
 * message (no arithmetic on a NULL buffer: UBSan watches this one).
 */
#include <criterion/criterion.h>

#pragma GCC diagnostic ignored "-Wformat-zero-length" /* UVLOG_INFO_TO(log, "") on purpose */

#include "capture.h"
#include "uvlog.h"

static uvlog_t *make(capture_t *c) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_TRACE;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

Test(level_and_empty, negative_level_is_einval) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c);
  cr_assert_eq(UVLOG_LOG_TO(log, (uvlog_level_t)-1, "negative %d", 1), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_LOG_TO(log, (uvlog_level_t)-100, "negative"), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_LOGF_TO(log, (uvlog_level_t)-1, "negative %d", 1), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_LOG_TO(log, UVLOG_LEVEL_OFF, "off %d", 1), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_LOG_TO(log, (uvlog_level_t)42, "too high %d", 1), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_LOG_TO(NULL, (uvlog_level_t)-1, "no logger %d", 1), UVLOG_EINVAL);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(level_and_empty, empty_deferred_message) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c);
  cr_assert_eq(UVLOG_INFO_TO(log, ""), 0);           /* the very first record of the batch */
  cr_assert_eq(UVLOG_INFO_TO(log, "%s", ""), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "%.0s", "cut"), 0);
  cr_assert_eq(UVLOG_INFOF_TO(log, "%s", ""), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 4);
  cr_assert_str_eq(c.text, "INFO \nINFO \nINFO \nINFO \n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
