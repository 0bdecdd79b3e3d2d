/*
 * listener.c -- the listener thread and the logger's lifecycle: start,
 * flush (a barrier), close, reopen.
 *
 * The listener runs its own uv_loop_t on its own thread. It owns the ring's
 * consumer side: it drains committed records in batches, decodes each into
 * a uvlog_entry_t, renders it with every sink's formatter and calls each
 * sink's write() once per batch, then releases the bytes to the producers.
 * Between batches it answers flush requests, reopens sinks, reports drops,
 * and (at most once per LOOP_POLL_NS, since each look is a system call) runs
 * the loop without blocking for the sinks' timers and sockets.
 *
 * IDLE, POLLING AND PARKING
 * When the ring is empty the listener keeps polling (short sleeps) for
 * opts.idle_park_ms, so that a steady trickle of records never makes a
 * producer pay for a wake-up. Then it parks: it blocks in
 * uv_run(UV_RUN_ONCE) until the async handle or a timer fires.
 *
 * THE WAKE-UP HANDSHAKE (a Dekker handshake on two words)
 *   listener:  store(parked, 1, seq_cst)           L1
 *              t = ring_tail()  (load tail seq_cst) L2   (ring.c M8)
 *              t != consumed -> exchange(parked, 0) and go on polling
 *              else block in uv_run
 *   producer:  CAS(tail, seq_cst) in ring_claim     P1   (ring.c M7)
 *              ... fill, commit (release) ...
 *              load(parked, seq_cst)                P2
 *              1 -> exchange(parked, 0, seq_cst) -> the winner calls
 *                   uv_async_send()
 * All four (L1, L2, P1, P2) are seq_cst, so they appear in one total order.
 * If L2 did not see P1, then L2 precedes P1, hence L1 precedes P2, and P2
 * reads 1 (or a 0 the listener stored after waking up): either the listener
 * sees the claim and does not sleep, or the producer sees the listener asleep
 * and wakes it. Weaker orders would allow both to miss (store buffering).
 * The exchange makes exactly one producer pay the system call. A claim seen
 * at L2 that is not committed yet is waited for by polling, never by
 * parking: its producer may have read parked == 0 before L1.
 * Requests (flush, close, reopen) set their flag first and always send: the
 * async handle stays pending until the loop runs, so they are never missed,
 * provided the listener never parks right after a uv_run() whose callbacks
 * it has not yet looked at with service() (run() goes round once more), and
 * a sink's flush completion stops the run it happens in (sink.c).
 *
 * SENDING SAFELY
 * uv_async_send() on a closed handle would write to a closed (or reused)
 * file descriptor. Every sender goes through uvlog__wake(): it increments
 * `senders` (seq_cst), loads `async_dead` (seq_cst) and sends only if it is
 * 0, then decrements `senders` (release). Before uv_close() on the handle
 * the listener stores async_dead = 1 (seq_cst) and waits until `senders`
 * (seq_cst, which also acquires the decrement) is 0: the same
 * store-then-load pattern, so either the sender sees the handle dead, or the
 * listener sees the sender and waits for it.
 * All of it is async-signal-safe (uvlog_logger_reopen in a handler).
 *
 * FLUSH BARRIER
 * A flush request is a generation number under `mu`: the caller bumps
 * flush_req and records flush_target = ring_tail() (under the same mutex, so
 * later requests have later targets), sends, and waits on `cv` until
 * flush_done reaches its number or the timeout passes. The listener takes
 * the newest request, drains past its target, asks every sink to flush,
 * waits for pending flushes (uvlog_sink_flush_done), and then publishes
 * flush_done. Nothing points into the caller's stack, so a caller that
 * timed out just leaves.
 *
 * CLOSE
 * ring_close() gives the final tail; the listener drains to it (every
 * accepted record reaches the sinks), reports drops, flushes and waits for
 * pending flushes (at most CLOSE_FLUSH_WAIT_MS), completes every flush
 * request, closes the sinks, stops the senders, closes its handles, runs
 * the loop until they (and the sinks' handles) are closed, and exits; the
 * closing thread joins it and frees the sinks.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "decode.h"
#include "logger_impl.h"

#define BATCH_RECORDS 1024
#define BATCH_BYTES ((uint64_t)256 * 1024)
#define CLOSE_FLUSH_WAIT_MS 5000
#define CLOSE_HANDLES_WAIT_MS 5000
#define LOOP_POLL_NS ((int64_t)1000000) /* 1 ms */

