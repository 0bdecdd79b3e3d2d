/*
 * deferred.h -- deferred formatting, producer side: the per-site format
 * scan (plan), the site's precomputed record layout, and the encoding of
 * a call's arguments into a REC_DEFERRED record. The listener's half is
 * render.h. See docs/deferred.md.
 *
 * Record data of a REC_DEFERRED record (msg_len bytes):
 *
 *   u8 n | u8 tag[n] | pad to 8 | u64 value[n] | string bytes ...
 *
 * tag = kind | size: UVLOG_ARG_SINT/UINT (size 4 or 8), UVLOG_ARG_DBL,
 * UVLOG_ARG_PTR, DEF_TAG_STR (value = byte count of a copied %s string, its
 * bytes follow in argument order, not NUL-terminated) or DEF_TAG_NULLSTR
 * (a NULL char * given to %s). Everything up to the values depends only on
 * the call site, so it is computed once (uvlog__deferred_layout) and copied.
 */
#ifndef UVLOG_DEFERRED_H
#define UVLOG_DEFERRED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "uvlog.h"

#define DEF_TAG_STR     0x68u
#define DEF_TAG_NULLSTR 0x78u

/* What a format does with argument i (uvlog_site_cache_t.use). */
enum {
  DEF_USE_NONE = 0,  /* no conversion takes it (extra argument) */
  DEF_USE_INT = 1,   /* a '*' width or precision */
  DEF_USE_STR = 2,   /* a %s: copy the bytes */
  DEF_USE_OTHER = 3  /* any other conversion: copy the 8-byte value */
};

/* Bytes of the count and tag block: 1 + n rounded up to 8. */
static inline size_t uvlog__deferred_head(unsigned n) { return (1 + (size_t)n + 7) & ~(size_t)7; }

/* Scans `fmt` and fills plan->use / plan->prec for up to
 * UVLOG_DEFERRED_MAX_ARGS arguments (plan->state is not touched). Returns 1
 * if the listener can render the format, 0 if the call must fall back to
 * uvlog_log() (%n, %m, wide strings, positional arguments, unknown
 * conversions, malformed specs). */
int uvlog__deferred_plan(const char *fmt, uvlog_site_cache_t *plan);
/* After the plan: the site's encoded tag block (head), fixed size and
 * string mask, from the `n` argument tags. Returns 0 if a tag is invalid
 * (or n too large): the site must fall back. */
int uvlog__deferred_layout(uvlog_site_cache_t *plan, const unsigned char *tags, unsigned n);

/* Both for `site` into *c (a site's cache, or a local one). 1 if the site
 * can be deferred. */
int uvlog__site_plan(const uvlog_site_t *site, uvlog_site_cache_t *c);

/* The per-call part, inline into the producer (producer.c): */

/* How many bytes of string argument i a %s reads: strnlen up to the
 * precision, as printf does (so an unterminated buffer with a precision is
 * fine). ".*" takes the previous argument, if it is an int. */
static inline size_t uvlog__deferred_str_bytes(const uvlog_site_cache_t *plan,
                                               const uint64_t *vals, unsigned i) {
  long prec = plan->prec[i];
  const char *s = (const char *)(uintptr_t)vals[i];
  if (prec == -2) {
    unsigned t = i > 0 ? plan->head[i] : 0; /* the tag of argument i - 1 */
    prec = (t == (UVLOG_ARG_SINT | 4u) || t == (UVLOG_ARG_UINT | 4u)) ? (long)(int)vals[i - 1]
                                                                      : -1;
  }
  return prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
}

/* Bytes of record data needed for `vals`; stores each copied string's
 * length in lens[i]. Reads at most the bytes printf would read. */
static inline size_t uvlog__deferred_measure(const uvlog_site_cache_t *plan,
                                             const uint64_t *vals, unsigned n, size_t *lens) {
  size_t total = plan->fixed;
  for (unsigned m = plan->smask; m; m &= m - 1) {
    unsigned i = (unsigned)__builtin_ctz(m);
    if (i >= n) break;
    lens[i] = vals[i] ? uvlog__deferred_str_bytes(plan, vals, i) : 0;
    total += lens[i];
    if (total < lens[i]) return SIZE_MAX; /* overflow: certainly too big */
  }
  return total;
}

/* Writes the record data (exactly the measured size) to `dst`. */
static inline void uvlog__deferred_encode(const uvlog_site_cache_t *plan, const uint64_t *vals,
                                          unsigned n, const size_t *lens, unsigned char *dst) {
  size_t head = uvlog__deferred_head(n);
  unsigned char *v = dst + head;
  unsigned char *strs = v + 8 * (size_t)n;
  /* Fixed-size copies: the compiler turns them into a few moves. */
  switch (head) {
  case 8: memcpy(dst, plan->head, 8); break;
  case 16: memcpy(dst, plan->head, 16); break;
  default: memcpy(dst, plan->head, 24); break;
  }
  for (unsigned i = 0; i < n; i++) memcpy(v + 8 * (size_t)i, &vals[i], 8);
  for (unsigned m = plan->smask; m; m &= m - 1) {
    unsigned i = (unsigned)__builtin_ctz(m);
    if (i >= n) break;
    uint64_t len = lens[i];
    if (!vals[i]) {
      dst[1 + i] = (unsigned char)DEF_TAG_NULLSTR;
    } else {
      memcpy(strs, (const char *)(uintptr_t)vals[i], lens[i]);
      strs += lens[i];
    }
    memcpy(v + 8 * (size_t)i, &len, 8);
  }
}

#endif /* UVLOG_DEFERRED_H */
