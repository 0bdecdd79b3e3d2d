/*
 * time.c -- timestamps for every format: RFC 3339 in UTC or local time with
 * its offset, 0/3/6/9 fraction digits, or an integer count since the epoch.
 *
 * Owns: uvlog_format_rfc3339_utc() (the default %t, JSON, RFC 5424),
 * uvlog_format_time() (TEXT's %{spec}t) and uvlog_time_spec_parse().
 *
 * UTC converts days to a civil date with integer arithmetic (no gmtime, no
 * locale) and keeps the formatted "YYYY-MM-DDThh:mm:ss" of the last second
 * it saw in a thread-local cache, so the listener thread rebuilds it once
 * per second at most. Local time uses localtime_r() and its tm_gmtoff, also
 * cached per second and thread (a TZ change shows from the next second on).
 * Negative timestamps (before 1970) are supported; fractions are truncated
 * toward the past (floor), never rounded; so is an epoch count.
 */
#include <string.h>
#include <time.h>

#include "format.h"
#include "format_util.h"

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

/* "YYYY-MM-DDThh:mm:ss" from its parts. */
static void put_civil(char p[19], int64_t y, unsigned m, unsigned d, unsigned sod) {
  fmt_2d(p, (unsigned)(y / 100) % 100);
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

/* "YYYY-MM-DDThh:mm:ss" for `sec` seconds since the epoch. The int64
 * nanosecond range only spans years 1677..2262, so the year has 4 digits. */
static void rfc3339_seconds(int64_t sec, char p[19]) {
  int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
  unsigned sod = (unsigned)(sec - days * 86400);
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  put_civil(p, y, m, d, sod);
}

/* The last second formatted on this thread, in UTC and in local time.
 * INT64_MIN is never a real second (INT64_MIN ns is about -9.2e9 s).
 * Thread-local, so no atomics. */
static _Thread_local struct {
  int64_t sec;
  char text[19];
} ts_cache = {INT64_MIN, {0}};

static _Thread_local struct {
  int64_t sec;
  char text[25]; /* "YYYY-MM-DDThh:mm:ss" and "+hh:mm" */
} local_cache = {INT64_MIN, {0}};

/* Splits ts_ns into floor seconds and the nanoseconds after them. */
static int64_t split_ns(int64_t ts_ns, unsigned *ns) {
  int64_t sec = ts_ns / 1000000000;
  int64_t rem = ts_ns % 1000000000;
  if (rem < 0) { /* floor, so -1 ns is 23:59:59.999999999 the day before */
    rem += 1000000000;
    sec -= 1;
  }
  *ns = (unsigned)rem;
  return sec;
}

/* Appends '.' and the first `digits` digits of ns (nothing for 0). */
static void put_fraction(unsigned ns, unsigned digits, uvlog_buf_t *out) {
  char p[10];
  if (!digits) return;
  p[0] = '.';
  for (int i = 9; i >= 1; i--) {
    p[i] = (char)('0' + ns % 10);
    ns /= 10;
  }
  uvlog_buf_append(out, p, 1 + digits);
}

void uvlog_format_rfc3339_utc(int64_t ts_ns, uvlog_buf_t *out) {
  unsigned ns;
  int64_t sec = split_ns(ts_ns, &ns);
  if (sec != ts_cache.sec) {
    rfc3339_seconds(sec, ts_cache.text);
    ts_cache.sec = sec;
  }
  if (uvlog_buf_reserve(out, 27) != 0) return;
  uvlog_buf_append(out, ts_cache.text, 19);
  put_fraction(ns, 6, out);
  uvlog_buf_putc(out, 'Z');
}

/* The local "YYYY-MM-DDThh:mm:ss+hh:mm" of `sec`. */
static const char *local_seconds(int64_t sec) {
  if (sec == local_cache.sec) return local_cache.text;
  time_t t = (time_t)sec;
  struct tm tm;
  char *p = local_cache.text;
  if (!localtime_r(&t, &tm)) {
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    tm.tm_year = 70;
  }
  long off = tm.tm_gmtoff;
  put_civil(p, (int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday,
            (unsigned)(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec % 60));
  p[19] = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  fmt_2d(p + 20, (unsigned)(off / 3600) % 100);
  p[22] = ':';
  fmt_2d(p + 23, (unsigned)(off / 60 % 60));
  local_cache.sec = sec;
  return p;
}

/* floor(ts_ns / 10^(9 - digits)). */
static void put_epoch(int64_t ts_ns, unsigned digits, uvlog_buf_t *out) {
  int64_t unit = 1;
  for (unsigned i = digits; i < 9; i++) unit *= 10;
  int64_t q = ts_ns / unit;
  if (ts_ns % unit < 0) q -= 1;
  fmt_put_i64(out, q);
}

void uvlog_format_time(const uvlog_time_spec_t *spec, int64_t ts_ns, uvlog_buf_t *out) {
  if (spec->epoch) {
    put_epoch(ts_ns, spec->digits, out);
    return;
  }
  unsigned ns;
  int64_t sec = split_ns(ts_ns, &ns);
  if (spec->local) {
    const char *t = local_seconds(sec);
    uvlog_buf_append(out, t, 19);
    put_fraction(ns, spec->digits, out);
    uvlog_buf_append(out, t + 19, 6);
    return;
  }
  if (sec != ts_cache.sec) {
    rfc3339_seconds(sec, ts_cache.text);
    ts_cache.sec = sec;
  }
  uvlog_buf_append(out, ts_cache.text, 19);
  put_fraction(ns, spec->digits, out);
  uvlog_buf_putc(out, 'Z');
}

/* Compares the word s[0..n) with `w`. */
static int word_is(const char *s, size_t n, const char *w) {
  return strlen(w) == n && memcmp(s, w, n) == 0;
}

int uvlog_time_spec_parse(const char *s, size_t n, uvlog_time_spec_t *spec) {
  int zone = 0, prec = 0;
  *spec = (uvlog_time_spec_t){0, 6, 0};
  for (size_t i = 0; i <= n;) {
    size_t j = i;
    while (j < n && s[j] != ',') j++;
    const char *w = s + i;
    size_t len = j - i;
    if ((word_is(w, len, "utc") || word_is(w, len, "local")) && !zone++) spec->local = *w == 'l';
    else if (word_is(w, len, "s") && !prec++) spec->digits = 0;
    else if (word_is(w, len, "ms") && !prec++) spec->digits = 3;
    else if (word_is(w, len, "us") && !prec++) spec->digits = 6;
    else if (word_is(w, len, "ns") && !prec++) spec->digits = 9;
    else if (word_is(w, len, "epoch") && !spec->epoch) spec->epoch = 1;
    else return UVLOG_EINVAL; /* unknown, empty or repeated word */
    i = j + 1;
  }
  if (spec->epoch && zone) return UVLOG_EINVAL; /* an epoch count has no zone */
  if (spec->epoch && !prec) spec->digits = 0;
  return 0;
}
