/*
 * bench.c -- the benchmark harness: caller latency, burst throughput and a
 * hot-path audit for every contender, interleaved over several rounds.
 *
 *   latency  Each producer thread makes warm-up + N calls, spaced (by a
 *            nanosleep, or a busy wait with --spin) so queues never fill, and
 *            times each call alone with rdtscp (TSC calibrated against
 *            CLOCK_MONOTONIC). Nothing is subtracted: the "timer" contender
 *            (an empty call) is the timing overhead, as its own row.
 *   burst    Each thread makes N calls back to back. "calls/s" is the rate at
 *            which calls returned; "disk/s" the rate of records that reached
 *            the file (write(2) done) when the contender's drain finished.
 *   check    After every run the output file must hold exactly
 *            calls - drops lines carrying the message (drops as reported by
 *            the logger itself); a mismatch fails the run and the exit code.
 *   audit    The harness re-executes itself under `strace -f -ff` and counts
 *            the system calls each producer thread made between two marker
 *            calls around the measured calls; malloc calls are counted by
 *            interposition (alloc_count.c) on the same threads. "Steady":
 *            the threads of --audit-threads, calls 10 us apart (busy wait);
 *            "sparse": one thread, calls 20 ms apart, so an asynchronous
 *            logger's worker has gone idle before each call.
 *
 * Every (contender, threads) pair runs once per round, in an order rotated
 * each round; the table reports medians over rounds and each contender's
 * ratio to a reference: uvlog-drop for latency (--ref), uvlog-block for the
 * burst (--ref-burst; a policy that keeps every record). --json writes the same
 * figures (and every round) for scripts: bench/run.sh makes the plots.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#include "bench.h"

#define MAX_CONTENDERS 16
#define MAX_THREADCFG 8
#define MAX_ROUNDS 32
#define MAX_SECTIONS 12
#define AUDIT_BEGIN "UVLOG_BENCH_BEGIN"
#define AUDIT_END "UVLOG_BENCH_END"

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

enum { PIN_NONE, PIN_SAME, PIN_SPLIT };
static const char *const pin_name[] = {"none", "same", "split"};

/* One latency section: how calls are spaced and where the threads run. */
typedef struct section {
  char name[40];    /* as given, e.g. "spin1500" or "sleep10us@split" */
  long spacing_ns;
  int spin;         /* busy-wait the gap instead of nanosleep */
  int pin;          /* PIN_* */
} section_t;

typedef struct config {
  int rounds;
  int threads[MAX_THREADCFG];
  int n_threads;
  int lat_n;          /* timed calls per thread */
  int warmup;         /* untimed calls per thread before them */
  long spacing_ns;    /* gap between two calls of one thread */
  int spin;           /* busy-wait the gap instead of sleeping */
  int burst_n;        /* calls per thread in a burst */
  int audit;          /* run the strace audit */
  int audit_n;
  int audit_threads;
  int sparse_n;            /* calls in the sparse audit (0 = none) */
  long sparse_spacing_ns;  /* longer than uvlog's default idle_park_ms */
  const char *only;   /* comma list of contender names, or NULL */
  const char *ref;        /* latency ratios are to this contender */
  const char *ref_burst;  /* burst ratios are to this one (a lossless policy) */
  const char *json;   /* path, "-" for stdout, or NULL */
  const char *dir;    /* work dir; NULL = a fresh temp dir */
  int keep;
  int quiet;
  section_t sec[MAX_SECTIONS];  /* --spacing-set; one from --spacing-ns/--spin if not given */
  int n_sec;
  const char *spacing_set;
  int pin;                      /* --pin: for sections that do not name one */
} config_t;

static config_t cfg = {
  .rounds = 3, .threads = {1, 2}, .n_threads = 2, .lat_n = 50000, .warmup = 2000,
  .spacing_ns = 10000, .burst_n = 200000, .audit = 1, .audit_n = 20000,
  .audit_threads = 2, .sparse_n = 100, .sparse_spacing_ns = 20000000, .ref = "uvlog-drop",
  .ref_burst = "uvlog-block"};

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("uvlog-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* snprintf for paths: a path that does not fit is fatal, never cut. */
__attribute__((format(printf, 3, 4)))
static void path_fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  if (r < 0 || (size_t)r >= n) die("path too long: %s", buf);
}

