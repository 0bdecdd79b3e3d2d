/*
 * netq.h -- the pieces the syslog and TCP sinks share, kept free of libuv and
 * of the sink handle so they can be unit-tested on their own:
 *
 *   uvlog_backoff_t  exponential reconnect delays with jitter
 *   uvlog_dgq_t      a bounded FIFO of datagrams (syslog sink)
 *   uvlog_streamq_t  a bounded byte backlog of whole framed records, split in
 *                    "in flight" (owned by one write) and "pending" (TCP sink)
 *   framing          RFC 6587 octet counting and newline-delimited records
 *   uvlog_parse_port a strict decimal port parser
 *
 * Everything here runs on the listener thread only: no atomics, no locks.
 * Memory grows with use and is bounded by each queue's limit (plus the
 * geometric slack of uvlog_buf_t).
 */
#ifndef UVLOG_SINK_NETQ_H
#define UVLOG_SINK_NETQ_H

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"

/* ---- backoff ------------------------------------------------------------ */

typedef struct uvlog_backoff {
  unsigned min_ms;
  unsigned max_ms;
  unsigned cur_ms; /* the ceiling of the next delay */
  uint64_t rng;    /* xorshift64 state, never 0 */
} uvlog_backoff_t;

/* min_ms >= 1, max_ms >= min_ms (the caller validated them). `seed` may be
 * anything (0 is replaced). */
void uvlog_backoff_init(uvlog_backoff_t *b, unsigned min_ms, unsigned max_ms, uint64_t seed);
/* The next delay, drawn in [cur/2, cur] (at least 1), then the ceiling cur
 * (which starts at min_ms) doubles up to max_ms. */
unsigned uvlog_backoff_next(uvlog_backoff_t *b);
/* After a success: the next failure starts again from min_ms. */
void uvlog_backoff_reset(uvlog_backoff_t *b);

/* ---- datagram queue ----------------------------------------------------- */

/* Datagrams stored back to back as [u32 length][bytes], from `head`. The
 * limit counts payload bytes only (what the user configured). */
typedef struct uvlog_dgq {
  uvlog_buf_t b;
  size_t head;    /* offset of the oldest datagram in b */
  size_t bytes;   /* payload bytes queued */
  size_t count;   /* datagrams queued */
  size_t limit;   /* max payload bytes */
} uvlog_dgq_t;

void uvlog_dgq_init(uvlog_dgq_t *q, size_t limit);
void uvlog_dgq_free(uvlog_dgq_t *q);
/* Appends a copy. Returns 0, or -ENOBUFS if it would exceed the limit, or
 * -ENOMEM (nothing is queued on error). */
int uvlog_dgq_push(uvlog_dgq_t *q, const char *p, size_t n);
/* The oldest datagram (NULL if empty). */
const char *uvlog_dgq_peek(const uvlog_dgq_t *q, size_t *n);
/* Removes the oldest datagram. */
void uvlog_dgq_pop(uvlog_dgq_t *q);
/* Removes everything; returns how many datagrams were removed. */
size_t uvlog_dgq_clear(uvlog_dgq_t *q);

/* ---- stream backlog ----------------------------------------------------- */

/* Bytes of whole framed records, oldest first. `inflight` is the prefix
 * handed to one write (its memory must not move until the write completes);
 * `pending` are the records queued after it. The limit covers both. */
typedef struct uvlog_streamq {
  uvlog_buf_t inflight;
  uvlog_buf_t pending;
  size_t inflight_recs;
  size_t pending_recs;
  size_t limit;
} uvlog_streamq_t;

void uvlog_streamq_init(uvlog_streamq_t *q, size_t limit);
void uvlog_streamq_free(uvlog_streamq_t *q);
static inline size_t uvlog_streamq_bytes(const uvlog_streamq_t *q) {
  return q->inflight.len + q->pending.len;
}
static inline size_t uvlog_streamq_records(const uvlog_streamq_t *q) {
  return q->inflight_recs + q->pending_recs;
}
/* Appends one record framed as `framing` (UVLOG_TCP_*). Returns 0, -ENOBUFS
 * (over the limit: nothing queued) or -ENOMEM. */
int uvlog_streamq_push(uvlog_streamq_t *q, int framing, const char *text, size_t len);
/* Moves all pending records in flight. Returns the bytes now in flight (0 if
 * nothing was pending). Only when nothing is in flight. */
