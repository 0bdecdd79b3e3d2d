/*
 * fieldrec.h -- a record's own fields (the field block), producer side:
 * its layout, the per-call measure and encode (inline into producer.c),
 * and the rare paths in fields.c. The listener reads the block in
 * fieldbatch.c.
 *
 * Field block (record data, REC_F_FIELDS; record.h says where it sits):
 *
 *   u8 n | u8 type[n] | pad to 8 | u64 key[n] | u64 value[n] | string bytes
 *
 * type is a uvlog_field_type_t; key a pointer to the key (a string literal:
 * it is never copied); value the 8-byte value (integers, a double's bits,
 * a bool as 0/1) or, for UVLOG_FIELD_STR, the byte count of its string,
 * whose bytes follow the values in field order (not NUL-terminated). A
 * NULL string is stored as UVLOG_FIELD_NULL. For a _KV call, everything up
 * to the keys is the site's (uvlog_site_t.tags), so it is copied, not
 * computed.
 *
 * Bounds: at most UVLOG_FIELDS_MAX fields; the block is at most the
 * logger's max_record bytes (or its fixed part, if that is larger): string
 * values that do not fit are cut, each ending with the visible marker
 * "…[truncated: N bytes]" when there is room for it (else empty), and the
 * record is flagged REC_F_FTRUNC.
 */
#ifndef UVLOG_FIELDREC_H
#define UVLOG_FIELDREC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "deferred.h"
#include "uvlog.h"

/* One call's fields, measured: what encode needs. */
typedef struct fb_call {
  unsigned n;                          /* fields */
  unsigned smask;                      /* bit i: field i is a string */
  int cut;                             /* some string was cut (stored < lens) */
  const unsigned char *head;           /* count and types (24 bytes readable) */
  const char *const *keys;
  const uint64_t *vals;
  const char *ptrs[UVLOG_FIELDS_MAX];  /* string fields: the bytes, or NULL */
  size_t lens[UVLOG_FIELDS_MAX];       /* string fields: their length */
  size_t stored[UVLOG_FIELDS_MAX];     /* after a cut: bytes kept, marker included */
  size_t size;                         /* bytes of the block */
  /* Storage for a block built from a uvlog_field_t array (fields.c). */
  unsigned char head_buf[24];
  const char *keys_buf[UVLOG_FIELDS_MAX];
  uint64_t vals_buf[UVLOG_FIELDS_MAX];
} fb_call_t;

/* Bytes of the fixed part (count, types, keys, values). */
static inline size_t uvlog__fb_fixed(unsigned n) { return uvlog__deferred_head(n) + 16 * (size_t)n; }

/* Fills `fb` for a _KV site's call (site->tags: the head; site->keys;
 * site->fsmask) and measures it; the string bytes are cut to fit
 * `max_record` if needed. */
static inline void uvlog__fb_from_site(fb_call_t *fb, const uvlog_site_t *site,
                                       const uint64_t *vals, size_t max_record);
/* Fills `fb` from a uvlog_field_t array (fields.c). Returns 0 or
 * UVLOG_EINVAL (too many, a NULL key, an unknown type). */
int uvlog__fb_from_fields(fb_call_t *fb, const uvlog_field_t *fields, size_t n,
                          size_t max_record);
/* The sizes: fb->size from the string lengths, cutting to max_record. */
static inline void uvlog__fb_measure(fb_call_t *fb, size_t max_record);
/* Computes fb->stored when the block is over max_record (fields.c). */
void uvlog__fb_cut(fb_call_t *fb, size_t max_record);
/* Writes "…[truncated: N bytes]" (no NUL) into buf; returns its length
 * (at most size). */
size_t uvlog__cut_marker(char *buf, size_t size, size_t orig);
/* " key=value"... for the last resort (fields.c); returns the length. */
size_t uvlog__fb_text(const fb_call_t *fb, char *buf, size_t size);
/* Copies a cut string: stored - marker bytes of p, then the marker. */
void uvlog__fb_put_cut(unsigned char *dst, const char *p, size_t len, size_t stored);

static inline void uvlog__fb_measure(fb_call_t *fb, size_t max_record) {
  size_t total = uvlog__fb_fixed(fb->n);
  for (unsigned m = fb->smask; m; m &= m - 1) total += fb->lens[__builtin_ctz(m)];
  fb->size = total;
  fb->cut = 0;
  if (UVLOG_UNLIKELY(total > max_record)) uvlog__fb_cut(fb, max_record);
}

static inline void uvlog__fb_from_site(fb_call_t *fb, const uvlog_site_t *site,
                                       const uint64_t *vals, size_t max_record) {
  fb->n = site->nargs;
  fb->smask = site->fsmask;
  fb->head = site->tags;
  fb->keys = site->keys;
  fb->vals = vals;
  for (unsigned m = fb->smask; m; m &= m - 1) {
    unsigned i = (unsigned)__builtin_ctz(m);
    const char *p;
    size_t len;
    if (site->tags[1 + i] == UVLOG__FT_STRN) {
      const uvlog__fstrn_t *s = (const uvlog__fstrn_t *)(uintptr_t)vals[i];
      p = s->ptr;
      len = p ? s->len : 0;
    } else {
      p = (const char *)(uintptr_t)vals[i];
      len = p ? strlen(p) : 0;
    }
    fb->ptrs[i] = p;
    fb->lens[i] = len;
  }
  uvlog__fb_measure(fb, max_record);
}

/* Writes the block (exactly fb->size bytes) to dst. */
static inline void uvlog__fb_encode(const fb_call_t *fb, unsigned char *dst) {
  unsigned n = fb->n;
  size_t head = uvlog__deferred_head(n);
  unsigned char *k = dst + head, *v = k + 8 * (size_t)n, *s = v + 8 * (size_t)n;
  switch (head) {
  case 8: memcpy(dst, fb->head, 8); break;
  case 16: memcpy(dst, fb->head, 16); break;
  default: memcpy(dst, fb->head, 24); break;
  }
  if (n) {
    memcpy(k, fb->keys, 8 * (size_t)n);
    memcpy(v, fb->vals, 8 * (size_t)n);
  }
  const size_t *st = fb->cut ? fb->stored : fb->lens;
  for (unsigned m = fb->smask; m; m &= m - 1) {
    unsigned i = (unsigned)__builtin_ctz(m);
    uint64_t len = st[i];
    dst[1 + i] = fb->ptrs[i] ? UVLOG_FIELD_STR : UVLOG_FIELD_NULL;
    if (UVLOG_UNLIKELY(len < fb->lens[i])) uvlog__fb_put_cut(s, fb->ptrs[i], fb->lens[i], len);
    else if (len) memcpy(s, fb->ptrs[i], len);
    s += len;
    memcpy(v + 8 * (size_t)i, &len, 8);
  }
}

#endif /* UVLOG_FIELDREC_H */
