/*
 * test_deferred.c -- deferred formatting (src/deferred.c): the per-site
 * format scan, the encoder and the listener's renderer, compared with
 * snprintf over a large generated set of formats and values.
 */
#include <criterion/criterion.h>
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "deferred.h"
#include "render.h"

/* One argument as the macros see it: its tag (a compile-time constant in
 * the macros) and its 8-byte value. The test builds them at run time. */
typedef struct uvlog_arg {
  unsigned tag;
  union { long long i; unsigned long long u; double d; const void *p; const char *s; } v;
} uvlog_arg_t;
static inline uvlog_arg_t uvlog__arg_i(long long v) {
  uvlog_arg_t a = {UVLOG_ARG_SINT | 4u, {.i = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_u(unsigned long long v) {
  uvlog_arg_t a = {UVLOG_ARG_UINT | 4u, {.u = v}}; return a;
}
#define UVLOG__ARG(x) ((uvlog_arg_t){UVLOG__TAG(x), {.u = UVLOG__VAL(x)}})

/* Encodes args[0..n) for fmt as a producer would and renders them as the
 * listener would. Returns the rendered text (NUL-terminated copy in out). */
static void defer_render(const char *fmt, const uvlog_arg_t *args, unsigned n, uvlog_buf_t *out) {
  uvlog_site_cache_t plan;
  size_t lens[UVLOG_DEFERRED_MAX_ARGS];
  unsigned char tags[UVLOG_DEFERRED_MAX_ARGS];
  uint64_t vals[UVLOG_DEFERRED_MAX_ARGS];
  for (unsigned i = 0; i < n; i++) {
    tags[i] = (unsigned char)args[i].tag;
    vals[i] = args[i].v.u;
  }
  /* Plain ifs: these helpers run ~700k times and a passing cr_assert costs
   * a message to the runner. */
  if (!uvlog__deferred_plan(fmt, &plan)) cr_assert_fail("plan rejected \"%s\"", fmt);
  if (!uvlog__deferred_layout(&plan, tags, n)) cr_assert_fail("layout rejected \"%s\"", fmt);
  size_t size = uvlog__deferred_measure(&plan, vals, n, lens);
  unsigned char *data = malloc(size + 1);
  if (!data) cr_assert_fail("out of memory");
  data[size] = 0xa5; /* canary: the encoder writes exactly `size` bytes */
  uvlog__deferred_encode(&plan, vals, n, lens, data);
  if (data[size] != 0xa5) cr_assert_fail("encoder overran for \"%s\"", fmt);
  uvlog_buf_reset(out);
  uvlog__render_data(fmt, data, size, 8192, out);
  free(data);
}

static unsigned long long n_cases;

/* Compares the deferred rendering with snprintf's `want` (wlen bytes). */
static void same(const char *fmt, const uvlog_arg_t *args, unsigned n, const char *want, int wlen) {
  static uvlog_buf_t out;
  if (wlen < 0) cr_assert_fail("snprintf failed on \"%s\"", fmt);
  defer_render(fmt, args, n, &out);
  if (out.oom) cr_assert_fail("out of memory");
  if (out.len != (size_t)wlen || (out.len && memcmp(out.data, want, out.len) != 0))
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
#pragma GCC diagnostic ignored "-Wformat-overflow"
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

Test(deferred, equivalence_integers) {
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

Test(deferred, equivalence_floating) {
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

Test(deferred, equivalence_strings_chars_pointers) {
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
static void same_tv(const char *fmt, const unsigned char *tags, const unsigned long long *vals,
                    unsigned n, const char *w, int wlen) {
  uvlog_arg_t a[UVLOG_DEFERRED_MAX_ARGS];
  for (unsigned i = 0; i < n; i++) {
    a[i].tag = tags[i];
    a[i].v.u = vals[i];
  }
  same(fmt, a, n, w, wlen);
}
#define CALL(fmt, ...)                                                                       \
  do {                                                                                       \
    static const unsigned char t_[] =                                                        \
        UVLOG__CAT(UVLOG__TAGS_, UVLOG__NARGS(fmt, __VA_ARGS__))(fmt, __VA_ARGS__);          \
    same_tv(fmt, t_, UVLOG__CAT(UVLOG__VALS_, UVLOG__NARGS(fmt, __VA_ARGS__))(fmt, __VA_ARGS__), \
            UVLOG__CAT(UVLOG__CNT_, UVLOG__NARGS(fmt, __VA_ARGS__)), want,                   \
            snprintf(want, sizeof want, fmt, __VA_ARGS__));                                  \
  } while (0)

/* The listener's fast paths (no flags, no width: "%d", "%lu", "%x", "%s",
 * "%c", "%p", "%.3f"...) write digits themselves instead of calling
 * vsnprintf. Random and edge values for each, against snprintf. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd64(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

/* One integer value through every length modifier and conversion, both
 * alone and between literal text. */
static void fast_int_value(uint64_t v) {
  static const char *lmods4[] = {"", "hh", "h"};
  static const char *lmods8[] = {"l", "ll", "j", "z", "t"};
  static const char convs[] = "diouxX";
  char f[32];
  for (const char *c = convs; *c; c++) {
    for (size_t i = 0; i < sizeof lmods4 / sizeof lmods4[0]; i++)
      for (int around = 0; around < 2; around++) {
        snprintf(f, sizeof f, around ? "<%%%s%c>" : "%%%s%c", lmods4[i], *c);
        uvlog_arg_t a = uvlog__arg_i((int)(unsigned)v);
        same(f, &a, 1, want, snprintf(want, sizeof want, f, (int)(unsigned)v));
        a = uvlog__arg_u((unsigned)v);
        same(f, &a, 1, want, snprintf(want, sizeof want, f, (unsigned)v));
      }
    for (size_t i = 0; i < sizeof lmods8 / sizeof lmods8[0]; i++)
      for (int around = 0; around < 2; around++) {
        snprintf(f, sizeof f, around ? "<%%%s%c>" : "%%%s%c", lmods8[i], *c);
        long long sv = (long long)v;
        unsigned long long uv = v;
        uvlog_arg_t a = UVLOG__ARG(sv);
        same(f, &a, 1, want, snprintf(want, sizeof want, f, sv));
        a = UVLOG__ARG(uv);
        same(f, &a, 1, want, snprintf(want, sizeof want, f, uv));
      }
  }
}

Test(deferred, equivalence_fast_integers) {
  static const uint64_t edge[] = {0, 1, 7, 8, 9, 10, 99, 100, 127, 128, 255, 256, 32767, 32768,
                                  65535, 65536, (uint64_t)INT_MAX, (uint64_t)INT_MIN,
                                  (uint64_t)(unsigned)INT_MIN, UINT32_MAX, (uint64_t)UINT32_MAX + 1,
                                  (uint64_t)LLONG_MAX, (uint64_t)LLONG_MIN, UINT64_MAX, SIZE_MAX,
                                  (uint64_t)-1 - 1, 9999999999999999999ull, 10000000000000000000ull,
                                  (uint64_t)-(int64_t)9999999999999999999ull, 0x8000000080000000ull};
  n_cases = 0;
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
    fast_int_value(edge[i]);
    fast_int_value(0 - edge[i]);
  }
  for (int i = 0; i < 3000; i++) {
    uint64_t v = rnd64();
    fast_int_value(v);
    fast_int_value(v >> (v % 64)); /* every magnitude */
  }
  cr_log_info("fast integer cases: %llu", n_cases);
  cr_assert_gt(n_cases, 1000000);
}

/* One double through %f, %F, %lf and %.0f .. %.10f (%.10f: vsnprintf). */
static void fast_float_value(double d) {
  static const char *fmts[] = {"%f", "%F", "%lf", "<%f>", "%.0f", "%.1f", "%.2f", "%.3f", "%.4f",
                               "%.5f", "%.6f", "%.7f", "%.8f", "%.9f", "%.10f", "%.f", "x%.3fy"};
  for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
    uvlog_arg_t a = UVLOG__ARG(d);
    same(fmts[i], &a, 1, want, snprintf(want, sizeof want, fmts[i], d));
  }
}

static void fast_float_values(void) {
  static const double edge[] = {0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375, 0.0625,
                                0.05, 0.0005, 0.00049999999999999999, 5e-7, 4.9999999e-7, 5e-10,
                                1e-9, 9.5, 99.95, 999.9995, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3,
                                12.345, 1.23456, 1e15 + 0.5, 4503599627370495.5, 9007199254740993.0,
                                9223372036854775808.0, 18446744073709549568.0 /* 2^64 - 2^11 */,
                                18446744073709551616.0 /* 2^64 */, 1e19, 1e20, 1e22, 1e300,
                                DBL_MAX, DBL_MIN, DBL_TRUE_MIN, -DBL_MIN, -1e-300, NAN, -NAN,
                                INFINITY, -INFINITY};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) fast_float_value(edge[i]);
  for (int i = 0; i < 4000; i++) {
    uint64_t r = rnd64();
    double d;
    /* random bits with a binary exponent in [-60, 70]: around and past the
     * fast path's range */
    uint64_t bits = (r & 0x800fffffffffffffull) | ((uint64_t)(1023 - 60 + (r >> 52) % 131) << 52);
    memcpy(&d, &bits, sizeof d);
    fast_float_value(d);
    /* exact ties at every precision: odd k / 2^j */
    d = (double)((int64_t)(r >> 20) | 1) / (double)(1ull << (1 + r % 40));
    fast_float_value((r & 1) ? -d : d);
    /* decimal-looking values k / 10^j, the usual log argument */
    d = (double)(r % 100000000) / pow(10, (double)((r >> 60) % 10));
    fast_float_value(d);
    /* fully random bits (mostly outside the range: vsnprintf) */
    memcpy(&d, &r, sizeof d);
    fast_float_value(d);
  }
}

Test(deferred, equivalence_fast_floating) {
  n_cases = 0;
  fast_float_values();
  cr_log_info("fast floating cases: %llu", n_cases);
  cr_assert_gt(n_cases, 200000);
}

/* Another rounding mode: the fast %f path steps aside for vsnprintf. */
Test(deferred, equivalence_fast_floating_rounding_modes) {
  static const int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  n_cases = 0;
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    if (fesetround(modes[i]) != 0) continue;
    fast_float_values();
    fesetround(FE_TONEAREST);
  }
  cr_log_info("fast floating cases, other rounding modes: %llu", n_cases);
}

Test(deferred, equivalence_fast_strings_chars_pointers) {
  char bytes[300];
  for (int i = 0; i < 299; i++) bytes[i] = (char)(1 + i % 255);
  bytes[299] = '\0';
  const char *strs[] = {"", "a", "hello world", "h\xc3\xa9llo \x1b[0m\t\n", bytes, bytes + 250};
  n_cases = 0;
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    for (size_t j = 0; j < sizeof strs / sizeof strs[0]; j++) {
      const char *x = strs[i], *y = strs[j];
      CALL("%s", x);
      CALL("[%s]", x);
      CALL("%s%s", x, y);
      CALL("%.0s|%s", x, y);
      CALL("%.3s|%s", x, y);
      CALL("%.*s|%s", (int)j - 2, x, y);
      CALL("%c%s%c", (int)i, x, 0); /* %c of 0 writes a NUL byte */
    }
  char nul_in[8] = {'a', 'b', '\0', 'c', 'd', 'e', 'f', 'g'}; /* stops at the NUL */
  CALL("%.8s|%s|%.2s", nul_in, nul_in, nul_in + 3);
  for (int c = -300; c <= 300; c++) CALL("%c", c);
  int x = 0;
  void *ps[] = {NULL, &x, (void *)(uintptr_t)1, (void *)(uintptr_t)0xabcdef, (void *)UINTPTR_MAX,
                (void *)(uintptr_t)INTPTR_MIN};
  for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
    CALL("%p", ps[i]);
    CALL("<%p>", ps[i]);
  }
  cr_log_info("fast string/char/pointer cases: %llu", n_cases);
  cr_assert_gt(n_cases, 800);
}

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
  static const unsigned char t[] = {UVLOG_ARG_SINT | 4u, UVLOG_ARG_CSTR | 8u};
  const uvlog_site_t s1 = {"f.c", "fn", "%d %s", 1, 2, t, &c1, 0, 0};
  const uvlog_site_t s2 = {"f.c", "fn", "%d %n", 2, 2, t, &c2, 0, 0};
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
    uvlog__render_data(fmts[iter % 5], data, len, 8192, &out);
    if (out.oom) cr_assert_fail("out of memory");
    uvlog_buf_putc(&out, '\0');
    if (strstr(out.data, "<uvlog: ")) markers++;
  }
  uvlog_buf_free(&out);
  cr_assert_gt(markers, 1000, "garbage should mostly render as markers");
  uvlog_buf_t o2 = {0};
  uvlog__render_data("%d", NULL, 0, 8192, &o2);
  uvlog_buf_putc(&o2, '\0');
  cr_assert_str_eq(o2.data, "<uvlog: corrupt deferred record>");
  uvlog_buf_free(&o2);
}

