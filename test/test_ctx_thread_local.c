/*
 * test_ctx_thread_local.c -- the optional thread-local context: records of
 * a thread that name no context (printf-style calls, preformatted calls,
 * raw text, _KV calls with a NULL context) carry the thread's context; a
 * _KV call's own context wins; other threads are not affected.
 */
#include <criterion/criterion.h>
#include <pthread.h>

#include "fields_capture.h"
#include "uvlog.h"

static uvlog_t *g_log;

static void *other_thread(void *arg) {
  (void)arg;
  UVLOG_INFO_TO(g_log, "other %d", 1);
  return NULL;
}

Test(ctx_thread_local, applies_to_calls_without_context) {
  fcap_t c;
  fcap_init(&c);
  g_log = fcap_logger(&c, 0, 1);
  uvlog_ctx_t *tc = NULL, *own = NULL;
  cr_assert_eq(uvlog_ctx_create(&tc, NULL, NULL, UVLOG_FIELDS(UVLOG_F("job", "nightly"))), 0);
  cr_assert_eq(uvlog_ctx_create(&own, NULL, NULL, UVLOG_FIELDS(UVLOG_F("req", 5))), 0);
  cr_assert_eq(uvlog_thread_ctx_set(tc), 0);
  cr_assert_eq(uvlog_thread_ctx_get(), tc);
  UVLOG_INFO_TO(g_log, "deferred %d", 1);
  UVLOG_INFOF_TO(g_log, "preformatted %d", 2);
  uvlog_log_text(g_log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "text", 4);
  UVLOG_INFO_KV_TO(g_log, NULL, "kv", UVLOG_F("n", 3));
  UVLOG_INFO_KV_TO(g_log, own, "own");
  cr_assert_eq(uvlog_logger_flush(g_log, -1), 0);
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, other_thread, NULL), 0);
  pthread_join(th, NULL);
  cr_assert_eq(uvlog_thread_ctx_set(NULL), 0);
  UVLOG_INFO_TO(g_log, "cleared");
  cr_assert_eq(uvlog_logger_flush(g_log, -1), 0);
  cr_assert_eq(c.n, 7);
  cr_assert_str_eq(c.lines[0], "deferred 1|job=s:nightly");
  cr_assert_str_eq(c.lines[1], "preformatted 2|job=s:nightly");
  cr_assert_str_eq(c.lines[2], "text|job=s:nightly");
  cr_assert_str_eq(c.lines[3], "kv|job=s:nightly|n=i:3");
  cr_assert_str_eq(c.lines[4], "own|req=i:5");
  cr_assert_str_eq(c.lines[5], "other 1");
  cr_assert_str_eq(c.lines[6], "cleared");
  uvlog_ctx_release(&tc);
  uvlog_ctx_release(&own);
  uvlog_logger_destroy(g_log);
  fcap_free(&c);
}
