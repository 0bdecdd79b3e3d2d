/*
 * logger.c -- the logger handle and the producer path.
 *
 * Owns: options and creation, levels (names, parsing, syslog mapping, the
 * effective level), the log calls (uvlog_log*, the "last resort" when there
 * is no logger), the record primitives of logger.h (claim with the overflow
 * policy, commit with the wake-up), the default logger, stats, strerror.
 * The listener thread, start, flush and close live in listener.c.
 *
 * THE HOT PATH (uvlog_logv)
 *   1. One relaxed load of eff_level: below it -> UVLOG_EFILTERED.
 *   2. vsnprintf into a 512-byte stack buffer. If the message fit, claim
 *      exactly its size and memcpy it; else claim min(n, max_record) and
 *      vsnprintf again straight into the ring slot (from a va_copy).
 *   3. Longer than max_record: REC_F_TRUNCATED + orig_len, counted; the
 *      listener appends a visible marker.
 * Steps 2-3 take no lock, call no malloc and make no system call: the clock
 * is the vDSO, the thread id is cached, the ring claim is one CAS. Only a
 * full ring in block mode sleeps (sched_yield / nanosleep), and only a parked
 * listener costs the producer one uv_async_send() (a write(2)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "logger_impl.h"
#include "wake.h"

/* ---- errors and levels ---------------------------------------------------- */

static const char *const level_names[UVLOG_LEVEL_COUNT + 1] = {
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "OFF"};

const char *uvlog_level_name(uvlog_level_t level) {
  if ((int)level < 0 || (int)level > UVLOG_LEVEL_OFF) return "?";
  return level_names[level];
}

int uvlog_level_parse(const char *name, uvlog_level_t *level) {
  static const struct { const char *name; uvlog_level_t level; } tab[] = {
      {"trace", UVLOG_LEVEL_TRACE},     {"debug", UVLOG_LEVEL_DEBUG},
      {"info", UVLOG_LEVEL_INFO},       {"notice", UVLOG_LEVEL_NOTICE},
      {"warning", UVLOG_LEVEL_WARNING}, {"warn", UVLOG_LEVEL_WARNING},
      {"error", UVLOG_LEVEL_ERROR},     {"err", UVLOG_LEVEL_ERROR},
      {"critical", UVLOG_LEVEL_CRITICAL}, {"crit", UVLOG_LEVEL_CRITICAL},
      {"alert", UVLOG_LEVEL_CRITICAL},  {"emerg", UVLOG_LEVEL_CRITICAL},
      {"off", UVLOG_LEVEL_OFF},         {"none", UVLOG_LEVEL_OFF},
  };
  if (!name || !level) return UVLOG_EINVAL;
  for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
    if (strcasecmp(name, tab[i].name) == 0) {
      *level = tab[i].level;
      return 0;
    }
  }
  return UVLOG_EINVAL;
}

uvlog_level_t uvlog_level_from_syslog(int severity) {
  switch (severity) {
  case 0: case 1: case 2: return UVLOG_LEVEL_CRITICAL;
  case 3: return UVLOG_LEVEL_ERROR;
  case 4: return UVLOG_LEVEL_WARNING;
  case 5: return UVLOG_LEVEL_NOTICE;
  case 6: return UVLOG_LEVEL_INFO;
  default: return UVLOG_LEVEL_DEBUG; /* 7, and anything out of range */
  }
}

int uvlog_level_to_syslog(uvlog_level_t level) {
  switch (level) {
  case UVLOG_LEVEL_TRACE: case UVLOG_LEVEL_DEBUG: return 7;
  case UVLOG_LEVEL_INFO: return 6;
  case UVLOG_LEVEL_NOTICE: return 5;
  case UVLOG_LEVEL_WARNING: return 4;
  case UVLOG_LEVEL_ERROR: return 3;
  default: return 2; /* CRITICAL (and OFF, which is never logged) */
  }
}

static int level_ok(uvlog_level_t level) {
  return (int)level >= UVLOG_LEVEL_TRACE && (int)level <= UVLOG_LEVEL_OFF;
}

/* ---- options, create, destroy -------------------------------------------- */

_Thread_local uint32_t uvlog__tid_cache __attribute__((tls_model("initial-exec")));

/* Bumped in every forked child (relaxed: only the child's one thread runs
 * the handler, before anything else in the child). A logger remembers the
 * generation of the process that started it (logger_impl.h: fork_gen), so a
 * child, which has no listener, refuses records instead of accepting ones
 * nobody will ever write. */