/* ------------------------------------------------------------------------ */
/* End to end, through a logger. (No .timeout on these tests: Criterion 2.4
 * leaks its timeout watchdog under ASan with --jobs 2; meson has a timeout.) */
/* ------------------------------------------------------------------------ */

#include "capture.h"
#include "logger_impl.h"

static uvlog_t *make_logger(capture_t *c, size_t max_record) {
  uvlog_t *log = NULL;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.level = UVLOG_LEVEL_TRACE;
  if (max_record) o.max_record = max_record;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_create(&s, &capture_vt, c), 0);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%l %F:%n %u %m";
  fo.color = 0;
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  return log;
}

/* The type of every record queued so far (logger not started yet). */
static size_t record_types(uvlog_t *log, int *types, size_t max) {
  uint64_t pos = ring_head(&log->ring);
  size_t n = 0;
  uvlog_rec_t *rec;
  while ((rec = ring_peek(&log->ring, &pos)) != NULL && n < max) {
    types[n++] = rec->type;
    pos = ring_next(rec, pos);
  }
  return n;
}

/* Splits captured text into lines; checks lines 2k and 2k+1 are equal. */
static size_t pairs_equal(capture_t *c) {
  char *p = c->text;
  size_t pairs = 0;
  cr_assert_not_null(p);
  while (*p) {
    char *e1 = strchr(p, '\n');
    cr_assert_not_null(e1);
    char *q = e1 + 1;
    char *e2 = strchr(q, '\n');
    cr_assert_not_null(e2, "odd number of lines");
    if ((e1 - p) != (e2 - q) || memcmp(p, q, (size_t)(e1 - p)) != 0)
      cr_assert_fail("deferred and preformatted lines differ:\n%.*s\n%.*s", (int)(e1 - p), p,
                     (int)(e2 - q), q);
    pairs++;
    p = e2 + 1;
  }
  return pairs;
}

