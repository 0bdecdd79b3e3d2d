/*
 * test_interop_structured.c -- structured records end to end against a real
 * rsyslogd (suite 'interop'; rsyslog_fixture.h and the "uvlogsd" and JSON
 * rules of docs/receivers/rsyslog-interop.conf). Real log calls with a
 * request context (fields and a W3C trace), the call's own typed fields
 * and the logger's constant fields go through the TCP sink:
 *   - RFC 5424 (octet counting): rsyslog's mmpstrucdata must find every
 *     field as its own SD-PARAM of the uvlog@32473 element, with the value
 *     sent ('"', '\' and ']' unescaped again), the trace ids, and the
 *     sanitized name of an invalid key;
 *   - JSON lines (NDJSON framing), the ECS and the OpenTelemetry presets:
 *     rsyslog's mmjsonparse must find every field with its JSON type
 *     (integer, unsigned 64-bit, double, bool, null, string).
 * rsyslog writes what it parsed back out as JSON ($!), which is compared.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsyslog_fixture.h"
#include "uvlog.h"

static rsl_t rsl;

static void setup(void) { rsl_init(&rsl); }

static void teardown(void) {
  rsl_stop(&rsl, SIGTERM);
  if (!getenv("UVLOG_KEEP_TMP")) nf_rmtree(rsl.dir);
}

#define TRACEPARENT "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
#define HARD_PATH "/a b\"c]\\d \xc3\xa9"

static uvlog_sink_t *tcp_sink(uvlog_tcp_framing_t framing, uvlog_format_kind_t kind,
                              uvlog_json_preset_t preset, const char *app) {
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  char port[16];
  snprintf(port, sizeof port, "%d", rsl.port);
  o.host = "127.0.0.1";
  o.port = port;
  o.framing = framing;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = kind;
  fo.json_preset = preset;
  fo.app_name = app;
  fo.hostname = "testhost";
  fo.procid = "4242";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  return s;
}

/* Starts a logger with `a` (and `b`), the constant fields, logs the two
 * records and flushes. */
static void log_records(uvlog_sink_t *a, uvlog_sink_t *b) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, a), 0);
  if (b) cr_assert_eq(uvlog_sink_add(log, b), 0);
  cr_assert_eq(uvlog_logger_set_resource(log, UVLOG_FIELDS(UVLOG_F("service.version", "1.2.3"),
                                                            UVLOG_F("deployment.environment", "test"))),
               0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  uvlog_trace_t tr;
  cr_assert_eq(uvlog_traceparent_parse(TRACEPARENT, strlen(TRACEPARENT), &tr), 0);
  uvlog_ctx_t *ctx = NULL;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, &tr,
                                UVLOG_FIELDS(UVLOG_F("request_id", "r-17"), UVLOG_F("peer", "10.0.0.1:5555"))),
               0);
  /* Above 2^32, below 2^63: rsyslog 8.2302 saturates a JSON integer above
   * INT64_MAX to INT64_MAX (docs/formats.md); uvlog writes it exactly
   * (test_format_json_keys). */
  uint64_t bytes = UINT64_C(5000000000123);
  int64_t delta = INT64_MIN;
  cr_assert_eq(UVLOG_INFO_KV_TO(log, ctx, "request done", UVLOG_F("method", "GET"), UVLOG_F("path", HARD_PATH),
                                UVLOG_F("status", 200), UVLOG_F("bytes", bytes), UVLOG_F("delta", delta),
                                UVLOG_F("duration_s", 0.25), UVLOG_F("cached", (_Bool)0),
                                UVLOG_F_NULL("user"), UVLOG_F("bad key=]", 1)),
               0);
  cr_assert_eq(UVLOG_WARNING_KV_TO(log, NULL, "second", UVLOG_F("n", 2)), 0);
  uvlog_ctx_release(&ctx);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  uvlog_logger_close(log);
}

/* Waits until `file` in the rsyslog directory has `lines` lines; returns its
 * contents. */
static char *wait_lines(const char *file, size_t lines) {
  char path[700];
  snprintf(path, sizeof path, "%s/%s", rsl.dir, file);
  for (int64_t end = nf_now_ms() + 15000;; nf_sleep_ms(10)) {
    if (nf_count_lines(path) >= lines) return nf_read_lines(path, NULL);
    cr_assert_lt(nf_now_ms(), end, "%s never had %zu lines", file, lines);
  }
}

/* The parsed line (a JSON object) that holds `needle`. */
static json_object *find_line(char *buf, const char *needle) {
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
    if (strstr(line, needle)) {
      json_object *o = json_tokener_parse(line);
      cr_assert_not_null(o, "rsyslog wrote a line that is not JSON: %s", line);
      return o;
    }
  cr_assert_fail("no line with %s", needle);
  return NULL;
}

static json_object *get(json_object *o, const char *key) {
  json_object *v = NULL;
  cr_assert(json_object_object_get_ex(o, key, &v), "key \"%s\" missing in %s", key,
            json_object_to_json_string(o));
  return v;
}

static void expect_string(json_object *o, const char *key, const char *want) {
  json_object *v = get(o, key);
  cr_expect(json_object_is_type(v, json_type_string), "%s is not a string", key);
  cr_expect_str_eq(json_object_get_string(v), want, "%s", key);
}

