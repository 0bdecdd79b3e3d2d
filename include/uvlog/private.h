/*
 * uvlog/private.h -- the machinery behind the log macros of uvlog.h: the
 * logger's public prefix (the level gate), the per-call-site state, the
 * argument encoding, and the deferred call. Not an
 * API: names with two underscores may change in any release; the exported
 * functions here are called by the macros, not by you.
 */
#ifndef UVLOG_PRIVATE_H
#define UVLOG_PRIVATE_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/private.h>"
#endif

/* The public prefix of a logger: the first member of struct uvlog_s, so a
 * uvlog_t * points at it. It holds the one value the macros read before
 * evaluating a call's arguments: the effective level (the higher of the
 * logger's level and the lowest sink level; UVLOG_LEVEL_OFF before a sink
 * is added). It sits on a cache line producers only read; the library
 * rewrites it only when a level changes. Read it with a relaxed atomic
 * load (a lone value: nothing else is published with it). Layout and name
 * may change in any release: use uvlog_logger_enabled() in your code. */
typedef struct uvlog_pub {
  int eff_level;
} uvlog_pub_t;

/* Type tags of the encoded arguments (kind | promoted size in bytes). */
#define UVLOG_ARG_SINT 0x10u /* signed integer (after the default promotions) */
#define UVLOG_ARG_UINT 0x20u /* unsigned integer */
#define UVLOG_ARG_DBL  0x30u /* double (float is promoted) */
#define UVLOG_ARG_PTR  0x40u /* any object or function pointer but char * */
#define UVLOG_ARG_CSTR 0x50u /* char *: its bytes are copied when a %s uses it */

/* Per call site state, private to the library (zero-initialised static),
 * filled once by uvlog_site_prepare(). */
typedef struct uvlog_site_cache {
  int state;                                   /* UVLOG__SITE_*; __atomic builtins */
  unsigned char use[UVLOG_DEFERRED_MAX_ARGS];  /* what the format does with arg i */
  int prec[UVLOG_DEFERRED_MAX_ARGS];           /* %s precision: -1 none, -2 from arg i-1 */
  unsigned char head[24];                      /* the encoded count and tags (deferred.h) */
  unsigned fixed;                              /* record data size without string bytes */
  unsigned smask;                              /* bit i: argument i is copied as a string */
  unsigned long long rate;                     /* rate limit: window << 32 | count (ratelimit.c) */
} uvlog_site_cache_t;

#define UVLOG__SITE_UNKNOWN  0
#define UVLOG__SITE_DEFER    1
#define UVLOG__SITE_FALLBACK 2
#define UVLOG__SITE_BUSY     3

/* One call site: a static const object made by the macros. Records point
 * at it (so it must outlive them: see docs/api.md on dlclose()). */
typedef struct uvlog_site {
  const char *file;
  const char *func;
  const char *fmt;            /* a string literal ("" for the text path; the
                                 message of a structured (_KV) call) */
  int line;
  unsigned nargs;             /* deferred: the number of arguments; _KV: of fields */
  const unsigned char *tags;  /* deferred: their UVLOG_ARG_* tags (compile time);
                                 _KV: 24 bytes, the count then each field's
                                 UVLOG__FT_* type (the record's field head) */
  uvlog_site_cache_t *cache;  /* deferred only (NULL for _KV) */
  const char *const *keys;    /* _KV: the fields' keys (literals); else NULL */
  unsigned fsmask;            /* _KV: bit i: field i is a string (copied) */
} uvlog_site_t;

/** Queues a deferred record: `vals` are the site->nargs arguments as 8-byte
 *  values (integers sign- or zero-extended, doubles' bits, pointers).
 *  The macros call it after checking the level and uvlog__site_ok(); it
 *  does not check the level again. Returns what uvlog_log() returns;
 *  UVLOG_EINVAL for a bad site, vals or level. */
