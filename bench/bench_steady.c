/*
 * bench_steady.c -- the "steady" scenario: the listener's own cost (the
 * listener awake). One producer makes calls evenly spaced by a busy wait
 * (10k, 50k and 200k records/s by default) into the contender's file for
 * --steady-ms per rate. Reported per rate:
 *
 *   bg CPU us/rec  CPU time of the threads the contender started (uvlog's
 *                  listener: the threads that appeared across the open,
 *                  uvlog_logger_start() included), from the first field of
 *                  /proc/self/task/<tid>/schedstat (ns on a CPU), divided by
 *                  the records written;
 *   bg wake/s      their context switches per second (/proc/.../status);
 *   rec/write      records per write(2)-family call on the output file, from
 *                  a second, identical run of this binary under
 *                  strace -f --seccomp-bpf -y (only write calls are traced;
 *                  the CPU figures come from the clean run, never this one).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define STEADY_PAUSE() _mm_pause()
#else
#define STEADY_PAUSE() ((void)0)
#endif

#include "bench_scenario.h"

#define STEADY_MAX_RATES 8
#define STEADY_MAX_C 8

typedef struct steady_res {
  const char *name;
  long rate;
  int skipped, failed;
  uint64_t calls, dropped;
  double achieved;           /* calls/s actually made */
  int bg_threads;
  double bg_us_per_rec, bg_cpu_pct, bg_csw_per_s, proc_cpu_pct;
  double rec_per_write;      /* from the strace run; NAN if not run */
  uint64_t writes;
} steady_res_t;

static struct {
  int on, strace;
  long rates[STEADY_MAX_RATES];
  int n_rates;
  long ms, settle_ms;
  const char *only;
} scfg = {0, 1, {10000, 50000, 200000}, 3, 2000, 100,
          "uvlog-drop,uvlog-deferred,fprintf,spdlog-async"};

static steady_res_t res[STEADY_MAX_C * STEADY_MAX_RATES];
static int n_res;

int bench_steady_option(const char *opt, const char *val) {
  if (!strcmp(opt, "--steady")) { scfg.on = 1; return 1; }
  if (!strcmp(opt, "--steady-no-strace")) { scfg.on = 1; scfg.strace = 0; return 1; }
  if (val == NULL) return 0;
  if (!strcmp(opt, "--steady-rates")) {
    scfg.n_rates = bench_parse_rates(val, scfg.rates, STEADY_MAX_RATES);
    if (scfg.n_rates <= 0) { fprintf(stderr, "uvlog-bench: bad --steady-rates\n"); exit(2); }
  } else if (!strcmp(opt, "--steady-ms")) {
    scfg.ms = atol(val);
    if (scfg.ms <= 0) { fprintf(stderr, "uvlog-bench: bad --steady-ms\n"); exit(2); }
  } else if (!strcmp(opt, "--steady-only")) {
    scfg.only = val;
  } else {
    return 0;
  }
  scfg.on = 1;
  return 2;
}

void bench_steady_smoke(void) {
  scfg.on = 1;
  scfg.strace = 0;
  scfg.rates[0] = 10000;
  scfg.n_rates = 1;
  scfg.ms = 100;
  scfg.settle_ms = 10;
}

int bench_steady_enabled(void) { return scfg.on; }

/* `rate` calls a second for `ms`, busy-waiting to each deadline. A producer
 * that falls more than one period behind (preempted) starts again from now
 * rather than catching up in a burst. Returns the calls; *elapsed_ns. */
static uint64_t steady_calls(const bench_contender_t *c, void *st, long rate, long ms,
                             uint64_t *elapsed_ns) {
  uint64_t period = 1000000000u / (uint64_t)(rate > 0 ? rate : 1);
  uint64_t t0 = bench_now_ns(), end = t0 + (uint64_t)ms * 1000000u, next = t0, n = 0, now;
  while ((now = bench_now_ns()) < end) {
    next += period;
    if (now > next + period) next = now;
    while (bench_now_ns() < next) STEADY_PAUSE();
    c->log(st, (int)n++);
  }
  *elapsed_ns = bench_now_ns() - t0;
  return n;
}

