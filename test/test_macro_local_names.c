/*
 * test_macro_local_names.c -- the statement macros declare locals of their
 * own; a caller's variables named exactly like the old internal names
 * (uvlog__rc_, uvlog__log_, uvlog__lvl_, uvlog__site_, uvlog__cache_) must
 * reach the call as the caller's values, not be captured by the macro.
 */
#include <criterion/criterion.h>

#include "capture.h"
#include "uvlog.h"

Test(macro_names, caller_variables_are_not_captured) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);

  int uvlog__rc_ = 11, uvlog__lvl_ = 22, uvlog__site_ = 44, uvlog__cache_ = 55;
  uvlog_t *uvlog__log_ = log;
  const char *uvlog__tags_ = "t";
  cr_assert_eq(UVLOG_INFO_TO(uvlog__log_, "rc=%d lvl=%d site=%d cache=%d tags=%s", uvlog__rc_,
                             uvlog__lvl_, uvlog__site_, uvlog__cache_, uvlog__tags_), 0);
  cr_assert_eq(UVLOG_INFOF_TO(uvlog__log_, "F rc=%d lvl=%d", uvlog__rc_, uvlog__lvl_), 0);
  uvlog_level_t lvl = UVLOG_LEVEL_WARNING;
  uvlog_level_t uvlog__lvl = lvl;
  cr_assert_eq(UVLOG_LOG_TO(uvlog__log_, uvlog__lvl, "lvl var %d", (int)uvlog__lvl), 0);
  /* Nested: a log call in the argument of another (distinct expansions). */
  cr_assert_eq(UVLOG_INFO_TO(log, "outer %d", UVLOG_INFO_TO(log, "inner %d", uvlog__rc_)), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert(strstr(c.text, "INFO rc=11 lvl=22 site=44 cache=55 tags=t\n"), "%s", c.text);
  cr_assert(strstr(c.text, "INFO F rc=11 lvl=22\n"), "%s", c.text);
  cr_assert(strstr(c.text, "WARNING lvl var 4\n"), "%s", c.text);
  cr_assert(strstr(c.text, "INFO inner 11\nINFO outer 0\n"), "%s", c.text);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
