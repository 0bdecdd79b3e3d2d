/*
 * uvlog/fields.h -- structured logging: typed fields on a log call,
 * immutable reference-counted contexts (per request, not per thread), the
 * logger's constant fields, an optional thread-local context, and trace
 * correlation (W3C traceparent). Included by uvlog.h. A sink sees the
 * result in uvlog_entry_t.fields, .resource, .trace_id and .span_id
 * (uvlog/sink.h). Guide: docs/structured-logging.md.
 */
#ifndef UVLOG_FIELDS_H_PUBLIC
#define UVLOG_FIELDS_H_PUBLIC

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/fields.h>"
#endif

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */
/* ------------------------------------------------------------------------ */

/* Fields of one log call. A macro call with more is a compile-time error;
 * uvlog_log_fields() with more returns UVLOG_EINVAL. */
#define UVLOG_FIELDS_MAX 16
/* Fields of one context, its parent's included (UVLOG_EINVAL beyond). */
#define UVLOG_CTX_FIELDS_MAX 64
/* Longest string value a context keeps, in bytes; a longer one is cut and
 * ends with the visible marker "…[truncated: N bytes]". (A log call's own
 * string fields are bounded by the logger's max_record instead.) */
#define UVLOG_CTX_VALUE_MAX 4096

/* ------------------------------------------------------------------------ */
/* Fields on a log call                                                      */
/* ------------------------------------------------------------------------ */

/* UVLOG_F("key", value): one field of a log call or of UVLOG_FIELDS(). The
 * key must be a string literal (anything else, NULL included, does not
 * compile). The value's C type picks the field type (_Generic):
 *   char *, const char * (and signed/unsigned char *)  UVLOG_FIELD_STR
 *                      (the bytes up to the NUL are copied; a NULL pointer
 *                      gives a UVLOG_FIELD_NULL field)
 *   signed integer types (char, short, int, long, long long) UVLOG_FIELD_INT
 *   unsigned integer types                              UVLOG_FIELD_UINT
 *   float, double, long double                          UVLOG_FIELD_DOUBLE
 *   _Bool (bool)                                        UVLOG_FIELD_BOOL
 * Any other type (a struct, a void *) is a compile-time error. The explicit
 * forms below choose the type themselves. */
#define UVLOG_F(key, value) key, value
/** A bool field from any scalar (`x != 0`): e.g. UVLOG_F_BOOL("tls", flags & TLS). */
#define UVLOG_F_BOOL(key, value) key, ((uvlog__fbool_t){(value) ? 1 : 0})
/** A field without a value (JSON null). */
#define UVLOG_F_NULL(key) key, ((uvlog__fnull_t){0})
/** A string field of exactly `len` bytes (no NUL needed; any bytes). A NULL
 *  pointer gives a null field. */
#define UVLOG_F_STRN(key, ptr, len) key, (&(const uvlog__fstrn_t){(ptr), (len)})

/* The structured log calls. Each takes a context (or NULL), a message that
 * is a string literal (written as it is: no printf processing) and up to
 * UVLOG_FIELDS_MAX fields:
 *
 *   UVLOG_INFO_KV(log, req->ctx, "request",
 *                 UVLOG_F("method", req->method), UVLOG_F("path", req->path),
 *                 UVLOG_F("status", status), UVLOG_F("bytes", nbytes),
 *                 UVLOG_F("duration_us", us));
 *
 * The level gate is the one of the printf macros: a filtered call returns
 * UVLOG_EFILTERED before `ctx` and the field values are evaluated. With gcc
 * or clang compiling C, the call copies the values (and the bytes of string
 * values) into the record like a deferred printf call (no malloc, no system
 * call) and the context only as a pointer (one reference taken, dropped
 * by the listener after delivery). A NULL ctx means the record has no
 * context of its own: the thread's context applies, if the thread set one
 * (uvlog_thread_ctx_set()). Elsewhere (other C11 compilers) the macros call
 * uvlog_log_fields(). Returns what uvlog_log() returns. */