static void steady_fill(steady_res_t *o, const bench_use_t *p0, const bench_use_t *p1,
                        const bench_use_t *t0, const bench_use_t *t1) {
  double wall = (double)(p1->wall_ns - p0->wall_ns);
  double kept = (double)(o->calls - o->dropped);
  o->proc_cpu_pct = 100.0 * (double)(p1->cpu_ns - p0->cpu_ns) / wall;
  if (!o->bg_threads) {
    o->bg_us_per_rec = o->bg_cpu_pct = o->bg_csw_per_s = NAN;
    return;
  }
  double bg_ns = (double)(t1->cpu_ns - t0->cpu_ns);
  o->bg_us_per_rec = kept > 0 ? bg_ns / 1000.0 / kept : NAN;
  o->bg_cpu_pct = 100.0 * bg_ns / (double)(t1->wall_ns - t0->wall_ns);
  o->bg_csw_per_s = (double)(t1->csw - t0->csw) * 1e9 / (double)(t1->wall_ns - t0->wall_ns);
}

/* The clean run: CPU figures. */
static void steady_one(const bench_scenario_env_t *env, const bench_contender_t *c, long rate,
                       steady_res_t *o) {
  bench_live_t lv;
  char path[4096];
  bench_use_t p0, p1, t0, t1;
  uint64_t elapsed;
  memset(o, 0, sizeof *o);
  o->name = c->name;
  o->rate = rate;
  o->rec_per_write = NAN;
  snprintf(path, sizeof path, "%s/%s-steady-%ld.log", env->dir, c->name, rate);
  if (bench_live_open(&lv, c, path) != 0) { o->skipped = 1; return; }
  bench_settle(scfg.settle_ms);
  bench_process_use(&p0);
  bench_threads_use(lv.bg, lv.n_bg, &t0);
  o->calls = steady_calls(c, lv.st, rate, scfg.ms, &elapsed);
  bench_process_use(&p1);
  bench_threads_use(lv.bg, lv.n_bg, &t1);
  o->failed = bench_live_close(&lv, o->calls, &o->dropped, env->keep) != 0;
  o->bg_threads = lv.n_bg;
  o->achieved = (double)o->calls * 1e9 / (double)elapsed;
  steady_fill(o, &p0, &p1, &t0, &t1);
}

/* Write-family calls on `path` in a strace -y output file. */
static int64_t count_writes(const char *trace, const char *path) {
  char needle[4200], *line = NULL;
  size_t cap = 0;
  int64_t n = 0;
  FILE *f = fopen(trace, "r");
  if (f == NULL) return -1;
  snprintf(needle, sizeof needle, "<%s>", path);
  while (getline(&line, &cap, f) > 0)
    if (strstr(line, needle) && !strstr(line, "resumed>")) n++;
  free(line);
  fclose(f);
  return n;
}

