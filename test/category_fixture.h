/*
 * category_fixture.h -- for the category and thread-name tests: a sink that
 * keeps one line per entry, "CATEGORY|LEVEL|MESSAGE" ("-" for a NULL
 * category), or "CATEGORY|THREAD|LEVEL|MESSAGE" when catcap_threads is set
 * ("-" for a NULL thread name), and a logger with such a sink.
 * Header-only: each test executable includes it once.
 */
#ifndef UVLOG_TEST_CATEGORY_FIXTURE_H
#define UVLOG_TEST_CATEGORY_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>

#include "capture.h"

static int catcap_threads; /* set before start: lines show thread names */

static inline int catcap_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  capture_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < n; i++) {
    char line[512];
    const char *tn = e[i].thread_name ? e[i].thread_name : "-";
    int k = snprintf(line, sizeof line, "%s|%s%s%s|%.*s\n", e[i].category ? e[i].category : "-",
                     catcap_threads ? tn : "", catcap_threads ? "|" : "",
                     uvlog_level_name(e[i].level), (int)e[i].msg_len, e[i].msg);
    capture_append(c, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
    c->entries++;
  }
  pthread_mutex_unlock(&c->mu);
  return 0;
}

static const uvlog_sink_vtable_t catcap_vt = {
    .name = "catcap", .open = capture_open, .write = catcap_write, .flush = capture_flush,
    .reopen = NULL, .close = capture_close,
};

/* A catcap sink at `level`, limited to `cats` (NULL: all). */
static inline uvlog_sink_t *catcap_sink(capture_t *c, uvlog_level_t level, const char *cats) {
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_create(&s, &catcap_vt, c), 0);
  cr_assert_eq(uvlog_sink_set_level(s, level), 0);
  if (cats) cr_assert_eq(uvlog_sink_set_categories(s, cats), 0);
  return s;
}

/* A logger at `level` with one unlimited catcap sink at TRACE (not started). */
static inline uvlog_t *catcap_logger(capture_t *c, uvlog_level_t level) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = level;
  o.atexit_close = 0;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, catcap_sink(c, UVLOG_LEVEL_TRACE, NULL)), 0);
  return log;
}

#endif /* UVLOG_TEST_CATEGORY_FIXTURE_H */