size_t uvlog_streamq_start(uvlog_streamq_t *q);
/* The write in flight completed: its records are done. Returns how many. */
size_t uvlog_streamq_done(uvlog_streamq_t *q);
/* The write in flight failed: its records go back in front of the pending
 * ones, to be sent again. Returns 0, or (out of memory) how many records of
 * the failed write were dropped instead. */
size_t uvlog_streamq_requeue(uvlog_streamq_t *q);
/* Drops everything (in flight too: only once no write uses it). Returns how
 * many records were dropped. */
size_t uvlog_streamq_clear(uvlog_streamq_t *q);

/* ---- framing ------------------------------------------------------------ */

/* Bytes the framed record takes (the number uvlog_frame() appends). */
size_t uvlog_frame_size(int framing, const char *text, size_t len);
/* Appends the framed record to `out`:
 *   UVLOG_TCP_OCTET_COUNTING: "<len> <text>" without text's trailing '\n'
 *   UVLOG_TCP_NDJSON:         "<text>\n" (text's own '\n' is kept, not doubled) */
void uvlog_frame(int framing, const char *text, size_t len, uvlog_buf_t *out);

/* ---- flush bookkeeping -------------------------------------------------- */

/* The flush state the syslog and TCP sinks share (their timers stay theirs).
 * `fin` counts records that left the buffer (delivered or dropped), `enq`
 * those that entered it; a flush is done when fin reaches the enq of its
 * call. The rules, so that a flush and a close keep their deadlines whatever
 * the receiver does:
 *   - while the receiver is away, a flush fails at once with the error that
 *     took it away (the root cause, not -ENOTCONN);
 *   - after a flush timed out, later flushes fail at once with
 *     UVLOG_ETIMEDOUT until a record is delivered (so the logger's periodic
 *     flush cannot keep re-arming a wait that will not end);
 *   - a flush whose records were dropped completes with the drop's error
 *     (unless it fails for one of the reasons above first): each loss fails
 *     exactly one flush, the first to complete after it;
 *   - close gives the buffer close_timeout_ms counted from when a flush
 *     began waiting (the receiver there, not taking records) with no record
 *     delivered since, else from the close (uvlog_flushw_close_ms). */
typedef struct uvlog_flushw {
  unsigned n;          /* flushes pending (returned UVLOG_PENDING) */
  uint64_t target;     /* fin value that completes them */
  int stalled;         /* a flush timed out; nothing delivered since */
  uint64_t stuck_ms;   /* when a flush began waiting, nothing delivered since; 0: not */
  int drop_err;        /* the first drop error since a flush last failed or completed */
} uvlog_flushw_t;

/* vt->flush. `away_err` != 0: the receiver is away for that reason. Returns
 * 0 (done), an error (failed at once), or UVLOG_PENDING with *start_timer
 * set when this is the first pending flush (start the flush_timeout_ms timer). */
int uvlog_flushw_begin(uvlog_flushw_t *w, uint64_t fin, uint64_t enq, int away_err,
                       unsigned timeout_ms, uint64_t now_ms, int *start_timer);
/* Records left the buffer (fin is the new count; `delivered` if any were
 * delivered). Returns how many pending flushes are done now; *status is
 * what they complete with. */
unsigned uvlog_flushw_progress(uvlog_flushw_t *w, uint64_t fin, int delivered, int *status);
/* Records were dropped with `err`. */
void uvlog_flushw_dropped(uvlog_flushw_t *w, int err);
/* The flush timer fired: returns how many flushes complete (UVLOG_ETIMEDOUT). */
unsigned uvlog_flushw_timeout(uvlog_flushw_t *w);
/* Takes every pending flush (the sink finished): returns how many. */
unsigned uvlog_flushw_take(uvlog_flushw_t *w);
/* At close: how long the buffer may still take, in ms. */
unsigned uvlog_flushw_close_ms(const uvlog_flushw_t *w, unsigned close_timeout_ms,
                               uint64_t now_ms);

/* ---- port --------------------------------------------------------------- */

/* Parses a decimal port 1..65535 (digits only, no sign, no spaces). Returns
 * the port or -EINVAL. */
int uvlog_parse_port(const char *s);

#endif /* UVLOG_SINK_NETQ_H */
