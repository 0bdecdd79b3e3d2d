/*
 * syslog.c -- the two syslog formats, without framing or trailing newline
 * (a datagram delimits a record; the TCP sink adds octet counting).
 *
 * RFC 5424:  <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
 *   PRI = facility * 8 + uvlog_level_to_syslog(level) (logger.c).
 *   TIMESTAMP is RFC 3339 UTC with microseconds. MSGID is "-" when not
 *   set. SD is "-" for a record without trace and fields; else one
 *   SD-ELEMENT [SD-ID trace_id="..." span_id="..." key="value"...]: SD-ID
 *   the sd_id option (checked by format.c), the trace ids in lower-case hex
 *   when the record carries them, then the record's fields (context then
 *   call; a later duplicate key wins, field.c). The logger's constant
 *   fields are not repeated in every record (the header has host and app).
 *   PARAM-NAMEs are sanitized, never dropped: each byte outside printable
 *   US-ASCII or that is '=', ' ', ']', '"' becomes '_', a name longer than
 *   32 bytes is cut to 32, an empty one is "_". PARAM-VALUEs are UTF-8:
 *   '"', '\' and ']' get a backslash (section 6.3.3), each ill-formed
 *   UTF-8 subpart becomes U+FFFD (EF BF BD), other bytes pass. Values:
 *   strings, decimal integers, doubles as field.c writes them (NaN, +Inf,
 *   -Inf), true/false; a null value or NULL string is the empty value "".
 *   The identity fields were
 *   checked (or repaired) by uvlog_formatter_init(). MSG is the message, raw (nothing escaped),
 *   preceded by the UTF-8 BOM (EF BB BF) only when it is well-formed UTF-8
 *   and not pure ASCII (RFC 5424 MSG-UTF8); ASCII or ill-formed text is sent
 *   without BOM (MSG-ANY). An empty message also drops the space before it.
 *
 * RFC 3164, as glibc's syslog(3) writes to /dev/log:
 *   <PRI>Mmm dd hh:mm:ss APP[PROCID]: MSG
 *   Local time (localtime_r, cached per second and thread), English month
 *   abbreviation, day padded with a space, no year, no hostname; MSG raw.
 */
#include <string.h>
#include <time.h>

#include "format.h"
#include "format_util.h"

static void put_pri(const uvlog_formatter_t *f, uvlog_level_t level, uvlog_buf_t *out) {
  uvlog_buf_putc(out, '<');
  fmt_put_u64(out, (uint64_t)(f->facility * 8 + uvlog_level_to_syslog(level)));
  uvlog_buf_putc(out, '>');
}

/* 1 if msg is well-formed UTF-8 with at least one non-ASCII character. */
static int needs_bom(const char *msg, size_t n) {
  const unsigned char *s = (const unsigned char *)msg;
  int non_ascii = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t bad, len = fmt_utf8_seq(s + i, n - i, &bad);
    if (!len) return 0;
    non_ascii = 1;
    i += len;
  }
  return non_ascii;
}

#define SD_NAME_MAX 32

/* A PARAM-NAME, sanitized (see the header comment). */
static void sd_param_name(const char *k, uvlog_buf_t *out) {
  size_t n = k ? strlen(k) : 0;
  if (n == 0) {
    uvlog_buf_putc(out, '_');
    return;
  }
  if (n > SD_NAME_MAX) n = SD_NAME_MAX;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)k[i];
    int ok = c >= 33 && c <= 126 && c != '=' && c != ']' && c != '"';
    uvlog_buf_putc(out, ok ? (char)c : '_');
  }
}

/* A PARAM-VALUE's contents, escaped (see the header comment). */
static void sd_escape(const char *str, size_t n, uvlog_buf_t *out) {
  const unsigned char *s = (const unsigned char *)str;
  for (size_t i = 0; i < n;) {
    size_t run = i;
    while (run < n && s[run] < 0x80 && s[run] != '"' && s[run] != '\\' && s[run] != ']') run++;
    uvlog_buf_append(out, s + i, run - i);
    i = run;
    if (i == n) break;
    if (s[i] < 0x80) {
      char esc[2] = {'\\', (char)s[i++]};
      uvlog_buf_append(out, esc, 2);
      continue;
    }
    size_t bad = 0, len = fmt_utf8_seq(s + i, n - i, &bad);
    uvlog_buf_append(out, len ? (const char *)s + i : "\xEF\xBF\xBD", len ? len : 3);
    i += len ? len : bad;
  }
}

