/*
 * netq.c -- backoff, datagram queue, stream backlog, framing and port
 * parsing for the syslog and TCP sinks (see netq.h).
 */
#include "netq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

/* ---- backoff ------------------------------------------------------------ */

void uvlog_backoff_init(uvlog_backoff_t *b, unsigned min_ms, unsigned max_ms, uint64_t seed) {
  b->min_ms = min_ms ? min_ms : 1;
  b->max_ms = max_ms < b->min_ms ? b->min_ms : max_ms;
  b->cur_ms = b->min_ms;
  b->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static uint64_t xorshift64(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

unsigned uvlog_backoff_next(uvlog_backoff_t *b) {
  unsigned d = b->cur_ms;
  unsigned lo = d / 2 ? d / 2 : 1;
  unsigned delay = lo + (unsigned)(xorshift64(&b->rng) % ((uint64_t)(d - lo) + 1));
  b->cur_ms = d > b->max_ms / 2 ? b->max_ms : d * 2;
  return delay;
}

void uvlog_backoff_reset(uvlog_backoff_t *b) { b->cur_ms = b->min_ms; }

/* ---- datagram queue ----------------------------------------------------- */

void uvlog_dgq_init(uvlog_dgq_t *q, size_t limit) {
  memset(q, 0, sizeof *q);
  q->limit = limit;
}

void uvlog_dgq_free(uvlog_dgq_t *q) {
  uvlog_buf_free(&q->b);
  q->head = q->bytes = q->count = 0;
}

int uvlog_dgq_push(uvlog_dgq_t *q, const char *p, size_t n) {
  if (n > q->limit || q->bytes > q->limit - n) return -ENOBUFS;
  if (n > UINT32_MAX) return -ENOBUFS;
  /* Reclaim the consumed prefix before growing. */
  if (q->head > 0 && (q->head == q->b.len || q->b.cap - q->b.len < n + 4)) {
    memmove(q->b.data, q->b.data + q->head, q->b.len - q->head);
    q->b.len -= q->head;
    q->head = 0;
  }
  q->b.oom = 0;
  if (uvlog_buf_reserve(&q->b, n + 4) != 0) { q->b.oom = 0; return -ENOMEM; }
  uint32_t len32 = (uint32_t)n;
  memcpy(q->b.data + q->b.len, &len32, 4);
  if (n) memcpy(q->b.data + q->b.len + 4, p, n);
  q->b.len += n + 4;
  q->bytes += n;
  q->count++;
  return 0;
}

const char *uvlog_dgq_peek(const uvlog_dgq_t *q, size_t *n) {
  if (q->count == 0) return NULL;
  uint32_t len32;
  memcpy(&len32, q->b.data + q->head, 4);
  *n = len32;
  return q->b.data + q->head + 4;
}

void uvlog_dgq_pop(uvlog_dgq_t *q) {
  if (q->count == 0) return;
  uint32_t len32;
  memcpy(&len32, q->b.data + q->head, 4);
  q->head += 4 + (size_t)len32;
  q->bytes -= len32;
  if (--q->count == 0) q->head = q->b.len = 0;
}

size_t uvlog_dgq_clear(uvlog_dgq_t *q) {
  size_t n = q->count;
  q->head = q->b.len = q->bytes = q->count = 0;
  return n;
}

/* ---- framing ------------------------------------------------------------ */

static size_t strip_nl(const char *text, size_t len) {
  return (len > 0 && text[len - 1] == '\n') ? len - 1 : len;
}

static size_t decimal_len(size_t v) {
  size_t n = 1;
  while (v >= 10) { v /= 10; n++; }
  return n;
}

size_t uvlog_frame_size(int framing, const char *text, size_t len) {
  if (framing == UVLOG_TCP_OCTET_COUNTING) {
    size_t m = strip_nl(text, len);
    return decimal_len(m) + 1 + m;
  }
  return strip_nl(text, len) + 1;
}

void uvlog_frame(int framing, const char *text, size_t len, uvlog_buf_t *out) {
  size_t m = strip_nl(text, len);
  if (framing == UVLOG_TCP_OCTET_COUNTING) {
    char num[24];
    int k = snprintf(num, sizeof num, "%zu ", m);
    uvlog_buf_append(out, num, (size_t)k);
    uvlog_buf_append(out, text, m);
  } else {
    uvlog_buf_append(out, text, m);
    uvlog_buf_putc(out, '\n');
  }
}

/* ---- stream backlog ----------------------------------------------------- */

void uvlog_streamq_init(uvlog_streamq_t *q, size_t limit) {
  memset(q, 0, sizeof *q);
  q->limit = limit;
}

void uvlog_streamq_free(uvlog_streamq_t *q) {
  uvlog_buf_free(&q->inflight);
  uvlog_buf_free(&q->pending);
  q->inflight_recs = q->pending_recs = 0;
}

int uvlog_streamq_push(uvlog_streamq_t *q, int framing, const char *text, size_t len) {
  size_t need = uvlog_frame_size(framing, text, len);
  size_t used = uvlog_streamq_bytes(q);
  if (need > q->limit || used > q->limit - need) return -ENOBUFS;
  q->pending.oom = 0;
  if (uvlog_buf_reserve(&q->pending, need) != 0) { q->pending.oom = 0; return -ENOMEM; }
  uvlog_frame(framing, text, len, &q->pending);
  q->pending_recs++;
  return 0;
}

size_t uvlog_streamq_start(uvlog_streamq_t *q) {
  if (q->inflight_recs != 0 || q->pending_recs == 0) return 0;
  /* Swap buffers: the pending bytes become the write's, the old in-flight
   * buffer (empty) is reused for new records. */
  uvlog_buf_t t = q->inflight;
  q->inflight = q->pending;
  q->pending = t;
  uvlog_buf_reset(&q->pending);
  q->inflight_recs = q->pending_recs;
  q->pending_recs = 0;
  return q->inflight.len;
}

size_t uvlog_streamq_done(uvlog_streamq_t *q) {
  size_t n = q->inflight_recs;
  uvlog_buf_reset(&q->inflight);
  q->inflight_recs = 0;
  /* Do not keep a huge buffer after a burst. */
  if (q->inflight.cap > (1u << 20)) uvlog_buf_free(&q->inflight);
  return n;
}

size_t uvlog_streamq_requeue(uvlog_streamq_t *q) {
  if (q->inflight_recs == 0) return 0;
  /* inflight := inflight + pending, then it becomes the pending buffer. */
  q->inflight.oom = 0;
  if (q->pending.len && uvlog_buf_reserve(&q->inflight, q->pending.len) != 0) {
    size_t lost = q->inflight_recs;
    uvlog_buf_reset(&q->inflight);
    q->inflight_recs = 0;
    return lost;
  }
  if (q->pending.len) {
    memcpy(q->inflight.data + q->inflight.len, q->pending.data, q->pending.len);
    q->inflight.len += q->pending.len;
  }
  uvlog_buf_t t = q->pending;
  q->pending = q->inflight;
  q->inflight = t;
  uvlog_buf_reset(&q->inflight);
  q->pending_recs += q->inflight_recs;
  q->inflight_recs = 0;
  return 0;
}

size_t uvlog_streamq_clear(uvlog_streamq_t *q) {
  size_t n = uvlog_streamq_records(q);
  uvlog_buf_reset(&q->inflight);
  uvlog_buf_reset(&q->pending);
  q->inflight_recs = q->pending_recs = 0;
  return n;
}

/* ---- flush bookkeeping -------------------------------------------------- */

int uvlog_flushw_begin(uvlog_flushw_t *w, uint64_t fin, uint64_t enq, int away_err,
                       unsigned timeout_ms, uint64_t now_ms, int *start_timer) {
  *start_timer = 0;
  if (fin >= enq) {
    int rc = w->drop_err;
    w->drop_err = 0;
    return rc;
  }
  /* Failing now reports every loss so far too: each loss fails one flush. */
  if (away_err) return w->drop_err = 0, away_err;
  if (w->stuck_ms == 0) w->stuck_ms = now_ms ? now_ms : 1;
  if (w->stalled || timeout_ms == 0) return w->drop_err = 0, UVLOG_ETIMEDOUT;
  w->target = enq;
  *start_timer = w->n++ == 0;
  return UVLOG_PENDING;
}

unsigned uvlog_flushw_progress(uvlog_flushw_t *w, uint64_t fin, int delivered, int *status) {
  if (delivered) {
    w->stalled = 0;
    w->stuck_ms = 0;
  }
  if (w->n == 0 || fin < w->target) return 0;
  *status = w->drop_err;
  w->drop_err = 0;
  return uvlog_flushw_take(w);
}

void uvlog_flushw_dropped(uvlog_flushw_t *w, int err) {
  if (w->drop_err == 0) w->drop_err = err;
}

unsigned uvlog_flushw_timeout(uvlog_flushw_t *w) {
  w->stalled = 1;
  w->drop_err = 0; /* the flushes fail: that reports the losses so far */
  return uvlog_flushw_take(w);
}

unsigned uvlog_flushw_take(uvlog_flushw_t *w) {
  unsigned n = w->n;
  w->n = 0;
  return n;
}

unsigned uvlog_flushw_close_ms(const uvlog_flushw_t *w, unsigned close_timeout_ms,
                               uint64_t now_ms) {
  if (w->stuck_ms == 0 || now_ms < w->stuck_ms) return close_timeout_ms;
  uint64_t spent = now_ms - w->stuck_ms;
  return spent >= close_timeout_ms ? 0 : close_timeout_ms - (unsigned)spent;
}

/* ---- port --------------------------------------------------------------- */

int uvlog_parse_port(const char *s) {
  if (!s || !*s) return -EINVAL;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -EINVAL;
    v = v * 10 + (*p - '0');
    if (v > 65535) return -EINVAL;
  }
  return v >= 1 ? (int)v : -EINVAL;
}
