/*
 * test_loop_monitor_block_lag.c -- a callback that blocks the application's
 * loop for 300 ms is seen by the loop monitor: the busy stretch is >= 300 ms,
 * the timer lag >= 300 ms less one interval, and one WARNING record carries
 * the figures as key=value (uvlog/loop.h).
 */
#include "loop_fixture.h"

#define BLOCK_MS 300
#define INTERVAL_MS 20

static uvlog_loop_monitor_t *mon;
static uvlog_loop_stats_t seen;
static uv_timer_t block_t, end_t;

static void on_block(uv_timer_t *t) {
  (void)t;
  busy_wait_ms(BLOCK_MS);
}

static void on_end(uv_timer_t *t) {
  cr_assert_eq(uvlog_loop_monitor_stats(mon, &seen), 0);
  cr_assert_eq(uvlog_loop_monitor_stop(mon), 0);
  uv_close((uv_handle_t *)&block_t, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

Test(loop_monitor, block_is_reported_as_lag, .timeout = 60) {
  uvlog_t *log = memlog_logger("mem");
  uv_loop_t loop;
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_assert_eq(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);

  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  o.interval_ms = INTERVAL_MS;
  o.lag_warn_ms = 100;
  o.stall_ms = 0;
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, log, &o), 0);
  uv_timer_init(&loop, &block_t);
  uv_timer_init(&loop, &end_t);
  uv_timer_start(&block_t, on_block, 200, 0);
  uv_timer_start(&end_t, on_end, 900, 0);
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  cr_assert_eq(uv_loop_close(&loop), 0, "the monitor's handles are closed by stop + run");

  uint64_t ms = 1000000ull;
  cr_expect_geq(seen.busy_max_ns, BLOCK_MS * ms, "busy stretch %.1f ms", seen.busy_max_ns / 1e6);
  cr_expect_geq(seen.lag_max_ns, (BLOCK_MS - INTERVAL_MS - 2) * ms, "lag %.1f ms",
                seen.lag_max_ns / 1e6);
  cr_expect_lt(seen.lag_max_ns, (BLOCK_MS + 150) * ms, "lag %.1f ms", seen.lag_max_ns / 1e6);
  cr_expect_geq(seen.lag_warnings, 1);
  cr_expect_geq(seen.ticks, 20, "ticks %llu", (unsigned long long)seen.ticks);
  cr_expect_gt(seen.iterations, 0);
  cr_expect_geq(seen.utilization, 0.0, "idle time is configured: utilization known");
  uint64_t n = 0;
  for (int i = 0; i < UVLOG_LOOP_LAG_BUCKETS; i++) n += seen.lag_buckets[i];
  cr_expect_eq(n, seen.ticks);
  /* the block's tick is in a bucket above 250 ms */
  cr_expect_geq(seen.lag_buckets[UVLOG_LOOP_LAG_BUCKETS - 6] + seen.lag_buckets[UVLOG_LOOP_LAG_BUCKETS - 5], 1);

  char *text = memlog_text(log);
  cr_expect_not_null(strstr(text, "uvlog.loop: lag "), "%s", text);
  cr_expect_not_null(strstr(text, "(threshold 100 ms) busy_max_ms="), "%s", text);
  cr_expect_not_null(strstr(text, " util="), "%s", text);
  free(text);
  uvlog_logger_destroy(log);
}
