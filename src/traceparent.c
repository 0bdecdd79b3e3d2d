/*
 * traceparent.c -- trace correlation: parsing and writing a W3C Trace
 * Context `traceparent` header value (https://www.w3.org/TR/trace-context/):
 *
 *   version "-" trace-id "-" parent-id "-" trace-flags
 *   2 hex       32 hex       16 hex        2 hex        (lowercase)
 *
 * Strict, as the specification asks of a receiver: version ff is invalid;
 * version 00 is exactly 55 bytes; a later version may be longer, with '-'
 * after the flags; all-zero trace-id or parent-id is invalid; uppercase hex
 * is invalid.
 */
#include <string.h>

#include "uvlog.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Parses 2*n lowercase hex digits at s into out[0..n). Returns 1 if valid. */
static int hex_bytes(const char *s, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 1;
}

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

static int blank(char c) { return c == ' ' || c == '\t'; }

int uvlog_traceparent_parse(const char *header, size_t len, uvlog_trace_t *out) {
  if (!header || !out) return UVLOG_EINVAL;
  while (len && blank(header[0])) header++, len--;
  while (len && blank(header[len - 1])) len--;
  if (len < UVLOG_TRACEPARENT_LEN) return UVLOG_EINVAL;
  const char *s = header;
  uint8_t version, flags;
  uvlog_trace_t t;
  if (!hex_bytes(s, &version, 1) || version == 0xff) return UVLOG_EINVAL;
  if (version == 0 ? len != UVLOG_TRACEPARENT_LEN
                   : (len > UVLOG_TRACEPARENT_LEN && s[UVLOG_TRACEPARENT_LEN] != '-'))
    return UVLOG_EINVAL;
  if (s[2] != '-' || s[35] != '-' || s[52] != '-') return UVLOG_EINVAL;
  if (!hex_bytes(s + 3, t.trace_id, 16) || !hex_bytes(s + 36, t.span_id, 8) ||
      !hex_bytes(s + 53, &flags, 1))
    return UVLOG_EINVAL;
  if (all_zero(t.trace_id, 16) || all_zero(t.span_id, 8)) return UVLOG_EINVAL;
  t.flags = flags;
  *out = t;
  return 0;
}

static char *put_hex(char *d, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    *d++ = digits[p[i] >> 4];
    *d++ = digits[p[i] & 15];
  }
  return d;
}

int uvlog_traceparent_format(const uvlog_trace_t *trace, char *buf, size_t size) {
  if (!trace || !buf || size < UVLOG_TRACEPARENT_LEN + 1) return UVLOG_EINVAL;
  char *d = buf;
  *d++ = '0';
  *d++ = '0';
  *d++ = '-';
  d = put_hex(d, trace->trace_id, 16);
  *d++ = '-';
  d = put_hex(d, trace->span_id, 8);
  *d++ = '-';
  d = put_hex(d, &trace->flags, 1);
  *d = 0;
  return 0;
}