Test(interop, rfc5424_fields_parsed_by_mmpstrucdata, .init = setup, .fini = teardown, .timeout = 120) {
  const char *err = rsl_start(&rsl);
  if (err) cr_assert_fail("%s", err);
  log_records(tcp_sink(UVLOG_TCP_OCTET_COUNTING, UVLOG_FORMAT_RFC5424, 0, "uvlogsd"), NULL);
  char *buf = wait_lines("sd.json", 2);
  json_object *root = find_line(buf, "r-17");
  json_object *sd = get(get(root, "rfc5424-sd"), "uvlog@32473");
  /* Every field is its own param (SD values are strings by RFC 5424). */
  expect_string(sd, "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
  expect_string(sd, "span_id", "00f067aa0ba902b7");
  expect_string(sd, "request_id", "r-17");
  expect_string(sd, "peer", "10.0.0.1:5555");
  expect_string(sd, "method", "GET");
  expect_string(sd, "path", HARD_PATH);
  expect_string(sd, "status", "200");
  expect_string(sd, "bytes", "5000000000123");
  expect_string(sd, "delta", "-9223372036854775808");
  expect_string(sd, "duration_s", "0.25");
  expect_string(sd, "cached", "false");
  expect_string(sd, "user", "");
  expect_string(sd, "bad_key__", "1");
  cr_expect_eq(json_object_object_length(sd), 13, "params: %s", json_object_to_json_string(sd));
  json_object_put(root);
  free(buf);
}

Test(interop, json_fields_parsed_by_mmjsonparse, .init = setup, .fini = teardown, .timeout = 120) {
  const char *err = rsl_start(&rsl);
  if (err) cr_assert_fail("%s", err);
  log_records(tcp_sink(UVLOG_TCP_NDJSON, UVLOG_FORMAT_JSON, UVLOG_JSON_PRESET_ECS, "uvlog-ecs"),
              tcp_sink(UVLOG_TCP_NDJSON, UVLOG_FORMAT_JSON, UVLOG_JSON_PRESET_OTEL, "uvlog-otel"));
  char *buf = wait_lines("json.json", 4);
  char *copy = strdup(buf);
  /* ECS: flat dotted keys, fields at the top level. */
  json_object *ecs = find_line(buf, "\"@timestamp\"");
  expect_string(ecs, "message", "request done");
  expect_string(ecs, "log.level", "info");
  expect_string(ecs, "service.name", "uvlog-ecs");
  expect_string(ecs, "trace.id", "4bf92f3577b34da6a3ce929d0e0e4736");
  expect_string(ecs, "path", HARD_PATH);
  expect_string(ecs, "service.version", "1.2.3");
  cr_expect_eq(json_object_get_int64(get(ecs, "process.pid")), 4242);
  cr_expect(json_object_is_type(get(ecs, "status"), json_type_int));
  cr_expect_eq(json_object_get_int64(get(ecs, "status")), 200);
  cr_expect_eq(json_object_get_uint64(get(ecs, "bytes")), UINT64_C(5000000000123));
  cr_expect_eq(json_object_get_int64(get(ecs, "delta")), INT64_MIN);
  cr_expect(json_object_is_type(get(ecs, "duration_s"), json_type_double));
  cr_expect_eq(json_object_get_double(get(ecs, "duration_s")), 0.25);
  cr_expect(json_object_is_type(get(ecs, "cached"), json_type_boolean));
  cr_expect_eq(json_object_get_boolean(get(ecs, "cached")), 0);
  cr_expect(json_object_is_type(get(ecs, "user"), json_type_null));
  cr_expect_eq(json_object_get_int64(get(ecs, "bad key=]")), 1); /* JSON keeps any key */
  /* OpenTelemetry: attributes and resource objects. */
  json_object *otel = find_line(copy, "\"timeUnixNano\"");
  expect_string(otel, "body", "request done");
  json_object *t = get(otel, "timeUnixNano");
  cr_expect(json_object_is_type(t, json_type_string) && strlen(json_object_get_string(t)) == 19 &&
                strspn(json_object_get_string(t), "0123456789") == 19,
            "timeUnixNano: %s", json_object_get_string(t));
  expect_string(otel, "severityText", "INFO");
  cr_expect_eq(json_object_get_int64(get(otel, "severityNumber")), 9);
  expect_string(otel, "traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
  expect_string(otel, "spanId", "00f067aa0ba902b7");
  json_object *attr = get(otel, "attributes");
  cr_expect_eq(json_object_get_int64(get(attr, "status")), 200);
  cr_expect_eq(json_object_get_uint64(get(attr, "bytes")), UINT64_C(5000000000123));
  cr_expect_eq(json_object_get_double(get(attr, "duration_s")), 0.25);
  expect_string(attr, "request_id", "r-17");
  expect_string(attr, "path", HARD_PATH);
  json_object *res = get(otel, "resource");
  expect_string(res, "service.name", "uvlog-otel");
  expect_string(res, "deployment.environment", "test");
  json_object_put(ecs);
  json_object_put(otel);
  free(buf);
  free(copy);
}
