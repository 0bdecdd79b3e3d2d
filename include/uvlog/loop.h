/*
 * uvlog/loop.h -- event-loop health for the APPLICATION's libuv loop (the
 * loop monitor and its stall watchdog), and uvlog's self-metrics in the
 * Prometheus text exposition format. See docs/loop-health.md.
 */
#ifndef UVLOG_LOOP_H
#define UVLOG_LOOP_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/loop.h>"
#endif

/* uv.h's uv_loop_t is `struct uv_loop_s`; uvlog.h does not include uv.h. */
struct uv_loop_s;

/* ------------------------------------------------------------------------ */
/* Loop monitor                                                              */
/* ------------------------------------------------------------------------ */

/* What the monitor measures, every `interval_ms`, on the loop it watches:
 *  - timer lag: a uv_timer_t due every interval; lag = the time its callback
 *    ran minus the time it was due (uv_hrtime() against uv_now() + interval).
 *    A callback that keeps the loop busy for B ms delays the tick by up to B
 *    (less the part of the block before the tick was due).
 *  - busy stretch: the longest time the loop spent without reaching its
 *    poll phase (from uv_check/uv_prepare timestamps, minus the idle time
 *    inside the poll phase). A callback that blocks B ms makes a stretch >= B,
 *    whatever the interval. Needs UV_METRICS_IDLE_TIME for blocks inside I/O
 *    callbacks (without it, only stretches outside the poll phase count).
 *  - utilization: 1 - idle / elapsed over the interval, idle from
 *    uv_metrics_idle_time(). libuv measures idle time only on a loop
 *    configured with uv_loop_configure(loop, UV_METRICS_IDLE_TIME) BEFORE it
 *    first runs: without it utilization is reported as -1 ("unknown"), the
 *    metric is omitted, and one WARNING record (after 4 ticks) says why. A
 *    loop that never waits in its poll phase looks the same until it does.
 *  - loop iterations (a uv_check_t counts them: libuv 1.44 has no
 *    uv_metrics_info()).
 *  - active handles by type (uv_walk; uv_handle_type_name()), and the
 *    number of active requests (libuv does not expose requests by type).
 * A lag above `lag_warn_ms` logs one WARNING record through the logger:
 *   "uvlog.loop: lag 152.3 ms (threshold 100 ms) util=0.98 busy_max_ms=160.2
 *    iterations=12 handles=17 reqs=2"
 * The stall watchdog, a thread of the monitor, wakes every stall_ms / 4 (at
 * most every 250 ms) and reports a loop that has been busy for more than
 * `stall_ms` WHILE it is still blocked:
 *   "uvlog.loop: stall: loop blocked for 212.0 ms (threshold 200 ms)"
 * and again each time the stall doubles; the loop's own heartbeat (its
 * timer, uv_prepare_t and uv_check_t callbacks) ends the stall. Busy time
 * is counted from the last heartbeat; in the poll phase (I/O callbacks) the
 * idle wait is subtracted, read with uv_metrics_idle_time() from the
 * watchdog thread (libuv guards it with a mutex for that). Without
 * UV_METRICS_IDLE_TIME a block in an I/O callback is counted only from the
 * tick's due time: a lower bound, detected up to interval_ms late, and the
 * record says "(at least: no idle time measured)".
 * The watchdog cannot tell a blocked loop from one whose uv_run() has
 * returned: stop the monitor before leaving uv_run() for good.
 *
 * The monitor's handles are uv_unref()'d: they never keep the loop alive.
 * Threads: start, stop and everything else on the loop happen on the loop's
 * thread (libuv is not thread-safe); uvlog_loop_monitor_stats() and
 * uvlog_metrics_write() may be called from any thread (lock-free reads). */

typedef struct uvlog_loop_monitor_s uvlog_loop_monitor_t;

typedef struct uvlog_loop_monitor_options {
  unsigned interval_ms;      /* measurement tick; default 250, 1 .. 60000 */
  unsigned lag_warn_ms;      /* WARNING when a tick's lag exceeds it; default
                                100; 0 = never */
  unsigned stall_ms;         /* watchdog threshold; default 1000; 0 = no
                                watchdog thread */
  unsigned period_ms;        /* reporting period of min/avg/max lag and the
                                per-period histogram; default 10000, a
                                multiple of interval_ms is advisable */
  int walk_handles;          /* 1 (default): count handles by type each tick
                                (uv_walk: O(handles)); 0: don't */
  uvlog_level_t summary_level; /* level of the per-period summary record;
                                  default UVLOG_LEVEL_DEBUG; OFF = none */
  /* Called on the watchdog thread each time it reports a stall (after the
   * record is queued), with the time the loop has been blocked so far (ns)
   * and the uv_hrtime() of the report. May be NULL. Must not touch the
   * loop. */
  void (*on_stall)(uvlog_loop_monitor_t *mon, uint64_t blocked_ns, uint64_t now_ns, void *data);
  void *data;                /* passed to on_stall */
} uvlog_loop_monitor_options_t;

/* Lag histogram bucket upper bounds, in milliseconds (then +Inf). */
#define UVLOG_LOOP_LAG_BOUNDS_MS {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000}
#define UVLOG_LOOP_LAG_BUCKETS 14  /* the 13 bounds above, then +Inf */
#define UVLOG_LOOP_HANDLE_TYPES 20 /* slots for handle types (UV_HANDLE_TYPE_MAX) */

