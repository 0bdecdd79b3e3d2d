/*
 * bench_sys.c -- the Linux process facts the benchmark's scenarios read or
 * set, and nothing else: CPU placement (pinning the calling thread to the
 * first or second CPU the process started with), the task list (to find the
 * threads a contender started, e.g. uvlog's listener), one thread's CPU time
 * and context switches (/proc/self/task/<tid>/schedstat and status), and the
 * whole process's CPU time and context switches (getrusage RUSAGE_SELF).
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

static cpu_set_t start_mask;
static int start_cpus[2] = {-1, -1};
static int n_start_cpus;

void bench_pin_init(void) {
  CPU_ZERO(&start_mask);
  if (sched_getaffinity(0, sizeof start_mask, &start_mask) != 0) return;
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, &start_mask)) continue;
    if (n_start_cpus < 2) start_cpus[n_start_cpus] = c;
    n_start_cpus++;
  }
}

int bench_cpu_count(void) { return n_start_cpus; }

int bench_pin_self(int which) {
  cpu_set_t set;
  if (which < 0) return pthread_setaffinity_np(pthread_self(), sizeof start_mask, &start_mask);
  if (which > 1 || start_cpus[which] < 0) return -1;
  CPU_ZERO(&set);
  CPU_SET(start_cpus[which], &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

int bench_tasks(pid_t *tids, int max) {
  DIR *d = opendir("/proc/self/task");
  struct dirent *e;
  int n = 0;
  if (d == NULL) return 0;
  while ((e = readdir(d)) != NULL && n < max)
    if (e->d_name[0] != '.') tids[n++] = (pid_t)atoi(e->d_name);
  closedir(d);
  return n;
}

int bench_new_tasks(const pid_t *before, int nb, pid_t *out, int max) {
  pid_t now[BENCH_MAX_TASKS];
  int n = bench_tasks(now, BENCH_MAX_TASKS), k = 0;
  for (int i = 0; i < n && k < max; i++) {
    int seen = 0;
    for (int j = 0; j < nb; j++) seen |= now[i] == before[j];
    if (!seen) out[k++] = now[i];
  }
  return k;
}

/* First field of schedstat: nanoseconds on a CPU. */
static uint64_t task_cpu_ns(pid_t tid) {
  char path[64];
  unsigned long long ns = 0;
  snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", (int)tid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  if (fscanf(f, "%llu", &ns) != 1) ns = 0;
  fclose(f);
  return ns;
}

/* voluntary_ctxt_switches + nonvoluntary_ctxt_switches from status. */
static uint64_t task_csw(pid_t tid) {
  char path[64], line[256];
  unsigned long long v, sum = 0;
  snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
        sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
      sum += v;
  fclose(f);
  return sum;
}

void bench_threads_use(const pid_t *tids, int n, bench_use_t *u) {
  memset(u, 0, sizeof *u);
  for (int k = 0; k < n; k++) {
    u->cpu_ns += task_cpu_ns(tids[k]);
    u->csw += task_csw(tids[k]);
  }
  u->wall_ns = bench_now_ns();
}

void bench_process_use(bench_use_t *u) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  u->cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
              (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
  u->csw = (uint64_t)(ru.ru_nvcsw + ru.ru_nivcsw);
  u->wall_ns = bench_now_ns();
}

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
