/*
 * deferred.c -- deferred formatting without the logger: the per-site format
 * scan (plan), the argument encoder, and the listener-side renderer.
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
 * written instead.
 *
 * The scan accepts only what the renderer can reproduce exactly; anything
 * else makes the call site fall back to uvlog_log() (see deferred.h).
 *
 * uvlog_log_args() is the producer's whole cost: a cached plan (one acquire
 * load), strnlen of the %s arguments, one record claim, a memcpy of the
 * 8-byte values and string bytes, one commit. No lock, no malloc, no system
 * call (the slow paths -- no logger, oversized arguments -- do malloc).
 */
#include "deferred.h"
#include "dec.h"

#include "logger.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <fenv.h>
#include <langinfo.h>
#include <wchar.h>

#define SPEC_MAX 64 /* longest conversion spec we rebuild, "%" to letter */

/* One parsed conversion spec. */
typedef struct spec {
  const char *start; /* the '%' */
  size_t len;        /* through the conversion letter */
  size_t pre_len;    /* "%", flags and width: the part before '.', length, letter */
  int wstar;         /* width is '*' */
  int pstar;         /* precision is '*' */
  int has_prec;      /* a precision was given (digits or '*') */
  long prec;         /* literal precision (has_prec && !pstar) */
  char lmod;         /* 0, 'H' (hh), 'h', 'l', 'q' (ll), 'j', 'z', 't', 'L' */
  char conv;         /* the conversion letter */
} spec_t;

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Parses the spec at p (p[0] == '%', p[1] != '%'). Returns 1 and fills *sp
 * if the renderer supports it exactly, 0 otherwise. */
static int is_flag(char c) {
  switch (c) {
  case '-': case '+': case ' ': case '#': case '0': case '\'': case 'I': return 1;
  default: return 0;
  }
}

static int parse_spec(const char *p, spec_t *sp) {
  const char *q = p + 1;
  sp->start = p;
  sp->wstar = sp->pstar = sp->has_prec = 0;
  sp->prec = 0;
  sp->lmod = 0;
  switch (*q) { /* the common bare "%d", "%s"...: nothing else to parse */
  case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 's': case 'c': case 'p':
  case 'f':
    sp->pre_len = 1;
    sp->conv = *q;
    sp->len = 2;
    return 1;
  default:
    break;
  }
  while (is_flag(*q)) q++;
  if (*q == '*') {
    sp->wstar = 1;
    q++;
  } else {
    const char *d = q;
    while (is_digit(*q)) q++;
    if (*q == '$' || q - d > 9) return 0; /* positional, or absurd width */
  }
  sp->pre_len = (size_t)(q - p);
  if (*q == '.') {
    q++;
    sp->has_prec = 1;
    if (*q == '*') {
      sp->pstar = 1;
      q++;
    } else {
      const char *d = q;
      long v = 0;
      while (is_digit(*q)) v = v * 10 + (*q++ - '0');
      if (q - d > 9) return 0;
      sp->prec = v;
    }
  }
  switch (*q) {
  case 'h': q++; if (*q == 'h') { sp->lmod = 'H'; q++; } else sp->lmod = 'h'; break;
  case 'l': q++; if (*q == 'l') { sp->lmod = 'q'; q++; } else sp->lmod = 'l'; break;
  case 'j': case 'z': case 't': case 'L': sp->lmod = *q++; break;
  default: break;
  }
  sp->conv = *q;
  if (!*q) return 0;
  sp->len = (size_t)(q + 1 - p);
  if (sp->len >= SPEC_MAX) return 0;
  switch (sp->conv) {
  case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
    return sp->lmod != 'L';
  case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
    return sp->lmod == 0 || sp->lmod == 'l' || sp->lmod == 'L';
  case 'c':
    return sp->lmod == 0 || sp->lmod == 'l';
  case 's': case 'p':
    return sp->lmod == 0;
  default:
    return 0; /* %n, %m, %S, %C, unknown letters */
  }
}

int uvlog__deferred_plan(const char *fmt, uvlog_site_cache_t *plan) {
  unsigned k = 0;
  memset(plan->use, DEF_USE_NONE, sizeof plan->use);
  for (unsigned i = 0; i < UVLOG_DEFERRED_MAX_ARGS; i++) plan->prec[i] = -1;
  if (!fmt) return 0;
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') continue;
    if (p[1] == '%') { p++; continue; }
    spec_t sp;
    if (!parse_spec(p, &sp)) return 0;
    if (sp.wstar && k < UVLOG_DEFERRED_MAX_ARGS) plan->use[k] = DEF_USE_INT;
    k += (unsigned)sp.wstar;
    if (sp.pstar && k < UVLOG_DEFERRED_MAX_ARGS) plan->use[k] = DEF_USE_INT;
    k += (unsigned)sp.pstar;
    if (k < UVLOG_DEFERRED_MAX_ARGS) {
      plan->use[k] = sp.conv == 's' ? DEF_USE_STR : DEF_USE_OTHER;
      if (sp.conv == 's' && sp.has_prec) plan->prec[k] = sp.pstar ? -2 : (int)sp.prec;
    }
    k++;
    p += sp.len - 1;
  }
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Producer: encoding                                                        */
/* ------------------------------------------------------------------------ */

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static int is_int32(unsigned tag) {
  return tag == (UVLOG_ARG_SINT | 4u) || tag == (UVLOG_ARG_UINT | 4u);
}

