/*
 * fuzz_format.c -- libFuzzer target for every format encoder (src/format/):
 * an arbitrary entry (message, file and function bytes, level, timestamp,
 * flags) rendered by TEXT (default pattern and one with every conversion),
 * JSON, RFC 5424 and RFC 3164. Besides memory errors and UB (the build adds
 * ASan and UBSan), it checks what the formats promise:
 *   - TEXT and JSON: one line per record -- the output ends with '\n' and
 *     holds no other '\n';
 *   - JSON: the line parses as one JSON object (json-c, strict mode) with a
 *     string "msg".
 *
 * Input: byte 0 selects the format, byte 1 the level, bytes 2-3 the lengths
 * of file and function, bytes 4-11 the timestamp, byte 12 the flags, then the
 * file bytes, the function bytes, and the message (all that is left).
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/format.h"

static uvlog_formatter_t fmts[5];
static int ready;

static void setup(void) {
  static const char *const every = "%t|%l|%L|%T|%f|%F|%n|%u|%m|%%";
  uvlog_format_options_t fo;
  for (int i = 0; i < 5; i++) {
    uvlog_format_options_init(&fo);
    fo.color = 0;
    fo.hostname = "host";
    fo.app_name = "app";
    fo.procid = "1";
    fo.kind = i == 0 || i == 1 ? UVLOG_FORMAT_TEXT
            : i == 2           ? UVLOG_FORMAT_JSON
            : i == 3           ? UVLOG_FORMAT_RFC5424
                               : UVLOG_FORMAT_RFC3164;
    if (i == 1) fo.pattern = every;
    if (uvlog_formatter_init(&fmts[i], &fo) != 0) abort();
  }
  ready = 1;
}

static void check_one_line(const uvlog_buf_t *b) {
  if (b->oom) return;
  if (b->len == 0 || b->data[b->len - 1] != '\n') abort();
  if (memchr(b->data, '\n', b->len - 1)) abort();
}

static void check_json(const uvlog_buf_t *b) {
  if (b->oom) return;
  json_tokener *tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *o = json_tokener_parse_ex(tok, b->data, (int)b->len - 1);
  if (!o || json_tokener_get_error(tok) != json_tokener_success) abort();
  json_object *msg = NULL;
  if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "msg", &msg) ||
      !json_object_is_type(msg, json_type_string))
    abort();
  json_object_put(o);
  json_tokener_free(tok);
}

/* A NUL-terminated copy of n bytes (NULL for the length 255: a NULL field). */
static char *field(const uint8_t *p, size_t n, int null) {
  if (null) return NULL;
  char *s = malloc(n + 1);
  memcpy(s, p, n);
  s[n] = 0;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ready) setup();
  if (size < 13) return 0;
  unsigned which = data[0] % 5;
  size_t flen = data[2] == 255 ? 0 : data[2], ulen = data[3] == 255 ? 0 : data[3];
  if (13 + flen + ulen > size) return 0;
  uvlog_entry_t e;
  memset(&e, 0, sizeof(e));
  e.level = (uvlog_level_t)(data[1] % (UVLOG_LEVEL_COUNT + 2)) - 1; /* -1 .. 7: bad ones too */
  memcpy(&e.ts_ns, data + 4, 8);
  e.flags = data[12] & (UVLOG_ENTRY_TRUNCATED | UVLOG_ENTRY_INTERNAL);
  e.tid = data[12];
  e.line = (int)data[1] * 1000 - 5000;
  char *file = field(data + 13, flen, data[2] == 255);
  char *func = field(data + 13 + flen, ulen, data[3] == 255);
  e.file = file;
  e.func = func;
  e.msg = (const char *)data + 13 + flen + ulen;
  e.msg_len = size - 13 - flen - ulen;
  uvlog_buf_t out = {0};
  uvlog_formatter_format(&fmts[which], &e, &out);
  if (fmts[which].kind == UVLOG_FORMAT_TEXT || fmts[which].kind == UVLOG_FORMAT_JSON)
    check_one_line(&out);
  if (fmts[which].kind == UVLOG_FORMAT_JSON) check_json(&out);
  uvlog_buf_free(&out);
  free(file);
  free(func);
  return 0;
}
