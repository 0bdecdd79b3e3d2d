/*
 * loop_monitor.c -- health of the application's libuv loop (uvlog/loop.h).
 *
 * On the monitored loop (its thread only):
 *   - a one-shot uv_timer_t re-armed every interval: its lag (callback time
 *     minus due time) and the per-interval figures (utilization from
 *     uv_metrics_idle_time(), iterations, handles by type);
 *   - a uv_prepare_t (just before the poll phase) and a uv_check_t (just
 *     after it): they count iterations, time the busy stretches (check ->
 *     next prepare is all callbacks; prepare -> check is I/O callbacks plus
 *     idle time, the idle part known from uv_metrics_idle_time()) and beat
 *     the heartbeat the watchdog reads.
 * All three handles are uv_unref()'d.
 *
 * The watchdog thread wakes every stall_ms / 4 (a condvar timedwait on
 * CLOCK_MONOTONIC, also how stop wakes it) and compares uv_hrtime() with the
 * heartbeat.
 *
 * Publication: the loop thread owns a working copy of the stats and, at
 * each tick, publishes it with a sequence lock over relaxed atomic words;
 * readers (any thread) retry if the sequence moved. Nobody waits for a lock.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "uvlog.h"

#define NWORDS (sizeof(uvlog_loop_stats_t) / sizeof(uint64_t))
_Static_assert(sizeof(uvlog_loop_stats_t) % sizeof(uint64_t) == 0, "stats are whole words");
_Static_assert(UV_HANDLE_TYPE_MAX <= UVLOG_LOOP_HANDLE_TYPES, "handle type slots");

static const uint64_t lag_bounds_ms[UVLOG_LOOP_LAG_BUCKETS - 1] = UVLOG_LOOP_LAG_BOUNDS_MS;

#define MS 1000000ull

struct uvlog_loop_monitor_s {
  uv_loop_t *loop;
  uvlog_t *log;
  uvlog_loop_monitor_options_t o;
  uv_timer_t timer;
  uv_prepare_t prepare;
  uv_check_t check;
  int closing;                 /* handles still closing after stop */

  /* Loop thread only. */
  uvlog_loop_stats_t cur;      /* the working copy */
  uint64_t due_ns;             /* when the running tick is due (uv_hrtime base) */
  uint64_t last_tick_ns;
  uint64_t last_idle_ns;
  uint64_t iter_at_tick;
  uint64_t check_ns;           /* last check (end of a poll phase); 0 = none yet */
  uint64_t prepare_ns;         /* last prepare (start of a poll phase) */
  uint64_t prepare_idle_ns;    /* uv_metrics_idle_time() at that prepare */
  uint64_t interval_busy_max;
  int idle_known;              /* the loop has reported idle time */
  int idle_warned;
  uint64_t p_start_ns, p_ticks, p_lag_min, p_lag_sum, p_lag_max, p_busy_max;
  uint64_t p_buckets[UVLOG_LOOP_LAG_BUCKETS];
  double p_util_sum;
  uint64_t p_util_n;

  /* Loop thread -> watchdog. Stored relaxed, then published by the release
   * increment of hb_seq; the watchdog reads hb_seq (acquire), the fields,
   * and hb_seq again: if it moved, the loop is alive and the read is moot. */
  _Atomic uint64_t hb_ns;      /* last sign of life */
  _Atomic uint64_t hb_seq;     /* bumped with it: identifies a stall */
  _Atomic uint64_t due_pub;    /* due_ns */
  _Atomic int in_poll;         /* between prepare and check */
  _Atomic uint64_t poll_idle_pub; /* uv_metrics_idle_time() at that prepare */
  _Atomic int idle_known_pub;  /* idle_known */

  /* Watchdog -> readers (relaxed tallies). */
  _Atomic uint64_t stalls;
  _Atomic uint64_t stall_max_ns;

  /* The published snapshot (sequence lock). */
  _Atomic uint64_t seq;
  _Atomic uint64_t pub[NWORDS];

  /* Watchdog thread. */
  pthread_t thread;
  int has_thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;           /* CLOCK_MONOTONIC */
  int stop;                    /* under mu */
};

void uvlog_loop_monitor_options_init(uvlog_loop_monitor_options_t *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->interval_ms = 250;
  o->lag_warn_ms = 100;
  o->stall_ms = 1000;
  o->period_ms = 10000;
  o->walk_handles = 1;
  o->summary_level = UVLOG_LEVEL_DEBUG;
}

/* ---- publication ------------------------------------------------------- */

