/*
 * fields_capture.h -- a test sink for the structured-logging tests: it
 * keeps each entry as one canonical line,
 *   msg|key=T:value|...[|trace=<32 hex>/<16 hex>][|TRUNC]
 * with T the field type (s str, i int, u uint, d double %.17g, b bool,
 * n null), so a test compares strings. The resource fields are kept apart
 * (fcap_t.resource, same notation, of the last entry). Header-only.
 */
#ifndef UVLOG_TEST_FIELDS_CAPTURE_H
#define UVLOG_TEST_FIELDS_CAPTURE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

typedef struct fcap {
  pthread_mutex_t mu;
  char **lines;
  size_t n, cap;
  char resource[1024];
} fcap_t;

static inline void fcap_init(fcap_t *c) {
  memset(c, 0, sizeof *c);
  pthread_mutex_init(&c->mu, NULL);
}

static inline void fcap_free(fcap_t *c) {
  for (size_t i = 0; i < c->n; i++) free(c->lines[i]);
  free(c->lines);
  pthread_mutex_destroy(&c->mu);
}

/* Appends "|key=T:value" for each field to buf (size bytes). */
static inline void fcap_fields(char *buf, size_t size, const uvlog_field_t *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t o = strlen(buf);
    if (o + 1 >= size) return;
    char *d = buf + o;
    size_t room = size - o;
    switch (f[i].type) {
    case UVLOG_FIELD_STR:
      snprintf(d, room, "|%s=s:%.*s", f[i].key, (int)f[i].v.str.len, f[i].v.str.ptr);
      break;
    case UVLOG_FIELD_INT: snprintf(d, room, "|%s=i:%lld", f[i].key, (long long)f[i].v.i); break;
    case UVLOG_FIELD_UINT:
      snprintf(d, room, "|%s=u:%llu", f[i].key, (unsigned long long)f[i].v.u);
      break;
    case UVLOG_FIELD_DOUBLE: snprintf(d, room, "|%s=d:%.17g", f[i].key, f[i].v.d); break;
    case UVLOG_FIELD_BOOL: snprintf(d, room, "|%s=b:%d", f[i].key, f[i].v.b); break;
    default: snprintf(d, room, "|%s=n:", f[i].key); break;
    }
  }
}

static inline int fcap_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  fcap_t *c = uvlog_sink_data(s);
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < n; i++) {
    if (e[i].flags & UVLOG_ENTRY_INTERNAL) continue;
    size_t size = e[i].msg_len + 256 + 32 * 1024;
    char *line = malloc(size);
    snprintf(line, size, "%.*s", (int)e[i].msg_len, e[i].msg);
    fcap_fields(line, size, e[i].fields, e[i].n_fields);
    if (e[i].flags & UVLOG_ENTRY_TRACE) {
      size_t o = strlen(line);
      o += (size_t)snprintf(line + o, size - o, "|trace=");
      for (int k = 0; k < 16; k++) o += (size_t)snprintf(line + o, size - o, "%02x", e[i].trace_id[k]);
      o += (size_t)snprintf(line + o, size - o, "/");
      for (int k = 0; k < 8; k++) o += (size_t)snprintf(line + o, size - o, "%02x", e[i].span_id[k]);
    }
    if (e[i].flags & UVLOG_ENTRY_TRUNCATED) strcat(line, "|TRUNC");
    c->resource[0] = 0;
    fcap_fields(c->resource, sizeof c->resource, e[i].resource, e[i].n_resource);
    if (c->n == c->cap) {
      c->cap = c->cap ? 2 * c->cap : 64;
      c->lines = realloc(c->lines, c->cap * sizeof *c->lines);
    }
    c->lines[c->n++] = line;
  }
  pthread_mutex_unlock(&c->mu);
  return 0;
}

static const uvlog_sink_vtable_t fcap_vt = {.name = "fcap", .write = fcap_write};

/* A logger (ring of `ring` bytes, 0 = default; BLOCK overflow unless
 * block is 0; started if start) with one fcap sink. */
static inline uvlog_t *fcap_logger_ex(fcap_t *c, size_t ring, int start, int block) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  if (ring) o.ring_capacity = ring;
  o.atexit_close = 0;
  o.overflow = block ? UVLOG_OVERFLOW_BLOCK : UVLOG_OVERFLOW_DROP;
  uvlog_t *log = NULL;
  uvlog_sink_t *s = NULL;
  if (uvlog_logger_create(&log, &o) || uvlog_sink_create(&s, &fcap_vt, c) ||
      uvlog_sink_add(log, s))
    return NULL;
  if (start && uvlog_logger_start(log)) return NULL;
  return log;
}

static inline uvlog_t *fcap_logger(fcap_t *c, size_t ring, int start) {
  return fcap_logger_ex(c, ring, start, 1);
}

/* Line i (after a flush). */
static inline const char *fcap_line(fcap_t *c, size_t i) {
  pthread_mutex_lock(&c->mu);
  const char *l = i < c->n ? c->lines[i] : "<none>";
  pthread_mutex_unlock(&c->mu);
  return l;
}

#endif /* UVLOG_TEST_FIELDS_CAPTURE_H */
