/*
 * bench_scenario.h -- helpers shared by the idle and steady scenarios
 * (bench_scenario.c): rate lists, contenders by name, and a contender "live"
 * for one run together with the threads it started.
 */
#ifndef UVLOG_BENCH_SCENARIO_H
#define UVLOG_BENCH_SCENARIO_H

#include "bench.h"

#define BENCH_LIVE_MAX_BG 16

typedef struct bench_live {
  const bench_contender_t *c;
  void *st;
  const char *why;             /* set when the open failed */
  char path[4096];
  pid_t bg[BENCH_LIVE_MAX_BG]; /* threads the open started (uvlog's listener) */
  int n_bg;
} bench_live_t;

/* "0,10,100" -> {0, 10, 100}; returns the count, or -1 if malformed. */
int bench_parse_rates(const char *s, long *out, int max);
/* The contenders named in `list` (comma list) that exist, in list order. */
int bench_pick(const bench_scenario_env_t *env, const char *list,
               const bench_contender_t **out, int max);
/* Opens `c` for one producer writing to `path`. 0, or -1 (lv->why set). */
int bench_live_open(bench_live_t *lv, const bench_contender_t *c, const char *path);
/* Reads the drops, drains, closes and checks the file holds calls - drops
 * records. 0, or -1 on a mismatch or a failed drain. */
int bench_live_close(bench_live_t *lv, uint64_t calls, uint64_t *dropped, int keep);
/* Sleeps `ms` (lets a freshly started listener finish its start-up). */
void bench_settle(long ms);

#endif /* UVLOG_BENCH_SCENARIO_H */