/* How many bytes of string argument i a %s reads: strnlen up to the
 * precision, as printf does (so an unterminated buffer with a precision is
 * fine). */
static size_t str_bytes(const uvlog_site_cache_t *plan, const uvlog_arg_t *args, unsigned i) {
  long prec = plan->prec[i];
  if (prec == -2) /* ".*": the previous argument, if it is an int */
    prec = (i > 0 && is_int32(args[i - 1].tag)) ? (long)(int)args[i - 1].v.u : -1;
  return prec < 0 ? strlen(args[i].v.s) : strnlen(args[i].v.s, (size_t)prec);
}

static int copies(const uvlog_site_cache_t *plan, const uvlog_arg_t *a, unsigned i) {
  return (a->tag & 0xf0u) == UVLOG_ARG_CSTR && plan->use[i] == DEF_USE_STR && a->v.s != NULL;
}

size_t uvlog__deferred_measure(const uvlog_site_cache_t *plan, const uvlog_arg_t *args,
                               unsigned n, size_t *lens) {
  size_t total = pad8(1 + (size_t)n) + 8 * (size_t)n;
  for (unsigned i = 0; i < n; i++) {
    lens[i] = copies(plan, &args[i], i) ? str_bytes(plan, args, i) : 0;
    total += lens[i];
    if (total < lens[i]) return SIZE_MAX; /* overflow: certainly too big */
  }
  return total;
}

void uvlog__deferred_encode(const uvlog_site_cache_t *plan, const uvlog_arg_t *args,
                            unsigned n, const size_t *lens, unsigned char *dst) {
  unsigned char *tags = dst + 1;
  unsigned char *vals = dst + pad8(1 + (size_t)n);
  unsigned char *strs = vals + 8 * (size_t)n;
  dst[0] = (unsigned char)n;
  memset(tags, 0, pad8(1 + (size_t)n) - 1);
  for (unsigned i = 0; i < n; i++) {
    unsigned tag = args[i].tag;
    uint64_t v = args[i].v.u;
    if ((tag & 0xf0u) == UVLOG_ARG_CSTR) {
      if (plan->use[i] != DEF_USE_STR) {
        tag = UVLOG_ARG_PTR | 8u; /* a char * given to %p (or a mismatch) */
      } else if (args[i].v.s == NULL) {
        tag = DEF_TAG_NULLSTR;
      } else {
        tag = DEF_TAG_STR;
        v = lens[i];
        memcpy(strs, args[i].v.s, lens[i]);
        strs += lens[i];
      }
    }
    tags[i] = (unsigned char)tag;
    memcpy(vals + 8 * (size_t)i, &v, 8);
  }
}

/* ------------------------------------------------------------------------ */
/* Listener: rendering                                                       */
/* ------------------------------------------------------------------------ */

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
  size_t head = pad8(1 + (size_t)rd->n) + 8 * (size_t)rd->n;
  if (rd->n > UVLOG_DEFERRED_MAX_ARGS || head > len) return 0;
  rd->tags = data + 1;
  rd->vals = data + pad8(1 + (size_t)rd->n);
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
 * printf's argument conversion does (hh: char, h: short, none: int). */
