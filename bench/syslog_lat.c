/*
 * syslog_lat.c -- the unmodified program of the preload benchmark (built
 * WITHOUT uvlog, libc only): T threads each call syslog(LOG_INFO, ...) N
 * times, spaced by a busy-wait of SPACING_NS (default 2000), timing every call with
 * CLOCK_MONOTONIC; the first WARM calls of each thread are not counted (the
 * preload creates its logger at the first call). Prints one line:
 *   calls=X p50_ns=.. p99_ns=.. p999_ns=.. max_ns=..
 * Usage: syslog_lat THREADS CALLS_PER_THREAD [SPACING_NS]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#define WARM 1000

static int calls;
static int64_t spacing_ns;
static int64_t *lat;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *worker(void *arg) {
  int64_t *out = lat + (intptr_t)arg * calls;
  for (int i = 0; i < WARM + calls; i++) {
    int64_t t0 = now_ns();
    syslog(LOG_INFO, "request %d from %s took %.3f ms", i, "10.0.0.7", 1.25);
    int64_t t1 = now_ns();
    if (i >= WARM) out[i - WARM] = t1 - t0;
    while (now_ns() - t1 < spacing_ns) {}
  }
  return NULL;
}

static int cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  calls = argc > 2 ? atoi(argv[2]) : 100000;
  spacing_ns = argc > 3 ? atoll(argv[3]) : 2000;
  if (threads < 1 || threads > 64 || calls < 1) return 2;
  lat = malloc(sizeof *lat * (size_t)threads * (size_t)calls);
  if (!lat) return 1;
  openlog("bench", LOG_PID, LOG_USER);
  pthread_t th[64];
  for (intptr_t t = 0; t < threads; t++) pthread_create(&th[t], NULL, worker, (void *)t);
  for (int t = 0; t < threads; t++) pthread_join(th[t], NULL);
  size_t n = (size_t)threads * (size_t)calls;
  qsort(lat, n, sizeof *lat, cmp);
  printf("calls=%zu p50_ns=%lld p99_ns=%lld p999_ns=%lld max_ns=%lld\n", n, (long long)lat[n / 2],
         (long long)lat[n * 99 / 100], (long long)lat[n * 999 / 1000], (long long)lat[n - 1]);
  return 0;
}
