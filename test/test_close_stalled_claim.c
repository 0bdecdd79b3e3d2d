/*
 * test_close_stalled_claim.c -- uvlog_logger_close() with a producer
 * stalled between claim and commit: close waits at most close_timeout_ms,
 * then gives the stalled record up (counted as dropped, said in a WARNING)
 * and still writes the records committed after it. Before: close waited
 * for ever.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "logger.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

Test(close, stalled_claim_is_given_up_after_close_timeout, .timeout = 20) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.close_timeout_ms = 300;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "before"), 0);
  uvlog_rec_t *rec;
  cr_assert_eq(uvlog__rec_begin(log, UVLOG_LEVEL_NOTICE, 5, &rec), 0); /* never committed */
  for (int i = 0; i < 3; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "after %d", i), 0);
  double t0 = test_now_s();
  cr_assert_eq(uvlog_logger_close(log), 0);
  double took = test_now_s() - t0;
  cr_assert_geq(took, 0.25, "close waited for the stalled producer first (%.3f s)", took);
  cr_assert_lt(took, 3.0, "close is bounded by close_timeout_ms (%.3f s)", took);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, 1, "the stalled record is counted as dropped");
  cr_assert_eq(st.dropped_by_level[UVLOG_LEVEL_NOTICE], 1);
  cr_assert_eq(capture_count(&c, "INFO before\n"), 1);
  for (int i = 0; i < 3; i++) {
    char want[32];
    snprintf(want, sizeof want, "INFO after %d\n", i);
    cr_assert_eq(capture_count(&c, want), 1, "written after the stalled one: %s", want);
  }
  cr_assert_eq(capture_count(&c, "WARNING uvlog: close gave up on 1 record"), 1, "%s", c.text);
  cr_assert_eq(capture_count(&c, "records dropped"), 0, "not a ring-full drop");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
