/*
 * listener.c -- the listener thread: its loop, when it sleeps and who wakes
 * it. One batch is deliver.c's business; start, flush, close and reopen are
 * lifecycle.c's.
 *
 * The listener runs its own uv_loop_t on its own thread, with every signal
 * blocked. It owns the ring's consumer side.
 *
 * ROUNDS AND SLEEP (the idle policy)
 * A round drains batch after batch until a batch ends at a record that is
 * not committed yet (or at the tail). Between batches it answers flush,
 * reopen and close requests (service()) and, at most once per LOOP_POLL_NS
 * while draining, runs the loop without blocking for the sinks' timers and
 * sockets. When the round ends, the listener sleeps in
 * uv_run(UV_RUN_ONCE), in one of two ways:
 *   PARK_LIGHT  it consumed records in this round (or a claim is still being
 *               written): it arms latency_timer for delivery_latency_ms (if
 *               not armed yet) and sleeps. Producers do not wake it, except
 *               for an urgent record (level >= urgent_level), a backlog past
 *               a quarter of the ring, or a full ring (wake.h). So a steady
 *               stream costs one timer wake-up per delivery latency, and is
 *               written in batches of about rate x latency records.
 *   PARK_DEEP   nothing came since the last sleep (the latency timer fired
 *               on an empty ring): no timer of its own; the next commit
 *               wakes it (one uv_async_send() by the producer that finds it
 *               asleep). So an idle logger makes no periodic wake-up at all.
 * Other timers exist only while they have something to do: flush_timer (a
 * one-shot flush_interval_ms after records were written, so sinks are
 * flushed once after activity, never while idle) and report_timer (a drop
 * report held back by its rate limit). With delivery_latency_ms == 0 there
 * is no light sleep: every round ends in a deep one, and a claim not yet
 * committed is waited for by polling.
 * A record therefore waits in the ring at most delivery_latency_ms (plus the
 * time to drain what is ahead of it), and less if it is urgent, if the ring
 * fills, or if a flush or close asks for it.
 *
 * THE WAKE-UP HANDSHAKE (a Dekker handshake on `parked` and the ring tail)
 *   listener:  store(parked, P, seq_cst)                L1  (P = LIGHT or DEEP)
 *              DEEP only: t = ring_tail() (seq_cst)     L2  (ring.c M8)
 *                  t != consumed -> exchange(parked, 0) and go round again
 *              block in uv_run; then exchange(parked, 0, seq_cst)
 *   producer:  CAS(tail, seq_cst) in ring_claim         P1  (ring.c M7)
 *              ... fill, commit (release) ...
 *              p = load(parked, seq_cst)                P2  (wake.h)
 *              p == DEEP, or p == LIGHT and urgent/backlog:
 *                 exchange(parked, 0, seq_cst) -> the winner calls
 *                 uv_async_send()
 * L1, L2, P1, P2 are seq_cst, so they appear in one total order S.
 * Deep: if L2 did not see P1, then L2 precedes P1 in S, hence L1 precedes
 * P2, and P2 reads DEEP (or a later value: 0 stored by the listener after
 * it woke, or the next L1 of a later sleep, which is then checked the same
 * way): either the listener sees the claim and does not sleep, or the
 * producer sees it asleep and wakes it. Weaker orders would allow both to
 * miss (store buffering).
 * Light: the producer may leave it asleep, because latency_timer was armed
 * before L1 and brings the listener back within delivery_latency_ms (its
 * callback stops the run, so a timer already due when the sleep begins ends
 * it at once instead of being spent before libuv blocks in poll); once
 * awake it drains up to whatever is committed. A producer whose P2 read
 * LIGHT but whose record the waking listener does not see yet: P2 precedes
 * the listener's next L1 in S, so that next sleep, if deep, sees P1 at L2;
 * if light, it has a timer again. A claim seen at L2 that is not committed
 * yet is never slept on deeply (its producer may have read 0 before L1): the
 * listener sleeps lightly instead (or polls, with no latency).
 * The exchange makes exactly one producer pay the system call.
 * Requests (flush, close, reopen) set their flag first and always send: the
 * async handle stays pending until the loop runs, so they are never missed,
 * provided the listener never sleeps right after a uv_run() whose callbacks
 * it has not yet looked at with service(): a round that ran the loop goes
 * round once more, and a sink's flush completion stops the run it happens
 * in (sink.c).
 * Full ring: a producer that finds it full (either overflow policy) wakes a
 * sleeping listener of either kind (wake.h: uvlog__notify_full), and a
 * BLOCK producer does so on each of its retries, so it never waits out the
 * latency.
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
 * CACHE LINES
 * `parked` has a line of its own (every commit loads it; the listener
 * stores it twice per sleep); the listener's tallies (records, high_water)
 * another, so a batch does not invalidate the producers' copy of `parked`.
 * The listener reads the tail (the producers' line) once per round, for
 * high_water and at L2, not per record. The producers' backlog check reads
 * sleep_head, stored on parked's line when the listener sleeps, never the
 * consumer's head line.
 *
 * BUSY TIME
 * busy_ns counts the time the listener is awake: from each wake-up (wake_ns)
 * to the next sleep, published after every batch and at each sleep (one
 * clock read when it sleeps and one when it wakes). The sleeps are the
 * uv_run(UV_RUN_ONCE) above; the callbacks that run inside them (a sink's
 * socket completions, the flush timer) count as asleep.
 *
 * CLOSE
 * ring_close() gives the final tail; the listener drains to it, polling a
 * claim that is not committed yet. A producer stalled between claim and
 * commit is waited for at most close_timeout_ms; then its record is given
 * up (stalled_claims()): counted as dropped, and said in an internal
 * WARNING; the records after it are still written when the stalled one's
 * length is known. Then drops are reported, the sinks flushed (pending
 * flushes waited for until the same deadline), every flush request
 * completed, the sinks closed, the senders stopped, the handles closed
 * (again until the deadline, then forced), and the thread exits.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "listener.h"

#define LOOP_POLL_NS ((int64_t)1000000) /* 1 ms */
/* The closing deadline's minimum for the sinks' handles to close. */
#define CLOSE_HANDLES_MIN_MS 100

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

