/*
 * test_light_sleep_timer_due_at_sleep.c -- the latency timer must end a
 * light sleep even when it falls due just before the sleep begins. libuv
 * (1.44) runs the timers that are due when uv_run(UV_RUN_ONCE) starts and
 * then blocks in poll; a latency timer spent there left the listener asleep
 * "lightly" with no timer, and producers, who leave a light sleep alone,
 * never woke it. Here a drop report (rate-limited, so written on its own
 * timer, in a round that drained nothing) takes longer than the latency to
 * write while the latency timer is armed; the next record then waited for
 * ever. (Found as a TSan-only flake of the interop suite.)
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Writing a drop report takes 300 ms (three latencies). */
static int slow_report(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  for (size_t i = 0; i < n; i++)
    if (e[i].flags & UVLOG_ENTRY_INTERNAL) test_sleep_ms(300);
  return 0;
}

static size_t seen(capture_t *c, const char *needle) { return capture_count(c, needle); }

static void overflow(uvlog_t *log) {
  char big[200];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  int dropped = 0;
  for (int i = 0; i < 200; i++) dropped += LOG(log, UVLOG_LEVEL_INFO, "%s", big) == UVLOG_EAGAIN;
  cr_assert_gt(dropped, 0, "the 4 KiB ring overflowed");
}

static void sleep_until(double t) {
  double d = t - test_now_s();
  if (d > 0) test_sleep_ms((long)(d * 1000));
}

Test(wakeup, latency_timer_due_as_the_listener_sleeps, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  c.on_write = slow_report;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 200;
  o.flush_interval_ms = 3600 * 1000; /* no flush timer to rescue it */
  o.ring_capacity = 4096;
  o.max_record = 256;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  double t0 = test_now_s();
  overflow(log); /* the first report: at once (about t0) */
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(seen(&c, "records dropped"), 1);
  overflow(log); /* the second: held back by the rate limit, due at about t0 + 1 s */
  sleep_until(t0 + 0.9);
  /* By now the listener sleeps deeply; this record wakes it, and it then
   * sleeps lightly with its latency timer due at t0 + 1.1 s. The report
   * timer ends that sleep first; the round drains nothing and writes the
   * report (300 ms), so the latency timer is overdue when it sleeps again. */
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x."), 0);
  sleep_until(t0 + 1.6);
  cr_assert_eq(seen(&c, "records dropped"), 2, "the second report was written");
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "y."), 0);
  for (int k = 0; k < 200 && seen(&c, "INFO y.") == 0; k++) test_sleep_ms(5);
  cr_assert_eq(seen(&c, "INFO y."), 1, "a record after it was written within 1 s");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
