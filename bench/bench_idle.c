/*
 * bench_idle.c -- the "idle" scenario: what a logger costs the whole process
 * while the program logs slowly or not at all (the listener mostly asleep).
 *
 * One thread (the main one) logs at a steady rate -- 0, 10, 100, 1000 and
 * 10000 records/s by default -- sleeping between calls with clock_nanosleep
 * to absolute deadlines, for --idle-ms per rate. Over that window it reports
 * the process's CPU time (getrusage RUSAGE_SELF, user + system, all threads)
 * as a percentage of wall time and its context switches per second
 * (voluntary + involuntary: "wake-ups/s"), and the same two figures for the
 * threads the contender started ("bg": uvlog's listener, spdlog's worker).
 * Nothing is subtracted: the "timer" contender (an empty call) is the
 * no-logging baseline, the thread just sleeping at that rate.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_scenario.h"

#define IDLE_MAX_RATES 8
#define IDLE_MAX_C 8

typedef struct idle_res {
  const char *name;
  long rate;
  int skipped, failed;
  uint64_t calls, dropped;
  int bg_threads;
  double cpu_pct, csw_per_s;       /* the whole process */
  double bg_cpu_pct, bg_csw_per_s; /* the contender's own threads */
} idle_res_t;

static struct {
  int on;
  long rates[IDLE_MAX_RATES];
  int n_rates;
  long ms, settle_ms;
  const char *only;
} icfg = {0, {0, 10, 100, 1000, 10000}, 5, 2000, 100,
          "timer,uvlog-drop,uvlog-deferred,fprintf,spdlog-async"};

static idle_res_t res[IDLE_MAX_C * IDLE_MAX_RATES];
static int n_res;

int bench_idle_option(const char *opt, const char *val) {
  if (!strcmp(opt, "--idle")) { icfg.on = 1; return 1; }
  if (val == NULL) return 0;
  if (!strcmp(opt, "--idle-rates")) {
    icfg.n_rates = bench_parse_rates(val, icfg.rates, IDLE_MAX_RATES);
    if (icfg.n_rates <= 0) { fprintf(stderr, "uvlog-bench: bad --idle-rates\n"); exit(2); }
  } else if (!strcmp(opt, "--idle-ms")) {
    icfg.ms = atol(val);
    if (icfg.ms <= 0) { fprintf(stderr, "uvlog-bench: bad --idle-ms\n"); exit(2); }
  } else if (!strcmp(opt, "--idle-only")) {
    icfg.only = val;
  } else {
    return 0;
  }
  icfg.on = 1;
  return 2;
}

void bench_idle_smoke(void) {
  icfg.on = 1;
  icfg.rates[0] = 0;
  icfg.rates[1] = 1000;
  icfg.n_rates = 2;
  icfg.ms = 100;
  icfg.settle_ms = 10;
}

int bench_idle_enabled(void) { return icfg.on; }

static void ts_add(struct timespec *t, uint64_t ns) {
  t->tv_nsec += (long)(ns % 1000000000u);
  t->tv_sec += (time_t)(ns / 1000000000u) + t->tv_nsec / 1000000000L;
  t->tv_nsec %= 1000000000L;
}

static void sleep_until(const struct timespec *t) {
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR) {}
}

/* `rate` calls a second for `ms`, each at its absolute deadline. */
static uint64_t idle_calls(const bench_contender_t *c, void *st, long rate, long ms) {
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  if (rate == 0) {
    ts_add(&next, (uint64_t)ms * 1000000u);
    sleep_until(&next);
    return 0;
  }
  uint64_t n = (uint64_t)rate * (uint64_t)ms / 1000u, period = 1000000000u / (uint64_t)rate;
  for (uint64_t k = 0; k < n; k++) {
    ts_add(&next, period);
    sleep_until(&next);
    c->log(st, (int)k);
  }
  return n;
}

static double per_s(uint64_t v, const bench_use_t *a, const bench_use_t *b) {
  return (double)v * 1e9 / (double)(b->wall_ns - a->wall_ns);
}

