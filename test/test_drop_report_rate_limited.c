/*
 * test_drop_report_rate_limited.c -- a sink that logs from its write(), plus
 * the drop report, must not make a perpetual drop loop: the report is
 * rate-limited and never triggered by drops that only its own delivery
 * caused. Before: one trigger record made ~3 M drops/s for ever.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static atomic_int self_eagain;
static uvlog_t *the_log;

/* Logs 200 records for every entry that is not one of its own ("echo"),
 * the drop report included: far more than the 4 KiB ring holds. */
static int write_and_log(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  for (size_t i = 0; i < n; i++) {
    if (e[i].msg_len >= 4 && memcmp(e[i].msg, "echo", 4) == 0) continue;
    for (int k = 0; k < 200; k++)
      if (LOG(the_log, UVLOG_LEVEL_INFO, "echo %d", k) == UVLOG_EAGAIN)
        atomic_fetch_add(&self_eagain, 1);
  }
  return 0;
}

static void run(uvlog_overflow_t policy) {
  capture_t c;
  capture_init(&c);
  c.on_write = write_and_log;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = policy;
  cr_assert_eq(uvlog_logger_create(&the_log, &o), 0);
  cr_assert_eq(uvlog_sink_add(the_log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(the_log), 0);
  cr_assert_eq(LOG(the_log, UVLOG_LEVEL_INFO, "trigger"), 0);
  cr_assert_eq(uvlog_logger_flush(the_log, 10000), 0);
  struct timespec ts = {1, 500 * 1000 * 1000}; /* a loop would run meanwhile */
  nanosleep(&ts, NULL);
  uvlog_stats_t st;
  uvlog_logger_stats(the_log, &st);
  cr_assert_gt(atomic_load(&self_eagain), 0, "the sink's own calls found the ring full");
  cr_assert_lt(st.dropped, 1000, "one trigger, a bounded number of drops: %llu",
               (unsigned long long)st.dropped);
  cr_assert_eq(st.dropped, (uint64_t)atomic_load(&self_eagain), "all drops are the sink's");
  cr_assert_leq(capture_count(&c, "records dropped"), 1, "one report, not a stream");
  cr_assert_eq(uvlog_logger_close(the_log), 0);
  /* Close writes what is left unreported: the totals add up. */
  uint64_t reported = 0;
  for (const char *p = c.text; (p = strstr(p, "uvlog: ")) != NULL; p++) {
    unsigned long long k;
    if (sscanf(p, "uvlog: %llu records dropped", &k) == 1) reported += k;
  }
  uvlog_logger_stats(the_log, &st);
  cr_assert_eq(reported, st.dropped);
  uvlog_logger_destroy(the_log);
  capture_free(&c);
}

Test(drop_report, sink_that_logs_makes_no_drop_loop, .timeout = 30) { run(UVLOG_OVERFLOW_DROP); }

Test(drop_report, sink_that_logs_in_block_mode_makes_no_drop_loop, .timeout = 30) {
  run(UVLOG_OVERFLOW_BLOCK);
}
