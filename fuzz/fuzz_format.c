/*
 * fuzz_format.c -- libFuzzer target for every format encoder (src/format/):
 * an arbitrary entry (message, file and function bytes, level, timestamp,
 * flags, and optionally structured data: typed fields with arbitrary keys
 * and values, constant fields, category, thread name, trace ids) rendered
 * by TEXT (default pattern and one with every conversion, widths and
 * timestamp specs), JSON (the uvlog, ECS and OpenTelemetry presets),
 * LOGFMT, RFC 5424 and RFC 3164. Besides memory errors and UB (the build
 * adds ASan and UBSan), it checks what the formats promise:
 *   - TEXT, JSON and LOGFMT: one line per record -- the output ends with
 *     '\n' and holds no other '\n';
 *   - JSON: the line parses as one JSON object (json-c, strict mode) whose
 *     message key ("msg", "message" or "body") is a string;
 *   - LOGFMT: the line reads back as key=value pairs (test/format_grammar.h);
 *   - RFC 5424 with fields or a trace: one well-formed SD-ELEMENT.
 *
 * Input: byte 0 selects the format, byte 1 the level, bytes 2-3 the lengths
 * of file and function, bytes 4-11 the timestamp, byte 12 the flags, then the
 * file bytes, the function bytes, and the message (all that is left). When
 * flag bit 0x80 is set, a field block follows the function bytes: a count
 * byte, then per field a type byte, a key length byte, a value length byte,
 * the key and the value bytes (an INT/UINT/DOUBLE value takes its 8 bytes
 * from the value bytes, zero-padded). Bit 0x40 adds a category and thread
 * name, bit 0x20 a trace, bit 0x10 makes the first two fields the logger's
 * constant fields.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../test/format_grammar.h"
#include "format/format.h"

#define N_FMTS 9
#define MAX_FIELDS 80

static uvlog_formatter_t fmts[N_FMTS];
static int ready;

static void setup(void) {
  static const char *const every =
      "%t|%l|%L|%T|%f|%F|%n|%u|%m|%%|%{local,ns}t|%{epoch,ms}t|%{s}t|%-8l|%12c|%-10N|%P|%k|%K|%5m";
  static const uvlog_format_kind_t kinds[N_FMTS] = {
      UVLOG_FORMAT_TEXT, UVLOG_FORMAT_TEXT, UVLOG_FORMAT_JSON,    UVLOG_FORMAT_JSON,   UVLOG_FORMAT_JSON,
      UVLOG_FORMAT_LOGFMT, UVLOG_FORMAT_RFC5424, UVLOG_FORMAT_RFC3164, UVLOG_FORMAT_TEXT};
  uvlog_format_options_t fo;
  for (int i = 0; i < N_FMTS; i++) {
    uvlog_format_options_init(&fo);
    fo.color = i == 8; /* the last TEXT one in colour */
    fo.hostname = "host";
    fo.app_name = "app";
    fo.procid = "1";
    fo.kind = kinds[i];
    if (i == 1 || i == 8) fo.pattern = every;
    if (i >= 2 && i <= 4) fo.json_preset = (uvlog_json_preset_t)(i - 2);
    if (uvlog_formatter_init(&fmts[i], &fo) != 0) abort();
  }
  ready = 1;
}

static void check_one_line(const uvlog_buf_t *b) {
  if (b->oom) return;
  if (b->len == 0 || b->data[b->len - 1] != '\n') abort();
  if (memchr(b->data, '\n', b->len - 1)) abort();
}

static void check_json(const uvlog_formatter_t *f, const uvlog_buf_t *b) {
  static const char *const msg_key[] = {"msg", "message", "body"};
  if (b->oom) return;
  json_tokener *tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *o = json_tokener_parse_ex(tok, b->data, (int)b->len - 1);
  if (!o || json_tokener_get_error(tok) != json_tokener_success) abort();
  json_object *msg = NULL;
  if (!json_object_is_type(o, json_type_object) ||
      !json_object_object_get_ex(o, msg_key[f->json_preset], &msg) ||
      !json_object_is_type(msg, json_type_string))
    abort();
  json_object_put(o);
  json_tokener_free(tok);
}

/* A NUL-terminated copy of n bytes (NULL when null is set). */
static char *cstr(const uint8_t *p, size_t n, int null) {
  if (null) return NULL;
  char *s = malloc(n + 1);
  memcpy(s, p, n);
  s[n] = 0;
  return s;
}

