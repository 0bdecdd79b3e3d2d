/*
 * uvlog/private.h -- the machinery behind the log macros of uvlog.h: the
 * encoded argument, the per-call-site state, and the deferred call. Not an
 * API: names with two underscores may change in any release; the exported
 * functions here are called by the macros, not by you.
 */
#ifndef UVLOG_PRIVATE_H
#define UVLOG_PRIVATE_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/private.h>"
#endif

/* One encoded argument: a type tag (UVLOG_ARG_* kind | promoted size in
 * bytes) and an 8-byte value. Built by the macros on the caller's stack. */
typedef struct uvlog_arg {
  unsigned tag;
  union {
    long long i;
    unsigned long long u;
    double d;
    const void *p;
    const char *s;
  } v;
} uvlog_arg_t;

#define UVLOG_ARG_SINT 0x10u /* signed integer (after the default promotions) */
#define UVLOG_ARG_UINT 0x20u /* unsigned integer */
#define UVLOG_ARG_DBL  0x30u /* double (float is promoted) */
#define UVLOG_ARG_PTR  0x40u /* any object or function pointer but char * */
#define UVLOG_ARG_CSTR 0x50u /* char *: its bytes are copied when a %s uses it */

/* Per call site state, private to the library (zero-initialised static). */
typedef struct uvlog_site_cache {
  int state;                                   /* UVLOG__SITE_*; __atomic builtins */
  unsigned char use[UVLOG_DEFERRED_MAX_ARGS];  /* what the format does with arg i */
  int prec[UVLOG_DEFERRED_MAX_ARGS];           /* %s precision: -1 none, -2 from arg i-1 */
} uvlog_site_cache_t;

#define UVLOG__SITE_UNKNOWN  0
#define UVLOG__SITE_DEFER    1
#define UVLOG__SITE_FALLBACK 2
#define UVLOG__SITE_BUSY     3

/* One call site: built once by the macros as a static const object. */
typedef struct uvlog_site {
  const char *file;
  const char *func;
  const char *fmt;          /* a string literal */
  int line;
  uvlog_site_cache_t *cache;
} uvlog_site_t;

/** Queues a deferred record: `args` are the `n` encoded arguments of
 *  site->fmt. Returns what uvlog_log() returns; UVLOG_EINVAL for a NULL
 *  site, n > UVLOG_DEFERRED_MAX_ARGS or args == NULL with n > 0. Meant to be
 *  called by the macros, which also check uvlog_site_prepare() first. */
UVLOG_EXPORT int uvlog_log_args(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                                const uvlog_arg_t *args, unsigned n);
/** Scans site->fmt once and caches whether it can be deferred (1) or must go
 *  through uvlog_log() (0). Thread-safe, lock-free; called by the macros the
 *  first time a call site runs. */
UVLOG_EXPORT int uvlog_site_prepare(const uvlog_site_t *site);

#if (defined(__GNUC__) || defined(__clang__)) && !defined(__cplusplus)

/* 1 if the site's format can be deferred. After the first call this is one
 * acquire load (a plain load on x86 and arm64), pairing with the release
 * store that publishes the cache in uvlog_site_prepare(). */
static inline int uvlog__site_ok(const uvlog_site_t *site) {
  int st = __atomic_load_n(&site->cache->state, __ATOMIC_ACQUIRE);
  if (__builtin_expect(st == UVLOG__SITE_DEFER, 1)) return 1;
  if (st == UVLOG__SITE_FALLBACK) return 0;
  return uvlog_site_prepare(site);
}

