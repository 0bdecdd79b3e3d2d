/*
 * test_config_roundtrip.c -- a configuration written out (uvlog_config_to_string)
 * and the dump of a logger made from it (uvlog_config_dump) load back to the
 * same configuration, for every sink type with every option set away from
 * its default; the dump shows levels changed at run time.
 */
#include <criterion/criterion.h>

#include "net_fixture.h"

static const char *full =
    "logger:\n  level: notice\n  ring_capacity: 256K\n  overflow: block\n"
    "  flush_interval_ms: 250\n  delivery_latency_ms: 5\n  urgent_level: warning\n"
    "  close_timeout_ms: 1500\n  atexit_close: false\n  max_record: 4096\n"
    "%s"
    "fields:\n  service: api\n  version: \"1.2\"\n  shard: 7\n  delta: -3\n  ratio: 0.5\n"
    "  canary: true\n  region: ~\n"
    "sinks:\n"
    "  - type: stderr\n    name: console\n    level: warning\n    categories: [http.access, \"db\"]\n"
    "    format: {kind: text, pattern: \"%%t %%l %%m\", color: never}\n"
    "  - type: file\n    path: %s\n    level: debug\n    mode: 0600\n    rotate_size: 10M\n"
    "    rotate_every: hourly\n    rotate_utc: false\n    keep: 7\n    reopen_on_sighup: true\n"
    "    fsync_on_flush: true\n    follow_symlinks: true\n"
    "    format: {kind: json, json_preset: ecs, json_keys: {message: msg, span_id: \"\"}}\n"
    "  - type: syslog\n    path: /run/uvlog-test.sock\n    max_message: 2048\n"
    "    buffer_size: 64K\n    reconnect_min_ms: 50\n    reconnect_max_ms: 500\n"
    "    flush_timeout_ms: 100\n    close_timeout_ms: 200\n    fail_if_missing: true\n"
    "    format: {kind: rfc5424, facility: local3, app_name: app, hostname: h1, procid: \"7\","
    " msgid: REQ, sd_id: \"app@32473\"}\n"
    "  - type: tcp\n    host: ::1\n    port: 6514\n    framing: ndjson\n    backlog_bytes: 1M\n"
    "    reconnect_min_ms: 10\n    reconnect_max_ms: 20\n    connect_timeout_ms: 30\n"
    "    flush_timeout_ms: 40\n    close_timeout_ms: 50\n"
    "    format: {kind: json, app_name: \"null\", hostname: \"\"}\n"
    "  - type: stderr\n    format: logfmt\n";

static uvlog_config_t *load(const char *text) {
  uvlog_config_t *c = NULL;
  uvlog_config_error_t e;
  int rc = uvlog_config_load_string(&c, text, strlen(text), NULL, &e);
  char line[800];
  cr_assert_eq(rc, 0, "%s\n%s", uvlog_config_error_str(&e, line, sizeof line), text);
  return c;
}

static char *text_of(const uvlog_config_t *c) {
  char *s = NULL;
  cr_assert_eq(uvlog_config_to_string(c, &s), 0);
  return s;
}

/* `text` loads, is written out containing `want`, and what is written
 * loads back to the same text. */
static void check_text_roundtrip(const char *text, const char *want) {
  uvlog_config_t *a = load(text);
  char *ta = text_of(a);
  cr_expect(strstr(ta, want) != NULL, "'%s' not in:\n%s", want, ta);
  uvlog_config_t *b = load(ta);
  char *tb = text_of(b);
  cr_expect_str_eq(tb, ta);
  free(ta);
  free(tb);
  uvlog_config_free(a);
  uvlog_config_free(b);
}

