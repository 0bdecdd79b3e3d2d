/*
 * test_flush_close_deadlines.c -- flush and close honour their deadlines
 * whatever the sinks do: a sink whose flush never completes makes
 * uvlog_logger_flush(timeout) return UVLOG_ETIMEDOUT by its deadline, and
 * close return after close_timeout_ms. Before: close waited a hard-coded 5 s.
 */
#include <criterion/criterion.h>
#include <time.h>

#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int w(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  (void)e;
  (void)n;
  return 0;
}
static int never_flushes(uvlog_sink_t *s) {
  (void)s;
  return UVLOG_PENDING; /* and never calls uvlog_sink_flush_done() */
}
static const uvlog_sink_vtable_t stuck_vt = {"stuck", NULL, w, never_flushes, NULL, NULL};

Test(deadlines, flush_and_close_with_a_flush_that_never_completes, .timeout = 30) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.close_timeout_ms = 400;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_create(&s, &stuck_vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x"), 0);
  double t0 = now_s();
  cr_assert_eq(uvlog_logger_flush(log, 200), UVLOG_ETIMEDOUT);
  double took = now_s() - t0;
  cr_assert(took >= 0.19 && took < 1.5, "flush returned by its deadline (%.3f s)", took);
  t0 = now_s();
  cr_assert_eq(uvlog_logger_close(log), 0);
  took = now_s() - t0;
  cr_assert_lt(took, 2.0, "close bounded by close_timeout_ms = 0.4 s (%.3f s)", took);
  uvlog_logger_destroy(log);
}
