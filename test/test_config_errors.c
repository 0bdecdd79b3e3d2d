/*
 * test_config_errors.c -- every kind of bad configuration is refused with
 * its exact file, line, column and option, and nothing is loaded: syntax,
 * unknown keys, wrong types, out-of-range values, duplicate keys, unknown
 * sink types, missing required options, deep nesting, binary and
 * truncated input, oversized input, an unopenable file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

typedef struct {
  const char *text;
  int line, col;
  const char *option;
  const char *msg; /* a part of the message */
} bad_case_t;

static const bad_case_t cases[] = {
    {"logger:\n  levl: debug\n", 2, 3, "logger", "unknown option 'levl'"},
    {"logger:\n  level: debug\n  level: info\n", 3, 3, "logger.level", "duplicate key (first at line 2, column 3)"},
    {"logger:\n  level: loud\n", 2, 10, "logger.level", "'loud' is not a level"},
    {"logger:\n  level: [info]\n", 2, 10, "logger.level", "expected a single value, found a list"},
    {"logger:\n  ring_capacity: 5000\n", 2, 18, "logger.ring_capacity", "power of two"},
    {"logger:\n  ring_capacity: 99999999999999999999999\n", 2, 18, "logger.ring_capacity", "out of range"},
    {"logger:\n  flush_interval_ms: -1\n", 2, 22, "logger.flush_interval_ms", "not a whole number"},
    {"logger:\n  overflow: wait\n", 2, 13, "logger.overflow", "one of: drop, block"},
    {"logger:\n  atexit_close: maybe\n", 2, 17, "logger.atexit_close", "not a boolean"},
    {"loggers: {}\n", 1, 1, "", "unknown option 'loggers'"},
    {"- a\n- b\n", 1, 1, "", "must be a mapping"},
    {"sinks:\n  - type: bogus\n", 2, 11, "sinks[0].type", "unknown sink type 'bogus'"},
    {"sinks:\n  - path: /x\n", 2, 5, "sinks[0]", "needs a type"},
    {"sinks:\n  - type: file\n    keep: 5000\n", 3, 11, "sinks[0].keep", "must be from 0 to 1000"},
    {"sinks:\n  - type: file\n", 2, 5, "sinks[0].path", "required"},
    {"sinks:\n  - type: file\n    path: /tmp/x\n    mode: 0999\n", 4, 11, "sinks[0].mode", "octal"},
    {"sinks:\n  - type: file\n    path: /tmp/x\n    mode: 0444\n", 4, 11, "sinks[0].mode", "owner write"},
    {"sinks:\n  - type: file\n    path: /tmp/x\n    keep: 0\n    rotate_every: daily\n", 4, 11, "sinks[0].keep", "at least 1"},
    {"sinks:\n  - type: stderr\n  - type: tcp\n    host: h\n    port: 70000\n", 5, 11, "sinks[1].port", "1 to 65535"},
    {"sinks:\n  - type: tcp\n    host: h\n", 2, 5, "sinks[0].port", "required"},
    {"sinks:\n  - type: tcp\n    host: h\n    port: 1\n    backlog_bytes: 1K\n", 5, 20, "sinks[0].backlog_bytes", "from 4096"},
    {"sinks:\n  - type: syslog\n    reconnect_min_ms: 10\n    reconnect_max_ms: 5\n", 4, 23, "sinks[0].reconnect_max_ms", "at least reconnect_min_ms"},
    {"sinks:\n  - type: stderr\n    format: {kind: text, pattern: \"%q\"}\n", 3, 13, "sinks[0].format", "refused"},
    {"sinks:\n  - type: stderr\n    format: {kind: xml}\n", 3, 20, "sinks[0].format.kind", "one of: text, json"},
    {"sinks:\n  - type: stderr\n    format: xml\n", 3, 13, "sinks[0].format.kind", "one of: text"},
    {"sinks:\n  - type: stderr\n    rotate_size: 1\n", 3, 5, "sinks[0]", "unknown option 'rotate_size' for a stderr sink"},
    {"sinks: {type: stderr}\n", 1, 8, "sinks", "expected a list"},
    {"categories:\n  http: loud\n", 2, 9, "categories.http", "not a level"},
    {"categories:\n  \"bad name\": info\n", 2, 3, "categories.bad name", "not a category name"},
    {"sinks:\n  - type: stderr\n    categories: [http, \"a b\"]\n", 3, 24, "sinks[0].categories", "'a b'"},
    {"sinks:\n  - type: stderr\n    categories: []\n", 3, 17, "sinks[0].categories", "an empty list"},
    {"sinks:\n  - type: stderr\n    categories: {a: b}\n", 3, 17, "sinks[0].categories", "expected a list"},
    {"sinks:\n  - type: stderr\n    format: {kind: json, json_preset: gelf}\n", 3, 39, "sinks[0].format.json_preset", "one of: uvlog, ecs, otel"},
    {"sinks:\n  - type: stderr\n    format: {json_keys: {msg: m}}\n", 3, 26, "sinks[0].format.json_keys", "unknown option 'msg'"},
    {"sinks:\n  - type: stderr\n    format: {kind: rfc5424, sd_id: \"no at\"}\n", 3, 13, "sinks[0].format", "refused"},
    {"fields:\n  service: [a]\n", 2, 12, "fields.service", "expected a single value"},
    {"fields: [a]\n", 1, 9, "fields", "expected a mapping"},
    {"fields: {a: 1, a: 2}\n", 1, 16, "fields.a", "duplicate key"},
    {"fields: {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11, l: 12, m: 13, n: 14, o: 15, p: 16, q: 17}\n", 1, 113, "fields", "more than 16 fields"},
    {"a: [[[[[[[[[[1]]]]]]]]]]\n", 1, 11, "", "nested more than 8 levels"},
    {"logger: {level: info\n", 2, 1, "", "did not find expected ',' or '}'"},
    {"logger:\n  level: info\n  bad", 4, 1, "", "could not find expected ':'"},
    {"logger: &a {level: info}\n", 1, 9, "", "anchors"},
    {"logger: !!map {level: info}\n", 1, 9, "", "tags"},
    {"logger: {}\n---\nlogger: {}\n", 2, 1, "", "more than one document"},
    {"logger: {level: \"in\\0fo\"}\n", 1, 17, "", "NUL byte"},
    {"logger:\n  level: \x01\n", 2, 10, "", "control characters are not allowed"},
    {"logger:\n  level: \xff\xfe\n", 2, 10, "", "invalid leading UTF-8 octet"},
};

