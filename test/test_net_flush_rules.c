/*
 * test_net_flush_rules.c -- the flush bookkeeping the syslog and TCP sinks
 * share (uvlog_flushw_t, src/sink/netq.c), on its own: away, stalled,
 * dropped, and the close deadline.
 */
#include <criterion/criterion.h>

#include "sink/netq.h"
#include "uvlog.h"

Test(net_flush_rules, nothing_buffered_is_done_unless_records_were_dropped) {
  uvlog_flushw_t w = {0};
  int start;
  cr_assert_eq(uvlog_flushw_begin(&w, 5, 5, 0, 1000, 100, &start), 0);
  uvlog_flushw_dropped(&w, -ENOBUFS);
  cr_assert_eq(uvlog_flushw_begin(&w, 5, 5, 0, 1000, 100, &start), -ENOBUFS);
  cr_assert_eq(uvlog_flushw_begin(&w, 5, 5, 0, 1000, 100, &start), 0, "reported once");
}

Test(net_flush_rules, away_fails_at_once_with_the_cause_and_does_not_start_the_close_clock) {
  uvlog_flushw_t w = {0};
  int start = 1;
  cr_assert_eq(uvlog_flushw_begin(&w, 0, 3, -ECONNREFUSED, 1000, 100, &start), -ECONNREFUSED);
  cr_assert_eq(start, 0);
  cr_assert_eq(uvlog_flushw_close_ms(&w, 2000, 50000), 2000u);
}

Test(net_flush_rules, a_timed_out_flush_stalls_later_ones_until_delivery) {
  uvlog_flushw_t w = {0};
  int start, status = 99;
  cr_assert_eq(uvlog_flushw_begin(&w, 0, 3, 0, 1000, 100, &start), UVLOG_PENDING);
  cr_assert_eq(start, 1);
  cr_assert_eq(uvlog_flushw_begin(&w, 0, 4, 0, 1000, 200, &start), UVLOG_PENDING);
  cr_assert_eq(start, 0, "one timer for both");
  cr_assert_eq(uvlog_flushw_timeout(&w), 2u);
  cr_assert_eq(uvlog_flushw_begin(&w, 0, 4, 0, 1000, 1200, &start), UVLOG_ETIMEDOUT);
  cr_assert_eq(uvlog_flushw_close_ms(&w, 2000, 1600), 500u, "counted from the first wait");
  cr_assert_eq(uvlog_flushw_close_ms(&w, 2000, 9000), 0u);
  cr_assert_eq(uvlog_flushw_progress(&w, 2, 1, &status), 0u); /* delivery clears the stall */
  cr_assert_eq(uvlog_flushw_close_ms(&w, 2000, 9000), 2000u);
  cr_assert_eq(uvlog_flushw_begin(&w, 2, 4, 0, 1000, 9000, &start), UVLOG_PENDING);
  cr_assert_eq(uvlog_flushw_progress(&w, 4, 1, &status), 1u);
  cr_assert_eq(status, 0);
}

Test(net_flush_rules, a_flush_whose_records_were_dropped_completes_with_the_drop_error) {
  uvlog_flushw_t w = {0};
  int start, status = 0;
  cr_assert_eq(uvlog_flushw_begin(&w, 0, 3, 0, 1000, 100, &start), UVLOG_PENDING);
  uvlog_flushw_dropped(&w, -ENOBUFS);
  cr_assert_eq(uvlog_flushw_progress(&w, 3, 0, &status), 1u);
  cr_assert_eq(status, -ENOBUFS);
}
