/*
 * crash_render.c -- a record as the crash flush writes it: decoded from
 * the ring and rendered with async-signal-safe code only (no malloc, no
 * lock, no stdio, no locale), into the fixed buffers crash.c preallocated.
 *
 * What differs from the listener's decode.c + render.c (docs/crash.md):
 *   - TSC timestamps are converted with the logger's measured rate from a
 *     fresh (TSC, CLOCK_REALTIME) pair, not with the listener's breakpoints
 *     (which only the listener may touch);
 *   - a deferred record's conversions: integers, %c, %p, %s and %f/%F are
 *     rendered, without their flags and widths (a precision cuts %s and
 *     sets the digits of %f, at most 9, rounded half up: the last digit can
 *     differ from printf's at a tie); %e %g %a and anything else print a
 *     visible "<uvlog: %g not rendered in a crash>" marker;
 *   - RFC 5424 / RFC 3164 sinks get the crash line (their renderers call
 *     localtime_r and need the listener's buffers), and so does a record
 *     whose rendering does not fit the preallocated buffer.
 */
#include <string.h>

#include "clock.h"
#include "crash.h"
#include "dec.h"
#include "deferred.h"
#include "logger_impl.h"
#include "render.h"
#include "spec.h"
#include "tsc.h"

/* Appends what fits of s[0..n): a fixed buffer keeps a prefix rather than
 * dropping the whole piece as uvlog_buf_append() would. */
static void cput(uvlog_buf_t *b, const char *s, size_t n) {
  size_t room = b->cap - b->len;
  if (n > room) n = room;
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
}

static void cputs(uvlog_buf_t *b, const char *s) { cput(b, s, strlen(s)); }

static void cput_u64(uvlog_buf_t *b, uint64_t v) {
  char tmp[24], *end = tmp + sizeof tmp;
  char *p = uvlog__u64_dec(end, v);
  cput(b, p, (size_t)(end - p));
}

/* Wall-clock ns of a stamp: TSC ticks through the measured rate, counted
 * back from now (the listener's converter is not ours to touch). */
static int64_t crash_ts(const uvlog_t *log, uint64_t ts) {
  if (!log->tsc) return (int64_t)ts;
  uint64_t now_tick = uvlog__rdtsc();
  int64_t now_ns = uvlog__now_ns();
  if (ts >= now_tick) return now_ns;
  return now_ns - (int64_t)((double)(now_tick - ts) * log->tconv.ns_per_tick);
}

/* ---- deferred records ------------------------------------------------------------------ */

typedef struct creader {
  const unsigned char *tags, *vals, *strs;
  unsigned n, i;
  size_t strs_len, soff;
} creader_t;

/* The next argument's tag and value (and string bytes): 1, 0 if none, -1
 * if the data is corrupt. */
static int cnext(creader_t *rd, unsigned *tag, uint64_t *v, const char **s) {
  if (rd->i >= rd->n) return 0;
  *tag = rd->tags[rd->i];
  memcpy(v, rd->vals + 8 * (size_t)rd->i, 8);
  rd->i++;
  if (*tag == DEF_TAG_STR) {
    if (*v > rd->strs_len - rd->soff) return -1;
    *s = (const char *)rd->strs + rd->soff;
    rd->soff += (size_t)*v;
  }
  return 1;
}

static void cmark(uvlog_buf_t *b, const spec_t *sp, const char *what) {
  cputs(b, "<uvlog: ");
  cput(b, sp->start, sp->len);
  cputs(b, what);
  cputs(b, ">");
}

