/*
 * test_timestamps_never_go_back.c -- records carry raw TSC ticks (where the
 * CPU has an invariant TSC) that the listener converts to wall time. Within
 * one thread a later record never shows an earlier time, whatever order the
 * listener converts ticks in; converted times stay within a few ms of
 * CLOCK_REALTIME; UVLOG_CLOCK=realtime forces the clock_gettime fallback.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "capture.h"
#include "logger_impl.h"
#include "timeconv.h"
#include "tsc.h"

#define THREADS 3
#define PER_THREAD 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static uint32_t tids[16];
static int64_t last_ts[16];
static size_t backwards, seen, far_off;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Per thread id: the time of its previous record. */
static int check(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  int64_t now = now_ns();
  pthread_mutex_lock(&mu);
  for (size_t i = 0; i < n; i++) {
    if (e[i].flags & UVLOG_ENTRY_INTERNAL) continue;
    int k = 0;
    while (k < 16 && tids[k] && tids[k] != e[i].tid) k++;
    if (k == 16) continue;
    tids[k] = e[i].tid;
    if (e[i].ts_ns < last_ts[k]) backwards++;
    last_ts[k] = e[i].ts_ns;
    if (e[i].ts_ns > now + 5000000 || e[i].ts_ns < now - 10000000000) far_off++;
    seen++;
  }
  pthread_mutex_unlock(&mu);
  return 0;
}

static void *producer(void *arg) {
  uvlog_t *log = arg;
  for (int i = 0; i < PER_THREAD; i++) {
    while (UVLOG_INFO_TO(log, "n %d", i) == UVLOG_EAGAIN) sched_yield();
    if (i % 5000 == 0) {
      struct timespec ts = {0, 3000000}; /* pauses: the listener samples anew */
      nanosleep(&ts, NULL);
    }
  }
  return NULL;
}

static void run(int expect_tsc) {
  memset(tids, 0, sizeof tids);
  memset(last_ts, 0, sizeof last_ts);
  backwards = seen = far_off = 0;
  capture_t c;
  capture_init(&c);
  c.on_write = check;
  uvlog_options_t o;
  uvlog_options_init(&o);
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  if (expect_tsc >= 0) cr_assert_eq(log->tsc, expect_tsc);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, producer, log);
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(seen, (size_t)THREADS * PER_THREAD);
  cr_assert_eq(backwards, 0, "%zu records went back in time within their thread", backwards);
  cr_assert_eq(far_off, 0, "%zu records far from CLOCK_REALTIME", far_off);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(timestamps, per_thread_order_tsc_or_default) {
  run(-1);
}

Test(timestamps, forced_realtime_fallback) {
  setenv("UVLOG_CLOCK", "realtime", 1);
  run(0);
  unsetenv("UVLOG_CLOCK");
}

/* The conversion is a non-decreasing function of the tick, whatever order
 * ticks are converted in and however far apart in time. */
Test(timestamps, conversion_is_monotone_in_any_order) {
  if (!uvlog__tsc_usable()) {
    cr_log_info("no invariant TSC here: nothing to test");
    return;
  }
  enum { N = 4000 };
  static uint64_t ticks[N];
  static int64_t conv[N];
  uvlog_tconv_t tc;
  uvlog__tconv_init(&tc);
  unsigned seed = 7;
  for (int i = 0; i < N; i++) {
    ticks[i] = uvlog__rdtsc();
    if (i % 500 == 0) {
      struct timespec ts = {0, 2000000};
      nanosleep(&ts, NULL);
    }
    /* Convert now and then, in a shuffled order within a window behind. */
    if (i % 7 == 6) {
      for (int k = i - 6; k <= i; k++) {
        seed = seed * 1103515245u + 12345u;
        int j = i - 6 + (int)((seed >> 16) % 7);
        if (!conv[j]) conv[j] = uvlog__tconv_ns(&tc, ticks[j]);
        if (!conv[k]) conv[k] = uvlog__tconv_ns(&tc, ticks[k]);
      }
    }
  }
  for (int i = 0; i < N; i++)
    if (!conv[i]) conv[i] = uvlog__tconv_ns(&tc, ticks[i]);
  for (int i = 1; i < N; i++)
    cr_assert_geq(conv[i], conv[i - 1], "tick %d converted below tick %d", i, i - 1);
  int64_t err = conv[N - 1] - now_ns();
  cr_assert_lt(err < 0 ? -err : err, 5000000, "last conversion %lld ns from the clock",
               (long long)err);
}
