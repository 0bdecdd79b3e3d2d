/*
 * test_deferred.c -- deferred formatting (src/deferred.c): the per-site
 * format scan, the encoder and the listener's renderer, compared with
 * snprintf over a large generated set of formats and values.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "deferred.h"

/* Encodes args[0..n) for fmt as a producer would and renders them as the
 * listener would. Returns the rendered text (NUL-terminated copy in out). */
static void defer_render(const char *fmt, const uvlog_arg_t *args, unsigned n, uvlog_buf_t *out) {
  uvlog_site_cache_t plan;
  size_t lens[UVLOG_DEFERRED_MAX_ARGS];
  cr_assert(uvlog__deferred_plan(fmt, &plan), "plan rejected \"%s\"", fmt);
  size_t size = uvlog__deferred_measure(&plan, args, n, lens);
  unsigned char *data = malloc(size + 1);
  cr_assert_not_null(data);
  data[size] = 0xa5; /* canary: the encoder writes exactly `size` bytes */
  uvlog__deferred_encode(&plan, args, n, lens, data);
  cr_assert_eq(data[size], 0xa5, "encoder overran for \"%s\"", fmt);
  uvlog_buf_reset(out);
  uvlog__deferred_render_data(fmt, data, size, out);
  free(data);
}

static unsigned long long n_cases;

/* Compares the deferred rendering with snprintf's `want` (wlen bytes). */
static void same(const char *fmt, const uvlog_arg_t *args, unsigned n, const char *want, int wlen) {
  static uvlog_buf_t out;
  cr_assert_geq(wlen, 0, "snprintf failed on \"%s\"", fmt);
  defer_render(fmt, args, n, &out);
  cr_assert(!out.oom);
  if (out.len != (size_t)wlen || memcmp(out.data, want, out.len) != 0)
    cr_assert_fail("\"%s\": deferred gave \"%.*s\" (%zu bytes), snprintf \"%s\" (%d bytes)", fmt,
                   (int)(out.len > 400 ? 400 : out.len), out.data, out.len, want, wlen);
  n_cases++;
}

static char want[8192];

/* Builds "%<flags><width><prec><lmod><conv>" from the parts. */
static void mkfmt(char *f, size_t cap, const char *flags, const char *w, const char *p,
                  const char *lmod, char conv) {
  snprintf(f, cap, "%%%s%s%s%s%c", flags, w, p, lmod, conv);
}

static const char *flag_sets[] = {"", "-", "+", " ", "#", "0", "-+", "+0", " 0", "#0",
                                  "-#", "- ", "+ #0", "'", "-+ #0"};
#define N_FLAGS (sizeof flag_sets / sizeof flag_sets[0])
static const int star_vals[] = {-7, -1, 0, 3, 12};
#define N_STARS (sizeof star_vals / sizeof star_vals[0])

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-extra-args" /* on purpose, see mixed_calls */
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation" /* NULL given to %s on purpose */
#endif

/* snprintf + deferred for one format with optional star width/precision. */
#define CHECK_ONE(f, has_w, has_p, wv, pv, ARGMAKER, val)                                        \
  do {                                                                                          \
    uvlog_arg_t a_[3];                                                                          \
    unsigned n_ = 0;                                                                            \
    int r_;                                                                                     \
    if (has_w) a_[n_++] = uvlog__arg_i(wv);                                                     \
    if (has_p) a_[n_++] = uvlog__arg_i(pv);                                                     \
    a_[n_++] = ARGMAKER(val);                                                                   \
    if (has_w && has_p) r_ = snprintf(want, sizeof want, f, (int)(wv), (int)(pv), val);         \
    else if (has_w) r_ = snprintf(want, sizeof want, f, (int)(wv), val);                        \
    else if (has_p) r_ = snprintf(want, sizeof want, f, (int)(pv), val);                        \
    else r_ = snprintf(want, sizeof want, f, val);                                              \
    same(f, a_, n_, want, r_);                                                                  \
  } while (0)

