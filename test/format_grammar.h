/*
 * format_grammar.h -- readers that check a rendered record against its
 * format's grammar, independently of the code that wrote it: a logfmt
 * tokenizer and an RFC 5424 SD-ELEMENT parser. Used by
 * test_format_fields_bounds.c and fuzz/fuzz_format.c.
 */
#ifndef UVLOG_TEST_FORMAT_GRAMMAR_H
#define UVLOG_TEST_FORMAT_GRAMMAR_H

#include <stddef.h>
#include <string.h>

/* A logfmt tokenizer: key=value pairs split by one space; a value is bare
 * (no space, '"' or '=') or quoted with backslash escapes. Returns the
 * number of pairs, or -1 if the line does not follow the grammar. */
static inline int fg_logfmt_pairs(const char *s, size_t len) {
  size_t i = 0;
  int n = 0;
  len--; /* the '\n' */
  while (i < len) {
    size_t k = i;
    while (i < len && s[i] != '=' && s[i] != ' ' && s[i] != '"' && (unsigned char)s[i] > ' ') i++;
    if (i == k || i == len || s[i] != '=') return -1;
    i++;
    if (i < len && s[i] == '"') {
      for (i++; i < len && s[i] != '"'; i++) {
        if ((unsigned char)s[i] < ' ') return -1;
        if (s[i] == '\\') i++;
      }
      if (i >= len) return -1;
      i++;
    } else {
      size_t v = i;
      while (i < len && s[i] != ' ') {
        if (s[i] == '"' || s[i] == '=' || (unsigned char)s[i] < ' ') return -1;
        i++;
      }
      if (i == v) return -1;
    }
    n++;
    if (i < len && s[i++] != ' ') return -1;
  }
  return n;
}

/* RFC 5424 STRUCTURED-DATA after the header's " [": one SD-ELEMENT, its
 * SD-ID and PARAM-NAMEs 1..32 printable US-ASCII without '=', ' ', ']',
 * '"', values with only \" \\ \] escapes. Returns the PARAM count or -1
 * (also when the record has no " [" at all). */
static inline int fg_sd_params(const char *s, size_t len) {
  const char *p = memmem(s, len, " [", 2);
  if (!p) return -1;
  const char *end = s + len;
  p += 2;
  const char *id = p;
  while (p < end && *p != ' ' && *p != ']') p++;
  if (p == id || p - id > 32) return -1;
  int n = 0;
  while (p < end && *p == ' ') {
    const char *name = ++p;
    while (p < end && *p != '=') {
      unsigned char c = (unsigned char)*p;
      if (c < 33 || c > 126 || c == ']' || c == '"' || c == ' ') return -1;
      p++;
    }
    if (p == name || p - name > 32 || p + 1 >= end || p[1] != '"') return -1;
    p += 2;
    while (p < end && *p != '"') {
      if (*p == ']') return -1;
      if (*p == '\\') {
        if (p + 1 >= end || (p[1] != '"' && p[1] != '\\' && p[1] != ']')) return -1;
        p++;
      }
      p++;
    }
    if (p >= end) return -1;
    p++;
    n++;
  }
  return p < end && *p == ']' ? n : -1;
}

#endif /* UVLOG_TEST_FORMAT_GRAMMAR_H */