_Atomic unsigned uvlog__fork_gen;

/* After fork() the child's only thread has a new id, and a new generation. */
static void tid_reset_in_child(void) {
  uvlog__tid_cache = 0;
  atomic_fetch_add_explicit(&uvlog__fork_gen, 1, memory_order_relaxed);
}
static void tid_atfork_once(void) { pthread_atfork(NULL, NULL, tid_reset_in_child); }
static pthread_once_t tid_once = PTHREAD_ONCE_INIT;

/* The default logger: the one piece of process-wide state, set only by the
 * user. release on set / acquire on get: a thread that gets the pointer sees
 * the logger fully created. */
static _Atomic(uvlog_t *) default_logger;

void uvlog_options_init(uvlog_options_t *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof(*opts));
  opts->ring_capacity = (size_t)1 << 20;
  opts->overflow = UVLOG_OVERFLOW_DROP;
  opts->flush_interval_ms = 1000;
  opts->max_record = 8192;
  opts->level = UVLOG_LEVEL_INFO;
  opts->idle_park_ms = 10; /* deprecated, ignored */
  opts->delivery_latency_ms = 20;
  opts->urgent_level = UVLOG_LEVEL_ERROR;
  opts->close_timeout_ms = 5000;
  opts->atexit_close = 1;
}

static int options_check(const uvlog_options_t *o) {
  size_t cap = o->ring_capacity;
  if (cap < RING_MIN_CAPACITY || cap > RING_MAX_CAPACITY || (cap & (cap - 1)) != 0)
    return UVLOG_EINVAL;
  if (o->overflow != UVLOG_OVERFLOW_DROP && o->overflow != UVLOG_OVERFLOW_BLOCK)
    return UVLOG_EINVAL;
  if (o->max_record == 0 || o->max_record > cap / 8) return UVLOG_EINVAL;
  if (!level_ok(o->level)) return UVLOG_EINVAL;
  if (o->flush_interval_ms == 0) return UVLOG_EINVAL;
  if (!level_ok(o->urgent_level)) return UVLOG_EINVAL;
  return 0;
}

int uvlog_logger_create(uvlog_t **out, const uvlog_options_t *opts) {
  if (!out) return UVLOG_EINVAL;
  *out = NULL;
  uvlog_options_t o;
  if (opts) o = *opts;
  else uvlog_options_init(&o);
  int rc = options_check(&o);
  if (rc) return rc;

  pthread_once(&tid_once, tid_atfork_once);
  uvlog_t *log = calloc(1, sizeof(*log));
  if (!log) return UVLOG_ENOMEM;
  rc = ring_init(&log->ring, o.ring_capacity);
  if (rc) {
    free(log);
    return rc == -ENOMEM ? UVLOG_ENOMEM : UVLOG_EINVAL;
  }
  log->opts = o;
  log->max_record = o.max_record;
  log->wake_bytes = o.ring_capacity / 4;
  atomic_init(&log->level, (int)o.level);
  atomic_init(&log->eff_level, UVLOG_LEVEL_OFF); /* no sink yet: nothing to do */
  atomic_init(&log->state, LOG_CREATED);
  atomic_init(&log->fork_gen, atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed));
  atomic_init(&log->async_dead, 1); /* no async handle until the listener runs */
  pthread_mutex_init(&log->level_mu, NULL);
  pthread_mutex_init(&log->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&log->cv, &ca);
  pthread_condattr_destroy(&ca);
  *out = log;
  return 0;
}

void uvlog_logger_destroy(uvlog_t *log) {
  /* On the listener thread the logger is in use by this very thread:
   * freeing it would pull the loop out from under it. */
  if (!log || uvlog__on_listener(log)) return;
  uvlog_t *expected = log;
  /* acq_rel: nothing is published with it; a plain CAS clears only `log`. */
  atomic_compare_exchange_strong_explicit(&default_logger, &expected, NULL,
                                          memory_order_acq_rel, memory_order_relaxed);
  uvlog_logger_close(log);
  /* After close (which may start a never-started logger, registering it);
   * waits for an atexit handler that is closing loggers. */
  uvlog__registry_remove(log);
  pthread_mutex_destroy(&log->level_mu);
  pthread_mutex_destroy(&log->mu);
  pthread_cond_destroy(&log->cv);
  ring_free(&log->ring);
  free(log);
}

