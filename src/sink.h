/*
 * sink.h -- the sink handle (uvlog_sink_t) as the library sees it.
 *
 * A sink is a vtable plus user data, wrapped with what the listener needs to
 * drive it: its level, its compiled formatter, its counters and its flush
 * state. sink.c owns the handle's public functions; the listener
 * (listener.c) is the only thread that calls the vtable.
 */
#ifndef UVLOG_SINK_H
#define UVLOG_SINK_H

#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"
#include "category.h"
#include "format/format.h"
#include "uvlog.h"

struct uvlog_sink_s {
  uvlog_sink_vtable_t vt;       /* copied at create */
  void *data;                   /* the user's */
  uvlog_t *owner;               /* the logger it was added to, or NULL */
  uvlog_sink_t *next;           /* the owner's list, in order of addition */

  /* Any thread: set_level stores, the producer's effective level and the
   * listener's filter load (relaxed: a level is a lone value, nothing is
   * published with it). */
  _Atomic int level;
  uvlog_cat_filter_t *cats;     /* the categories it takes (cat_filter.c);
                                   NULL: all. Set before start, under the
                                   owner's mu once added */

  uvlog_formatter_t fmt;        /* compiled at create / set_format */
  int color_fd;                 /* colour "auto" means on when this fd is a
                                   TTY (and NO_COLOR is unset); -1 = off */

  /* Counters: written by the listener (or a sink on it), read by any thread
   * through uvlog_sink_stats(); relaxed: each is an independent tally. */
  _Atomic uint64_t written;
  _Atomic uint64_t dropped;
  _Atomic uint64_t errors;
  _Atomic int last_error;

  /* Listener-only state. */
  int opened;                   /* vt.open succeeded */
  int closed;                   /* vt.close was called */
  int flush_pending;            /* flush returned UVLOG_PENDING, not done yet */
  int flush_again;              /* another flush is wanted after that one */
  int flush_err;                /* first flush error since the listener reset it */
  uint64_t dropped_seen;        /* `dropped` when the last flush request completed */
  int err_since_flush;          /* an error was reported since the last good flush */
  uvlog_buf_t out;              /* this sink's rendering of the batch */
  uvlog_entry_t *view;          /* the entries handed to write() */
  uvlog_sink_t *share;          /* an earlier sink with the same format */
  size_t batch_k;               /* entries in view for the current batch */
  int batch_lvl;                /* the level used for the current batch */
  int batch_ok;                 /* view is valid for the current batch */
};

/* Resolves colour "auto" in `s->fmt` against `s->color_fd`. */
void uvlog__sink_resolve_color(uvlog_sink_t *s);
/* Makes colour "auto" mean "when `fd` is a TTY" (the stderr sink: fd 2). */
void uvlog__sink_set_color_fd(uvlog_sink_t *s, int fd);
/* Calls vt.close once, frees the formatter and buffers and the handle. */
void uvlog__sink_free(uvlog_sink_t *s);
/* Listener: calls vt.flush, or marks another flush wanted if one is pending. */
void uvlog__sink_flush(uvlog_sink_t *s);
/* Calls vt.close if it was not called yet (listener or closing thread). */
void uvlog__sink_close(uvlog_sink_t *s);

#endif /* UVLOG_SINK_H */
