/*
 * format_util.h -- small helpers private to the formatters (src/format/).
 *
 * Everything here is locale-free and allocation-free except for buffer
 * growth: appends, decimal numbers, level names, the base name of a path
 * and a UTF-8 sequence checker. Only src/format/ and test_format.c include
 * this file.
 */
#ifndef UVLOG_FORMAT_UTIL_H
#define UVLOG_FORMAT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../dec.h"
#include "format.h"

/* Appends the decimal form of `v`. */
static inline void fmt_put_u64(uvlog_buf_t *out, uint64_t v) {
  char tmp[20], *end = tmp + sizeof tmp;
  char *b = uvlog__u64_dec(end, v);
  uvlog_buf_append(out, b, (size_t)(end - b));
}

static inline void fmt_put_i64(uvlog_buf_t *out, int64_t v) {
  if (v < 0) {
    uvlog_buf_putc(out, '-');
    fmt_put_u64(out, (uint64_t)0 - (uint64_t)v); /* well defined for INT64_MIN */
  } else {
    fmt_put_u64(out, (uint64_t)v);
  }
}

/* Writes `v` (0..99) as two digits at `p`. */
static inline void fmt_2d(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

static inline int fmt_level_valid(uvlog_level_t l) {
  return (unsigned)l < UVLOG_LEVEL_COUNT;
}

/* "INFO"...; "?" for a value outside TRACE..CRITICAL. */
static inline const char *fmt_level_upper(uvlog_level_t l) {
  static const char *const names[UVLOG_LEVEL_COUNT] = {
      "TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"};
  return fmt_level_valid(l) ? names[l] : "?";
}

/* "info"...; "?" for a value outside TRACE..CRITICAL. */
static inline const char *fmt_level_lower(uvlog_level_t l) {
  static const char *const names[UVLOG_LEVEL_COUNT] = {
      "trace", "debug", "info", "notice", "warning", "error", "critical"};
  return fmt_level_valid(l) ? names[l] : "?";
}

/* The part of `path` after its last '/'. */
static inline const char *fmt_basename(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), n >= 1, or 0 if it is
 * ill-formed (Unicode 15 table 3-7: no overlongs, no surrogates, nothing
 * above U+10FFFF). When it returns 0, *bad is the length of the maximal
 * subpart to replace with one U+FFFD (at least 1). */
static inline size_t fmt_utf8_seq(const unsigned char *s, size_t n, size_t *bad) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) need = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t i = 1; i < need; i++) {
    unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xBF;
    if (i >= n || s[i] < lo_i || s[i] > hi_i) {
      *bad = i;
      return 0;
    }
  }
  return need;
}

#endif /* UVLOG_FORMAT_UTIL_H */
