/*
 * listener_cost.c -- what the listener costs: the caller's latency while the
 * listener runs on the same or another core, and the listener's own CPU and
 * write(2) calls at a steady rate. Not part of uvlog-bench; build it by hand
 * against a release build of the library:
 *
 *   meson setup /tmp/rel --buildtype=release -Dtests=disabled && ninja -C /tmp/rel libuvlog.a
 *   cc -O2 -Iinclude bench/listener_cost.c /tmp/rel/libuvlog.a -luv -lpthread -o /tmp/lcost
 *
 *   lcost lat SPACING_NS N        producer thread, busy-wait SPACING_NS between
 *                                 deferred calls, rdtscp around each call;
 *                                 prints p50 / p99 / p99.9 in cycles and ns.
 *                                 Run under `taskset -c 0` (same core) and
 *                                 `taskset -c 0,1` (listener free to run elsewhere).
 *   lcost rate RECORDS_PER_S SECONDS
 *                                 records arrive evenly (absolute sleeps for
 *                                 rates up to 2000/s, busy-wait above); prints
 *                                 the listener thread's CPU (schedstat), per
 *                                 record, and the process's CPU. Count writes
 *                                 with strace -f -e trace=write,writev -c.
 *   lcost burst N                 one thread logs N records as fast as it can
 *                                 (overflow BLOCK), then close: records/s.
 *
 * The output file is /tmp/lcost.log (removed first).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <uvlog.h>

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static uvlog_t *make_logger(void) {
  uvlog_t *log;
  unlink("/tmp/lcost.log");
  uvlog_sink_t *f;
  uvlog_options_t o;
  uvlog_options_init(&o);
#ifdef LCOST_HAVE_LATENCY
  /* LCOST_LATENCY_MS=n: the delivery latency to measure with. */
  if (getenv("LCOST_LATENCY_MS")) o.delivery_latency_ms = (unsigned)atoi(getenv("LCOST_LATENCY_MS"));
#endif
  if (uvlog_logger_create(&log, &o) || uvlog_sink_file_create(&f, "/tmp/lcost.log", NULL) ||
      uvlog_sink_add(log, f)) {
    fprintf(stderr, "setup failed\n");
    exit(1);
  }
  return log;
}

/* The thread ids of this process, to find the listener's (the new one). */
static int tids(int *out, int max) {
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) && n < max)
    if (e->d_name[0] != '.') out[n++] = atoi(e->d_name);
  if (d) closedir(d);
  return n;
}

static uint64_t task_cpu_ns(int tid) {
  char p[64];
  snprintf(p, sizeof p, "/proc/self/task/%d/schedstat", tid);
  FILE *f = fopen(p, "r");
  unsigned long long run = 0;
  if (f) {
    if (fscanf(f, "%llu", &run) != 1) run = 0;
    fclose(f);
  }
  return run;
}

static double ns_per_cycle(void) {
  uint64_t t0 = mono_ns();
  unsigned a;
  uint64_t c0 = __rdtscp(&a);
  while (mono_ns() - t0 < 50000000) {
  }
  uint64_t c1 = __rdtscp(&a);
  return (double)(mono_ns() - t0) / (double)(c1 - c0);
}

static void busy_until_cycles(uint64_t c) {
  unsigned a;
  while (__rdtscp(&a) < c) _mm_pause();
}

typedef struct {
  uvlog_t *log;
  uint64_t spacing_cyc;
  size_t n;
  uint64_t *lat;
} lat_arg_t;

static void *lat_thread(void *p) {
  lat_arg_t *a = p;
  unsigned aux;
  uint64_t next = __rdtscp(&aux);
  for (size_t i = 0; i < a->n; i++) {
    next += a->spacing_cyc;
    busy_until_cycles(next);
    uint64_t t0 = __rdtscp(&aux);
    UVLOG_INFO_TO(a->log, "request %d from %s took %.3f ms", (int)i, "192.168.1.17", i * 0.001);
    uint64_t t1 = __rdtscp(&aux);
    a->lat[i] = t1 - t0;
  }
  return NULL;
}

