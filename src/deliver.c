/*
 * deliver.c -- one batch, from ring bytes to the sinks, on the listener
 * thread: walk the committed records (ring_peek), decode each into a
 * uvlog_entry_t (decode.c renders deferred arguments), render the batch once
 * per distinct format, call each sink's write() once, then release the
 * bytes to the producers. Also the drop report, the one record the listener
 * writes on its own.
 *
 * BATCHES
 * At most LISTENER_BATCH_RECORDS records or LISTENER_BATCH_BYTES bytes. A
 * batch ends early at the first record that is not committed yet (or at the
 * tail); the listener then ends its round and sleeps (listener.c), so a
 * steady stream is written in batches of about rate x delivery latency
 * instead of being chased record by record.
 *
 * THE CONSUMER TOUCHES NO PRODUCER LINE
 * The walk reads record bytes only. high_water needs the tail (a producer's
 * line): it is sampled once per round by listener.c, not per batch. The
 * release zeroes the consumed bytes with ring_release() (ring.c says how).
 *
 * SELF-METRICS (the listener's tallies, uvlog__tally)
 * Per batch: records by level (`accepted`: counted here, never by the log
 * call, so the producer path has no shared write for it) and each record's
 * delivery latency, from its timestamp to the moment every sink's write()
 * had returned for its batch (one clock read per batch; the wall clock, the
 * one the timestamp was taken with: a negative difference, the clock set
 * back, counts as 0). Per sink, in uvlog__deliver: the records and the bytes
 * of rendered text handed to write(). All published before the batch's
 * bytes are released, so a flush that waited for a record sees it counted.
 *
 * DROP REPORTS
 * When the drop counters grew, one WARNING entry
 *   "uvlog: N records dropped (ring full): a INFO, b DEBUG"
 * goes to every sink that admits WARNING, flagged UVLOG_ENTRY_INTERNAL.
 * Rate limit: the first report at once, then at most one per
 * DROP_REPORT_INTERVAL_MS; a report that is due earlier waits on
 * report_timer (armed only then). A sink that logs from its write() could
 * otherwise feed itself: its calls on the listener thread drop when the
 * ring is full, the report of those drops is written, the sink logs again...
 * (3 M drops/s from one record). So drops counted while a report is being
 * delivered (`quiet`) never trigger a report on their own: they are counted
 * in the stats at once and written with the next report that other drops
 * cause, or at close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "decode.h"
#include "listener.h"

/* Renders `n` entries with s's own formatter; returns how many it admitted. */
static size_t render(uvlog_t *log, uvlog_sink_t *s, int lvl, const uvlog_entry_t *batch,
                     size_t n) {
  uvlog_buf_reset(&s->out);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if ((int)batch[i].level < lvl || !uvlog__sink_takes(s, &batch[i])) continue;
    log->text_off[k] = s->out.len;
    uvlog_formatter_format(&s->fmt, &batch[i], &s->out);
    s->view[k] = batch[i];
    s->view[k].text_len = s->out.len - log->text_off[k];
    k++;
  }
  if (s->out.oom) return k;
  for (size_t i = 0; i < k; i++) s->view[i].text = s->out.data + log->text_off[i];
  return k;
}

/* A sink whose formatter equals an earlier sink's (s->share) reuses that
 * sink's rendering when its level is not lower: it takes the subset. */
void uvlog__deliver(uvlog_t *log, uvlog_entry_t *batch, size_t n) {
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    s->batch_k = 0;
    s->batch_ok = 0;
    if (!s->opened || s->closed) continue;
    /* relaxed: a lone value; a change applies from some batch on. */
    int lvl = atomic_load_explicit(&s->level, memory_order_relaxed);
    s->batch_lvl = lvl;
    uvlog_sink_t *src = s->share;
    size_t k = 0;
    if (src && src->batch_ok && src->batch_lvl <= lvl) {
      for (size_t i = 0; i < src->batch_k; i++)
        if ((int)src->view[i].level >= lvl) s->view[k++] = src->view[i];
    } else {
      k = render(log, s, lvl, batch, n);
      if (k && s->out.oom) {
        uvlog_sink_count_dropped(s, k);
        uvlog_sink_report_error(s, UVLOG_ENOMEM);
        continue;
      }
    }
    s->batch_k = k;
    s->batch_ok = 1;
    if (k == 0) continue;
    uint64_t bytes = 0;
    for (size_t i = 0; i < k; i++) bytes += s->view[i].text_len;
    int rc = s->vt.write(s, s->view, k);
    /* Every entry handed over counts as written; a sink that loses some
     * says so with uvlog_sink_count_dropped(). */
    uvlog__tally(&s->written, k);
    uvlog__tally(&s->bytes, bytes);
    if (rc < 0) uvlog_sink_report_error(s, rc);
  }
  log->dirty = 1;
}

