/*
 * metrics_fixture.h -- helpers for the self-metrics tests (test_metrics_*):
 * a started logger with one sink, reading one sample's value out of
 * uvlog_metrics_write()'s text, and waiting on a counter with a deadline. Header-only; include it once per
 * test executable, after <criterion/criterion.h>.
 */
#ifndef UVLOG_TEST_METRICS_FIXTURE_H
#define UVLOG_TEST_METRICS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uvlog.h"

/* The logger's exposition (no loop monitor), in a static buffer. */
static inline const char *mf_exposition(uvlog_t *log) {
  static char text[1 << 16];
  int n = uvlog_metrics_write(log, NULL, text, sizeof text);
  cr_assert(n > 0 && n < (int)sizeof text, "uvlog_metrics_write: %d", n);
  return text;
}

/* The value of the sample whose name and labels are exactly `series`
 * (e.g. `uvlog_records_accepted_total{level="INFO"}`); fails the test if
 * the text has no such sample. */
static inline double mf_sample(const char *text, const char *series) {
  size_t k = strlen(series);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, series, k) == 0 && p[k] == ' ') return strtod(p + k + 1, NULL);
  }
  cr_assert_fail("no sample %s in\n%s", series, text);
  return -1;
}

/* A started logger with the one sink `s`. */
static inline uvlog_t *mf_logger_with(uvlog_sink_t *s) {
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

/* The sink's counters now. */
static inline uvlog_sink_stats_t mf_sink_stats(uvlog_sink_t *s) {
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  return st;
}

static inline double mf_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void mf_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits until the sink's reconnect count reaches `n` (deadline: 20 s, which
 * only turns a hang into a failure); returns the count seen. */
static inline uint64_t mf_wait_reconnects(uvlog_sink_t *s, uint64_t n) {
  uint64_t got = 0;
  for (double end = mf_now_s() + 20; mf_now_s() < end; mf_sleep_ms(2))
    if ((got = mf_sink_stats(s).reconnects) >= n) break;
  return got;
}

#endif /* UVLOG_TEST_METRICS_FIXTURE_H */
