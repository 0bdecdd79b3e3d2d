/*
 * test_format_json_keys.c -- the JSON format with structured data: the exact
 * line of each preset (uvlog, Elastic Common Schema, OpenTelemetry) for a
 * fully structured record, custom key names (renamed, left out, fields in
 * an object), field types (integers, doubles, NaN/Inf as null, bool,
 * null), escaping of keys and values (ill-formed UTF-8 too), duplicate
 * keys, empty objects left out, and a bad preset refused. Every line is
 * also parsed with json-c.
 */
#include <json-c/json.h>

#include "format_fixture.h"

#define TRACE "\"4bf92f3577b34da6a3ce929d0e0e4736\""
#define SPAN "\"00f067aa0ba902b7\""

/* 1 if s (one line ending in '\n') is exactly one valid JSON object. */
static int json_valid(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1)) return 0;
  json_tokener *tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *o = json_tokener_parse_ex(tok, s, (int)n - 1);
  int ok = o && json_tokener_get_error(tok) == json_tokener_success &&
           json_object_is_type(o, json_type_object) && tok->char_offset == (int)n - 1;
  json_object_put(o);
  json_tokener_free(tok);
  return ok;
}

static void expect_json(const uvlog_format_options_t *fo, const uvlog_entry_t *e, const char *want) {
  char *got = ff_render(fo, e);
  cr_expect_str_eq(got, want);
  cr_expect(json_valid(got), "not one JSON object: %s", got);
  free(got);
}

static uvlog_format_options_t json_options(uvlog_json_preset_t preset) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_JSON);
  fo.json_preset = preset;
  return fo;
}

Test(format_json_keys, uvlog_preset_plain_unchanged) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_UVLOG);
  uvlog_entry_t e = ff_entry("hello");
  expect_json(&fo, &e, "{\"ts\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"tid\":4242,"
                       "\"file\":\"main.c\",\"line\":77,\"func\":\"run\",\"msg\":\"hello\","
                       "\"host\":\"host.example\",\"app\":\"app\",\"pid\":\"1234\"}\n");
}

Test(format_json_keys, uvlog_preset_structured) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_UVLOG);
  uvlog_entry_t e = ff_full("hello");
  expect_json(&fo, &e,
              "{\"ts\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"tid\":4242,"
              "\"thread\":\"worker-1\",\"category\":\"http.access\",\"file\":\"main.c\",\"line\":77,"
              "\"func\":\"run\",\"msg\":\"hello\",\"host\":\"host.example\",\"app\":\"app\","
              "\"pid\":\"1234\",\"trace_id\":" TRACE ",\"span_id\":" SPAN ","
              "\"service.version\":\"1.2.3\",\"deployment.environment\":\"prod\","
              "\"request_id\":\"r-17\",\"method\":\"GET\",\"path\":\"/a b\",\"status\":200,"
              "\"bytes\":18446744073709551615,\"duration_s\":0.25,\"cached\":false,\"user\":null}\n");
}

Test(format_json_keys, ecs_preset) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_ECS);
  uvlog_entry_t e = ff_full("hello");
  expect_json(&fo, &e,
              "{\"@timestamp\":\"2026-11-22T02:32:48.123456Z\",\"log.level\":\"info\","
              "\"ecs.version\":\"8.11.0\",\"process.thread.id\":4242,"
              "\"process.thread.name\":\"worker-1\",\"log.logger\":\"http.access\","
              "\"log.origin.file.name\":\"main.c\",\"log.origin.file.line\":77,"
              "\"log.origin.function\":\"run\",\"message\":\"hello\","
              "\"host.hostname\":\"host.example\",\"service.name\":\"app\",\"process.pid\":1234,"
              "\"trace.id\":" TRACE ",\"span.id\":" SPAN ","
              "\"service.version\":\"1.2.3\",\"deployment.environment\":\"prod\","
              "\"request_id\":\"r-17\",\"method\":\"GET\",\"path\":\"/a b\",\"status\":200,"
              "\"bytes\":18446744073709551615,\"duration_s\":0.25,\"cached\":false,\"user\":null}\n");
  /* No file, function, thread name, category or trace: left out, not null;
   * a procid that is not a number stays a string; a truncated record. */
  fo.procid = "web-1";
  e = ff_entry("x");
  e.file = NULL;
  e.func = NULL;
  e.flags = UVLOG_ENTRY_TRUNCATED;
  e.level = UVLOG_LEVEL_CRITICAL;
  expect_json(&fo, &e,
              "{\"@timestamp\":\"2026-11-22T02:32:48.123456Z\",\"log.level\":\"critical\","
              "\"ecs.version\":\"8.11.0\",\"process.thread.id\":4242,\"log.origin.file.line\":77,"
              "\"message\":\"x\",\"uvlog.truncated\":true,\"host.hostname\":\"host.example\","
              "\"service.name\":\"app\",\"process.pid\":\"web-1\"}\n");
}

