/*
 * format.c -- formatter configuration, dispatch and the shared helpers.
 *
 * Owns: uvlog_format_options_init(), uvlog_formatter_init/destroy/format()
 * (option checks, identity defaults, TEXT pattern compilation), the RFC 3339
 * timestamp writer and the TEXT message escaper.
 *
 * Identity defaults: app_name = program_invocation_short_name, hostname =
 * gethostname() ("-" if that fails or is empty), procid = getpid(). With
 * kind RFC5424 the fields are checked against RFC 5424 section 6.2 (printable
 * US-ASCII 33..126, non-empty, at most 255/48/128/32 bytes for hostname,
 * app-name, procid, msgid): a value the caller gave that breaks a rule is
 * UVLOG_EINVAL; a default that breaks one is repaired instead (bytes outside
 * 33..126 become '_', then it is cut to the limit), because the caller never
 * chose it.
 *
 * A pattern given with a kind other than TEXT is still checked (a bad one is
 * UVLOG_EINVAL) and otherwise ignored; so is `color`.
 *
 * A NULL message is rendered as an empty one. A compiled formatter is never
 * written to while rendering, so several threads may share one (the caches
 * below are per thread).
 *
 * Timestamps: uvlog_format_rfc3339_utc() converts days to a civil date with
 * integer arithmetic (no gmtime, no locale) and keeps the formatted
 * "YYYY-MM-DDThh:mm:ss" of the last second it saw in a thread-local cache, so
 * the listener thread rebuilds it once per second at most. Negative
 * timestamps (before 1970) are supported; fractions are truncated toward the
 * past (floor), never rounded.
 */
#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format_util.h"

#define RFC5424_HOSTNAME_MAX 255
#define RFC5424_APPNAME_MAX 48
#define RFC5424_PROCID_MAX 128
#define RFC5424_MSGID_MAX 32

void uvlog_format_options_init(uvlog_format_options_t *fo) {
  if (!fo) return;
  memset(fo, 0, sizeof *fo);
  fo->kind = UVLOG_FORMAT_TEXT;
  fo->pattern = NULL;
  fo->color = -1;
  fo->facility = 1;
}

/* ---- pattern ----------------------------------------------------------- */

static int conv_known(char c) {
  return c != '\0' && strchr("tlLTfFnum", c) != NULL;
}

/* Splits f->pattern into literal runs and conversions ("%%" becomes a
 * one-byte literal pointing at the second '%'). */
static int compile_pattern(uvlog_formatter_t *f) {
  const char *p = f->pattern;
  size_t cap = strlen(p) + 1;
  f->items = calloc(cap, sizeof *f->items);
  if (!f->items) return UVLOG_ENOMEM;
  size_t n = 0;
  while (*p) {
    if (*p != '%') {
      const char *start = p;
      while (*p && *p != '%') p++;
      f->items[n++] = (uvlog_pat_item_t){0, start, (size_t)(p - start)};
      continue;
    }
    char c = p[1];
    if (c == '%') {
      f->items[n++] = (uvlog_pat_item_t){0, p + 1, 1};
    } else if (conv_known(c)) {
      f->items[n++] = (uvlog_pat_item_t){c, NULL, 0};
    } else {
      return UVLOG_EINVAL; /* unknown conversion, or a lone '%' at the end */
    }
    p += 2;
  }
  f->n_items = n;
  return 0;
}

/* ---- identity fields --------------------------------------------------- */

static int rfc5424_field_ok(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) return 0;
  return 1;
}

/* Makes a default value RFC 5424-safe in place (see the header comment). */
static void rfc5424_repair(char *s, size_t max) {
  size_t n = strlen(s);
  if (n > max) s[n = max] = '\0';
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) s[i] = '_';
}

/* Sets *dst to a copy of `given` (checked) or of `def` (repaired). For
 * non-RFC5424 kinds nothing is checked. An empty default becomes "-". */
static int set_field(char **dst, const char *given, const char *def, size_t max, int strict) {
  const char *src = given ? given : (def && *def ? def : "-");
  if (given && strict && !rfc5424_field_ok(given, max)) return UVLOG_EINVAL;
  *dst = strdup(src);
  if (!*dst) return UVLOG_ENOMEM;
  if (!given && strict) rfc5424_repair(*dst, max);
  return 0;
}

