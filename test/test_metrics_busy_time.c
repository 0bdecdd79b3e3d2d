/*
 * test_metrics_busy_time.c -- the listener's busy time counts the time it
 * is awake: a sink that spends 2 ms in each write() makes it grow by at
 * least 2 ms per batch (and never by more than the time that passed), and
 * an idle logger leaves it about flat.
 */
#include <criterion/criterion.h>

#include "metrics_fixture.h"

static void spin_ms(double ms) {
  double end = mf_now_s() + ms / 1e3;
  while (mf_now_s() < end) {
  }
}

static int slow_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s, (void)e, (void)n;
  spin_ms(2);
  return 0;
}

static uint64_t busy_ns(uvlog_t *log) {
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  return st.busy_ns;
}

Test(metrics_busy_time, grows_under_load_and_stays_flat_when_idle, .timeout = 120) {
  static const uvlog_sink_vtable_t vt = {.name = "slow", .write = slow_write};
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  double t0 = mf_now_s();
  uvlog_t *log = mf_logger_with(s);
  uint64_t b0 = busy_ns(log);

  /* Load: 40 batches of one record each (a flush after each). */
  const int batches = 40;
  for (int i = 0; i < batches; i++) {
    cr_assert_eq(UVLOG_INFO_TO(log, "record %d", i), 0);
    cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  }
  uint64_t b1 = busy_ns(log);
  double elapsed_ns = (mf_now_s() - t0) * 1e9;
  cr_expect_geq(b1 - b0, (uint64_t)batches * 2000000, "busy grew by %.1f ms for %d x 2 ms writes",
                (double)(b1 - b0) / 1e6, batches);
  cr_expect_leq((double)b1, elapsed_ns, "busy %.1f ms > %.1f ms since start", (double)b1 / 1e6,
                elapsed_ns / 1e6);
  double shown = mf_sample(mf_exposition(log), "uvlog_listener_busy_seconds_total");
  cr_expect_geq(shown, (double)b1 / 1e9);

  /* Idle: a second with nothing to do (the latency and flush timers may
   * wake the listener for a moment; a loaded machine may preempt it then,
   * hence a bound of a tenth rather than zero). */
  uint64_t i0 = busy_ns(log);
  mf_sleep_ms(1000);
  uint64_t i1 = busy_ns(log);
  cr_expect_lt(i1 - i0, (uint64_t)100000000, "idle: busy grew by %.3f ms in 1 s",
               (double)(i1 - i0) / 1e6);
  cr_log_info("idle: busy grew by %.3f ms in 1 s", (double)(i1 - i0) / 1e6);
  uvlog_logger_destroy(log);
}
