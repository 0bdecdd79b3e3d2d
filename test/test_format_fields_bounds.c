/*
 * test_format_fields_bounds.c -- hostile structured data in every format:
 * 80 fields (the most a record can carry: 16 of the call, 64 of the
 * context) with keys that no format accepts as they are (spaces, '=', ']',
 * '"', control bytes, ill-formed UTF-8, empty, 40 bytes), values holding
 * every byte value, and one 1 MiB value. Each format's output must be
 * valid by its own grammar -- one JSON object (json-c) with every field as
 * its own key, one logfmt line whose pairs a logfmt tokenizer reads back,
 * one well-formed RFC 5424 SD-ELEMENT -- and bounded: at most 6 output
 * bytes per input byte plus a constant per field.
 */
#include <json-c/json.h>

#include "format/format_util.h"
#include "format_fixture.h"
#include "format_grammar.h"

#define N_FIELDS 80
#define BIG (1u << 20)

static uvlog_field_t fields[N_FIELDS];
static char keys[N_FIELDS][48];
static char *big;
static char every_byte[256];
static size_t input_bytes;

static void build(void) {
  static const char *const bad_keys[] = {"a b", "x=y", "q\"]", "tab\t", "\xff\xfe", "", "\x7f",
                                         "abcdefghijklmnopqrstuvwxyz0123456789ABCD"};
  big = malloc(BIG);
  cr_assert_not_null(big);
  for (size_t i = 0; i < BIG; i++) big[i] = (char)(i * 7 + i / 256);
  for (int i = 0; i < 256; i++) every_byte[i] = (char)i;
  input_bytes = 0;
  for (int i = 0; i < N_FIELDS; i++) {
    /* distinct keys: a hostile stem, then the index */
    snprintf(keys[i], sizeof keys[i], "%s%d", bad_keys[i % 8], i);
    uvlog_field_t *f = &fields[i];
    f->key = keys[i];
    switch (i % 6) {
    case 0: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_STR, .v.str = {every_byte, 256}}; break;
    case 1: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_DOUBLE, .v.d = i % 4 ? NAN : -INFINITY}; break;
    case 2: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_INT, .v.i = INT64_MIN + i}; break;
    case 3: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_STR, .v.str = {NULL, 0}}; break;
    case 4: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_BOOL, .v.b = 1}; break;
    default: *f = (uvlog_field_t){.key = keys[i], .type = UVLOG_FIELD_NULL}; break;
    }
    input_bytes += strlen(keys[i]) + (f->type == UVLOG_FIELD_STR ? f->v.str.len : 0);
  }
  fields[N_FIELDS - 1] = (uvlog_field_t){.key = "big", .type = UVLOG_FIELD_STR, .v.str = {big, BIG}};
  input_bytes += BIG;
}

static uvlog_entry_t hostile_entry(void) {
  uvlog_entry_t e = ff_entry("msg \"with\" ] and \\ and \n");
  e.fields = fields;
  e.n_fields = N_FIELDS;
  e.category = "c a t";
  e.thread_name = "t\"n";
  ff_set_trace(&e);
  return e;
}

static void check_bounded(size_t len) {
  size_t bound = 6 * input_bytes + 64 * N_FIELDS + 1024;
  cr_expect_leq(len, bound, "%zu output bytes for %zu input bytes", len, input_bytes);
}

static void check_one_line(const char *s, size_t len) {
  cr_assert_gt(len, 0);
  cr_expect_eq(s[len - 1], '\n');
  cr_expect_null(memchr(s, '\n', len - 1), "more than one line");
  cr_expect_null(memchr(s, '\0', len), "a NUL in the output"); /* escaped */
}

/* The object holding the fields: the top level, or "attributes" (OTEL). */
static void check_json(uvlog_json_preset_t preset) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_JSON);
  fo.json_preset = preset;
  uvlog_entry_t e = hostile_entry();
  size_t len;
  char *s = ff_render_len(&fo, &e, &len);
  check_one_line(s, len);
  check_bounded(len);
  json_tokener *tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *o = json_tokener_parse_ex(tok, s, (int)len - 1);
  cr_assert(o && json_tokener_get_error(tok) == json_tokener_success, "preset %d: invalid JSON", preset);
  json_object *holder = o;
  if (preset == UVLOG_JSON_PRESET_OTEL) cr_assert(json_object_object_get_ex(o, "attributes", &holder));
  /* Every field is its own key (keys with '\xff' become U+FFFD but stay distinct by their index). */
  json_object *v;
  cr_expect(json_object_object_get_ex(holder, "big", &v) && json_object_get_string_len(v) >= (int)BIG,
            "the 1 MiB value is whole");
  /* Standard keys never end in a digit; every hostile key does. */
  int n = 0;
  json_object_object_foreach(holder, key, val) {
    (void)val;
    size_t kl = strlen(key);
    n += kl > 0 && key[kl - 1] >= '0' && key[kl - 1] <= '9';
  }
  cr_expect_eq(n, N_FIELDS - 1, "preset %d: %d of %d fields found", preset, n, N_FIELDS - 1);
  json_object_put(o);
  json_tokener_free(tok);
  free(s);
}

Test(format_fields_bounds, json_every_preset, .init = build) {
  check_json(UVLOG_JSON_PRESET_UVLOG);
  check_json(UVLOG_JSON_PRESET_ECS);
  check_json(UVLOG_JSON_PRESET_OTEL);
  free(big);
}

Test(format_fields_bounds, logfmt_and_text, .init = build) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_LOGFMT);
  uvlog_entry_t e = hostile_entry();
  size_t len;
  char *s = ff_render_len(&fo, &e, &len);
  check_one_line(s, len);
  check_bounded(len);
  /* time level msg category trace_id span_id + the fields */
  cr_expect_eq(fg_logfmt_pairs(s, len), 6 + N_FIELDS, "logfmt grammar: %.200s", s);
  free(s);
  fo = ff_options(UVLOG_FORMAT_TEXT);
  fo.pattern = "%k";
  s = ff_render_len(&fo, &e, &len);
  check_one_line(s, len);
  check_bounded(len);
  cr_expect_eq(fg_logfmt_pairs(s, len), N_FIELDS);
  free(s);
  free(big);
}

Test(format_fields_bounds, rfc5424_structured_data, .init = build) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_RFC5424);
  uvlog_entry_t e = hostile_entry();
  size_t len;
  char *s = ff_render_len(&fo, &e, &len);
  check_bounded(len);
  cr_expect_eq(fg_sd_params(s, len), 2 + N_FIELDS, "SD grammar: %.300s", s);
  /* The SD part is UTF-8 (RFC 5424 PARAM-VALUE): well-formed throughout. */
  const unsigned char *u = memmem(s, len, " [", 2);
  const unsigned char *msg = memmem(s, len, "\"] msg", 6);
  cr_assert_not_null(msg);
  for (const unsigned char *q = u; q < msg;) {
    size_t bad, l = fmt_utf8_seq(q, (size_t)(msg - q), &bad);
    cr_assert_neq(l, 0u, "ill-formed UTF-8 at offset %zu", (size_t)(q - (const unsigned char *)s));
    q += l;
  }
  free(s);
  free(big);
}