/* ---- flush requests, reopen ------------------------------------------------- */

int uvlog__sinks_pending(uvlog_t *log) {
  for (uvlog_sink_t *s = log->sinks; s; s = s->next)
    if (s->flush_pending) return 1;
  return 0;
}

void uvlog__flush_sinks(uvlog_t *log) {
  log->dirty = 0;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) uvlog__sink_flush(s);
}

typedef struct {
  int active, issued;
  uint64_t seq, tgt;
} flush_state_t;

/* What a flush request completes with: the first sink error, in order of
 * addition -- a flush that failed or (`timed_out`) is still pending, else
 * records the sink dropped since the previous request completed (the sink's
 * own flush may have succeeded, or a periodic flush may have seen the loss
 * first: the request still reports it, with the sink's last error). */
static int flush_verdict(uvlog_t *log, int timed_out) {
  int rc = 0;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    /* relaxed: tallies, written by this thread (or a sink on it). */
    uint64_t dropped = atomic_load_explicit(&s->dropped, memory_order_relaxed);
    int err = timed_out && s->flush_pending ? UVLOG_ETIMEDOUT : s->flush_err;
    if (!err && dropped != s->dropped_seen) {
      err = atomic_load_explicit(&s->last_error, memory_order_relaxed);
      if (err >= 0) err = -EIO;
    }
    s->dropped_seen = dropped;
    if (!rc) rc = err;
  }
  return rc;
}

/* ---- replacing the sinks (lifecycle.c: uvlog__sinks_replace) ------------------- */

static int in_list(uvlog_sink_t *const *v, size_t n, const uvlog_sink_t *s) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == s) return 1;
  return 0;
}

/* Closes a sink taken out of the list and keeps it until close (under mu:
 * stats walk `retired`). Its handles may still be closing on the loop. */
static void retire(uvlog_t *log, uvlog_sink_t *s) {
  uvlog__sink_close(s);
  free(s->view);
  s->view = NULL;
  s->share = NULL;
  s->owner = log;
  s->next = log->retired;
  log->retired = s;
}

/* Opens the request's new sinks (those without an owner yet), then makes
 * them the logger's. On a failure, the ones opened so far and the one that
 * failed (open() ran: it must be closed here) are retired; the rest stay
 * the caller's. */
static int open_new(uvlog_t *log, sink_swap_t *req) {
  int rc = 0;
  size_t i = 0;
  for (; i < req->n; i++) {
    uvlog_sink_t *s = req->sinks[i];
    if (s->owner) continue; /* kept */
    s->view = calloc(log->batch_cap, sizeof(*s->view));
    if (!s->view) {
      rc = UVLOG_ENOMEM;
      break;
    }
    rc = s->vt.open ? s->vt.open(s, &log->loop) : 0;
    if (rc) break;
    s->opened = 1;
  }
  pthread_mutex_lock(&log->mu);
  for (size_t j = 0; j < req->n; j++) {
    uvlog_sink_t *s = req->sinks[j];
    if (s->owner) continue;
    if (rc == 0) s->owner = log;
    else if (j < i || (j == i && s->view)) retire(log, s);
  }
  pthread_mutex_unlock(&log->mu);
  return rc > 0 ? UVLOG_EINVAL : rc;
}