UVLOG_EXPORT int uvlog_log_args(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                                const unsigned long long *vals);
/** Scans site->fmt once and caches whether it can be deferred (1) or must go
 *  through uvlog_log() (0). Thread-safe, lock-free; called by the macros the
 *  first time a call site runs. */
UVLOG_EXPORT int uvlog_site_prepare(const uvlog_site_t *site);

/* Structured fields (uvlog/fields.h). A _KV site's field types: the
 * uvlog_field_type_t values, plus STRN (a pointer to a uvlog__fstrn_t, a
 * string with its length) that the record stores as UVLOG_FIELD_STR. */
#define UVLOG__FT_NULL   0
#define UVLOG__FT_STR    1
#define UVLOG__FT_INT    2
#define UVLOG__FT_UINT   3
#define UVLOG__FT_DOUBLE 4
#define UVLOG__FT_BOOL   5
#define UVLOG__FT_STRN   6
/* The value types of UVLOG_F_BOOL(), UVLOG_F_NULL(), UVLOG_F_STRN(). */
typedef struct uvlog__fbool { int v; } uvlog__fbool_t;
typedef struct uvlog__fnull { int unused; } uvlog__fnull_t;
typedef struct uvlog__fstrn { const char *ptr; size_t len; } uvlog__fstrn_t;

/** Queues a structured record: `site` is a _KV site (keys, field types,
 *  message), `vals` its site->nargs values as 8-byte values (strings as
 *  pointers, UVLOG__FT_STRN as a pointer to a uvlog__fstrn_t), `ctx` the
 *  call's context or NULL. Called by the _KV macros after the level gate.
 *  Returns what uvlog_log() returns; UVLOG_EINVAL for a bad site or level. */
UVLOG_EXPORT int uvlog_log_kv(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                              const uvlog_ctx_t *ctx, const unsigned long long *vals);

/* The level gate of every macro: 1 if a call at `lvl` must go on (its
 * arguments are then evaluated), 0 if it is filtered. One relaxed load and
 * a compare. An invalid level (negative, >= OFF) goes on, so that the call
 * returns UVLOG_EINVAL; a NULL logger goes on for WARNING and above (the
 * "last resort"). */
#if defined(__GNUC__) || defined(__clang__)
#define UVLOG__LOAD_LEVEL(log) __atomic_load_n(&((const uvlog_pub_t *)(const void *)(log))->eff_level, __ATOMIC_RELAXED)
#else
#define UVLOG__LOAD_LEVEL(log) (*(const volatile int *)&((const uvlog_pub_t *)(const void *)(log))->eff_level)
#endif
static inline int uvlog__pass(const uvlog_t *log, int lvl) {
  if (log) return (unsigned)lvl >= (unsigned)UVLOG__LOAD_LEVEL(log);
  return (unsigned)lvl >= (unsigned)UVLOG_LEVEL_WARNING;
}
/* What a filtered call returns. */
#define UVLOG__FILTERED_RC(log) ((log) ? UVLOG_EFILTERED : UVLOG_ENOLOGGER)
/* The compile-time minimum level (UVLOG_MIN_LEVEL): a negative level is
 * invalid, not below it, so it is not filtered here either. */
#define UVLOG__MIN_OK(lvl) ((int)(lvl) < 0 || (int)(lvl) >= (int)UVLOG_MIN_LEVEL)

#define UVLOG__CAT(a, b) UVLOG__CAT_(a, b)
#define UVLOG__CAT_(a, b) a##b

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