/* Reads the field block at data[*at..size) into fl[] (keys copied into
 * keys[], each NUL-terminated). Returns the count. */
static size_t read_fields(const uint8_t *data, size_t size, size_t *at, uvlog_field_t *fl,
                          char keys[][256]) {
  if (*at >= size) return 0;
  size_t n = data[(*at)++] % (MAX_FIELDS + 1), got = 0;
  for (; got < n && *at + 3 <= size; got++) {
    uint8_t type = data[*at], klen = data[*at + 1], vlen = data[*at + 2];
    *at += 3;
    if (*at + klen + vlen > size) break;
    memcpy(keys[got], data + *at, klen);
    keys[got][klen] = 0;
    const uint8_t *v = data + *at + klen;
    uvlog_field_t *f = &fl[got];
    memset(f, 0, sizeof *f);
    f->key = keys[got];
    f->type = (uvlog_field_type_t)((type & 0x7f) % 6); /* 0x80: a NULL string */
    uint8_t num[8] = {0};
    memcpy(num, v, vlen < 8 ? vlen : 8);
    if (f->type == UVLOG_FIELD_STR) {
      f->v.str.ptr = type & 0x80 ? NULL : (const char *)v;
      f->v.str.len = vlen;
    } else if (f->type == UVLOG_FIELD_BOOL) {
      f->v.b = num[0] & 1;
    } else {
      memcpy(&f->v.u, num, 8); /* INT, UINT, DOUBLE (any bits: NaN, Inf) */
    }
    *at += klen + vlen;
  }
  return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uvlog_field_t fl[MAX_FIELDS];
  static char keys[MAX_FIELDS][256];
  if (!ready) setup();
  if (size < 13) return 0;
  unsigned which = data[0] % N_FMTS;
  size_t flen = data[2] == 255 ? 0 : data[2], ulen = data[3] == 255 ? 0 : data[3];
  if (13 + flen + ulen > size) return 0;
  uvlog_entry_t e;
  memset(&e, 0, sizeof(e));
  e.level = (uvlog_level_t)(data[1] % (UVLOG_LEVEL_COUNT + 2)) - 1; /* -1 .. 7: bad ones too */
  memcpy(&e.ts_ns, data + 4, 8);
  e.flags = data[12] & (UVLOG_ENTRY_TRUNCATED | UVLOG_ENTRY_INTERNAL);
  e.tid = data[12];
  e.line = (int)data[1] * 1000 - 5000;
  char *file = cstr(data + 13, flen, data[2] == 255);
  char *func = cstr(data + 13 + flen, ulen, data[3] == 255);
  e.file = file;
  e.func = func;
  size_t at = 13 + flen + ulen;
  if (data[12] & 0x80) {
    size_t n = read_fields(data, size, &at, fl, keys);
    size_t nres = (data[12] & 0x10) && n >= 2 ? 2 : 0;
    e.resource = nres ? fl : NULL;
    e.n_resource = nres;
    e.fields = fl + nres;
    e.n_fields = n - nres;
  }
  if (data[12] & 0x40) {
    e.category = file ? file : "cat";
    e.thread_name = func;
  }
  if (data[12] & 0x20) {
    memcpy(e.trace_id, data + 4, 8);
    memcpy(e.span_id, data + 4, 8);
    e.flags |= UVLOG_ENTRY_TRACE;
  }
  e.msg = (const char *)data + at;
  e.msg_len = size - at;
  uvlog_buf_t out = {0};
  const uvlog_formatter_t *f = &fmts[which];
  uvlog_formatter_format(f, &e, &out);
  if (f->kind == UVLOG_FORMAT_TEXT || f->kind == UVLOG_FORMAT_JSON || f->kind == UVLOG_FORMAT_LOGFMT)
    check_one_line(&out);
  if (f->kind == UVLOG_FORMAT_JSON) check_json(f, &out);
  if (f->kind == UVLOG_FORMAT_LOGFMT && !out.oom && fg_logfmt_pairs(out.data, out.len) < 3) abort();
  if (f->kind == UVLOG_FORMAT_RFC5424 && !out.oom && (e.n_fields || (e.flags & UVLOG_ENTRY_TRACE)) &&
      fg_sd_params(out.data, out.len) < 0)
    abort();
  uvlog_buf_free(&out);
  free(file);
  free(func);
  return 0;
}
