/*
 * context.h -- a context's layout and its reference counting, shared by the
 * producer (producer.c takes a reference per record), the listener
 * (fieldbatch.c drops it after delivery) and context.c (the public API).
 */
#ifndef UVLOG_CONTEXT_H
#define UVLOG_CONTEXT_H

#include <stdatomic.h>
#include <stddef.h>

#include "uvlog.h"

#define CTX_MAGIC 0x75766378u /* "uvcx"; zeroed when the context is freed */

/* One allocation: this header, the fields, then the keys and string bytes
 * they point at. Immutable after uvlog_ctx_create() returns; only `refs`
 * changes. */
struct uvlog_ctx {
  _Atomic size_t refs;
  uint32_t magic;
  int has_trace;
  uvlog_trace_t trace;
  size_t n;
  uvlog_field_t fields[];
};

/* The calling thread's context (uvlog_thread_ctx_set()); initial-exec TLS,
 * read by every log call that names no context. */
extern _Thread_local const uvlog_ctx_t *uvlog__thread_ctx __attribute__((tls_model("initial-exec")));

/* 1 if `c` looks like a live context (catches a stale copy of a released
 * pointer while its memory is not reused; ASan catches the rest). */
static inline int uvlog__ctx_live(const uvlog_ctx_t *c) { return c->magic == CTX_MAGIC; }

/* Takes a reference. Relaxed: the caller already holds one, so the count
 * cannot reach zero meanwhile, and nothing is published by the increment
 * (the record that carries the pointer is published by its commit, a
 * release store the listener's acquire load pairs with). */
static inline void uvlog__ctx_ref(const uvlog_ctx_t *c) {
  atomic_fetch_add_explicit(&((uvlog_ctx_t *)c)->refs, 1, memory_order_relaxed);
}

/* Drops a reference; frees the context with the last one (context.c). */
void uvlog__ctx_unref(uvlog_ctx_t *c);

#endif /* UVLOG_CONTEXT_H */