static int set_identity(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  int strict = fo->kind == UVLOG_FORMAT_RFC5424;
  char host[256 + 1] = "";
  char pid[24];
  int r;

  if (!fo->hostname && gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  host[sizeof host - 1] = '\0';
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  if ((r = set_field(&f->app_name, fo->app_name, program_invocation_short_name,
                     RFC5424_APPNAME_MAX, strict)) != 0)
    return r;
  if ((r = set_field(&f->hostname, fo->hostname, host, RFC5424_HOSTNAME_MAX, strict)) != 0)
    return r;
  if ((r = set_field(&f->procid, fo->procid, pid, RFC5424_PROCID_MAX, strict)) != 0)
    return r;
  if (fo->msgid) {
    if (strict && !rfc5424_field_ok(fo->msgid, RFC5424_MSGID_MAX)) return UVLOG_EINVAL;
    if (!(f->msgid = strdup(fo->msgid))) return UVLOG_ENOMEM;
  }
  return 0;
}

/* ---- formatter --------------------------------------------------------- */

static int formatter_setup(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  if ((unsigned)fo->kind > UVLOG_FORMAT_RFC3164) return UVLOG_EINVAL;
  if (fo->color < -1 || fo->color > 1) return UVLOG_EINVAL;
  if (fo->facility < 0 || fo->facility > 23) return UVLOG_EINVAL;
  f->kind = fo->kind;
  f->facility = fo->facility;
  f->color_auto = fo->color == -1;
  f->color = fo->color == 1;
  /* The pattern is compiled for TEXT, and checked whenever one is given. */
  if (fo->kind == UVLOG_FORMAT_TEXT || fo->pattern) {
    f->pattern = strdup(fo->pattern ? fo->pattern : UVLOG_DEFAULT_PATTERN);
    if (!f->pattern) return UVLOG_ENOMEM;
    int r = compile_pattern(f);
    if (r != 0) return r;
  }
  return set_identity(f, fo);
}

int uvlog_formatter_init(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  uvlog_format_options_t defaults;
  if (!f) return UVLOG_EINVAL;
  memset(f, 0, sizeof *f);
  if (!fo) {
    uvlog_format_options_init(&defaults);
    fo = &defaults;
  }
  int r = formatter_setup(f, fo);
  if (r != 0) uvlog_formatter_destroy(f);
  return r;
}

void uvlog_formatter_destroy(uvlog_formatter_t *f) {
  if (!f) return;
  free(f->pattern);
  free(f->items);
  free(f->app_name);
  free(f->hostname);
  free(f->procid);
  free(f->msgid);
  memset(f, 0, sizeof *f);
}

void uvlog_formatter_format(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  if (!f || !e || !out) return;
  switch (f->kind) {
  case UVLOG_FORMAT_TEXT: uvlog_format_text(f, e, out); break;
  case UVLOG_FORMAT_JSON: uvlog_format_json(f, e, out); break;
  case UVLOG_FORMAT_RFC5424: uvlog_format_rfc5424(f, e, out); break;
  case UVLOG_FORMAT_RFC3164: uvlog_format_rfc3164(f, e, out); break;
  }
}

/* ---- RFC 3339 timestamps ----------------------------------------------- */

/* Days since 1970-01-01 to a proleptic Gregorian date (the classic
 * era-of-400-years method: eras start on March 1st so the leap day is the
 * last day of a year). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468; /* days from 0000-03-01 to 1970-01-01 */
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);                         /* [0, 146096] */
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
  unsigned mp = (5 * doy + 2) / 153;                                   /* [0, 11], March = 0 */
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDThh:mm:ss" for `sec` seconds since the epoch. The int64
 * nanosecond range only spans years 1677..2262, so the year has 4 digits. */
static void rfc3339_seconds(int64_t sec, char p[19]) {
  int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
  unsigned sod = (unsigned)(sec - days * 86400);
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  fmt_2d(p, (unsigned)(y / 100));
  fmt_2d(p + 2, (unsigned)(y % 100));
  p[4] = '-';
  fmt_2d(p + 5, m);
  p[7] = '-';
  fmt_2d(p + 8, d);
  p[10] = 'T';
  fmt_2d(p + 11, sod / 3600);
  p[13] = ':';
  fmt_2d(p + 14, sod / 60 % 60);
  p[16] = ':';
  fmt_2d(p + 17, sod % 60);
}

/* The last second formatted on this thread. INT64_MIN is never a real
 * second (INT64_MIN ns is about -9.2e9 s). Thread-local, so no atomics. */
static _Thread_local struct {
  int64_t sec;
  char text[19];
} ts_cache = {INT64_MIN, {0}};

void uvlog_format_rfc3339_utc(int64_t ts_ns, uvlog_buf_t *out) {
  int64_t sec = ts_ns / 1000000000;
  int64_t ns = ts_ns % 1000000000;
  if (ns < 0) { /* floor, so -1 ns is 23:59:59.999999 the day before */
    ns += 1000000000;
    sec -= 1;
  }
  if (sec != ts_cache.sec) {
    rfc3339_seconds(sec, ts_cache.text);
    ts_cache.sec = sec;
  }
  if (uvlog_buf_reserve(out, 27) != 0) return;
  char *p = out->data + out->len;
  memcpy(p, ts_cache.text, 19);
  p[19] = '.';
  unsigned us = (unsigned)(ns / 1000); /* truncated, not rounded */
  for (int i = 25; i >= 20; i--) {
    p[i] = (char)('0' + us % 10);
    us /= 10;
  }
  p[26] = 'Z';
  out->len += 27;
}

/* ---- TEXT escaping ----------------------------------------------------- */

static int needs_escape(unsigned char c) {
  return c < 0x20 || c == 0x7f || c == '\\';
}

size_t uvlog_format_escaped_len(const char *s, size_t n) {
  size_t len = n;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!needs_escape(c)) continue;
    len += (c == '\n' || c == '\r' || c == '\t' || c == '\\') ? 1 : 3;
  }
  return len;
}

void uvlog_format_escape(const char *s, size_t n, uvlog_buf_t *out) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && !needs_escape((unsigned char)s[run])) run++;
    uvlog_buf_append(out, s + i, run - i);
    if (run == n) break;
    unsigned char c = (unsigned char)s[run];
    char esc[4] = {'\\', 0, 0, 0};
    size_t len = 2;
    switch (c) {
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\\': esc[1] = '\\'; break;
    default:
      esc[1] = 'x';
      esc[2] = hex[c >> 4];
      esc[3] = hex[c & 0xf];
      len = 4;
    }
    uvlog_buf_append(out, esc, len);
    i = run + 1;
  }
}