/* ---- levels of a logger --------------------------------------------------- */

void uvlog__recompute_level(uvlog_t *log) {
  pthread_mutex_lock(&log->level_mu);
  int min_sink = UVLOG_LEVEL_OFF;
  pthread_mutex_lock(&log->mu);
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    /* relaxed: the mutex orders the recomputations; a racing set_level
     * recomputes again after its store. */
    int l = atomic_load_explicit(&s->level, memory_order_relaxed);
    if (l < min_sink) min_sink = l;
  }
  pthread_mutex_unlock(&log->mu);
  int l = atomic_load_explicit(&log->level, memory_order_relaxed);
  int eff = l > min_sink ? l : min_sink;
  /* relaxed: producers only need some recent value; a level is not a fence. */
  atomic_store_explicit(&log->eff_level, eff, memory_order_relaxed);
  pthread_mutex_unlock(&log->level_mu);
}

int uvlog_logger_set_level(uvlog_t *log, uvlog_level_t level) {
  if (!log || !level_ok(level)) return UVLOG_EINVAL;
  atomic_store_explicit(&log->level, (int)level, memory_order_relaxed); /* a lone value */
  uvlog__recompute_level(log);
  return 0;
}

uvlog_level_t uvlog_logger_get_level(const uvlog_t *log) {
  if (!log) return UVLOG_LEVEL_OFF;
  return (uvlog_level_t)atomic_load_explicit(&((uvlog_t *)log)->level, memory_order_relaxed);
}

int uvlog_logger_enabled(const uvlog_t *log, uvlog_level_t level) {
  if (!log || !level_ok(level) || level == UVLOG_LEVEL_OFF) return 0;
  return (int)level >= atomic_load_explicit(&((uvlog_t *)log)->eff_level, memory_order_relaxed);
}

/* ---- stats ----------------------------------------------------------------- */

int uvlog_logger_stats(const uvlog_t *clog, uvlog_stats_t *st) {
  if (!clog || !st) return UVLOG_EINVAL;
  uvlog_t *log = (uvlog_t *)clog;
  memset(st, 0, sizeof(*st));
  /* All relaxed: independent tallies, each exact on its own. */
  st->records = atomic_load_explicit(&log->records, memory_order_relaxed);
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++) {
    st->dropped_by_level[i] = atomic_load_explicit(&log->dropped_by_level[i], memory_order_relaxed);
    st->dropped += st->dropped_by_level[i];
  }
  st->truncated = atomic_load_explicit(&log->truncated, memory_order_relaxed);
  st->queue_bytes = ring_used(&log->ring);
  st->queue_capacity = log->ring.capacity;
  st->queue_high_water = atomic_load_explicit(&log->high_water, memory_order_relaxed);
  /* The sink list is fixed once started; before that, `mu` guards it. */
  pthread_mutex_lock(&log->mu);
  st->sink_written = log->gone_written;
  st->sink_dropped = log->gone_dropped;
  st->sink_errors = log->gone_errors;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    st->sink_written += atomic_load_explicit(&s->written, memory_order_relaxed);
    st->sink_dropped += atomic_load_explicit(&s->dropped, memory_order_relaxed);
    st->sink_errors += atomic_load_explicit(&s->errors, memory_order_relaxed);
  }
  pthread_mutex_unlock(&log->mu);
  return 0;
}

/* ---- the default logger ---------------------------------------------------- */

void uvlog_default_set(uvlog_t *log) {
  atomic_store_explicit(&default_logger, log, memory_order_release);
}

uvlog_t *uvlog_default_get(void) {
  return atomic_load_explicit(&default_logger, memory_order_acquire);
}

/* ---- record primitives (logger.h) ------------------------------------------ */

size_t uvlog__max_record(const uvlog_t *log) { return log ? log->max_record : 0; }

void uvlog__count_truncated(uvlog_t *log) {
  atomic_fetch_add_explicit(&log->truncated, 1, memory_order_relaxed); /* a tally */
}

static void count_drop(uvlog_t *log, uvlog_level_t level) {
  atomic_fetch_add_explicit(&log->dropped_by_level[level], 1, memory_order_relaxed); /* a tally */
}