/* Runs this binary as --steady-child under strace; returns its exit status. */
static int run_traced(const bench_scenario_env_t *env, const char *name, long rate,
                      const char *trace, const char *path) {
  char r[24], ms[24];
  snprintf(r, sizeof r, "%ld", rate);
  snprintf(ms, sizeof ms, "%ld", scfg.ms);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execl(env->strace, "strace", "-f", "-qq", "--seccomp-bpf", "-y", "-s", "0", "-e",
          "trace=write,writev,pwrite64,pwritev,pwritev2", "-o", trace, env->self_exe,
          "--steady-child", name, r, ms, path, (char *)NULL);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The strace run: records per write. */
static void steady_writes(const bench_scenario_env_t *env, steady_res_t *o) {
  char path[4096], trace[4200];
  snprintf(path, sizeof path, "%s/%s-steady-strace-%ld.log", env->dir, o->name, o->rate);
  snprintf(trace, sizeof trace, "%s.trace", path);
  int st = run_traced(env, o->name, o->rate, trace, path);
  int64_t writes = count_writes(trace, path), recs = bench_count_records(path);
  if (st != 0 || writes <= 0 || recs < 0) {
    fprintf(stderr, "uvlog-bench: notice: strace run of %s at %ld/s gave no figure (status %d)\n",
            o->name, o->rate, st);
  } else {
    o->writes = (uint64_t)writes;
    o->rec_per_write = (double)recs / (double)writes;
  }
  if (!env->keep) { unlink(path); unlink(trace); }
}

int bench_steady_child(const bench_scenario_env_t *env, const char *name, const char *rate,
                       const char *ms, const char *path) {
  const bench_contender_t *c = NULL;
  bench_live_t lv;
  uint64_t elapsed, dropped;
  bench_pick(env, name, &c, 1);
  if (c == NULL || bench_live_open(&lv, c, path) != 0) return 3;
  bench_settle(scfg.settle_ms);
  uint64_t calls = steady_calls(c, lv.st, atol(rate), atol(ms), &elapsed);
  return bench_live_close(&lv, calls, &dropped, 1) == 0 ? 0 : 1;
}

int bench_steady_run(const bench_scenario_env_t *env) {
  const bench_contender_t *cs[STEADY_MAX_C];
  int n = bench_pick(env, scfg.only, cs, STEADY_MAX_C), failed = 0;
  int traced = scfg.strace && env->strace != NULL;
  if (scfg.strace && !traced) fprintf(stderr, "uvlog-bench: notice: no strace: no rec/write\n");
  for (int ri = 0; ri < scfg.n_rates; ri++)
    for (int k = 0; k < n; k++) {
      steady_res_t *o = &res[n_res++];
      if (!env->quiet)
        fprintf(stderr, "steady: %s at %ld records/s for %ld ms%s\n", cs[k]->name,
                scfg.rates[ri], scfg.ms, traced ? " (then again under strace)" : "");
      steady_one(env, cs[k], scfg.rates[ri], o);
      failed |= o->failed;
      if (traced && !o->skipped && cs[k]->writes_file) steady_writes(env, o);
    }
  return failed ? -1 : 0;
}

static void fmt_opt(char *buf, size_t n, const char *fmt, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else snprintf(buf, n, fmt, v);
}

void bench_steady_print(FILE *out) {
  if (n_res == 0) return;
  fprintf(out, "\nSteady: one producer, calls evenly spaced by a busy wait, %ld ms per rate, "
          "file output.\nbg = the threads the contender started (uvlog's listener): CPU "
          "(schedstat) per record written,\n%% of wall time, context switches/s; rec/write from "
          "a second run under strace -f --seccomp-bpf\n", scfg.ms);
  fprintf(out, "%-16s %7s %9s %7s %3s %10s %8s %10s %9s %9s\n", "contender", "rate/s",
          "achieved", "drops", "bg", "bg us/rec", "bg CPU%", "bg wake/s", "proc CPU%",
          "rec/write");
  for (int k = 0; k < n_res; k++) {
    const steady_res_t *r = &res[k];
    if (r->skipped) { fprintf(out, "%-16s %7ld skipped\n", r->name, r->rate); continue; }
    char b1[16], b2[16], b3[16], b4[16];
    fmt_opt(b1, sizeof b1, "%.3f", r->bg_us_per_rec);
    fmt_opt(b2, sizeof b2, "%.2f", r->bg_cpu_pct);
    fmt_opt(b3, sizeof b3, "%.0f", r->bg_csw_per_s);
    fmt_opt(b4, sizeof b4, "%.1f", r->rec_per_write);
    fprintf(out, "%-16s %7ld %9.0f %7" PRIu64 " %3d %10s %8s %10s %9.1f %9s%s\n", r->name,
            r->rate, r->achieved, r->dropped, r->bg_threads, b1, b2, b3, r->proc_cpu_pct, b4,
            r->failed ? "  CHECK FAILED" : "");
  }
}

static void json_opt(FILE *f, const char *key, double v) {
  if (isnan(v)) fprintf(f, ", \"%s\": null", key);
  else fprintf(f, ", \"%s\": %.6g", key, v);
}

void bench_steady_json(FILE *f) {
  if (n_res == 0) return;
  fprintf(f, ",\n  \"steady\": {\"ms_per_rate\": %ld, \"results\": [", scfg.ms);
  for (int k = 0; k < n_res; k++) {
    const steady_res_t *r = &res[k];
    fprintf(f, "%s\n    {\"contender\": \"%s\", \"rate\": %ld", k ? "," : "", r->name, r->rate);
    if (r->skipped) { fputs(", \"skipped\": true}", f); continue; }
    fprintf(f, ", \"ok\": %s, \"calls\": %" PRIu64 ", \"dropped\": %" PRIu64
            ", \"bg_threads\": %d, \"writes_traced\": %" PRIu64, r->failed ? "false" : "true",
            r->calls, r->dropped, r->bg_threads, r->writes);
    json_opt(f, "achieved_per_s", r->achieved);
    json_opt(f, "bg_cpu_us_per_record", r->bg_us_per_rec);
    json_opt(f, "bg_cpu_pct", r->bg_cpu_pct);
    json_opt(f, "bg_wakeups_per_s", r->bg_csw_per_s);
    json_opt(f, "process_cpu_pct", r->proc_cpu_pct);
    json_opt(f, "records_per_write", r->rec_per_write);
    fputs("}", f);
  }
  fputs("\n  ]}", f);
}
