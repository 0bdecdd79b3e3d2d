/*
 * metrics.c -- uvlog_metrics_write(): the logger's and the loop monitor's
 * figures in the Prometheus text exposition format (version 0.0.4).
 *
 * Every family gets # HELP and # TYPE, its samples follow contiguously;
 * counters end in _total; the histograms (delivery latency, loop lag) have
 * cumulative _bucket{le=...} samples ending with le="+Inf", then _sum and
 * _count. Label values are escaped (backslash, double quote, newline).
 *
 * Reads: every figure is an atomic load (relaxed), so a reader never waits
 * for a producer or the listener; only the sink list is walked under the
 * logger's `mu` (it guards the list against a concurrent close, which frees
 * the sinks; log calls never take it). Read while the listener works, a
 * histogram's buckets may miss the increments of the batch being counted
 * (its _count is the sum of the buckets as read, its _sum read apart), but
 * every value only grows from one read to the next.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "logger_impl.h"
#include "sink.h"
#include "uvlog.h"

typedef struct {
  char *buf;
  size_t cap;
  size_t len;  /* the whole text's length, even past cap */
} out_t;

static void put(out_t *o, const char *s, size_t n) {
  if (o->len < o->cap) {
    size_t room = o->cap - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static void putf(out_t *o, const char *fmt, ...) UVLOG_PRINTF(2, 3);
static void putf(out_t *o, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A label value: \ -> \\, " -> \", newline -> \n. */
static void put_label(out_t *o, const char *v) {
  for (const char *p = v ? v : ""; *p; p++) {
    if (*p == '\\') put(o, "\\\\", 2);
    else if (*p == '"') put(o, "\\\"", 2);
    else if (*p == '\n') put(o, "\\n", 2);
    else put(o, p, 1);
  }
}

static void family(out_t *o, const char *name, const char *type, const char *help) {
  putf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample_u(out_t *o, const char *name, uint64_t v) {
  putf(o, "%s %" PRIu64 "\n", name, v);
}

/* A family of one unlabelled sample: the name is written once. */
static void metric_u(out_t *o, const char *name, const char *type, const char *help, uint64_t v) {
  family(o, name, type, help);
  sample_u(o, name, v);
}

static void put_double(out_t *o, double v) {
  putf(o, "%.9g", v);
}

/* A family of one unlabelled sample with a value in seconds. */
static void metric_s(out_t *o, const char *name, const char *type, const char *help, double v) {
  family(o, name, type, help);
  putf(o, "%s ", name);
  put_double(o, v);
  put(o, "\n", 1);
}

/* A histogram: `n` bucket counts (NOT cumulative; the last one is +Inf)
 * with upper bounds `bounds_s` (n - 1 of them, seconds). _count is the sum
 * of the buckets as read, so it equals the +Inf bucket even while the
 * counters move. */
/* A histogram whose n - 1 upper bounds are integers of 1/per_s seconds
 * (µs: 1e6), then +Inf; `buckets` are not cumulative. */
static void histogram(out_t *o, const char *name, const char *help, const uint64_t *bounds,
                      double per_s, const uint64_t *buckets, int n, double sum_s) {
  family(o, name, "histogram", help);
  uint64_t cum = 0;
  for (int i = 0; i < n; i++) {
    cum += buckets[i];
    putf(o, "%s_bucket{le=\"", name);
    if (i < n - 1) put_double(o, (double)bounds[i] / per_s);
    else put(o, "+Inf", 4);
    putf(o, "\"} %" PRIu64 "\n", cum);
  }
  putf(o, "%s_sum ", name);
  put_double(o, sum_s);
  putf(o, "\n%s_count %" PRIu64 "\n", name, cum);
}

/* One sample per level: name{level="INFO"} v. */
static void by_level(out_t *o, const char *name, const char *help, const uint64_t *v) {
  family(o, name, "counter", help);
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++)
    putf(o, "%s{level=\"%s\"} %" PRIu64 "\n", name, uvlog_level_name((uvlog_level_t)l), v[l]);
}

/* Sinks: the one place that walks the logger's list (under its `mu`, which
 * log calls never take: the list changes before start and at close only). */
typedef struct {
  char name[64];
  uvlog_sink_stats_t st;
} sink_row_t;

static size_t collect_sinks(uvlog_t *log, sink_row_t **rows) {
  *rows = NULL;
  pthread_mutex_lock(&log->mu);
  size_t n = 0;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) n++;
  sink_row_t *r = n ? calloc(n, sizeof *r) : NULL;
  size_t i = 0;
  if (r) {
    for (uvlog_sink_t *s = log->sinks; s && i < n; s = s->next, i++) {
      const char *nm = uvlog_sink_name(s);
      snprintf(r[i].name, sizeof r[i].name, "%s", nm ? nm : "");
      uvlog_sink_stats(s, &r[i].st);
    }
  }
  pthread_mutex_unlock(&log->mu);
  *rows = r;
  return r ? i : 0;
}

static void write_sinks(out_t *o, uvlog_t *log) {
  sink_row_t *rows;
  size_t n = collect_sinks(log, &rows);
  static const struct {
    const char *name, *help;
    size_t off;
  } sf[] = {
    {"uvlog_sink_written_total", "Records the sink accepted.", offsetof(uvlog_sink_stats_t, written)},
    {"uvlog_sink_written_bytes_total", "Bytes of rendered text in the records the sink accepted.",
     offsetof(uvlog_sink_stats_t, bytes)},
    {"uvlog_sink_dropped_total", "Records the sink reported as lost.", offsetof(uvlog_sink_stats_t, dropped)},
    {"uvlog_sink_errors_total", "Errors the sink reported.", offsetof(uvlog_sink_stats_t, errors)},
    {"uvlog_sink_reconnects_total", "Connections the sink made after its first.",
     offsetof(uvlog_sink_stats_t, reconnects)},
  };
  for (size_t f = 0; f < sizeof sf / sizeof sf[0]; f++) {
    family(o, sf[f].name, "counter", sf[f].help);
    for (size_t i = 0; i < n; i++) {
      uint64_t v;
      memcpy(&v, (const char *)&rows[i].st + sf[f].off, sizeof v);
      putf(o, "%s{sink=\"", sf[f].name);
      put_label(o, rows[i].name);
      putf(o, "\",index=\"%zu\"} %" PRIu64 "\n", i, v);
    }
  }
  free(rows);
}

static void write_logger(out_t *o, uvlog_t *log) {
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);

  family(o, "uvlog_records_total", "counter",
         "Records the listener took from the ring (accepted records, once consumed).");
  sample_u(o, "uvlog_records_total", st.records);
  by_level(o, "uvlog_records_accepted_total",
           "Records the listener took from the ring, by level (as of the last record drained).",
           st.accepted_by_level);
  by_level(o, "uvlog_records_dropped_total", "Records dropped because the ring was full, by level.",
           st.dropped_by_level);
  metric_u(o, "uvlog_records_truncated_total", "counter", "Records cut to max_record.", st.truncated);

  metric_u(o, "uvlog_ring_bytes", "gauge", "Bytes in the ring now.", st.queue_bytes);
  metric_u(o, "uvlog_ring_capacity_bytes", "gauge", "Size of the ring.", st.queue_capacity);
  metric_u(o, "uvlog_ring_high_water_bytes", "gauge", "Most bytes seen in the ring.", st.queue_high_water);

  metric_s(o, "uvlog_listener_busy_seconds_total", "counter",
           "Time the listener thread spent awake (not sleeping for records or timers).",
           (double)st.busy_ns / 1e9);
  static const uint64_t bounds_us[UVLOG_LATENCY_BUCKETS - 1] = UVLOG_LATENCY_BOUNDS_US;
  histogram(o, "uvlog_delivery_latency_seconds",
            "From a record's timestamp to its batch having been handed to every sink.", bounds_us,
            1e6, st.latency_buckets, UVLOG_LATENCY_BUCKETS, (double)st.latency_sum_ns / 1e9);

  write_sinks(o, log);
}

static void write_monitor(out_t *o, const uvlog_loop_monitor_t *mon) {
  uvlog_loop_stats_t st;
  uvlog_loop_monitor_stats(mon, &st);
  static const uint64_t bounds_ms[UVLOG_LOOP_LAG_BUCKETS - 1] = UVLOG_LOOP_LAG_BOUNDS_MS;
  histogram(o, "uvlog_loop_lag_seconds",
            "Lag of the monitor's timer: the time its callback ran minus the time it was due.",
            bounds_ms, 1e3, st.lag_buckets, UVLOG_LOOP_LAG_BUCKETS, (double)st.lag_sum_ns / 1e9);

  metric_s(o, "uvlog_loop_lag_last_seconds", "gauge",
           "Lag of the last tick.",
           (double)st.lag_ns / 1e9);
  metric_s(o, "uvlog_loop_lag_period_max_seconds", "gauge",
           "Largest lag in the last complete reporting period.",
           (double)st.period_lag_max_ns / 1e9);
  metric_s(o, "uvlog_loop_busy_max_seconds", "gauge",
           "Longest stretch the loop ran callbacks without reaching its poll phase, since start.",
           (double)st.busy_max_ns / 1e9);
  if (st.utilization >= 0) {
    metric_s(o, "uvlog_loop_utilization", "gauge",
             "Share of the last interval the loop was not idle in its poll phase (0..1).", st.utilization);
  }
  metric_u(o, "uvlog_loop_iterations_total", "counter", "Loop iterations since the monitor started.", st.iterations);
  family(o, "uvlog_loop_active_handles", "gauge",
         "Active handles on the loop by type (the monitor's own excluded).");
  for (int t = 0; t < UVLOG_LOOP_HANDLE_TYPES; t++) {
    if (!st.handles_by_type[t]) continue;
    const char *nm = t < UV_HANDLE_TYPE_MAX ? uv_handle_type_name((uv_handle_type)t) : NULL;
    putf(o, "uvlog_loop_active_handles{type=\"");
    put_label(o, nm ? nm : "unknown");
    putf(o, "\"} %" PRIu64 "\n", st.handles_by_type[t]);
  }
  metric_u(o, "uvlog_loop_active_requests", "gauge", "Active requests on the loop.", st.active_reqs);
  metric_u(o, "uvlog_loop_lag_warnings_total", "counter", "WARNING records logged for lag.", st.lag_warnings);
  metric_u(o, "uvlog_loop_stalls_total", "counter", "Stalls the watchdog reported.", st.stalls);
  metric_s(o, "uvlog_loop_stall_max_seconds", "gauge",
           "Longest stall the watchdog saw.",
           (double)st.stall_max_ns / 1e9);
}

int uvlog_metrics_write(uvlog_t *log, const uvlog_loop_monitor_t *mon, char *buf, size_t cap) {
  if ((!log && !mon) || (!buf && cap)) return UVLOG_EINVAL;
  out_t o = {buf, cap ? cap - 1 : 0, 0};
  if (log) write_logger(&o, uvlog__root(log)); /* a category: its root's */
  if (mon) write_monitor(&o, mon);
  if (cap) buf[o.len < o.cap ? o.len : o.cap] = '\0';
  if (o.len > (size_t)INT32_MAX) return UVLOG_ENOMEM;
  return (int)o.len;
}
