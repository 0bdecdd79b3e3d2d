/*
 * ring.h -- the lock-free multi-producer, single-consumer ring of
 * variable-length records. The protocol is described at the top of ring.c.
 *
 * Producer:  ring_claim() -> fill the record -> ring_commit()
 * Consumer:  ring_peek() / ring_next() to walk committed records in claim
 *            order, then ring_release() to hand the bytes back to producers.
 */
#ifndef UVLOG_RING_H
#define UVLOG_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define RING_CACHE_LINE 64
#define RING_ALIGN 8u
#define RING_MIN_CAPACITY 4096u
#define RING_MAX_CAPACITY ((size_t)1 << 30)
/* Rings up to this size are faulted in at create (ring_init). */
#define RING_POPULATE_MAX ((size_t)64 << 20)

/* The closed bit lives in the tail word so that a claim and a close cannot
 * race: once it is set no CAS on the tail can succeed. */
#define RING_CLOSED_BIT ((uint64_t)1 << 63)

typedef struct ring {
  /* Producers' line: the claim cursor (bytes ever claimed, plus the closed
   * bit) and their cached copy of the consumer's head. */
  _Alignas(RING_CACHE_LINE) _Atomic uint64_t tail;
  _Atomic uint64_t head_cache;
  /* Consumer's line: bytes ever released back to producers. */
  _Alignas(RING_CACHE_LINE) _Atomic uint64_t head;
  /* Read-only after init. */
  _Alignas(RING_CACHE_LINE) unsigned char *buf;
  uint64_t capacity; /* power of two */
  uint64_t mask;
} ring_t;

enum {
  RING_OK = 0,
  RING_FULL = 1,   /* not enough free space now */
  RING_CLOSED = 2, /* ring_close() was called */
  RING_TOOBIG = 3  /* the record could never fit (> capacity / 2) */
};

/* Allocates a zeroed buffer of `capacity` bytes (a power of two between
 * RING_MIN_CAPACITY and RING_MAX_CAPACITY). Returns 0, -EINVAL or -ENOMEM. */
int ring_init(ring_t *r, size_t capacity);
void ring_free(ring_t *r);

/* Rounded size of a record whose header plus payload is `bytes`. */
static inline uint32_t ring_record_size(size_t bytes) {
  return (uint32_t)((bytes + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1));
}

/* Producer: claims room for a record of `bytes` (header included). On RING_OK
 * *out points at a record whose len is its size negated ("being written")
 * and whose other bytes are zero; the caller fills everything but len and
 * then calls ring_commit(). */
int ring_claim(ring_t *r, size_t bytes, uvlog_rec_t **out);
/* Producer: publishes a claimed record (release store of its length). */
void ring_commit(ring_t *r, uvlog_rec_t *rec);

/* Consumer: the committed record at position `pos` (a value between head and
 * tail), or NULL if the record there is not committed yet or pos == tail.
 * Padding records are skipped: *pos is advanced past them. */
uvlog_rec_t *ring_peek(ring_t *r, uint64_t *pos);
/* Consumer: the position just after `rec`, which was returned for `pos`. */
static inline uint64_t ring_next(const uvlog_rec_t *rec, uint64_t pos) {
  return pos + (uint64_t)atomic_load_explicit(&((uvlog_rec_t *)rec)->len, memory_order_relaxed);
}
/* Consumer: zeroes [head, pos) and makes it free for producers. */
void ring_release(ring_t *r, uint64_t pos);
/* Consumer, closed ring only: moves head to `pos` without zeroing (bytes a
 * stalled producer may still write; nothing is claimed after a close). */
void ring_skip(ring_t *r, uint64_t pos);
/* Consumer: its own head (it is the only writer). */
static inline uint64_t ring_head(ring_t *r) {
  return atomic_load_explicit(&r->head, memory_order_relaxed);
}
/* Producer (the wake-up policy, wake.h): the claim cursor, relaxed (a hint;
 * the producer's own line, which its CAS just wrote). */
static inline uint64_t ring_claimed(ring_t *r) {
  return atomic_load_explicit(&r->tail, memory_order_relaxed) & ~RING_CLOSED_BIT;
}
/* Anyone: claimed-but-not-released bytes (a snapshot). */
uint64_t ring_used(ring_t *r);
/* Anyone: the claim cursor without the closed bit (a snapshot). */
uint64_t ring_tail(ring_t *r);

/* Refuses every later claim. Returns the final tail: every record before it
 * was claimed before the close and will be committed. Idempotent. */
uint64_t ring_close(ring_t *r);
int ring_is_closed(ring_t *r);

#endif /* UVLOG_RING_H */
