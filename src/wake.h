/*
 * wake.h -- the producer's half of the listener's wake-up policy: what a
 * producer does right after it committed a record, so that the listener
 * sleeps while it may and wakes when it must. The listener's half, and the
 * handshake that pairs with this code, are described in listener.c.
 *
 * The producer path (logger.c) calls uvlog__notify() after every commit,
 * and nothing else about waking; the policy lives here alone.
 */
#ifndef UVLOG_WAKE_H
#define UVLOG_WAKE_H

#include <stdatomic.h>

#include "logger_impl.h"

/* After a commit of a record at `level`: wakes the listener if it is parked
 * (seq_cst load, then the exchange makes exactly one producer send). */
static inline void uvlog__notify(uvlog_t *log, uvlog_level_t level) {
  (void)level;
  if (atomic_load_explicit(&log->parked, memory_order_seq_cst) &&
      atomic_exchange_explicit(&log->parked, 0, memory_order_seq_cst))
    uvlog__wake(log);
}

#endif /* UVLOG_WAKE_H */
