/*
 * logger_impl.h -- the logger's struct, shared by logger.c (the handle, the
 * producer path, configuration) and listener.c (the listener thread).
 * Nothing else includes it.
 */
#ifndef UVLOG_LOGGER_IMPL_H
#define UVLOG_LOGGER_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "buf.h"
#include "category.h"
#include "fieldbatch.h"
#include "logger.h"
#include "ring.h"
#include "sink.h"
#include "timeconv.h"

/* Logger states; transitions happen under `mu`, loads elsewhere are acquire. */
enum {
  LOG_CREATED = 0,  /* sinks may be added */
  LOG_STARTING = 1, /* the listener is opening the sinks */
  LOG_RUNNING = 2,
  LOG_CLOSING = 3,  /* the ring is closed, the listener drains */
  LOG_CLOSED = 4
};

/* A request to replace the sink list of a started logger (lifecycle.c:
 * uvlog__sinks_replace; done by listener.c between two batches). */
typedef struct sink_swap {
  uvlog_sink_t **sinks;        /* the new list, in order */
  size_t n;
  int rc;                      /* the listener's verdict */
  int done;
} sink_swap_t;

/* Cache-line layout (docs/design.md, "The producer path"): the line
 * producers only read (pub + configuration) first, then the ring's tail
 * line, head line and read-only line (ring.h), then the listener's time
 * converter. The struct is allocated with its alignment (logger.c:
 * logger_alloc). */
#define LOG_LINE 64

/* What a root logger and a category (category.c) both begin with, so a
 * uvlog_t * may point at either: `pub` first (private.h: the macros read
 * pub.eff_level through a uvlog_t *), then the root (the logger itself for
 * a root) and the category id stamped in records (0 for the root). Set at
 * create, never changed. Read through uvlog__root() / uvlog__cat_id(). */
typedef struct log_head {
  uvlog_pub_t pub;
  struct uvlog_s *root;
  uint32_t cat;
} log_head_t;

struct uvlog_s {
  /* Producers' read-only line. `head` first (above). head.pub.eff_level =
   * max(level, min over the levels of the sinks that take the root's
   * records), recomputed under `level_mu` whenever any level changes
   * (relaxed store; producers load it relaxed: a lone value). The others
   * are set at create and never change. */
  _Alignas(LOG_LINE) log_head_t head;
  int tsc;                     /* records carry TSC ticks (tsc.h), else ns */
  uvlog_overflow_t overflow;   /* opts.overflow */
  size_t max_record;           /* opts.max_record */
  unsigned rl_burst;           /* opts.rate_limit_burst; 0: no rate limit (ratelimit.c) */

  ring_t ring;                 /* tail line, head line, read-only line */

  /* decode.c (listener only): TSC ticks to wall time, when `tsc`. */
  _Alignas(LOG_LINE) uvlog_tconv_t tconv;

  /* Configuration (cold). */
  uvlog_options_t opts;
  _Atomic int level;           /* the logger's own level */
  pthread_mutex_t level_mu;    /* also guards the categories' levels and rules */
  uvlog_cats_t cats;           /* the categories (category.c) */
  uvlog_tnames_t *tnames;      /* listener-only: thread names seen (thread_name.c) */

  /* Rate limit (ratelimit.c), set at create: the interval in stamp units,
   * the epoch windows count from, a test clock; the refusals (relaxed: a
   * tally). */
  uint64_t rl_interval;
  uint64_t rl_epoch;
  int64_t (*rl_clock)(void *ctx);
  void *rl_clock_ctx;
  _Atomic uint64_t rate_limited;

  /* Drop and truncation counters: producers add (relaxed, only on those
   * paths), the listener and uvlog_logger_stats read (relaxed: tallies). */
  _Atomic uint64_t dropped_by_level[UVLOG_LEVEL_COUNT];
  _Atomic uint64_t truncated;