Test(config_roundtrip, to_string_loads_back_the_same) {
  char dir[256], path[300], text[4096];
  nf_mkdtemp(dir, sizeof dir, "cfgrt");
  snprintf(path, sizeof path, "%s/app.log", dir);
  snprintf(text, sizeof text, full, "categories:\n  http: debug\n  db.pool: trace\n", path);
  check_text_roundtrip(text, "categories:\n  http: debug\n  db.pool: trace\n");
  check_text_roundtrip(text, "categories: http.access,db\n");
  /* Values that need care: a string "null" and an empty one stay strings. */
  check_text_roundtrip(text, "app_name: \"null\"");
  check_text_roundtrip(text, "hostname: \"\"");
  check_text_roundtrip(text, "mode: 0600");
  check_text_roundtrip(text, "rotate_size: 10485760");
  check_text_roundtrip(text, "json_preset: ecs\n    json_keys:\n      message: msg\n      span_id: \"\"\n");
  check_text_roundtrip(text, "sd_id: app@32473");
  check_text_roundtrip(text, "kind: logfmt");
  check_text_roundtrip(text, "fields:\n  service: \"api\"\n  version: \"1.2\"\n  shard: 7\n"
                             "  delta: -3\n  ratio: 0.5\n  canary: true\n  region: null\n");

  /* The dump of a logger made from it: the same, plus run-time levels. */
  uvlog_config_t *a = load(text);
  char *ta = text_of(a);
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_logger_create(&log, a, &e), 0, "%s", e.message);
  uvlog_sink_t *mine;
  cr_assert_eq(uvlog_sink_stderr_create(&mine), 0);
  cr_assert_eq(uvlog_sink_add(log, mine), 0);
  char *dump = NULL;
  cr_assert_eq(uvlog_config_dump(log, &dump), 0);
  cr_expect(strstr(dump, "# not shown: 1 sink added through the C API: stderr") != NULL, "%s",
            dump);
  uvlog_config_t *c = load(dump);
  char *tc = text_of(c);
  cr_expect_str_eq(tc, ta);
  free(dump);
  uvlog_logger_set_level(log, UVLOG_LEVEL_ERROR);
  cr_assert_eq(uvlog_config_dump(log, &dump), 0);
  cr_expect(strstr(dump, "  level: error\n") != NULL, "%s", dump);
  free(dump);

  uvlog_logger_destroy(log);
  free(ta);
  free(tc);
  uvlog_config_free(a);
  uvlog_config_free(c);
  nf_rmtree(dir);
}

Test(config_roundtrip, empty_configuration) { check_text_roundtrip("", "sinks: []"); }

Test(config_roundtrip, constant_fields_fixed_once_started) {
  char dir[256], text[600];
  nf_mkdtemp(dir, sizeof dir, "cfgfields");
  const char *t = "fields: {shard: %d, svc: api}\n"
                  "sinks: [{type: file, path: \"%s/f.log\", format: {pattern: \"%%K %%m\"}}]\n";
  snprintf(text, sizeof text, t, 7, dir);
  uvlog_config_t *a = load(text);
  snprintf(text, sizeof text, t, 8, dir);
  uvlog_config_t *b = load(text);
  uvlog_t *log;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_logger_create(&log, a, &e), 0, "%s", e.message);
  cr_expect_eq(uvlog_config_apply(log, b, &e), 0, "before start: %s", e.message);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_expect_eq(uvlog_config_apply(log, b, &e), 0, "the same fields: %s", e.message);
  cr_expect_eq(uvlog_config_apply(log, a, &e), UVLOG_EBUSY);
  cr_expect_str_eq(e.option, "fields");
  char *dump;
  cr_assert_eq(uvlog_config_dump(log, &dump), 0);
  cr_expect(strstr(dump, "fields:\n  shard: 8\n  svc: \"api\"\n") != NULL, "%s", dump);
  free(dump);
  cr_expect_eq(UVLOG_INFO_TO(log, "hello"), 0);
  uvlog_logger_destroy(log);
  snprintf(text, sizeof text, "%s/f.log", dir);
  size_t len;
  char *got = nf_read_file(text, &len);
  cr_expect(got && strcmp(got, "shard=8 svc=api hello\n") == 0, "%s", got ? got : "(none)");
  free(got);
  nf_rmtree(dir);
  uvlog_config_free(a);
  uvlog_config_free(b);
}
