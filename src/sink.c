/*
 * sink.c -- the sink handle: creation, levels, formats, counters, and the
 * flush bookkeeping the listener relies on (sink.h).
 *
 * Threads: set_level and the stats may be called from any thread (atomics);
 * set_format and add only before the logger starts; the vtable and the
 * listener-only fields are touched by the listener thread alone (or by the
 * closing thread once the listener is gone).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logger_impl.h"
#include "sink.h"

int uvlog_sink_create(uvlog_sink_t **out, const uvlog_sink_vtable_t *vt, void *data) {
  if (!out) return UVLOG_EINVAL;
  *out = NULL;
  if (!vt || !vt->write) return UVLOG_EINVAL;
  uvlog_sink_t *s = calloc(1, sizeof(*s));
  if (!s) return UVLOG_ENOMEM;
  s->vt = *vt;
  if (!s->vt.name) s->vt.name = "sink";
  s->data = data;
  s->color_fd = -1;
  atomic_init(&s->level, UVLOG_LEVEL_TRACE);
  int rc = uvlog_formatter_init(&s->fmt, NULL);
  if (rc) {
    uvlog_formatter_destroy(&s->fmt);
    free(s);
    return rc;
  }
  uvlog__sink_resolve_color(s);
  *out = s;
  return 0;
}

void uvlog__sink_close(uvlog_sink_t *s) {
  if (s->closed) return;
  s->closed = 1;
  if (s->vt.close) s->vt.close(s);
}

void uvlog__sink_free(uvlog_sink_t *s) {
  if (!s) return;
  uvlog__sink_close(s);
  uvlog_formatter_destroy(&s->fmt);
  uvlog_buf_free(&s->out);
  uvlog__cat_filter_free(s->cats);
  free(s);
}

void uvlog_sink_destroy(uvlog_sink_t *s) {
  /* A sink that belongs to a logger is the logger's to free. */
  if (!s || s->owner) return;
  uvlog__sink_free(s);
}

int uvlog_sink_add(uvlog_t *log, uvlog_sink_t *s) {
  if (!log || !s || uvlog__cat_id(log)) return UVLOG_EINVAL; /* a category: its root's sinks */
  pthread_mutex_lock(&log->mu);
  int st = atomic_load_explicit(&log->state, memory_order_relaxed); /* under mu */
  if (s->owner || st != LOG_CREATED) {
    pthread_mutex_unlock(&log->mu);
    return st >= LOG_CLOSING && !s->owner ? UVLOG_ECLOSED : UVLOG_EBUSY;
  }
  uvlog_sink_t **pp = &log->sinks;
  while (*pp) pp = &(*pp)->next;
  *pp = s;
  s->owner = log;
  log->n_sinks++;
  pthread_mutex_unlock(&log->mu);
  uvlog__recompute_level(log);
  return 0;
}

int uvlog_sink_set_level(uvlog_sink_t *s, uvlog_level_t level) {
  if (!s || (int)level < UVLOG_LEVEL_TRACE || (int)level > UVLOG_LEVEL_OFF) return UVLOG_EINVAL;
  /* relaxed: a lone value; the recomputation below is ordered by its mutex. */
  atomic_store_explicit(&s->level, (int)level, memory_order_relaxed);
  if (s->owner) uvlog__recompute_level(s->owner);
  return 0;
}

uvlog_level_t uvlog_sink_get_level(const uvlog_sink_t *s) {
  if (!s) return UVLOG_LEVEL_OFF;
  return (uvlog_level_t)atomic_load_explicit(&((uvlog_sink_t *)s)->level, memory_order_relaxed);
}

void uvlog__sink_set_color_fd(uvlog_sink_t *s, int fd) {
  s->color_fd = fd;
  uvlog__sink_resolve_color(s);
}

void uvlog__sink_resolve_color(uvlog_sink_t *s) {
  if (!s->fmt.color_auto) return;
  const char *nc = getenv("NO_COLOR");
  s->fmt.color = s->color_fd >= 0 && isatty(s->color_fd) && (!nc || !*nc);
}