static const int64_t lat_bounds_ns[UVLOG_LATENCY_BUCKETS - 1] = {
#define US_TO_NS(us) (int64_t)(us) * 1000
    US_TO_NS(10),     US_TO_NS(25),      US_TO_NS(50),      US_TO_NS(100),     US_TO_NS(250),
    US_TO_NS(500),    US_TO_NS(1000),    US_TO_NS(2500),    US_TO_NS(5000),    US_TO_NS(10000),
    US_TO_NS(25000),  US_TO_NS(50000),   US_TO_NS(100000),  US_TO_NS(250000),  US_TO_NS(500000),
    US_TO_NS(1000000), US_TO_NS(2500000), US_TO_NS(5000000), US_TO_NS(10000000)
#undef US_TO_NS
};

/* The first bucket whose bound is >= ns (the last one, +Inf, if none):
 * a binary search, five steps. */
static int lat_bucket(int64_t ns) {
  int lo = 0, hi = UVLOG_LATENCY_BUCKETS - 1;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (ns > lat_bounds_ns[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Counts a delivered batch of ring records: by level, and their latency. */
static void tally_batch(uvlog_t *log, const uvlog_entry_t *batch, size_t n) {
  uint32_t lvl[UVLOG_LEVEL_COUNT] = {0}, lat[UVLOG_LATENCY_BUCKETS] = {0};
  int64_t now = uvlog__now_ns();
  uint64_t sum = 0;
  int b = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned l = (unsigned)batch[i].level;
    lvl[l < UVLOG_LEVEL_COUNT ? l : UVLOG_LEVEL_CRITICAL]++;
    int64_t d = now - batch[i].ts_ns;
    if (d < 0) d = 0;
    sum += (uint64_t)d;
    /* Neighbours in a batch mostly share a bucket: search only if not. */
    if ((b > 0 && d <= lat_bounds_ns[b - 1]) ||
        (b < UVLOG_LATENCY_BUCKETS - 1 && d > lat_bounds_ns[b]))
      b = lat_bucket(d);
    lat[b]++;
  }
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++)
    if (lvl[i]) uvlog__tally(&log->accepted[i], lvl[i]);
  for (int i = 0; i < UVLOG_LATENCY_BUCKETS; i++)
    if (lat[i]) uvlog__tally(&log->lat_buckets[i], lat[i]);
  uvlog__tally(&log->lat_sum_ns, sum);
}

int uvlog__drain(uvlog_t *log) {
  uint64_t start = log->pos, pos = start;
  size_t n = 0;
  int full = 0;
  uvlog_buf_reset(&log->scratch);
  for (;;) {
    if (n >= log->batch_cap || pos - start >= LISTENER_BATCH_BYTES) {
      full = 1;
      break;
    }
    uvlog_rec_t *rec = ring_peek(&log->ring, &pos);
    if (!rec) break;
    uint64_t next = ring_next(rec, pos);
    if (rec->type != REC_MARK) {
      log->msg_off[n] = log->scratch.len;
      uvlog__decode(log, rec, &log->scratch, &log->batch[n]);
      n++;
    }
    pos = next;
  }
  if (pos == start) return DRAIN_NONE;
  for (size_t i = 0; i < n; i++) {
    if (log->batch[i].msg) continue;
    if (log->scratch.oom) {
      log->batch[i].msg = "<uvlog: out of memory>";
      log->batch[i].msg_len = strlen(log->batch[i].msg);
    } else {
      log->batch[i].msg = log->scratch.data + log->msg_off[i];
    }
  }
  if (n) {
    uvlog__deliver(log, log->batch, n);
    tally_batch(log, log->batch, n);
  }
  uvlog__fbatch_end(&log->fbatch); /* the batch's contexts (fieldbatch.c) */
  ring_release(&log->ring, pos);
  log->pos = pos;
  /* relaxed: a tally. */
  atomic_fetch_add_explicit(&log->records, n, memory_order_relaxed);
  return full ? DRAIN_MORE : DRAIN_END;
}

void uvlog__deliver_internal(uvlog_t *log, const char *msg, size_t len) {
  uvlog_entry_t e;
  memset(&e, 0, sizeof(e));
  e.ts_ns = uvlog__now_ns();
  e.tid = uvlog__tid();
  e.level = UVLOG_LEVEL_WARNING;
  e.msg = msg;
  e.msg_len = len;
  e.flags = UVLOG_ENTRY_INTERNAL;
  uvlog__deliver(log, &e, 1);
}

/* run()'s service() reports; uv_stop() so that a timer spent at the start
 * of a sleep ends it (listener.c, on_latency). */
static void on_report_timer(uv_timer_t *t) { uv_stop(t->loop); }

void uvlog__report_drops(uvlog_t *log, int force) {
  uint64_t now_cnt[UVLOG_LEVEL_COUNT], total = 0;
  int fresh = 0;
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++) {
    /* relaxed: a tally; a drop counted just after is reported next time. */
    now_cnt[i] = atomic_load_explicit(&log->dropped_by_level[i], memory_order_relaxed);
    total += now_cnt[i] - log->reported[i];
    if (now_cnt[i] != log->quiet[i]) fresh = 1;
  }
  if (total == 0 || (!fresh && !force)) return;
  int64_t now = uvlog__mono_ns();
  int64_t next = log->last_report_ns + (int64_t)DROP_REPORT_INTERVAL_MS * 1000000;
  if (!force && log->last_report_ns != 0 && now < next) {
    if (!uv_is_active((uv_handle_t *)&log->report_timer)) {
      log->report_timer.data = log;
      uv_update_time(&log->loop);
      uv_timer_start(&log->report_timer, on_report_timer, (uint64_t)((next - now) / 1000000) + 1,
                     0);
    }
    return;
  }
  char msg[512];
  int len = snprintf(msg, sizeof(msg), "uvlog: %llu records dropped (ring full):",
                     (unsigned long long)total);
  const char *sep = " ";
  for (int i = UVLOG_LEVEL_COUNT - 1; i >= 0; i--) {
    uint64_t d = now_cnt[i] - log->reported[i];
    log->reported[i] = now_cnt[i];
    if (!d) continue;
    len += snprintf(msg + len, sizeof(msg) - (size_t)len, "%s%llu %s", sep, (unsigned long long)d,
                    uvlog_level_name((uvlog_level_t)i));
    sep = ", ";
  }
  log->last_report_ns = now;
  uvlog__deliver_internal(log, msg, (size_t)len);
  /* Drops counted from here back to now_cnt were caused by this report's
   * own delivery (a sink that logs): they never trigger a report alone. */
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++)
    log->quiet[i] = atomic_load_explicit(&log->dropped_by_level[i], memory_order_relaxed);
}

