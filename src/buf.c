/*
 * buf.c -- growth policy of uvlog_buf_t (see buf.h).
 */
#include "buf.h"

#include <errno.h>
#include <stdlib.h>

int uvlog_buf_reserve(uvlog_buf_t *b, size_t extra) {
  if (b->oom) return -ENOMEM;
  if (b->cap - b->len >= extra) return 0;
  if (b->fixed) { b->oom = 1; return -ENOMEM; } /* async-signal-safe: no realloc */
  size_t want = b->len + extra;
  if (want < b->len) { b->oom = 1; return -ENOMEM; } /* overflow */
  size_t cap = b->cap ? b->cap : 256;
  while (cap < want) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) { b->oom = 1; return -ENOMEM; }
  b->data = p;
  b->cap = cap;
  return 0;
}

void uvlog_buf_free(uvlog_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
}
