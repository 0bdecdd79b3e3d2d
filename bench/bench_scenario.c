/*
 * bench_scenario.c -- what the idle and steady scenarios (bench_idle.c,
 * bench_steady.c) share: parsing a list of rates, picking contenders by
 * name, opening a contender while noting the threads it starts (uvlog's
 * listener: the threads that appear across uvlog_logger_start(), found by
 * comparing /proc/self/task before and after the open), and closing it with
 * the same line check as the latency and burst runs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_scenario.h"

int bench_parse_rates(const char *s, long *out, int max) {
  int n = 0;
  while (*s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v > 10000000 || n == max || (*end && *end != ',')) return -1;
    out[n++] = v;
    s = *end == ',' ? end + 1 : end;
  }
  return n;
}

int bench_pick(const bench_scenario_env_t *env, const char *list,
               const bench_contender_t **out, int max) {
  int n = 0;
  while (*list && n < max) {
    const char *e = strchr(list, ',');
    size_t len = e ? (size_t)(e - list) : strlen(list);
    for (int k = 0; k < env->n_all; k++)
      if (strlen(env->all[k]->name) == len && !strncmp(env->all[k]->name, list, len))
        out[n++] = env->all[k];
    list += len + (e ? 1 : 0);
  }
  return n;
}

int bench_live_open(bench_live_t *lv, const bench_contender_t *c, const char *path) {
  pid_t before[BENCH_MAX_TASKS];
  int nb = bench_tasks(before, BENCH_MAX_TASKS);
  memset(lv, 0, sizeof *lv);
  lv->c = c;
  snprintf(lv->path, sizeof lv->path, "%s", path);
  unlink(path);
  if (c->open(&lv->st, path, 1, &lv->why) != 0) return -1;
  lv->n_bg = bench_new_tasks(before, nb, lv->bg, BENCH_LIVE_MAX_BG);
  return 0;
}

int bench_live_close(bench_live_t *lv, uint64_t calls, uint64_t *dropped, int keep) {
  const bench_contender_t *c = lv->c;
  int rc = 0;
  *dropped = c->dropped(lv->st);
  if (c->writes_file && c->drain(lv->st) != 0) rc = -1;
  c->close(lv->st);
  if (!c->writes_file) return rc;
  int64_t rec = bench_count_records(lv->path);
  if (rec < 0 || (uint64_t)rec != calls - *dropped) {
    fprintf(stderr, "uvlog-bench: LINE COUNT MISMATCH for %s: %" PRId64 " records in %s, "
            "expected %" PRIu64 "\n", c->name, rec, lv->path, calls - *dropped);
    rc = -1;
  }
  if (!keep) unlink(lv->path);
  return rc;
}

void bench_settle(long ms) {
  struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&d, NULL);
}