/* An argument's 8-byte value, with the default argument promotions. */
static inline unsigned long long uvlog__v_i(long long v) { return (unsigned long long)v; }
static inline unsigned long long uvlog__v_u(unsigned long long v) { return v; }
static inline unsigned long long uvlog__v_d(double v) {
  unsigned long long u;
  __builtin_memcpy(&u, &v, sizeof u);
  return u;
}
static inline unsigned long long uvlog__v_p(const volatile void *v) {
  return (unsigned long long)(__UINTPTR_TYPE__)v;
}
static inline unsigned long long uvlog__v_ld(long double v) { /* never used: see UVLOG__OK */
  (void)v;
  return 0;
}
#define UVLOG__VAL(x) _Generic((x),                                                    \
    float: uvlog__v_d, double: uvlog__v_d, long double: uvlog__v_ld,                     \
    _Bool: uvlog__v_i, char: uvlog__v_i, signed char: uvlog__v_i,                        \
    unsigned char: uvlog__v_i, short: uvlog__v_i, unsigned short: uvlog__v_i,            \
    int: uvlog__v_i, unsigned: uvlog__v_u, long: uvlog__v_i, unsigned long: uvlog__v_u,  \
    long long: uvlog__v_i, unsigned long long: uvlog__v_u,                               \
    default: uvlog__v_p)(x)

/* An argument's tag: an integer constant expression (the argument is not
 * evaluated), so the per-site tag array is a static const. */
#if __SIZEOF_LONG__ == 8
#define UVLOG__TAG_LONG 8u
#else
#define UVLOG__TAG_LONG 4u
#endif
#define UVLOG__TAG(x) _Generic((x),                                                      \
    _Bool: UVLOG_ARG_SINT | 4u, char: UVLOG_ARG_SINT | 4u, signed char: UVLOG_ARG_SINT | 4u, \
    unsigned char: UVLOG_ARG_SINT | 4u, short: UVLOG_ARG_SINT | 4u,                      \
    unsigned short: UVLOG_ARG_SINT | 4u, int: UVLOG_ARG_SINT | 4u,                       \
    unsigned: UVLOG_ARG_UINT | 4u,                                                       \
    long: UVLOG_ARG_SINT | UVLOG__TAG_LONG, unsigned long: UVLOG_ARG_UINT | UVLOG__TAG_LONG, \
    long long: UVLOG_ARG_SINT | 8u, unsigned long long: UVLOG_ARG_UINT | 8u,             \
    float: UVLOG_ARG_DBL | 8u, double: UVLOG_ARG_DBL | 8u, long double: 0u,              \
    char *: UVLOG_ARG_CSTR | 8u, const char *: UVLOG_ARG_CSTR | 8u,                      \
    signed char *: UVLOG_ARG_CSTR | 8u, const signed char *: UVLOG_ARG_CSTR | 8u,        \
    unsigned char *: UVLOG_ARG_CSTR | 8u, const unsigned char *: UVLOG_ARG_CSTR | 8u,    \
    default: UVLOG_ARG_PTR | 8u)
/* 1 if the argument fits the encoding (a constant expression). */
#define UVLOG__OK(x) _Generic((x), long double: 0, default: 1)

/* 1 if `f` is a string literal. In this integer-constant-expression context
 * both gcc and clang answer at parse time, at every optimisation level, and
 * only for literals (not for pointers, arrays or const arrays). */
#define UVLOG__IS_LIT(f) __builtin_choose_expr(__builtin_constant_p(f), 1, 0)
#define UVLOG__LIT_OR_EMPTY(f) __builtin_choose_expr(__builtin_constant_p(f), (f), "")

#define UVLOG__FIRST(...) UVLOG__FIRST_(__VA_ARGS__, ~)
#define UVLOG__FIRST_(f, ...) f

/* Argument counting and the per-count tag and value lists (generated). */
#include "uvlog/args.h"

/* The deferred call. Every name it declares ends in the expansion's own
 * __COUNTER__ value, so no argument expression can name one of them by
 * accident (a caller's variable called uvlog__rc_ stays the caller's). The
 * level gate comes before the arguments are evaluated. */