/* Waits for space in block mode. Called only when the ring was full. */
static int claim_blocking(uvlog_t *log, uvlog_level_t level, size_t bytes, uvlog_rec_t **out) {
  /* In a forked child nothing drains this ring: never wait. relaxed: a lone
   * value (0 before start: nothing drains either). */
  if ((int)getpid() != atomic_load_explicit(&log->pid, memory_order_relaxed)) {
    count_drop(log, level);
    return UVLOG_EAGAIN;
  }
  for (unsigned i = 0;; i++) {
    /* acquire: pairs with the release store of the state under mu. */
    int st = atomic_load_explicit(&log->state, memory_order_acquire);
    if (st != LOG_RUNNING && st != LOG_STARTING) {
      /* Nobody will ever drain: waiting would hang. Closing or closed ->
       * UVLOG_ECLOSED; not started (or start failed) -> drop and count. */
      if (st >= LOG_CLOSING) return UVLOG_ECLOSED;
      count_drop(log, level);
      return UVLOG_EAGAIN;
    }
    if (i >= 64) uvlog__notify_full(log); /* wake.h: never wait out the latency */
    if (i < 64) {
      uvlog__cpu_relax();
    } else if (i < 128) {
      sched_yield();
    } else {
      struct timespec ts = {0, i < 256 ? 20000 : 200000};
      nanosleep(&ts, NULL);
    }
    int rc = ring_claim(&log->ring, bytes, out);
    if (rc == RING_OK) return 0;
    if (rc == RING_CLOSED) return UVLOG_ECLOSED;
    if (rc != RING_FULL) return UVLOG_EINVAL;
  }
}

/* Claims `bytes` of data after the header (no max_record check). */
static int rec_claim(uvlog_t *log, uvlog_level_t level, size_t bytes, uvlog_rec_t **out) {
  int rc = ring_claim(&log->ring, REC_HEADER_SIZE + bytes, out);
  if (UVLOG_UNLIKELY(rc != RING_OK)) {
    if (rc == RING_CLOSED) return UVLOG_ECLOSED;
    if (rc != RING_FULL) return UVLOG_EINVAL;
    uvlog__notify_full(log); /* wake.h */
    if (log->opts.overflow == UVLOG_OVERFLOW_DROP || uvlog__on_listener(log)) {
      count_drop(log, level);
      return UVLOG_EAGAIN;
    }
    rc = claim_blocking(log, level, REC_HEADER_SIZE + bytes, out);
    if (rc) return rc;
  }
  uvlog_rec_t *rec = *out;
  rec->type = REC_TEXT;
  rec->level = (uint8_t)level;
  rec->ts_ns = uvlog__now_ns();
  rec->tid = uvlog__tid();
  rec->msg_len = (uint32_t)bytes;
  return 0;
}

/* The checks every log call starts with (logger.h: uvlog__admit). */
static inline int admit(const uvlog_t *log, uvlog_level_t level) {
  if (UVLOG_UNLIKELY((unsigned)level >= UVLOG_LEVEL_OFF)) return UVLOG_EINVAL;
  /* relaxed: a lone value (see eff_level). */
  if ((int)level < atomic_load_explicit(&((uvlog_t *)log)->eff_level, memory_order_relaxed))
    return UVLOG_EFILTERED;
  /* A forked child of the process that created or started the logger: no
   * listener here, so accepting would lose the record. relaxed: both values
   * only change before any other thread of this process can run. */
  if (UVLOG_UNLIKELY(atomic_load_explicit(&((uvlog_t *)log)->fork_gen, memory_order_relaxed) !=
                     atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed)))
    return UVLOG_ECLOSED;
  return 0;
}

int uvlog__admit(const uvlog_t *log, uvlog_level_t level) {
  if (!log) return UVLOG_EINVAL;
  return admit(log, level);
}

int uvlog__rec_claim(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec) {
  if (!log || !rec || data_len > log->max_record) return UVLOG_EINVAL;
  return rec_claim(log, level, data_len, rec);
}

int uvlog__rec_begin(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec) {
  int rc = uvlog__admit(log, level);
  return rc ? rc : uvlog__rec_claim(log, level, data_len, rec);
}

void uvlog__rec_commit(uvlog_t *log, uvlog_rec_t *rec) {
  /* Read before the commit: once committed, the listener may consume the
   * record and zero its bytes. */
  uvlog_level_t level = (uvlog_level_t)rec->level;
  ring_commit(&log->ring, rec);
  uvlog__notify(log, level); /* wake.h */
}