Test(config_errors, each_bad_input_has_its_exact_position) {
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const bad_case_t *c = &cases[i];
    uvlog_config_t *cfg = (uvlog_config_t *)1;
    uvlog_config_error_t e;
    memset(&e, 0x55, sizeof e);
    int rc = uvlog_config_load_string(&cfg, c->text, strlen(c->text), "bad.yaml", &e);
    char line[800];
    uvlog_config_error_str(&e, line, sizeof line);
    cr_expect_eq(rc, UVLOG_EINVAL, "case %zu: rc %d (%s)", i, rc, line);
    cr_expect_eq(e.code, rc, "case %zu", i);
    cr_expect_null(cfg, "case %zu: nothing is loaded", i);
    cr_expect_str_eq(e.file, "bad.yaml", "case %zu", i);
    cr_expect(e.line == c->line && e.column == c->col, "case %zu: %s (want %d:%d)", i, line,
              c->line, c->col);
    cr_expect_str_eq(e.option, c->option, "case %zu: %s", i, line);
    cr_expect(strstr(e.message, c->msg) != NULL, "case %zu: '%s' lacks '%s'", i, e.message,
              c->msg);
  }
}

Test(config_errors, error_line_format) {
  uvlog_config_t *cfg;
  uvlog_config_error_t e;
  const char *t = "logger:\n  level: loud\n";
  cr_assert_eq(uvlog_config_load_string(&cfg, t, strlen(t), "app.yaml", &e), UVLOG_EINVAL);
  char line[800];
  cr_expect_str_eq(uvlog_config_error_str(&e, line, sizeof line),
                   "app.yaml:2:10: logger.level: 'loud' is not a level (trace, debug, info, "
                   "notice, warning, error, critical, off)");
}