/* Both paths from one source line, so file:line:function match too. */
#define BOTH(log, ...)                                                            \
  do {                                                                            \
    cr_assert_eq(UVLOG_INFO_TO(log, __VA_ARGS__), 0);                             \
    cr_assert_eq(UVLOG_INFOF_TO(log, __VA_ARGS__), 0);                            \
  } while (0)

Test(deferred, end_to_end_identical_to_preformatting) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make_logger(&c, 0);
  const char *nul = NULL;
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  BOTH(log, "request %d from %s took %.3f ms", 42, "10.0.0.1", 1.23456);
  BOTH(log, "no arguments at all");
  BOTH(log, "%d %ld %lld %u %zu %x %#o %c %p", INT_MIN, LONG_MAX, LLONG_MAX, UINT_MAX,
       (size_t)SIZE_MAX, 0xbeef, 8, 'q', (void *)&c);
  BOTH(log, "%f %e %g %a %.0f %+.300f", NAN, -INFINITY, -0.0, 1.0, 0.5, 1e-5);
  BOTH(log, "[%-10s|%10.3s|%*d|%-*d|%.*s]", "left", "right", -6, 7, 6, 8, -1, "all");
  BOTH(log, "ctrl %s and %s", "line1\nline2\ttab\x01", nul);
  BOTH(log, "big %s end", big);
  BOTH(log, "%%d is literal, 100%%");
  int types[16];
  cr_assert_eq(record_types(log, types, 16), 16);
  for (int i = 0; i < 16; i += 2) {
    cr_expect_eq(types[i], REC_DEFERRED, "call %d should be deferred", i / 2);
    cr_expect_eq(types[i + 1], REC_TEXT);
  }
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(pairs_equal(&c), 8);
  cr_assert(strstr(c.text, "request 42 from 10.0.0.1 took 1.235 ms") != NULL);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