/* Between two batches: the old sinks got every record before this point,
 * the new list gets every record after it. Removed sinks are flushed and
 * closed (an asynchronous sink keeps its close deadline to send its
 * backlog, as at logger close). */
static void apply_swap(uvlog_t *log) {
  pthread_mutex_lock(&log->mu);
  sink_swap_t *req = log->swap;
  atomic_store_explicit(&log->swap_hint, 0, memory_order_relaxed); /* under mu, with swap */
  pthread_mutex_unlock(&log->mu);
  if (!req) return;
  int rc = open_new(log, req);
  pthread_mutex_lock(&log->mu);
  if (rc == 0) {
    for (uvlog_sink_t *s = log->sinks, *next; s; s = next) {
      next = s->next;
      if (in_list(req->sinks, req->n, s)) continue;
      uvlog__sink_flush(s);
      retire(log, s);
    }
    for (size_t i = 0; i < req->n; i++) req->sinks[i]->next = i + 1 < req->n ? req->sinks[i + 1] : NULL;
    log->sinks = req->n ? req->sinks[0] : NULL;
    log->n_sinks = req->n;
    rc = uvlog__prepare_sinks(log);
  }
  req->rc = rc;
  req->done = 1;
  log->swap = NULL;
  pthread_cond_broadcast(&log->cv);
  pthread_mutex_unlock(&log->mu);
}

static void service(uvlog_t *log, flush_state_t *f) {
  /* relaxed: only a hint that saves taking mu per batch; the request itself
   * is read under mu. A request stored after this load was announced by an
   * async send, so the loop comes back here. */
  if (!f->active &&
      atomic_load_explicit(&log->flush_hint, memory_order_relaxed) != log->flush_done) {
    pthread_mutex_lock(&log->mu);
    if (log->flush_req != log->flush_done) {
      f->active = 1;
      f->issued = 0;
      f->seq = log->flush_req;
      f->tgt = log->flush_target;
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
  /* acquire: pairs with the request's release store (re-read under mu). */
  if (atomic_load_explicit(&log->swap_hint, memory_order_acquire)) apply_swap(log);
  uvlog__report_drops(log, 0);
  if (!f->active) return;
  if (!f->issued) {
    if ((int64_t)(log->pos - f->tgt) < 0) return; /* still draining */
    for (uvlog_sink_t *s = log->sinks; s; s = s->next) s->flush_err = 0;
    uvlog__flush_sinks(log);
    f->issued = 1;
  }
  if (uvlog__sinks_pending(log)) return;
  int rc = flush_verdict(log, 0);
  pthread_mutex_lock(&log->mu);
  log->flush_done = f->seq;
  log->flush_rc = rc;
  pthread_cond_broadcast(&log->cv);
  pthread_mutex_unlock(&log->mu);
  f->active = 0;
}

static void on_async(uv_async_t *h) { (void)h; /* the loop around uv_run does the work */ }

/* Ends the light sleep: run() drains. uv_stop(), because libuv (1.44) runs
 * the timers already due when uv_run(UV_RUN_ONCE) starts and then still
 * blocks in poll for the next event: a latency timer that fell due between
 * the last look at the loop and the sleep would otherwise be spent at the
 * start of the sleep, leaving the listener asleep "lightly" with no timer,
 * which producers do not wake. */
static void on_latency(uv_timer_t *t) { uv_stop(t->loop); }

static void on_flush_timer(uv_timer_t *t) {
  uvlog_t *log = t->data;
  uvlog__flush_sinks(log);
}

/* ---- the thread --------------------------------------------------------------- */

static void nap_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, NULL);
}

/* Close: the record at log->pos was claimed before the close and is still
 * not committed after close_timeout_ms. Give it up: skip it if its length
 * is known (records after it are then still written), else everything up to
 * the final tail. Counted as dropped (at the record's level when it is
 * known) and said in one internal WARNING. The skipped bytes are not zeroed:
 * the stalled producer may still write them (nothing is claimed after a
 * close, so nobody else ever will). */
