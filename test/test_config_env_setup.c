/*
 * test_config_env_setup.c -- uvlog_config_setup(): UVLOG_CONFIG as a path
 * (reloadable) or inline text, UVLOG_LEVEL on top, the default logger set;
 * a bad variable is reported with its position and leaves nothing behind.
 */
#include <criterion/criterion.h>

#include "net_fixture.h"

static char dir[256], path[300], conf[300];

static void setup(void) {
  nf_mkdtemp(dir, sizeof dir, "cfgenv");
  snprintf(path, sizeof path, "%s/app.log", dir);
  snprintf(conf, sizeof conf, "%s/uvlog.yaml", dir);
  unsetenv(UVLOG_CONFIG_ENV);
  unsetenv(UVLOG_LEVEL_ENV);
}

static void teardown(void) { nf_rmtree(dir); }

/* The logger's dump holds `want`; then the logger is destroyed. */
static void expect_dump_and_destroy(uvlog_t *log, const char *want) {
  char *dump = NULL;
  cr_assert_eq(uvlog_config_dump(log, &dump), 0);
  cr_expect(strstr(dump, want) != NULL, "'%s' not in:\n%s", want, dump);
  free(dump);
  uvlog_logger_destroy(log);
}

Test(config_env, inline_config_and_level, .init = setup, .fini = teardown) {
  char text[512];
  snprintf(text, sizeof text, "{sinks: [{type: file, path: \"%s\", format: {pattern: \"%%l %%m\"}}]}",
           path);
  setenv(UVLOG_CONFIG_ENV, text, 1);
  setenv(UVLOG_LEVEL_ENV, " warning ", 1);
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_setup(&log, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_default_get(), log);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_WARNING);
  cr_expect_eq(UVLOG_INFO("hidden"), UVLOG_EFILTERED);
  cr_expect_eq(UVLOG_WARNING("shown %d", 1), 0);
  cr_expect_eq(uvlog_config_reload(log, &e), UVLOG_EINVAL, "inline text has no file");
  uvlog_logger_destroy(log);
  cr_expect_null(uvlog_default_get());
  size_t len;
  char *got = nf_read_file(path, &len);
  cr_expect_str_eq(got, "WARNING shown 1\n");
  free(got);
}

Test(config_env, level_spec_with_category_rules, .init = setup, .fini = teardown) {
  setenv(UVLOG_LEVEL_ENV, "error, http=debug ,db.pool=trace", 1);
  uvlog_t *log, *access, *other;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_setup(&log, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_ERROR);
  cr_assert_eq(uvlog_category_get(log, "http.access", &access), 0);
  cr_assert_eq(uvlog_category_get(log, "cache", &other), 0);
  cr_expect_eq(uvlog_logger_get_level(access), UVLOG_LEVEL_DEBUG);
  cr_expect_eq(uvlog_logger_get_level(other), UVLOG_LEVEL_ERROR);
  expect_dump_and_destroy(log, "categories:\n  http: debug\n  db.pool: trace\n");
}

Test(config_env, path_config_is_reloadable, .init = setup, .fini = teardown) {
  FILE *f = fopen(conf, "w");
  fprintf(f, "logger: {level: debug}\nsinks: [{type: file, path: \"%s\"}]\n", path);
  fclose(f);
  setenv(UVLOG_CONFIG_ENV, conf, 1);
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_setup(&log, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_DEBUG);
  f = fopen(conf, "w");
  fprintf(f, "logger: {level: error}\nsinks: [{type: file, path: \"%s\"}]\n", path);
  fclose(f);
  cr_expect_eq(uvlog_config_reload(log, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_ERROR);
  uvlog_logger_destroy(log);
}

Test(config_env, unset_gives_stderr, .init = setup, .fini = teardown) {
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_setup(&log, &e), 0, "%s", e.message);
  expect_dump_and_destroy(log, "- type: stderr");
}

Test(config_env, bad_variables_leave_nothing, .init = setup, .fini = teardown) {
  uvlog_t *log = (uvlog_t *)1;
  uvlog_config_error_t e;
  setenv(UVLOG_CONFIG_ENV, "{logger: {level: loud}}", 1);
  cr_expect_eq(uvlog_config_setup(&log, &e), UVLOG_EINVAL);
  cr_expect_null(log);
  cr_expect_str_eq(e.file, "$UVLOG_CONFIG");
  cr_expect_eq(e.column, 18);
  cr_expect_str_eq(e.option, "logger.level");
  cr_expect_null(uvlog_default_get());
  setenv(UVLOG_CONFIG_ENV, "/nonexistent/uvlog.yaml", 1);
  cr_expect_eq(uvlog_config_setup(&log, &e), -ENOENT);
  unsetenv(UVLOG_CONFIG_ENV);
  setenv(UVLOG_LEVEL_ENV, "  shouting", 1);
  cr_expect_eq(uvlog_config_setup(&log, &e), UVLOG_EINVAL);
  cr_expect_str_eq(e.file, "$UVLOG_LEVEL");
  cr_expect_eq(e.column, 3);
  cr_expect_null(log);
  cr_expect_null(uvlog_default_get());
}