/* Which logger the calling thread is the listener of (NULL for others). */
static _Thread_local const uvlog_t *tl_listener;

int uvlog__on_listener(const uvlog_t *log) { return tl_listener == log; }

void uvlog__wake(uvlog_t *log) {
  atomic_fetch_add_explicit(&log->senders, 1, memory_order_seq_cst);
  if (!atomic_load_explicit(&log->async_dead, memory_order_seq_cst))
    uv_async_send(&log->async);
  /* release: our use of the handle happens-before the listener's close. */
  atomic_fetch_sub_explicit(&log->senders, 1, memory_order_release);
}

static int state_of(uvlog_t *log) {
  /* acquire: pairs with the release store under mu; what was set with the
   * state (close_target) is visible. */
  return atomic_load_explicit(&log->state, memory_order_acquire);
}

/* Under mu. release: see state_of(). */
static void set_state(uvlog_t *log, int st) {
  atomic_store_explicit(&log->state, st, memory_order_release);
  pthread_cond_broadcast(&log->cv);
}

/* ---- decoding and delivery -------------------------------------------------- */

/* Renders `n` entries with s's own formatter; returns how many it admitted. */
static size_t render(uvlog_t *log, uvlog_sink_t *s, int lvl, const uvlog_entry_t *batch,
                     size_t n) {
  uvlog_buf_reset(&s->out);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if ((int)batch[i].level < lvl) continue;
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

/* Renders `n` entries for every sink that admits them and writes them.
 * A sink whose formatter equals an earlier sink's (s->share) reuses that
 * sink's rendering when its level is not lower: it takes the subset. */
static void deliver(uvlog_t *log, uvlog_entry_t *batch, size_t n) {
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
    int rc = s->vt.write(s, s->view, k);
    /* relaxed: a tally. Every entry handed over counts as written; a sink
     * that loses some says so with uvlog_sink_count_dropped(). */
    atomic_fetch_add_explicit(&s->written, k, memory_order_relaxed);
    if (rc < 0) uvlog_sink_report_error(s, rc);
  }
}

/* One batch: returns non-zero if anything (records or padding) was consumed. */
static int drain(uvlog_t *log) {
  uint64_t used = ring_used(&log->ring);
  /* relaxed: only this thread writes high_water; readers want a tally. */
  if (used > atomic_load_explicit(&log->high_water, memory_order_relaxed))
    atomic_store_explicit(&log->high_water, used, memory_order_relaxed);

  uint64_t start = log->pos, pos = start;
  size_t n = 0;
  uvlog_buf_reset(&log->scratch);
  while (n < log->batch_cap && pos - start < BATCH_BYTES) {
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
  if (pos == start) return 0;
  for (size_t i = 0; i < n; i++) {
    if (log->batch[i].msg) continue;
    if (log->scratch.oom) {
      log->batch[i].msg = "<uvlog: out of memory>";
      log->batch[i].msg_len = strlen(log->batch[i].msg);
    } else {
      log->batch[i].msg = log->scratch.data + log->msg_off[i];
    }
  }
  if (n) deliver(log, log->batch, n);
  ring_release(&log->ring, pos);
  log->pos = pos;
  /* relaxed: a tally. */
  atomic_fetch_add_explicit(&log->records, n, memory_order_relaxed);
  return 1;
}

/* Emits one WARNING entry if records were dropped since the last report. */
static void report_drops(uvlog_t *log) {
  uint64_t delta[UVLOG_LEVEL_COUNT], total = 0;
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++) {
    /* relaxed: a tally; a drop counted just after is reported next time. */
    uint64_t now = atomic_load_explicit(&log->dropped_by_level[i], memory_order_relaxed);
    delta[i] = now - log->reported[i];
    log->reported[i] = now;
    total += delta[i];
  }
  if (total == 0) return;
  char msg[512];
  int len = snprintf(msg, sizeof(msg), "uvlog: %llu records dropped (ring full):",
                     (unsigned long long)total);
  const char *sep = " ";
  for (int i = UVLOG_LEVEL_COUNT - 1; i >= 0; i--) {
    if (!delta[i]) continue;
    len += snprintf(msg + len, sizeof(msg) - (size_t)len, "%s%llu %s", sep,
                    (unsigned long long)delta[i], uvlog_level_name((uvlog_level_t)i));
    sep = ", ";
  }
  uvlog_entry_t e;
  memset(&e, 0, sizeof(e));
  e.ts_ns = uvlog__now_ns();
  e.tid = uvlog__tid();
  e.level = UVLOG_LEVEL_WARNING;
  e.msg = msg;
  e.msg_len = (size_t)len;
  e.flags = UVLOG_ENTRY_INTERNAL;
  deliver(log, &e, 1);
}