/* Every flag set x width x precision x star values for one conversion. */
#define SWEEP(lmod, conv, ARGMAKER, val, widths, precs)                                          \
  do {                                                                                          \
    char f_[64];                                                                                \
    for (size_t fi = 0; fi < N_FLAGS; fi++)                                                     \
      for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)                          \
        for (size_t pi = 0; pi < sizeof precs / sizeof precs[0]; pi++) {                        \
          int hw = strcmp(widths[wi], "*") == 0, hp = strcmp(precs[pi], ".*") == 0;             \
          mkfmt(f_, sizeof f_, flag_sets[fi], widths[wi], precs[pi], lmod, conv);               \
          for (size_t s1 = 0; s1 < (hw ? N_STARS : 1); s1++)                                    \
            for (size_t s2 = 0; s2 < (hp ? N_STARS : 1); s2++)                                  \
              CHECK_ONE(f_, hw, hp, star_vals[s1], star_vals[s2], ARGMAKER, val);               \
        }                                                                                       \
  } while (0)

static const char *int_widths[] = {"", "1", "9", "*"};
static const char *int_precs[] = {"", ".", ".0", ".4", ".*"};

Test(deferred, equivalence_integers, .timeout = 120) {
  static const int ivals[] = {INT_MIN, INT_MIN + 1, -255, -1, 0, 1, 42, 255, 65535, INT_MAX};
  static const long long llvals[] = {LLONG_MIN, -4294967296LL, -1, 0, 1, 4294967295LL, LLONG_MAX};
  static const char convs[] = "diouxX";
  n_cases = 0;
  for (const char *c = convs; *c; c++) {
    for (size_t i = 0; i < sizeof ivals / sizeof ivals[0]; i++) {
      int v = ivals[i];
      unsigned uv = (unsigned)v;
      SWEEP("", *c, uvlog__arg_i, v, int_widths, int_precs);
      SWEEP("", *c, uvlog__arg_u, uv, int_widths, int_precs);
      SWEEP("h", *c, uvlog__arg_i, v, int_widths, int_precs);
      SWEEP("hh", *c, uvlog__arg_i, v, int_widths, int_precs);
    }
    for (size_t i = 0; i < sizeof llvals / sizeof llvals[0]; i++) {
      long lv = (long)llvals[i];
      long long llv = llvals[i];
      intmax_t jv = llvals[i];
      size_t zv = (size_t)llvals[i];
      ptrdiff_t tv = (ptrdiff_t)llvals[i];
      SWEEP("l", *c, UVLOG__ARG, lv, int_widths, int_precs);
      SWEEP("ll", *c, UVLOG__ARG, llv, int_widths, int_precs);
      SWEEP("j", *c, UVLOG__ARG, jv, int_widths, int_precs);
      SWEEP("z", *c, UVLOG__ARG, zv, int_widths, int_precs);
      SWEEP("t", *c, UVLOG__ARG, tv, int_widths, int_precs);
    }
  }
  cr_log_info("integer cases: %llu", n_cases);
  cr_assert_gt(n_cases, 10000);
}

Test(deferred, equivalence_floating, .timeout = 120) {
  static const char *widths[] = {"", "12", "*"};
  static const char *precs[] = {"", ".0", ".3", ".17", ".300", ".*"};
  const double dvals[] = {0.0, -0.0, 0.1, 1.5, -123.456, 1e300, -1e-300, DBL_MIN,
                          DBL_MAX, DBL_TRUE_MIN, NAN, -NAN, INFINITY, -INFINITY};
  static const char convs[] = "fFeEgGaA";
  n_cases = 0;
  for (const char *c = convs; *c; c++)
    for (size_t i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
      double d = dvals[i];
      float fl = (float)d;
      SWEEP("", *c, UVLOG__ARG, d, widths, precs);
      if (i % 3 == 0) {
        SWEEP("l", *c, UVLOG__ARG, d, widths, precs);
        SWEEP("", *c, UVLOG__ARG, fl, widths, precs); /* float is promoted */
      }
    }
  cr_log_info("floating cases: %llu", n_cases);
  cr_assert_gt(n_cases, 10000);
}