static void publish(uvlog_loop_monitor_t *m) {
  uint64_t w[NWORDS];
  memcpy(w, &m->cur, sizeof w);
  uint64_t s = atomic_load_explicit(&m->seq, memory_order_relaxed);
  atomic_store_explicit(&m->seq, s + 1, memory_order_relaxed);
  /* release fence: the odd sequence is visible before any new word. */
  atomic_thread_fence(memory_order_release);
  for (size_t i = 0; i < NWORDS; i++) atomic_store_explicit(&m->pub[i], w[i], memory_order_relaxed);
  /* release: the words are visible before the even sequence. */
  atomic_store_explicit(&m->seq, s + 2, memory_order_release);
}

int uvlog_loop_monitor_stats(const uvlog_loop_monitor_t *mon, uvlog_loop_stats_t *st) {
  if (!mon || !st) return UVLOG_EINVAL;
  uvlog_loop_monitor_t *m = (uvlog_loop_monitor_t *)mon;  /* atomics are read, not changed */
  uint64_t w[NWORDS];
  for (;;) {
    /* acquire: pairs with publish's final release store. */
    uint64_t s1 = atomic_load_explicit(&m->seq, memory_order_acquire);
    if (s1 & 1) {
      sched_yield();
      continue;
    }
    for (size_t i = 0; i < NWORDS; i++) w[i] = atomic_load_explicit(&m->pub[i], memory_order_relaxed);
    /* acquire fence: the words are read before the sequence is checked. */
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&m->seq, memory_order_relaxed) == s1) break;
  }
  memcpy(st, w, sizeof w);
  st->stalls = atomic_load_explicit(&m->stalls, memory_order_relaxed);
  st->stall_max_ns = atomic_load_explicit(&m->stall_max_ns, memory_order_relaxed);
  return 0;
}

/* ---- the loop side ----------------------------------------------------- */

static void beat(uvlog_loop_monitor_t *m, uint64_t now) {
  atomic_store_explicit(&m->hb_ns, now, memory_order_relaxed);
  /* release: the fields stored before are visible with the new sequence. */
  atomic_fetch_add_explicit(&m->hb_seq, 1, memory_order_release);
}

/* A loop that was not configured with UV_METRICS_IDLE_TIME reports 0 idle
 * time for ever; once it reports some, it is measuring. */
static void mark_idle_known(uvlog_loop_monitor_t *m) {
  if (m->idle_known) return;
  m->idle_known = 1;
  atomic_store_explicit(&m->idle_known_pub, 1, memory_order_relaxed);
}

static void busy_stretch(uvlog_loop_monitor_t *m, uint64_t ns) {
  if (ns > m->interval_busy_max) m->interval_busy_max = ns;
}

static void on_prepare(uv_prepare_t *h) {
  uvlog_loop_monitor_t *m = h->data;
  uint64_t now = uv_hrtime();
  /* check -> prepare: closing callbacks, timers, pending, idle: all busy. */
  if (m->check_ns && now > m->check_ns) busy_stretch(m, now - m->check_ns);
  m->prepare_ns = now;
  m->prepare_idle_ns = m->idle_known ? uv_metrics_idle_time(m->loop) : 0;
  atomic_store_explicit(&m->poll_idle_pub, m->prepare_idle_ns, memory_order_relaxed);
  atomic_store_explicit(&m->in_poll, 1, memory_order_relaxed);
  beat(m, now);
}

static void on_check(uv_check_t *h) {
  uvlog_loop_monitor_t *m = h->data;
  uint64_t now = uv_hrtime();
  m->cur.iterations++;
  if (!m->idle_known && uv_metrics_idle_time(m->loop) > 0) mark_idle_known(m);
  /* prepare -> check: I/O callbacks, and the idle wait we subtract. */
  if (m->idle_known && m->prepare_ns && now > m->prepare_ns) {
    uint64_t idle = uv_metrics_idle_time(m->loop) - m->prepare_idle_ns;
    uint64_t span = now - m->prepare_ns;
    if (span > idle) busy_stretch(m, span - idle);
  }
  m->check_ns = now;
  atomic_store_explicit(&m->in_poll, 0, memory_order_relaxed);
  beat(m, now);
}

typedef struct {
  uvlog_loop_monitor_t *m;
  uint64_t by_type[UVLOG_LOOP_HANDLE_TYPES];
  uint64_t total;
} walk_t;

