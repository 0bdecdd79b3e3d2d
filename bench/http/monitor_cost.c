/*
 * monitor_cost.c -- what the loop monitor costs the loop it watches.
 * A loop spins N iterations (an active uv_idle_t makes every poll
 * non-blocking) with HANDLES extra idle timers on it (what uv_walk visits):
 *   - without the monitor,
 *   - with it at the default 250 ms interval,
 *   - with it at 1 ms (to see the cost of a tick: uv_walk, publication).
 * Per-iteration cost = (with - without) / N; per-tick cost from the 1 ms run.
 * Build (run.sh does it):
 *   cc -O2 -Iinclude bench/http/monitor_cost.c build/libuvlog.a -luv -lpthread -lm
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "uvlog.h"

#define N 3000000
#define HANDLES 1000

static uint64_t left;
static void on_wait(uv_timer_t *t) { (void)t; }
static void on_idle(uv_idle_t *h) {
  if (--left == 0) uv_idle_stop(h);
}

static double run(int with, unsigned interval_ms, uint64_t *ticks) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  uv_loop_configure(&loop, UV_METRICS_IDLE_TIME);
  static uv_timer_t timers[HANDLES];
  for (int i = 0; i < HANDLES; i++) {
    uv_timer_init(&loop, &timers[i]);
    uv_timer_start(&timers[i], (uv_timer_cb)abort, 3600 * 1000, 0);
    uv_unref((uv_handle_t *)&timers[i]);
  }
  uv_idle_t idle;
  uv_idle_init(&loop, &idle);
  uv_idle_start(&idle, on_idle);
  uvlog_loop_monitor_t *mon = NULL;
  if (with) {
    uvlog_loop_monitor_options_t o;
    uvlog_loop_monitor_options_init(&o);
    o.interval_ms = interval_ms;
    o.lag_warn_ms = 0;
    o.stall_ms = 0;  /* a busy machine would make it report */
    o.summary_level = UVLOG_LEVEL_OFF;
    if (uvlog_loop_monitor_start(&mon, &loop, NULL, &o) != 0) abort();
  }
  /* One real wait first, so that the loop has measured idle time and the
   * monitor runs its full per-iteration path (uv_metrics_idle_time()). */
  uv_idle_stop(&idle);
  uv_timer_t wait;
  uv_timer_init(&loop, &wait);
  uv_timer_start(&wait, on_wait, 5, 0);
  uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&wait, NULL);
  uv_idle_start(&idle, on_idle);
  left = N;
  uint64_t t0 = uv_hrtime();
  uv_run(&loop, UV_RUN_DEFAULT);
  uint64_t t1 = uv_hrtime();
  *ticks = 0;
  if (mon) {
    uvlog_loop_stats_t st;
    uvlog_loop_monitor_stats(mon, &st);
    *ticks = st.ticks;
    uvlog_loop_monitor_stop(mon);
  }
  for (int i = 0; i < HANDLES; i++) uv_close((uv_handle_t *)&timers[i], NULL);
  uv_close((uv_handle_t *)&idle, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return (double)(t1 - t0);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  enum { R = 5 };
  double off[R], def[R], fast[R];
  uint64_t tk, tdef = 0, tfast = 0;
  for (int r = 0; r < R; r++) {  /* interleaved */
    off[r] = run(0, 0, &tk);
    def[r] = run(1, 250, &tk);
    tdef = tk;
    fast[r] = run(1, 1, &tk);
    tfast = tk;
  }
  qsort(off, R, sizeof off[0], cmp);
  qsort(def, R, sizeof def[0], cmp);
  qsort(fast, R, sizeof fast[0], cmp);
  double o = off[R / 2], d = def[R / 2], f = fast[R / 2];
  printf("loop iterations: %d, %d other handles on the loop; medians of %d runs\n", N, HANDLES, R);
  printf("  without monitor:      %7.1f ns/iteration\n", o / N);
  printf("  monitor, 250 ms tick: %7.1f ns/iteration  (+%.1f ns; %llu ticks)\n", d / N, (d - o) / N,
         (unsigned long long)tdef);
  printf("  monitor, 1 ms tick:   %7.1f ns/iteration  (%llu ticks: ~%.1f us per tick incl. uv_walk of %d handles)\n",
         f / N, (unsigned long long)tfast, tfast > tdef ? (f - d) / 1e3 / (double)(tfast - tdef) : 0.0, HANDLES);
  return 0;
}
