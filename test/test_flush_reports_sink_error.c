/*
 * test_flush_reports_sink_error.c -- uvlog_logger_flush() returns the error
 * a sink reported when it could not deliver what it was asked to (its
 * flush() failed, or it completed the flush with a negative status), not 0;
 * and the sink's last_error keeps the root cause (the write's error), not
 * the flush's follow-up. Before: flush returned 0, last_error was the
 * follow-up.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static int fail_writes = 1;

static int w(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  (void)e;
  (void)n;
  return fail_writes ? -ENOSPC : 0;
}
/* Asynchronous flush that completes (on the same turn) with -EIO. */
static int flush_eio(uvlog_sink_t *s) {
  uvlog_sink_flush_done(s, -EIO);
  return UVLOG_PENDING;
}
static int flush_epipe(uvlog_sink_t *s) {
  (void)s;
  return -EPIPE;
}
static int flush_ok(uvlog_sink_t *s) {
  (void)s;
  return 0;
}

static void check(int (*flush)(uvlog_sink_t *), int want_flush, int want_last) {
  uvlog_sink_vtable_t vt = {"failing", NULL, w, flush, NULL, NULL};
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), want_flush);
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.last_error, want_last, "last_error %d", st.last_error);
  cr_assert_geq(st.errors, 2, "the write and the flush are both counted");
  uvlog_logger_destroy(log);
}

Test(flush, returns_the_error_of_an_async_flush, .timeout = 30) {
  fail_writes = 1;
  check(flush_eio, -EIO, -ENOSPC);
}

Test(flush, returns_the_error_of_a_sync_flush, .timeout = 30) {
  fail_writes = 1;
  check(flush_epipe, -EPIPE, -ENOSPC);
}

/* A started logger with one sink of `vt` that has accepted one record. */
static uvlog_t *one_record_through(const uvlog_sink_vtable_t *vt, uvlog_sink_t **s) {
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(s, vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, *s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x"), 0);
  return log;
}

Test(flush, a_failed_flush_alone_is_its_own_root_cause, .timeout = 30) {
  fail_writes = 0;
  uvlog_sink_vtable_t vt = {"failing", NULL, w, flush_eio, NULL, NULL};
  uvlog_sink_t *s;
  uvlog_t *log = one_record_through(&vt, &s);
  cr_assert_eq(uvlog_logger_flush(log, 10000), -EIO);
  uvlog_sink_stats_t st;
  uvlog_sink_stats(s, &st);
  cr_assert_eq(st.last_error, -EIO);
  uvlog_logger_destroy(log);
}

Test(flush, succeeds_again_once_the_sink_does, .timeout = 30) {
  fail_writes = 0;
  uvlog_sink_vtable_t vt = {"ok", NULL, w, flush_ok, NULL, NULL};
  uvlog_sink_t *s;
  uvlog_t *log = one_record_through(&vt, &s);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  uvlog_logger_destroy(log);
}