/* ---- flush requests, reopen ------------------------------------------------- */

static int sinks_pending(uvlog_t *log) {
  for (uvlog_sink_t *s = log->sinks; s; s = s->next)
    if (s->flush_pending) return 1;
  return 0;
}

static void flush_sinks(uvlog_t *log) {
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) uvlog__sink_flush(s);
}

static void service(uvlog_t *log, int *flush_active, int *flush_issued, uint64_t *flush_seq,
                    uint64_t *flush_tgt) {
  /* relaxed: only a hint that saves taking mu per batch; the request itself
   * is read under mu. A request stored after this load was announced by an
   * async send, so the loop comes back here. */
  if (!*flush_active &&
      atomic_load_explicit(&log->flush_hint, memory_order_relaxed) != log->flush_done) {
    pthread_mutex_lock(&log->mu);
    if (log->flush_req != log->flush_done) {
      *flush_active = 1;
      *flush_issued = 0;
      *flush_seq = log->flush_req;
      *flush_tgt = log->flush_target;
    }
    pthread_mutex_unlock(&log->mu);
  }
  /* After taking the request: a reopen asked before a flush is done before
   * that flush completes. acquire: pairs with reopen's release store. */
  if (atomic_exchange_explicit(&log->reopen_req, 0, memory_order_acquire)) {
    for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
      if (s->opened && !s->closed && s->vt.reopen) {
        int rc = s->vt.reopen(s);
        if (rc < 0) uvlog_sink_report_error(s, rc);
      }
    }
  }
  report_drops(log);
  if (!*flush_active) return;
  if (!*flush_issued) {
    if ((int64_t)(log->pos - *flush_tgt) < 0) return; /* still draining */
    flush_sinks(log);
    *flush_issued = 1;
  }
  if (sinks_pending(log)) return;
  pthread_mutex_lock(&log->mu);
  log->flush_done = *flush_seq;
  pthread_cond_broadcast(&log->cv);
  pthread_mutex_unlock(&log->mu);
  *flush_active = 0;
}

static void on_async(uv_async_t *h) { (void)h; /* the loop around uv_run does the work */ }

static void on_flush_timer(uv_timer_t *t) {
  uvlog_t *log = t->data;
  flush_sinks(log);
}

/* ---- the thread --------------------------------------------------------------- */

static void nap_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, NULL);
}

