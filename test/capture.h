/*
 * capture.h -- a test sink that keeps what it is given (text, messages,
 * levels, flags) in memory, for the core tests, and the small waits the
 * tests share (sleep, a monotonic clock, waiting for entries). Header-only:
 * each test executable includes it once.
 */
#ifndef UVLOG_TEST_CAPTURE_H
#define UVLOG_TEST_CAPTURE_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uvlog.h"

typedef struct capture {
  pthread_mutex_t mu;
  char *text;          /* every entry's text, concatenated */
  size_t len, cap;
  size_t entries;
  size_t internal;     /* entries flagged UVLOG_ENTRY_INTERNAL */
  char last_internal[512];
  size_t by_level[UVLOG_LEVEL_COUNT];
  int opened, closed, flushes;
  /* hooks */
  int open_rc;
  int (*on_write)(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n);
} capture_t;

static inline void capture_init(capture_t *c) {
  memset(c, 0, sizeof(*c));
  pthread_mutex_init(&c->mu, NULL);
}

static inline void capture_free(capture_t *c) {
  free(c->text);
  pthread_mutex_destroy(&c->mu);
}

static inline void capture_append(capture_t *c, const char *p, size_t n) {
  if (c->len + n + 1 > c->cap) {
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->len + n + 1) cap *= 2;
    c->text = realloc(c->text, cap);
    c->cap = cap;
  }
  memcpy(c->text + c->len, p, n);
  c->len += n;
  c->text[c->len] = 0;
}

static inline int capture_open(uvlog_sink_t *s, void *loop) {
  (void)loop;
  capture_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  c->opened++;
  pthread_mutex_unlock(&c->mu);
  return c->open_rc;
}

static inline int capture_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  capture_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < n; i++) {
    capture_append(c, e[i].text, e[i].text_len);
    c->entries++;
    c->by_level[e[i].level]++;
    if (e[i].flags & UVLOG_ENTRY_INTERNAL) {
      c->internal++;
      size_t k = e[i].msg_len < sizeof(c->last_internal) - 1 ? e[i].msg_len
                                                             : sizeof(c->last_internal) - 1;
      memcpy(c->last_internal, e[i].msg, k);
      c->last_internal[k] = 0;
    }
  }
  pthread_mutex_unlock(&c->mu);
  if (c->on_write) return c->on_write(s, e, n);
  return 0;
}

static inline int capture_flush(uvlog_sink_t *s) {
  capture_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  c->flushes++;
  pthread_mutex_unlock(&c->mu);
  return 0;
}

static inline void capture_close(uvlog_sink_t *s) {
  capture_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  c->closed++;
  pthread_mutex_unlock(&c->mu);
}

static const uvlog_sink_vtable_t capture_vt = {
    .name = "capture",
    .open = capture_open,
    .write = capture_write,
    .flush = capture_flush,
    .reopen = NULL,
    .close = capture_close,
};

/* A sink with format "%l %m" (easy to match) and the given level. */
static inline uvlog_sink_t *capture_sink(capture_t *c, uvlog_level_t level) {
  uvlog_sink_t *s = NULL;
  if (uvlog_sink_create(&s, &capture_vt, c) != 0) return NULL;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%l %m";
  fo.color = 0;
  if (uvlog_sink_set_format(s, &fo) != 0) return NULL;
  uvlog_sink_set_level(s, level);
  return s;
}

/* Occurrences of `needle` in the captured text. */
static inline size_t capture_count(capture_t *c, const char *needle) {
  size_t n = 0, k = strlen(needle);
  pthread_mutex_lock(&c->mu);
  for (const char *p = c->text; p && (p = strstr(p, needle)) != NULL; p += k) n++;
  pthread_mutex_unlock(&c->mu);
  return n;
}

/* Entries written so far (any thread). */
static inline size_t capture_seen(capture_t *c) {
  pthread_mutex_lock(&c->mu);
  size_t n = c->entries;
  pthread_mutex_unlock(&c->mu);
  return n;
}

static inline void test_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

static inline double test_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until `n` entries were written or `max_s` passed; returns seconds. */
static inline double capture_wait(capture_t *c, size_t n, double max_s) {
  double t0 = test_now_s();
  while (capture_seen(c) < n && test_now_s() - t0 < max_s) test_sleep_ms(1);
  return test_now_s() - t0;
}

#endif /* UVLOG_TEST_CAPTURE_H */