Test(deferred, equivalence_strings_chars_pointers, .timeout = 120) {
  static const char *widths[] = {"", "5", "40", "*"};
  static const char *precs[] = {"", ".", ".0", ".2", ".10", ".*"};
  static const char *ptr_precs[] = {""};
  char *longs = malloc(5001);
  cr_assert_not_null(longs);
  for (int i = 0; i < 5000; i++) longs[i] = (char)('a' + i % 26);
  longs[5000] = '\0';
  const char *svals[] = {"", "a", "hello world", "ctrl\n\t\r\x01\x1b[31m\x7f end", "h\xc3\xa9llo",
                         longs, NULL};
  n_cases = 0;
  for (size_t i = 0; i < sizeof svals / sizeof svals[0]; i++) {
    const char *s = svals[i];
    char *ms = (char *)svals[i];
    SWEEP("", 's', UVLOG__ARG, s, widths, precs);
    SWEEP("", 's', UVLOG__ARG, ms, widths, precs);
  }
  static const int cvals[] = {'a', ' ', '\n', 0, 255, 'Z' + 256};
  for (size_t i = 0; i < sizeof cvals / sizeof cvals[0]; i++) {
    int cv = cvals[i];
    char ch = (char)cvals[i];
    SWEEP("", 'c', UVLOG__ARG, cv, widths, ptr_precs);
    SWEEP("", 'c', UVLOG__ARG, ch, widths, ptr_precs);
  }
  int x = 0;
  void *pvals[] = {NULL, &x, (void *)(uintptr_t)0x1234, (void *)UINTPTR_MAX};
  for (size_t i = 0; i < sizeof pvals / sizeof pvals[0]; i++) {
    void *p = pvals[i];
    char *cp = (char *)pvals[i]; /* a char * given to %p: the pointer, not the bytes */
    SWEEP("", 'p', UVLOG__ARG, p, widths, ptr_precs);
    SWEEP("", 'p', UVLOG__ARG, cp, widths, ptr_precs);
  }
  free(longs);
  cr_log_info("string/char/pointer cases: %llu", n_cases);
  cr_assert_gt(n_cases, 1000);
}

/* Real calls with literal formats, encoded exactly as the macros do it. */
#define CALL(fmt, ...)                                                                       \
  same(fmt, UVLOG__CAT(UVLOG__ARGV_, UVLOG__NARGS(fmt, __VA_ARGS__))(fmt, __VA_ARGS__),       \
       UVLOG__CAT(UVLOG__CNT_, UVLOG__NARGS(fmt, __VA_ARGS__)), want,                         \
       snprintf(want, sizeof want, fmt, __VA_ARGS__))

Test(deferred, mixed_calls) {
  short sh = -5;
  unsigned char uc = 200;
  _Bool b = 1;
  size_t sz = 12345;
  ssize_t ssz = -3;
  uint64_t u64 = UINT64_MAX;
  int8_t i8 = -128;
  enum { E_A = 3 } e = E_A;
  char buf[4] = {'a', 'b', 'c', 'd'}; /* not NUL-terminated: only %.4s may read it */
  const char *null_str = NULL;
  CALL("request %d from %s took %.3f ms", 42, "10.0.0.1", 1.23456);
  CALL("%hd %hhu %d %zu %zd %" PRIu64 " %d %u", sh, uc, b, sz, ssz, u64, i8, e);
  CALL("100%% done, %s%%", "all");
  CALL("%.4s|%-6.2s|%*.*s|", buf, buf, -8, 3, "xyz12");
  CALL("%c%c%c", 'o', 'k', '!');
  CALL("%s and %s", null_str, "");
  CALL("%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
       13, 14, 15, 16);
  CALL("extra args are ignored: %d", 1, "unused", 2.0);
  cr_assert_eq(n_cases, 8);
}

/* Renders fmt with the given encoded args; compares with `expect`. */
static void renders(const char *fmt, const uvlog_arg_t *args, unsigned n, const char *expect) {
  static uvlog_buf_t out;
  defer_render(fmt, args, n, &out);
  uvlog_buf_putc(&out, '\0');
  cr_assert_str_eq(out.data, expect, "format \"%s\"", fmt);
}

Test(deferred, mismatches_render_markers) {
  uvlog_arg_t a[3];
  a[0] = UVLOG__ARG("str");
  renders("n=%d.", a, 1, "n=<uvlog: %d given a pointer>."); /* a char * not used by %s */
  a[0] = UVLOG__ARG(7);
  renders("s=%s.", a, 1, "s=<uvlog: %s given an int>.");
  renders("%ld", a, 1, "<uvlog: %ld given an int>");
  renders("%f", a, 1, "<uvlog: %f given an int>");
  renders("%p", a, 1, "<uvlog: %p given an int>");
  renders("%d and %5d", a, 1, "7 and <uvlog: %5d missing argument>");
  renders("%d", a, 0, "<uvlog: %d missing argument>");
  a[0] = UVLOG__ARG(1.5);
  renders("%*d", a, 1, "<uvlog: %*d given a double>");
  renders("%Lf", a, 1, "<uvlog: %Lf given a double>");
  a[0] = UVLOG__ARG(3LL);
  renders("%c", a, 1, "<uvlog: %c given a 64-bit int>");
}