Test(format_json_keys, otel_preset) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_OTEL);
  uvlog_entry_t e = ff_full("hello");
  e.level = UVLOG_LEVEL_WARNING;
  expect_json(&fo, &e,
              "{\"timeUnixNano\":\"1795314768123456789\",\"severityText\":\"WARNING\","
              "\"severityNumber\":13,\"instrumentationScope\":{\"name\":\"http.access\"},"
              "\"body\":\"hello\",\"traceId\":" TRACE ",\"spanId\":" SPAN ","
              "\"attributes\":{\"thread.id\":4242,\"thread.name\":\"worker-1\","
              "\"code.filepath\":\"main.c\",\"code.lineno\":77,\"code.function\":\"run\","
              "\"request_id\":\"r-17\",\"method\":\"GET\",\"path\":\"/a b\",\"status\":200,"
              "\"bytes\":18446744073709551615,\"duration_s\":0.25,\"cached\":false,\"user\":null},"
              "\"resource\":{\"host.name\":\"host.example\",\"service.name\":\"app\","
              "\"process.pid\":1234,\"service.version\":\"1.2.3\","
              "\"deployment.environment\":\"prod\"}}\n");
}

Test(format_json_keys, otel_severity_numbers) {
  static const char *const want[] = {"\"TRACE\",\"severityNumber\":1,",  "\"DEBUG\",\"severityNumber\":5,",
                                     "\"INFO\",\"severityNumber\":9,",   "\"NOTICE\",\"severityNumber\":10,",
                                     "\"WARNING\",\"severityNumber\":13,", "\"ERROR\",\"severityNumber\":17,",
                                     "\"CRITICAL\",\"severityNumber\":21,"};
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_OTEL);
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++) {
    uvlog_entry_t e = ff_entry("m");
    e.level = (uvlog_level_t)l;
    char *got = ff_render(&fo, &e);
    cr_expect_not_null(strstr(got, want[l]), "level %d: %s", l, got);
    free(got);
  }
  uvlog_entry_t e = ff_entry("m");
  e.level = (uvlog_level_t)9; /* out of range: unspecified */
  char *got = ff_render(&fo, &e);
  cr_expect_not_null(strstr(got, "\"severityText\":\"?\",\"severityNumber\":0,"), "%s", got);
  free(got);
}

Test(format_json_keys, custom_names) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_UVLOG);
  fo.json_keys.time = "when";
  fo.json_keys.message = "text";
  fo.json_keys.severity_number = "sev";
  fo.json_keys.thread_id = fo.json_keys.file = fo.json_keys.line = fo.json_keys.function = "";
  fo.json_keys.host = fo.json_keys.app = fo.json_keys.pid = "";
  fo.json_keys.fields = "fields";
  fo.json_keys.resource = "res";
  uvlog_entry_t e = ff_entry("hi");
  expect_json(&fo, &e, "{\"when\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"sev\":9,"
                       "\"text\":\"hi\"}\n");
  uvlog_field_t fl[] = {FF_INT("a", 1)};
  uvlog_field_t res[] = {FF_STR("env", "prod")};
  e.fields = fl;
  e.n_fields = 1;
  e.resource = res;
  e.n_resource = 1;
  expect_json(&fo, &e, "{\"when\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"sev\":9,"
                       "\"text\":\"hi\",\"fields\":{\"a\":1},\"res\":{\"env\":\"prod\"}}\n");
  /* A name with characters JSON must escape. */
  fo.json_keys.message = "m\"sg\n";
  expect_json(&fo, &e, "{\"when\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"sev\":9,"
                       "\"m\\\"sg\\n\":\"hi\",\"fields\":{\"a\":1},\"res\":{\"env\":\"prod\"}}\n");
}

Test(format_json_keys, everything_left_out_still_json) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_OTEL);
  uvlog_json_keys_t none = {"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""};
  fo.json_keys = none;
  uvlog_entry_t e = ff_full("m");
  e.fields = NULL;
  e.resource = NULL;
  expect_json(&fo, &e, "{}\n");
  /* OTEL with its objects but nothing to put in them: they are left out. */
  fo = json_options(UVLOG_JSON_PRESET_OTEL);
  fo.json_keys.thread_id = fo.json_keys.file = fo.json_keys.line = fo.json_keys.function = "";
  fo.json_keys.host = fo.json_keys.app = fo.json_keys.pid = "";
  e = ff_entry("m");
  expect_json(&fo, &e, "{\"timeUnixNano\":\"1795314768123456789\",\"severityText\":\"INFO\","
                       "\"severityNumber\":9,\"body\":\"m\"}\n");
}

