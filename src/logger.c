/*
 * logger.c -- the logger handle: options and creation, levels (names,
 * parsing, syslog mapping, the effective level of the root and, through
 * category.c, of its categories), the default logger, stats, strerror.
 * Configuration-time code, any thread.
 *
 * The log calls are producer.c; the listener thread, start, flush and
 * close are listener.c.
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
#include "ratelimit.h"
#include "timeconv.h"
#include "tsc.h"

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
  opts->rate_limit_interval_ms = 1000;
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
  if (uvlog__rate_options_why(o)) return UVLOG_EINVAL;
  return 0;
}

/* The default max_record (8192, what uvlog_options_init() sets) follows a
 * ring too small for it: capacity / 8. A value of the user's own is
 * checked as given. */
static void options_fix(uvlog_options_t *o) {
  size_t cap = o->ring_capacity;
  if (o->max_record == 8192 && cap >= RING_MIN_CAPACITY && cap / 8 < o->max_record)
    o->max_record = cap / 8;
}

/* Which option options_check() refuses, and why (uvlog_options_explain()). */
static const char *options_why(const uvlog_options_t *o) {
  size_t cap = o->ring_capacity;
  if (cap < RING_MIN_CAPACITY || cap > RING_MAX_CAPACITY || (cap & (cap - 1)) != 0)
    return "ring_capacity: must be a power of two from 4096 to 1 GiB";
  if (o->overflow != UVLOG_OVERFLOW_DROP && o->overflow != UVLOG_OVERFLOW_BLOCK)
    return "overflow: must be UVLOG_OVERFLOW_DROP or UVLOG_OVERFLOW_BLOCK";
  if (o->max_record == 0) return "max_record: must not be 0";
  if (o->max_record > cap / 8) return "max_record: must be at most ring_capacity / 8";
  if (!level_ok(o->level)) return "level: not a uvlog_level_t";
  if (o->flush_interval_ms == 0) return "flush_interval_ms: must not be 0";
  if (uvlog__rate_options_why(o)) return uvlog__rate_options_why(o);
  return options_check(o) ? "an option is out of range (see docs/api.md)" : NULL;
}

const char *uvlog_options_explain(const uvlog_options_t *opts) {
  if (!opts) return NULL; /* NULL means the defaults */
  uvlog_options_t o = *opts;
  options_fix(&o);
  return options_why(&o);
}

/* The logger's memory: aligned as its cache-line members declare. */
static uvlog_t *logger_alloc(void) {
  void *p = NULL;
  if (posix_memalign(&p, _Alignof(uvlog_t), sizeof(uvlog_t)) != 0) return NULL;
  memset(p, 0, sizeof(uvlog_t));
  return p;
}

int uvlog_logger_create(uvlog_t **out, const uvlog_options_t *opts) {
  if (!out) return UVLOG_EINVAL;
  *out = NULL;
  uvlog_options_t o;
  if (opts) o = *opts;
  else uvlog_options_init(&o);
  options_fix(&o);
  int rc = options_check(&o);
  if (rc) return rc;

  pthread_once(&tid_once, tid_atfork_once);
  uvlog_t *log = logger_alloc();
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
  log->head.pub.eff_level = UVLOG_LEVEL_OFF; /* no sink yet: nothing to do */
  log->head.root = log;
  log->head.cat = 0;
  atomic_init(&log->state, LOG_CREATED);
  atomic_init(&log->fork_gen, atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed));
  atomic_init(&log->async_dead, 1); /* no async handle until the listener runs */
  log->overflow = o.overflow;
  log->tsc = uvlog__tsc_usable();
  if (log->tsc) uvlog__tconv_init(&log->tconv);
  uvlog__rate_init(log);
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
  if (!log || uvlog__cat_id(log) != 0 || uvlog__on_listener(log)) return;
  uvlog_t *expected = log;
  /* acq_rel: nothing is published with it; a plain CAS clears only `log`. */
  atomic_compare_exchange_strong_explicit(&default_logger, &expected, NULL,
                                          memory_order_acq_rel, memory_order_relaxed);
  uvlog_logger_close(log);
  /* After close (which may start a never-started logger, registering it);
   * waits for an atexit handler that is closing loggers. */
  uvlog__registry_remove(log);
  uvlog__config_free(log);
  uvlog__cats_free(log);
  uvlog__tnames_free(log);
  uvlog__resource_free(log);
  pthread_mutex_destroy(&log->level_mu);
  pthread_mutex_destroy(&log->mu);
  pthread_cond_destroy(&log->cv);
  ring_free(&log->ring);
  free(log);
}

/* ---- levels of a logger --------------------------------------------------- */

int uvlog__sinks_min_level(const uvlog_t *log, const char *category) {
  int min_sink = UVLOG_LEVEL_OFF;
  for (uvlog_sink_t *s = log->sinks; s; s = s->next) {
    /* relaxed: the mutexes order the recomputations; a racing set_level
     * recomputes again after its store. */
    int l = atomic_load_explicit(&s->level, memory_order_relaxed);
    if (l < min_sink && uvlog__cat_filter_takes(s->cats, category)) min_sink = l;
  }
  return min_sink;
}

