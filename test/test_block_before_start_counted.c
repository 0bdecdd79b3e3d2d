/*
 * test_block_before_start_counted.c -- in BLOCK mode, a record refused
 * before start (nothing drains yet, so waiting would hang) is dropped AND
 * counted: every UVLOG_EAGAIN the caller saw is in the stats, at its level,
 * and the records accepted before start are written after it.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "uvlog.h"

Test(block_before_start, refused_records_are_counted) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  o.level = UVLOG_LEVEL_TRACE;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  /* Nothing drains before start and every record has the same size: the
   * calls are accepted until the ring is full, then every one is refused. */
  uint64_t refused[UVLOG_LEVEL_COUNT] = {0};
  int rcs[300];
  for (int i = 0; i < 300; i++) {
    uvlog_level_t l = (uvlog_level_t)(i % UVLOG_LEVEL_COUNT);
    rcs[i] = uvlog_log(log, l, NULL, 0, NULL, "record %03d", i);
    if (rcs[i] == UVLOG_EAGAIN) refused[l]++;
  }
  int first = 0;
  while (first < 300 && rcs[first] == 0) first++;
  cr_assert_gt(first, 0, "the empty ring accepts records before start");
  cr_assert_lt(first, 300, "a 4 KiB ring must refuse some of 300 records");
  for (int i = first; i < 300; i++)
    cr_assert_eq(rcs[i], UVLOG_EAGAIN, "call %d after the ring filled at call %d: rc %d", i, first,
                 rcs[i]);
  uint64_t accepted = (uint64_t)first;
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  uint64_t total = 0;
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++) {
    cr_assert_eq(st.dropped_by_level[l], refused[l], "level %d", l);
    total += refused[l];
  }
  cr_assert_eq(st.dropped, total);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.entries - c.internal, accepted, "every accepted record is written");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
