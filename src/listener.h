/*
 * listener.h -- what the three files of the listener share:
 *   listener.c   the thread: its loop, the idle policy, the wake-up handshake
 *   deliver.c    one batch: decode, render per sink, write; drop reports
 *   lifecycle.c  start, flush, close, reopen, and the atexit registry
 * Everything here runs on the listener thread unless it says otherwise.
 */
#ifndef UVLOG_LISTENER_H
#define UVLOG_LISTENER_H

#include "logger_impl.h"

#define LISTENER_BATCH_RECORDS 1024
#define LISTENER_BATCH_BYTES ((uint64_t)256 * 1024)
/* Drop reports: at most one per this interval (the first one at once). */
#define DROP_REPORT_INTERVAL_MS 1000

/* Adds to a counter that only the calling thread writes (the listener's
 * tallies): relaxed load and store, no read-modify-write; readers on other
 * threads see each value whole (a tally, ordered with nothing). */
static inline void uvlog__tally(_Atomic uint64_t *c, uint64_t n) {
  atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                        memory_order_relaxed);
}

/* deliver.c */
enum { DRAIN_NONE = 0, DRAIN_END = 1, DRAIN_MORE = 2 };
/* Takes one batch from the ring and delivers it. DRAIN_NONE: nothing was
 * committed at the cursor; DRAIN_END: a batch, and then the walk reached a
 * record not committed yet (or the tail); DRAIN_MORE: a full batch, more may
 * follow at once. */
int uvlog__drain(uvlog_t *log);
/* Hands `n` decoded entries to every sink that admits them. */
void uvlog__deliver(uvlog_t *log, uvlog_entry_t *batch, size_t n);
/* Delivers one internal WARNING entry with the text `msg`. */
void uvlog__deliver_internal(uvlog_t *log, const char *msg, size_t len);
/* Reports drops counted since the last report: at most one report per
 * DROP_REPORT_INTERVAL_MS (arming report_timer for a later one), and never
 * for drops that only the delivery of the previous report caused (a sink
 * that logs). `force` (close) reports whatever is left at once. */
void uvlog__report_drops(uvlog_t *log, int force);
int uvlog__alloc_batch(uvlog_t *log);
/* Gives every sink its view array (if it has none) and the earlier sink
 * whose rendering it shares; again after the sink list changed. */
int uvlog__prepare_sinks(uvlog_t *log);
void uvlog__free_batch(uvlog_t *log);

/* listener.c */
void *uvlog__listener_main(void *arg);
void uvlog__flush_sinks(uvlog_t *log);
int uvlog__sinks_pending(uvlog_t *log);

/* lifecycle.c */
int uvlog__state(uvlog_t *log);          /* acquire load of the state */
void uvlog__report_start(uvlog_t *log, int rc);

#endif /* UVLOG_LISTENER_H */