/* ---- the log calls ---------------------------------------------------------- */

/* No logger: WARNING and above go to stderr in one write(2), control
 * characters escaped (Python's "last resort"). */
static int last_resort(uvlog_level_t level, const char *file, int line, const char *fmt,
                       va_list ap) {
  if ((unsigned)level >= UVLOG_LEVEL_OFF) return UVLOG_EINVAL;
  if (level < UVLOG_LEVEL_WARNING) return UVLOG_ENOLOGGER;
  char msg[1024];
  int n = vsnprintf(msg, sizeof(msg), fmt, ap);
  if (n < 0) return UVLOG_EINVAL;
  size_t mlen = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
  char out[4200];
  int k = snprintf(out, sizeof(out), "uvlog (no logger): %s %s:%d ", uvlog_level_name(level),
                   file ? file : "-", line);
  size_t o = k > 0 && (size_t)k < 1024 ? (size_t)k : 0;
  for (size_t i = 0; i < mlen && o + 5 < sizeof(out); i++) {
    unsigned char c = (unsigned char)msg[i];
    if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o++] = '\n';
  ssize_t w;
  do w = write(2, out, o);
  while (w < 0 && errno == EINTR);
  return UVLOG_ENOLOGGER;
}

/* Marks `rec` truncated if the message was `n` bytes and only `len` kept. */
static inline void mark_truncated(uvlog_t *log, uvlog_rec_t *rec, size_t n, size_t len) {
  if (n > len) {
    rec->flags |= REC_F_TRUNCATED;
    rec->orig_len = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    uvlog__count_truncated(log);
  }
}

int uvlog_logv(uvlog_t *log, uvlog_level_t level, const char *file, int line, const char *func,
               const char *fmt, va_list ap) {
  if (UVLOG_UNLIKELY(!fmt)) return UVLOG_EINVAL;
  if (UVLOG_UNLIKELY(!log)) return last_resort(level, file, line, fmt, ap);
  int rc = admit(log, level);
  if (rc) return rc;

  char stack[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(stack, sizeof(stack), fmt, ap2);
  va_end(ap2);
  if (UVLOG_UNLIKELY(n < 0)) return UVLOG_EINVAL;
  size_t len = (size_t)n < log->max_record ? (size_t)n : log->max_record;

  uvlog_rec_t *rec;
  if ((size_t)n < sizeof(stack)) {
    rc = rec_claim(log, level, len, &rec);
    if (rc) return rc;
    memcpy(rec->data, stack, len);
  } else {
    /* One byte more for vsnprintf's NUL; msg_len excludes it. */
    rc = rec_claim(log, level, len + 1, &rec);
    if (rc) return rc;
    vsnprintf((char *)rec->data, len + 1, fmt, ap);
    rec->msg_len = (uint32_t)len;
  }
  mark_truncated(log, rec, (size_t)n, len);
  rec->file = file;
  rec->func = func;
  rec->line = line;
  uvlog__rec_commit(log, rec);
  return 0;
}

int uvlog_log(uvlog_t *log, uvlog_level_t level, const char *file, int line, const char *func,
              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = uvlog_logv(log, level, file, line, func, fmt, ap);
  va_end(ap);
  return rc;
}

/* last_resort() wants a va_list; this gives it "%.*s". */
static int last_resort_text(uvlog_level_t level, const char *file, int line, const char *fmt,
                            ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = last_resort(level, file, line, fmt, ap);
  va_end(ap);
  return rc;
}

int uvlog_log_text(uvlog_t *log, uvlog_level_t level, const char *file, int line,
                   const char *func, const char *text, size_t len) {
  if (UVLOG_UNLIKELY(!text && len)) return UVLOG_EINVAL;
  if (UVLOG_UNLIKELY(!log)) {
    int l = len > 1024 ? 1024 : (int)len;
    return last_resort_text(level, file, line, "%.*s", l, text ? text : "");
  }
  int rc = admit(log, level);
  if (rc) return rc;
  size_t keep = len < log->max_record ? len : log->max_record;
  uvlog_rec_t *rec;
  rc = rec_claim(log, level, keep, &rec);
  if (rc) return rc;
  if (keep) memcpy(rec->data, text, keep);
  mark_truncated(log, rec, len, keep);
  rec->file = file;
  rec->func = func;
  rec->line = line;
  uvlog__rec_commit(log, rec);
  return 0;
}