static long double ld_value(void) { return 2.5L; }

Test(deferred, fallbacks_produce_correct_output) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make_logger(&c, 1024);
  const char *fmt_var = "non-literal %d %s"; /* not a literal: preformatted */
  int written = -1;
  char huge[2000];
  memset(huge, 'h', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  BOTH(log, fmt_var, 5, "five");
  BOTH(log, "%n counted", &written);
  BOTH(log, "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
       11, 12, 13, 14, 15, 16, 17);
  BOTH(log, "long double %Lf", ld_value());
  BOTH(log, "huge %s", huge);          /* arguments > max_record */
  BOTH(log, "wide %1500d|", 3);        /* deferred, but renders > max_record */
  int types[12];
  cr_assert_eq(record_types(log, types, 12), 12);
  static const int want[12] = {REC_TEXT, REC_TEXT, REC_TEXT, REC_TEXT, REC_TEXT, REC_TEXT,
                               REC_TEXT, REC_TEXT, REC_TEXT, REC_TEXT, REC_DEFERRED, REC_TEXT};
  for (int i = 0; i < 12; i++) cr_expect_eq(types[i], want[i], "record %d", i);
  cr_assert_eq(written, 0, "%%n must have run (preformatting path)");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(pairs_equal(&c), 6);
  cr_assert(strstr(c.text, "non-literal 5 five\n") != NULL);
  cr_assert(strstr(c.text, " counted\n") != NULL);
  cr_assert(strstr(c.text, "long double 2.500000\n") != NULL);
  cr_assert_eq(capture_count(&c, "[truncated: 2004 bytes]"), 2);
  cr_assert_eq(capture_count(&c, "[truncated: 1506 bytes]"), 2);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.truncated, 4);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

