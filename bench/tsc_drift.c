/*
 * tsc_drift.c -- how far the listener's TSC-to-wall-clock conversion
 * (src/timeconv.c) strays from CLOCK_REALTIME, over a long run and across
 * threads.
 *
 *   tsc_drift [seconds=60] [threads=2]
 *
 * Each producer thread reads rdtsc then CLOCK_REALTIME, at random intervals
 * (50..500 us, and now and then a 2 s pause, so both the busy path and the
 * after-a-pause path are exercised), and queues the pair. One converter
 * thread, like the listener, converts the ticks in queue order with one
 * uvlog_tconv_t and compares with the real time read between two ticks.
 * The real read is bracketed by two rdtsc; the error is measured against
 * the conversion of their midpoint, and a pair whose bracket exceeds 200
 * ticks (~100 ns: the thread was interrupted between the reads) is
 * discarded and counted. Prints, every 60 s and at the end: samples, worst error (converted minus
 * real), percentiles of |error|,
 * and per-thread backward steps (must be 0).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeconv.h"
#include "tsc.h"

typedef struct smp { uint64_t tick, tick2; int64_t real; int thread; } smp_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static smp_t *q;
static size_t qn, qcap;
static volatile int stop;
static uint64_t discarded; /* pairs whose two reads were > 1000 ticks apart */

static void nap_ns(long ns) {
  struct timespec ts = {ns / 1000000000, ns % 1000000000};
  nanosleep(&ts, NULL);
}

static void *producer(void *arg) {
  int id = (int)(long)arg;
  unsigned seed = (unsigned)id * 2654435761u + 1;
  while (!stop) {
    smp_t s;
    uint64_t t2;
    s.tick = uvlog__rdtsc();
    s.real = uvlog__now_ns();
    t2 = uvlog__rdtsc();
    s.thread = id;
    s.tick2 = t2;
    if (t2 - s.tick > 200) { /* preempted between the reads: not a fair pair */
      __atomic_fetch_add(&discarded, 1, __ATOMIC_RELAXED);
      continue;
    }
    pthread_mutex_lock(&mu);
    if (qn == qcap) {
      qcap = qcap ? qcap * 2 : 4096;
      q = realloc(q, qcap * sizeof *q);
    }
    q[qn++] = s;
    pthread_mutex_unlock(&mu);
    long r = rand_r(&seed);
    if (r % 20000 == 0) nap_ns(2000000000L); /* a pause: ~every 5 s of samples */
    else nap_ns(50000 + r % 450000);
  }
  return NULL;
}

#define HBUCKETS 100001 /* |error| in 10 ns buckets, up to 1 ms; the last: beyond */
static uint64_t hist[HBUCKETS];

static int64_t pct(uint64_t total, double p) {
  uint64_t want = (uint64_t)((double)total * p), acc = 0;
  for (int i = 0; i < HBUCKETS; i++) {
    acc += hist[i];
    if (acc > want) return (int64_t)i * 10;
  }
  return -1;
}

int main(int argc, char **argv) {
  int secs = argc > 1 ? atoi(argv[1]) : 60;
  int nthr = argc > 2 ? atoi(argv[2]) : 2;
  if (!uvlog__tsc_usable()) {
    fprintf(stderr, "no invariant TSC (or UVLOG_CLOCK=realtime): nothing to measure\n");
    return 1;
  }
  uvlog_tconv_t conv;
  uvlog__tconv_init(&conv);
  pthread_t th[64];
  if (nthr < 1 || nthr > 64) nthr = 2;
  for (int i = 0; i < nthr; i++) pthread_create(&th[i], NULL, producer, (void *)(long)i);
  int64_t last[64];
  for (int i = 0; i < 64; i++) last[i] = INT64_MIN;
  int64_t t0 = uvlog__now_ns(), next_report = t0 + 60000000000LL;
  int64_t worst_pos = 0, worst_neg = 0;
  uint64_t total = 0, backward = 0;
  smp_t *mine = NULL;
  size_t mcap = 0;
  for (;;) {
    nap_ns(1000000);
    int64_t now = uvlog__now_ns();
    int done = now - t0 >= (int64_t)secs * 1000000000LL;
    if (done) {
      stop = 1;
      for (int i = 0; i < nthr; i++) pthread_join(th[i], NULL);
    }
    pthread_mutex_lock(&mu);
    size_t n = qn;
    if (n > mcap) { mcap = qcap; mine = realloc(mine, mcap * sizeof *mine); }
    if (n) memcpy(mine, q, n * sizeof *q);
    qn = 0;
    pthread_mutex_unlock(&mu);
    for (size_t i = 0; i < n; i++) {
      /* The real read happened between the two ticks: compare with the
       * midpoint's conversion (what the library stamps is one tick). */
      int64_t ns = uvlog__tconv_ns(&conv, mine[i].tick);
      int64_t ns2 = uvlog__tconv_ns(&conv, mine[i].tick2);
      int64_t err = ns + (ns2 - ns) / 2 - mine[i].real;
      if (err > worst_pos) worst_pos = err;
      if (err < worst_neg) worst_neg = err;
      int64_t a = err < 0 ? -err : err;
      hist[a / 10 < HBUCKETS - 1 ? a / 10 : HBUCKETS - 1]++;
      if (ns < last[mine[i].thread]) backward++;
      last[mine[i].thread] = ns;
      total++;
    }
    if (done || now >= next_report) {
      printf("%s t=%llds samples=%llu pairs=%llu err_max=%+lld err_min=%+lld ns "
             "|err| p50=%lld p99=%lld p99.9=%lld p99.99=%lld ns backward=%llu discarded=%llu ns_per_tick=%.9f\n",
             done ? "FINAL" : "     ", (long long)((now - t0) / 1000000000),
             (unsigned long long)total, (unsigned long long)conv.samples,
             (long long)worst_pos, (long long)worst_neg, (long long)pct(total, 0.5),
             (long long)pct(total, 0.99), (long long)pct(total, 0.999),
             (long long)pct(total, 0.9999), (unsigned long long)backward,
             (unsigned long long)__atomic_load_n(&discarded, __ATOMIC_RELAXED), conv.ns_per_tick);
      fflush(stdout);
      next_report += 60000000000LL;
    }
    if (done) break;
  }
  return backward ? 2 : 0;
}
