/*
 * render.c -- deferred formatting, listener side (render.h): the message of
 * a REC_DEFERRED record from its format literal and encoded arguments
 * (deferred.h), with printf's exact output.
 *
 * The renderer reimplements only the conversions whose output is fixed by
 * the value alone: a bare integer conversion ("%d", "%lu", "%zx", "%hhd"...:
 * no flags, width or precision), "%s" without flags or width (the copied
 * bytes), a bare "%c", glibc's bare "%p", and "%f"/"%.Nf" (N <= 9) of a
 * finite double below 2^64, rounded exactly (ties to even) when the rounding
 * mode is FE_TONEAREST and the radix character is ".". Those are written
 * straight into the buffer. Every other conversion rebuilds a
 * one-conversion format from the spec's own text (flags, width, precision,
 * length modifier) and calls vsnprintf with an argument of exactly the C
 * type that conversion expects, so flags, padding, rounding, NaN/inf and
 * locale behave exactly as in the preformatting path. test_deferred.c
 * compares both against snprintf. An encoded argument whose kind or size
 * does not fit the conversion is never passed: a "<uvlog: ...>" marker is
 * written instead. Widths and precisions are clamped (clamp_spec), so a
 * record's rendering is bounded by its format and the logger's max_record.
 *
 * Runs on the listener; also on a producer in the rare fallback of
 * producer.c (arguments larger than max_record), where it may malloc.
 */
#include "render.h"
#include "deferred.h"
#include "dec.h"
#include "spec.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <fenv.h>
#include <langinfo.h>
#include <wchar.h>

/* The least cap on a width or precision: above the 1075 digits where a
 * double's %f expansion ends, so clamping never changes a rounding. */
#define RENDER_MIN_CAP 1100

static int is_int32(unsigned tag) {
  return tag == (UVLOG_ARG_SINT | 4u) || tag == (UVLOG_ARG_UINT | 4u);
}

/* Appends vsnprintf(fmt, ...) to out, growing it as needed. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wsuggest-attribute=format"
#endif
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put(uvlog_buf_t *out, const char *fmt, ...) {
  if (uvlog_buf_reserve(out, 64) != 0) return;
  for (;;) {
    size_t avail = out->cap - out->len;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out->data + out->len, avail, fmt, ap);
    va_end(ap);
    if (r < 0) { /* EOVERFLOW: the preformatting path would fail too */
      uvlog_buf_puts(out, "<uvlog: format error>");
      return;
    }
    if ((size_t)r < avail) {
      out->len += (size_t)r;
      return;
    }
    if (uvlog_buf_reserve(out, (size_t)r + 1) != 0) return;
  }
}

/* A cursor over the encoded arguments. */
typedef struct reader {
  const unsigned char *tags, *vals, *strs;
  unsigned n, i;
  size_t strs_len, soff;
} reader_t;

typedef struct arg {
  unsigned tag;
  uint64_t v;
  const char *s; /* DEF_TAG_STR: the copied bytes (v of them) */
} arg_t;

static int reader_init(reader_t *rd, const unsigned char *data, size_t len) {
  if (len < 1) return 0;
  rd->n = data[0];
  size_t head = uvlog__deferred_head(rd->n) + 8 * (size_t)rd->n;
  if (rd->n > UVLOG_DEFERRED_MAX_ARGS || head > len) return 0;
  rd->tags = data + 1;
  rd->vals = data + uvlog__deferred_head(rd->n);
  rd->strs = data + head;
  rd->strs_len = len - head;
  rd->i = 0;
  rd->soff = 0;
  return 1;
}

/* Takes the next argument: 1, 0 if there is none, -1 if the data is bad. */
static int reader_next(reader_t *rd, arg_t *a) {
  if (rd->i >= rd->n) return 0;
  a->tag = rd->tags[rd->i];
  memcpy(&a->v, rd->vals + 8 * (size_t)rd->i, 8);
  a->s = NULL;
  rd->i++;
  if (a->tag == DEF_TAG_STR) {
    if (a->v > rd->strs_len - rd->soff) return -1;
    a->s = (const char *)rd->strs + rd->soff;
    rd->soff += (size_t)a->v;
  }
  return 1;
}

