/*
 * fieldbatch.c -- structured fields, listener side: reading a record's
 * field block (fieldrec.h) into uvlog_field_t, joining it to the record's
 * context's fields for uvlog_entry_t.fields, and the lifetime of both
 * within a batch. Entries of a batch point into this memory and into the
 * ring's bytes until the batch is delivered; then uvlog__fbatch_end()
 * drops each record's context reference (context.c: the counting) and
 * recycles the arrays.
 *
 * Out of memory on the listener: the record's fields are left out (the
 * message is delivered), its context reference dropped at once.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "deferred.h"
#include "fieldbatch.h"

struct fb_chunk {
  fb_chunk_t *next;
  size_t cap, used;
  uvlog_field_t f[];
};

#define CHUNK_FIELDS 1024

/* n fields that stay where they are until uvlog__fbatch_end(). */
static uvlog_field_t *arena_alloc(uvlog_fbatch_t *b, size_t n) {
  for (fb_chunk_t *c = b->chunks; c; c = c->next) {
    if (c->cap - c->used >= n) {
      c->used += n;
      return c->f + c->used - n;
    }
  }
  size_t cap = n > CHUNK_FIELDS ? n : CHUNK_FIELDS;
  fb_chunk_t *c = malloc(sizeof(*c) + cap * sizeof(uvlog_field_t));
  if (!c) return NULL;
  c->cap = cap;
  c->used = n;
  c->next = b->chunks;
  b->chunks = c;
  return c->f;
}

static int hold(uvlog_fbatch_t *b, uvlog_ctx_t *ctx) {
  if (b->n_held == b->cap_held) {
    size_t cap = b->cap_held ? 2 * b->cap_held : 256;
    uvlog_ctx_t **h = realloc(b->held, cap * sizeof(*h));
    if (!h) return 0;
    b->held = h;
    b->cap_held = cap;
  }
  b->held[b->n_held++] = ctx;
  return 1;
}

/* Size of the block at p. */
static size_t block_size(const unsigned char *p) {
  unsigned n = p[0];
  size_t size = uvlog__deferred_head(n) + 16 * (size_t)n;
  const unsigned char *v = p + uvlog__deferred_head(n) + 8 * (size_t)n;
  for (unsigned i = 0; i < n; i++) {
    if (p[1 + i] != UVLOG_FIELD_STR) continue;
    uint64_t len;
    memcpy(&len, v + 8 * (size_t)i, 8);
    size += len;
  }
  return size;
}

/* The block's fields into out[0..p[0]). */
static void read_block(const unsigned char *p, uvlog_field_t *out) {
  unsigned n = p[0];
  const unsigned char *k = p + uvlog__deferred_head(n), *v = k + 8 * (size_t)n;
  const char *s = (const char *)(v + 8 * (size_t)n);
  for (unsigned i = 0; i < n; i++) {
    uvlog_field_t *f = &out[i];
    uint64_t val;
    memcpy(&f->key, k + 8 * (size_t)i, sizeof f->key);
    memcpy(&val, v + 8 * (size_t)i, 8);
    f->type = p[1 + i] <= UVLOG_FIELD_BOOL ? (uvlog_field_type_t)p[1 + i] : UVLOG_FIELD_NULL;
    switch (f->type) {
    case UVLOG_FIELD_STR:
      f->v.str.ptr = s;
      f->v.str.len = (size_t)val;
      s += val;
      break;
    case UVLOG_FIELD_INT: f->v.i = (int64_t)val; break;
    case UVLOG_FIELD_DOUBLE: memcpy(&f->v.d, &val, 8); break;
    case UVLOG_FIELD_BOOL: f->v.b = val != 0; break;
    default: f->v.u = val; break;
    }
  }
}

size_t uvlog__fbatch_entry(uvlog_fbatch_t *b, uvlog_ctx_t *ctx, const unsigned char *block,
                           uvlog_entry_t *e) {
  size_t own = block ? block[0] : 0, size = block ? block_size(block) : 0;
  size_t cn = 0;
  if (ctx && !hold(b, ctx)) {
    uvlog__ctx_unref(ctx);
    return size;
  }
  if (ctx) {
    cn = ctx->n;
    if (ctx->has_trace) {
      memcpy(e->trace_id, ctx->trace.trace_id, sizeof e->trace_id);
      memcpy(e->span_id, ctx->trace.span_id, sizeof e->span_id);
      e->flags |= UVLOG_ENTRY_TRACE;
    }
  }
  if (!own) { /* the context's own array: nothing to copy */
    e->fields = cn ? ctx->fields : NULL;
    e->n_fields = cn;
    return size;
  }
  uvlog_field_t *f = arena_alloc(b, cn + own);
  if (!f) return size;
  if (cn) memcpy(f, ctx->fields, cn * sizeof *f);
  read_block(block, f + cn);
  e->fields = f;
  e->n_fields = cn + own;
  return size;
}

void uvlog__fbatch_end(uvlog_fbatch_t *b) {
  for (size_t i = 0; i < b->n_held; i++) uvlog__ctx_unref(b->held[i]);
  b->n_held = 0;
  for (fb_chunk_t *c = b->chunks; c; c = c->next) c->used = 0;
}

void uvlog__fbatch_free(uvlog_fbatch_t *b) {
  uvlog__fbatch_end(b);
  while (b->chunks) {
    fb_chunk_t *c = b->chunks;
    b->chunks = c->next;
    free(c);
  }
  free(b->held);
  b->held = NULL;
  b->cap_held = 0;
}