Test(deferred, plan_decides_fallback) {
  uvlog_site_cache_t plan;
  static const char *ok[] = {"", "plain", "%d %s %p %%", "%-+ #0'12.5lld", "%*.*s", "%lc %lf %Lg",
                             "%hhx %hX %jd %zu %td %a", "%.s %.d", "tail %%"};
  static const char *bad[] = {"%n", "x %hn", "%m", "%ls", "%S", "%C", "%1$d", "%*1$d", "%", "abc %",
                              "%5%", "%y", "%Ld", "%qd", "%hs", "%lp", "%llf", "%hf",
                              "%12345678901d", "%.12345678901f"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    cr_expect(uvlog__deferred_plan(ok[i], &plan), "\"%s\" should be deferrable", ok[i]);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_expect(!uvlog__deferred_plan(bad[i], &plan), "\"%s\" should fall back", bad[i]);
  cr_assert(uvlog__deferred_plan("%*d %.*s %s %p", &plan));
  cr_assert_eq(plan.use[0], DEF_USE_INT);
  cr_assert_eq(plan.use[1], DEF_USE_OTHER);
  cr_assert_eq(plan.use[2], DEF_USE_INT);
  cr_assert_eq(plan.use[3], DEF_USE_STR);
  cr_assert_eq(plan.prec[3], -2);
  cr_assert_eq(plan.use[4], DEF_USE_STR);
  cr_assert_eq(plan.prec[4], -1);
  cr_assert_eq(plan.use[5], DEF_USE_OTHER);
  cr_assert_eq(plan.use[6], DEF_USE_NONE);
}

Test(deferred, site_cache_is_published_once) {
  static uvlog_site_cache_t c1, c2;
  const uvlog_site_t s1 = {"f.c", "fn", "%d %s", 1, &c1};
  const uvlog_site_t s2 = {"f.c", "fn", "%d %n", 2, &c2};
  cr_assert_eq(c1.state, UVLOG__SITE_UNKNOWN);
  cr_assert_eq(uvlog_site_prepare(&s1), 1);
  cr_assert_eq(c1.state, UVLOG__SITE_DEFER);
  cr_assert_eq(c1.use[1], DEF_USE_STR);
  cr_assert_eq(uvlog_site_prepare(&s1), 1);
  cr_assert_eq(uvlog_site_prepare(&s2), 0);
  cr_assert_eq(c2.state, UVLOG__SITE_FALLBACK);
  cr_assert_eq(uvlog_site_prepare(NULL), 0);
}

/* The renderer must survive any bytes: truncated and random records. */
Test(deferred, corrupt_data_never_crashes) {
  static const char *fmts[] = {"%d %s %p", "%*.*s|%c", "%f %lld %x", "%s%s%s%s", "no conv"};
  uvlog_buf_t out = {0};
  unsigned char data[128];
  unsigned seed = 12345;
  size_t markers = 0;
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = (size_t)(iter % 129);
    for (size_t i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      data[i] = (unsigned char)(seed >> 16);
    }
    if (len > 0 && iter % 2) data[0] = (unsigned char)(data[0] % 5); /* plausible counts */
    uvlog_buf_reset(&out);
    uvlog__deferred_render_data(fmts[iter % 5], data, len, &out);
    cr_assert(!out.oom);
    uvlog_buf_putc(&out, '\0');
    if (strstr(out.data, "<uvlog: ")) markers++;
  }
  uvlog_buf_free(&out);
  cr_assert_gt(markers, 1000, "garbage should mostly render as markers");
  uvlog_buf_t o2 = {0};
  uvlog__deferred_render_data("%d", NULL, 0, &o2);
  uvlog_buf_putc(&o2, '\0');
  cr_assert_str_eq(o2.data, "<uvlog: corrupt deferred record>");
  uvlog_buf_free(&o2);
}