static const char *tag_name(unsigned tag) {
  switch (tag) {
  case UVLOG_ARG_SINT | 4u: return "an int";
  case UVLOG_ARG_UINT | 4u: return "an unsigned int";
  case UVLOG_ARG_SINT | 8u: return "a 64-bit int";
  case UVLOG_ARG_UINT | 8u: return "a 64-bit unsigned int";
  case UVLOG_ARG_DBL | 8u: return "a double";
  case UVLOG_ARG_PTR | 8u: return "a pointer";
  case DEF_TAG_STR: case DEF_TAG_NULLSTR: return "a string";
  default: return "an unknown value";
  }
}

static void mark(uvlog_buf_t *out, const spec_t *sp, const char *what) {
  uvlog_buf_puts(out, "<uvlog: ");
  uvlog_buf_append(out, sp->start, sp->len);
  uvlog_buf_putc(out, ' ');
  uvlog_buf_puts(out, what);
  uvlog_buf_putc(out, '>');
}

static void mark_given(uvlog_buf_t *out, const spec_t *sp, unsigned tag) {
  char what[64];
  snprintf(what, sizeof what, "given %s", tag_name(tag));
  mark(out, sp, what);
}

/* Size in bytes of the integer an integer conversion expects. */
static unsigned int_size(char lmod) {
  switch (lmod) {
  case 'l': return sizeof(long);
  case 'q': return sizeof(long long);
  case 'j': return sizeof(intmax_t);
  case 'z': return sizeof(size_t);
  case 't': return sizeof(ptrdiff_t);
  default: return sizeof(int); /* none, hh, h: the promoted int */
  }
}


/* ---- Fast paths ---------------------------------------------------------
 * A conversion written with no flags, no width and (for integers) no
 * precision -- "%d", "%lu", "%zx", "%s", "%.3f"... -- is the common case and
 * its output is fully determined by the value, so it is written straight
 * into the buffer instead of going through a rebuilt format and vsnprintf.
 * Everything else (flags, widths, precisions on integers, %e/%g/%a, NaN/inf,
 * a non-"." radix character, a non-default rounding mode) keeps vsnprintf.
 * test_deferred.c checks every fast path against snprintf. */

/* Appends an integer conversion with no flags, width or precision.
 * `v` is the encoded 64-bit value; the length modifier narrows it as
 * printf's argument conversion does (hh: char, h: short, none: int).
 * Async-signal-safe (the crash flush uses it, render.h). */
void uvlog__render_int(uvlog_buf_t *out, char conv, char lmod, uint64_t v) {
  char tmp[24], *end = tmp + sizeof tmp, *b;
  int neg = 0;
  unsigned bits = lmod == 'H' ? 8 : lmod == 'h' ? 16 : lmod == 0 ? 32 : 64;
  if (bits < 64) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    v &= mask;
    if ((conv == 'd' || conv == 'i') && (v >> (bits - 1))) v |= ~mask; /* sign-extend */
  }
  switch (conv) {
  case 'd': case 'i':
    if ((int64_t)v < 0) {
      neg = 1;
      v = 0 - v; /* INT64_MIN stays 2^63, right as unsigned */
    }
    b = uvlog__u64_dec(end, v);
    if (neg) *--b = '-';
    break;
  case 'u':
    b = uvlog__u64_dec(end, v);
    break;
  case 'o':
    b = end;
    do { *--b = (char)('0' + (v & 7)); v >>= 3; } while (v);
    break;
  default: { /* x, X */
    const char *hex = conv == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
    b = end;
    do { *--b = hex[v & 15]; v >>= 4; } while (v);
    break;
  }
  }
  uvlog_buf_append(out, b, (size_t)(end - b));
}

