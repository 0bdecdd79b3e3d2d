/*
 * lifecycle.c -- a logger's life around its listener thread: start, flush
 * (a barrier), close, reopen, and the process-wide atexit registry.
 *
 * FLUSH BARRIER
 * A flush request is a generation number under `mu`: the caller bumps
 * flush_req and records flush_target = ring_tail() (under the same mutex, so
 * later requests have later targets), sends, and waits on `cv` until
 * flush_done reaches its number or its deadline passes (then
 * UVLOG_ETIMEDOUT, whatever the sinks do). The listener takes the newest
 * request, drains past its target (without waiting out the delivery
 * latency), asks every sink to flush, waits for pending flushes
 * (uvlog_sink_flush_done), and then publishes flush_done with flush_rc: the
 * first error a sink's flush reported (its flush() returned it, or it
 * completed with that status), else 0. Nothing points into the caller's
 * stack, so a caller that timed out just leaves.
 *
 * CLOSE
 * The closer closes the ring (its final tail is close_target), records
 * close_t0, sets LOG_CLOSING, wakes the listener and joins it. The
 * listener's waits are bounded by close_t0 + close_timeout_ms (listener.c,
 * CLOSE); writing the accepted records is not (every record accepted is
 * written, however long the sinks take to write it).
 *
 * ATEXIT
 * The first start of a logger with opts.atexit_close registers, once per
 * process, an atexit() handler; every such logger is entered in a registry
 * (a list under reg_mu) when it starts and taken out by destroy. The
 * handler closes every registered logger: close is idempotent, and a logger
 * the application destroyed is no longer in the list (destroy takes reg_mu,
 * so it cannot free a logger the handler is closing). Records accepted
 * before exit() are thus written. A forked child's close of an inherited
 * logger touches no sink (it is the parent's).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "crash.h"
#include "listener.h"

int uvlog__state(uvlog_t *log) {
  /* acquire: pairs with the release store under mu; what was set with the
   * state (close_target, close_t0) is visible. */
  return atomic_load_explicit(&log->state, memory_order_acquire);
}

/* Under mu. release: see uvlog__state(). */
static void set_state(uvlog_t *log, int st) {
  atomic_store_explicit(&log->state, st, memory_order_release);
  pthread_cond_broadcast(&log->cv);
}

void uvlog__report_start(uvlog_t *log, int rc) {
  pthread_mutex_lock(&log->mu);
  log->start_rc = rc;
  if (rc == 0) set_state(log, LOG_RUNNING);
  pthread_cond_broadcast(&log->cv);
  pthread_mutex_unlock(&log->mu);
}

/* ---- the atexit registry ------------------------------------------------------ */

typedef struct reg_node {
  uvlog_t *log;
  struct reg_node *next;
} reg_node_t;

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static reg_node_t *reg_head;
static int reg_atexit_done;

static void close_all_at_exit(void) {
  pthread_mutex_lock(&reg_mu);
  for (reg_node_t *n = reg_head; n; n = n->next) (void)uvlog_logger_close(n->log);
  pthread_mutex_unlock(&reg_mu);
}

static void registry_add(uvlog_t *log) {
  reg_node_t *n = malloc(sizeof(*n));
  pthread_mutex_lock(&reg_mu);
  if (!reg_atexit_done) reg_atexit_done = atexit(close_all_at_exit) == 0 ? 1 : -1;
  int dup = 0;
  for (reg_node_t *p = reg_head; p; p = p->next) dup |= p->log == log;
  if (n && !dup) {
    n->log = log;
    n->next = reg_head;
    reg_head = n;
    n = NULL;
  }
  pthread_mutex_unlock(&reg_mu);
  free(n);
}

void uvlog__registry_remove(uvlog_t *log) {
  pthread_mutex_lock(&reg_mu);
  for (reg_node_t **pp = &reg_head; *pp; pp = &(*pp)->next) {
    if ((*pp)->log == log) {
      reg_node_t *n = *pp;
      *pp = n->next;
      free(n);
      break;
    }
  }
  pthread_mutex_unlock(&reg_mu);
}

/* ---- start --------------------------------------------------------------------- */

/* Adds a freed sink's counters to the logger's totals (under mu). */
static void keep_totals(uvlog_t *log, uvlog_sink_t *p) {
  /* relaxed: tallies; the listener is gone (joined) or never ran. */
  log->gone_written += atomic_load_explicit(&p->written, memory_order_relaxed);
  log->gone_dropped += atomic_load_explicit(&p->dropped, memory_order_relaxed);
  log->gone_errors += atomic_load_explicit(&p->errors, memory_order_relaxed);
}

static void free_list(uvlog_sink_t *s) {
  while (s) {
    uvlog_sink_t *next = s->next;
    s->owner = NULL;
    uvlog__sink_free(s);
    s = next;
  }
}

/* Frees the sinks (closing those not closed yet) and the retired ones,
 * keeping their totals. */
static void free_sinks(uvlog_t *log) {
  pthread_mutex_lock(&log->mu);
  uvlog_sink_t *s = log->sinks, *r = log->retired;
  for (uvlog_sink_t *p = s; p; p = p->next) keep_totals(log, p);
  for (uvlog_sink_t *p = r; p; p = p->next) keep_totals(log, p);
  log->sinks = log->retired = NULL;
  log->n_sinks = 0;
  pthread_mutex_unlock(&log->mu);
  free_list(s);
  free_list(r);
}

