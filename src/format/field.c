/*
 * field.c -- what every format shares about structured fields: which field
 * a later one with the same key shadows, the text of a double, and hex.
 *
 * Duplicate keys: a record's fields are its context's then its own; when
 * two have the same key, only the later one is written (at its own place),
 * so a call's field overrides the context's and no format ever repeats a
 * key among a record's fields. The check compares each key with the later
 * ones: n^2/2 string comparisons for n fields, which the record layout
 * bounds.
 *
 * Scalars (integers, doubles, booleans) are written the same way by LOGFMT,
 * TEXT's %k and RFC 5424 (decimal, "NaN"/"+Inf"/"-Inf", true/false); JSON
 * uses the same writer for all but the non-finite doubles.
 *
 * Doubles: the shortest of "%.15g", "%.16g", "%.17g" that strtod() reads
 * back to the same bits (17 digits always do), with the locale's decimal
 * separator replaced by '.', and ".0" added when it would otherwise read as
 * an integer ("3.0", not "3": a typed store such as Elasticsearch would
 * otherwise map the field as an integer on first sight). NaN and infinities are the caller's business
 * (each format says what it writes for them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "format_util.h"

int uvlog_format_field_shadowed(const uvlog_field_t *fields, size_t n, size_t i) {
  const char *k = fields[i].key ? fields[i].key : "";
  for (size_t j = i + 1; j < n; j++)
    if (strcmp(k, fields[j].key ? fields[j].key : "") == 0) return 1;
  return 0;
}

int uvlog_format_fields_have(const uvlog_field_t *fields, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (fields[i].key && strcmp(fields[i].key, key) == 0) return 1;
  return 0;
}

void uvlog_format_double(double d, uvlog_buf_t *out) {
  char tmp[40];
  int len = 0;
  for (int prec = 15; prec <= 17; prec++) {
    len = snprintf(tmp, sizeof tmp, "%.*g", prec, d);
    if (prec == 17 || strtod(tmp, NULL) == d) break;
  }
  if (len <= 0 || (size_t)len >= sizeof tmp) return;
  for (int i = 0; i < len; i++)
    if (tmp[i] == ',') tmp[i] = '.'; /* a locale with a decimal comma */
  uvlog_buf_append(out, tmp, (size_t)len);
  if (!strpbrk(tmp, ".e")) uvlog_buf_append(out, ".0", 2);
}

void uvlog_format_hex(const uint8_t *p, size_t n, uvlog_buf_t *out) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    char two[2] = {hex[p[i] >> 4], hex[p[i] & 0xf]};
    uvlog_buf_append(out, two, 2);
  }
}

int uvlog_format_scalar(const uvlog_field_t *fl, uvlog_buf_t *out) {
  switch (fl->type) {
  case UVLOG_FIELD_INT: fmt_put_i64(out, fl->v.i); return 1;
  case UVLOG_FIELD_UINT: fmt_put_u64(out, fl->v.u); return 1;
  case UVLOG_FIELD_DOUBLE:
    if (isnan(fl->v.d)) uvlog_buf_append(out, "NaN", 3);
    else if (isinf(fl->v.d)) uvlog_buf_puts(out, fl->v.d > 0 ? "+Inf" : "-Inf");
    else uvlog_format_double(fl->v.d, out);
    return 1;
  case UVLOG_FIELD_BOOL: uvlog_buf_puts(out, fl->v.b ? "true" : "false"); return 1;
  default: return 0; /* strings and null: the format's own business */
  }
}
