/*
 * test_category_sink_filter.c -- a sink limited to categories gets only
 * their records (prefix match at dot boundaries), not the root's own; the
 * effective level of a category counts only the sinks that take it; the
 * limit is set before start only, and a bad list is refused.
 */
#include "category_fixture.h"

Test(category_sink_filter, sink_gets_only_its_categories) {
  capture_t all, some;
  capture_init(&all);
  capture_init(&some);
  uvlog_t *log = catcap_logger(&all, UVLOG_LEVEL_DEBUG);
  uvlog_sink_t *s = catcap_sink(&some, UVLOG_LEVEL_TRACE, "db");
  cr_assert_eq(uvlog_sink_set_categories(s, "http.access, db"), 0, "replaces the list");
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  uvlog_t *acc = NULL, *acc2 = NULL, *http = NULL, *dbp = NULL, *dbx = NULL;
  cr_assert_eq(uvlog_category_get(log, "http.access", &acc), 0);
  cr_assert_eq(uvlog_category_get(log, "http.access.slow", &acc2), 0);
  cr_assert_eq(uvlog_category_get(log, "http", &http), 0);
  cr_assert_eq(uvlog_category_get(log, "db.pool", &dbp), 0);
  cr_assert_eq(uvlog_category_get(log, "dbx", &dbx), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_sink_set_categories(s, "db"), UVLOG_EBUSY, "before start only");
  UVLOG_INFO_TO(log, "root %d", 0);
  UVLOG_INFO_TO(acc, "acc %d", 1);
  UVLOG_INFO_TO(acc2, "acc2 %d", 2);
  UVLOG_INFO_TO(http, "http %d", 3);
  UVLOG_INFO_TO(dbp, "dbp %d", 4);
  UVLOG_INFO_TO(dbx, "dbx %d", 5);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(some.text, "http.access|INFO|acc 1\n"
                              "http.access.slow|INFO|acc2 2\n"
                              "db.pool|INFO|dbp 4\n");
  cr_assert_eq(all.entries, 6, "an unlimited sink gets everything");
  uvlog_logger_destroy(log);
  capture_free(&all);
  capture_free(&some);
}

Test(category_sink_filter, effective_level_counts_only_sinks_that_take_it) {
  capture_t info, trace;
  capture_init(&info);
  capture_init(&trace);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_TRACE;
  o.atexit_close = 0;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, catcap_sink(&info, UVLOG_LEVEL_INFO, NULL)), 0);
  uvlog_t *db = NULL, *http = NULL;
  cr_assert_eq(uvlog_category_get(log, "http", &http), 0);
  cr_assert_eq(uvlog_sink_add(log, catcap_sink(&trace, UVLOG_LEVEL_TRACE, "db")), 0);
  cr_assert_eq(uvlog_category_get(log, "db", &db), 0);
  cr_assert(uvlog_logger_enabled(db, UVLOG_LEVEL_TRACE), "the db sink takes TRACE");
  cr_assert_not(uvlog_logger_enabled(http, UVLOG_LEVEL_DEBUG), "only the INFO sink takes http");
  cr_assert_not(uvlog_logger_enabled(log, UVLOG_LEVEL_DEBUG), "nor the root's own records");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(UVLOG_DEBUG_TO(http, "x %d", 1), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_TRACE_TO(db, "y %d", 2), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(trace.text, "db|TRACE|y 2\n");
  cr_assert_eq(info.entries, 0);
  uvlog_logger_destroy(log);
  capture_free(&info);
  capture_free(&trace);
}

Test(category_sink_filter, bad_lists) {
  capture_t c;
  capture_init(&c);
  uvlog_sink_t *s = catcap_sink(&c, UVLOG_LEVEL_INFO, "db");
  const char *bad[] = {"", ",", "db,", "db,,http", "d b", "db.", ".db", "db=info", "db;http"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert_eq(uvlog_sink_set_categories(s, bad[i]), UVLOG_EINVAL, "'%s'", bad[i]);
  char many[UVLOG_LEVEL_RULES_MAX * 8 + 16];
  size_t n = 0;
  for (int i = 0; i <= UVLOG_LEVEL_RULES_MAX; i++)
    n += (size_t)snprintf(many + n, sizeof many - n, "%sc%d", i ? "," : "", i);
  cr_assert_eq(uvlog_sink_set_categories(s, many), UVLOG_EINVAL, "too many names");
  cr_assert_eq(uvlog_sink_set_categories(NULL, "db"), UVLOG_EINVAL);
  cr_assert_eq(uvlog_sink_set_categories(s, NULL), 0, "NULL removes the limit");
  uvlog_sink_destroy(s);
  capture_free(&c);
}