static void idle_one(const bench_scenario_env_t *env, const bench_contender_t *c, long rate,
                     idle_res_t *o) {
  bench_live_t lv;
  char path[4096];
  bench_use_t p0, p1, t0, t1;
  memset(o, 0, sizeof *o);
  o->name = c->name;
  o->rate = rate;
  snprintf(path, sizeof path, "%s/%s-idle-%ld.log", env->dir, c->name, rate);
  if (bench_live_open(&lv, c, path) != 0) { o->skipped = 1; return; }
  bench_settle(icfg.settle_ms);
  bench_process_use(&p0);
  bench_threads_use(lv.bg, lv.n_bg, &t0);
  o->calls = idle_calls(c, lv.st, rate, icfg.ms);
  bench_process_use(&p1);
  bench_threads_use(lv.bg, lv.n_bg, &t1);
  o->failed = bench_live_close(&lv, o->calls, &o->dropped, env->keep) != 0;
  o->bg_threads = lv.n_bg;
  o->cpu_pct = 100.0 * (double)(p1.cpu_ns - p0.cpu_ns) / (double)(p1.wall_ns - p0.wall_ns);
  o->csw_per_s = per_s(p1.csw - p0.csw, &p0, &p1);
  o->bg_cpu_pct = lv.n_bg ? 100.0 * (double)(t1.cpu_ns - t0.cpu_ns) /
                                (double)(t1.wall_ns - t0.wall_ns) : NAN;
  o->bg_csw_per_s = lv.n_bg ? per_s(t1.csw - t0.csw, &t0, &t1) : NAN;
}

int bench_idle_run(const bench_scenario_env_t *env) {
  const bench_contender_t *cs[IDLE_MAX_C];
  int n = bench_pick(env, icfg.only, cs, IDLE_MAX_C), failed = 0;
  for (int ri = 0; ri < icfg.n_rates; ri++)
    for (int k = 0; k < n; k++) {
      if (!env->quiet)
        fprintf(stderr, "idle: %s at %ld records/s for %ld ms\n", cs[k]->name, icfg.rates[ri],
                icfg.ms);
      idle_one(env, cs[k], icfg.rates[ri], &res[n_res]);
      failed |= res[n_res].failed;
      n_res++;
    }
  return failed ? -1 : 0;
}

static void fmt_opt(char *buf, size_t n, const char *fmt, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else snprintf(buf, n, fmt, v);
}

void bench_idle_print(FILE *out) {
  if (n_res == 0) return;
  fprintf(out, "\nIdle: one thread logging at a steady rate (clock_nanosleep to absolute "
          "deadlines), %ld ms per rate.\nprocess = getrusage(RUSAGE_SELF), all threads; "
          "bg = the threads the contender started (uvlog's listener);\nwake-ups = voluntary + "
          "involuntary context switches; timer = no logging (the thread only sleeps)\n", icfg.ms);
  fprintf(out, "%-16s %7s %7s %9s %11s %3s %9s %11s\n", "contender", "rate/s", "calls",
          "proc CPU%", "proc wake/s", "bg", "bg CPU%", "bg wake/s");
  for (int k = 0; k < n_res; k++) {
    const idle_res_t *r = &res[k];
    if (r->skipped) { fprintf(out, "%-16s %7ld skipped\n", r->name, r->rate); continue; }
    char b1[16], b2[16];
    fmt_opt(b1, sizeof b1, "%.3f", r->bg_cpu_pct);
    fmt_opt(b2, sizeof b2, "%.1f", r->bg_csw_per_s);
    fprintf(out, "%-16s %7ld %7" PRIu64 " %9.3f %11.1f %3d %9s %11s%s\n", r->name, r->rate,
            r->calls, r->cpu_pct, r->csw_per_s, r->bg_threads, b1, b2,
            r->failed ? "  CHECK FAILED" : "");
  }
}

static void json_opt(FILE *f, const char *key, double v) {
  if (isnan(v)) fprintf(f, ", \"%s\": null", key);
  else fprintf(f, ", \"%s\": %.6g", key, v);
}

void bench_idle_json(FILE *f) {
  if (n_res == 0) return;
  fprintf(f, ",\n  \"idle\": {\"ms_per_rate\": %ld, \"results\": [", icfg.ms);
  for (int k = 0; k < n_res; k++) {
    const idle_res_t *r = &res[k];
    fprintf(f, "%s\n    {\"contender\": \"%s\", \"rate\": %ld", k ? "," : "", r->name, r->rate);
    if (r->skipped) { fputs(", \"skipped\": true}", f); continue; }
    fprintf(f, ", \"ok\": %s, \"calls\": %" PRIu64 ", \"dropped\": %" PRIu64
            ", \"bg_threads\": %d", r->failed ? "false" : "true", r->calls, r->dropped,
            r->bg_threads);
    json_opt(f, "cpu_pct", r->cpu_pct);
    json_opt(f, "wakeups_per_s", r->csw_per_s);
    json_opt(f, "bg_cpu_pct", r->bg_cpu_pct);
    json_opt(f, "bg_wakeups_per_s", r->bg_csw_per_s);
    fputs("}", f);
  }
  fputs("\n  ]}", f);
}
