/*
 * bench_sinks.c -- the network sinks against a real rsyslogd on this host
 * (started privately, as in test/rsyslog_fixture.h: never the system's).
 *
 * Measures:
 *   1. records/s through the TCP sink (RFC 5424, octet counting) into
 *      rsyslog on 127.0.0.1, and through the syslog sink (RFC 5424 datagrams)
 *      into rsyslog's unix socket: from the first log call until rsyslog has
 *      written the last record to its output file ("end to end"), and until
 *      uvlog_logger_flush() returned (the kernel took every byte).
 *   2. the caller-side latency of uvlog_log() with the TCP sink while rsyslog
 *      is running and while it is stopped (SIGKILL): percentiles of
 *      clock_gettime deltas around each call. The two should match: a dead
 *      receiver must not move the caller's cost.
 *
 * Usage: bench_sinks [records]   (default 200000)
 * Needs rsyslogd (package rsyslog). Prints one line per measurement.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The fixture's test-only checks report through Criterion's cr_assert_fail;
 * here a failed check ends the benchmark with its message. */
#define cr_assert_fail(...) (fprintf(stderr, "bench_sinks: " __VA_ARGS__), fputc('\n', stderr), exit(1))
#include "../test/rsyslog_fixture.h"
#include "uvlog.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts newlines appended to a file since the last call (a cheap tail). */
typedef struct tail {
  FILE *f;
  size_t lines;
} tail_t;

static size_t tail_count(tail_t *t, const char *path) {
  if (!t->f) t->f = fopen(path, "rb");
  if (!t->f) return 0;
  char buf[1 << 16];
  size_t n;
  clearerr(t->f);
  while ((n = fread(buf, 1, sizeof buf, t->f)) > 0)
    for (size_t i = 0; i < n; i++) t->lines += buf[i] == '\n';
  return t->lines;
}

static uvlog_t *logger_with(uvlog_sink_t *s, uvlog_overflow_t ov) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.overflow = ov;
  o.ring_capacity = 4u << 20;
  uvlog_t *log = NULL;
  if (uvlog_logger_create(&log, &o) != 0 || uvlog_sink_add(log, s) != 0 || uvlog_logger_start(log) != 0) {
    fprintf(stderr, "bench_sinks: logger set-up failed\n");
    exit(1);
  }
  return log;
}

static uvlog_sink_t *tcp_sink(int port, size_t backlog) {
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  char ps[16];
  snprintf(ps, sizeof ps, "%d", port);
  o.host = "127.0.0.1";
  o.port = ps;
  o.backlog_bytes = backlog;
  o.reconnect_min_ms = 50;
  o.reconnect_max_ms = 500;
  o.close_timeout_ms = 100;
  o.flush_timeout_ms = 100;
  uvlog_sink_t *s = NULL;
  if (uvlog_sink_tcp_create(&s, &o) != 0) exit(1);
  return s;
}

/* Logs n records (block mode: none dropped) and times delivery. */
static void throughput(const char *name, uvlog_sink_t *s, rsl_t *r, long n) {
  uvlog_t *log = logger_with(s, UVLOG_OVERFLOW_BLOCK);
  tail_t t = {0};
  tail_count(&t, r->out);
  t.lines = 0; /* count only what this run adds */
  double t0 = now_s();
  for (long k = 0; k < n; k++) uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "bench record %ld of the sink throughput run", k);
  int frc = uvlog_logger_flush(log, 60000);
  double t1 = now_s();
  uvlog_sink_stats_t st;
  uvlog_sink_stats(s, &st); /* after the flush barrier: drops are final */
  size_t want = (size_t)n - (size_t)st.dropped;
  size_t got = 0;
  double deadline = now_s() + 60;
  while ((got = tail_count(&t, r->out)) < want && now_s() < deadline) nf_sleep_ms(2);
  double t2 = now_s();
  printf("%-22s %8ld records: flushed in %.3f s (%.0f rec/s, flush %s), in rsyslog's file after %.3f s "
         "(%.0f rec/s end to end); arrived %zu, sink dropped %llu\n",
         name, n, t1 - t0, (double)n / (t1 - t0), frc == 0 ? "ok" : uvlog_strerror(frc), t2 - t0,
         (double)got / (t2 - t0), got, (unsigned long long)st.dropped);
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  if (t.f) fclose(t.f);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Times each of n log calls (drop mode: a full ring returns at once). */
static void latency(const char *name, uvlog_t *log, long n) {
  uint64_t *d = malloc((size_t)n * sizeof *d);
  if (!d) exit(1);
  long ok = 0, again = 0;
  for (long k = 0; k < n; k++) {
    uint64_t a = now_ns();
    int rc = uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "latency record %ld", k);
    d[k] = now_ns() - a;
    if (rc == 0) ok++;
    else if (rc == UVLOG_EAGAIN) again++;
    if ((k & 1023) == 1023) nf_sleep_ms(1); /* a paced producer, not a flood */
  }
  qsort(d, (size_t)n, sizeof *d, cmp_u64);
  printf("%-34s calls %ld: p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %llu ns; queued %ld, ring full %ld\n",
         name, n, (unsigned long long)d[n / 2], (unsigned long long)d[n * 99 / 100],
         (unsigned long long)d[n * 999 / 1000], (unsigned long long)d[n - 1], ok, again);
  free(d);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  if (n <= 0) n = 200000;
  rsl_t r;
  rsl_init(&r);
  const char *err = rsl_start(&r);
  if (err) {
    fprintf(stderr, "bench_sinks: %s\n", err);
    nf_rmtree(r.dir);
    return 1;
  }
  printf("bench_sinks: rsyslogd on 127.0.0.1:%d and %s\n", r.port, r.dir);

  throughput("tcp -> rsyslog", tcp_sink(r.port, (size_t)64 << 20), &r, n);

  uvlog_syslog_options_t so;
  uvlog_syslog_options_init(&so);
  so.path = r.sock5424;
  so.close_timeout_ms = 100;
  so.buffer_size = (size_t)256 << 20; /* measure the rate, not the bound */
  uvlog_sink_t *ss = NULL;
  if (uvlog_sink_syslog_create(&ss, &so) != 0) return 1;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_RFC5424;
  uvlog_sink_set_format(ss, &fo);
  throughput("unix dgram -> rsyslog", ss, &r, n);

  /* Caller latency: the same logger before and after rsyslog dies. */
  uvlog_sink_t *ts = tcp_sink(r.port, (size_t)8 << 20);
  uvlog_t *log = logger_with(ts, UVLOG_OVERFLOW_DROP);
  long m = n < 100000 ? n : 100000;
  latency("tcp sink, rsyslog running:", log, m);
  rsl_stop(&r, SIGKILL);
  nf_sleep_ms(100);
  latency("tcp sink, rsyslog stopped:", log, m);
  uvlog_logger_close(log);
  uvlog_stats_t ls;
  uvlog_logger_stats(log, &ls);
  printf("after close: ring drops %llu, sink dropped %llu, sink errors %llu\n",
         (unsigned long long)ls.dropped, (unsigned long long)ls.sink_dropped,
         (unsigned long long)ls.sink_errors);
  uvlog_logger_destroy(log);
  nf_rmtree(r.dir);
  return 0;
}