void uvlog__recompute_level_locked(uvlog_t *log) {
  pthread_mutex_lock(&log->mu);
  int min_sink = uvlog__sinks_min_level(log, NULL);
  int l = atomic_load_explicit(&log->level, memory_order_relaxed);
  int eff = l > min_sink ? l : min_sink;
  /* relaxed: producers only need some recent value; a level is not a fence
   * (pairs with nothing: the macros' relaxed load, private.h). */
  __atomic_store_n(&log->head.pub.eff_level, eff, __ATOMIC_RELAXED);
  uvlog__cats_recompute(log);
  pthread_mutex_unlock(&log->mu);
}

void uvlog__recompute_level(uvlog_t *log) {
  pthread_mutex_lock(&log->level_mu);
  uvlog__recompute_level_locked(log);
  pthread_mutex_unlock(&log->level_mu);
}

/* A category handle has a level of its own (category.c). */
int uvlog_logger_set_level(uvlog_t *log, uvlog_level_t level) {
  if (!log || !level_ok(level)) return UVLOG_EINVAL;
  if (uvlog__cat_id(log)) return uvlog__cat_set_level(log, level);
  atomic_store_explicit(&log->level, (int)level, memory_order_relaxed); /* a lone value */
  uvlog__recompute_level(log);
  return 0;
}

uvlog_level_t uvlog_logger_get_level(const uvlog_t *log) {
  if (!log) return UVLOG_LEVEL_OFF;
  if (uvlog__cat_id(log)) return uvlog__cat_get_level(log);
  return (uvlog_level_t)atomic_load_explicit(&((uvlog_t *)log)->level, memory_order_relaxed);
}

int uvlog_logger_enabled(const uvlog_t *log, uvlog_level_t level) {
  if (!log || !level_ok(level) || level == UVLOG_LEVEL_OFF) return 0;
  return (int)level >= UVLOG__LOAD_LEVEL(log); /* relaxed: a lone value */
}

/* ---- stats ----------------------------------------------------------------- */

/* A category's are its root's. */
int uvlog_logger_stats(const uvlog_t *clog, uvlog_stats_t *st) {
  if (!clog || !st) return UVLOG_EINVAL;
  uvlog_t *log = uvlog__root(clog);
  memset(st, 0, sizeof(*st));
  /* All relaxed: independent tallies, each exact on its own. */
  st->records = atomic_load_explicit(&log->records, memory_order_relaxed);
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++) {
    st->dropped_by_level[i] = atomic_load_explicit(&log->dropped_by_level[i], memory_order_relaxed);
    st->dropped += st->dropped_by_level[i];
  }
  st->truncated = atomic_load_explicit(&log->truncated, memory_order_relaxed);
  st->rate_limited = atomic_load_explicit(&log->rate_limited, memory_order_relaxed);
  st->queue_bytes = ring_used(&log->ring);
  st->queue_capacity = log->ring.capacity;
  st->queue_high_water = atomic_load_explicit(&log->high_water, memory_order_relaxed);
  for (int i = 0; i < UVLOG_LEVEL_COUNT; i++)
    st->accepted_by_level[i] = atomic_load_explicit(&log->accepted[i], memory_order_relaxed);
  st->busy_ns = atomic_load_explicit(&log->busy_ns, memory_order_relaxed);
  /* The count is the buckets' sum, so it always equals the histogram's. */
  for (int i = 0; i < UVLOG_LATENCY_BUCKETS; i++) {
    st->latency_buckets[i] = atomic_load_explicit(&log->lat_buckets[i], memory_order_relaxed);
    st->latency_count += st->latency_buckets[i];
  }
  st->latency_sum_ns = atomic_load_explicit(&log->lat_sum_ns, memory_order_relaxed);
  /* `mu` guards the sink list and the retired sinks (lifecycle.c). */
  pthread_mutex_lock(&log->mu);
  st->sink_written = log->gone_written;
  st->sink_dropped = log->gone_dropped;
  st->sink_errors = log->gone_errors;
  for (int pass = 0; pass < 2; pass++) {
    for (uvlog_sink_t *s = pass ? log->retired : log->sinks; s; s = s->next) {
      st->sink_written += atomic_load_explicit(&s->written, memory_order_relaxed);
      st->sink_dropped += atomic_load_explicit(&s->dropped, memory_order_relaxed);
      st->sink_errors += atomic_load_explicit(&s->errors, memory_order_relaxed);
    }
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

/* ---- shared by producers and the listener (logger.h) ------------------------- */

size_t uvlog__max_record(const uvlog_t *log) { return log ? log->max_record : 0; }

void uvlog__count_truncated(uvlog_t *log) {
  atomic_fetch_add_explicit(&log->truncated, 1, memory_order_relaxed); /* a tally */
}
