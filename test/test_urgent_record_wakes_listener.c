/*
 * test_urgent_record_wakes_listener.c -- a record below urgent_level waits
 * up to delivery_latency_ms in the ring (the listener sleeps); one at or
 * above it is written at once; and a BLOCK producer that finds the ring full
 * never waits out the latency.
 */
#include <criterion/criterion.h>
#include <time.h>

#include "capture.h"
#include "listener_fixture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

Test(wakeup, urgent_records_do_not_wait_for_the_latency, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 3000;
  o.urgent_level = UVLOG_LEVEL_WARNING;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  /* The first record after idle wakes the deeply sleeping listener; it then
   * sleeps lightly for the latency. */
  wait_deep_sleep(log); /* listener_fixture.h */
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "first"), 0);
  cr_assert_lt(capture_wait(&c, 1, 10), 2.0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "second"), 0);
  test_sleep_ms(300);
  cr_assert_eq(capture_seen(&c), 1, "an INFO record waits for the latency timer");
  cr_assert_eq(LOG(log, UVLOG_LEVEL_WARNING, "urgent"), 0);
  double t = capture_wait(&c, 3, 10);
  cr_assert_lt(t, 1.0, "a WARNING (urgent_level) is written at once (%.3f s)", t);
  cr_assert_eq(capture_count(&c, "INFO second\n"), 1, "with what waited before it");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(wakeup, block_producer_never_waits_out_the_latency, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 5000;
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  double t0 = test_now_s();
  for (int i = 0; i < 3000; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "block %d", i), 0);
  double t = test_now_s() - t0;
  cr_assert_lt(t, 4.0, "3000 records through a 4 KiB ring did not wait 5 s latencies (%.3f s)", t);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.entries, 3000);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