#define UVLOG_LOG_KV_TO(log, lvl, ctx, ...) UVLOG__KV((log), (lvl), (ctx), __VA_ARGS__)
#define UVLOG_LOG_KV(lvl, ctx, ...) UVLOG_LOG_KV_TO(uvlog_default_get(), (lvl), (ctx), __VA_ARGS__)
#define UVLOG_TRACE_KV_TO(log, ctx, ...)    UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_TRACE, (ctx), __VA_ARGS__)
#define UVLOG_DEBUG_KV_TO(log, ctx, ...)    UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_DEBUG, (ctx), __VA_ARGS__)
#define UVLOG_INFO_KV_TO(log, ctx, ...)     UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_INFO, (ctx), __VA_ARGS__)
#define UVLOG_NOTICE_KV_TO(log, ctx, ...)   UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_NOTICE, (ctx), __VA_ARGS__)
#define UVLOG_WARNING_KV_TO(log, ctx, ...)  UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_WARNING, (ctx), __VA_ARGS__)
#define UVLOG_ERROR_KV_TO(log, ctx, ...)    UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_ERROR, (ctx), __VA_ARGS__)
#define UVLOG_CRITICAL_KV_TO(log, ctx, ...) UVLOG_LOG_KV_TO((log), UVLOG_LEVEL_CRITICAL, (ctx), __VA_ARGS__)
#define UVLOG_TRACE_KV(ctx, ...)    UVLOG_LOG_KV(UVLOG_LEVEL_TRACE, (ctx), __VA_ARGS__)
#define UVLOG_DEBUG_KV(ctx, ...)    UVLOG_LOG_KV(UVLOG_LEVEL_DEBUG, (ctx), __VA_ARGS__)
#define UVLOG_INFO_KV(ctx, ...)     UVLOG_LOG_KV(UVLOG_LEVEL_INFO, (ctx), __VA_ARGS__)
#define UVLOG_NOTICE_KV(ctx, ...)   UVLOG_LOG_KV(UVLOG_LEVEL_NOTICE, (ctx), __VA_ARGS__)
#define UVLOG_WARNING_KV(ctx, ...)  UVLOG_LOG_KV(UVLOG_LEVEL_WARNING, (ctx), __VA_ARGS__)
#define UVLOG_ERROR_KV(ctx, ...)    UVLOG_LOG_KV(UVLOG_LEVEL_ERROR, (ctx), __VA_ARGS__)
#define UVLOG_CRITICAL_KV(ctx, ...) UVLOG_LOG_KV(UVLOG_LEVEL_CRITICAL, (ctx), __VA_ARGS__)

/* UVLOG_FIELDS(UVLOG_F("a", 1), UVLOG_F("b", "x")) expands to two
 * arguments: a compound-literal array of uvlog_field_t and its length, for
 * uvlog_ctx_create(), uvlog_log_fields() and uvlog_logger_set_resource().
 * Keys are string literals, types as for UVLOG_F; at most
 * UVLOG_FIELDS_MAX fields (more do not compile: build a longer array
 * with the constructors below). */
#define UVLOG_FIELDS(...) UVLOG__FIELDS(__VA_ARGS__)

/* Field constructors, for arrays built at run time (any C or C++ compiler).
 * The key and string bytes are not copied by the constructor: they are
 * read by the call you pass the array to. */

/* (A field with its key and type, its value zero.) */
static inline uvlog_field_t uvlog__field(const char *key, uvlog_field_type_t type) {
  uvlog_field_t f;
  f.key = key;
  f.type = type;
  f.v.str.ptr = NULL;
  f.v.str.len = 0;
  return f;
}
/** A string field of `len` bytes at `s` (no NUL needed); NULL gives a null field. */
static inline uvlog_field_t uvlog_field_strn(const char *key, const char *s, size_t len) {
  uvlog_field_t f = uvlog__field(key, s ? UVLOG_FIELD_STR : UVLOG_FIELD_NULL);
  f.v.str.ptr = s;
  f.v.str.len = s ? len : 0;
  return f;
}
/** A string field: `s` up to its NUL; NULL gives a null field. */
static inline uvlog_field_t uvlog_field_str(const char *key, const char *s) {
  size_t len = 0;
  if (s) while (s[len]) len++;
  return uvlog_field_strn(key, s, len);
}
/** A signed 64-bit field. */
static inline uvlog_field_t uvlog_field_int(const char *key, int64_t v) {
  uvlog_field_t f = uvlog__field(key, UVLOG_FIELD_INT);
  f.v.i = v;
  return f;
}
/** An unsigned 64-bit field. */
static inline uvlog_field_t uvlog_field_uint(const char *key, uint64_t v) {
  uvlog_field_t f = uvlog__field(key, UVLOG_FIELD_UINT);
  f.v.u = v;
  return f;
}
/** A double field (NaN and infinities allowed: each format says how it writes them). */
static inline uvlog_field_t uvlog_field_double(const char *key, double v) {
  uvlog_field_t f = uvlog__field(key, UVLOG_FIELD_DOUBLE);
  f.v.d = v;
  return f;
}
/** A bool field (any non-zero `v` is true). */
static inline uvlog_field_t uvlog_field_bool(const char *key, int v) {
  uvlog_field_t f = uvlog__field(key, UVLOG_FIELD_BOOL);
  f.v.b = v ? 1 : 0;
  return f;
}
/** A null field. */
static inline uvlog_field_t uvlog_field_null(const char *key) {
  return uvlog__field(key, UVLOG_FIELD_NULL);
}

