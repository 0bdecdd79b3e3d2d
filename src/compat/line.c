/*
 * line.c -- builds one syslog(3) line exactly as glibc 2.36's vsyslog()
 * does before sending it to /dev/log:
 *
 *   <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE
 *
 * PRI = facility | severity, the time is local ("%h %e %T" in the C locale:
 * English month, day padded with a space), "[PID]" only with LOG_PID, and
 * MESSAGE is the caller's format with errno restored first, so that %m is
 * the error of the call. No NUL terminator is sent (a datagram socket).
 * The stamp of the current second is cached per thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"

static _Thread_local struct {
  time_t sec;
  int valid;
  char text[16]; /* "Mmm dd hh:mm:ss" + NUL */
} stamp_cache;

/* The local time of `sec` as glibc's "%h %e %T" in the C locale. */
static const char *local_stamp(time_t sec) {
  static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (stamp_cache.valid && stamp_cache.sec == sec) return stamp_cache.text;
  struct tm tm;
  if (!localtime_r(&sec, &tm)) memset(&tm, 0, sizeof tm);
  char *t = stamp_cache.text;
  unsigned mday = (unsigned)tm.tm_mday % 100, hh = (unsigned)tm.tm_hour % 100;
  unsigned mm = (unsigned)tm.tm_min % 100, ss = (unsigned)tm.tm_sec % 100;
  memcpy(t, months[(unsigned)tm.tm_mon % 12], 3);
  t[3] = ' ';
  t[4] = mday >= 10 ? (char)('0' + mday / 10) : ' ';
  t[5] = (char)('0' + mday % 10);
  t[6] = ' ';
  t[7] = (char)('0' + hh / 10);
  t[8] = (char)('0' + hh % 10);
  t[9] = ':';
  t[10] = (char)('0' + mm / 10);
  t[11] = (char)('0' + mm % 10);
  t[12] = ':';
  t[13] = (char)('0' + ss / 10);
  t[14] = (char)('0' + ss % 10);
  t[15] = 0;
  stamp_cache.sec = sec;
  stamp_cache.valid = 1;
  return stamp_cache.text;
}

/* "<PRI>STAMP TAG[PID]: " into dst (cut at cap); returns its full length. */
static int put_header(char *dst, size_t cap, int pri, const char *stamp, const char *tag, int pid,
                      int *tag_off) {
  return snprintf(dst, cap, "<%d>%s %n%s%s%.0d%s: ", pri, stamp, tag_off, tag ? tag : "",
                  pid ? "[" : "", pid, pid ? "]" : "");
}

int compat_line_format(compat_line_t *l, int pri, const char *tag, int pid, int saved_errno,
                       const char *fmt, va_list ap) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  const char *stamp = local_stamp(now.tv_sec);
  int tag_off = 0;
  size_t cap = sizeof l->stack;
  l->heap = NULL;
  l->buf = l->stack;
  int h = put_header(l->stack, cap, pri, stamp, tag, pid, &tag_off);
  if (h < 0) return UVLOG_EINVAL;
  if ((size_t)h >= cap) { /* a very long tag */
    cap = (size_t)h + 1;
    if (!(l->heap = malloc(cap))) return UVLOG_ENOMEM;
    put_header(l->heap, cap, pri, stamp, tag, pid, &tag_off);
    l->buf = l->heap;
  }
  va_list ap2;
  va_copy(ap2, ap);
  errno = saved_errno;
  int m = vsnprintf(l->buf + h, cap - (size_t)h, fmt, ap2);
  va_end(ap2);
  if (m < 0) {
    compat_line_free(l);
    return UVLOG_EINVAL;
  }
  l->tag_off = (size_t)tag_off;
  l->msg_off = (size_t)h;
  l->len = (size_t)h + (size_t)m;
  if (l->len < cap) return 0;
  /* The message did not fit: format it again into a buffer of its size. */
  char *big = malloc(l->len + 1);
  if (!big) {
    compat_line_free(l);
    return UVLOG_ENOMEM;
  }
  memcpy(big, l->buf, (size_t)h);
  free(l->heap);
  l->heap = l->buf = big;
  errno = saved_errno;
  vsnprintf(big + h, (size_t)m + 1, fmt, ap);
  return 0;
}

void compat_line_free(compat_line_t *l) {
  free(l->heap);
  l->heap = NULL;
}