#ifdef __GLIBC__
/* glibc's %p: "(nil)" for NULL, else "0x" and lowercase hex. */
static void fast_ptr(uvlog_buf_t *out, uint64_t v) {
  char tmp[24], *end = tmp + sizeof tmp, *b = end;
  if (v == 0) {
    uvlog_buf_append(out, "(nil)", 5);
    return;
  }
  do { *--b = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  *--b = 'x';
  *--b = '0';
  uvlog_buf_append(out, b, (size_t)(end - b));
}
#endif

#if defined(__SIZEOF_INT128__) && defined(FE_TONEAREST)
#define FAST_FLOAT 1
__extension__ typedef unsigned __int128 u128;
static const uint64_t pow10_u64[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};

/* %f / %F of a finite double with precision prec (0..9), no flags or
 * width: the exact binary value scaled by 10^prec and rounded to nearest,
 * ties to even, as glibc's printf_fp does in FE_TONEAREST. Returns 0 (and
 * writes nothing) when the value is out of the exact 128-bit range or the
 * environment is not the default one; the caller then uses vsnprintf. */
static int fast_fixed(uvlog_buf_t *out, double d, unsigned prec) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  unsigned bexp = (unsigned)(bits >> 52) & 0x7ffu;
  uint64_t m = bits & (((uint64_t)1 << 52) - 1);
  int e;
  if (bexp == 0x7ffu) return 0; /* NaN, inf */
  if (bexp == 0) e = -1074;
  else { m |= (uint64_t)1 << 52; e = (int)bexp - 1075; }
  if (e > 11) return 0; /* >= 2^64: leave it to printf */
  if (fegetround() != FE_TONEAREST) return 0;
  const char *radix = nl_langinfo(RADIXCHAR);
  if (radix[0] != '.' || radix[1] != '\0') return 0;

  uint64_t p10 = pow10_u64[prec];
  u128 q; /* round(|d| * 10^prec) */
  if (e >= 0) {
    q = (u128)(m << e) * p10;
  } else {
    unsigned k = (unsigned)-e;
    u128 n = (u128)m * p10; /* < 2^83 */
    if (k > 100) {
      q = 0; /* n / 2^k < 2^-17: rounds to 0, never a tie */
    } else {
      u128 one = 1;
      q = n >> k;
      u128 r = n & ((one << k) - 1), half = one << (k - 1);
      if (r > half || (r == half && (q & 1))) q++;
    }
  }
  uint64_t ip, fp;
  if ((q >> 64) == 0) { /* the usual case: a 64-bit division, no libgcc call */
    ip = (uint64_t)q / p10;
    fp = (uint64_t)q % p10;
  } else {
    ip = (uint64_t)(q / p10);
    fp = (uint64_t)(q % p10);
  }
  char tmp[48], *end = tmp + sizeof tmp, *b = end;
  if (prec > 0) {
    for (unsigned i = 0; i < prec; i++) {
      *--b = (char)('0' + fp % 10);
      fp /= 10;
    }
    *--b = '.';
  }
  b = uvlog__u64_dec(b, ip);
  if (bits >> 63) *--b = '-';
  uvlog_buf_append(out, b, (size_t)(end - b));
  return 1;
}
#endif

/* Calls put() with the star values (0, 1 or 2 of them) and then `val`. */
#define PUT_WITH_STARS(out, f, ns, st, val)                  \
  do {                                                       \
    if ((ns) == 0) put((out), (f), (val));                   \
    else if ((ns) == 1) put((out), (f), (st)[0], (val));     \
    else put((out), (f), (st)[0], (st)[1], (val));           \
  } while (0)

static void render_int(uvlog_buf_t *out, const spec_t *sp, const char *f, int ns,
                       const int *st, uint64_t v) {
  int sgn = sp->conv == 'd' || sp->conv == 'i';
  switch (sp->lmod) {
  case 'l':
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (long)v);
    else PUT_WITH_STARS(out, f, ns, st, (unsigned long)v);
    break;
  case 'q':
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (long long)v);
    else PUT_WITH_STARS(out, f, ns, st, (unsigned long long)v);
    break;
  case 'j':
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (intmax_t)v);
    else PUT_WITH_STARS(out, f, ns, st, (uintmax_t)v);
    break;
  case 'z':
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (ssize_t)v);
    else PUT_WITH_STARS(out, f, ns, st, (size_t)v);
    break;
  case 't':
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (ptrdiff_t)v);
    else PUT_WITH_STARS(out, f, ns, st, (size_t)(ptrdiff_t)v);
    break;
  default:
    if (sgn) PUT_WITH_STARS(out, f, ns, st, (int)v);
    else PUT_WITH_STARS(out, f, ns, st, (unsigned)v);
    break;
  }
}

/* The spec's own text, NUL-terminated, into f (SPEC_MAX + 4 bytes). */
static void spec_text(char *f, const spec_t *sp) {
  memcpy(f, sp->start, sp->len);
  f[sp->len] = '\0';
}

/* A width or precision above `cap` (from a '*' argument or a literal) is
 * clamped to it: rendering one conversion never produces much more than
 * cap bytes, whatever the record says (a hostile "%-*d" with width 1.8e9
 * would make vsnprintf write 1.8 GB). cap > max_record, so what the sinks
 * see after truncation is unchanged; only the marker's byte count is then
 * a lower bound. Returns sp, or *c describing the clamped spec (its text,
 * in ctext, uses '*' for both, with the values in st[]). */