/** The preformatting call with fields (and the function form of the _KV
 *  macros): formats `fmt` on the calling thread like uvlog_log(), and
 *  copies the `n` fields into the record (string bytes included, each
 *  string cut to the logger's max_record with a visible marker). The
 *  keys are stored as pointers: string literals (or strings that outlive
 *  the record). `ctx` may be NULL (the thread's context applies, if any).
 *  Errors: those of uvlog_log(), and UVLOG_EINVAL for n > UVLOG_FIELDS_MAX,
 *  fields == NULL with n > 0, a NULL key or an unknown type (nothing is
 *  queued). With log == NULL, WARNING and above go to stderr with the
 *  fields as key=value. */
UVLOG_EXPORT int uvlog_log_fields(uvlog_t *log, uvlog_level_t level, const uvlog_ctx_t *ctx,
                                  const char *file, int line, const char *func,
                                  const uvlog_field_t *fields, size_t n, const char *fmt, ...)
    UVLOG_PRINTF(9, 10);

/* ------------------------------------------------------------------------ */
/* Contexts                                                                  */
/* ------------------------------------------------------------------------ */

/* A context is an immutable set of fields (and optionally a trace and span
 * id), reference-counted, that log calls carry by pointer: its fields reach
 * the listener once, however many records use it. Typical life: created
 * when a request arrives, stored in the request struct, passed to every log
 * call about the request, released when the request ends. Records still
 * queued keep it alive: the last of them frees it after delivery.
 *
 * Rules:
 *  - every uvlog_ctx_create() and uvlog_ctx_retain() is matched by one
 *    uvlog_ctx_release(&p), which sets p to NULL: a released handle is a
 *    NULL context ("none") for every function here, never a dangling one;
 *  - a copy of the pointer stored elsewhere (a second struct, another
 *    thread) takes its own reference with uvlog_ctx_retain(); a plain copy
 *    is valid only while the reference it was copied from is held;
 *  - the caller of a log call holds a reference for the duration of the
 *    call (the call takes its own for the record).
 * A context is safe to use from any number of threads at once. */

/* A trace context (W3C Trace Context). */
typedef struct uvlog_trace {
  uint8_t trace_id[16];
  uint8_t span_id[8];   /* the traceparent's parent-id: the caller's span */
  uint8_t flags;        /* trace-flags (bit 0: sampled) */
} uvlog_trace_t;

/** Creates a context holding `parent`'s fields (if parent is not NULL)
 *  followed by `fields` (copied: keys, and string bytes up to
 *  UVLOG_CTX_VALUE_MAX each). A key given in `fields` replaces the
 *  parent's field of the same key. `trace` (may be NULL: the parent's
 *  trace, if any) sets the trace and span id. The new context has one
 *  reference, the caller's. Errors: UVLOG_EINVAL (out NULL, fields NULL
 *  with n > 0, a NULL key, an unknown type, more than UVLOG_CTX_FIELDS_MAX
 *  fields in all), UVLOG_ENOMEM. *out is NULL on error. */
UVLOG_EXPORT int uvlog_ctx_create(uvlog_ctx_t **out, const uvlog_ctx_t *parent,
                                  const uvlog_trace_t *trace, const uvlog_field_t *fields,
                                  size_t n);
/** Takes one more reference to `ctx` and returns it (NULL for NULL). */
UVLOG_EXPORT uvlog_ctx_t *uvlog_ctx_retain(const uvlog_ctx_t *ctx);
/** Drops the reference *ctxp holds and sets *ctxp to NULL. The context is
 *  freed when the last reference goes (records not yet delivered hold
 *  theirs). ctxp NULL or *ctxp NULL: nothing happens. */
