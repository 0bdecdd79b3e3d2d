/*
 * fuzz_deferred.c -- libFuzzer target for the deferred renderer
 * (src/render.c) and the format scan (src/deferred.c, src/spec.c).
 *
 * Two halves, chosen by the first input byte:
 *   hostile  an arbitrary format and arbitrary "encoded arguments": the
 *            renderer must not crash, read out of bounds or hit UB, and one
 *            record's text stays bounded (widths and precisions are clamped
 *            to max(limit + 1, 1100)), however large a '*' argument is;
 *            the scan must not crash either.
 *   exact    a format built from the input out of conversions the renderer
 *            handles itself or hands to vsnprintf (%d %i %u %x %X %o %c %s
 *            %p %f %e %g %a with flags, width, precision and length
 *            modifiers), with arguments of the right type encoded as the
 *            producer encodes them (deferred.h): the rendered text must be
 *            byte for byte what snprintf makes of the same conversions.
 */
/* The "exact" half builds printf formats at run time on purpose. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deferred.h"
#include "render.h"

#define LIMIT 8192
#define CLAMP (LIMIT + 1 > 1100 ? LIMIT + 1 : 1100)

/* ---- hostile ----------------------------------------------------------------- */

static void hostile(const uint8_t *d, size_t n) {
  const uint8_t *nul = memchr(d, 0, n);
  if (!nul) return;
  const char *fmt = (const char *)d;
  size_t flen = (size_t)(nul - d);
  uvlog_site_cache_t plan;
  memset(&plan, 0, sizeof plan);
  (void)uvlog__deferred_plan(fmt, &plan);
  /* The data after the NUL, copied so that ASan sees its exact end. */
  size_t len = n - flen - 1;
  unsigned char *data = malloc(len ? len : 1);
  memcpy(data, nul + 1, len);
  uvlog_buf_t out = {0};
  (void)uvlog__render_data(fmt, data, len, LIMIT, &out);
  /* Each conversion takes at least 2 format bytes and appends at most the
   * clamp plus a marker; literal bytes appear once. */
  if (!out.oom && out.len > flen + (flen / 2 + 1) * (CLAMP + 128)) abort();
  uvlog_buf_free(&out);
  free(data);
}

/* ---- exact ------------------------------------------------------------------- */

typedef struct gen {
  const uint8_t *d;
  size_t n, i;
} gen_t;

static unsigned take(gen_t *g) { return g->i < g->n ? g->d[g->i++] : 0; }

typedef struct enc {
  unsigned char tags[UVLOG_DEFERRED_MAX_ARGS];
  uint64_t vals[UVLOG_DEFERRED_MAX_ARGS];
  const char *strs[UVLOG_DEFERRED_MAX_ARGS];
  size_t slen[UVLOG_DEFERRED_MAX_ARGS];
  unsigned n;
} enc_t;

static void add(enc_t *e, unsigned tag, uint64_t v) {
  e->tags[e->n] = (unsigned char)tag;
  e->vals[e->n++] = v;
}

/* Appends to `expect` what snprintf makes of one conversion `spec` with one
 * typed argument, and encodes the argument. Returns 0 when out of room. */