static int run_lat(uint64_t spacing_ns, size_t n) {
  double npc = ns_per_cycle();
  uvlog_t *log = make_logger();
  uvlog_logger_start(log);
  lat_arg_t a = {log, (uint64_t)(spacing_ns / npc), n, calloc(n, sizeof(uint64_t))};
  pthread_t th;
  pthread_create(&th, NULL, lat_thread, &a);
  pthread_join(th, NULL);
  uvlog_stats_t st;
  uvlog_logger_close(log);
  uvlog_logger_stats(log, &st);
  size_t skip = n / 10; /* warm-up */
  qsort(a.lat + skip, n - skip, sizeof(uint64_t), cmp_u64);
  uint64_t *l = a.lat + skip;
  size_t m = n - skip;
  printf("lat spacing=%lluns n=%zu dropped=%llu hw=%llu  p50=%.0fns p99=%.0fns p99.9=%.0fns\n",
         (unsigned long long)spacing_ns, m, (unsigned long long)st.dropped,
         (unsigned long long)st.queue_high_water, l[m / 2] * npc,
         l[m * 99 / 100] * npc, l[m * 999 / 1000] * npc);
  uvlog_logger_destroy(log);
  free(a.lat);
  return 0;
}

static int run_rate(double rate, double secs) {
  int before[64], nb = tids(before, 64);
  uvlog_t *log = make_logger();
  uvlog_logger_start(log);
  int after[64], na = tids(after, 64), ltid = 0;
  for (int i = 0; i < na; i++) {
    int found = 0;
    for (int j = 0; j < nb; j++) found |= after[i] == before[j];
    if (!found) ltid = after[i];
  }
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  uint64_t lc0 = task_cpu_ns(ltid), t0 = mono_ns();
  uint64_t n = (uint64_t)(rate * secs), step = (uint64_t)(1e9 / rate);
  uint64_t call_ns = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t due = t0 + i * step;
    if (rate <= 2000) {
      struct timespec ts = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    } else {
      while (mono_ns() < due) _mm_pause();
    }
    uint64_t c0 = mono_ns();
    UVLOG_INFO_TO(log, "request %d from %s took %.3f ms", (int)i, "192.168.1.17", i * 0.001);
    call_ns += mono_ns() - c0;
  }
  uint64_t t1 = mono_ns();
  uint64_t lc1 = task_cpu_ns(ltid);
  getrusage(RUSAGE_SELF, &r1);
  uvlog_stats_t st;
  uvlog_logger_close(log);
  uvlog_logger_stats(log, &st);
  double wall = (double)(t1 - t0) / 1e9;
  double lcpu = (double)(lc1 - lc0) / 1e9;
  double pcpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec + r1.ru_stime.tv_sec -
                         r0.ru_stime.tv_sec) +
                (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec + r1.ru_stime.tv_usec -
                         r0.ru_stime.tv_usec) / 1e6;
  printf("rate=%.0f/s n=%llu wall=%.2fs listener_cpu=%.2f%% (%.2f us/record) "
         "caller_cpu=%.3f%% process_cpu=%.2f%% nvcsw=%ld nivcsw=%ld dropped=%llu\n",
         rate, (unsigned long long)n, wall, 100 * lcpu / wall, lcpu * 1e6 / (double)n,
         100 * (double)call_ns / 1e9 / wall, 100 * pcpu / wall, r1.ru_nvcsw - r0.ru_nvcsw,
         r1.ru_nivcsw - r0.ru_nivcsw, (unsigned long long)st.dropped);
  uvlog_logger_destroy(log);
  return 0;
}

/* Burst: one thread logs n records as fast as it can (overflow BLOCK, so
 * none is lost), then close; records/s to the file until close returned. */
static int run_burst(uint64_t n) {
  uvlog_t *log;
  uvlog_sink_t *f;
  unlink("/tmp/lcost.log");
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  if (uvlog_logger_create(&log, &o) || uvlog_sink_file_create(&f, "/tmp/lcost.log", NULL) ||
      uvlog_sink_add(log, f) || uvlog_logger_start(log))
    return 1;
  uint64_t t0 = mono_ns();
  for (uint64_t i = 0; i < n; i++)
    UVLOG_INFO_TO(log, "request %d from %s took %.3f ms", (int)i, "192.168.1.17", i * 0.001);
  uvlog_logger_close(log);
  double s = (double)(mono_ns() - t0) / 1e9;
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  printf("burst n=%llu written=%llu %.2f s %.0f records/s\n", (unsigned long long)n,
         (unsigned long long)st.sink_written, s, (double)n / s);
  uvlog_logger_destroy(log);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "burst") == 0) return run_burst(strtoull(argv[2], NULL, 10));
  if (argc == 4 && strcmp(argv[1], "lat") == 0)
    return run_lat(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10));
  if (argc == 4 && strcmp(argv[1], "rate") == 0)
    return run_rate(atof(argv[2]), atof(argv[3]));
  fprintf(stderr, "usage: lcost lat SPACING_NS N | lcost rate RECORDS_PER_S SECONDS\n");
  return 2;
}