/* {"k":<value>} with every standard item left out. */
static void expect_field_json(uvlog_field_t fl, const char *want) {
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_UVLOG);
  uvlog_json_keys_t none = {"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""};
  fo.json_keys = none;
  uvlog_entry_t e = ff_entry("m");
  e.fields = &fl;
  e.n_fields = 1;
  expect_json(&fo, &e, want);
}

Test(format_json_keys, field_types_and_escaping) {
  expect_field_json(FF_INT("k", INT64_MIN), "{\"k\":-9223372036854775808}\n");
  expect_field_json(FF_UINT("k", UINT64_MAX), "{\"k\":18446744073709551615}\n");
  expect_field_json(FF_DBL("k", 2.0), "{\"k\":2.0}\n");
  expect_field_json(FF_DBL("k", -1.5e-300), "{\"k\":-1.5e-300}\n");
  expect_field_json(FF_DBL("k", NAN), "{\"k\":null}\n");
  expect_field_json(FF_DBL("k", INFINITY), "{\"k\":null}\n");
  expect_field_json(FF_DBL("k", -INFINITY), "{\"k\":null}\n");
  expect_field_json(FF_BOOL("k", 1), "{\"k\":true}\n");
  expect_field_json(FF_NULL("k"), "{\"k\":null}\n");
  uvlog_field_t null_str = {.key = "k", .type = UVLOG_FIELD_STR, .v.str = {NULL, 3}};
  expect_field_json(null_str, "{\"k\":null}\n");
  expect_field_json(FF_STR("k", "a\"b\\c\n\x01\x7f"), "{\"k\":\"a\\\"b\\\\c\\n\\u0001\\u007f\"}\n");
  expect_field_json(FF_STR("k", "bad\xff\xc3(utf8 \xe2\x9c\x93"), "{\"k\":\"bad\\ufffd\\ufffd(utf8 \xe2\x9c\x93\"}\n");
  expect_field_json(FF_STR("k", "nul\0x"), "{\"k\":\"nul\\u0000x\"}\n");
  expect_field_json(FF_INT("we\"ird\tkey\xff", 1), "{\"we\\\"ird\\tkey\\ufffd\":1}\n");
  expect_field_json(FF_INT("", 1), "{\"\":1}\n");
}

Test(format_json_keys, duplicate_keys) {
  /* Among the fields the later wins; a field named like a standard key gets
   * '_'; a constant field the record also has is left out at the top level
   * but kept when the two are in different objects (OTEL). */
  uvlog_field_t fl[] = {FF_INT("id", 1), FF_STR("msg", "x"), FF_INT("id", 2), FF_STR("env", "dev")};
  uvlog_field_t res[] = {FF_STR("env", "prod"), FF_STR("ts", "t")};
  uvlog_format_options_t fo = json_options(UVLOG_JSON_PRESET_UVLOG);
  fo.json_keys.file = fo.json_keys.line = fo.json_keys.function = "";
  fo.json_keys.host = fo.json_keys.app = fo.json_keys.pid = fo.json_keys.thread_id = "";
  uvlog_entry_t e = ff_entry("m");
  e.fields = fl;
  e.n_fields = 4;
  e.resource = res;
  e.n_resource = 2;
  expect_json(&fo, &e, "{\"ts\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"msg\":\"m\","
                       "\"_ts\":\"t\",\"_msg\":\"x\",\"id\":2,\"env\":\"dev\"}\n");
  fo = json_options(UVLOG_JSON_PRESET_OTEL);
  fo.json_keys.thread_id = fo.json_keys.file = fo.json_keys.line = fo.json_keys.function = "";
  fo.json_keys.host = fo.json_keys.app = fo.json_keys.pid = "";
  expect_json(&fo, &e, "{\"timeUnixNano\":\"1795314768123456789\",\"severityText\":\"INFO\","
                       "\"severityNumber\":9,\"body\":\"m\",\"attributes\":{\"msg\":\"x\",\"id\":2,"
                       "\"env\":\"dev\"},\"resource\":{\"env\":\"prod\",\"ts\":\"t\"}}\n");
}

Test(format_json_keys, bad_preset_einval) {
  uvlog_format_options_t fo = json_options((uvlog_json_preset_t)3);
  cr_expect_eq(ff_init_rc(&fo), UVLOG_EINVAL);
  fo = json_options((uvlog_json_preset_t)-1);
  cr_expect_eq(ff_init_rc(&fo), UVLOG_EINVAL);
  uvlog_format_options_t d;
  uvlog_format_options_init(&d);
  cr_expect_eq(d.json_preset, UVLOG_JSON_PRESET_UVLOG);
  cr_expect_null(d.json_keys.time);
  cr_expect_null(d.json_keys.resource);
  cr_expect_null(d.sd_id);
}
