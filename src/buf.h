/*
 * buf.h -- a growable byte buffer for the listener thread.
 *
 * Only the listener (and configuration code) uses it: it may call malloc.
 * Producers never touch a uvlog_buf_t.
 */
#ifndef UVLOG_BUF_H
#define UVLOG_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct uvlog_buf {
  char *data;
  size_t len;
  size_t cap;
  int oom; /* set when a reservation failed; appends after it are no-ops */
  int fixed; /* never grows (the crash flush's preallocated buffers, crash.c):
                a reservation that does not fit fails, never calls realloc */
} uvlog_buf_t;

/* Makes room for `extra` more bytes. Returns 0 or -ENOMEM (and sets oom). */
int uvlog_buf_reserve(uvlog_buf_t *b, size_t extra);
void uvlog_buf_free(uvlog_buf_t *b);

static inline void uvlog_buf_reset(uvlog_buf_t *b) { b->len = 0; b->oom = 0; }

/* The appends check for room inline and call the out-of-line
 * uvlog_buf_reserve() only to grow: renderers append many short pieces per
 * record, and once the listener's buffers have grown they always fit. */
static inline void uvlog_buf_append(uvlog_buf_t *b, const void *p, size_t n) {
  if ((b->cap - b->len < n || b->oom) && uvlog_buf_reserve(b, n) != 0) return;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}

static inline void uvlog_buf_putc(uvlog_buf_t *b, char c) {
  if ((b->cap == b->len || b->oom) && uvlog_buf_reserve(b, 1) != 0) return;
  b->data[b->len++] = c;
}

static inline void uvlog_buf_puts(uvlog_buf_t *b, const char *s) {
  uvlog_buf_append(b, s, strlen(s));
}

#endif /* UVLOG_BUF_H */