/* Drains until closed and drained. */
static void run(uvlog_t *log) {
  int f_active = 0, f_issued = 0;
  uint64_t f_seq = 0, f_tgt = 0;
  int64_t idle_ns = (int64_t)log->opts.idle_park_ms * 1000000;
  int64_t idle_since = -1, last_io = 0;
  unsigned spins = 0;
  for (;;) {
    int got = drain(log);
    service(log, &f_active, &f_issued, &f_seq, &f_tgt);
    int64_t now = uvlog__mono_ns();
    int ran_loop = 0;
    if (now - last_io >= LOOP_POLL_NS) {
      /* Sinks' timers and sockets, every LOOP_POLL_NS while draining or
       * polling (each look is a system call); parking blocks in the loop. */
      uv_run(&log->loop, UV_RUN_NOWAIT);
      last_io = now;
      ran_loop = 1;
    }
    if (got) {
      idle_since = -1;
      spins = 0;
      continue;
    }
    if (state_of(log) == LOG_CLOSING && (int64_t)(log->pos - log->close_target) >= 0) return;
    if (ring_tail(&log->ring) != log->pos) {
      /* Claimed, not committed yet: poll, never park (see the top). */
      if (++spins < 64) uvlog__cpu_relax();
      else if (spins < 128) sched_yield();
      else nap_us(20);
      continue;
    }
    if (idle_since < 0) idle_since = now;
    if (now - idle_since < idle_ns) {
      /* Poll: a few yields, then naps growing from 100 us to 500 us, so a
       * trickle costs little CPU and waits at most ~0.5 ms. */
      if (++spins < 16) {
        sched_yield();
      } else {
        long us = 100L * (1 + (long)(spins - 16) / 8);
        nap_us(us < 500 ? us : 500);
      }
      continue;
    }
    /* Never park right after that uv_run: its callbacks ran after service()
     * and may have completed a sink's flush (uvlog_sink_flush_done) or
     * consumed the async wake-up of a flush or reopen request; the loop
     * holds nothing more to wake us for them, so parking now could sleep
     * until the next record or flush timer (for ever with neither). Go round
     * once more: service() sees them, and the next uv_run is LOOP_POLL_NS
     * away, so that round parks. */
    if (ran_loop) continue;
    /* Park: L1, L2 of the handshake. */
    atomic_store_explicit(&log->parked, 1, memory_order_seq_cst);
    if (ring_tail(&log->ring) == log->pos && state_of(log) != LOG_CLOSING)
      uv_run(&log->loop, UV_RUN_ONCE);
    /* seq_cst: part of the handshake's total order (a producer may race us). */
    atomic_exchange_explicit(&log->parked, 0, memory_order_seq_cst);
    idle_since = -1;
    spins = 0;
  }
}

static void close_walk_cb(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void on_closed_flush_wait(uv_timer_t *t) { (void)t; }

/* After run(): final report, flush, sinks closed, loop torn down. */
static void shutdown_listener(uvlog_t *log, int started) {
  if (started) {
    report_drops(log);
    flush_sinks(log);
    uv_timer_t guard;
    uv_timer_init(&log->loop, &guard);
    uv_timer_start(&guard, on_closed_flush_wait, CLOSE_FLUSH_WAIT_MS, 0);
    while (sinks_pending(log) && uv_is_active((uv_handle_t *)&guard))
      uv_run(&log->loop, UV_RUN_ONCE);
    uv_close((uv_handle_t *)&guard, NULL);
    pthread_mutex_lock(&log->mu);
    log->flush_done = log->flush_req; /* everything accepted was written and flushed */
    pthread_cond_broadcast(&log->cv);
    pthread_mutex_unlock(&log->mu);
    uv_run(&log->loop, UV_RUN_NOWAIT);
  }
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) uvlog__sink_close(s);

  atomic_store_explicit(&log->async_dead, 1, memory_order_seq_cst);
  /* seq_cst: the load half of the store-then-load handshake (SENDING
   * SAFELY); it also acquires the senders' release decrement. */
  while (atomic_load_explicit(&log->senders, memory_order_seq_cst) != 0) sched_yield();
  uv_close((uv_handle_t *)&log->async, NULL);
  uv_close((uv_handle_t *)&log->flush_timer, NULL);
  /* Let the sinks' close chains (shutdown, then close) finish; a sink that
   * left a handle active gets it closed after CLOSE_HANDLES_WAIT_MS. The
   * guard is unreferenced: it does not keep the loop alive by itself. */
  uv_timer_t guard;
  uv_timer_init(&log->loop, &guard);
  uv_timer_start(&guard, on_closed_flush_wait, CLOSE_HANDLES_WAIT_MS, 0);
  uv_unref((uv_handle_t *)&guard);
  while (uv_loop_alive(&log->loop) && uv_is_active((uv_handle_t *)&guard))
    uv_run(&log->loop, UV_RUN_ONCE);
  uv_walk(&log->loop, close_walk_cb, NULL); /* the guard, and anything left */
  /* A sink's flush completion calls uv_stop() (sink.c), which ends a run
   * early: run again until nothing is left, so that uv_loop_close() works. */
  while (uv_run(&log->loop, UV_RUN_DEFAULT) != 0) {
  }
  uv_loop_close(&log->loop);
}