static void walk_cb(uv_handle_t *h, void *arg) {
  walk_t *w = arg;
  uvlog_loop_monitor_t *m = w->m;
  if (h == (uv_handle_t *)&m->timer || h == (uv_handle_t *)&m->prepare ||
      h == (uv_handle_t *)&m->check)
    return;
  if (!uv_is_active(h) || uv_is_closing(h)) return;
  unsigned t = (unsigned)uv_handle_get_type(h);
  if (t < UVLOG_LOOP_HANDLE_TYPES) w->by_type[t]++;
  w->total++;
}

static unsigned bucket_of(uint64_t ns) {
  unsigned i = 0;
  while (i < UVLOG_LOOP_LAG_BUCKETS - 1 && ns > lag_bounds_ms[i] * MS) i++;
  return i;
}

static void period_reset(uvlog_loop_monitor_t *m, uint64_t now) {
  m->p_start_ns = now;
  m->p_ticks = m->p_lag_sum = m->p_lag_max = m->p_busy_max = 0;
  m->p_lag_min = UINT64_MAX;
  memset(m->p_buckets, 0, sizeof m->p_buckets);
  m->p_util_sum = 0;
  m->p_util_n = 0;
}

static void arm(uvlog_loop_monitor_t *m);

static void on_tick(uv_timer_t *h) {
  uvlog_loop_monitor_t *m = h->data;
  uvlog_loop_stats_t *c = &m->cur;
  uint64_t now = uv_hrtime();
  uint64_t lag = now > m->due_ns ? now - m->due_ns : 0;
  beat(m, now);

  /* Utilization over the interval. */
  uint64_t idle = uv_metrics_idle_time(m->loop);
  if (idle > 0) mark_idle_known(m);
  if (m->idle_known) {
    uint64_t elapsed = now - m->last_tick_ns;
    uint64_t d = idle - m->last_idle_ns;
    double u = elapsed ? 1.0 - (double)d / (double)elapsed : 0;
    c->utilization = u < 0 ? 0 : u > 1 ? 1 : u;
  } else {
    c->utilization = -1;
    /* A loop that never waits (always busy) reports no idle time either:
     * give it a few ticks, and say both. */
    if (!m->idle_warned && c->ticks >= 4) {
      m->idle_warned = 1;
      UVLOG_WARNING_TO(m->log,
                       "uvlog.loop: utilization unknown: no idle time measured (call "
                       "uv_loop_configure(loop, UV_METRICS_IDLE_TIME) before uv_run(); or the "
                       "loop never waits)");
    }
  }
  m->last_idle_ns = idle;
  c->idle_ns = idle;

  c->ticks++;
  c->lag_ns = lag;
  c->lag_sum_ns += lag;
  if (lag > c->lag_max_ns) c->lag_max_ns = lag;
  unsigned b = bucket_of(lag);
  c->lag_buckets[b]++;
  c->interval_iterations = c->iterations - m->iter_at_tick;
  m->iter_at_tick = c->iterations;
  uint64_t busy = m->interval_busy_max;
  m->interval_busy_max = 0;
  if (busy > c->busy_max_ns) c->busy_max_ns = busy;

  if (m->o.walk_handles) {
    walk_t w;
    memset(&w, 0, sizeof w);
    w.m = m;
    uv_walk(m->loop, walk_cb, &w);
    memcpy(c->handles_by_type, w.by_type, sizeof w.by_type);
    c->active_handles = w.total;
  }
  c->active_reqs = m->loop->active_reqs.count;

  /* The reporting period. */
  m->p_ticks++;
  m->p_lag_sum += lag;
  if (lag < m->p_lag_min) m->p_lag_min = lag;
  if (lag > m->p_lag_max) m->p_lag_max = lag;
  if (busy > m->p_busy_max) m->p_busy_max = busy;
  m->p_buckets[b]++;
  if (c->utilization >= 0) {
    m->p_util_sum += c->utilization;
    m->p_util_n++;
  }
  if (now - m->p_start_ns >= (uint64_t)m->o.period_ms * MS) {
    c->period_ticks = m->p_ticks;
    c->period_lag_min_ns = m->p_lag_min;
    c->period_lag_avg_ns = m->p_lag_sum / m->p_ticks;
    c->period_lag_max_ns = m->p_lag_max;
    c->period_busy_max_ns = m->p_busy_max;
    memcpy(c->period_lag_buckets, m->p_buckets, sizeof m->p_buckets);
    c->period_utilization = m->p_util_n ? m->p_util_sum / (double)m->p_util_n : -1;
    if (m->o.summary_level < UVLOG_LEVEL_OFF)
      UVLOG_LOG_TO(m->log, m->o.summary_level,
                   "uvlog.loop: period %.1f s: lag min=%.2f avg=%.2f max=%.2f ms busy_max=%.2f ms "
                   "util=%.3f iterations=%llu handles=%llu reqs=%llu",
                   (double)(now - m->p_start_ns) / 1e9, (double)c->period_lag_min_ns / 1e6,
                   (double)c->period_lag_avg_ns / 1e6, (double)c->period_lag_max_ns / 1e6,
                   (double)c->period_busy_max_ns / 1e6, c->period_utilization,
                   (unsigned long long)c->iterations, (unsigned long long)c->active_handles,
                   (unsigned long long)c->active_reqs);
    period_reset(m, now);
  }

  uint64_t thr = (uint64_t)m->o.lag_warn_ms * MS;
  if (thr && (lag > thr || busy > thr)) {
    c->lag_warnings++;
    UVLOG_WARNING_TO(m->log,
                     "uvlog.loop: lag %.1f ms (threshold %u ms) busy_max_ms=%.1f util=%.2f "
                     "iterations=%llu handles=%llu reqs=%llu",
                     (double)lag / 1e6, m->o.lag_warn_ms, (double)busy / 1e6, c->utilization,
                     (unsigned long long)c->interval_iterations,
                     (unsigned long long)c->active_handles, (unsigned long long)c->active_reqs);
  }

  publish(m);
  m->last_tick_ns = now;
  arm(m);
}

