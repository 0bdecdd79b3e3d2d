/*
 * test_rate_limit.c -- the per-call-site rate limit (options
 * rate_limit_burst / rate_limit_interval_ms): a storm from several threads
 * at one site lets exactly `burst` records through per interval, refuses
 * the rest with UVLOG_ERATELIMITED and counts them (stats.rate_limited),
 * and the first call after the interval queues one "suppressed M records"
 * record at the site's level before its own. Off by default: nothing is
 * refused. uvlog_log() (no static site) is never limited.
 *
 * The windows are counted on a test clock (ratelimit.h) that only the test
 * moves, so every count below is exact.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>

#include "capture.h"
#include "ratelimit.h"
#include "uvlog.h"

#define THREADS 4
#define CALLS 500
#define BURST 7

static _Atomic int64_t fake_now;
static int64_t fake_clock(void *ctx) {
  (void)ctx;
  return atomic_load(&fake_now);
}

static uvlog_t *make(capture_t *c, unsigned burst) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = (size_t)1 << 22;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  o.rate_limit_burst = burst;
  o.rate_limit_interval_ms = 100;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

/* Occurrences of `needle` in the captured text before `end`. */
static int capture_count_before(capture_t *c, const char *needle, const char *end) {
  int n = 0;
  for (const char *p = c->text; (p = strstr(p, needle)) != NULL && p < end; p++) n++;
  return n;
}

/* One call site for every thread of the storm. */
static int storm_site(uvlog_t *log, int i) { return UVLOG_WARNING_TO(log, "storm %d", i); }

typedef struct storm {
  uvlog_t *log;
  int ok, limited, other;
} storm_t;

static void *storm_main(void *arg) {
  storm_t *s = arg;
  for (int i = 0; i < CALLS; i++) {
    int rc = storm_site(s->log, i);
    if (rc == 0) s->ok++;
    else if (rc == UVLOG_ERATELIMITED) s->limited++;
    else s->other++;
  }
  return NULL;
}

/* Runs THREADS x CALLS calls at storm_site; returns how many got through. */
static int storm(uvlog_t *log, int *limited) {
  pthread_t th[THREADS];
  storm_t st[THREADS];
  for (int t = 0; t < THREADS; t++) {
    st[t] = (storm_t){log, 0, 0, 0};
    cr_assert_eq(pthread_create(&th[t], NULL, storm_main, &st[t]), 0);
  }
  int ok = 0;
  *limited = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(th[t], NULL);
    cr_assert_eq(st[t].other, 0);
    ok += st[t].ok;
    *limited += st[t].limited;
  }
  return ok;
}

Test(rate_limit, storm_gets_burst_per_interval_and_a_summary) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c, BURST);
  cr_assert_eq(uvlog__rate_set_clock(log, fake_clock, NULL), 0);
  int limited;
  cr_assert_eq(storm(log, &limited), BURST);
  cr_assert_eq(limited, THREADS * CALLS - BURST);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.rate_limited, (uint64_t)(THREADS * CALLS - BURST));
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, BURST);
  cr_assert_eq(capture_count(&c, "suppressed"), 0);

  /* The next interval: a second storm, the summary of the first first. */
  atomic_fetch_add(&fake_now, 100 * 1000000);
  cr_assert_eq(storm(log, &limited), BURST);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 2 * BURST + 1);
  char want[256];
  snprintf(want, sizeof want,
           "WARNING suppressed %d records from %s:", THREADS * CALLS - BURST, __FILE__);
  cr_assert_eq(capture_count(&c, want), 1, "%s", c.text);
  cr_assert_eq(capture_count(&c, "(rate limit: 7 per 100 ms)"), 1);
  /* The summary comes before the second interval's records. */
  const char *sum = strstr(c.text, want);
  cr_assert_eq(capture_count_before(&c, "WARNING storm", sum), BURST);

  /* Three intervals later: one summary for the second storm only (an
   * interval with no call refused nothing). */
  atomic_fetch_add(&fake_now, 3 * 100 * 1000000);
  cr_assert_eq(storm_site(log, -1), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(capture_count(&c, "suppressed"), 2);
  cr_assert_eq(c.entries, 2 * BURST + 3);
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.rate_limited, (uint64_t)(2 * (THREADS * CALLS - BURST)));
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(rate_limit, off_by_default_refuses_nothing) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  cr_assert_eq(o.rate_limit_burst, 0);
  cr_assert_eq(o.rate_limit_interval_ms, 1000);
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c, 0);
  int limited;
  cr_assert_eq(storm(log, &limited), THREADS * CALLS);
  cr_assert_eq(limited, 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, THREADS * CALLS);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.rate_limited, 0);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(rate_limit, sites_are_independent_and_uvlog_log_is_not_limited) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c, 2);
  cr_assert_eq(uvlog__rate_set_clock(log, fake_clock, NULL), 0);
  int a = 0, b = 0, d = 0;
  for (int i = 0; i < 10; i++) {
    a += UVLOG_INFO_TO(log, "site a %d", i) == 0;
    b += UVLOG_ERROR_TO(log, "site b %d", i) == 0;
    d += uvlog_log(log, UVLOG_LEVEL_INFO, "f.c", 1, "f", "runtime site %d", i) == 0;
  }
  cr_assert_eq(a, 2);
  cr_assert_eq(b, 2);
  cr_assert_eq(d, 10);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(rate_limit, zero_interval_is_refused) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.rate_limit_burst = 5;
  o.rate_limit_interval_ms = 0;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL);
  cr_assert_null(log);
  cr_assert_str_eq(uvlog_options_explain(&o),
                   "rate_limit_interval_ms: must not be 0 when rate_limit_burst is set");
  cr_assert_str_eq(uvlog_strerror(UVLOG_ERATELIMITED),
                   "refused by the call site's rate limit (counted)");
}
