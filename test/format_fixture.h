/*
 * format_fixture.h -- shared by the test_format_*.c golden tests: a fixed
 * entry carrying every structured part (category, thread name, trace ids,
 * context and call fields, the logger's constant fields), a formatter with
 * fixed identity fields, and a renderer that returns the output as a
 * NUL-terminated string.
 */
#ifndef UVLOG_TEST_FORMAT_FIXTURE_H
#define UVLOG_TEST_FORMAT_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"

/* 2026-11-22T02:32:48.123456789Z */
#define FF_TS (INT64_C(1795314768) * 1000000000 + 123456789)

#define FF_STR(k, s) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_STR, .v.str = {(s), sizeof(s) - 1}})
#define FF_INT(k, x) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_INT, .v.i = (x)})
#define FF_UINT(k, x) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_UINT, .v.u = (x)})
#define FF_DBL(k, x) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_DOUBLE, .v.d = (x)})
#define FF_BOOL(k, x) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_BOOL, .v.b = (x)})
#define FF_NULL(k) ((uvlog_field_t){.key = (k), .type = UVLOG_FIELD_NULL})

/* A plain entry: no structured data. */
static inline uvlog_entry_t ff_entry(const char *msg) {
  uvlog_entry_t e;
  memset(&e, 0, sizeof e);
  e.ts_ns = FF_TS;
  e.tid = 4242;
  e.level = UVLOG_LEVEL_INFO;
  e.file = "src/dir/main.c";
  e.func = "run";
  e.line = 77;
  e.msg = msg;
  e.msg_len = strlen(msg);
  return e;
}

/* The structured parts every golden test shares. */
static const uvlog_field_t ff_fields[] = {
    FF_STR("request_id", "r-17"), FF_STR("method", "GET"), FF_STR("path", "/a b"),
    FF_INT("status", 200), FF_UINT("bytes", 18446744073709551615u), FF_DBL("duration_s", 0.25),
    FF_BOOL("cached", 0), FF_NULL("user"),
};
static const uvlog_field_t ff_resource[] = {FF_STR("service.version", "1.2.3"),
                                            FF_STR("deployment.environment", "prod")};

/* trace_id 4bf92f3577b34da6a3ce929d0e0e4736, span_id 00f067aa0ba902b7 (the
 * W3C traceparent example). */
static inline void ff_set_trace(uvlog_entry_t *e) {
  static const uint8_t t[16] = {0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6,
                                0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36};
  static const uint8_t s[8] = {0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7};
  memcpy(e->trace_id, t, 16);
  memcpy(e->span_id, s, 8);
  e->flags |= UVLOG_ENTRY_TRACE;
}

/* An entry with everything: category, thread name, trace, fields, resource. */
static inline uvlog_entry_t ff_full(const char *msg) {
  uvlog_entry_t e = ff_entry(msg);
  e.category = "http.access";
  e.thread_name = "worker-1";
  e.fields = ff_fields;
  e.n_fields = sizeof ff_fields / sizeof *ff_fields;
  e.resource = ff_resource;
  e.n_resource = sizeof ff_resource / sizeof *ff_resource;
  ff_set_trace(&e);
  return e;
}

/* Options with fixed identity fields. */
static inline uvlog_format_options_t ff_options(uvlog_format_kind_t kind) {
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = kind;
  fo.color = 0;
  fo.app_name = "app";
  fo.hostname = "host.example";
  fo.procid = "1234";
  return fo;
}

/* Renders `e` with options `fo` into a malloc'd NUL-terminated string
 * (*len, if given, is its length: it may hold NULs). */
static inline char *ff_render_len(const uvlog_format_options_t *fo, const uvlog_entry_t *e, size_t *len) {
  uvlog_formatter_t f;
  int rc = uvlog_formatter_init(&f, fo);
  cr_assert_eq(rc, 0, "formatter_init: %d", rc);
  uvlog_buf_t b = {0};
  uvlog_formatter_format(&f, e, &b);
  uvlog_buf_putc(&b, '\0');
  cr_assert_eq(b.oom, 0);
  uvlog_formatter_destroy(&f);
  if (len) *len = b.len - 1;
  return b.data;
}

static inline char *ff_render(const uvlog_format_options_t *fo, const uvlog_entry_t *e) {
  return ff_render_len(fo, e, NULL);
}

/* Renders and compares with `want`. */
static inline void ff_expect(const uvlog_format_options_t *fo, const uvlog_entry_t *e, const char *want) {
  char *got = ff_render(fo, e);
  cr_expect_str_eq(got, want);
  free(got);
}

/* uvlog_formatter_init's result for `fo`. */
static inline int ff_init_rc(const uvlog_format_options_t *fo) {
  uvlog_formatter_t f;
  int rc = uvlog_formatter_init(&f, fo);
  uvlog_formatter_destroy(&f);
  return rc;
}

#endif /* UVLOG_TEST_FORMAT_FIXTURE_H */