#define UVLOG__DEFER(log, lvl, ...) UVLOG__DEFER_(__COUNTER__, log, lvl, __VA_ARGS__)
#define UVLOG__DEFER_(id, log, lvl, ...) __extension__ ({                                \
    static uvlog_site_cache_t UVLOG__CAT(uvlog__cache_, id);                              \
    static const unsigned char UVLOG__CAT(uvlog__tags_, id)[] =                           \
        UVLOG__CAT(UVLOG__TAGS_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__);                 \
    static const uvlog_site_t UVLOG__CAT(uvlog__site_, id) = {                            \
      __FILE__, __func__, UVLOG__LIT_OR_EMPTY(UVLOG__FIRST(__VA_ARGS__)), __LINE__,       \
      UVLOG__CAT(UVLOG__CNT_, UVLOG__NARGS(__VA_ARGS__)), UVLOG__CAT(uvlog__tags_, id),   \
      &UVLOG__CAT(uvlog__cache_, id), 0, 0};                                              \
    uvlog_t *UVLOG__CAT(uvlog__log_, id) = (log);                                         \
    int UVLOG__CAT(uvlog__lvl_, id) = (int)(lvl);                                         \
    int UVLOG__CAT(uvlog__rc_, id);                                                       \
    if (!UVLOG__MIN_OK(UVLOG__CAT(uvlog__lvl_, id)))                                      \
      UVLOG__CAT(uvlog__rc_, id) = UVLOG_EFILTERED;                                       \
    else if (__builtin_expect(!uvlog__pass(UVLOG__CAT(uvlog__log_, id),                   \
                                           UVLOG__CAT(uvlog__lvl_, id)), 0))              \
      UVLOG__CAT(uvlog__rc_, id) = UVLOG__FILTERED_RC(UVLOG__CAT(uvlog__log_, id));       \
    else if (UVLOG__IS_LIT(UVLOG__FIRST(__VA_ARGS__)) &&                                  \
             UVLOG__CAT(UVLOG__OKS_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__) &&           \
             UVLOG__CAT(uvlog__log_, id) &&                                               \
             uvlog__site_ok(&UVLOG__CAT(uvlog__site_, id)))                               \
      UVLOG__CAT(uvlog__rc_, id) = uvlog_log_args(UVLOG__CAT(uvlog__log_, id),            \
          (uvlog_level_t)UVLOG__CAT(uvlog__lvl_, id), &UVLOG__CAT(uvlog__site_, id),      \
          UVLOG__CAT(UVLOG__VALS_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__));              \
    else                                                                                  \
      UVLOG__CAT(uvlog__rc_, id) = uvlog_log(UVLOG__CAT(uvlog__log_, id),                 \
          (uvlog_level_t)UVLOG__CAT(uvlog__lvl_, id), __FILE__, __LINE__, __func__,       \
          __VA_ARGS__);                                                                   \
    UVLOG__CAT(uvlog__rc_, id);                                                           \
  })

#define UVLOG__LOG(log, lvl, ...) UVLOG__DEFER(log, lvl, __VA_ARGS__)

/* The structured call (uvlog/fields.h, UVLOG_LOG_KV_TO). __VA_ARGS__ is
 * the message literal then the fields' key, value pairs (UVLOG_F expands
 * to two arguments); UVLOG__NKV counts the pairs at preprocessing time.
 * The site (keys, field types, message) is static; per call, one array of
 * 8-byte values. Names end in __COUNTER__ as in UVLOG__DEFER. */
#define UVLOG__KV(log, lvl, ctx, ...) \
  UVLOG__KV_(__COUNTER__, UVLOG__NKV(__VA_ARGS__), log, lvl, ctx, __VA_ARGS__)