static inline uvlog_arg_t uvlog__arg_i(long long v) {
  uvlog_arg_t a = {UVLOG_ARG_SINT | 4u, {.i = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_u(unsigned long long v) {
  uvlog_arg_t a = {UVLOG_ARG_UINT | 4u, {.u = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_l(long long v) {
  uvlog_arg_t a = {UVLOG_ARG_SINT | 8u, {.i = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ul(unsigned long long v) {
  uvlog_arg_t a = {UVLOG_ARG_UINT | 8u, {.u = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_d(double v) {
  uvlog_arg_t a = {UVLOG_ARG_DBL | 8u, {.d = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_s(const char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ss(const signed char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = (const char *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_us(const unsigned char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = (const char *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_p(const volatile void *v) {
  uvlog_arg_t a = {UVLOG_ARG_PTR | 8u, {.p = (const void *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ld(long double v) { /* never used: see UVLOG__OK */
  (void)v; uvlog_arg_t a = {0, {.u = 0}}; return a;
}

/* Encodes one argument, with the default argument promotions. */
#define UVLOG__ARG(x) _Generic((x),                                                   \
    _Bool: uvlog__arg_i, char: uvlog__arg_i, signed char: uvlog__arg_i,               \
    unsigned char: uvlog__arg_i, short: uvlog__arg_i, unsigned short: uvlog__arg_i,   \
    int: uvlog__arg_i, unsigned: uvlog__arg_u,                                        \
    long: UVLOG__LONG_S, unsigned long: UVLOG__LONG_U,                    \
    long long: uvlog__arg_l, unsigned long long: uvlog__arg_ul,                       \
    float: uvlog__arg_d, double: uvlog__arg_d, long double: uvlog__arg_ld,            \
    char *: uvlog__arg_s, const char *: uvlog__arg_s,                                 \
    signed char *: uvlog__arg_ss, const signed char *: uvlog__arg_ss,                 \
    unsigned char *: uvlog__arg_us, const unsigned char *: uvlog__arg_us,             \
    default: uvlog__arg_p)(x)
#if __SIZEOF_LONG__ == 8
#define UVLOG__LONG_S uvlog__arg_l
#define UVLOG__LONG_U uvlog__arg_ul
#else
#define UVLOG__LONG_S uvlog__arg_i
#define UVLOG__LONG_U uvlog__arg_u
#endif
/* 1 if the argument fits the encoding (a constant expression). */
#define UVLOG__OK(x) _Generic((x), long double: 0, default: 1)

/* 1 if `f` is a string literal. In this integer-constant-expression context
 * both gcc and clang answer at parse time, at every optimisation level, and
 * only for literals (not for pointers, arrays or const arrays). */
#define UVLOG__IS_LIT(f) __builtin_choose_expr(__builtin_constant_p(f), 1, 0)
#define UVLOG__LIT_OR_EMPTY(f) __builtin_choose_expr(__builtin_constant_p(f), (f), "")

#define UVLOG__CAT(a, b) UVLOG__CAT_(a, b)
#define UVLOG__CAT_(a, b) a##b
#define UVLOG__FIRST(...) UVLOG__FIRST_(__VA_ARGS__, ~)
#define UVLOG__FIRST_(f, ...) f

/* Argument counting and the per-count argument lists (generated). */
#include "uvlog/args.h"

#define UVLOG__DEFER(log, lvl, ...) __extension__ ({                                     \
    static uvlog_site_cache_t uvlog__cache_;                                            \
    static const uvlog_site_t uvlog__site_ = {                                          \
      __FILE__, __func__, UVLOG__LIT_OR_EMPTY(UVLOG__FIRST(__VA_ARGS__)), __LINE__,     \
      &uvlog__cache_};                                                                  \
    uvlog_t *uvlog__log_ = (log);                                                       \
    uvlog_level_t uvlog__lvl_ = (lvl);                                                  \
    int uvlog__rc_;                                                                     \
    if ((int)uvlog__lvl_ < (int)UVLOG_MIN_LEVEL)                                        \
      uvlog__rc_ = UVLOG_EFILTERED;                                                     \
    else if (UVLOG__IS_LIT(UVLOG__FIRST(__VA_ARGS__)) &&                                \
             UVLOG__CAT(UVLOG__OKS_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__) &&         \
             uvlog__site_ok(&uvlog__site_))                                             \
      uvlog__rc_ = uvlog_log_args(uvlog__log_, uvlog__lvl_, &uvlog__site_,              \
                                  UVLOG__CAT(UVLOG__ARGV_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__), \
                                  UVLOG__CAT(UVLOG__CNT_, UVLOG__NARGS(__VA_ARGS__)));  \
    else                                                                                \
      uvlog__rc_ = uvlog_log(uvlog__log_, uvlog__lvl_, __FILE__, __LINE__, __func__,    \
                             __VA_ARGS__);                                              \
    uvlog__rc_;                                                                         \
  })

#define UVLOG__LOG(log, lvl, ...) UVLOG__DEFER((log), (lvl), __VA_ARGS__)
#else
#define UVLOG__LOG(log, lvl, ...) UVLOG__LOGF((log), (lvl), __VA_ARGS__)
#endif /* gcc or clang, C */

/* Preformatting: format on the calling thread with uvlog_log(). */
#define UVLOG__LOGF(log, lvl, ...)                                                      \
  ((lvl) >= UVLOG_MIN_LEVEL ? uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__) \
                            : UVLOG_EFILTERED)

#endif /* UVLOG_PRIVATE_H */