int uvlog__alloc_batch(uvlog_t *log) {
  log->batch_cap = LISTENER_BATCH_RECORDS;
  log->batch = calloc(log->batch_cap, sizeof(*log->batch));
  log->msg_off = calloc(log->batch_cap, sizeof(*log->msg_off));
  log->text_off = calloc(log->batch_cap, sizeof(*log->text_off));
  if (!log->batch || !log->msg_off || !log->text_off) return UVLOG_ENOMEM;
  return uvlog__prepare_sinks(log);
}

int uvlog__prepare_sinks(uvlog_t *log) {
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    if (!s->view) s->view = calloc(log->batch_cap, sizeof(*s->view));
    if (!s->view) return UVLOG_ENOMEM;
    s->share = NULL;
    for (uvlog_sink_t *t = log->sinks; t != s && !s->share; t = t->next)
      if (uvlog_formatter_equal(&t->fmt, &s->fmt) && uvlog__sink_same_categories(t, s))
        s->share = t;
  }
  return 0;
}

void uvlog__free_batch(uvlog_t *log) {
  free(log->batch);
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    free(s->view);
    s->view = NULL;
  }
  free(log->msg_off);
  free(log->text_off);
  log->batch = NULL;
  log->msg_off = log->text_off = NULL;
  uvlog_buf_free(&log->scratch);
  uvlog__fbatch_free(&log->fbatch);
}
