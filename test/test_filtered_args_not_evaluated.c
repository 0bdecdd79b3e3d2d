/*
 * test_filtered_args_not_evaluated.c -- a call below the effective level
 * returns before its arguments are evaluated (the macro's level gate,
 * uvlog/private.h), for the deferred and the preformatting macros, the
 * default-logger forms and a NULL logger below WARNING; `log` and `lvl`
 * are evaluated once.
 */
#include <criterion/criterion.h>

#include "capture.h"
#include "uvlog.h"

static int evaluated;
static int effect(void) { return ++evaluated; }
static int lvl_evals;
static uvlog_level_t level_of(uvlog_level_t l) { lvl_evals++; return l; }
static int log_evals;
static uvlog_t *the_log;
static uvlog_t *log_of(void) { log_evals++; return the_log; }

static uvlog_t *make(capture_t *c) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_WARNING;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

Test(filtered_args, not_evaluated) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c);
  evaluated = 0;
  cr_assert_eq(UVLOG_INFO_TO(log, "deferred %d", effect()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_INFOF_TO(log, "preformatted %d", effect()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_DEBUG_TO(log, "%s %d", "x", effect()), UVLOG_EFILTERED);
  const char *fmt = "non-literal %d";
  cr_assert_eq(UVLOG_INFO_TO(log, fmt, effect()), UVLOG_EFILTERED);
  uvlog_default_set(log);
  cr_assert_eq(UVLOG_INFO("default %d", effect()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_INFOF("default %d", effect()), UVLOG_EFILTERED);
  cr_assert_eq(evaluated, 0, "a filtered call evaluated its arguments %d times", evaluated);
  /* At or above the level: evaluated exactly once. */
  cr_assert_eq(UVLOG_WARNING_TO(log, "kept %d", effect()), 0);
  cr_assert_eq(UVLOG_WARNINGF_TO(log, "kept %d", effect()), 0);
  cr_assert_eq(evaluated, 2);
  /* The level changes at run time: the gate follows. */
  cr_assert_eq(uvlog_logger_set_level(log, UVLOG_LEVEL_DEBUG), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "now kept %d", effect()), 0);
  cr_assert_eq(evaluated, 3);
  uvlog_default_set(NULL);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(filtered_args, null_logger_below_warning) {
  evaluated = 0;
  cr_assert_eq(UVLOG_INFO_TO(NULL, "nobody %d", effect()), UVLOG_ENOLOGGER);
  cr_assert_eq(UVLOG_INFOF_TO(NULL, "nobody %d", effect()), UVLOG_ENOLOGGER);
  cr_assert_eq(evaluated, 0);
}

Test(filtered_args, log_and_level_evaluated_once) {
  capture_t c;
  capture_init(&c);
  the_log = make(&c);
  log_evals = lvl_evals = 0;
  cr_assert_eq(UVLOG_LOG_TO(log_of(), level_of(UVLOG_LEVEL_ERROR), "x %d", 1), 0);
  cr_assert_eq(UVLOG_LOG_TO(log_of(), level_of(UVLOG_LEVEL_INFO), "x %d", 1), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_LOGF_TO(log_of(), level_of(UVLOG_LEVEL_ERROR), "x %d", 1), 0);
  cr_assert_eq(log_evals, 3);
  cr_assert_eq(lvl_evals, 3);
  uvlog_logger_destroy(the_log);
  capture_free(&c);
}
