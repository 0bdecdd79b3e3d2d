/*
 * callgrind_call.c -- instructions per logging call, counted by callgrind.
 * Owns nothing but this measurement; bench/callgrind.sh runs it and prints
 * the figures.
 *
 *   callgrind_call MODE [N] [PATH]
 *
 * MODE is one of
 *   deferred   UVLOG_INFO_TO(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25)
 *   preformat  UVLOG_INFOF_TO(...) with the same format and arguments
 *   empty      a call of an empty non-inlined function with the same
 *              arguments (the floor: the loop and the call itself)
 *   args4      UVLOG_INFO_TO(log, "req %d from %s took %.3f ms status %d",
 *              i, "10.0.0.7", 1.25, 200): 4 printf arguments
 *   kv4        UVLOG_INFO_KV_TO(log, NULL, "req", UVLOG_F("req", i),
 *              UVLOG_F("peer", "10.0.0.7"), UVLOG_F("ms", 1.25),
 *              UVLOG_F("status", 200)): the same values as 4 typed fields
 * The logger uses the public API only: default options but a 16 MiB ring
 * (so N records never fill it and nothing is dropped), the file sink on PATH
 * (default /dev/null), its listener running. After 1000 uncounted warm-up
 * calls and a flush, the N calls run between CALLGRIND_START_INSTRUMENTATION
 * and CALLGRIND_STOP_INSTRUMENTATION on the main thread; the listener renders
 * them afterwards, outside the window unless MODE is suffixed with
 * "+listener" (then the window ends after a flush, so the listener thread's
 * own file holds its cost of the N records). Run it as
 *   valgrind --tool=callgrind --instr-atstart=no --collect-systime=no \
 *            --separate-threads=yes ./callgrind_call deferred 10000
 * and divide the main thread's total (the "-01" file) by N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_START_INSTRUMENTATION ((void)0)
#define CALLGRIND_STOP_INSTRUMENTATION ((void)0)
#endif

#define WARMUP 1000

enum { M_DEFERRED, M_PREFORMAT, M_EMPTY, M_ARGS4, M_KV4 };

/* noipa: the compiler may neither drop the call nor its arguments. */
#if defined(__clang__)
#define FLOOR_ATTR __attribute__((noinline, optnone))
#else
#define FLOOR_ATTR __attribute__((noipa))
#endif

FLOOR_ATTR static int empty_call(uvlog_t *log, const char *fmt, int i, const char *s, double d) {
  (void)log; (void)fmt; (void)i; (void)s; (void)d;
  __asm__ volatile("");
  return 0;
}

static void calls(uvlog_t *log, int mode, int from, int n) {
  for (int i = from; i < from + n; i++) {
    if (mode == M_DEFERRED)
      UVLOG_INFO_TO(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25);
    else if (mode == M_PREFORMAT)
      UVLOG_INFOF_TO(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25);
    else if (mode == M_ARGS4)
      UVLOG_INFO_TO(log, "req %d from %s took %.3f ms status %d", i, "10.0.0.7", 1.25, 200);
    else if (mode == M_KV4)
      UVLOG_INFO_KV_TO(log, NULL, "req", UVLOG_F("req", i), UVLOG_F("peer", "10.0.0.7"),
                       UVLOG_F("ms", 1.25), UVLOG_F("status", 200));
    else
      empty_call(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25);
  }
}

static uvlog_t *start_logger(const char *path) {
  uvlog_options_t opts;
  uvlog_sink_t *sink;
  uvlog_t *log;
  uvlog_options_init(&opts);
  opts.ring_capacity = (size_t)16 << 20;
  /* UVLOG_BENCH_RATE_LIMIT=N: the per-call-site rate limit on, N per second. */
  const char *rl = getenv("UVLOG_BENCH_RATE_LIMIT");
  if (rl) opts.rate_limit_burst = (unsigned)strtoul(rl, NULL, 10);
  if (uvlog_logger_create(&log, &opts) != 0 || uvlog_sink_file_create(&sink, path, NULL) != 0 ||
      uvlog_sink_add(log, sink) != 0 || uvlog_logger_start(log) != 0) {
    fprintf(stderr, "callgrind_call: cannot start a logger on %s\n", path);
    exit(1);
  }
  return log;
}

static int parse_mode(const char *s, int *listener) {
  static const char *const names[] = {"deferred", "preformat", "empty", "args4", "kv4"};
  size_t len = strcspn(s, "+");
  *listener = strcmp(s + len, "+listener") == 0;
  for (int k = 0; k < 5; k++)
    if (strlen(names[k]) == len && strncmp(s, names[k], len) == 0) return k;
  fprintf(stderr, "usage: callgrind_call deferred|preformat|empty|args4|kv4[+listener] [N] [PATH]\n");
  exit(2);
}

int main(int argc, char **argv) {
  int listener, mode = parse_mode(argc > 1 ? argv[1] : "", &listener);
  int n = argc > 2 ? atoi(argv[2]) : 10000;
  uvlog_t *log = start_logger(argc > 3 ? argv[3] : "/dev/null");
  uvlog_stats_t st;
  if (n <= 0) n = 10000;
  calls(log, mode, 0, WARMUP);
  uvlog_logger_flush(log, -1);
  CALLGRIND_START_INSTRUMENTATION;
  calls(log, mode, WARMUP, n);
  if (listener) uvlog_logger_flush(log, -1);
  CALLGRIND_STOP_INSTRUMENTATION;
  uvlog_logger_flush(log, -1);
  if (uvlog_logger_stats(log, &st) == 0 && st.dropped + st.sink_dropped)
    fprintf(stderr, "callgrind_call: %llu records dropped: the figure is wrong\n",
            (unsigned long long)(st.dropped + st.sink_dropped));
  printf("calls: %d\n", n);
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  return 0;
}