/* %f of a finite double with `prec` digits (at most 9), half up. */
static void cfixed(uvlog_buf_t *b, double d, long prec) {
  static const uint64_t p10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                   100000000, 1000000000};
  if (d != d) { cputs(b, "nan"); return; }
  if (d < 0) { cputs(b, "-"); d = -d; }
  if (d > 1e18) { cputs(b, d - d != 0 ? "inf" : "<uvlog: %f too large in a crash>"); return; }
  if (prec < 0) prec = 6;
  if (prec > 9) prec = 9;
  uint64_t ip = (uint64_t)d, fr = (uint64_t)((d - (double)ip) * (double)p10[prec] + 0.5);
  if (fr >= p10[prec]) { ip++; fr -= p10[prec]; }
  cput_u64(b, ip);
  if (prec == 0) return;
  char digits[9];
  for (long k = prec - 1; k >= 0; k--, fr /= 10) digits[k] = (char)('0' + fr % 10);
  cputs(b, ".");
  cput(b, digits, (size_t)prec);
}

/* One conversion; -1 if the data is corrupt. */
static int cconv(uvlog_buf_t *b, const spec_t *sp, creader_t *rd) {
  unsigned tag = 0;
  uint64_t v = 0;
  const char *s = NULL;
  for (int k = 0; k < sp->wstar + sp->pstar; k++) /* '*' values: used for nothing here */
    if (cnext(rd, &tag, &v, &s) < 0) return -1;
  int r = cnext(rd, &tag, &v, &s);
  if (r <= 0) {
    if (r == 0) cmark(b, sp, " missing argument");
    return r;
  }
  unsigned kind = tag & 0xf0u;
  switch (sp->conv) {
  case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
    if (kind != UVLOG_ARG_SINT && kind != UVLOG_ARG_UINT) break;
    char tmp[32];
    uvlog_buf_t t = {tmp, 0, sizeof tmp, 0, 1};
    uvlog__render_int(&t, sp->conv, sp->lmod, v);
    cput(b, tmp, t.len);
    return 0;
  case 'c':
    if (kind != UVLOG_ARG_SINT && kind != UVLOG_ARG_UINT) break;
    char c = (char)v;
    cput(b, &c, 1);
    return 0;
  case 'p':
    if (kind != UVLOG_ARG_PTR && tag != DEF_TAG_STR && tag != DEF_TAG_NULLSTR) break;
    if (v == 0) { cputs(b, "(nil)"); return 0; }
    cputs(b, "0x");
    char hex[32];
    uvlog_buf_t h = {hex, 0, sizeof hex, 0, 1};
    uvlog__render_int(&h, 'x', 'q', v);
    cput(b, hex, h.len);
    return 0;
  case 's':
    if (tag == DEF_TAG_NULLSTR) { cputs(b, "(null)"); return 0; }
    if (tag != DEF_TAG_STR) break;
    cput(b, s, (size_t)v);
    return 0;
  case 'f': case 'F':
    if (tag != (UVLOG_ARG_DBL | 8u) || sp->lmod == 'L') break;
    double d;
    memcpy(&d, &v, sizeof d);
    cfixed(b, d, sp->pstar ? -1 : sp->has_prec ? sp->prec : -1);
    return 0;
  default:
    cmark(b, sp, " not rendered in a crash");
    return 0;
  }
  cmark(b, sp, " given another type");
  return 0;
}

/* The message of a deferred record (render.c's job on the listener). */
static void crender(uvlog_buf_t *b, const char *fmt, const unsigned char *data, size_t len) {
  creader_t rd = {0};
  if (!fmt || len < 1 || data[0] > UVLOG_DEFERRED_MAX_ARGS) goto corrupt;
  rd.n = data[0];
  size_t head = uvlog__deferred_head(rd.n);
  if (head + 8 * (size_t)rd.n > len) goto corrupt;
  rd.tags = data + 1;
  rd.vals = data + head;
  rd.strs = rd.vals + 8 * (size_t)rd.n;
  rd.strs_len = len - head - 8 * (size_t)rd.n;
  const char *lit = fmt, *p;
  for (p = fmt; *p; p++) {
    if (*p != '%') continue;
    cput(b, lit, (size_t)(p - lit));
    if (p[1] == '%') {
      cputs(b, "%");
      lit = ++p + 1;
      continue;
    }
    spec_t sp;
    if (!uvlog__parse_spec(p, &sp)) {
      cputs(b, "<uvlog: unsupported format>");
      return;
    }
    if (cconv(b, &sp, &rd) != 0) goto corrupt;
    p += sp.len - 1;
    lit = p + 1;
  }
  cput(b, lit, (size_t)(p - lit));
  return;
corrupt:
  cputs(b, "<uvlog: corrupt deferred record>");
}