/* Arms the one-shot tick. libuv makes it due at uv_now() + interval (the
 * loop's cached millisecond clock, itself from uv_hrtime()'s clock). */
static void arm(uvlog_loop_monitor_t *m) {
  m->due_ns = (uv_now(m->loop) + m->o.interval_ms) * MS;
  atomic_store_explicit(&m->due_pub, m->due_ns, memory_order_relaxed);
  uv_timer_start(&m->timer, on_tick, m->o.interval_ms, 0);
}

/* ---- the watchdog ------------------------------------------------------ */

static void *watchdog(void *arg) {
  uvlog_loop_monitor_t *m = arg;
  uint64_t step = (uint64_t)m->o.stall_ms * MS / 4;
  if (step < MS) step = MS;
  if (step > 250 * MS) step = 250 * MS;
  uint64_t thr = (uint64_t)m->o.stall_ms * MS;
  uint64_t stall_seq = UINT64_MAX, next_report = 0;
  int lower_bound;
  pthread_mutex_lock(&m->mu);
  while (!m->stop) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + step;
    ts.tv_sec = (time_t)(t / 1000000000ull);
    ts.tv_nsec = (long)(t % 1000000000ull);
    pthread_cond_timedwait(&m->cv, &m->mu, &ts);
    if (m->stop) break;

    /* acquire: pairs with beat()'s release; the fields below are at least
     * as new as `seq`. */
    uint64_t seq = atomic_load_explicit(&m->hb_seq, memory_order_acquire);
    if (seq == 0) continue;  /* the loop has not run yet */
    uint64_t hb = atomic_load_explicit(&m->hb_ns, memory_order_relaxed);
    int in_poll = atomic_load_explicit(&m->in_poll, memory_order_relaxed);
    uint64_t due = atomic_load_explicit(&m->due_pub, memory_order_relaxed);
    uint64_t poll_idle = atomic_load_explicit(&m->poll_idle_pub, memory_order_relaxed);
    int idle_known = atomic_load_explicit(&m->idle_known_pub, memory_order_relaxed);
    /* uv_metrics_idle_time() takes the loop's metrics mutex: libuv made it
     * callable from another thread (Node reads a worker's loop this way).
     * It includes the current wait if the loop is in epoll_wait now. */
    uint64_t idle_now = in_poll && idle_known ? uv_metrics_idle_time(m->loop) : 0;
    uint64_t now = uv_hrtime();
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load_explicit(&m->hb_seq, memory_order_relaxed) != seq) continue;  /* alive */
    uint64_t blocked;
    lower_bound = 0;
    if (!in_poll) {
      blocked = now > hb ? now - hb : 0;  /* callbacks since the last beat */
    } else if (idle_known) {
      /* In the poll phase: the time since prepare, less the idle waits. */
      uint64_t span = now > hb ? now - hb : 0, idle = idle_now - poll_idle;
      blocked = span > idle ? span - idle : 0;
    } else {
      /* No idle time: the loop may have waited, but never past the tick's
       * due time (+1 ms of clock rounding): count from there, a lower bound. */
      uint64_t since = due + MS > hb ? due + MS : hb;
      blocked = now > since ? now - since : 0;
      lower_bound = 1;
    }
    if (blocked <= thr) continue;
    if (seq != stall_seq) {
      stall_seq = seq;
      next_report = thr;
      atomic_fetch_add_explicit(&m->stalls, 1, memory_order_relaxed);
    }
    if (blocked > atomic_load_explicit(&m->stall_max_ns, memory_order_relaxed))
      atomic_store_explicit(&m->stall_max_ns, blocked, memory_order_relaxed);
    if (blocked < next_report) continue;
    next_report = blocked * 2;
    pthread_mutex_unlock(&m->mu);
    UVLOG_WARNING_TO(m->log, "uvlog.loop: stall: loop blocked for %.1f ms (threshold %u ms)%s",
                     (double)blocked / 1e6, m->o.stall_ms,
                     lower_bound ? " (at least: no idle time measured)" : "");
    if (m->o.on_stall) m->o.on_stall(m, blocked, now, m->o.data);
    pthread_mutex_lock(&m->mu);
  }
  pthread_mutex_unlock(&m->mu);
  return NULL;
}

