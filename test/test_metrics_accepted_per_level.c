/*
 * test_metrics_accepted_per_level.c -- the listener counts the records it
 * takes from the ring by level: after a flush, N records logged at a level
 * read as accepted{level} == N, in uvlog_logger_stats() and in the
 * exposition; records below the level and records dropped on a full ring
 * are not counted as accepted; the counts add up to uvlog_records_total
 * and to the delivery latency histogram's count.
 */
#include <criterion/criterion.h>

#include "capture.h"
#include "metrics_fixture.h"

static const int per_level[UVLOG_LEVEL_COUNT] = {3, 5, 8, 13, 21, 34, 55};

Test(metrics_accepted_per_level, n_records_at_each_level_read_n, .timeout = 60) {
  capture_t cap;
  capture_init(&cap);
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&cap, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_set_level(log, UVLOG_LEVEL_DEBUG), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  /* Interleaved: one round per count, each level while it has some left. */
  for (int round = 0; round < 55; round++)
    for (int l = 0; l < UVLOG_LEVEL_COUNT; l++) {
      if (round >= per_level[l]) continue;
      int rc = UVLOG_LOG_TO(log, (uvlog_level_t)l, "level %d round %d", l, round);
      cr_assert_eq(rc, l == UVLOG_LEVEL_TRACE ? UVLOG_EFILTERED : 0);
    }
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);

  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  uint64_t sum = 0;
  const char *text = mf_exposition(log);
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++) {
    uint64_t want = l == UVLOG_LEVEL_TRACE ? 0 : (uint64_t)per_level[l]; /* filtered */
    cr_expect_eq(st.accepted_by_level[l], want, "%s: %llu", uvlog_level_name((uvlog_level_t)l),
                 (unsigned long long)st.accepted_by_level[l]);
    char series[96];
    snprintf(series, sizeof series, "uvlog_records_accepted_total{level=\"%s\"}",
             uvlog_level_name((uvlog_level_t)l));
    cr_expect_eq(mf_sample(text, series), (double)want, "%s", series);
    sum += st.accepted_by_level[l];
  }
  cr_expect_eq(sum, st.records);
  cr_expect_eq(st.latency_count, st.records);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_count"), (double)st.records);
  cr_expect_eq(capture_seen(&cap), st.records);
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

Test(metrics_accepted_per_level, dropped_records_are_not_accepted, .timeout = 60) {
  capture_t cap;
  capture_init(&cap);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&cap, UVLOG_LEVEL_TRACE)), 0);
  /* Not started: nothing drains, the ring fills and the rest is dropped. */
  int queued = 0, dropped = 0;
  for (int i = 0; i < 300; i++) {
    int rc = UVLOG_NOTICE_TO(log, "fill %d %s", i, "xxxxxxxxxxxxxxxxxxxxxxxx");
    queued += rc == 0;
    dropped += rc == UVLOG_EAGAIN;
  }
  cr_assert_gt(dropped, 0);
  cr_assert_eq(queued + dropped, 300);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_expect_eq(st.accepted_by_level[UVLOG_LEVEL_NOTICE], 0u, "counted when drained, not at the call");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_expect_eq(st.accepted_by_level[UVLOG_LEVEL_NOTICE], (uint64_t)queued);
  cr_expect_eq(st.dropped_by_level[UVLOG_LEVEL_NOTICE], (uint64_t)dropped);
  /* The drop report is the listener's own record: written, not accepted. */
  cr_expect_eq(st.accepted_by_level[UVLOG_LEVEL_WARNING], 0u);
  cr_expect_eq(st.records, (uint64_t)queued);
  cr_expect_eq(st.latency_count, (uint64_t)queued);
  uvlog_logger_destroy(log);
  capture_free(&cap);
}