typedef struct clamp {
  long w, p;   /* the width (absolute) and precision asked for */
  long cw, cp; /* what was used (== w, p when not clamped) */
} clamp_t;

static const spec_t *clamp_spec(const spec_t *sp, spec_t *c, char *ctext, int *st, int *ns,
                                long cap, clamp_t *cl) {
  long w = sp->wstar ? st[0] : sp->has_width ? sp->width : 0;
  long p = sp->pstar ? st[sp->wstar] : sp->has_prec ? sp->prec : -1;
  cl->w = cl->cw = w < 0 ? -w : w;
  cl->p = cl->cp = p;
  if (w <= cap && w >= -cap && p <= cap) return sp;
  w = w > cap ? cap : w < -cap ? -cap : w;
  p = p > cap ? cap : p;
  cl->cw = w < 0 ? -w : w;
  cl->cp = p;
  size_t k = sp->flags_end;
  memcpy(ctext, sp->start, k);
  ctext[k++] = '*';
  size_t pre = k;
  if (sp->has_prec) { ctext[k++] = '.'; ctext[k++] = '*'; }
  size_t lmod_at = k, tail = sp->len - sp->lmod_at; /* length modifier and letter */
  memcpy(ctext + k, sp->start + sp->lmod_at, tail);
  k += tail;
  ctext[k] = '\0';
  *c = *sp;
  c->start = ctext;
  c->len = k;
  c->pre_len = pre;
  c->lmod_at = lmod_at;
  c->wstar = 1;
  c->has_width = 0;
  c->pstar = sp->has_prec;
  c->prec = p;
  st[0] = (int)w;
  *ns = 1;
  if (sp->has_prec) st[(*ns)++] = (int)p;
  return c;
}

/* How many bytes the conversion would have produced without the clamp,
 * given `lc` produced with it: a precision adds its excess digits (not for
 * %s, whose bytes are already cut, %c, or %g, which strips zeros: there the
 * count is a lower bound), and a width pads up to itself. */
static size_t unclamped_len(const spec_t *sp, const clamp_t *cl, size_t lc) {
  size_t l = lc;
  if (cl->p > cl->cp && sp->conv != 's' && sp->conv != 'c' && sp->conv != 'g' && sp->conv != 'G')
    l += (size_t)(cl->p - cl->cp);
  if (cl->w > cl->cw && (size_t)cl->w > l) l = (size_t)cl->w;
  return l;
}

/* Renders one conversion with its argument(s); *cl says what was clamped.
 * Returns 0, or -1 if the data is corrupt (rendering stops). */
