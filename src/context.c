/*
 * context.c -- contexts (uvlog/fields.h): creating one (the parent's
 * fields, then the new ones, copied into one allocation), retaining and
 * releasing it, the thread-local context, and the logger's constant fields
 * (a context the logger holds).
 *
 * REFERENCE COUNTING
 * refs starts at 1 (the creator's). uvlog_ctx_retain(), every log call that
 * carries the context (producer.c, after its claim) and uvlog_thread_ctx_set()
 * add one, relaxed (context.h says why that is enough). Every drop --
 * uvlog_ctx_release(), the listener after delivering a record
 * (fieldbatch.c), a thread context replaced -- is a fetch_sub with RELEASE
 * order: each holder's reads of the fields happen-before its decrement. The
 * thread whose decrement takes the count to zero issues an ACQUIRE fence
 * before freeing, pairing with every earlier release decrement, so no read
 * of the fields by any holder can follow the free. A record's reads by the
 * listener follow the producer's writes of the context through the
 * record's commit (release) and the listener's acquire load (ring.c, M2/M3),
 * and the creator's writes precede any hand-over of the pointer.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "fieldrec.h"
#include "logger_impl.h"

_Thread_local const uvlog_ctx_t *uvlog__thread_ctx __attribute__((tls_model("initial-exec")));

void uvlog__ctx_unref(uvlog_ctx_t *c) {
  if (atomic_fetch_sub_explicit(&c->refs, 1, memory_order_release) != 1) return;
  atomic_thread_fence(memory_order_acquire);
  c->magic = 0;
  free(c);
}

/* ---- creation -------------------------------------------------------------- */

static int field_ok(const uvlog_field_t *f) {
  return f->key && (unsigned)f->type <= UVLOG_FIELD_BOOL &&
         (f->type != UVLOG_FIELD_STR || f->v.str.ptr || f->v.str.len == 0);
}

/* 1 if `key` is among fields[0..n). */
static int has_key(const uvlog_field_t *fields, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(fields[i].key, key) == 0) return 1;
  return 0;
}


/* Bytes a string value takes in the context. */
static size_t value_bytes(const uvlog_field_t *f) {
  if (f->type != UVLOG_FIELD_STR) return 0;
  return f->v.str.len <= UVLOG_CTX_VALUE_MAX ? f->v.str.len : UVLOG_CTX_VALUE_MAX;
}

/* Copies f into *dst, its key and string bytes at *pool. */
static void put_field(uvlog_field_t *dst, const uvlog_field_t *f, char **pool) {
  size_t klen = strlen(f->key) + 1;
  *dst = *f;
  memcpy(*pool, f->key, klen);
  dst->key = *pool;
  *pool += klen;
  if (f->type != UVLOG_FIELD_STR) return;
  size_t len = value_bytes(f);
  if (len < f->v.str.len) {
    uvlog__fb_put_cut((unsigned char *)*pool, f->v.str.ptr, f->v.str.len, len);
  } else if (len) {
    memcpy(*pool, f->v.str.ptr, len);
  }
  dst->v.str.ptr = *pool;
  dst->v.str.len = len;
  *pool += len;
}