/* ---- start / stop ------------------------------------------------------ */

int uvlog_loop_monitor_start(uvlog_loop_monitor_t **out, struct uv_loop_s *loop, uvlog_t *log,
                             const uvlog_loop_monitor_options_t *opts) {
  if (!out || !loop) return UVLOG_EINVAL;
  *out = NULL;
  uvlog_loop_monitor_options_t o;
  if (opts) o = *opts;
  else uvlog_loop_monitor_options_init(&o);
  if (o.interval_ms < 1 || o.interval_ms > 60000) return UVLOG_EINVAL;
  if ((unsigned)o.summary_level > UVLOG_LEVEL_OFF) return UVLOG_EINVAL;
  if (o.walk_handles != 0 && o.walk_handles != 1) return UVLOG_EINVAL;

  uvlog_loop_monitor_t *m = calloc(1, sizeof *m);
  if (!m) return UVLOG_ENOMEM;
  m->loop = loop;
  m->log = log;
  m->o = o;
  m->cur.utilization = -1;
  m->cur.period_utilization = -1;
  uint64_t now = uv_hrtime();
  m->last_tick_ns = now;
  period_reset(m, now);
  m->last_idle_ns = uv_metrics_idle_time(loop);
  if (m->last_idle_ns > 0) mark_idle_known(m);
  publish(m);

  int rc = uv_timer_init(loop, &m->timer);
  if (rc == 0) rc = uv_prepare_init(loop, &m->prepare);
  if (rc == 0) rc = uv_check_init(loop, &m->check);
  if (rc != 0) {
    free(m);  /* init fails only before the handle is registered */
    return rc;
  }
  m->timer.data = m->prepare.data = m->check.data = m;

  if (o.stall_ms > 0) {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&m->mu, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);  /* the watchdog takes no signal */
    rc = pthread_create(&m->thread, NULL, watchdog, m);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
      /* The handles are initialised: close them, the loop frees m later. */
      m->o.stall_ms = 0;
      uvlog_loop_monitor_stop(m);
      return -rc;
    }
    m->has_thread = 1;
  }

  uv_prepare_start(&m->prepare, on_prepare);
  uv_check_start(&m->check, on_check);
  arm(m);
  uv_unref((uv_handle_t *)&m->timer);
  uv_unref((uv_handle_t *)&m->prepare);
  uv_unref((uv_handle_t *)&m->check);
  *out = m;
  return 0;
}

static void on_closed(uv_handle_t *h) {
  uvlog_loop_monitor_t *m = h->data;
  if (--m->closing == 0) {
    if (m->o.stall_ms > 0) {
      pthread_cond_destroy(&m->cv);
      pthread_mutex_destroy(&m->mu);
    }
    free(m);
  }
}

int uvlog_loop_monitor_stop(uvlog_loop_monitor_t *m) {
  if (!m) return UVLOG_EINVAL;
  if (m->has_thread) {
    pthread_mutex_lock(&m->mu);
    m->stop = 1;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    m->has_thread = 0;
  }
  m->closing = 3;
  uv_close((uv_handle_t *)&m->timer, on_closed);
  uv_close((uv_handle_t *)&m->prepare, on_closed);
  uv_close((uv_handle_t *)&m->check, on_closed);
  return 0;
}