/* null and a NULL string: the empty value. */
static void sd_value(const uvlog_field_t *fl, uvlog_buf_t *out) {
  if (fl->type == UVLOG_FIELD_STR && fl->v.str.ptr) sd_escape(fl->v.str.ptr, fl->v.str.len, out);
  else uvlog_format_scalar(fl, out);
}

static void sd_hex_param(const char *name, const uint8_t *p, size_t n, uvlog_buf_t *out) {
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, name);
  uvlog_buf_append(out, "=\"", 2);
  uvlog_format_hex(p, n, out);
  uvlog_buf_putc(out, '"');
}

/* The STRUCTURED-DATA part: "-" or one SD-ELEMENT. */
static void put_sd(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  int trace = (e->flags & UVLOG_ENTRY_TRACE) != 0;
  size_t n = e->fields ? e->n_fields : 0;
  if (!trace && n == 0) {
    uvlog_buf_putc(out, '-');
    return;
  }
  uvlog_buf_putc(out, '[');
  uvlog_buf_puts(out, f->sd_id);
  if (trace) {
    sd_hex_param("trace_id", e->trace_id, sizeof e->trace_id, out);
    sd_hex_param("span_id", e->span_id, sizeof e->span_id, out);
  }
  for (size_t i = 0; i < n; i++) {
    if (uvlog_format_field_shadowed(e->fields, n, i)) continue;
    uvlog_buf_putc(out, ' ');
    sd_param_name(e->fields[i].key, out);
    uvlog_buf_append(out, "=\"", 2);
    sd_value(&e->fields[i], out);
    uvlog_buf_putc(out, '"');
  }
  uvlog_buf_putc(out, ']');
}

void uvlog_format_rfc5424(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  put_pri(f, e->level, out);
  uvlog_buf_append(out, "1 ", 2);
  uvlog_format_rfc3339_utc(e->ts_ns, out);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, f->hostname);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, f->app_name);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, f->procid);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, f->msgid ? f->msgid : "-");
  uvlog_buf_putc(out, ' ');
  put_sd(f, e, out);
  if (!e->msg || e->msg_len == 0) return;
  uvlog_buf_putc(out, ' ');
  if (needs_bom(e->msg, e->msg_len)) uvlog_buf_append(out, "\xEF\xBB\xBF", 3);
  uvlog_buf_append(out, e->msg, e->msg_len);
}

/* "Mmm dd hh:mm:ss" (15 bytes) of the last second formatted on this thread;
 * the cache is thread-local, so it needs no atomics. A TZ change shows from
 * the next second on. */
static _Thread_local struct {
  time_t sec;
  int valid;
  char text[15];
} local_cache;

static void local_stamp(int64_t ts_ns, char out[15]) {
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t s64 = ts_ns / 1000000000 - (ts_ns % 1000000000 < 0); /* floor */
  time_t sec = (time_t)s64;
  if (!local_cache.valid || local_cache.sec != sec) {
    struct tm tm;
    char *p = local_cache.text;
    if (!localtime_r(&sec, &tm)) memset(&tm, 0, sizeof tm);
    memcpy(p, months[(unsigned)tm.tm_mon % 12], 3);
    p[3] = ' ';
    p[4] = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10) : ' ';
    p[5] = (char)('0' + tm.tm_mday % 10);
    p[6] = ' ';
    fmt_2d(p + 7, (unsigned)tm.tm_hour % 100);
    p[9] = ':';
    fmt_2d(p + 10, (unsigned)tm.tm_min % 100);
    p[12] = ':';
    fmt_2d(p + 13, (unsigned)tm.tm_sec % 100);
    local_cache.sec = sec;
    local_cache.valid = 1;
  }
  memcpy(out, local_cache.text, 15);
}

void uvlog_format_rfc3164(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  char stamp[15];
  local_stamp(e->ts_ns, stamp);
  put_pri(f, e->level, out);
  uvlog_buf_append(out, stamp, sizeof stamp);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, f->app_name);
  uvlog_buf_putc(out, '[');
  uvlog_buf_puts(out, f->procid);
  uvlog_buf_append(out, "]: ", 3);
  if (e->msg && e->msg_len) uvlog_buf_append(out, e->msg, e->msg_len);
}