static void fast_int(uvlog_buf_t *out, char conv, char lmod, uint64_t v) {
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

/* Renders one conversion with its argument(s). Returns 0, or -1 if the
 * data is corrupt (rendering stops). */
static int render_conv(uvlog_buf_t *out, const spec_t *sp, reader_t *rd) {
  int st[2], ns = 0;
  arg_t a;
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
  unsigned kind = a.tag & 0xf0u, size = a.tag & 0x0fu;
  /* "%" directly followed by the length modifier and letter: no flags and
   * no width (a '*' width is part of pre_len too). */
  int plain = sp->pre_len == 1;
  switch (sp->conv) {
  case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
    if ((kind != UVLOG_ARG_SINT && kind != UVLOG_ARG_UINT) || size != int_size(sp->lmod)) {
      mark_given(out, sp, a.tag);
    } else if (plain && !sp->has_prec) {
      fast_int(out, sp->conv, sp->lmod, a.v);
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

void uvlog__deferred_render_data(const char *fmt, const unsigned char *data, size_t len,
                                 uvlog_buf_t *out) {
  reader_t rd;
  if (!fmt || !data || !reader_init(&rd, data, len)) {
    uvlog_buf_puts(out, "<uvlog: corrupt deferred record>");
    return;
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
    if (!parse_spec(p, &sp)) { /* the site scan rejects these; be safe anyway */
      uvlog_buf_puts(out, "<uvlog: unsupported format>");
      return;
    }
    if (render_conv(out, &sp, &rd) != 0) {
      uvlog_buf_puts(out, "<uvlog: corrupt deferred record>");
      return;
    }
    p += sp.len - 1;
    lit = p + 1;
  }
  uvlog_buf_append(out, lit, (size_t)(p - lit));
}

void uvlog__deferred_render(const uvlog_rec_t *rec, uvlog_buf_t *out) {
  uvlog__deferred_render_data(rec->fmt, rec->data, rec->msg_len, out);
}

/* ------------------------------------------------------------------------ */
/* Per call site cache                                                       */
/* ------------------------------------------------------------------------ */

int uvlog_site_prepare(const uvlog_site_t *site) {
  if (!site || !site->cache) return 0;
  uvlog_site_cache_t *c = site->cache;
  /* Acquire: if another thread published, its plan bytes are visible. */
  int st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
  if (st == UVLOG__SITE_DEFER) return 1;
  if (st == UVLOG__SITE_FALLBACK) return 0;
  int expect = UVLOG__SITE_UNKNOWN;
  /* Relaxed CAS: it only elects the one writer of the plan; publication is
   * the release store below. A loser (state BUSY) just scans for itself. */
  if (st == UVLOG__SITE_UNKNOWN &&
      __atomic_compare_exchange_n(&c->state, &expect, UVLOG__SITE_BUSY, 0, __ATOMIC_RELAXED,
                                  __ATOMIC_RELAXED)) {
    int ok = uvlog__deferred_plan(site->fmt, c);
    /* Release: the plan bytes written above happen-before any acquire load
     * that sees DEFER (uvlog__site_ok(), uvlog_log_args()). */
    __atomic_store_n(&c->state, ok ? UVLOG__SITE_DEFER : UVLOG__SITE_FALLBACK, __ATOMIC_RELEASE);
    return ok;
  }
  uvlog_site_cache_t tmp;
  return uvlog__deferred_plan(site->fmt, &tmp);
}

/* ------------------------------------------------------------------------ */
/* Producer: the log call                                                    */
/* ------------------------------------------------------------------------ */

/* The rare path: no logger, or arguments too big for one record. Formats on
 * the caller (one malloc) and hands the text to uvlog_log_text(), which
 * truncates and marks exactly as uvlog_log() would. */
static int log_rendered(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                        const uvlog_site_cache_t *plan, const uvlog_arg_t *args, unsigned n,
                        const size_t *lens, size_t size) {
  unsigned char *data = malloc(size);
  if (!data) return UVLOG_ENOMEM;
  uvlog__deferred_encode(plan, args, n, lens, data);
  uvlog_buf_t text = {0};
  uvlog__deferred_render_data(site->fmt, data, size, &text);
  free(data);
  int rc = text.oom ? UVLOG_ENOMEM
                    : uvlog_log_text(log, level, site->file, site->line, site->func,
                                     text.data ? text.data : "", text.len);
  uvlog_buf_free(&text);
  return rc;
}

int uvlog_log_args(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                   const uvlog_arg_t *args, unsigned n) {
  if (UVLOG_UNLIKELY(!site || !site->fmt || !site->cache || n > UVLOG_DEFERRED_MAX_ARGS ||
                     (n > 0 && !args)))
    return UVLOG_EINVAL;
  if (UVLOG_UNLIKELY((unsigned)level >= UVLOG_LEVEL_OFF)) return UVLOG_EINVAL;
  /* Filtered calls (and a forked child's) stop here, before any strlen; the
   * claim below does not repeat these checks. */
  if (log) {
    int rc = uvlog__admit(log, level);
    if (rc) return rc;
  }
  /* No logger: only WARNING and above reach the last resort (stderr), so
   * nothing below it is worth formatting. */
  if (!log && level < UVLOG_LEVEL_WARNING) return UVLOG_ENOLOGGER;

  /* Acquire: pairs with the release store in uvlog_site_prepare(), so the
   * cached plan's bytes are complete when DEFER is seen. */
  const uvlog_site_cache_t *plan = site->cache;
  uvlog_site_cache_t local;
  if (UVLOG_UNLIKELY(__atomic_load_n(&site->cache->state, __ATOMIC_ACQUIRE) !=
                     UVLOG__SITE_DEFER)) {
    if (!uvlog__deferred_plan(site->fmt, &local)) return UVLOG_EINVAL; /* %n & co */
    plan = &local;
  }

  size_t lens[UVLOG_DEFERRED_MAX_ARGS];
  size_t size = uvlog__deferred_measure(plan, args, n, lens);
  if (UVLOG_UNLIKELY(!log || size > uvlog__max_record(log)))
    return log_rendered(log, level, site, plan, args, n, lens, size);

  uvlog_rec_t *rec;
  int rc = uvlog__rec_claim(log, level, size, &rec);
  if (rc) return rc;
  rec->type = REC_DEFERRED;
  rec->file = site->file;
  rec->func = site->func;
  rec->line = site->line;
  rec->fmt = site->fmt;
  uvlog__deferred_encode(plan, args, n, lens, rec->data);
  uvlog__rec_commit(log, rec);
  return 0;
}