static int same_str(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Two compiled formatters render every entry identically. */
static int same_format(const uvlog_formatter_t *a, const uvlog_formatter_t *b) {
  return a->kind == b->kind && a->color == b->color && a->facility == b->facility &&
         same_str(a->pattern, b->pattern) && same_str(a->app_name, b->app_name) &&
         same_str(a->hostname, b->hostname) && same_str(a->procid, b->procid) &&
         same_str(a->msgid, b->msgid);
}

static int alloc_batch(uvlog_t *log) {
  log->batch_cap = BATCH_RECORDS;
  log->batch = calloc(log->batch_cap, sizeof(*log->batch));
  log->msg_off = calloc(log->batch_cap, sizeof(*log->msg_off));
  log->text_off = calloc(log->batch_cap, sizeof(*log->text_off));
  if (!log->batch || !log->msg_off || !log->text_off) return UVLOG_ENOMEM;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    s->view = calloc(log->batch_cap, sizeof(*s->view));
    if (!s->view) return UVLOG_ENOMEM;
    s->share = NULL;
    for (uvlog_sink_t *t = log->sinks; t != s && !s->share; t = t->next)
      if (same_format(&t->fmt, &s->fmt)) s->share = t;
  }
  return 0;
}

static void free_batch(uvlog_t *log) {
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
}

static void report_start(uvlog_t *log, int rc) {
  pthread_mutex_lock(&log->mu);
  log->start_rc = rc;
  if (rc == 0) set_state(log, LOG_RUNNING);
  pthread_cond_broadcast(&log->cv);
  pthread_mutex_unlock(&log->mu);
}

static void *listener_main(void *arg) {
  uvlog_t *log = arg;
  tl_listener = log;
  int rc = uv_loop_init(&log->loop);
  if (rc) {
    report_start(log, rc);
    return NULL;
  }
  uv_async_init(&log->loop, &log->async, on_async);
  uv_timer_init(&log->loop, &log->flush_timer);
  log->flush_timer.data = log;
  rc = alloc_batch(log);
  for (uvlog_sink_t *s = log->sinks; s && rc == 0; s = s->next) {
    rc = s->vt.open ? s->vt.open(s, &log->loop) : 0;
    if (rc == 0) s->opened = 1;
  }
  if (rc) {
    shutdown_listener(log, 0);
    free_batch(log);
    report_start(log, rc < 0 ? rc : UVLOG_EINVAL);
    return NULL;
  }
  /* seq_cst: the handle is initialised before any sender may use it. */
  atomic_store_explicit(&log->async_dead, 0, memory_order_seq_cst);
  uv_timer_start(&log->flush_timer, on_flush_timer, log->opts.flush_interval_ms,
                 log->opts.flush_interval_ms);
  report_start(log, 0);
  run(log);
  shutdown_listener(log, 1);
  free_batch(log);
  return NULL;
}

/* ---- lifecycle ----------------------------------------------------------------- */

/* Frees the sinks (closing those not closed yet), keeping their totals. */
static void free_sinks(uvlog_t *log) {
  pthread_mutex_lock(&log->mu);
  uvlog_sink_t *s = log->sinks;
  for (uvlog_sink_t *p = s; p; p = p->next) {
    /* relaxed: tallies; the listener is gone (joined) or never ran. */
    log->gone_written += atomic_load_explicit(&p->written, memory_order_relaxed);
    log->gone_dropped += atomic_load_explicit(&p->dropped, memory_order_relaxed);
    log->gone_errors += atomic_load_explicit(&p->errors, memory_order_relaxed);
  }
  log->sinks = NULL;
  log->n_sinks = 0;
  pthread_mutex_unlock(&log->mu);
  while (s) {
    uvlog_sink_t *next = s->next;
    s->owner = NULL;
    uvlog__sink_free(s);
    s = next;
  }
}