int uvlog_sink_set_format(uvlog_sink_t *s, const uvlog_format_options_t *fo) {
  if (!s || !fo) return UVLOG_EINVAL;
  if (s->owner) {
    /* acquire: pairs with the state's release store under mu. */
    if (atomic_load_explicit(&s->owner->state, memory_order_acquire) != LOG_CREATED)
      return UVLOG_EBUSY;
  }
  uvlog_formatter_t f;
  int rc = uvlog_formatter_init(&f, fo);
  if (rc) {
    uvlog_formatter_destroy(&f);
    return rc;
  }
  uvlog_formatter_destroy(&s->fmt);
  s->fmt = f;
  uvlog__sink_resolve_color(s);
  return 0;
}

void *uvlog_sink_data(const uvlog_sink_t *s) { return s ? s->data : NULL; }

const char *uvlog_sink_name(const uvlog_sink_t *s) { return s ? s->vt.name : "?"; }

/* A flush's outcome. A failed flush is usually the consequence of an error
 * the sink already reported (a write that failed): then it is counted, but
 * last_error keeps that root cause. flush_err keeps the first failure for
 * the flush request that waits for it (listener.c). */
static void flush_result(uvlog_sink_t *s, int rc) {
  if (rc >= 0) {
    s->err_since_flush = 0;
    return;
  }
  if (!s->flush_err) s->flush_err = rc;
  atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed); /* a tally */
  if (!s->err_since_flush)
    atomic_store_explicit(&s->last_error, rc, memory_order_relaxed); /* a lone value */
  s->err_since_flush = 1;
}

/* Listener: asks the sink to flush; one flush in flight at a time. */
void uvlog__sink_flush(uvlog_sink_t *s) {
  if (s->flush_pending) {
    s->flush_again = 1; /* more was written since that flush began */
    return;
  }
  if (!s->vt.flush || !s->opened || s->closed) return;
  /* Pending before the call: the sink may complete it from inside flush(). */
  s->flush_pending = 1;
  int rc = s->vt.flush(s);
  if (rc == UVLOG_PENDING) return;
  s->flush_pending = 0;
  flush_result(s, rc);
}

void uvlog_sink_flush_done(uvlog_sink_t *s, int status) {
  if (!s) return;
  flush_result(s, status);
  if (!s->flush_pending) return;
  s->flush_pending = 0;
  /* We are in a callback of the listener's loop. That uv_run() must return
   * without blocking: the listener has to see this completion (and publish a
   * flush waiting for it). libuv 1.44 runs the timers that are due when
   * uv_run(UV_RUN_ONCE) starts and then still blocks in poll, so a completion
   * from such a timer (or any callback before the poll) would be slept on
   * until the next record or flush timer. uv_stop() makes the poll not wait;
   * from inside vt.flush (no uv_run) it only makes the next run not wait. */
  if (s->owner) uv_stop(&s->owner->loop);
  if (s->flush_again) {
    s->flush_again = 0;
    uvlog__sink_flush(s);
  }
}

void uvlog_sink_count_dropped(uvlog_sink_t *s, uint64_t n) {
  if (s) atomic_fetch_add_explicit(&s->dropped, n, memory_order_relaxed); /* a tally */
}

void uvlog_sink_report_error(uvlog_sink_t *s, int err) {
  if (!s) return;
  atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);          /* a tally */
  atomic_store_explicit(&s->last_error, err, memory_order_relaxed);        /* a lone value */
  s->err_since_flush = 1;
}

int uvlog_sink_stats(const uvlog_sink_t *cs, uvlog_sink_stats_t *st) {
  if (!cs || !st) return UVLOG_EINVAL;
  uvlog_sink_t *s = (uvlog_sink_t *)cs;
  /* relaxed: independent tallies. */
  st->written = atomic_load_explicit(&s->written, memory_order_relaxed);
  st->dropped = atomic_load_explicit(&s->dropped, memory_order_relaxed);
  st->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
  st->last_error = atomic_load_explicit(&s->last_error, memory_order_relaxed);
  return 0;
}
