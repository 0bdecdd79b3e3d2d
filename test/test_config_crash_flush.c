/*
 * test_config_crash_flush.c -- crash_flush: in a configuration installs the
 * crash flush for the logger (uvlog/crash.h); a reload without it takes it
 * out, with other options replaces it; the rate-limit options reach the
 * logger.
 */
#include <criterion/criterion.h>

#include "uvlog.h"

static uvlog_config_t *load(const char *text) {
  uvlog_config_t *c = NULL;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_load_string(&c, text, strlen(text), NULL, &e), 0, "%s", e.message);
  return c;
}

Test(config_crash_flush, installed_and_removed_by_apply) {
  uvlog_config_t *with = load("crash_flush: {timeout_ms: 1500, altstack: false}\n"
                              "sinks: [{type: stderr, level: off}]\n");
  uvlog_config_t *other = load("crash_flush: {timeout_ms: 500}\nsinks: [{type: stderr, level: off}]\n");
  uvlog_config_t *without = load("sinks: [{type: stderr, level: off}]\n");
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_logger_create(&log, with, &e), 0, "%s", e.message);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_expect_eq(uvlog_crash_flush_install(log, NULL), UVLOG_EBUSY, "installed by the config");
  cr_expect_eq(uvlog_config_apply(log, other, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_crash_flush_install(log, NULL), UVLOG_EBUSY, "replaced, still installed");
  char *dump;
  cr_assert_eq(uvlog_config_dump(log, &dump), 0);
  cr_expect(strstr(dump, "crash_flush:\n  timeout_ms: 500\n  altstack: true\n") != NULL, "%s", dump);
  free(dump);
  cr_expect_eq(uvlog_config_apply(log, without, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_crash_flush_uninstall(log), UVLOG_EINVAL, "taken out by the reload");
  uvlog_logger_destroy(log);
  uvlog_config_free(with);
  uvlog_config_free(other);
  uvlog_config_free(without);
}

Test(config_crash_flush, rate_limit_options) {
  uvlog_config_t *c = load("logger: {rate_limit_burst: 2, rate_limit_interval_ms: 60000}\n"
                           "sinks: [{type: stderr}]\n");
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_logger_create(&log, c, &e), 0, "%s", e.message);
  cr_assert_eq(uvlog_logger_start(log), 0);
  int refused = 0;
  for (int i = 0; i < 5; i++) refused += UVLOG_WARNING_TO(log, "storm %d", i) == UVLOG_ERATELIMITED;
  cr_expect_eq(refused, 3);
  uvlog_logger_destroy(log);
  uvlog_config_free(c);
  uvlog_config_error_t e2;
  const char *bad = "logger: {rate_limit_burst: 2, rate_limit_interval_ms: 0}\n";
  cr_expect_eq(uvlog_config_load_string(&c, bad, strlen(bad), NULL, &e2), UVLOG_EINVAL);
  cr_expect_str_eq(e2.option, "logger.rate_limit_interval_ms");
  cr_expect_eq(e2.column, 55);
}