static void stalled_claims(uvlog_t *log) {
  uint64_t pos = log->pos, end = log->close_target;
  uvlog_rec_t *rec = (uvlog_rec_t *)(log->ring.buf + (pos & log->ring.mask));
  int32_t len = atomic_load_explicit(&rec->len, memory_order_acquire);
  if (len > 0) return; /* committed meanwhile */
  /* relaxed: the producer stores the level right after its claim; a stale 0
   * (TRACE) only misfiles the count. */
  unsigned lvl = __atomic_load_n(&rec->level, __ATOMIC_RELAXED);
  if (lvl >= UVLOG_LEVEL_COUNT) lvl = UVLOG_LEVEL_INFO;
  uint64_t skip = len < 0 && (uint64_t)-len <= end - pos ? (uint64_t)-len : end - pos;
  atomic_fetch_add_explicit(&log->dropped_by_level[lvl], 1, memory_order_relaxed); /* a tally */
  /* Ours as reported: this is not a ring-full drop. */
  log->reported[lvl]++;
  log->quiet[lvl]++;
  log->pos = pos + skip;
  ring_skip(&log->ring, log->pos);
  char msg[256];
  int n = snprintf(msg, sizeof(msg),
                   "uvlog: close gave up on %s%llu bytes claimed but not committed after "
                   "%u ms (a stalled producer); counted as dropped",
                   skip == end - pos && len == 0 ? "at least 1 record, " : "1 record, ",
                   (unsigned long long)skip, log->opts.close_timeout_ms);
  uvlog__deliver_internal(log, msg, (size_t)n);
}

static void sample_high_water(uvlog_t *log) {
  uint64_t used = ring_used(&log->ring);
  /* relaxed: only this thread writes high_water; readers want a tally. */
  if (used > atomic_load_explicit(&log->high_water, memory_order_relaxed))
    atomic_store_explicit(&log->high_water, used, memory_order_relaxed);
}

/* Publishes the time awake up to `now` (monotonic ns); see BUSY TIME. */
static void busy_publish(uvlog_t *log, int64_t now) {
  /* relaxed: a tally that only this thread writes. */
  atomic_store_explicit(&log->busy_ns, (uint64_t)(log->busy_base + (now - log->wake_ns)),
                        memory_order_relaxed);
}

/* The listener goes to sleep: what it was awake for is added for good. */
static void busy_sleep(uvlog_t *log) {
  int64_t now = uvlog__mono_ns();
  busy_publish(log, now);
  log->busy_base += now - log->wake_ns;
  log->wake_ns = now;
}

/* Drains until closed and drained. */
static void run(uvlog_t *log) {
  flush_state_t f = {0};
  int64_t last_io = 0, close_deadline = -1;
  uint64_t lat_ms = log->opts.delivery_latency_ms;
  unsigned spins = 0;
  int moved = 0; /* records consumed since the last sleep */
  log->wake_ns = uvlog__mono_ns();
  sample_high_water(log);
  for (;;) {
    int got = uvlog__drain(log);
    if (got != DRAIN_NONE) {
      moved = 1;
      spins = 0;
    }
    /* Before service(): a flush it completes sees this batch's time. */
    int64_t now = uvlog__mono_ns();
    busy_publish(log, now);
    service(log, &f);
    if (got != DRAIN_NONE && now - last_io >= LOOP_POLL_NS) {
      /* Sinks' timers and sockets while draining (each look is a system
       * call); service() then sees what the callbacks did, so the sleep
       * below never follows an unseen run. */
      uv_run(&log->loop, UV_RUN_NOWAIT);
      last_io = now;
      service(log, &f);
    }
    if (got == DRAIN_MORE) continue;

    /* The round is over: nothing committed at log->pos. */
    int closing = uvlog__state(log) == LOG_CLOSING;
    if (closing) {
      if ((int64_t)(log->pos - log->close_target) >= 0) return;
      if (close_deadline < 0)
        close_deadline = log->close_t0 + (int64_t)log->opts.close_timeout_ms * 1000000;
    }
    int hurry = closing || (f.active && !f.issued);
    if (hurry || lat_ms == 0) {
      if (ring_tail(&log->ring) != log->pos) {
        /* Claimed, not committed yet, and someone waits for it: poll. */
        if (closing && now >= close_deadline) {
          stalled_claims(log);
          continue;
        }
        if (++spins < 64) uvlog__cpu_relax();
        else if (spins < 128) sched_yield();
        else nap_us(spins < 1024 ? 20 : 1000);
        continue;
      }
    }
    if (closing) continue; /* the tail was reached: drained to close_target */

    if (log->dirty && !uv_is_active((uv_handle_t *)&log->flush_timer)) {
      uv_update_time(&log->loop);
      uv_timer_start(&log->flush_timer, on_flush_timer, log->opts.flush_interval_ms, 0);
    }

    int light = lat_ms > 0 &&
                (moved || uv_is_active((uv_handle_t *)&log->latency_timer) ||
                 ring_tail(&log->ring) != log->pos);
    busy_sleep(log);
    if (light) {
      if (!uv_is_active((uv_handle_t *)&log->latency_timer)) {
        uv_update_time(&log->loop); /* the loop's clock is as old as its last run */
        uv_timer_start(&log->latency_timer, on_latency, lat_ms, 0);
      }
      /* relaxed: a hint for the producers' backlog check (wake.h); the
       * seq_cst store below orders it before parked for them anyway. */
      atomic_store_explicit(&log->sleep_head, log->pos, memory_order_relaxed);
      /* L1 (light): the timer is armed before producers may rely on it. */
      atomic_store_explicit(&log->parked, PARK_LIGHT, memory_order_seq_cst);
      uv_run(&log->loop, UV_RUN_ONCE);
    } else {
      /* L1, L2 (deep). */
      atomic_store_explicit(&log->parked, PARK_DEEP, memory_order_seq_cst);
      if (ring_tail(&log->ring) == log->pos && uvlog__state(log) != LOG_CLOSING)
        uv_run(&log->loop, UV_RUN_ONCE);
    }
    /* seq_cst: part of the handshake's total order (a producer may race us). */
    atomic_exchange_explicit(&log->parked, PARK_NONE, memory_order_seq_cst);
    log->wake_ns = uvlog__mono_ns();
    moved = 0;
    spins = 0;
    sample_high_water(log);
  }
}