static int render_conv(uvlog_buf_t *out, const spec_t *sp, reader_t *rd, long cap, clamp_t *cl) {
  spec_t clamped;
  char ctext[SPEC_MAX + 8];
  int st[2], ns = 0;
  arg_t a;
  cl->w = cl->cw = 0; /* nothing clamped, whichever way this returns */
  cl->p = cl->cp = -1;
  char f[SPEC_MAX + 4];
  for (int k = 0; k < sp->wstar + sp->pstar; k++) {
    int r = reader_next(rd, &a);
    if (r < 0) return -1;
    if (r == 0) { mark(out, sp, "missing argument"); return 0; }
    if (!is_int32(a.tag)) { mark_given(out, sp, a.tag); return 0; }
    st[ns++] = (int)a.v;
  }
  int r = reader_next(rd, &a);
  if (r < 0) return -1;
  if (r == 0) { mark(out, sp, "missing argument"); return 0; }
  if (UVLOG_UNLIKELY(sp->wstar || sp->pstar || sp->width > cap || sp->prec > cap))
    sp = clamp_spec(sp, &clamped, ctext, st, &ns, cap, cl);
  unsigned kind = a.tag & 0xf0u, size = a.tag & 0x0fu;
  /* "%" directly followed by the length modifier and letter: no flags and
   * no width (a '*' width is part of pre_len too). */
  int plain = sp->pre_len == 1;
  switch (sp->conv) {
  case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
    if ((kind != UVLOG_ARG_SINT && kind != UVLOG_ARG_UINT) || size != int_size(sp->lmod)) {
      mark_given(out, sp, a.tag);
    } else if (plain && !sp->has_prec) {
      uvlog__render_int(out, sp->conv, sp->lmod, a.v);
    } else {
      spec_text(f, sp);
      render_int(out, sp, f, ns, st, a.v);
    }
    return 0;
  case 'c':
    if (!is_int32(a.tag)) {
      mark_given(out, sp, a.tag);
    } else if (plain && !sp->has_prec && sp->lmod == 0) {
      uvlog_buf_putc(out, (char)(unsigned char)a.v);
    } else {
      spec_text(f, sp);
      if (sp->lmod == 'l') PUT_WITH_STARS(out, f, ns, st, (wint_t)a.v);
      else PUT_WITH_STARS(out, f, ns, st, (int)a.v);
    }
    return 0;
  case 'p':
    if (kind != UVLOG_ARG_PTR) {
      mark_given(out, sp, a.tag);
      return 0;
    }
#ifdef __GLIBC__
    if (plain && !sp->has_prec) {
      fast_ptr(out, a.v);
      return 0;
    }
#endif
    spec_text(f, sp);
    PUT_WITH_STARS(out, f, ns, st, (void *)(uintptr_t)a.v);
    return 0;
  case 's':
    if (a.tag == DEF_TAG_STR && plain) {
      /* The copied bytes are exactly what printf would print. */
      uvlog_buf_append(out, a.s, (size_t)a.v);
      return 0;
    }
    spec_text(f, sp);
    if (a.tag == DEF_TAG_NULLSTR) {
      const char *null_str = NULL; /* glibc's own "(null)" handling */
      PUT_WITH_STARS(out, f, ns, st, null_str);
    } else if (a.tag != DEF_TAG_STR) {
      mark_given(out, sp, a.tag);
    } else {
      /* The copied bytes are exactly what the precision let through:
       * render them with that count as the precision, same output. */
      memcpy(f, sp->start, sp->pre_len);
      memcpy(f + sp->pre_len, ".*s", 4);
      int nst = sp->wstar ? 1 : 0;
      if (nst) put(out, f, st[0], (int)a.v, a.s);
      else put(out, f, (int)a.v, a.s);
    }
    return 0;
  default: { /* floating point */
    if (a.tag != (UVLOG_ARG_DBL | 8u) || sp->lmod == 'L') {
      mark_given(out, sp, a.tag);
      return 0;
    }
    double d;
    memcpy(&d, &a.v, sizeof d);
#ifdef FAST_FLOAT
    if (plain && (sp->conv == 'f' || sp->conv == 'F') && !sp->pstar &&
        (!sp->has_prec || sp->prec <= 9) &&
        fast_fixed(out, d, sp->has_prec ? (unsigned)sp->prec : 6u))
      return 0;
#endif
    spec_text(f, sp);
    PUT_WITH_STARS(out, f, ns, st, d);
    return 0;
  }
  }
}

size_t uvlog__render_data(const char *fmt, const unsigned char *data, size_t len, size_t limit,
                          uvlog_buf_t *out) {
  size_t extra = 0;
  long cap = limit < RENDER_MIN_CAP ? RENDER_MIN_CAP : limit >= LONG_MAX / 2 ? LONG_MAX / 2
                                                                             : (long)limit + 1;
  if (cap > INT_MAX) cap = INT_MAX;
  reader_t rd;
  if (!fmt || !data || !reader_init(&rd, data, len)) {
    uvlog_buf_puts(out, "<uvlog: corrupt deferred record>");
    return 0;
  }
  const char *lit = fmt, *p;
  for (p = fmt; *p; p++) {
    if (*p != '%') continue;
    uvlog_buf_append(out, lit, (size_t)(p - lit));
    if (p[1] == '%') {
      uvlog_buf_putc(out, '%');
      lit = ++p + 1;
      continue;
    }
    spec_t sp;
    if (!uvlog__parse_spec(p, &sp)) { /* the site scan rejects these; be safe anyway */
      uvlog_buf_puts(out, "<uvlog: unsupported format>");
      return extra;
    }
    size_t before = out->len;
    clamp_t cl;
    if (render_conv(out, &sp, &rd, cap, &cl) != 0) {
      uvlog_buf_puts(out, "<uvlog: corrupt deferred record>");
      return extra;
    }
    if (cl.w != cl.cw || cl.p != cl.cp) extra += unclamped_len(&sp, &cl, out->len - before) -
                                                 (out->len - before);
    p += sp.len - 1;
    lit = p + 1;
  }
  uvlog_buf_append(out, lit, (size_t)(p - lit));
  return extra;
}