static void note(const char *fmt, ...) {
  va_list ap;
  if (cfg.quiet) return;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Clocks                                                                    */
/* ------------------------------------------------------------------------ */

static double ticks_per_ns = 1.0; /* 1.0 when the ticks are clock_gettime ns */
static const char *clock_name = "clock_gettime(CLOCK_MONOTONIC)";

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int use_tsc; /* rdtscp exists and is calibrated */

static inline uint64_t ticks(void) {
#ifdef HAVE_TSC
  if (use_tsc) {
    unsigned aux;
    return __rdtscp(&aux);
  }
#endif
  return mono_ns();
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of five 50 ms windows of TSC ticks per CLOCK_MONOTONIC ns. */
static void calibrate(void) {
#ifdef HAVE_TSC
  unsigned a, b, c, d;
  /* CPUID 0x80000001 EDX bit 27: RDTSCP; 0x80000007 EDX bit 8: invariant TSC. */
  if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(d & (1u << 27))) return;
  if (!__get_cpuid(0x80000007, &a, &b, &c, &d) || !(d & (1u << 8)))
    note("notice: the TSC is not invariant; using clock_gettime");
  else
    use_tsc = 1;
  if (!use_tsc) return;
  double r[5];
  for (int k = 0; k < 5; k++) {
    uint64_t n0 = mono_ns(), t0 = ticks();
    struct timespec d = {0, 50000000};
    nanosleep(&d, NULL);
    uint64_t n1 = mono_ns(), t1 = ticks();
    r[k] = (double)(t1 - t0) / (double)(n1 - n0);
  }
  qsort(r, 5, sizeof r[0], cmp_double);
  ticks_per_ns = r[2];
  clock_name = "rdtscp";
#endif
}

/* ------------------------------------------------------------------------ */
/* Contenders                                                                */
/* ------------------------------------------------------------------------ */

static const bench_contender_t *all[MAX_CONTENDERS];
static int n_all;
static const char *syslog_why;

static void add(const bench_contender_t *c) {
  if (cfg.only != NULL) {
    size_t n = strlen(c->name);
    const char *p = cfg.only;
    int found = 0;
    while (*p) {
      const char *e = strchr(p, ',');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if (len == n && strncmp(p, c->name, n) == 0) found = 1;
      p += len + (e ? 1 : 0);
    }
    if (!found) return;
  }
  if (n_all < MAX_CONTENDERS) all[n_all++] = c;
}

static void build_list(void) {
  add(&bench_timer);
  add(&bench_floor_fmt);
  add(&bench_floor_copy);
#ifdef BENCH_HAVE_UVLOG
  for (int k = 0; bench_uvlog_contenders[k] != NULL; k++) add(bench_uvlog_contenders[k]);
#endif
  add(&bench_fprintf);
  add(&bench_syslog);
#ifdef BENCH_HAVE_SPDLOG
  add(&bench_spdlog);
#else
  note("notice: spdlog-async skipped: built without C++ or libspdlog-dev");
#endif
}

static const bench_contender_t *find_contender(const char *name) {
  for (int k = 0; k < n_all; k++)
    if (strcmp(all[k]->name, name) == 0) return all[k];
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Output files                                                              */
/* ------------------------------------------------------------------------ */

typedef struct file_count {
  uint64_t lines;    /* all lines */
  uint64_t records;  /* lines carrying the benchmark message */
  uint64_t bytes;
} file_count_t;

static int count_file(const char *path, file_count_t *fc) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  memset(fc, 0, sizeof *fc);
  if (f == NULL) return -1;
  while ((n = getline(&line, &cap, f)) > 0) {
    fc->lines++;
    fc->bytes += (uint64_t)n;
    if (strstr(line, BENCH_NEEDLE) != NULL) fc->records++;
  }
  free(line);
  fclose(f);
  return 0;
}

int64_t bench_count_records(const char *path) {
  file_count_t fc;
  return count_file(path, &fc) == 0 ? (int64_t)fc.records : -1;
}

static void out_path(char *buf, size_t n, const char *dir, const bench_contender_t *c, const char *tag) {
  path_fmt(buf, n, "%s/%s-%s.log", dir, c->name, tag);
}

/* ------------------------------------------------------------------------ */
/* Runs                                                                      */
/* ------------------------------------------------------------------------ */

enum { MODE_LATENCY, MODE_BURST, MODE_AUDIT };

typedef struct run {
  const bench_contender_t *c;
  void *st;
  int mode;
  int nthreads;
  int n;            /* measured calls per thread */
  int warmup;
  long spacing_ns;
  int spin;
  int pin;          /* PIN_*: where the contender's threads and producers run */
  pthread_barrier_t barrier;
  uint64_t *samples; /* MODE_LATENCY: nthreads * n tick deltas */
  uint64_t start_ns[MAX_THREADCFG * 8];
  uint64_t end_ns[MAX_THREADCFG * 8];
  uint64_t allocs[MAX_THREADCFG * 8];
  pid_t tids[MAX_THREADCFG * 8];
} run_t;

typedef struct worker_arg {
  run_t *run;
  int idx;
} worker_arg_t;

static void spin_until(uint64_t t) {
  while (ticks() < t) {
#ifdef HAVE_TSC
    _mm_pause();
#endif
  }
}

static void gap(run_t *r, uint64_t *next, uint64_t gap_ticks) {
  if (r->spin) {
    *next += gap_ticks;
    spin_until(*next);
  } else {
    struct timespec d = {0, r->spacing_ns};
    nanosleep(&d, NULL);
  }
}

static void audit_marker(const char *m) {
  /* Fails with EBADF: strace shows it, nothing else happens. */
  ssize_t rc = write(-1, m, strlen(m));
  (void)rc;
}

static void *worker(void *arg) {
  worker_arg_t *wa = arg;
  run_t *r = wa->run;
  const bench_contender_t *c = r->c;
  void *st = r->st;
  int base = wa->idx * (r->warmup + r->n);
  uint64_t gap_ticks = (uint64_t)((double)r->spacing_ns * ticks_per_ns);
  uint64_t next;

  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  if (r->pin == PIN_SPLIT && bench_pin_self(1) != 0) die("cannot pin a producer to the second CPU");
  r->tids[wa->idx] = (pid_t)syscall(SYS_gettid);
  pthread_barrier_wait(&r->barrier);
  next = ticks();
  if (r->mode == MODE_BURST) {
    for (int k = 0; k < r->warmup; k++) c->log(st, base + k);
    r->start_ns[wa->idx] = mono_ns();
    for (int k = r->warmup; k < r->warmup + r->n; k++) c->log(st, base + k);
    r->end_ns[wa->idx] = mono_ns();
    return NULL;
  }
  for (int k = 0; k < r->warmup; k++) {
    gap(r, &next, gap_ticks);
    c->log(st, base + k);
  }
  if (r->mode == MODE_AUDIT) {
    audit_marker(AUDIT_BEGIN);
    bench_alloc_count_start();
    for (int k = r->warmup; k < r->warmup + r->n; k++) {
      gap(r, &next, gap_ticks);
      c->log(st, base + k);
    }
    r->allocs[wa->idx] = bench_alloc_count_stop();
    audit_marker(AUDIT_END);
    return NULL;
  }
  uint64_t *out = r->samples + (size_t)wa->idx * (size_t)r->n;
  for (int k = 0; k < r->n; k++) {
    gap(r, &next, gap_ticks);
    uint64_t a = ticks();
    c->log(st, base + r->warmup + k);
    uint64_t b = ticks();
    out[k] = b - a;
  }
  return NULL;
}

typedef struct outcome {
  int ok;                 /* ran and the line count matched */
  int skipped;
  const char *why;
  uint64_t calls, dropped;
  file_count_t fc;
  double calls_per_s, disk_per_s;
} outcome_t;

/* Opens the contender with the main thread on the first CPU when pinning,
 * so every thread the contender starts (uvlog's listener, spdlog's worker)
 * inherits that CPU. "split" then gives the main thread back every CPU; its
 * producers pin themselves to the second CPU (worker()). "same" keeps the
 * main thread, and so the producers it creates, on the first CPU. */
static int open_pinned(run_t *r, const char *path, outcome_t *o) {
  if (r->pin != PIN_NONE && bench_pin_self(0) != 0) die("cannot pin to the first CPU");
  int rc = r->c->open(&r->st, path, r->nthreads, &o->why);
  if (r->pin == PIN_SPLIT || rc != 0) bench_pin_self(-1);
  return rc;
}

/* Opens the contender, runs the threads, drains and checks the file. */
static int run_once(run_t *r, const char *path, outcome_t *o) {
  pthread_t th[MAX_THREADCFG * 8];
  worker_arg_t wa[MAX_THREADCFG * 8];
  const bench_contender_t *c = r->c;
  memset(o, 0, sizeof *o);
  unlink(path);
  if (open_pinned(r, path, o) != 0) {
    o->skipped = 1;
    return -1;
  }
  pthread_barrier_init(&r->barrier, NULL, (unsigned)r->nthreads);
  for (int t = 0; t < r->nthreads; t++) {
    wa[t].run = r;
    wa[t].idx = t;
    if (pthread_create(&th[t], NULL, worker, &wa[t]) != 0) die("pthread_create failed");
  }
  for (int t = 0; t < r->nthreads; t++) pthread_join(th[t], NULL);
  pthread_barrier_destroy(&r->barrier);
  o->calls = (uint64_t)r->nthreads * (uint64_t)(r->warmup + r->n);
  int rc = 0;
  /* Drops are counted when the call returns, and a drain may tear the
   * logger down (spdlog): read them first. */
  o->dropped = c->dropped(r->st);
  if (c->writes_file && c->drain(r->st) != 0) rc = -1;
  uint64_t done_ns = mono_ns();
  c->close(r->st);
  if (r->pin == PIN_SAME) bench_pin_self(-1);
  if (r->mode == MODE_BURST) {
    uint64_t s = UINT64_MAX, e = 0;
    for (int t = 0; t < r->nthreads; t++) {
      if (r->start_ns[t] < s) s = r->start_ns[t];
      if (r->end_ns[t] > e) e = r->end_ns[t];
    }
    double measured = (double)r->nthreads * r->n;
    o->calls_per_s = measured / ((double)(e - s) / 1e9);
    if (c->writes_file) {
      double kept = measured - (double)o->dropped;
      o->disk_per_s = (kept > 0 ? kept : 0) / ((double)(done_ns - s) / 1e9);
    }
  }
  if (c->writes_file) {
    if (count_file(path, &o->fc) != 0 || o->fc.records != o->calls - o->dropped) {
      fprintf(stderr, "uvlog-bench: LINE COUNT MISMATCH for %s: %" PRIu64 " records in %s, "
              "expected %" PRIu64 " (%" PRIu64 " calls - %" PRIu64 " reported drops)\n",
              c->name, o->fc.records, path, o->calls - o->dropped, o->calls, o->dropped);
      rc = -1;
    }
    if (!cfg.keep) unlink(path);
  }
  o->ok = rc == 0;
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Results                                                                   */
/* ------------------------------------------------------------------------ */

#define N_PCT 5
static const double pct_q[N_PCT] = {0.50, 0.99, 0.999, 0.9999, 1.0};
static const char *const pct_name[N_PCT] = {"p50", "p99", "p99.9", "p99.99", "max"};

typedef struct audit_res {
  int done;
  double records;                  /* measured calls, all producers */
  double sys_per_m, malloc_per_m;  /* per million records */
  char sys_top[160];               /* "name:count ..." */
} audit_res_t;

typedef struct lat {        /* one latency section's rounds */
  double v[MAX_ROUNDS][N_PCT];     /* ns */
  uint64_t dropped[MAX_ROUNDS];
  int n;
} lat_t;

typedef struct cell {      /* one contender at one thread count */
  int ran, skipped, failed;
  const char *why;
  lat_t lat[MAX_SECTIONS];         /* by latency section (cfg.sec) */
  double calls[MAX_ROUNDS], disk[MAX_ROUNDS];
  uint64_t dropped_burst[MAX_ROUNDS];
  int n_burst;
  double avg_line;                 /* bytes per line, from the last run */
  /* audits (only in the cell of cfg.audit_threads) */
  audit_res_t audit;   /* steady: busy-wait spacing, the listener never parks */
  audit_res_t sparse;  /* one thread, calls further apart than idle_park_ms */
} cell_t;

static cell_t cells[MAX_CONTENDERS][MAX_THREADCFG];

static double median(const double *v, int n) {
  double tmp[MAX_ROUNDS];
  if (n == 0) return NAN;
  memcpy(tmp, v, (size_t)n * sizeof *v);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
  return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static void percentiles(uint64_t *s, size_t n, double *out) {
  qsort(s, n, sizeof *s, cmp_u64);
  for (int k = 0; k < N_PCT; k++) {
    size_t idx = (size_t)ceil(pct_q[k] * (double)n);
    if (idx == 0) idx = 1;
    out[k] = (double)s[idx - 1] / ticks_per_ns;
  }
}

/* uvlog's own contenders must always run: a skip is a failure (it would
 * otherwise hide a broken library behind a passing smoke test). */
static void mark_skip(cell_t *cl, const bench_contender_t *c, const char *why) {
  cl->skipped = 1;
  cl->why = why;
  if (strncmp(c->name, "uvlog", 5) == 0) {
    fprintf(stderr, "uvlog-bench: %s could not run: %s\n", c->name, why ? why : "?");
    cl->failed = 1;
  }
}

static void do_latency(int ci, int ti, int si, const char *dir) {
  cell_t *cl = &cells[ci][ti];
  lat_t *lt = &cl->lat[si];
  run_t r = {0};
  outcome_t o;
  char path[4096];
  r.c = all[ci];
  r.mode = MODE_LATENCY;
  r.nthreads = cfg.threads[ti];
  r.n = cfg.lat_n;
  r.warmup = cfg.warmup;
  r.spacing_ns = cfg.sec[si].spacing_ns;
  r.spin = cfg.sec[si].spin;
  r.pin = cfg.sec[si].pin;
  r.samples = calloc((size_t)r.nthreads * (size_t)r.n, sizeof *r.samples);
  if (r.samples == NULL) die("out of memory");
  /* Touch every page now, not between two timed calls. */
  memset(r.samples, 0xff, (size_t)r.nthreads * (size_t)r.n * sizeof *r.samples);
  out_path(path, sizeof path, dir, r.c, "latency");
  if (run_once(&r, path, &o) != 0) {
    if (o.skipped) mark_skip(cl, r.c, o.why);
    else cl->failed = 1;
  }
  if (!o.skipped) {
    percentiles(r.samples, (size_t)r.nthreads * (size_t)r.n, lt->v[lt->n]);
    lt->dropped[lt->n] = o.dropped;
    lt->n++;
    cl->ran = 1;
    if (o.fc.lines) cl->avg_line = (double)o.fc.bytes / (double)o.fc.lines;
  }
  free(r.samples);
}

static void do_burst(int ci, int ti, const char *dir) {
  cell_t *cl = &cells[ci][ti];
  run_t r = {0};
  outcome_t o;
  char path[4096];
  r.c = all[ci];
  r.mode = MODE_BURST;
  r.nthreads = cfg.threads[ti];
  r.n = cfg.burst_n;
  r.warmup = cfg.warmup;
  out_path(path, sizeof path, dir, r.c, "burst");
  if (run_once(&r, path, &o) != 0) {
    if (o.skipped) { mark_skip(cl, r.c, o.why); return; }
    cl->failed = 1;
  }
  cl->calls[cl->n_burst] = o.calls_per_s;
  cl->disk[cl->n_burst] = r.c->writes_file ? o.disk_per_s : NAN;
  cl->dropped_burst[cl->n_burst] = o.dropped;
  cl->n_burst++;
  cl->ran = 1;
}

/* ------------------------------------------------------------------------ */
/* Audit: this binary under strace -f -ff                                    */
/* ------------------------------------------------------------------------ */

/* The child side: runs one contender in MODE_AUDIT and writes, per producer,
 * "tid allocs" lines to `tidfile`. Returns the exit status. */
static int audit_child(const char *name, int nthreads, const char *dir, const char *tidfile) {
  const bench_contender_t *c = find_contender(name);
  run_t r = {0};
  outcome_t o;
  char path[4096];
  if (c == NULL) die("unknown contender %s", name);
  r.c = c;
  r.mode = MODE_AUDIT;
  r.nthreads = nthreads;
  r.n = cfg.audit_n;
  r.warmup = cfg.warmup;
  r.spacing_ns = cfg.spacing_ns;
  r.spin = 1;
  out_path(path, sizeof path, dir, c, "audit");
  int rc = run_once(&r, path, &o);
  if (o.skipped) return 3;
  FILE *f = fopen(tidfile, "w");
  if (f == NULL) return 2;
  for (int t = 0; t < nthreads; t++) fprintf(f, "%d %" PRIu64 "\n", (int)r.tids[t], r.allocs[t]);
  fclose(f);
  return rc == 0 ? 0 : 1;
}

typedef struct sysname {
  char name[32];
  uint64_t n;
} sysname_t;

/* Counts syscall lines between the markers in one strace -ff output file. */
static int64_t count_trace(const char *path, sysname_t *names, int *n_names, int max_names) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  int in = 0;
  int64_t count = 0;
  if (f == NULL) return -1;
  while (getline(&line, &cap, f) > 0) {
    if (strstr(line, AUDIT_BEGIN)) { in = 1; continue; }
    if (strstr(line, AUDIT_END)) break;
    if (!in || line[0] < 'a' || line[0] > 'z') continue; /* signals, exits */
    count++;
    size_t len = strcspn(line, "(");
    if (len >= sizeof names[0].name) len = sizeof names[0].name - 1;
    int k;
    for (k = 0; k < *n_names; k++)
      if (strlen(names[k].name) == len && strncmp(names[k].name, line, len) == 0) break;
    if (k == *n_names && k < max_names) {
      memcpy(names[k].name, line, len);
      names[k].name[len] = 0;
      names[k].n = 0;
      (*n_names)++;
    }
    if (k < *n_names) names[k].n++;
  }
  free(line);
  fclose(f);
  return count;
}

static char self_exe[4096];
static const char *strace_path;

typedef struct audit_plan {
  const char *tag;  /* "steady" or "sparse": names the trace directory */
  int nthreads, n, warmup;
  long spacing_ns;
} audit_plan_t;

/* Removes a flat directory of files (the trace files of one audit). */
static void remove_dir(const char *path) {
  DIR *d = opendir(path);
  struct dirent *e;
  if (d == NULL) return;
  while ((e = readdir(d)) != NULL) {
    char p[4400];
    if (e->d_name[0] == '.') continue;
    path_fmt(p, sizeof p, "%s/%s", path, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(path);
}

/* Runs contender `ci` under strace as `plan` says and fills `out`. Returns
 * -1 if the child reported a failed line check, else 0. */
static int do_audit(int ci, const audit_plan_t *plan, const char *dir, audit_res_t *out) {
  const bench_contender_t *c = all[ci];
  char adir[4096], tidfile[4200], prefix[4200], nthr[16], nn[16], warm[16], spc[24];
  path_fmt(adir, sizeof adir, "%s/audit-%s-%s", dir, plan->tag, c->name);
  mkdir(adir, 0700);
  path_fmt(tidfile, sizeof tidfile, "%s/tids", adir);
  path_fmt(prefix, sizeof prefix, "%s/trace", adir);
  snprintf(nthr, sizeof nthr, "%d", plan->nthreads);
  snprintf(nn, sizeof nn, "%d", plan->n);
  snprintf(warm, sizeof warm, "%d", plan->warmup);
  snprintf(spc, sizeof spc, "%ld", plan->spacing_ns);
  fflush(NULL); /* the child must not inherit unwritten stdio buffers */
  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    execl(strace_path, "strace", "-f", "-ff", "-qq", "-o", prefix, self_exe,
          "--audit-child", c->name, nthr, adir, tidfile, "--audit-n", nn,
          "--warmup", warm, "--spacing-ns", spc, (char *)NULL);
    _exit(127);
  }
  int status, rc = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    note("notice: %s audit of %s failed (status %d)", plan->tag, c->name, status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 1) rc = -1;
    goto done;
  }
  FILE *f = fopen(tidfile, "r");
  if (f == NULL) goto done;
  int tid, seen = 0;
  uint64_t allocs, total_allocs = 0;
  int64_t total_sys = 0;
  sysname_t names[32];
  int n_names = 0;
  while (fscanf(f, "%d %" SCNu64, &tid, &allocs) == 2) {
    char tpath[4300];
    path_fmt(tpath, sizeof tpath, "%s.%d", prefix, tid);
    int64_t n = count_trace(tpath, names, &n_names, 32);
    if (n < 0) break;
    total_sys += n;
    total_allocs += allocs;
    seen++;
  }
  fclose(f);
  if (seen != plan->nthreads) {
    note("notice: %s audit of %s: no strace output for some producers", plan->tag, c->name);
    goto done;
  }
  double records = (double)plan->nthreads * plan->n;
  out->done = 1;
  out->records = records;
  out->sys_per_m = (double)total_sys * 1e6 / records;
  out->malloc_per_m = (double)total_allocs * 1e6 / records;
  out->sys_top[0] = 0;
  for (int k = 0; k < n_names; k++) {
    size_t len = strlen(out->sys_top);
    snprintf(out->sys_top + len, sizeof out->sys_top - len, "%s%s:%" PRIu64, len ? " " : "",
             names[k].name, names[k].n);
  }
done:
  if (!cfg.keep) remove_dir(adir);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Report                                                                    */
/* ------------------------------------------------------------------------ */

/* Median over rounds of percentile k of a latency section. */
static double lat_median(const lat_t *lt, int k) {
  double v[MAX_ROUNDS];
  for (int r = 0; r < lt->n; r++) v[r] = lt->v[r][k];
  return median(v, lt->n);
}

static uint64_t max_u64(const uint64_t *v, int n) {
  uint64_t m = 0;
  for (int k = 0; k < n; k++) if (v[k] > m) m = v[k];
  return m;
}

static void fmt_num(char *buf, size_t n, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else if (v >= 1e7) snprintf(buf, n, "%.1fM", v / 1e6);
  else if (v >= 1e4) snprintf(buf, n, "%.0f", v);
  else snprintf(buf, n, "%.0f", v);
}

static int index_of(const char *name) {
  for (int k = 0; k < n_all; k++) if (strcmp(all[k]->name, name) == 0) return k;
  return -1;
}

/* The per-name system call lists of the steady (0) or sparse (1) audit. */
static void print_audit(FILE *out, int sparse) {
  int any = 0;
  for (int ti = 0; ti < cfg.n_threads; ti++)
    for (int ci = 0; ci < n_all; ci++) {
      const audit_res_t *a = sparse ? &cells[ci][ti].sparse : &cells[ci][ti].audit;
      if (!a->done) continue;
      if (!any++) {
        if (sparse)
          fprintf(out, "\nSparse audit: 1 thread, %d calls %ld ms apart (longer than uvlog's "
                  "default idle_park_ms, 10); per record:\n", cfg.sparse_n, cfg.sparse_spacing_ns / 1000000);
        else
          fprintf(out, "\nSteady audit: %d threads, %d calls each, %ld ns busy-wait apart; "
                  "system calls by name:\n", cfg.threads[ti], cfg.audit_n, cfg.spacing_ns);
      }
      if (sparse)
        fprintf(out, "  %-20s %5.2f syscalls %5.2f mallocs  %s\n", all[ci]->name,
                a->sys_per_m / 1e6, a->malloc_per_m / 1e6, a->sys_top);
      else if (a->sys_top[0])
        fprintf(out, "  %-20s %s\n", all[ci]->name, a->sys_top);
    }
}

static void print_lat_row(FILE *out, int ci, int ti, int si, int ref) {
  cell_t *cl = &cells[ci][ti];
  const lat_t *lt = &cl->lat[si];
  if (cl->skipped && !cl->ran) {
    fprintf(out, "%-20s skipped: %s\n", all[ci]->name, cl->why ? cl->why : "?");
    return;
  }
  if (!lt->n) return;
  char b[N_PCT][32];
  for (int k = 0; k < N_PCT; k++) fmt_num(b[k], sizeof b[k], lat_median(lt, k));
  char r50[16] = "-", r999[16] = "-";
  const lat_t *rl = ref >= 0 ? &cells[ref][ti].lat[si] : NULL;
  if (rl && rl->n) {
    snprintf(r50, sizeof r50, "%.2f", lat_median(lt, 0) / lat_median(rl, 0));
    snprintf(r999, sizeof r999, "%.2f", lat_median(lt, 2) / lat_median(rl, 2));
  }
  char line[16] = "-";
  if (cl->avg_line > 0) snprintf(line, sizeof line, "%.0f", cl->avg_line);
  fprintf(out, "%-20s %8s %8s %8s %8s %9s %7s %7s %6s%s", all[ci]->name, b[0], b[1], b[2],
          b[3], b[4], r50, r999, line, cl->failed ? "  CHECK FAILED" : "");
  uint64_t d = max_u64(lt->dropped, lt->n);
  if (d) fprintf(out, "  (%" PRIu64 " dropped in a round)", d);
  fputc('\n', out);
}

static void print_lat_section(FILE *out, int si, int ref) {
  const section_t *sc = &cfg.sec[si];
  for (int ti = 0; ti < cfg.n_threads; ti++) {
    if (cfg.n_sec > 1 || sc->pin != PIN_NONE) fprintf(out, "\n[%s]", sc->name);
    fprintf(out, "%s%d producer thread%s, %d timed calls each, %s spacing %ld ns",
            cfg.n_sec > 1 || sc->pin != PIN_NONE ? " " : "\n", cfg.threads[ti],
            cfg.threads[ti] > 1 ? "s" : "", cfg.lat_n, sc->spin ? "busy-wait" : "nanosleep",
            sc->spacing_ns);
    if (sc->pin != PIN_NONE) fprintf(out, ", pin %s", pin_name[sc->pin]);
    fprintf(out, "\n%-20s %8s %8s %8s %8s %9s %7s %7s %6s\n", "contender", "p50", "p99",
            "p99.9", "p99.99", "max", "p50 x", "p99.9 x", "line");
    for (int ci = 0; ci < n_all; ci++) print_lat_row(out, ci, ti, si, ref);
  }
}

/* The section with the same spacing as `si` and pin `pin`, or -1. */
static int twin_section(int si, int pin) {
  for (int k = 0; k < cfg.n_sec; k++)
    if (cfg.sec[k].pin == pin && cfg.sec[k].spin == cfg.sec[si].spin &&
        cfg.sec[k].spacing_ns == cfg.sec[si].spacing_ns)
      return k;
  return -1;
}

/* split / same ratios for every spacing measured with both pins. */
static void print_pin_ratios(FILE *out) {
  for (int sp = 0; sp < cfg.n_sec; sp++) {
    int ss = twin_section(sp, PIN_SAME);
    if (cfg.sec[sp].pin != PIN_SPLIT || ss < 0) continue;
    fprintf(out, "\nPin ratio [%s] / [%s] (listener and producers on different CPUs vs one CPU)\n",
            cfg.sec[sp].name, cfg.sec[ss].name);
    fprintf(out, "%-20s %3s %8s %8s %8s\n", "contender", "thr", "p50 x", "p99 x", "p99.9 x");
    for (int ti = 0; ti < cfg.n_threads; ti++)
      for (int ci = 0; ci < n_all; ci++) {
        const lat_t *a = &cells[ci][ti].lat[sp], *b = &cells[ci][ti].lat[ss];
        if (!a->n || !b->n) continue;
        fprintf(out, "%-20s %3d %8.2f %8.2f %8.2f\n", all[ci]->name, cfg.threads[ti],
                lat_median(a, 0) / lat_median(b, 0), lat_median(a, 1) / lat_median(b, 1),
                lat_median(a, 2) / lat_median(b, 2));
      }
  }
}

static void print_table(FILE *out) {
  int ref = index_of(cfg.ref), bref = index_of(cfg.ref_burst);
  fprintf(out, "\nCaller latency (ns, %s at %.3f GHz), medians of %d rounds; x = ratio to %s\n",
          clock_name, ticks_per_ns, cfg.rounds, ref >= 0 ? cfg.ref : "(reference not run)");
  for (int si = 0; si < cfg.n_sec; si++) print_lat_section(out, si, ref);
  print_pin_ratios(out);
  fprintf(out, "\nBurst: %d calls per thread back to back; records/s (median of %d rounds); "
          "x = disk rate / %s's\n", cfg.burst_n, cfg.rounds, cfg.ref_burst);
  fprintf(out, "%-20s %3s %12s %12s %7s %10s %10s %10s\n", "contender", "thr", "calls/s",
          "disk/s", "disk x", "max drops", "sys/Mrec", "malloc/Mrec");
  for (int ti = 0; ti < cfg.n_threads; ti++) {
    for (int ci = 0; ci < n_all; ci++) {
      cell_t *cl = &cells[ci][ti];
      if (!cl->n_burst) continue;
      char c1[32], c2[32], rx[16] = "-", s1[32] = "-", s2[32] = "-";
      double disk = median(cl->disk, cl->n_burst);
      fmt_num(c1, sizeof c1, median(cl->calls, cl->n_burst));
      fmt_num(c2, sizeof c2, disk);
      if (bref >= 0 && cells[bref][ti].n_burst && !isnan(disk))
        snprintf(rx, sizeof rx, "%.2f", disk / median(cells[bref][ti].disk, cells[bref][ti].n_burst));
      if (cl->audit.done) {
        snprintf(s1, sizeof s1, "%.0f", cl->audit.sys_per_m);
        snprintf(s2, sizeof s2, "%.0f", cl->audit.malloc_per_m);
      }
      fprintf(out, "%-20s %3d %12s %12s %7s %10" PRIu64 " %10s %10s%s\n", all[ci]->name,
              cfg.threads[ti], c1, c2, rx, max_u64(cl->dropped_burst, cl->n_burst), s1, s2,
              cl->failed ? "  CHECK FAILED" : "");
    }
  }
  print_audit(out, 0);
  print_audit(out, 1);
  if (!cfg.audit) fprintf(out, "\n(audit not run)\n");
}

static void json_num(FILE *f, double v) {
  if (isnan(v) || isinf(v)) fputs("null", f);
  else fprintf(f, "%.6g", v);
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", *s);
    else fputc(*s, f);
  }
  fputc('"', f);
}

static void json_audit(FILE *f, const char *key, const audit_res_t *a) {
  if (!a->done) return;
  fprintf(f, ",\n     \"%s\": {\"records\": %.0f, \"syscalls_per_million\": ", key, a->records);
  json_num(f, a->sys_per_m);
  fputs(", \"mallocs_per_million\": ", f);
  json_num(f, a->malloc_per_m);
  fputs(", \"syscalls\": ", f);
  json_str(f, a->sys_top);
  fputs("}", f);
}

/* {"p50": .., ..., "max": ..} of one latency section (medians of rounds). */
static void json_pcts(FILE *f, const lat_t *lt) {
  fputc('{', f);
  for (int k = 0; k < N_PCT; k++) {
    fprintf(f, "%s\"%s\": ", k ? ", " : "", pct_name[k]);
    json_num(f, lat_median(lt, k));
  }
  fputc('}', f);
}

/* "latency_sections": {"spin1500": {"p50": ...}, "spin1500@split": ...} */
static void json_sections(FILE *f, const cell_t *cl) {
  fputs(",\n     \"latency_sections\": {", f);
  for (int si = 0; si < cfg.n_sec; si++) {
    fprintf(f, "%s\n       ", si ? "," : "");
    json_str(f, cfg.sec[si].name);
    fputs(": ", f);
    json_pcts(f, &cl->lat[si]);
  }
  fputs("}", f);
}

/* "sections": [{"name", "spacing", "spacing_ns", "pin"}, ...] */
static void json_section_list(FILE *f) {
  fputs("  \"sections\": [", f);
  for (int si = 0; si < cfg.n_sec; si++) {
    const section_t *sc = &cfg.sec[si];
    fprintf(f, "%s{\"name\": ", si ? ", " : "");
    json_str(f, sc->name);
    fprintf(f, ", \"spacing\": \"%s\", \"spacing_ns\": %ld, \"pin\": \"%s\"}",
            sc->spin ? "busy-wait" : "nanosleep", sc->spacing_ns, pin_name[sc->pin]);
  }
  fputs("],\n", f);
}

static void print_json(FILE *f) {
  struct utsname u;
  char host[256] = "?", cpu[256] = "?";
  uname(&u);
  gethostname(host, sizeof host);
  FILE *ci = fopen("/proc/cpuinfo", "r");
  if (ci) {
    char line[512];
    while (fgets(line, sizeof line, ci))
      if (strncmp(line, "model name", 10) == 0) {
        char *p = strchr(line, ':');
        if (p) { snprintf(cpu, sizeof cpu, "%s", p + 2); cpu[strcspn(cpu, "\n")] = 0; }
        break;
      }
    fclose(ci);
  }
  time_t now = time(NULL);
  char ts[64];
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  fprintf(f, "{\n  \"date\": \"%s\",\n  \"machine\": {\"cpu\": ", ts);
  json_str(f, cpu);
  fprintf(f, ", \"cpus\": %ld, \"kernel\": ", sysconf(_SC_NPROCESSORS_ONLN));
  json_str(f, u.release);
  fprintf(f, "},\n  \"clock\": {\"source\": \"%s\", \"ticks_per_ns\": %.6f},\n", clock_name,
          ticks_per_ns);
  fprintf(f, "  \"config\": {\"rounds\": %d, \"latency_calls\": %d, \"warmup\": %d, "
          "\"spacing_ns\": %ld, \"spacing\": \"%s\", \"burst_calls\": %d, \"audit_calls\": %d, "
          "\"reference\": \"%s\", \"burst_reference\": \"%s\"},\n", cfg.rounds, cfg.lat_n,
          cfg.warmup, cfg.spacing_ns, cfg.spin ? "busy-wait" : "nanosleep", cfg.burst_n,
          cfg.audit_n, cfg.ref, cfg.ref_burst);
  json_section_list(f);
  fprintf(f, "  \"results\": [");
  int first = 1;
  for (int ti = 0; ti < cfg.n_threads; ti++)
    for (int c = 0; c < n_all; c++) {
      cell_t *cl = &cells[c][ti];
      if (!cl->ran && !cl->skipped) continue;
      fprintf(f, "%s\n    {\"contender\": \"%s\", \"threads\": %d, ", first ? "" : ",",
              all[c]->name, cfg.threads[ti]);
      first = 0;
      fputs("\"description\": ", f);
      json_str(f, all[c]->desc);
      if (!cl->ran) {
        fputs(", \"skipped\": ", f);
        json_str(f, cl->why);
        fputs("}", f);
        continue;
      }
      fprintf(f, ", \"ok\": %s, \"avg_line_bytes\": ", cl->failed ? "false" : "true");
      json_num(f, cl->avg_line > 0 ? cl->avg_line : NAN);
      /* The first section keeps the keys of a single-section run. */
      fputs(",\n     \"latency_ns\": ", f);
      json_pcts(f, &cl->lat[0]);
      fputs(",\n     \"latency_rounds\": [", f);
      for (int r = 0; r < cl->lat[0].n; r++) {
        fputs(r ? ", [" : "[", f);
        for (int k = 0; k < N_PCT; k++) { if (k) fputs(", ", f); json_num(f, cl->lat[0].v[r][k]); }
        fputs("]", f);
      }
      fprintf(f, "], \"latency_max_dropped\": %" PRIu64, max_u64(cl->lat[0].dropped, cl->lat[0].n));
      json_sections(f, cl);
      fputs(",\n     \"burst\": {\"calls_per_s\": ", f);
      json_num(f, median(cl->calls, cl->n_burst));
      fputs(", \"disk_per_s\": ", f);
      json_num(f, median(cl->disk, cl->n_burst));
      fprintf(f, ", \"max_dropped\": %" PRIu64 ", \"rounds_calls_per_s\": [",
              max_u64(cl->dropped_burst, cl->n_burst));
      for (int r = 0; r < cl->n_burst; r++) { if (r) fputs(", ", f); json_num(f, cl->calls[r]); }
      fputs("], \"rounds_disk_per_s\": [", f);
      for (int r = 0; r < cl->n_burst; r++) { if (r) fputs(", ", f); json_num(f, cl->disk[r]); }
      fputs("]}", f);
      json_audit(f, "audit", &cl->audit);
      json_audit(f, "sparse_audit", &cl->sparse);
      fputs("}", f);
    }
  fputs("\n  ]", f);
  bench_idle_json(f);
  bench_steady_json(f);
  fputs("\n}\n", f);
}

/* ------------------------------------------------------------------------ */
/* Main                                                                      */
/* ------------------------------------------------------------------------ */

static void usage(void) {
  fputs("usage: uvlog-bench [options]\n"
        "  --rounds N         rounds of every measurement (default 3)\n"
        "  --threads LIST     producer thread counts, e.g. 1,2,4 (default 1,2)\n"
        "  --latency-n N      timed calls per thread (default 50000)\n"
        "  --warmup N         untimed calls per thread first (default 2000)\n"
        "  --spacing-ns N     gap between calls of one thread (default 10000)\n"
        "  --spin             busy-wait the gap instead of nanosleep\n"
        "  --spacing-set LIST latency sections, one table each: sleepN or spinN (N in ns,\n"
        "                     or with a unit: 1500ns, 10us, 1ms), optionally @same or\n"
        "                     @split, e.g. sleep10us,spin1500,spin20000,spin1500@split\n"
        "  --pin MODE         none (default), same (the whole process on the first CPU)\n"
        "                     or split (contender's threads on the first CPU, producers on\n"
        "                     the second), for sections without an @\n"
        "  --idle             run the idle scenario (process CPU and wake-ups/s while one\n"
        "                     thread logs 0..10000 records/s)\n"
        "  --idle-rates LIST  records/s (default 0,10,100,1000,10000)\n"
        "  --idle-ms N        length of each idle run (default 2000)\n"
        "  --idle-only LIST   contenders (default timer,uvlog-drop,uvlog-deferred,fprintf,\n"
        "                     spdlog-async; timer = no logging at all)\n"
        "  --steady           run the steady scenario (listener CPU per record, records\n"
        "                     per write(2) from a second run under strace)\n"
        "  --steady-rates LIST records/s, busy-wait spaced (default 10000,50000,200000)\n"
        "  --steady-ms N      length of each steady run (default 2000)\n"
        "  --steady-only LIST contenders (default uvlog-drop,uvlog-deferred,fprintf,\n"
        "                     spdlog-async)\n"
        "  --burst-n N        calls per thread in a burst (default 200000)\n"
        "  --audit-n N        calls per thread under strace (default 20000)\n"
        "  --audit-threads N  producer threads in the audit (default 2)\n"
        "  --no-audit         skip the strace audits\n"
        "  --sparse-n N       calls 20 ms apart in the sparse audit (default 100, 0 = none)\n"
        "  --only LIST        run only these contenders (comma list)\n"
        "  --ref NAME         latency ratios against NAME (default uvlog-drop)\n"
        "  --ref-burst NAME   burst ratios against NAME (default uvlog-block)\n"
        "  --json FILE        also write the results as JSON (- = stdout)\n"
        "  --dir DIR          where output files go (default a temp dir)\n"
        "  --keep             keep the output files\n"
        "  --smoke            a few thousand records, 1 round: checks line counts\n"
        "  --list             list the contenders\n", stderr);
  exit(2);
}

static int parse_int(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < lo || v > hi) die("bad number: %s", s);
  return (int)v;
}

static void parse_threads(const char *s) {
  cfg.n_threads = 0;
  while (*s) {
    if (cfg.n_threads == MAX_THREADCFG) die("too many thread counts");
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 1 || v > 64) die("bad thread list");
    cfg.threads[cfg.n_threads++] = (int)v;
    s = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') die("bad thread list");
  }
  if (cfg.n_threads == 0) die("empty thread list");
}

