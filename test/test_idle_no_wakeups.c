/*
 * test_idle_no_wakeups.c -- at 0 records/s the listener makes no periodic
 * wake-up: after the records are written and the one flush that follows
 * them, it sleeps until something happens. Before: it woke every
 * flush_interval_ms (and polled with naps for idle_park_ms first).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static int tids(int *out, int max) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < max)
    if (e->d_name[0] != '.') out[n++] = atoi(e->d_name);
  if (d) closedir(d);
  return n;
}

/* Voluntary + involuntary context switches of thread `tid`. */
static long switches(int tid) {
  char p[64], line[256];
  snprintf(p, sizeof p, "/proc/self/task/%d/status", tid);
  FILE *f = fopen(p, "r");
  cr_assert_not_null(f);
  long n = 0, v;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1) n += v;
    if (sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1) n += v;
  }
  fclose(f);
  return n;
}

Test(idle, no_periodic_wakeups, .timeout = 30) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.flush_interval_ms = 100;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  int before[256], after[256];
  int nb = tids(before, 256);
  cr_assert_eq(uvlog_logger_start(log), 0);
  int na = tids(after, 256), ltid = 0;
  for (int i = 0; i < na; i++) {
    int old = 0;
    for (int j = 0; j < nb; j++) old |= after[i] == before[j];
    if (!old) ltid = after[i];
  }
  cr_assert_neq(ltid, 0, "found the listener thread");
  for (int i = 0; i < 10; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "r%d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  test_sleep_ms(300); /* the latency timer and the one flush after the records */
  long s0 = switches(ltid);
  test_sleep_ms(1500);
  long woke = switches(ltid) - s0;
  cr_assert_leq(woke, 2, "the idle listener woke %ld times in 1.5 s", woke);
  cr_assert_eq(c.entries, 10);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