int uvlog_logger_start(uvlog_t *log) {
  if (!log) return UVLOG_EINVAL;
  pthread_mutex_lock(&log->mu);
  int st = atomic_load_explicit(&log->state, memory_order_relaxed); /* under mu */
  if (st != LOG_CREATED) {
    pthread_mutex_unlock(&log->mu);
    return st >= LOG_CLOSING ? UVLOG_ECLOSED : UVLOG_EBUSY;
  }
  log->start_rc = 1;
  atomic_store_explicit(&log->pid, (int)getpid(), memory_order_relaxed);
  /* A child that starts a logger it inherited unstarted may use it. */
  atomic_store_explicit(&log->fork_gen, atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed),
                        memory_order_relaxed);
  /* relaxed: a request flag; a reopen before start is moot (sinks open now). */
  atomic_store_explicit(&log->reopen_req, 0, memory_order_relaxed);
  set_state(log, LOG_STARTING);
  pthread_mutex_unlock(&log->mu);

  /* The listener runs with every signal blocked (inherited from this
   * thread's mask for the duration of pthread_create): the application's
   * handlers run on its own threads, and sinks' writes see no EINTR. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int err = pthread_create(&log->thread, NULL, listener_main, log);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_mutex_lock(&log->mu);
  if (err) {
    set_state(log, LOG_CREATED);
    pthread_mutex_unlock(&log->mu);
    return -err;
  }
  while (log->start_rc == 1) pthread_cond_wait(&log->cv, &log->mu);
  int rc = log->start_rc;
  pthread_mutex_unlock(&log->mu);
  if (rc == 0) return 0;

  /* The listener closed the sinks and its loop, and exited. */
  pthread_join(log->thread, NULL);
  ring_close(&log->ring);
  free_sinks(log);
  pthread_mutex_lock(&log->mu);
  set_state(log, LOG_CLOSED);
  pthread_mutex_unlock(&log->mu);
  return rc;
}

static void deadline_after(struct timespec *ts, int64_t ms) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (ms % 1000) * 1000000;
  if (ts->tv_nsec >= 1000000000) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000;
  }
}

/* In a forked child of the process that created or started `log`? Then no
 * other thread of this process touches the logger, and its mutex may be a
 * copy of one that a parent's thread held at the fork: never lock it. */
static int in_forked_child(const uvlog_t *log) {
  /* relaxed: both values only change before other threads of this process
   * can run (logger.c, uvlog__fork_gen). */
  return atomic_load_explicit(&((uvlog_t *)log)->fork_gen, memory_order_relaxed) !=
         atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed);
}

int uvlog_logger_flush(uvlog_t *log, int64_t timeout_ms) {
  if (!log) return UVLOG_EINVAL;
  if (in_forked_child(log)) return UVLOG_ECLOSED; /* the listener is the parent's */
  if (uvlog__on_listener(log)) return UVLOG_EDEADLK;
  pthread_mutex_lock(&log->mu);
  int st = atomic_load_explicit(&log->state, memory_order_relaxed); /* under mu */
  if (st != LOG_RUNNING) {
    pthread_mutex_unlock(&log->mu);
    return st >= LOG_CLOSING ? UVLOG_ECLOSED : UVLOG_EBUSY;
  }
  if ((int)getpid() != atomic_load_explicit(&log->pid, memory_order_relaxed)) {
    /* A forked child: the listener exists only in the parent, so nothing in
     * this process would ever complete the request (it would wait out the
     * timeout, or for ever). As for close() in a child: the logger is over
     * here. */
    pthread_mutex_unlock(&log->mu);
    return UVLOG_ECLOSED;
  }
  uint64_t my = ++log->flush_req;
  atomic_store_explicit(&log->flush_hint, my, memory_order_relaxed); /* see service() */
  log->flush_target = ring_tail(&log->ring);
  pthread_mutex_unlock(&log->mu);
  uvlog__wake(log);

  struct timespec dl;
  if (timeout_ms >= 0) deadline_after(&dl, timeout_ms);
  int rc = 0;
  pthread_mutex_lock(&log->mu);
  while (log->flush_done < my) {
    if (timeout_ms < 0) {
      pthread_cond_wait(&log->cv, &log->mu);
    } else if (pthread_cond_timedwait(&log->cv, &log->mu, &dl) == ETIMEDOUT) {
      if (log->flush_done < my) rc = UVLOG_ETIMEDOUT;
      break;
    }
  }
  pthread_mutex_unlock(&log->mu);
  return rc;
}