/* "10us" -> 10000; a bare number is in ns. */
static long parse_ns(const char *s, const char *tok) {
  char *end;
  double v = strtod(s, &end);
  double mul = !strcmp(end, "") || !strcmp(end, "ns") ? 1 : !strcmp(end, "us") ? 1e3
             : !strcmp(end, "ms") ? 1e6 : -1;
  if (end == s || mul < 0 || v < 0 || v * mul > 999999999) die("bad spacing in %s", tok);
  return (long)(v * mul + 0.5);
}

static int parse_pin(const char *s) {
  for (int k = 0; k < 3; k++) if (!strcmp(s, pin_name[k])) return k;
  die("bad pin mode %s (none, same or split)", s);
  return PIN_NONE;
}

/* One --spacing-set entry: sleepN|spinN[@pin]. */
static void parse_section(const char *tok, size_t len, section_t *sc) {
  char buf[sizeof sc->name];
  if (len == 0 || len >= sizeof buf) die("bad --spacing-set entry");
  memcpy(buf, tok, len);
  buf[len] = 0;
  snprintf(sc->name, sizeof sc->name, "%s", buf);
  char *at = strchr(buf, '@');
  sc->pin = cfg.pin;
  if (at) { *at = 0; sc->pin = parse_pin(at + 1); }
  if (!strncmp(buf, "sleep", 5)) sc->spin = 0;
  else if (!strncmp(buf, "spin", 4)) sc->spin = 1;
  else die("bad --spacing-set entry %s (sleepN or spinN)", sc->name);
  sc->spacing_ns = parse_ns(buf + (sc->spin ? 4 : 5), sc->name);
  if (sc->pin != PIN_NONE && !at)
    snprintf(sc->name + strlen(sc->name), sizeof sc->name - strlen(sc->name), "@%s",
             pin_name[sc->pin]);
}