#define UVLOG__KV_(id, k, log, lvl, ctx, ...) UVLOG__KV__(id, k, log, lvl, ctx, __VA_ARGS__)
#define UVLOG__KV__(id, k, log, lvl, ctx, ...) __extension__ ({                          \
    static const char *const UVLOG__CAT(uvlog__keys_, id)[] = UVLOG__FKEYS_##k(__VA_ARGS__); \
    static const unsigned char UVLOG__CAT(uvlog__head_, id)[24] =                         \
        UVLOG__FHEAD_##k(__VA_ARGS__);                                                    \
    static const uvlog_site_t UVLOG__CAT(uvlog__site_, id) = {                            \
      __FILE__, __func__, "" UVLOG__FIRST(__VA_ARGS__), __LINE__, UVLOG__CNT_##k,         \
      UVLOG__CAT(uvlog__head_, id), 0, UVLOG__CAT(uvlog__keys_, id),                      \
      UVLOG__FSMASK_##k(__VA_ARGS__)};                                                    \
    uvlog_t *UVLOG__CAT(uvlog__log_, id) = (log);                                         \
    int UVLOG__CAT(uvlog__lvl_, id) = (int)(lvl);                                         \
    int UVLOG__CAT(uvlog__rc_, id);                                                       \
    if (!UVLOG__MIN_OK(UVLOG__CAT(uvlog__lvl_, id)))                                      \
      UVLOG__CAT(uvlog__rc_, id) = UVLOG_EFILTERED;                                       \
    else if (__builtin_expect(!uvlog__pass(UVLOG__CAT(uvlog__log_, id),                   \
                                           UVLOG__CAT(uvlog__lvl_, id)), 0))              \
      UVLOG__CAT(uvlog__rc_, id) = UVLOG__FILTERED_RC(UVLOG__CAT(uvlog__log_, id));       \
    else                                                                                  \
      UVLOG__CAT(uvlog__rc_, id) = uvlog_log_kv(UVLOG__CAT(uvlog__log_, id),              \
          (uvlog_level_t)UVLOG__CAT(uvlog__lvl_, id), &UVLOG__CAT(uvlog__site_, id),      \
          (ctx), UVLOG__FVALS_##k(__VA_ARGS__));                                          \
    UVLOG__CAT(uvlog__rc_, id);                                                           \
  })
#else
#define UVLOG__LOG(log, lvl, ...) UVLOG__LOGF(log, lvl, __VA_ARGS__)
#endif /* gcc or clang, C */

/* Preformatting: format on the calling thread with uvlog_log(). With gcc or
 * clang (C or C++) the same level gate as above, so a filtered call does not
 * evaluate its arguments; elsewhere `log` and `lvl` may be evaluated twice
 * and the gate is the compile-time one only. */
#if defined(__GNUC__) || defined(__clang__)
#define UVLOG__LOGF(log, lvl, ...) UVLOG__LOGF_(__COUNTER__, log, lvl, __VA_ARGS__)
#define UVLOG__LOGF_(id, log, lvl, ...) __extension__ ({                                  \
    uvlog_t *UVLOG__CAT(uvlog__log_, id) = (log);                                         \
    int UVLOG__CAT(uvlog__lvl_, id) = (int)(lvl);                                         \
    !UVLOG__MIN_OK(UVLOG__CAT(uvlog__lvl_, id)) ? UVLOG_EFILTERED                         \
    : !uvlog__pass(UVLOG__CAT(uvlog__log_, id), UVLOG__CAT(uvlog__lvl_, id))              \
        ? UVLOG__FILTERED_RC(UVLOG__CAT(uvlog__log_, id))                                 \
        : uvlog_log(UVLOG__CAT(uvlog__log_, id), (uvlog_level_t)UVLOG__CAT(uvlog__lvl_, id), \
                    __FILE__, __LINE__, __func__, __VA_ARGS__);                           \
  })
#else
#define UVLOG__LOGF(log, lvl, ...)                                                      \
  (UVLOG__MIN_OK(lvl) ? uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__) \
                      : UVLOG_EFILTERED)
#endif

/* Structured fields, any C11 compiler: a field's type (an integer constant
 * expression: the value is not evaluated), its 8-byte value, whether it is
 * a string, and its uvlog_field_t (uvlog__fieldof_*, in uvlog/fields.h).
 * No association for other types: a compile-time error. */
#ifndef __cplusplus
/* The one table of value types: each C type to one of the given results
 * (int, unsigned, double, bool, string, UVLOG_F_BOOL, UVLOG_F_NULL,
 * UVLOG_F_STRN). */
