/*
 * logfmt.c -- the LOGFMT format, and the key=value writer TEXT's %k and %K
 * use.
 *
 *   time=2026-11-22T02:32:48.123456Z level=info msg="hello world"
 *   category=http.access trace_id=4bf9... span_id=00f0... service=api
 *   status=200 path="/a b"\n
 *
 * (on one line): time (RFC 3339 UTC, microseconds), level (lower case),
 * msg, then category when the record has one, trace_id and span_id when it
 * carries a trace (lower-case hex), the logger's constant fields, and the
 * record's fields (context then call; a later duplicate key wins, field.c).
 * When the entry is UVLOG_ENTRY_TRUNCATED, truncated=true follows msg.
 *
 * Values: strings are written bare when they are non-empty and hold only
 * bytes above ' ' other than '=', '"' and 0x7f, in well-formed UTF-8; else
 * they are quoted and escaped exactly as a JSON string (json.c): '"' and
 * '\' backslash-escaped, \b \f \n \r \t short, other control bytes
 * \u00XX, each ill-formed UTF-8 subpart \ufffd -- the quoting Go's logfmt
 * and Grafana Loki's parser read. Integers are
 * decimal, doubles as field.c writes them with NaN, +Inf, -Inf for the
 * others, booleans true/false, a null value (or a NULL string) null.
 * Keys: each byte that is a space, '=', '"', below 0x20 or 0x7f becomes
 * '_'; an empty key is written as "_". Duplicates: a field named like a
 * standard key (time, level, msg, truncated, category, trace_id, span_id)
 * gets '_' in front ("_msg"); a constant field that a record field also
 * names is left out; among the record's fields the later one wins.
 */
#include <string.h>

#include "format.h"
#include "format_util.h"

/* 1 if a string value must be quoted (see the header comment). */
static int needs_quotes(const unsigned char *s, size_t n) {
  if (n == 0) return 1;
  for (size_t i = 0; i < n;) {
    size_t bad, len = 1;
    if (s[i] >= 0x80 && !(len = fmt_utf8_seq(s + i, n - i, &bad))) return 1;
    if (s[i] <= ' ' || s[i] == '=' || s[i] == '"' || s[i] == 0x7f) return 1;
    i += len;
  }
  return 0;
}

static void put_str_value(const char *s, size_t n, uvlog_buf_t *out) {
  if (!needs_quotes((const unsigned char *)s, n)) {
    uvlog_buf_append(out, s, n);
    return;
  }
  uvlog_buf_putc(out, '"');
  uvlog_format_json_escape(s, n, out);
  uvlog_buf_putc(out, '"');
}

static void put_key(const char *k, uvlog_buf_t *out) {
  size_t n = k ? strlen(k) : 0;
  if (n == 0) {
    uvlog_buf_putc(out, '_');
    return;
  }
  for (size_t i = 0; i < n;) {
    size_t run = i;
    while (run < n && (unsigned char)k[run] > ' ' && k[run] != '=' && k[run] != '"' &&
           k[run] != 0x7f)
      run++;
    uvlog_buf_append(out, k + i, run - i);
    if (run < n) uvlog_buf_putc(out, '_');
    i = run + 1;
  }
}

static void put_value(const uvlog_field_t *fl, uvlog_buf_t *out) {
  if (fl->type == UVLOG_FIELD_STR && fl->v.str.ptr) put_str_value(fl->v.str.ptr, fl->v.str.len, out);
  else if (!uvlog_format_scalar(fl, out)) uvlog_buf_append(out, "null", 4); /* null, NULL string */
}

static int is_reserved(const char *const *reserved, const char *key) {
  for (; reserved && *reserved; reserved++)
    if (strcmp(*reserved, key) == 0) return 1;
  return 0;
}

void uvlog_format_kv_fields(const uvlog_field_t *fields, size_t n, uvlog_kv_t *kv, uvlog_buf_t *out) {
  for (size_t i = 0; i < n; i++) {
    const char *key = fields[i].key ? fields[i].key : "";
    if (uvlog_format_field_shadowed(fields, n, i) ||
        (kv->winners && uvlog_format_fields_have(kv->winners, kv->n_winners, key)))
      continue;
    if (!kv->first) uvlog_buf_putc(out, ' ');
    kv->first = 0;
    if (is_reserved(kv->reserved, key)) uvlog_buf_putc(out, '_');
    put_key(key, out);
    uvlog_buf_putc(out, '=');
    put_value(&fields[i], out);
  }
}

/* " key=<n bytes as a value>" */
static void put_pair(const char *key, const char *s, size_t n, uvlog_buf_t *out) {
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, key);
  put_str_value(s, n, out);
}

void uvlog_format_logfmt(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  static const char *const std_keys[] = {"time", "level", "msg", "truncated", "category",
                                         "trace_id", "span_id", NULL};
  (void)f;
  uvlog_buf_append(out, "time=", 5);
  uvlog_format_rfc3339_utc(e->ts_ns, out);
  uvlog_buf_append(out, " level=", 7);
  uvlog_buf_puts(out, fmt_level_lower(e->level));
  put_pair("msg=", e->msg ? e->msg : "", e->msg ? e->msg_len : 0, out);
  if (e->flags & UVLOG_ENTRY_TRUNCATED) uvlog_buf_append(out, " truncated=true", 15);
  if (e->category) put_pair("category=", e->category, strlen(e->category), out);
  if (e->flags & UVLOG_ENTRY_TRACE) {
    uvlog_buf_append(out, " trace_id=", 10);
    uvlog_format_hex(e->trace_id, sizeof e->trace_id, out);
    uvlog_buf_append(out, " span_id=", 9);
    uvlog_format_hex(e->span_id, sizeof e->span_id, out);
  }
  uvlog_kv_t kv = {0, std_keys, e->fields, e->fields ? e->n_fields : 0};
  if (e->resource) uvlog_format_kv_fields(e->resource, e->n_resource, &kv, out);
  kv.winners = NULL;
  if (e->fields) uvlog_format_kv_fields(e->fields, e->n_fields, &kv, out);
  uvlog_buf_putc(out, '\n');
}