/* Fills cfg.sec from --spacing-set, or one section from --spacing-ns/--spin. */
static void build_sections(void) {
  const char *p = cfg.spacing_set;
  cfg.n_sec = 0;
  if (p == NULL) {
    section_t *sc = &cfg.sec[cfg.n_sec++];
    sc->spacing_ns = cfg.spacing_ns;
    sc->spin = cfg.spin;
    sc->pin = cfg.pin;
    snprintf(sc->name, sizeof sc->name, "%s%ld%s%s", cfg.spin ? "spin" : "sleep", cfg.spacing_ns,
             cfg.pin ? "@" : "", cfg.pin ? pin_name[cfg.pin] : "");
  }
  while (p && *p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (cfg.n_sec == MAX_SECTIONS) die("too many --spacing-set entries");
    section_t *sc = &cfg.sec[cfg.n_sec];
    parse_section(p, len, sc);
    if (sc->pin != PIN_NONE && bench_cpu_count() < (sc->pin == PIN_SPLIT ? 2 : 1))
      note("notice: section %s skipped: needs 2 CPUs", sc->name);
    else
      cfg.n_sec++;
    p += len + (e ? 1 : 0);
  }
  if (cfg.n_sec == 0) die("no latency section to run");
}

static const char *make_dir(char *buf, size_t n) {
  const char *base = getenv("UVLOG_TEST_TMPDIR");
  if (base == NULL) base = getenv("TMPDIR");
  if (base == NULL) base = "/tmp";
  mkdir(base, 0700);
  snprintf(buf, n, "%s/uvlog-bench-XXXXXX", base);
  if (mkdtemp(buf) == NULL) die("mkdtemp in %s failed: %s", base, strerror(errno));
  return buf;
}