static void close_walk_cb(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static void on_guard(uv_timer_t *t) { (void)t; }

static uint64_t ms_until(int64_t deadline_ns, uint64_t min_ms) {
  int64_t left = (deadline_ns - uvlog__mono_ns()) / 1000000;
  return left > (int64_t)min_ms ? (uint64_t)left : min_ms;
}

/* After run(): final report, flush, sinks closed, loop torn down. Waits for
 * pending flushes and the sinks' handles until close_timeout_ms after
 * `t0` (the handles get at least CLOSE_HANDLES_MIN_MS). */
static void shutdown_listener(uvlog_t *log, int started, int64_t t0) {
  int64_t deadline = t0 + (int64_t)log->opts.close_timeout_ms * 1000000;
  uv_timer_t guard;
  uv_timer_init(&log->loop, &guard);
  if (started) {
    uvlog__report_drops(log, 1);
    uvlog__flush_sinks(log);
    uv_timer_start(&guard, on_guard, ms_until(deadline, 0), 0);
    while (uvlog__sinks_pending(log) && uv_is_active((uv_handle_t *)&guard))
      uv_run(&log->loop, UV_RUN_ONCE);
    uv_timer_stop(&guard);
    int rc = flush_verdict(log, 1);
    pthread_mutex_lock(&log->mu);
    log->flush_done = log->flush_req; /* everything accepted was written and flushed */
    log->flush_rc = rc;
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
  uv_close((uv_handle_t *)&log->latency_timer, NULL);
  uv_close((uv_handle_t *)&log->report_timer, NULL);
  /* Let the sinks' close chains (shutdown, then close) finish until the
   * deadline; then whatever is left is closed. The guard is unreferenced:
   * it does not keep the loop alive by itself. */
  uv_timer_start(&guard, on_guard, ms_until(deadline, CLOSE_HANDLES_MIN_MS), 0);
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

void *uvlog__listener_main(void *arg) {
  uvlog_t *log = arg;
  tl_listener = log;
  int rc = uv_loop_init(&log->loop);
  if (rc) {
    uvlog__report_start(log, rc);
    return NULL;
  }
  uv_async_init(&log->loop, &log->async, on_async);
  uv_timer_init(&log->loop, &log->flush_timer);
  uv_timer_init(&log->loop, &log->latency_timer);
  uv_timer_init(&log->loop, &log->report_timer);
  log->flush_timer.data = log;
  rc = uvlog__alloc_batch(log);
  for (uvlog_sink_t *s = log->sinks; s && rc == 0; s = s->next) {
    rc = s->vt.open ? s->vt.open(s, &log->loop) : 0;
    if (rc == 0) s->opened = 1;
  }
  if (rc) {
    shutdown_listener(log, 0, uvlog__mono_ns());
    uvlog__free_batch(log);
    uvlog__report_start(log, rc < 0 ? rc : UVLOG_EINVAL);
    return NULL;
  }
  /* seq_cst: the handle is initialised before any sender may use it. */
  atomic_store_explicit(&log->async_dead, 0, memory_order_seq_cst);
  uvlog__report_start(log, 0);
  run(log);
  shutdown_listener(log, 1, log->close_t0);
  uvlog__free_batch(log);
  return NULL;
}