int uvlog_logger_close(uvlog_t *log) {
  if (!log) return UVLOG_EINVAL;
  if (uvlog__on_listener(log)) return UVLOG_EDEADLK;
  if (in_forked_child(log)) {
    /* Close the child's copy without its mutex: refuse further records and
     * leave the sinks alone (they are the parent's). release: as set_state. */
    ring_close(&log->ring);
    atomic_store_explicit(&log->state, LOG_CLOSED, memory_order_release);
    return 0;
  }
  /* Records accepted before a start that never came would be lost: start
   * now, so that the close below drains them through the sinks like any
   * other (a forked child returned above: its copies of the parent's
   * records are the parent's to write). A racing
   * start or close makes this start return an error: nothing to do then. */
  pthread_mutex_lock(&log->mu);
  int pending = atomic_load_explicit(&log->state, memory_order_relaxed) == LOG_CREATED &&
                log->n_sinks > 0 && ring_used(&log->ring) > 0;
  pthread_mutex_unlock(&log->mu);
  if (pending) (void)uvlog_logger_start(log);
  pthread_mutex_lock(&log->mu);
  int st;
  for (;;) {
    st = atomic_load_explicit(&log->state, memory_order_relaxed); /* under mu */
    if (st == LOG_CLOSED) {
      pthread_mutex_unlock(&log->mu);
      return 0;
    }
    if (st == LOG_CREATED || st == LOG_RUNNING) break;
    int owner = atomic_load_explicit(&log->pid, memory_order_relaxed);
    if (owner != 0 && owner != (int)getpid()) {
      /* A child forked while a parent's thread was starting or closing the
       * logger: that thread (and the listener) are the parent's, so the
       * state will never change here. Close the child's copy as below. */
      ring_close(&log->ring);
      set_state(log, LOG_CLOSED);
      pthread_mutex_unlock(&log->mu);
      return 0;
    }
    pthread_cond_wait(&log->cv, &log->mu); /* starting, or another close */
  }
  if (st == LOG_RUNNING && (int)getpid() != atomic_load_explicit(&log->pid, memory_order_relaxed)) {
    /* A forked child: the listener (and its loop) exist only in the parent.
     * Refuse further records and leave the sinks alone (they are the
     * parent's); never join a thread this process does not have. */
    ring_close(&log->ring);
    set_state(log, LOG_CLOSED);
    pthread_mutex_unlock(&log->mu);
    return 0;
  }
  log->close_target = ring_close(&log->ring);
  set_state(log, LOG_CLOSING);
  pthread_mutex_unlock(&log->mu);

  if (st == LOG_RUNNING) {
    uvlog__wake(log);
    pthread_join(log->thread, NULL);
  }
  free_sinks(log);
  pthread_mutex_lock(&log->mu);
  set_state(log, LOG_CLOSED);
  pthread_mutex_unlock(&log->mu);
  return 0;
}

int uvlog_logger_reopen(uvlog_t *log) {
  if (!log) return UVLOG_EINVAL;
  /* acquire: a lone state check; signal-safe (no lock). */
  if (atomic_load_explicit(&log->state, memory_order_acquire) >= LOG_CLOSING) return UVLOG_ECLOSED;
  /* release: pairs with the listener's acquire exchange. */
  atomic_store_explicit(&log->reopen_req, 1, memory_order_release);
  uvlog__wake(log);
  return 0;
}