UVLOG_EXPORT void uvlog_ctx_release(uvlog_ctx_t **ctxp);
/** The context's fields (parent's first) and their count in *n; NULL and
 *  0 for a NULL ctx. Valid while you hold a reference. */
UVLOG_EXPORT const uvlog_field_t *uvlog_ctx_fields(const uvlog_ctx_t *ctx, size_t *n);
/** Copies the context's trace into *out. Returns 0, or UVLOG_EINVAL if
 *  ctx or out is NULL or the context has no trace. */
UVLOG_EXPORT int uvlog_ctx_trace(const uvlog_ctx_t *ctx, uvlog_trace_t *out);

/** The optional thread-local context, for plain threaded code: records of
 *  this thread that name no context of their own (a NULL ctx, and every
 *  printf-style call) carry `ctx`. Takes a reference to ctx and drops the
 *  one held for the previous context; NULL clears. Clear it before the
 *  thread exits (a context still set is never released). Returns 0. */
UVLOG_EXPORT int uvlog_thread_ctx_set(const uvlog_ctx_t *ctx);
/** The calling thread's context, or NULL (no reference is taken). */
UVLOG_EXPORT const uvlog_ctx_t *uvlog_thread_ctx_get(void);

/* ------------------------------------------------------------------------ */
/* Trace correlation                                                         */
/* ------------------------------------------------------------------------ */

/* Length of a version-00 traceparent header value, without a NUL. */
#define UVLOG_TRACEPARENT_LEN 55

/** Parses a W3C `traceparent` header value ("00-<32 hex>-<16 hex>-<2 hex>")
 *  of `len` bytes (leading and trailing spaces and tabs are ignored).
 *  Strict: lowercase hex only; version "ff" is invalid; version 00 must be
 *  exactly 55 bytes, a later version at least 55 followed by '-' if
 *  longer; an all-zero trace id or parent id is invalid. Returns 0 and
 *  fills *out, or UVLOG_EINVAL (*out untouched). */
UVLOG_EXPORT int uvlog_traceparent_parse(const char *header, size_t len, uvlog_trace_t *out);
/** Writes `trace` as a version-00 traceparent value and a NUL into `buf`
 *  (at least UVLOG_TRACEPARENT_LEN + 1 bytes). Returns 0 or UVLOG_EINVAL. */
UVLOG_EXPORT int uvlog_traceparent_format(const uvlog_trace_t *trace, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* The logger's constant fields                                              */
/* ------------------------------------------------------------------------ */

/** Sets the logger's constant fields (service, version, host...): every
 *  entry shows them in uvlog_entry_t.resource (formats write them where
 *  their schema puts resource attributes). Copied (keys and values).
 *  Before start only; a second call replaces the first. Errors:
 *  UVLOG_EINVAL (as uvlog_ctx_create()), UVLOG_EBUSY (started or closed),
 *  UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_logger_set_resource(uvlog_t *log, const uvlog_field_t *fields, size_t n);

/* Machinery of UVLOG_FIELDS() (uvlog/private.h: UVLOG__FIELDOF): one
 * uvlog_field_t per value type. Not an API. */
#ifndef __cplusplus
static inline uvlog_field_t uvlog__fieldof_i(const char *k, long long v) {
  return uvlog_field_int(k, v);
}
static inline uvlog_field_t uvlog__fieldof_u(const char *k, unsigned long long v) {
  return uvlog_field_uint(k, v);
}
static inline uvlog_field_t uvlog__fieldof_d(const char *k, double v) {
  return uvlog_field_double(k, v);
}
static inline uvlog_field_t uvlog__fieldof_b(const char *k, _Bool v) {
  return uvlog_field_bool(k, v);
}
static inline uvlog_field_t uvlog__fieldof_s(const char *k, const void *s) {
  return uvlog_field_str(k, (const char *)s);
}
static inline uvlog_field_t uvlog__fieldof_fb(const char *k, uvlog__fbool_t v) {
  return uvlog_field_bool(k, v.v);
}
static inline uvlog_field_t uvlog__fieldof_fn(const char *k, uvlog__fnull_t v) {
  (void)v;
  return uvlog_field_null(k);
}
static inline uvlog_field_t uvlog__fieldof_sn(const char *k, const uvlog__fstrn_t *s) {
  return uvlog_field_strn(k, s->ptr, s->len);
}
#endif

#endif /* UVLOG_FIELDS_H_PUBLIC */
