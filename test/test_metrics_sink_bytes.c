/*
 * test_metrics_sink_bytes.c -- per-sink figures are exact: after a flush,
 * two file sinks of the same name (told apart by their index label, the
 * order of addition) each report bytes written == the size of their file
 * and records written == its lines, in uvlog_sink_stats() (the sinks found
 * with uvlog_logger_sinks()) and in the exposition; the delivery latency
 * histogram counts every record the unfiltered sink wrote.
 */
#include <criterion/criterion.h>

#include "metrics_fixture.h"
#include "net_fixture.h"

Test(metrics_sink_bytes, bytes_written_equal_the_file_size, .timeout = 60) {
  char dir[512], path[2][600];
  nf_mkdtemp(dir, sizeof dir, "metrics-bytes");
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  for (int i = 0; i < 2; i++) {
    snprintf(path[i], sizeof path[i], "%s/%d.log", dir, i);
    uvlog_sink_t *s;
    cr_assert_eq(uvlog_sink_file_create(&s, path[i], NULL), 0);
    cr_assert_eq(uvlog_sink_set_level(s, i == 0 ? UVLOG_LEVEL_TRACE : UVLOG_LEVEL_WARNING), 0);
    cr_assert_eq(uvlog_sink_add(log, s), 0);
  }
  cr_assert_eq(uvlog_logger_start(log), 0);
  const long n_info = 200, n_warn = 37;
  for (long k = 0; k < n_info + n_warn; k++) {
    /* varying lengths, some bytes outside ASCII */
    int rc = k < n_info ? UVLOG_INFO_TO(log, "info %ld %.*s", k, (int)(k % 50), "ééééééééééééééééééééééééé-xxxxxxxxxxxxxxxxxxxxxxxxx")
                        : UVLOG_WARNING_TO(log, "warning %ld", k);
    NF_CHECK(rc == 0, "record %ld: %d", k, rc);
  }
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);

  uvlog_sink_t *sinks[2];
  cr_assert_eq(uvlog_logger_sinks(log, sinks, 2), 2);
  const char *text = mf_exposition(log);
  const long want_lines[2] = {n_info + n_warn, n_warn};
  for (int i = 0; i < 2; i++) {
    struct stat sb;
    cr_assert_eq(stat(path[i], &sb), 0);
    uvlog_sink_stats_t st;
    cr_assert_eq(uvlog_sink_stats(sinks[i], &st), 0);
    cr_expect_str_eq(uvlog_sink_name(sinks[i]), "file");
    cr_expect_eq(st.bytes, (uint64_t)sb.st_size, "sink %d: %llu bytes, file %lld", i,
                 (unsigned long long)st.bytes, (long long)sb.st_size);
    cr_expect_eq(st.written, (uint64_t)want_lines[i]);
    cr_expect_eq(nf_count_lines(path[i]), (size_t)want_lines[i]);
    char series[96];
    snprintf(series, sizeof series, "uvlog_sink_written_bytes_total{sink=\"file\",index=\"%d\"}", i);
    cr_expect_eq(mf_sample(text, series), (double)sb.st_size, "%s", series);
    snprintf(series, sizeof series, "uvlog_sink_written_total{sink=\"file\",index=\"%d\"}", i);
    cr_expect_eq(mf_sample(text, series), (double)want_lines[i], "%s", series);
    snprintf(series, sizeof series, "uvlog_sink_reconnects_total{sink=\"file\",index=\"%d\"}", i);
    cr_expect_eq(mf_sample(text, series), 0.0, "%s", series);
  }
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  cr_expect_eq(ls.latency_count, (uint64_t)want_lines[0]);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_count"), (double)want_lines[0]);
  cr_expect_eq(mf_sample(text, "uvlog_delivery_latency_seconds_bucket{le=\"+Inf\"}"),
               (double)want_lines[0]);
  uvlog_logger_destroy(log);
  nf_rmtree(dir);
}