static int one(gen_t *g, enc_t *e, char *fmt, size_t *fl, char *expect, size_t *el) {
  static const char flags[] = "-+ #0";
  static const char convs[] = "diuxXocspfFeEgGaA";
  if (e->n + 1 > UVLOG_DEFERRED_MAX_ARGS || *fl > 200) return 0;
  char spec[32];
  size_t k = 0;
  spec[k++] = '%';
  unsigned f = take(g);
  for (int b = 0; b < 5; b++)
    if (f & (1u << b)) spec[k++] = flags[b];
  unsigned w = take(g) % 40, p = take(g) % 24, has_p = take(g) & 1;
  char conv = convs[take(g) % (sizeof convs - 1)];
  if (w) k += (size_t)snprintf(spec + k, sizeof spec - k, "%u", w);
  if (has_p && conv != 'c' && conv != 'p') k += (size_t)snprintf(spec + k, sizeof spec - k, ".%u", p);
  unsigned lm = take(g) % 4; /* none, l, ll, h */
  uint64_t raw = 0;
  for (int b = 0; b < 8; b++) raw = raw << 8 | take(g);
  char tmp[4096];
  int r = 0;
  switch (conv) {
  case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
    int is_signed = conv == 'd' || conv == 'i';
    if (lm == 1 || lm == 2) {
      memcpy(spec + k, lm == 1 ? "l" : "ll", lm);
      k += lm;
      spec[k++] = conv;
      spec[k] = 0;
      add(e, (is_signed ? UVLOG_ARG_SINT : UVLOG_ARG_UINT) | 8u, raw);
      r = is_signed ? snprintf(tmp, sizeof tmp, spec, (long long)raw)
                    : snprintf(tmp, sizeof tmp, spec, (unsigned long long)raw);
    } else {
      if (lm == 3) spec[k++] = 'h';
      spec[k++] = conv;
      spec[k] = 0;
      add(e, (is_signed ? UVLOG_ARG_SINT : UVLOG_ARG_UINT) | 4u,
          is_signed ? (uint64_t)(int64_t)(int32_t)raw : (uint64_t)(uint32_t)raw);
      r = is_signed ? snprintf(tmp, sizeof tmp, spec, (int)(int32_t)raw)
                    : snprintf(tmp, sizeof tmp, spec, (unsigned)(uint32_t)raw);
    }
    break;
  }
  case 'c':
    spec[k++] = 'c';
    spec[k] = 0;
    add(e, UVLOG_ARG_SINT | 4u, (uint64_t)(int64_t)(int32_t)(raw & 0x7f ? raw & 0x7f : 'x'));
    r = snprintf(tmp, sizeof tmp, spec, (int)(raw & 0x7f ? raw & 0x7f : 'x'));
    break;
  case 's': {
    spec[k++] = 's';
    spec[k] = 0;
    /* the string: up to 16 printable input bytes */
    static char sbuf[UVLOG_DEFERRED_MAX_ARGS][17];
    size_t sl = raw % 17;
    for (size_t j = 0; j < sl; j++) sbuf[e->n][j] = (char)(' ' + take(g) % 95);
    sbuf[e->n][sl] = 0;
    e->strs[e->n] = sbuf[e->n];
    add(e, DEF_TAG_STR, 0);
    r = snprintf(tmp, sizeof tmp, spec, sbuf[e->n - 1]);
    /* The producer copies only the bytes printf reads (deferred.h): up to
     * the precision. */
    if (has_p && p < sl) sbuf[e->n - 1][p] = 0;
    break;
  }
  case 'p':
    spec[k++] = 'p';
    spec[k] = 0;
    add(e, UVLOG_ARG_PTR | 8u, raw);
    r = snprintf(tmp, sizeof tmp, spec, (void *)(uintptr_t)raw);
    break;
  default: { /* floating point: finite and non-finite values alike */
    double dv;
    memcpy(&dv, &raw, 8);
    spec[k++] = conv;
    spec[k] = 0;
    add(e, UVLOG_ARG_DBL | 8u, raw);
    r = snprintf(tmp, sizeof tmp, spec, dv);
    break;
  }
  }
  if (r < 0 || (size_t)r >= sizeof tmp || *el + (size_t)r >= 65536) return 0;
  memcpy(expect + *el, tmp, (size_t)r);
  *el += (size_t)r;
  memcpy(fmt + *fl, spec, k);
  *fl += k;
  fmt[*fl] = 0;
  return 1;
}

/* Encodes e as the producer does: u8 n | tags | pad | u64 values | strings. */
static size_t encode(const enc_t *e, unsigned char *dst) {
  size_t head = uvlog__deferred_head(e->n);
  memset(dst, 0, head);
  dst[0] = (unsigned char)e->n;
  memcpy(dst + 1, e->tags, e->n);
  unsigned char *v = dst + head, *s = v + 8 * (size_t)e->n;
  for (unsigned i = 0; i < e->n; i++) {
    uint64_t x = e->vals[i];
    if (e->tags[i] == DEF_TAG_STR) {
      x = strlen(e->strs[i]);
      memcpy(s, e->strs[i], x);
      s += x;
    }
    memcpy(v + 8 * (size_t)i, &x, 8);
  }
  return (size_t)(s - dst);
}

static void exact(const uint8_t *d, size_t n) {
  gen_t g = {d, n, 0};
  enc_t e;
  memset(&e, 0, sizeof e);
  static char fmt[1024], expect[65536];
  size_t fl = 0, el = 0;
  unsigned count = 1 + take(&g) % 6;
  for (unsigned c = 0; c < count; c++) {
    if (!one(&g, &e, fmt, &fl, expect, &el)) break;
    fmt[fl++] = '|'; /* a literal between conversions */
    fmt[fl] = 0;
    expect[el++] = '|';
  }
  if (e.n == 0) return;
  uvlog_site_cache_t plan;
  memset(&plan, 0, sizeof plan);
  if (!uvlog__deferred_plan(fmt, &plan)) abort(); /* every conversion here is deferrable */
  static unsigned char data[8 + UVLOG_DEFERRED_MAX_ARGS * 9 + UVLOG_DEFERRED_MAX_ARGS * 17 + 64];
  size_t len = encode(&e, data);
  uvlog_buf_t out = {0};
  (void)uvlog__render_data(fmt, data, len, LIMIT, &out);
  if (!out.oom && (out.len != el || memcmp(out.data, expect, el) != 0)) {
    fprintf(stderr, "format  [%s]\nexpect  [%.*s]\nrender  [%.*s]\n", fmt, (int)el, expect,
            (int)out.len, out.data);
    abort();
  }
  uvlog_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) hostile(data + 1, size - 1);
  else exact(data + 1, size - 1);
  return 0;
}
