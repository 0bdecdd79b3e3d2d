/*
 * json.c -- the JSON format: one object per line.
 *
 *   {"ts":"2026-11-22T02:32:48.123456Z","level":"info","tid":42,
 *    "file":"main.c","line":7,"func":"main","msg":"hello",
 *    "host":"h","app":"a","pid":"1234"}\n
 *
 * (on one line). The keys always come in this order. "file" is the base name
 * of the file; a NULL file or function is written as null. "level" is the
 * lower-case level name ("?" for an invalid level). When the entry carries
 * UVLOG_ENTRY_TRUNCATED, "truncated":true follows "msg". "pid" is a string
 * (it is the procid of the format options, which may be any text).
 *
 * Strings are escaped so the output is always valid JSON (RFC 8259) and one
 * line: '"' and '\\' get a backslash; \b \f \n \r \t use their short forms;
 * other bytes below 0x20 and 0x7f become \u00XX; well-formed UTF-8 passes
 * through; each maximal ill-formed UTF-8 subpart (Unicode's "substitution of
 * maximal subparts") becomes \ufffd.
 */
#include <string.h>

#include "format.h"
#include "format_util.h"

/* 1 for bytes that can be copied as they are: printable ASCII but '"', '\\'. */
static int json_plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void json_escape_byte(unsigned char c, uvlog_buf_t *out) {
  static const char hex[] = "0123456789abcdef";
  char esc[6] = {'\\', 0, 0, 0, 0, 0};
  size_t len = 2;
  switch (c) {
  case '"': esc[1] = '"'; break;
  case '\\': esc[1] = '\\'; break;
  case '\b': esc[1] = 'b'; break;
  case '\f': esc[1] = 'f'; break;
  case '\n': esc[1] = 'n'; break;
  case '\r': esc[1] = 'r'; break;
  case '\t': esc[1] = 't'; break;
  default:
    memcpy(esc + 1, "u00", 3);
    esc[4] = hex[c >> 4];
    esc[5] = hex[c & 0xf];
    len = 6;
  }
  uvlog_buf_append(out, esc, len);
}

/* Appends the escaped contents of a JSON string (without the quotes). */
static void json_escape(const char *str, size_t n, uvlog_buf_t *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && json_plain(s[run])) run++;
    uvlog_buf_append(out, s + i, run - i);
    i = run;
    if (i == n) break;
    if (s[i] < 0x80) {
      json_escape_byte(s[i++], out);
      continue;
    }
    size_t bad = 0, len = fmt_utf8_seq(s + i, n - i, &bad);
    if (len) {
      uvlog_buf_append(out, s + i, len);
      i += len;
    } else {
      uvlog_buf_append(out, "\\ufffd", 6);
      i += bad;
    }
  }
}

static void json_string(const char *s, uvlog_buf_t *out) {
  if (!s) {
    uvlog_buf_append(out, "null", 4);
    return;
  }
  uvlog_buf_putc(out, '"');
  json_escape(s, strlen(s), out);
  uvlog_buf_putc(out, '"');
}

void uvlog_format_json(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  uvlog_buf_append(out, "{\"ts\":\"", 7);
  uvlog_format_rfc3339_utc(e->ts_ns, out);
  uvlog_buf_append(out, "\",\"level\":\"", 11);
  uvlog_buf_puts(out, fmt_level_lower(e->level));
  uvlog_buf_append(out, "\",\"tid\":", 8);
  fmt_put_u64(out, e->tid);
  uvlog_buf_append(out, ",\"file\":", 8);
  json_string(e->file ? fmt_basename(e->file) : NULL, out);
  uvlog_buf_append(out, ",\"line\":", 8);
  fmt_put_i64(out, e->line);
  uvlog_buf_append(out, ",\"func\":", 8);
  json_string(e->func, out);
  uvlog_buf_append(out, ",\"msg\":\"", 8);
  if (e->msg && e->msg_len) json_escape(e->msg, e->msg_len, out);
  uvlog_buf_putc(out, '"');
  if (e->flags & UVLOG_ENTRY_TRUNCATED) uvlog_buf_puts(out, ",\"truncated\":true");
  uvlog_buf_append(out, ",\"host\":", 8);
  json_string(f->hostname, out);
  uvlog_buf_append(out, ",\"app\":", 7);
  json_string(f->app_name, out);
  uvlog_buf_append(out, ",\"pid\":", 7);
  json_string(f->procid, out);
  uvlog_buf_append(out, "}\n", 2);
}