int uvlog_ctx_create(uvlog_ctx_t **out, const uvlog_ctx_t *parent, const uvlog_trace_t *trace,
                     const uvlog_field_t *fields, size_t n) {
  if (out) *out = NULL;
  if (!out || (n && !fields) || n > UVLOG_CTX_FIELDS_MAX) return UVLOG_EINVAL;
  if (parent && !uvlog__ctx_live(parent)) return UVLOG_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (!field_ok(&fields[i])) return UVLOG_EINVAL;
  size_t total = n, pool = 0;
  const uvlog_field_t *pf = parent ? parent->fields : NULL;
  size_t pn = parent ? parent->n : 0;
  for (size_t i = 0; i < pn; i++) {
    if (has_key(fields, n, pf[i].key)) continue;
    total++;
    pool += strlen(pf[i].key) + 1 + value_bytes(&pf[i]);
  }
  if (total > UVLOG_CTX_FIELDS_MAX) return UVLOG_EINVAL;
  for (size_t i = 0; i < n; i++) pool += strlen(fields[i].key) + 1 + value_bytes(&fields[i]);
  uvlog_ctx_t *c = malloc(sizeof(*c) + total * sizeof(uvlog_field_t) + pool);
  if (!c) return UVLOG_ENOMEM;
  char *p = (char *)(c->fields + total);
  size_t k = 0;
  for (size_t i = 0; i < pn; i++)
    if (!has_key(fields, n, pf[i].key)) put_field(&c->fields[k++], &pf[i], &p);
  for (size_t i = 0; i < n; i++) put_field(&c->fields[k++], &fields[i], &p);
  c->n = total;
  c->has_trace = trace || (parent && parent->has_trace);
  if (trace) c->trace = *trace;
  else if (c->has_trace) c->trace = parent->trace;
  else memset(&c->trace, 0, sizeof c->trace);
  c->magic = CTX_MAGIC;
  atomic_init(&c->refs, 1);
  *out = c;
  return 0;
}

/* ---- references -------------------------------------------------------------- */

uvlog_ctx_t *uvlog_ctx_retain(const uvlog_ctx_t *ctx) {
  if (!ctx || !uvlog__ctx_live(ctx)) return NULL;
  uvlog__ctx_ref(ctx);
  return (uvlog_ctx_t *)ctx;
}

void uvlog_ctx_release(uvlog_ctx_t **ctxp) {
  if (!ctxp || !*ctxp) return;
  uvlog_ctx_t *c = *ctxp;
  *ctxp = NULL;
  if (uvlog__ctx_live(c)) uvlog__ctx_unref(c);
}

const uvlog_field_t *uvlog_ctx_fields(const uvlog_ctx_t *ctx, size_t *n) {
  int ok = ctx && uvlog__ctx_live(ctx) && ctx->n;
  if (n) *n = ok ? ctx->n : 0;
  return ok ? ctx->fields : NULL;
}

int uvlog_ctx_trace(const uvlog_ctx_t *ctx, uvlog_trace_t *out) {
  if (!ctx || !out || !uvlog__ctx_live(ctx) || !ctx->has_trace) return UVLOG_EINVAL;
  *out = ctx->trace;
  return 0;
}

/* ---- the thread's context ------------------------------------------------------ */

int uvlog_thread_ctx_set(const uvlog_ctx_t *ctx) {
  if (ctx && !uvlog__ctx_live(ctx)) return UVLOG_EINVAL;
  uvlog_ctx_t *old = (uvlog_ctx_t *)uvlog__thread_ctx;
  if (ctx) uvlog__ctx_ref(ctx);
  uvlog__thread_ctx = ctx;
  if (old) uvlog__ctx_unref(old);
  return 0;
}

const uvlog_ctx_t *uvlog_thread_ctx_get(void) { return uvlog__thread_ctx; }

/* ---- the logger's constant fields ------------------------------------------------ */

int uvlog_logger_set_resource(uvlog_t *log, const uvlog_field_t *fields, size_t n) {
  if (!log) return UVLOG_EINVAL;
  uvlog_ctx_t *c = NULL;
  int rc = n ? uvlog_ctx_create(&c, NULL, NULL, fields, n) : 0;
  if (rc) return rc;
  pthread_mutex_lock(&log->mu);
  /* relaxed under mu: state changes under mu too. The listener reads
   * `resource` only after start, which its thread creation orders after
   * this store. */
  if (atomic_load_explicit(&log->state, memory_order_relaxed) != LOG_CREATED) {
    pthread_mutex_unlock(&log->mu);
    uvlog_ctx_release(&c);
    return UVLOG_EBUSY;
  }
  uvlog_ctx_t *old = log->resource;
  log->resource = c;
  pthread_mutex_unlock(&log->mu);
  uvlog_ctx_release(&old);
  return 0;
}

void uvlog__resource_free(uvlog_t *log) { uvlog_ctx_release(&log->resource); }