static const char *find_strace(void) {
  static const char *const cand[] = {"/usr/bin/strace", "/bin/strace", "/usr/local/bin/strace"};
  for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++)
    if (access(cand[k], X_OK) == 0) return cand[k];
  return NULL;
}

int main(int argc, char **argv) {
  int list = 0, smoke = 0;
  const char *child_name = NULL, *child_dir = NULL, *child_tids = NULL;
  char *const *steady_child = NULL;
  int child_threads = 0;
  for (int k = 1; k < argc; k++) {
    const char *a = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = bench_idle_option(a, val);
    if (!used) used = bench_steady_option(a, val);
    if (used) { k += used - 1; continue; }
#define NEXT() (k + 1 < argc ? argv[++k] : (usage(), ""))
    if (!strcmp(a, "--rounds")) cfg.rounds = parse_int(NEXT(), 1, MAX_ROUNDS);
    else if (!strcmp(a, "--threads")) parse_threads(NEXT());
    else if (!strcmp(a, "--latency-n")) cfg.lat_n = parse_int(NEXT(), 1, 100000000);
    else if (!strcmp(a, "--warmup")) cfg.warmup = parse_int(NEXT(), 0, 100000000);
    else if (!strcmp(a, "--spacing-ns")) cfg.spacing_ns = parse_int(NEXT(), 0, 999999999);
    else if (!strcmp(a, "--spin")) cfg.spin = 1;
    else if (!strcmp(a, "--spacing-set")) cfg.spacing_set = NEXT();
    else if (!strcmp(a, "--pin")) cfg.pin = parse_pin(NEXT());
    else if (!strcmp(a, "--burst-n")) cfg.burst_n = parse_int(NEXT(), 1, 100000000);
    else if (!strcmp(a, "--audit-n")) cfg.audit_n = parse_int(NEXT(), 1, 100000000);
    else if (!strcmp(a, "--audit-threads")) cfg.audit_threads = parse_int(NEXT(), 1, 64);
    else if (!strcmp(a, "--no-audit")) cfg.audit = 0;
    else if (!strcmp(a, "--sparse-n")) cfg.sparse_n = parse_int(NEXT(), 0, 100000);
    else if (!strcmp(a, "--only")) cfg.only = NEXT();
    else if (!strcmp(a, "--ref")) cfg.ref = NEXT();
    else if (!strcmp(a, "--ref-burst")) cfg.ref_burst = NEXT();
    else if (!strcmp(a, "--json")) cfg.json = NEXT();
    else if (!strcmp(a, "--dir")) cfg.dir = NEXT();
    else if (!strcmp(a, "--keep")) cfg.keep = 1;
    else if (!strcmp(a, "--list")) list = 1;
    else if (!strcmp(a, "--smoke")) smoke = 1;
    else if (!strcmp(a, "--help")) usage();
    else if (!strcmp(a, "--audit-child") && k + 4 < argc) {
      child_name = argv[++k];
      child_threads = parse_int(argv[++k], 1, 64);
      child_dir = argv[++k];
      child_tids = argv[++k];
    } else if (!strcmp(a, "--steady-child") && k + 4 < argc) {
      steady_child = argv + k + 1;
      k += 4;
    } else usage();
#undef NEXT
  }
  if (smoke) {
    cfg.rounds = 1;
    cfg.lat_n = 2000;
    cfg.warmup = 100;
    cfg.spacing_ns = 1000;
    cfg.spin = 1;
    cfg.burst_n = 3000;
    cfg.audit = 0;
    if (cfg.spacing_set == NULL) cfg.spacing_set = "spin1000,sleep1000@same,spin1000@split";
    bench_idle_smoke();
    bench_steady_smoke();
  }
  bench_pin_init();
  build_sections();
  /* Before any thread exists: unshare(CLONE_NEWNS) needs a single thread. */
  if (bench_syslog_namespace(&syslog_why) != 0)
    note("notice: syslog contender will be skipped: %s", syslog_why);
  build_list();
  if (list) {
    for (int k = 0; k < n_all; k++) printf("%-20s %s\n", all[k]->name, all[k]->desc);
    return 0;
  }
  ssize_t exe_len = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  if (exe_len > 0) self_exe[exe_len] = 0;
  bench_scenario_env_t env = {all, n_all, NULL, cfg.keep, cfg.quiet, self_exe, find_strace()};
  if (steady_child != NULL)
    return bench_steady_child(&env, steady_child[0], steady_child[1], steady_child[2],
                              steady_child[3]);
  calibrate();
  if (child_name != NULL) return audit_child(child_name, child_threads, child_dir, child_tids);

  char dirbuf[4096];
  if (cfg.dir && mkdir(cfg.dir, 0700) != 0 && errno != EEXIST)
    die("cannot create %s: %s", cfg.dir, strerror(errno));
  const char *dir = cfg.dir ? cfg.dir : make_dir(dirbuf, sizeof dirbuf);
  int ti_audit = -1;
  for (int ti = 0; ti < cfg.n_threads; ti++) if (cfg.threads[ti] == cfg.audit_threads) ti_audit = ti;
  if (cfg.audit && ti_audit < 0) {
    if (cfg.n_threads == MAX_THREADCFG) die("too many thread counts");
    note("notice: the audit needs --audit-threads in --threads; auditing %d", cfg.threads[0]);
    ti_audit = 0;
  }
  note("uvlog-bench: %d contenders, %d rounds, output in %s, clock %s %.3f ticks/ns", n_all,
       cfg.rounds, dir, clock_name, ticks_per_ns);

  for (int r = 0; r < cfg.rounds; r++) {
    for (int si = 0; si < cfg.n_sec; si++)
      for (int ti = 0; ti < cfg.n_threads; ti++)
        for (int j = 0; j < n_all; j++) {
          int ci = (j + r) % n_all;
          note("round %d/%d: latency [%s] %s, %d thread(s)", r + 1, cfg.rounds, cfg.sec[si].name,
               all[ci]->name, cfg.threads[ti]);
          do_latency(ci, ti, si, dir);
        }
    for (int ti = 0; ti < cfg.n_threads; ti++)
      for (int j = 0; j < n_all; j++) {
        int ci = (j + r) % n_all;
        note("round %d/%d: burst %s, %d thread(s)", r + 1, cfg.rounds, all[ci]->name, cfg.threads[ti]);
        do_burst(ci, ti, dir);
      }
  }
  if (cfg.audit) {
    strace_path = find_strace();
    if (strace_path == NULL || exe_len <= 0) {
      note("notice: audit skipped: strace not found");
      cfg.audit = 0;
    } else {
      audit_plan_t steady = {"steady", cfg.threads[ti_audit], cfg.audit_n, cfg.warmup,
                             cfg.spacing_ns};
      audit_plan_t sparse = {"sparse", 1, cfg.sparse_n, 10, cfg.sparse_spacing_ns};
      for (int ci = 0; ci < n_all; ci++) {
        cell_t *cl = &cells[ci][ti_audit];
        if (!cl->ran) continue;
        note("audit: %s, %d thread(s) under strace", all[ci]->name, steady.nthreads);
        if (do_audit(ci, &steady, dir, &cl->audit) != 0) cl->failed = 1;
        if (!all[ci]->writes_file || cfg.sparse_n == 0) continue;
        note("sparse audit: %s, 1 thread under strace", all[ci]->name);
        if (do_audit(ci, &sparse, dir, &cl->sparse) != 0) cl->failed = 1;
      }
    }
  }
  int failed = 0;
  env.dir = dir;
  if (bench_idle_enabled() && bench_idle_run(&env) != 0) failed = 1;
  if (bench_steady_enabled() && bench_steady_run(&env) != 0) failed = 1;
  print_table(stdout);
  bench_idle_print(stdout);
  bench_steady_print(stdout);
  if (cfg.json) {
    FILE *f = strcmp(cfg.json, "-") == 0 ? stdout : fopen(cfg.json, "w");
    if (f == NULL) die("cannot write %s", cfg.json);
    print_json(f);
    if (f != stdout) fclose(f);
  }
  if (!cfg.dir && !cfg.keep) rmdir(dir);
  for (int ci = 0; ci < n_all; ci++)
    for (int ti = 0; ti < cfg.n_threads; ti++) failed |= cells[ci][ti].failed;
  return failed ? 1 : 0;
}
