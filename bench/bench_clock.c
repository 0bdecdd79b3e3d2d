/*
 * bench_clock.c -- what a timestamp costs on the producer's hot path.
 *
 * Compares the clocks a log call could stamp its record with:
 *   CLOCK_REALTIME         clock_gettime() through the vDSO (today's choice)
 *   CLOCK_REALTIME_COARSE  the kernel's last tick, no hardware read
 *   rdtsc / rdtscp         the CPU's time-stamp counter, converted to wall
 *                          time with a calibration against CLOCK_REALTIME
 * For each: the cost per call (medians and tails of many batches), the
 * resolution it gives (declared and observed), and for the TSC the drift of
 * the converted wall time over the run. A bare vsnprintf of a typical
 * message is measured too, as the yardstick the deferred path must beat.
 *
 * Usage: bench_clock [seconds-per-clock]   (default 0.5)
 * Standalone: links libc only. Results and the decision: docs/deferred.md.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#define BATCH 32 /* calls per timed sample: keeps the timer's own cost out */

static int64_t ns_of(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static volatile uint64_t sink; /* keeps results alive */

typedef uint64_t (*probe_fn)(void);

static uint64_t p_realtime(void) { return (uint64_t)ns_of(CLOCK_REALTIME); }
static uint64_t p_coarse(void) { return (uint64_t)ns_of(CLOCK_REALTIME_COARSE); }
static uint64_t p_monotonic(void) { return (uint64_t)ns_of(CLOCK_MONOTONIC); }
#ifdef HAVE_TSC
static uint64_t p_rdtsc(void) { return __rdtsc(); }
static uint64_t p_rdtscp(void) {
  unsigned aux;
  return __rdtscp(&aux);
}
/* What a producer would really do with the TSC: read it and convert. */
static double tsc_ns_per_tick;
static int64_t tsc_base_ns;
static uint64_t tsc_base;
static uint64_t p_tsc_wall(void) {
  unsigned aux;
  uint64_t t = __rdtscp(&aux);
  return (uint64_t)(tsc_base_ns + (int64_t)((double)(t - tsc_base) * tsc_ns_per_tick));
}
#endif

static char fmt_buf[256];
static const char *volatile typical_fmt = "request %d from %s took %.3f ms";
static uint64_t p_vsnprintf(void) {
  return (uint64_t)snprintf(fmt_buf, sizeof fmt_buf, typical_fmt, 12345, "10.1.2.3", 12.3456);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Times `fn` in batches for `secs`; prints per-call ns percentiles. */
static void measure(const char *name, probe_fn fn, double secs) {
  size_t cap = 1 << 20, n = 0;
  double *per = malloc(cap * sizeof *per);
  if (!per) exit(1);
  for (int i = 0; i < 1000; i++) sink += fn(); /* warm up */
  int64_t end = ns_of(CLOCK_MONOTONIC) + (int64_t)(secs * 1e9);
  while (n < cap) {
    int64_t t0 = ns_of(CLOCK_MONOTONIC);
    for (int i = 0; i < BATCH; i++) sink += fn();
    int64_t t1 = ns_of(CLOCK_MONOTONIC);
    per[n++] = (double)(t1 - t0) / BATCH;
    if (t1 > end) break;
  }
  qsort(per, n, sizeof *per, cmp_double);
  printf("%-24s %8.1f %8.1f %8.1f %8.1f %8.1f   (%zu x %d calls)\n", name, per[0], per[n / 2],
         per[(size_t)(n * 0.99)], per[(size_t)(n * 0.999)], per[n - 1], n, BATCH);
  free(per);
}

/* Smallest non-zero step seen between consecutive reads. */
static uint64_t observed_step(probe_fn fn) {
  uint64_t best = UINT64_MAX, prev = fn();
  for (int i = 0; i < 2000000; i++) {
    uint64_t v = fn();
    if (v > prev && v - prev < best) best = v - prev;
    prev = v;
  }
  return best;
}

static void print_res(const char *name, clockid_t id, probe_fn fn) {
  struct timespec r;
  clock_getres(id, &r);
  printf("%-24s declared %10ld ns   observed step %10llu ns\n", name,
         (long)r.tv_sec * 1000000000L + r.tv_nsec, (unsigned long long)observed_step(fn));
}

static void print_file(const char *label, const char *path) {
  char buf[256] = "?";
  FILE *f = fopen(path, "r");
  if (f) {
    if (!fgets(buf, sizeof buf, f)) strcpy(buf, "?");
    fclose(f);
  }
  buf[strcspn(buf, "\n")] = '\0';
  printf("%s: %s\n", label, buf);
}

static void print_tsc_flags(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[8192];
  int constant = 0, nonstop = 0;
  if (f) {
    while (fgets(line, sizeof line, f))
      if (strncmp(line, "flags", 5) == 0) {
        constant = strstr(line, " constant_tsc") != NULL;
        nonstop = strstr(line, " nonstop_tsc") != NULL;
        break;
      }
    fclose(f);
  }
  printf("cpu flags: constant_tsc=%d nonstop_tsc=%d\n", constant, nonstop);
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 0.5;
  if (secs <= 0) secs = 0.5;
  print_file("clocksource", "/sys/devices/system/clocksource/clocksource0/current_clocksource");
  print_tsc_flags();
#ifdef HAVE_TSC
  /* Calibrate: TSC ticks against CLOCK_REALTIME over ~200 ms. */
  uint64_t c0 = __rdtsc();
  int64_t w0 = ns_of(CLOCK_REALTIME);
  struct timespec nap = {0, 200000000};
  nanosleep(&nap, NULL);
  uint64_t c1 = __rdtsc();
  int64_t w1 = ns_of(CLOCK_REALTIME);
  tsc_ns_per_tick = (double)(w1 - w0) / (double)(c1 - c0);
  tsc_base = c0;
  tsc_base_ns = w0;
  printf("tsc: %.3f MHz (%.4f ns per tick)\n", 1e3 / tsc_ns_per_tick, tsc_ns_per_tick);
#endif
  printf("\ncost per call, ns        %8s %8s %8s %8s %8s\n", "min", "p50", "p99", "p99.9", "max");
  measure("CLOCK_REALTIME", p_realtime, secs);
  measure("CLOCK_REALTIME_COARSE", p_coarse, secs);
  measure("CLOCK_MONOTONIC", p_monotonic, secs);
#ifdef HAVE_TSC
  measure("rdtsc", p_rdtsc, secs);
  measure("rdtscp", p_rdtscp, secs);
  measure("rdtscp -> wall ns", p_tsc_wall, secs);
#endif
  measure("snprintf (typical msg)", p_vsnprintf, secs);

  printf("\nresolution\n");
  print_res("CLOCK_REALTIME", CLOCK_REALTIME, p_realtime);
  print_res("CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE, p_coarse);
#ifdef HAVE_TSC
  printf("%-24s one tick = %.3f ns; observed step %llu ns\n", "rdtscp -> wall ns",
         tsc_ns_per_tick, (unsigned long long)observed_step(p_tsc_wall));
  /* Drift of the converted TSC against the real clock since calibration. */
  int64_t real = ns_of(CLOCK_REALTIME);
  int64_t conv = (int64_t)p_tsc_wall();
  printf("\ntsc wall time vs CLOCK_REALTIME after %.1f s: %+lld ns\n",
         (double)(real - tsc_base_ns) / 1e9, (long long)(conv - real));
#endif
  return 0;
}