static int side_effects;
static int bump(void) { return ++side_effects; }

Test(deferred, arguments_evaluated_once_and_return_codes) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make_logger(&c, 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  side_effects = 0;
  cr_assert_eq(UVLOG_INFO_TO(log, "%d", bump()), 0);
  cr_assert_eq(side_effects, 1);
  const char *fv = "%d";
  cr_assert_eq(UVLOG_INFO_TO(log, fv, bump()), 0);
  cr_assert_eq(side_effects, 2);
  uvlog_logger_set_level(log, UVLOG_LEVEL_WARNING);
  cr_assert_eq(UVLOG_INFO_TO(log, "filtered %d", bump()), UVLOG_EFILTERED);
  cr_assert_eq(side_effects, 2, "a filtered call does not evaluate its arguments");
  cr_assert_eq(UVLOG_INFO_TO(NULL, "no logger %d", 1), UVLOG_ENOLOGGER);
  cr_assert_eq(UVLOG_LOG_TO(log, (uvlog_level_t)42, "bad level"), UVLOG_EINVAL);
  cr_assert_eq(uvlog_log_args(log, UVLOG_LEVEL_ERROR, NULL, NULL), UVLOG_EINVAL);
  static uvlog_site_cache_t cache, cache_n;
  static const unsigned char t_int[] = {UVLOG_ARG_SINT | 4u}, t_ptr[] = {UVLOG_ARG_PTR | 8u};
  const uvlog_site_t s = {"f.c", "fn", "%d", 1, 1, t_int, &cache, 0, 0};
  cr_assert_eq(uvlog_log_args(log, UVLOG_LEVEL_ERROR, &s, NULL), UVLOG_EINVAL);
  const uvlog_site_t s17 = {"f.c", "fn", "%d", 1, 17, t_int, &cache, 0, 0};
  const unsigned long long v1[1] = {1};
  cr_assert_eq(uvlog_log_args(log, UVLOG_LEVEL_ERROR, &s17, v1), UVLOG_EINVAL);
  const uvlog_site_t sn = {"f.c", "fn", "%n", 1, 1, t_ptr, &cache_n, 0, 0};
  const unsigned long long vp[1] = {(unsigned long long)(uintptr_t)&c};
  cr_assert_eq(uvlog_log_args(log, UVLOG_LEVEL_ERROR, &sn, vp), UVLOG_EINVAL);
  cr_assert_eq(UVLOG_ERROR_TO(log, "kept %d", 9), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(UVLOG_ERROR_TO(log, "after close %d", 1), UVLOG_ECLOSED);
  cr_assert_str_eq(c.text + strlen(c.text) - strlen(" kept 9\n"), " kept 9\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* Several threads run the same call sites for the first time at once: the
 * site cache is published by one of them, everyone's records are right. */
#define MT_THREADS 4
#define MT_CALLS 500
static uvlog_t *mt_log;
static void *mt_main(void *arg) {
  int id = (int)(intptr_t)arg;
  for (int i = 0; i < MT_CALLS; i++) {
    int rc = UVLOG_INFO_TO(mt_log, "t%d i%d %s", id, i, "payload");
    if (rc != 0) return (void *)1;
  }
  return NULL;
}

Test(deferred, threads_share_call_sites) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  cr_assert_eq(uvlog_logger_create(&mt_log, &o), 0);
  uvlog_sink_t *s = capture_sink(&c, UVLOG_LEVEL_TRACE);
  cr_assert_not_null(s);
  cr_assert_eq(uvlog_sink_add(mt_log, s), 0);
  cr_assert_eq(uvlog_logger_start(mt_log), 0);
  pthread_t th[MT_THREADS];
  for (int i = 0; i < MT_THREADS; i++)
    cr_assert_eq(pthread_create(&th[i], NULL, mt_main, (void *)(intptr_t)i), 0);
  for (int i = 0; i < MT_THREADS; i++) {
    void *ret;
    pthread_join(th[i], &ret);
    cr_assert_null(ret, "a log call failed");
  }
  cr_assert_eq(uvlog_logger_flush(mt_log, -1), 0);
  cr_assert_eq(c.entries, MT_THREADS * MT_CALLS);
  cr_assert_eq(capture_count(&c, " payload\n"), MT_THREADS * MT_CALLS);
  cr_assert_eq(capture_count(&c, "INFO t3 i499 payload\n"), 1);
  uvlog_logger_destroy(mt_log);
  capture_free(&c);
}

/* ------------------------------------------------------------------------ */
/* The deferred producer path does not call malloc                           */
/* ------------------------------------------------------------------------ */

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define UVLOG_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define UVLOG_TEST_SANITIZED 1
#endif
#endif

#ifndef UVLOG_TEST_SANITIZED
/* Interposes glibc's allocator (sanitizers bring their own: skipped there)
 * and counts calls made by a thread that asked to be watched. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static _Thread_local volatile int watch_allocs; /* volatile: gcc assumes malloc reads no globals */
static _Thread_local volatile long allocs;
void *malloc(size_t n) { allocs += watch_allocs; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocs += watch_allocs; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocs += watch_allocs; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

Test(deferred, producer_path_does_not_malloc) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make_logger(&c, 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  /* The counter works: */
  watch_allocs = 1;
  void *volatile probe = malloc(16); /* volatile: the compiler may not elide it */
  watch_allocs = 0;
  free(probe);
  cr_assert_eq(allocs, 1, "malloc interposition is not active");
  allocs = 0;
  char s[600];
  memset(s, 's', sizeof s - 1);
  s[sizeof s - 1] = '\0';
  for (int round = 0; round < 2; round++) { /* round 0 warms the call sites up */
    watch_allocs = round;
    for (int i = 0; i < 200; i++) {
      UVLOG_INFO_TO(log, "request %d from %s took %.3f ms", i, "10.0.0.1", 1.5);
      UVLOG_WARNING_TO(log, "%p %zu %c %s", (void *)s, sizeof s, 'x', s);
      UVLOG_ERROR_TO(log, "no args");
    }
    watch_allocs = 0;
  }
  cr_assert_eq(allocs, 0, "the deferred producer path called malloc %ld times", allocs);
  /* A NULL-logger call below WARNING is not even formatted. */
  watch_allocs = 1;
  cr_assert_eq(UVLOG_INFO_TO(NULL, "below the last resort %s", "x"), UVLOG_ENOLOGGER);
  watch_allocs = 0;
  cr_assert_eq(allocs, 0, "a NULL-logger call below WARNING is not formatted");
  /* The slow path (arguments larger than max_record) does: the counter
   * sees it. */
  static char big[9000];
  memset(big, 'b', sizeof big - 1);
  watch_allocs = 1;
  UVLOG_WARNING_TO(log, "slow path %s", big);
  watch_allocs = 0;
  cr_assert_gt(allocs, 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 1201);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
#else
Test(deferred, producer_path_does_not_malloc) {
  cr_log_info("skipped under a sanitizer (it replaces malloc)");
}
#endif

/* UVLOG_MIN_LEVEL is read where a macro expands: raising it here compiles
 * the INFO call below to "filtered", arguments never evaluated. */
#undef UVLOG_MIN_LEVEL
#define UVLOG_MIN_LEVEL UVLOG_LEVEL_WARNING
Test(deferred, compile_time_min_level) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make_logger(&c, 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  side_effects = 0;
  cr_assert_eq(UVLOG_INFO_TO(log, "gone %d", bump()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_INFOF_TO(log, "gone %d", bump()), UVLOG_EFILTERED);
  cr_assert_eq(side_effects, 0, "arguments of a compiled-out call were evaluated");
  cr_assert_eq(UVLOG_WARNING_TO(log, "kept %d", bump()), 0);
  cr_assert_eq(side_effects, 1);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
