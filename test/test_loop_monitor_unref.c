/*
 * test_loop_monitor_unref.c -- the monitor's handles never keep the
 * application's loop alive, stop closes them (uv_loop_close() succeeds after
 * one more uv_run), and a loop without UV_METRICS_IDLE_TIME degrades
 * explicitly: utilization -1 and one WARNING saying why.
 */
#include "loop_fixture.h"

static uvlog_loop_monitor_t *mon;
static uvlog_loop_stats_t seen;

Test(loop_monitor_unref, does_not_keep_the_loop_alive, .timeout = 30) {
  uv_loop_t loop;
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, NULL, NULL), 0);
  uint64_t t0 = uv_hrtime();
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  cr_expect_lt(uv_hrtime() - t0, 100000000ull, "uv_run returned at once");
  cr_assert_eq(uvlog_loop_monitor_stop(mon), 0);
  cr_expect_eq(uv_loop_close(&loop), UV_EBUSY, "closing handles are still there");
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  cr_assert_eq(uv_loop_close(&loop), 0);
}

Test(loop_monitor_unref, bad_arguments, .timeout = 30) {
  uv_loop_t loop;
  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_expect_eq(uvlog_loop_monitor_start(NULL, &loop, NULL, NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_loop_monitor_start(&mon, NULL, NULL, NULL), UVLOG_EINVAL);
  o.interval_ms = 0;
  cr_expect_eq(uvlog_loop_monitor_start(&mon, &loop, NULL, &o), UVLOG_EINVAL);
  cr_expect_eq(uvlog_loop_monitor_stop(NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_loop_monitor_stats(NULL, &seen), UVLOG_EINVAL);
  cr_assert_eq(uv_loop_close(&loop), 0);
}

static void on_end(uv_timer_t *t) {
  uvlog_loop_monitor_stats(mon, &seen);
  uvlog_loop_monitor_stop(mon);
  uv_close((uv_handle_t *)t, NULL);
}

Test(loop_monitor_unref, no_idle_time_means_unknown_utilization, .timeout = 30) {
  uvlog_t *log = memlog_logger("mem");
  uv_loop_t loop;
  uv_timer_t end;
  cr_assert_eq(uv_loop_init(&loop), 0);  /* no UV_METRICS_IDLE_TIME */
  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  o.interval_ms = 10;
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, log, &o), 0);
  uv_timer_init(&loop, &end);
  uv_timer_start(&end, on_end, 200, 0);
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  cr_assert_eq(uv_loop_close(&loop), 0);
  cr_expect_geq(seen.ticks, 5);
  cr_expect_eq(seen.utilization, -1.0);
  cr_expect_geq(seen.active_handles, 1, "the end timer is active");
  cr_expect_eq(seen.handles_by_type[UV_TIMER], 1, "only the end timer: the monitor's are excluded");
  char *text = memlog_text(log);
  cr_expect_eq(count_of(text, "uvlog.loop: utilization unknown"), 1, "%s", text);
  cr_expect_not_null(strstr(text, "uv_loop_configure(loop, UV_METRICS_IDLE_TIME) before uv_run()"), "%s", text);
  free(text);
  uvlog_logger_destroy(log);
}
