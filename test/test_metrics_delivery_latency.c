/*
 * test_metrics_delivery_latency.c -- a record's delivery latency runs from
 * its timestamp to the moment every sink's write() returned for its batch:
 * a sink that takes 60 ms in write() puts the record in a bucket above
 * 50 ms, and the histogram counts each record once, with _sum in seconds.
 */
#include <criterion/criterion.h>

#include "metrics_fixture.h"

static int slow_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s, (void)e, (void)n;
  mf_sleep_ms(60);
  return 0;
}

static int fast_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s, (void)e, (void)n;
  return 0;
}

static uvlog_t *logger_with(const uvlog_sink_vtable_t *vt) {
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, vt, NULL), 0);
  return mf_logger_with(s);
}

Test(metrics_delivery_latency, measured_when_the_sinks_write_returned, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {.name = "slow", .write = slow_write};
  uvlog_t *log = logger_with(&vt);
  cr_assert_eq(UVLOG_INFO_TO(log, "one"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.latency_count, 1u);
  cr_expect_geq(st.latency_sum_ns, 60000000u, "sum %llu ns", (unsigned long long)st.latency_sum_ns);
  static const uint64_t bounds_us[UVLOG_LATENCY_BUCKETS - 1] = UVLOG_LATENCY_BOUNDS_US;
  for (int i = 0; i < UVLOG_LATENCY_BUCKETS - 1 && bounds_us[i] <= 50000; i++)
    cr_expect_eq(st.latency_buckets[i], 0u, "bucket le=%llu us", (unsigned long long)bounds_us[i]);
  const char *text = mf_exposition(log);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_bucket{le=\"0.05\"}"), 0.0);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_bucket{le=\"+Inf\"}"), 1.0);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_count"), 1.0);
  cr_expect_geq(mf_sample(text, "uvlog_delivery_latency_seconds_sum"), 0.06);
  uvlog_logger_destroy(log);
}

Test(metrics_delivery_latency, one_count_per_record, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {.name = "fast", .write = fast_write};
  uvlog_t *log = logger_with(&vt);
  for (int i = 0; i < 1000; i++) cr_assert_eq(UVLOG_INFO_TO(log, "record %d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  uint64_t sum = 0;
  for (int i = 0; i < UVLOG_LATENCY_BUCKETS; i++) sum += st.latency_buckets[i];
  cr_expect_eq(sum, 1000u);
  cr_expect_eq(st.latency_count, 1000u);
  /* Nothing waited anywhere near 10 s. */
  cr_expect_eq(st.latency_buckets[UVLOG_LATENCY_BUCKETS - 1], 0u);
  uvlog_logger_destroy(log);
}