typedef struct uvlog_loop_stats {
  uint64_t ticks;            /* intervals measured since start */
  /* The last interval. */
  uint64_t lag_ns;           /* the last tick's lag */
  double utilization;        /* 0..1, or -1 when unknown (no UV_METRICS_IDLE_TIME) */
  uint64_t interval_iterations; /* loop iterations during the last interval */
  uint64_t active_handles;   /* active handles, the monitor's own excluded */
  uint64_t active_reqs;      /* active requests */
  uint64_t handles_by_type[UVLOG_LOOP_HANDLE_TYPES]; /* index: uv_handle_type */
  /* Since start. */
  uint64_t iterations;       /* loop iterations */
  uint64_t lag_sum_ns;       /* sum of all ticks' lags */
  uint64_t lag_max_ns;       /* the largest tick lag */
  uint64_t lag_buckets[UVLOG_LOOP_LAG_BUCKETS]; /* NOT cumulative: ticks per bucket */
  uint64_t busy_max_ns;      /* longest busy stretch */
  uint64_t lag_warnings;     /* WARNING records logged for lag */
  uint64_t stalls;           /* stalls the watchdog reported (once per stall) */
  uint64_t stall_max_ns;     /* longest stall seen by the watchdog */
  uint64_t idle_ns;          /* uv_metrics_idle_time() at the last tick */
  /* The last complete reporting period (all 0 before the first ends). */
  uint64_t period_ticks;
  uint64_t period_lag_min_ns;
  uint64_t period_lag_avg_ns;
  uint64_t period_lag_max_ns;
  uint64_t period_busy_max_ns;
  uint64_t period_lag_buckets[UVLOG_LOOP_LAG_BUCKETS];
  double period_utilization; /* mean over the period, or -1 */
} uvlog_loop_stats_t;

/** Fills `o` with the defaults above. */
UVLOG_EXPORT void uvlog_loop_monitor_options_init(uvlog_loop_monitor_options_t *o);

/** Starts monitoring `loop` (a `uv_loop_t *`, the application's loop) and
 *  logs its warnings to `log` (may be NULL: then WARNINGs go to stderr,
 *  uvlog's last resort). Call it on the loop's thread, before or while the
 *  loop runs. `opts` may be NULL (defaults). The monitor starts a uv_timer_t,
 *  a uv_prepare_t and a uv_check_t on `loop` (all uv_unref()'d) and, if
 *  stall_ms > 0, the watchdog thread.
 *  Errors: UVLOG_EINVAL (NULL out/loop, an option out of range),
 *  UVLOG_ENOMEM, or a negative libuv/pthread error code. */
UVLOG_EXPORT int uvlog_loop_monitor_start(uvlog_loop_monitor_t **out, struct uv_loop_s *loop,
                                          uvlog_t *log, const uvlog_loop_monitor_options_t *opts);

/** Stops the monitor: joins the watchdog thread, stops and uv_close()s the
 *  monitor's handles. Call it on the loop's thread (e.g. from a uv_signal_t
 *  callback) or while the loop is not running. The handle is freed by the
 *  last close callback, so the loop must run once more before
 *  uv_loop_close() (which returns UV_EBUSY until then):
 *    uvlog_loop_monitor_stop(mon);     // on the loop's thread
 *    ... close your own handles ...
 *    uv_run(loop, UV_RUN_DEFAULT);     // runs the close callbacks
 *    uv_loop_close(loop);
 *    uvlog_logger_close(log);          // the logger last: it drains
 *  After the call `mon` must not be used (by any thread: stop it only once
 *  nothing else reads its stats). Errors: UVLOG_EINVAL (NULL). */
UVLOG_EXPORT int uvlog_loop_monitor_stop(uvlog_loop_monitor_t *mon);

/** Copies the monitor's figures (a consistent snapshot, published at each
 *  tick). Any thread, no lock. Errors: UVLOG_EINVAL (NULL). */
UVLOG_EXPORT int uvlog_loop_monitor_stats(const uvlog_loop_monitor_t *mon, uvlog_loop_stats_t *st);

/* ------------------------------------------------------------------------ */
/* Self-metrics (Prometheus text exposition format 0.0.4)                    */
/* ------------------------------------------------------------------------ */

/** Renders the logger's metrics (records, records accepted and dropped by
 *  level, truncation, ring depth/capacity/high-water, the listener's busy
 *  time, the delivery latency histogram, per-sink records and bytes
 *  written, drops, errors and reconnects labelled sink="name",index="N",
 *  N being the order of addition as in uvlog_logger_sinks()) and, if `mon`
 *  is not NULL, the loop monitor's (lag histogram, utilization, busy
 *  stretch, iterations, handles by type, stalls) into `buf` as Prometheus
 *  text (Content-Type "text/plain; version=0.0.4"). Either of `log` and
 *  `mon` may be NULL, not both. Like snprintf: writes at most cap - 1 bytes
 *  and a NUL (buf may be NULL when cap is 0) and returns the length of the
 *  whole text; if that is >= cap, call again with a larger buffer. Any
 *  thread: every figure is read with atomic loads, so producers and the
 *  listener never wait for it (the sink list is walked under the logger's
 *  configuration lock, which the log calls never take). Counters only grow
 *  from one call to the next; a histogram read while the listener counts a
 *  batch may miss part of that batch (its _count is always the sum of its
 *  buckets). Errors: UVLOG_EINVAL. */
UVLOG_EXPORT int uvlog_metrics_write(uvlog_t *log, const uvlog_loop_monitor_t *mon, char *buf,
                                     size_t cap);

#endif /* UVLOG_LOOP_H */