#define UVLOG__FASSOC(i, u, d, b, s, fb, fn, sn)                                        \
    _Bool: b, char: i, signed char: i, short: i, int: i, long: i, long long: i,          \
    unsigned char: u, unsigned short: u, unsigned: u, unsigned long: u,                  \
    unsigned long long: u, float: d, double: d, long double: d,                          \
    char *: s, const char *: s, signed char *: s, const signed char *: s,                \
    unsigned char *: s, const unsigned char *: s,                                        \
    uvlog__fbool_t: fb, uvlog__fnull_t: fn, const uvlog__fstrn_t *: sn
#define UVLOG__FTAG(x) _Generic((x), UVLOG__FASSOC(UVLOG__FT_INT, UVLOG__FT_UINT,         \
    UVLOG__FT_DOUBLE, UVLOG__FT_BOOL, UVLOG__FT_STR, UVLOG__FT_BOOL, UVLOG__FT_NULL,      \
    UVLOG__FT_STRN))
#define UVLOG__FISSTR(x) (UVLOG__FTAG(x) == UVLOG__FT_STR || UVLOG__FTAG(x) == UVLOG__FT_STRN)

static inline unsigned long long uvlog__fv_i(long long v) { return (unsigned long long)v; }
static inline unsigned long long uvlog__fv_u(unsigned long long v) { return v; }
static inline unsigned long long uvlog__fv_d(double v) {
  union { double d; unsigned long long u; } c;
  c.d = v;
  return c.u;
}
static inline unsigned long long uvlog__fv_p(const void *p) {
  return (unsigned long long)(uintptr_t)p;
}
static inline unsigned long long uvlog__fv_b(uvlog__fbool_t b) { return b.v ? 1u : 0u; }
static inline unsigned long long uvlog__fv_n(uvlog__fnull_t n) {
  (void)n;
  return 0;
}
#define UVLOG__FVAL(x) _Generic((x), UVLOG__FASSOC(uvlog__fv_i, uvlog__fv_u, uvlog__fv_d, \
    uvlog__fv_i, uvlog__fv_p, uvlog__fv_b, uvlog__fv_n, uvlog__fv_p))(x)
#define UVLOG__FIELDOF(k, x) _Generic((x), UVLOG__FASSOC(uvlog__fieldof_i, uvlog__fieldof_u, \
    uvlog__fieldof_d, uvlog__fieldof_b, uvlog__fieldof_s, uvlog__fieldof_fb,               \
    uvlog__fieldof_fn, uvlog__fieldof_sn))("" k, x)

/* UVLOG_FIELDS(): the array and its length. */
#define UVLOG__FIELDS(...) UVLOG__FIELDS_(UVLOG__NKV(~, __VA_ARGS__), ~, __VA_ARGS__)
#define UVLOG__FIELDS_(k, ...) UVLOG__FIELDS__(k, __VA_ARGS__)
#define UVLOG__FIELDS__(k, ...) UVLOG__FARR_##k(__VA_ARGS__)

/* Other C11 compilers: the _KV macros format on the caller. */
#if !(defined(__GNUC__) || defined(__clang__))
#define UVLOG__KV(log, lvl, ctx, ...) UVLOG__KV_(UVLOG__NKV(__VA_ARGS__), log, lvl, ctx, __VA_ARGS__)
#define UVLOG__KV_(k, log, lvl, ctx, ...) UVLOG__KV__(k, log, lvl, ctx, __VA_ARGS__)
#define UVLOG__KV__(k, log, lvl, ctx, ...)                                                \
  (UVLOG__MIN_OK(lvl) ? uvlog_log_fields((log), (lvl), (ctx), __FILE__, __LINE__, __func__, \
                                         UVLOG__FARR_##k(__VA_ARGS__), "%s",                \
                                         UVLOG__FIRST(__VA_ARGS__))                         \
                      : UVLOG_EFILTERED)
#endif
#endif /* !__cplusplus */

#endif /* UVLOG_PRIVATE_H */