  /* Wake-up policy (wake.h), read-only after create. */
  uint64_t wake_bytes;         /* backlog that wakes a lightly parked listener */

  /* Wake-up handshake (listener.c, top comment). Its own cache line: every
   * commit loads it, the listener stores it only when it parks and wakes. */
  _Alignas(64) _Atomic int parked; /* PARK_NONE, PARK_LIGHT or PARK_DEEP */
  _Atomic uint64_t sleep_head; /* ring head when the listener last slept: the
                                  producers' backlog check reads this line only */
  _Alignas(64) _Atomic int async_dead; /* 1: the async handle is closing; no more sends */
  _Atomic int senders;         /* threads inside uv_async_send() right now */
  _Atomic int reopen_req;      /* uvlog_logger_reopen() asked */

  /* Sinks, in order of addition. Changed only before start, under `mu`. */
  uvlog_sink_t *sinks;
  size_t n_sinks;

  /* Runtime sink replacement (lifecycle.c, listener.c). `swap` is the
   * pending request (under mu); swap_hint says one is pending without mu.
   * Sinks taken out of a started logger are closed and kept in `retired`
   * (their handles may still be closing on the loop, and their counters
   * count) until close frees them. */
  sink_swap_t *swap;
  _Atomic int swap_hint;
  uvlog_sink_t *retired;
  /* config_apply.c's state (the configured sinks, the source file); freed
   * by destroy. */
  struct uvlog_cfg_state *cfg;

  /* Lifecycle, flush requests: `mu` + `cv`. */
  pthread_mutex_t mu;
  pthread_cond_t cv;           /* CLOCK_MONOTONIC */
  _Atomic int state;           /* LOG_*; stored under mu (release) */
  int start_rc;                /* the listener's verdict on start (1 = pending) */
  int closer_active;           /* a thread is inside close's join */
  pthread_t thread;
  _Atomic int pid;             /* the process that started the listener
                                  (relaxed: a lone value, set before start) */
  _Atomic unsigned fork_gen;   /* uvlog__fork_gen of the process that created or
                                  started the logger; log calls in another
                                  (a forked child) return UVLOG_ECLOSED */
  uint64_t flush_req;          /* flush requests made (a generation number) */
  _Atomic uint64_t flush_hint; /* == flush_req, readable without mu (see service) */
  uint64_t flush_done;         /* flush requests completed */
  uint64_t flush_target;       /* ring position the latest request waits for */
  uint64_t close_target;       /* the final tail, once closing */
  int64_t close_t0;            /* monotonic ns when close began (set with it) */
  uint64_t gone_written;       /* totals of the sinks already freed */
  uint64_t gone_dropped;
  uint64_t gone_errors;

  /* Listener counters, read by uvlog_logger_stats (relaxed: tallies). On
   * their own line: the listener writes them every batch. */
  _Alignas(64) _Atomic uint64_t records;
  _Atomic uint64_t high_water;
  /* Self-metrics (deliver.c, listener.c): only the listener writes them
   * (relaxed load + store, no read-modify-write), anyone reads them. */
  _Atomic uint64_t accepted[UVLOG_LEVEL_COUNT]; /* records drained, by level */
  _Atomic uint64_t busy_ns;    /* the listener's time awake */
  _Atomic uint64_t lat_buckets[UVLOG_LATENCY_BUCKETS];
  _Atomic uint64_t lat_sum_ns;
  int64_t busy_base;           /* listener-only: busy_ns up to wake_ns */
  int64_t wake_ns;             /* listener-only: when it last woke (monotonic) */

  /* Flush outcome: the first error a sink's flush reported during the latest
   * completed flush request (under mu, with flush_done). */
  int flush_rc;

