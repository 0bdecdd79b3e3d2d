/*
 * loop_fixture.h -- helpers for the loop monitor and metrics tests: a
 * logger whose one sink keeps every message in memory, and a busy-wait.
 */
#ifndef UVLOG_TEST_LOOP_FIXTURE_H
#define UVLOG_TEST_LOOP_FIXTURE_H

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "uvlog.h"

typedef struct {
  pthread_mutex_t mu;
  char *text;  /* messages, one per line */
  size_t len;
} memlog_t;

static memlog_t memlog = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

static int memlog_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  pthread_mutex_lock(&memlog.mu);
  for (size_t i = 0; i < n; i++) {
    memlog.text = realloc(memlog.text, memlog.len + e[i].msg_len + 2);
    memcpy(memlog.text + memlog.len, e[i].msg, e[i].msg_len);
    memlog.len += e[i].msg_len;
    memlog.text[memlog.len++] = '\n';
    memlog.text[memlog.len] = '\0';
  }
  pthread_mutex_unlock(&memlog.mu);
  return 0;
}

static int memlog_flush(uvlog_sink_t *s) {
  (void)s;
  return 0;
}

/* A started logger (level DEBUG) with the memory sink, named `name`. */
__attribute__((unused)) static uvlog_t *memlog_logger(const char *name) {
  static uvlog_sink_vtable_t vt;
  vt.name = name;
  vt.write = memlog_write;
  vt.flush = memlog_flush;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_DEBUG;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  uvlog_sink_set_level(s, UVLOG_LEVEL_DEBUG);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

/* Everything logged so far (flushes first); the caller frees it. */
__attribute__((unused)) static char *memlog_text(uvlog_t *log) {
  cr_assert_eq(uvlog_logger_flush(log, 5000), 0);
  pthread_mutex_lock(&memlog.mu);
  char *t = strdup(memlog.text ? memlog.text : "");
  pthread_mutex_unlock(&memlog.mu);
  return t;
}

__attribute__((unused)) static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

/* Keeps the CPU (and so the loop) busy for `ms` milliseconds. */
__attribute__((unused)) static void busy_wait_ms(uint64_t ms) {
  uint64_t end = uv_hrtime() + ms * 1000000ull;
  while (uv_hrtime() < end) {
  }
}

#endif