/* ---- decode -------------------------------------------------------------------------------- */

void uvlog__crash_decode(const uvlog_t *log, const uvlog_rec_t *rec, uvlog_buf_t *msg,
                         uvlog_entry_t *e) {
  const unsigned char *data = rec->data;
  size_t orig = 0;
  memset(e, 0, sizeof *e);
  msg->len = 0;
  msg->oom = 0;
  e->ts_ns = crash_ts(log, rec->ts);
  e->tid = rec->tid;
  e->level = rec->level < UVLOG_LEVEL_COUNT ? (uvlog_level_t)rec->level : UVLOG_LEVEL_CRITICAL;
  if (rec->flags & REC_F_RTSITE) {
    rec_rtsite_t rs;
    memcpy(&rs, data, sizeof rs);
    e->file = rs.file;
    e->func = rs.func;
    e->line = rs.line;
    data += sizeof rs;
  } else if (rec->site) {
    e->file = rec->site->file;
    e->func = rec->site->func;
    e->line = rec->site->line;
  }
  if (rec->type == REC_TEXT) {
    e->msg = (const char *)data;
    e->msg_len = rec->msg_len;
    if (!(rec->flags & REC_F_TRUNCATED)) return;
    uint32_t n;
    memcpy(&n, data + rec->msg_len, sizeof n);
    orig = n;
    cput(msg, e->msg, e->msg_len);
  } else if (rec->type == REC_DEFERRED) {
    crender(msg, rec->site ? rec->site->fmt : NULL, data, rec->msg_len);
    if (msg->len > log->max_record) {
      orig = msg->len; /* a lower bound: the buffer holds max_record + 256 */
      msg->len = log->max_record;
    }
  } else {
    cputs(msg, "<uvlog: unknown record type>");
  }
  if (orig) {
    cputs(msg, "\xe2\x80\xa6[truncated: ");
    cput_u64(msg, orig);
    cputs(msg, " bytes]");
    e->flags |= UVLOG_ENTRY_TRUNCATED;
  }
  e->msg = msg->data;
  e->msg_len = msg->len;
}

/* ---- render -------------------------------------------------------------------------------- */

/* "<time> <LEVEL> <file>:<line> <message>\n", file and message escaped as
 * TEXT escapes them; `out` holds the escaped message whatever its bytes. */
static void crash_line(const uvlog_entry_t *e, uvlog_buf_t *out) {
  static const char *const names[UVLOG_LEVEL_COUNT] = {"TRACE", "DEBUG", "INFO", "NOTICE",
                                                       "WARNING", "ERROR", "CRITICAL"};
  const char *file = e->file ? e->file : "-";
  size_t flen = strnlen(file, 1024);
  uvlog_format_rfc3339_utc(e->ts_ns, out);
  cputs(out, " ");
  cputs(out, names[(unsigned)e->level < UVLOG_LEVEL_COUNT ? e->level : UVLOG_LEVEL_CRITICAL]);
  cputs(out, " ");
  uvlog_format_escape(file, flen, out);
  cputs(out, ":");
  cput_u64(out, (uint64_t)(e->line < 0 ? 0 : e->line));
  cputs(out, " ");
  uvlog_format_escape(e->msg, e->msg_len, out);
  if (out->oom) { /* cannot happen with crash.c's sizes; stay one line anyway */
    out->oom = 0;
    if (out->len == out->cap) out->len--;
  }
  cputs(out, "\n");
}

void uvlog__crash_render(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  out->len = 0;
  out->oom = 0;
  if (f->kind == UVLOG_FORMAT_TEXT || f->kind == UVLOG_FORMAT_JSON) {
    uvlog_formatter_format(f, e, out);
    if (!out->oom) return;
    out->len = 0;
    out->oom = 0;
  }
  crash_line(e, out);
}
