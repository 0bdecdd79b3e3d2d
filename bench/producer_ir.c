/*
 * producer_ir.c -- a driver for counting the producer's instructions per
 * deferred call with callgrind:
 *
 *   valgrind --tool=callgrind --toggle-collect=producer_loop \
 *       build/bench/producer_ir 200000
 *
 * then Ir of producer_loop (inclusive) / (N + 1000). Run natively it also
 * prints the mean wall time per call. A 64 MiB ring, DROP mode, a sink
 * that discards: the N calls never find the ring full. Prints the drop
 * count, which must be 0 for the figure to mean anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <uvlog.h>

static int null_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s; (void)e; (void)n;
  return 0;
}
static int null_flush(uvlog_sink_t *s) { (void)s; return 0; }
static const uvlog_sink_vtable_t null_vt = {"null", NULL, null_write, null_flush, NULL, NULL};

__attribute__((noinline)) void producer_loop(uvlog_t *log, int n);
__attribute__((noinline)) void producer_loop(uvlog_t *log, int n) {
  for (int i = 0; i < n; i++)
    UVLOG_INFO_TO(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200000;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = (size_t)64 << 20;
  uvlog_t *log;
  uvlog_sink_t *s;
  if (uvlog_logger_create(&log, &o) || uvlog_sink_create(&s, &null_vt, NULL) ||
      uvlog_sink_add(log, s) || uvlog_logger_start(log))
    return 1;
  producer_loop(log, 1000); /* warm: the site plan, the thread id */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  producer_loop(log, n);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  uvlog_stats_t st;
  uvlog_logger_flush(log, -1);
  uvlog_logger_stats(log, &st);
  printf("calls %d dropped %llu, %.1f ns per call (wall, natively; meaningless under valgrind)\n",
         n + 1000, (unsigned long long)st.dropped, ns / n);
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  return 0;
}
