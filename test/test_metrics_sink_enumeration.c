/*
 * test_metrics_sink_enumeration.c -- uvlog_logger_sinks() lists a logger's
 * sinks in order of addition (the exposition's index label), snprintf-like:
 * it returns the number of sinks and fills at most `cap`; bad arguments get
 * UVLOG_EINVAL; after uvlog_logger_close() the logger has no sinks.
 */
#include <criterion/criterion.h>

#include "metrics_fixture.h"

static int nop_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s, (void)e, (void)n;
  return 0;
}

Test(metrics_sink_enumeration, lists_in_order_of_addition, .timeout = 30) {
  static const uvlog_sink_vtable_t vt[3] = {
      {.name = "a", .write = nop_write}, {.name = "b", .write = nop_write}, {.name = "a", .write = nop_write}};
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_expect_eq(uvlog_logger_sinks(log, NULL, 0), 0, "no sinks yet");
  uvlog_sink_t *made[3];
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(uvlog_sink_create(&made[i], &vt[i], NULL), 0);
    cr_assert_eq(uvlog_sink_add(log, made[i]), 0);
    cr_expect_eq(uvlog_logger_sinks(log, NULL, 0), i + 1);
  }
  cr_assert_eq(uvlog_logger_start(log), 0);

  uvlog_sink_t *got[4] = {NULL, NULL, NULL, NULL};
  cr_expect_eq(uvlog_logger_sinks(log, got, 4), 3);
  for (int i = 0; i < 3; i++) cr_expect_eq(got[i], made[i], "sink %d", i);
  cr_expect_null(got[3], "nothing stored past the count");

  uvlog_sink_t *two[2] = {NULL, NULL};
  cr_expect_eq(uvlog_logger_sinks(log, two, 1), 3, "returns the count, fills only cap");
  cr_expect_eq(two[0], made[0]);
  cr_expect_null(two[1]);

  /* The same order labels the exposition: the two sinks named "a". */
  const char *text = mf_exposition(log);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_total{sink=\"a\",index=\"0\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_total{sink=\"b\",index=\"1\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_total{sink=\"a\",index=\"2\"} "), "%s", text);

  cr_expect_eq(uvlog_logger_sinks(NULL, got, 4), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_sinks(log, NULL, 1), UVLOG_EINVAL);

  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_expect_eq(uvlog_logger_sinks(log, got, 4), 0, "close freed the sinks");
  uvlog_logger_destroy(log);
}
