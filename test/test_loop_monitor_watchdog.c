/*
 * test_loop_monitor_watchdog.c -- the stall watchdog reports a blocked loop
 * WHILE it is blocked: the report's timestamp is before the block ends, and
 * the time blocked it gives is past the threshold. Both for a block in a
 * timer callback and for one in an I/O callback (a uv_async_t's, which runs
 * inside the poll phase).
 */
#include <stdatomic.h>
#include <unistd.h>

#include "loop_fixture.h"

#define BLOCK_MS 500  /* the watchdog has 400 ms to report: margin for a loaded machine */
#define STALL_MS 100

static uvlog_loop_monitor_t *mon;
static uv_timer_t block_t, end_t;
static uv_async_t async;
static _Atomic uint64_t report_ns, report_blocked_ns;
static _Atomic int reports;
static uint64_t block_start_ns, block_end_ns;
static uvlog_loop_stats_t seen;

static void on_stall(uvlog_loop_monitor_t *m, uint64_t blocked, uint64_t now, void *data) {
  (void)m;
  (void)data;
  if (atomic_fetch_add(&reports, 1) == 0) {
    report_ns = now;
    report_blocked_ns = blocked;
  }
}

static void on_end(uv_timer_t *t);

/* Blocks the loop, then lets it run 400 ms more before the end (counted
 * from the block, so a late start cannot end the test before it). */
static void block(void) {
  block_start_ns = uv_hrtime();
  busy_wait_ms(BLOCK_MS);
  block_end_ns = uv_hrtime();
  uv_timer_start(&end_t, on_end, 400, 0);
}

static void on_block_timer(uv_timer_t *t) {
  (void)t;
  block();
}

static void on_async(uv_async_t *a) {
  (void)a;
  block();
}

static void *send_later(void *arg) {
  (void)arg;
  usleep(200 * 1000);
  uv_async_send(&async);
  return NULL;
}

static void on_end(uv_timer_t *t) {
  uvlog_loop_monitor_stats(mon, &seen);
  uvlog_loop_monitor_stop(mon);
  uv_close((uv_handle_t *)&block_t, NULL);
  uv_close((uv_handle_t *)&async, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void run(int in_io_callback) {
  uvlog_t *log = memlog_logger("mem");
  uv_loop_t loop;
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_assert_eq(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  o.interval_ms = 20;
  o.lag_warn_ms = 0;
  o.stall_ms = STALL_MS;
  o.on_stall = on_stall;
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, log, &o), 0);
  uv_timer_init(&loop, &block_t);
  uv_async_init(&loop, &async, on_async);
  uv_timer_init(&loop, &end_t);
  pthread_t th;
  if (in_io_callback) pthread_create(&th, NULL, send_later, NULL);
  else uv_timer_start(&block_t, on_block_timer, 200, 0);
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (in_io_callback) pthread_join(th, NULL);
  cr_assert_eq(uv_loop_close(&loop), 0);

  cr_assert_gt(block_end_ns, 0, "the block ran");
  cr_assert_geq(reports, 1, "the watchdog reported the stall");
  cr_expect_lt(report_ns, block_end_ns, "reported %.1f ms after the block began, which lasted %d ms",
               (report_ns - block_start_ns) / 1e6, BLOCK_MS);
  cr_expect_gt(report_blocked_ns, STALL_MS * 1000000ull);
  cr_expect_leq(report_blocked_ns, report_ns - block_start_ns + 2000000ull,
                "blocked %.1f ms reported, %.1f ms since the block began", report_blocked_ns / 1e6,
                (report_ns - block_start_ns) / 1e6);
  cr_expect_eq(seen.stalls, 1);
  cr_expect_geq(seen.stall_max_ns, report_blocked_ns);
  char *text = memlog_text(log);
  cr_expect_not_null(strstr(text, "uvlog.loop: stall: loop blocked for "), "%s", text);
  cr_expect_not_null(strstr(text, "(threshold 100 ms)"), "%s", text);
  free(text);
  uvlog_logger_destroy(log);
}

Test(loop_monitor_watchdog, reports_during_a_timer_callback_block, .timeout = 60) { run(0); }

Test(loop_monitor_watchdog, reports_during_an_io_callback_block, .timeout = 60) { run(1); }
