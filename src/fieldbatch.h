/*
 * fieldbatch.h -- the listener's side of structured fields (fieldbatch.c):
 * per batch, the uvlog_field_t arrays entries point at, and the contexts
 * the batch's records hold, dropped once the batch is delivered.
 */
#ifndef UVLOG_FIELDBATCH_H
#define UVLOG_FIELDBATCH_H

#include <stddef.h>

#include "uvlog.h"

typedef struct fb_chunk fb_chunk_t;

typedef struct uvlog_fbatch {
  fb_chunk_t *chunks;      /* field arrays of this batch (never moved) */
  uvlog_ctx_t **held;      /* contexts to drop after delivery */
  size_t n_held, cap_held;
} uvlog_fbatch_t;

/* Decode: fills e->fields/n_fields (ctx's fields, then the field block
 * `block` if not NULL), e->trace_id/span_id, and keeps ctx (the record's
 * reference) until uvlog__fbatch_end(). Returns the block's size. */
size_t uvlog__fbatch_entry(uvlog_fbatch_t *b, uvlog_ctx_t *ctx, const unsigned char *block,
                           uvlog_entry_t *e);
/* After delivery: drops the batch's contexts, recycles its field arrays. */
void uvlog__fbatch_end(uvlog_fbatch_t *b);
/* At the end of the listener (and for a logger never started). */
void uvlog__fbatch_free(uvlog_fbatch_t *b);

#endif /* UVLOG_FIELDBATCH_H */
