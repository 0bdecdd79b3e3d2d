/*
 * wake.h -- the producer's half of the listener's wake-up policy: what a
 * producer does right after it committed a record, so that the listener
 * sleeps while it may and wakes when it must. The listener's half, and the
 * handshake that pairs with this code (P2 below), are described at the top
 * of listener.c.
 *
 * The producer path (logger.c) calls uvlog__notify() after every commit,
 * and uvlog__notify_full() when it finds the ring full; nothing else about
 * waking. The policy lives here alone:
 *
 *   parked == PARK_NONE   the listener is awake: it will see the record.
 *   parked == PARK_DEEP   asleep with no timer: wake it (one producer pays
 *                         the uv_async_send(), the one whose exchange wins).
 *   parked == PARK_LIGHT  asleep until its latency timer fires (at most
 *                         delivery_latency_ms): wake it only for an urgent
 *                         record (level >= urgent_level) or when the backlog
 *                         passed wake_bytes (a quarter of the ring).
 * In steady state at any rate the listener is either awake or lightly
 * parked, so producers make no system call.
 */
#ifndef UVLOG_WAKE_H
#define UVLOG_WAKE_H

#include <stdatomic.h>

#include "logger_impl.h"

/* Bytes claimed since the listener's last sleep began, or more. relaxed: a
 * hint. sleep_head is stored before `parked` (and head only grows), so a
 * stale value only overestimates: a spurious wake-up, never a missed one.
 * It lives on parked's line: no read of the consumer's line. */
static inline uint64_t backlog(uvlog_t *log) {
  return ring_claimed(&log->ring) - atomic_load_explicit(&log->sleep_head, memory_order_relaxed);
}

/* Takes the listener out of its sleep; the exchange lets one caller send. */
static inline void uvlog__wake_parked(uvlog_t *log) {
  /* seq_cst: part of the handshake's total order (listener.c). */
  if (atomic_exchange_explicit(&log->parked, PARK_NONE, memory_order_seq_cst) != PARK_NONE)
    uvlog__wake(log);
}

/* After a commit of a record at `level` (P2 of the handshake). */
static inline void uvlog__notify(uvlog_t *log, uvlog_level_t level) {
  /* seq_cst: P2, paired with the listener's store of `parked` (L1) through
   * the total order of seq_cst operations (listener.c). */
  int p = atomic_load_explicit(&log->parked, memory_order_seq_cst);
  if (UVLOG_UNLIKELY(p != PARK_NONE)) {
    if (p == PARK_LIGHT && (int)level < (int)log->opts.urgent_level &&
        backlog(log) < log->wake_bytes)
      return; /* the latency timer will come */
    uvlog__wake_parked(log);
  }
}

/* A producer found the ring full (either policy): whoever waits for space,
 * or would drop, must not wait for the latency timer. */
static inline void uvlog__notify_full(uvlog_t *log) {
  /* seq_cst: as P2. */
  if (atomic_load_explicit(&log->parked, memory_order_seq_cst) != PARK_NONE)
    uvlog__wake_parked(log);
}

#endif /* UVLOG_WAKE_H */