  /* Listener-only. */
  uv_timer_t latency_timer;    /* armed while parked PARK_LIGHT */
  uv_timer_t report_timer;     /* a rate-limited drop report is due */
  int64_t last_report_ns;      /* when the last drop report was written */
  uint64_t quiet[UVLOG_LEVEL_COUNT]; /* drop counters right after a report */
  int dirty;                   /* written since the last flush of the sinks */
  uv_loop_t loop;
  uv_async_t async;
  uv_timer_t flush_timer;
  uint64_t pos;                /* consumed up to here (== ring head after a batch) */
  uint64_t reported[UVLOG_LEVEL_COUNT]; /* drops already reported */
  uvlog_entry_t *batch;        /* decoded records of the current batch */
  size_t batch_cap;
  size_t *msg_off;             /* per entry: offset into scratch or SIZE_MAX */
  size_t *text_off;            /* per rendered entry: offset into a sink's out */
  uvlog_buf_t scratch;         /* messages that are not plain ring bytes */
  uvlog_fbatch_t fbatch;       /* the batch's field arrays and contexts (fieldbatch.c) */

  /* The constant fields (uvlog_logger_set_resource()): set under mu before
   * start, read by the listener (decode.c), freed by destroy. */
  uvlog_ctx_t *resource;
};

/* Values of `parked` (listener.c, THE WAKE-UP HANDSHAKE). */
enum { PARK_NONE = 0, PARK_LIGHT = 1, PARK_DEEP = 2 };

/* lifecycle.c: the atexit registry; destroy takes the logger out. */
void uvlog__registry_remove(uvlog_t *log);
/* lifecycle.c: makes `sinks` (n of them, in order) the logger's sink list:
 * sinks it owns already stay (same object), new ones (no owner) are added,
 * opened on the listener if it runs, and the ones left out are removed
 * (flushed and closed between two records; kept until close). All or
 * nothing: on error (a new sink's open failed: its code; UVLOG_ECLOSED,
 * UVLOG_EBUSY while starting, UVLOG_EDEADLK on the listener) the list is
 * unchanged, and the new sinks still without an owner are the caller's. */
int uvlog__sinks_replace(uvlog_t *log, uvlog_sink_t **sinks, size_t n);
/* config_apply.c: frees log->cfg (destroy). */
void uvlog__config_free(uvlog_t *log);

/* listener.c */
/* Bumped in every forked child (logger.c); see uvlog_t.fork_gen. */
extern _Atomic unsigned uvlog__fork_gen;
int uvlog__listener_start(uvlog_t *log);     /* under no lock; returns start rc */
void uvlog__wake(uvlog_t *log);              /* uv_async_send, safely */
int uvlog__on_listener(const uvlog_t *log);  /* the calling thread is log's listener */
/* logger.c */
void uvlog__recompute_level(uvlog_t *log);
/* The same, for a caller that holds log->level_mu. */
void uvlog__recompute_level_locked(uvlog_t *log);
/* The lowest level among the sinks that take records of `category` (NULL:
 * the root's own records); UVLOG_LEVEL_OFF if none. Caller holds log->mu. */
int uvlog__sinks_min_level(const uvlog_t *log, const char *category);

/* The root logger of a logger or category handle (its ring, options, sinks). */
static inline uvlog_t *uvlog__root(const uvlog_t *h) {
  return ((const log_head_t *)(const void *)h)->root;
}
/* The category id of a handle: 0 for a root. */
static inline uint8_t uvlog__cat_id(const uvlog_t *h) {
  return (uint8_t)((const log_head_t *)(const void *)h)->cat;
}
/* Producer entry points: *log (if not NULL) becomes its root; returns the
 * category id to stamp in the record (record.h). */
static inline uint8_t uvlog__to_root(uvlog_t **log) {
  if (!*log) return 0;
  uint8_t cat = uvlog__cat_id(*log);
  *log = uvlog__root(*log);
  return cat;
}
/* context.c: drops the constant fields (destroy). */
void uvlog__resource_free(uvlog_t *log);

#endif /* UVLOG_LOGGER_IMPL_H */
