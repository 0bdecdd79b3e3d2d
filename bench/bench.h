/*
 * bench.h -- what the benchmark harness (bench.c) and its contenders share.
 *
 * A contender is one way of logging the benchmark's message
 *   "request %d from %s took %.3f ms" with (i, "192.168.1.17", i * 0.001)
 * described by a bench_contender_t: open it for a run (its output goes to a
 * file the harness names), call log() from each producer thread, drain() to
 * wait until everything accepted is written to the file, close(). The harness
 * times log() calls, counts the lines in the file and compares them with the
 * calls made minus the drops the contender reports.
 *
 * Files: bench.c (harness, statistics, table and JSON), contenders.c (floor,
 * fprintf, syslog(3) and its private receiver), contender_uvlog.c (uvlog),
 * contender_spdlog.cpp (spdlog's async logger, optional), alloc_count.c
 * (malloc interposition), bench_sys.c (pinning, thread and process CPU use),
 * bench_idle.c and bench_steady.c (the idle and steady scenarios) and
 * bench_scenario.c (what those two share).
 */
#ifndef UVLOG_BENCH_H
#define UVLOG_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_FMT "request %d from %s took %.3f ms"
#define BENCH_HOST "192.168.1.17"
/* Every line a contender writes for a record contains this (its drop or
 * status lines do not), so the harness can count records in its output. */
#define BENCH_NEEDLE "from 192.168.1.17 took"
/* The 4-argument call (uvlog-args4) and the structured call's message
 * (uvlog-kv4: its 4 fields carry the values); both carry BENCH_NEEDLE. */
#define BENCH_FMT4 "request %d from %s took %.3f ms status %d"
#define BENCH_KV_MSG "request from 192.168.1.17 took"

typedef struct bench_contender {
  const char *name;   /* short, stable: used in the table, JSON and plots */
  const char *desc;   /* one line for the table's legend */
  int writes_file;    /* 0 for the floors: nothing to count or drain */
  /* Prepares a run for `nthreads` producers writing to `path`. Returns 0, or
   * -1 with *why set to a static reason (the contender is then skipped). */
  int (*open)(void **st, const char *path, int nthreads, const char **why);
  /* One log call, from any producer thread. */
  void (*log)(void *st, int i);
  /* Waits until every record accepted so far is written to the file.
   * Returns 0 or -1. May be NULL when writes_file is 0. */
  int (*drain)(void *st);
  /* Records the logger itself reported as dropped (0 if it cannot drop). */
  uint64_t (*dropped)(void *st);
  /* Releases everything; the file is complete afterwards. */
  void (*close)(void *st);
} bench_contender_t;

/* contenders.c */
extern const bench_contender_t bench_timer;        /* the timing overhead */
extern const bench_contender_t bench_floor_fmt;    /* vsnprintf to a stack buffer */
extern const bench_contender_t bench_floor_copy;   /* clock read + argument copy */
extern const bench_contender_t bench_fprintf;
extern const bench_contender_t bench_syslog;
/* Moves the process into a private mount namespace with a tmpfs on /dev, so
 * syslog(3) reaches the benchmark's own receiver at /dev/log. Call before any
 * thread exists. Returns 0, or -1 with *why set (syslog is then skipped). */
int bench_syslog_namespace(const char **why);

/* contender_uvlog.c */
extern const bench_contender_t *const bench_uvlog_contenders[];

/* contender_spdlog.cpp (built only when C++ and spdlog are found; meson
 * then defines BENCH_HAVE_SPDLOG) */
extern const bench_contender_t bench_spdlog;

/* alloc_count.c: allocations made by the calling thread while counting. */
void bench_alloc_count_start(void);
uint64_t bench_alloc_count_stop(void);

/* bench_sys.c: CPU placement, the task list, CPU time and context switches. */
#define BENCH_MAX_TASKS 256
typedef struct bench_use {
  uint64_t cpu_ns;   /* user + system CPU time */
  uint64_t csw;      /* voluntary + involuntary context switches */
  uint64_t wall_ns;  /* CLOCK_MONOTONIC when taken */
} bench_use_t;
void bench_pin_init(void);        /* remembers the process's starting CPU mask */
int bench_cpu_count(void);        /* CPUs in that mask */
/* Pins the calling thread to the first (0) or second (1) CPU of that mask;
 * -1 restores the whole mask. Threads it creates afterwards inherit it. */
int bench_pin_self(int which);
int bench_tasks(pid_t *tids, int max);  /* the process's threads now */
/* Threads alive now that are not in before[0..nb). */
int bench_new_tasks(const pid_t *before, int nb, pid_t *out, int max);
void bench_threads_use(const pid_t *tids, int n, bench_use_t *u); /* summed */
void bench_process_use(bench_use_t *u);
uint64_t bench_now_ns(void);

/* What bench.c hands the scenarios of bench_idle.c and bench_steady.c. */
typedef struct bench_scenario_env {
  const bench_contender_t *const *all;  /* every contender built in */
  int n_all;
  const char *dir;       /* where output files go */
  int keep, quiet;
  const char *self_exe;  /* this binary, to re-run it under strace */
  const char *strace;    /* NULL: no strace figures */
} bench_scenario_env_t;
/* bench.c: counts the lines carrying BENCH_NEEDLE; -1 if unreadable. */
int64_t bench_count_records(const char *path);

/* bench_idle.c: process CPU and wake-ups while one thread logs slowly. */
int bench_idle_option(const char *opt, const char *val);  /* 1 if consumed */
void bench_idle_smoke(void);
int bench_idle_enabled(void);
int bench_idle_run(const bench_scenario_env_t *env);  /* 0, or -1: a check failed */
void bench_idle_print(FILE *out);
void bench_idle_json(FILE *f);

/* bench_steady.c: the listener's CPU per record at steady rates. */
int bench_steady_option(const char *opt, const char *val);
void bench_steady_smoke(void);
int bench_steady_enabled(void);
int bench_steady_run(const bench_scenario_env_t *env);
void bench_steady_print(FILE *out);
void bench_steady_json(FILE *f);
/* The child re-executed under strace: --steady-child NAME RATE MS PATH. */
int bench_steady_child(const bench_scenario_env_t *env, const char *name, const char *rate,
                       const char *ms, const char *path);

#endif /* UVLOG_BENCH_H */
