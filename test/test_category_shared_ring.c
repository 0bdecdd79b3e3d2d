/*
 * test_category_shared_ring.c -- categories are sub-loggers of one root:
 * their records go through the root's ring to the root's sinks, in order,
 * named; each gates on its own level, before evaluating arguments; the same
 * name gives the same handle; lifecycle calls on a category handle act on
 * the root (flush, stats) or are refused (start, close, sink_add, destroy).
 */
#include "category_fixture.h"

static int evaluated;
static int touch(void) { return ++evaluated; }

Test(category_shared_ring, records_share_ring_and_sinks_in_order) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *http = NULL, *again = NULL, *db = NULL;
  cr_assert_eq(uvlog_category_get(log, "http.access", &http), 0);
  cr_assert_eq(uvlog_category_get(log, "http.access", &again), 0);
  cr_assert_eq(http, again, "the same name gives the same handle");
  cr_assert_eq(uvlog_category_get(http, "db", &db), 0, "a category handle stands for its root");
  cr_assert_neq(db, http);
  cr_assert_str_eq(uvlog_category_name(http), "http.access");
  cr_assert_null(uvlog_category_name(log));
  cr_assert_eq(uvlog_category_root(db), log);
  cr_assert_eq(uvlog_logger_start(log), 0);

  cr_assert_eq(UVLOG_INFO_TO(log, "root %d", 1), 0);
  cr_assert_eq(UVLOG_INFO_TO(http, "GET %s %d", "/x", 200), 0);
  cr_assert_eq(UVLOG_WARNINGF_TO(db, "slow %d", 3), 0);
  cr_assert_eq(uvlog_log_text(http, UVLOG_LEVEL_ERROR, NULL, 0, NULL, "text", 4), 0);
  cr_assert_eq(uvlog_logger_flush(http, 10000), 0, "flush on a category flushes the root");
  cr_assert_str_eq(c.text, "-|INFO|root 1\n"
                           "http.access|INFO|GET /x 200\n"
                           "db|WARNING|slow 3\n"
                           "http.access|ERROR|text\n");
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(db, &st), 0);
  cr_assert_eq(st.records, 4, "stats of a category are the root's");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_shared_ring, each_gates_on_its_own_level) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_WARNING);
  uvlog_t *db = NULL;
  cr_assert_eq(uvlog_category_get(log, "db", &db), 0);
  cr_assert_eq(uvlog_logger_get_level(db), UVLOG_LEVEL_WARNING, "follows the root by default");
  cr_assert_eq(uvlog_logger_set_level(db, UVLOG_LEVEL_DEBUG), 0);
  cr_assert_eq(uvlog_logger_get_level(db), UVLOG_LEVEL_DEBUG);
  cr_assert_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_WARNING, "the root keeps its level");
  cr_assert(uvlog_logger_enabled(db, UVLOG_LEVEL_DEBUG));
  cr_assert_not(uvlog_logger_enabled(log, UVLOG_LEVEL_DEBUG));
  cr_assert_eq(uvlog_logger_start(log), 0);

  evaluated = 0;
  cr_assert_eq(UVLOG_INFO_TO(log, "root %d", touch()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_INFOF_TO(log, "root %d", touch()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_TRACE_TO(db, "db %d", touch()), UVLOG_EFILTERED);
  cr_assert_eq(evaluated, 0, "a filtered call does not evaluate its arguments");
  cr_assert_eq(UVLOG_DEBUG_TO(db, "db %d", touch()), 0);
  cr_assert_eq(uvlog_log(db, UVLOG_LEVEL_TRACE, NULL, 0, NULL, "x"), UVLOG_EFILTERED);
  cr_assert_eq(evaluated, 1);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(c.text, "db|DEBUG|db 1\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_shared_ring, lifecycle_calls_on_a_category) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *db = NULL;
  cr_assert_eq(uvlog_category_get(log, "db", &db), 0);
  uvlog_sink_t *s = catcap_sink(&c, UVLOG_LEVEL_INFO, NULL);
  cr_assert_eq(uvlog_sink_add(db, s), UVLOG_EINVAL);
  uvlog_sink_destroy(s);
  cr_assert_eq(uvlog_logger_start(db), UVLOG_EINVAL);
  cr_assert_eq(uvlog_logger_flush(db, 100), UVLOG_EBUSY, "the root is not started");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_close(db), UVLOG_EINVAL);
  uvlog_logger_destroy(db); /* does nothing */
  cr_assert_eq(UVLOG_INFO_TO(db, "still %d", 1), 0);
  cr_assert_eq(uvlog_logger_reopen(db), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(UVLOG_INFO_TO(db, "closed %d", 1), UVLOG_ECLOSED);
  cr_assert_eq(capture_count(&c, "db|INFO|still 1"), 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_shared_ring, default_logger_may_be_a_category) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *app = NULL;
  cr_assert_eq(uvlog_category_get(log, "app", &app), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  uvlog_default_set(app);
  cr_assert_eq(UVLOG_NOTICE("short %s", "macro"), 0);
  uvlog_default_set(NULL);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(c.text, "app|NOTICE|short macro\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