int uvlog_logger_start(uvlog_t *log) {
  if (!log || uvlog__cat_id(log)) return UVLOG_EINVAL; /* only a root starts */
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
   * handlers run on its own threads, and sinks' writes see no EINTR.
   * Except the fault signals: a fault on a thread that blocks its signal
   * kills the process without running any handler (the crash flush's,
   * crash.c, or the application's crash reporter). */
  sigset_t all, old;
  sigfillset(&all);
  static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) sigdelset(&all, faults[i]);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int err = pthread_create(&log->thread, NULL, uvlog__listener_main, log);
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
  if (rc == 0) {
    if (log->opts.atexit_close) registry_add(log);
    return 0;
  }

  /* The listener closed the sinks and its loop, and exited. */
  pthread_join(log->thread, NULL);
  ring_close(&log->ring);
  free_sinks(log);
  pthread_mutex_lock(&log->mu);
  set_state(log, LOG_CLOSED);
  pthread_mutex_unlock(&log->mu);
  return rc;
}

/* ---- flush ----------------------------------------------------------------------- */

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
  log = uvlog__root(log); /* a category's ring and sinks are its root's */
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
  /* The outcome of the completed flush that covered ours (a later request
   * completing first covers it too). */
  if (rc == 0) rc = log->flush_rc;
  pthread_mutex_unlock(&log->mu);
  return rc;
}

/* ---- close, reopen ------------------------------------------------------------------ */

int uvlog_logger_close(uvlog_t *log) {
  if (!log || uvlog__cat_id(log)) return UVLOG_EINVAL; /* only a root closes */
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
  log->close_t0 = uvlog__mono_ns();
  set_state(log, LOG_CLOSING);
  pthread_mutex_unlock(&log->mu);

  if (st == LOG_RUNNING) {
    uvlog__wake(log);
    pthread_join(log->thread, NULL);
  }
  uvlog__crash_forget(log); /* drained: the crash flush must not touch freed sinks */
  free_sinks(log);
  pthread_mutex_lock(&log->mu);
  set_state(log, LOG_CLOSED);
  pthread_mutex_unlock(&log->mu);
  return 0;
}

/* ---- replacing the sinks ------------------------------------------------------------ */

/* Under mu, no listener: the list becomes `sinks`; the ones left out are
 * returned (linked) for the caller to free after unlocking. */
static uvlog_sink_t *relink_unstarted(uvlog_t *log, uvlog_sink_t **sinks, size_t n) {
  uvlog_sink_t *gone = NULL;
  for (uvlog_sink_t *p = log->sinks, *next; p; p = next) {
    next = p->next;
    int kept = 0;
    for (size_t i = 0; i < n; i++) kept |= sinks[i] == p;
    if (!kept) {
      p->next = gone;
      gone = p;
    }
  }
  for (size_t i = 0; i < n; i++) {
    sinks[i]->owner = log;
    sinks[i]->next = i + 1 < n ? sinks[i + 1] : NULL;
  }
  log->sinks = n ? sinks[0] : NULL;
  log->n_sinks = n;
  return gone;
}

/* Under mu: posts the request to the listener and waits until it is done,
 * or the logger closed without doing it. */
static int swap_on_listener(uvlog_t *log, uvlog_sink_t **sinks, size_t n) {
  sink_swap_t req = {.sinks = sinks, .n = n};
  log->swap = &req;
  /* release: the request is published (the listener re-reads it under mu). */
  atomic_store_explicit(&log->swap_hint, 1, memory_order_release);
  pthread_mutex_unlock(&log->mu);
  uvlog__wake(log);
  pthread_mutex_lock(&log->mu);
  while (!req.done && atomic_load_explicit(&log->state, memory_order_relaxed) != LOG_CLOSED)
    pthread_cond_wait(&log->cv, &log->mu); /* relaxed: under mu */
  if (!req.done) {
    log->swap = NULL; /* the listener is gone: nobody else looks at it */
    req.rc = UVLOG_ECLOSED;
  }
  pthread_cond_broadcast(&log->cv); /* the next request may go */
  return req.rc;
}

int uvlog__sinks_replace(uvlog_t *log, uvlog_sink_t **sinks, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!sinks[i] || (sinks[i]->owner && sinks[i]->owner != log)) return UVLOG_EINVAL;
  if (uvlog__on_listener(log)) return UVLOG_EDEADLK;
  if (in_forked_child(log)) return UVLOG_ECLOSED;
  pthread_mutex_lock(&log->mu);
  while (log->swap) pthread_cond_wait(&log->cv, &log->mu); /* one request at a time */
  int st = atomic_load_explicit(&log->state, memory_order_relaxed); /* under mu */
  int rc = 0;
  uvlog_sink_t *gone = NULL;
  if (st == LOG_CREATED) gone = relink_unstarted(log, sinks, n);
  else if (st == LOG_RUNNING) rc = swap_on_listener(log, sinks, n);
  else rc = st == LOG_STARTING ? UVLOG_EBUSY : UVLOG_ECLOSED;
  pthread_mutex_unlock(&log->mu);
  free_list(gone);
  if (rc == 0) uvlog__recompute_level(log);
  return rc;
}

int uvlog_logger_reopen(uvlog_t *log) {
  if (!log) return UVLOG_EINVAL;
  log = uvlog__root(log); /* a category's sinks are its root's */
  /* A forked child has no listener: nothing would ever reopen (lock-free,
   * so still safe in a signal handler). */
  if (in_forked_child(log)) return UVLOG_ECLOSED;
  /* acquire: a lone state check; signal-safe (no lock). */
  if (atomic_load_explicit(&log->state, memory_order_acquire) >= LOG_CLOSING) return UVLOG_ECLOSED;
  /* release: pairs with the listener's acquire exchange. */
  atomic_store_explicit(&log->reopen_req, 1, memory_order_release);
  uvlog__wake(log);
  return 0;
}
