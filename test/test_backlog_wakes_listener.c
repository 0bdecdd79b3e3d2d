/*
 * test_backlog_wakes_listener.c -- a listener sleeping for its delivery
 * latency is woken when the backlog passes a quarter of the ring, so that
 * non-urgent records never fill the ring while it sleeps.
 */
#include <criterion/criterion.h>
#include <time.h>

#include "capture.h"
#include "listener_fixture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

Test(wakeup, backlog_past_a_quarter_wakes_the_listener, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 30000;
  o.flush_interval_ms = 3600 * 1000;
  o.ring_capacity = 64 * 1024;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  wait_deep_sleep(log); /* listener_fixture.h */
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "first"), 0); /* wakes the deep sleep */
  for (int i = 0; i < 5000 && capture_seen(&c) < 1; i++) test_sleep_ms(1);
  cr_assert_eq(capture_seen(&c), 1);
  wait_parked(log, PARK_LIGHT); /* now asleep for 30 s */
  /* About 8 KiB: well under a quarter of 64 KiB: they wait. */
  for (int i = 0; i < 100; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "%040d", i), 0);
  test_sleep_ms(300);
  cr_assert_eq(capture_seen(&c), 1, "a small backlog waits for the latency");
  /* Past 16 KiB (about 186 records): the producer that crosses the mark
   * wakes it, and it writes at least what was there. (What comes after its
   * drain waits again: the mark bounds the backlog, not the latency.) */
  for (int i = 0; i < 200; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "%040d", i), 0);
  for (int i = 0; i < 10000 && capture_seen(&c) < 150; i++) test_sleep_ms(1);
  cr_assert_geq(capture_seen(&c), 150, "written long before the 30 s latency (%zu)", capture_seen(&c));
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(capture_seen(&c), 301);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, 0);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