Test(config_errors, truncated_inputs_never_crash) {
  /* Every prefix of a full configuration either loads or is refused with a
   * position inside the text. */
  const char *t = "logger:\n  level: debug\n  ring_capacity: 64K\ncategories:\n  http: debug\n"
                  "sinks:\n  - type: file\n    path: /tmp/uvlog-never-opened.log\n"
                  "    format: {kind: json, app_name: \"a b\"}\n  - {type: tcp, host: h, port: 9}\n";
  size_t n = strlen(t);
  for (size_t len = 0; len <= n; len++) {
    uvlog_config_t *cfg = NULL;
    uvlog_config_error_t e;
    int rc = uvlog_config_load_string(&cfg, t, len, NULL, &e);
    if (rc == 0) {
      uvlog_config_free(cfg);
      continue;
    }
    cr_expect_eq(rc, UVLOG_EINVAL, "prefix %zu", len);
    cr_expect_str_eq(e.file, "<string>");
    cr_expect(e.line >= 1 && e.line <= 11, "prefix %zu: line %d", len, e.line);
  }
}

Test(config_errors, huge_and_wide_inputs) {
  size_t big = UVLOG_CONFIG_MAX_BYTES + 1;
  char *t = malloc(big + 1);
  memset(t, '#', big);
  t[big] = 0;
  uvlog_config_t *cfg;
  uvlog_config_error_t e;
  cr_expect_eq(uvlog_config_load_string(&cfg, t, big, NULL, &e), UVLOG_EINVAL);
  cr_expect(strstr(e.message, "more than the limit") != NULL, "%s", e.message);
  /* A long value. */
  size_t n = (size_t)snprintf(t, big, "sinks: [{type: file, path: \"");
  memset(t + n, 'a', 5000);
  strcpy(t + n + 5000, "\"}]");
  cr_expect_eq(uvlog_config_load_string(&cfg, t, strlen(t), NULL, &e), UVLOG_EINVAL);
  cr_expect(strstr(e.message, "longer than 4096") != NULL, "%s", e.message);
  cr_expect_eq(e.line, 1);
  cr_expect_eq(e.column, 28);
  /* Too many sinks. */
  n = (size_t)snprintf(t, big, "sinks:\n");
  for (int i = 0; i < UVLOG_CONFIG_MAX_SINKS + 1; i++)
    n += (size_t)snprintf(t + n, big - n, "  - type: stderr\n");
  cr_expect_eq(uvlog_config_load_string(&cfg, t, n, NULL, &e), UVLOG_EINVAL);
  cr_expect_eq(e.line, UVLOG_CONFIG_MAX_SINKS + 2);
  cr_expect(strstr(e.message, "more than 64 sinks") != NULL, "%s", e.message);
  free(t);
}

Test(config_errors, unopenable_files) {
  uvlog_config_t *cfg = NULL;
  uvlog_config_error_t e;
  cr_expect_eq(uvlog_config_load_file(&cfg, "/nonexistent/uvlog.yaml", &e), -ENOENT);
  cr_expect_str_eq(e.file, "/nonexistent/uvlog.yaml");
  cr_expect_eq(e.line, 0);
  cr_expect(strstr(e.message, "cannot open") != NULL, "%s", e.message);
  cr_expect_eq(uvlog_config_load_file(&cfg, "/tmp", &e), UVLOG_EINVAL);
  cr_expect(strstr(e.message, "not a regular file") != NULL, "%s", e.message);
  cr_expect_null(cfg);
  cr_expect_eq(uvlog_config_load_file(NULL, "/tmp", NULL), UVLOG_EINVAL);
}
