/*
 * ring.c -- the lock-free multi-producer, single-consumer (MPSC) ring of
 * variable-length records. This file owns the claim/commit/consume protocol;
 * what a record contains is record.h's business.
 *
 * THE BUFFER
 * A power-of-two byte array of `capacity` bytes. Three 64-bit cursors count
 * bytes ever claimed or released; they only grow (2^63 bytes is centuries of
 * logging), so they never wrap and there is no ABA problem. A cursor's place
 * in the buffer is `cursor & mask`.
 *
 *   tail        bytes ever claimed by producers (bit 63: the ring is closed)
 *   head        bytes ever released by the consumer
 *   head_cache  a recent value of head, kept on the producers' cache line so
 *               a producer only touches the consumer's line when the ring
 *               looks full
 *
 * tail and head_cache share one cache line (the producers' line), head has
 * its own (the consumer's line), and the read-only fields a third: producers
 * and consumer never write the same line except when the ring looks full.
 *
 * RECORDS
 * Every record starts with a 32-bit length (record.h: uvlog_rec_t.len),
 * rounded up to 8 bytes so that every header is aligned. The length is the
 * commit flag: 0 means "nothing here yet", negative means "claimed, being
 * written" (the claimed size, negated, as in Aeron), positive means
 * "committed". The consumer zeroes every byte it releases, so all free
 * bytes are zero, and a claim that is not yet committed shows a length <= 0
 * wherever the consumer looks.
 *
 * CLAIM (producer)
 *   1. Load tail (relaxed: the CAS below checks it) and head_cache (acquire,
 *      see MEMORY ORDERS).
 *   2. If the record does not fit in the bytes left before the end of the
 *      buffer, the claim also takes those bytes as a padding record: the
 *      claim is then to_end + size bytes.
 *   3. If tail + claim - head_cache > capacity, reload head from the
 *      consumer's line (acquire) and refresh head_cache. Still full: return
 *      RING_FULL (the caller drops or waits; nothing was changed).
 *   4. CAS tail from the value read to tail + claim. Failure (another
 *      producer won, or the ring was closed) reloads tail and restarts.
 *   5. After a padding claim, write the padding header (type REC_PAD, then a
 *      release store of its length) so the consumer can skip it at once,
 *      and hand the caller the record at offset 0.
 *   6. Store the length negated (relaxed): a debugger or the consumer can see
 *      a claim in progress.
 * The caller fills the record, then COMMIT: a release store of the length
 * made positive.
 *
 * CONSUME (single consumer, the listener thread)
 * Walk from head: acquire-load the length at the cursor. 0 -> stop (not yet
 * committed, or nothing more). REC_PAD -> skip. Otherwise hand the record
 * out (a negative length, a claim still being written, stops the walk too).
 * The walk never goes past head + capacity (which would be the same
 * bytes again). When the batch is done, RELEASE: zero the consumed bytes and
 * store head (release).
 *
 * WRAP-AROUND
 * A record never straddles the end of the buffer: the padding record of step
 * 2 fills the tail end, and both are claimed by one CAS, so no other
 * producer can slip in between. A record may be at most capacity / 2 bytes,
 * so that record plus padding always fit in an empty ring.
 *
 * A STALLED PRODUCER
 * A producer preempted between its CAS and its commit leaves a zero length
 * in front of the consumer. Records claimed after it may be committed, but
 * the consumer stops at the zero: order is claim order, always. It resumes
 * as soon as the producer commits (the producer path has no lock, no system
 * call and no cancellation point, so only preemption, a debugger, or a
 * signal handler that never returns can hold it). We do not "unblock" a
 * stalled slot by turning it into padding after a timeout as Aeron does:
 * a producer that is merely slow (a loaded CI machine, a sanitizer) would
 * then write into bytes the consumer has already zeroed and released. The
 * listener reports the stall instead (flush returns UVLOG_ETIMEDOUT). Only
 * a close gives a stalled claim up (after close_timeout_ms, listener.c):
 * the ring is closed, so those bytes are never claimed again, and
 * ring_skip() moves head past them without zeroing them.
 *
 * CLOSE
 * Setting bit 63 of tail (fetch_or) makes every later CAS fail, so no record
 * can be claimed after the close. The value returned is the final tail:
 * every byte before it belongs to a claim made before the close, whose
 * producer is committing it; the consumer drains up to it.
 *
 * MEMORY ORDERS (and why each is enough)
 *   M1 commit: store(rec->len, release)  pairs with  M2 consume:
 *      load(rec->len, acquire). Everything the producer wrote into the record
 *      happens-before the consumer reads it.
 *   M3 release: store(head, release)  pairs with  M4 claim: load(head,
 *      acquire). The consumer's zeroing of released bytes happens-before a
 *      producer writes into them, and its last reads of them too.
 *   M5 store(head_cache, release)  pairs with  M6 load(head_cache, acquire).
 *      A producer that trusts a head value another producer cached inherits
 *      that producer's happens-before edge with the consumer (M3 -> M4 ->
 *      M5 -> M6), so it may also write into those bytes.
 *   M7 CAS(tail) is seq_cst. The claim itself only needs atomicity (the
 *      record's contents are ordered by M1/M2), but the listener's parking
 *      protocol (listener.c) is a Dekker handshake: the listener stores
 *      `parked` then loads tail; a producer CASes tail then loads `parked`.
 *      With all four seq_cst, one of them must see the other. On x86 a
 *      seq_cst CAS is the same `lock cmpxchg` as a relaxed one: it is free.
 *   M8 close: fetch_or(tail, seq_cst), and ring_tail() loads tail seq_cst,
 *      for the same handshake.
 *   Padding header: store(pad->len, release) like M1.
 *   The relaxed loads (tail before the CAS, the consumer's own head) are
 *   either re-checked by a CAS or read a value only this thread writes.
 */
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int ring_init(ring_t *r, size_t capacity) {
  if (!r || capacity < RING_MIN_CAPACITY || capacity > RING_MAX_CAPACITY ||
      (capacity & (capacity - 1)) != 0)
    return -EINVAL;
  memset(r, 0, sizeof(*r));
  /* Anonymous pages come zeroed (all free bytes are zero: the protocol's
   * invariant) and page-aligned; no memset (a user-space memset of a 1 GiB
   * buffer took 4 to 13 s here, one page fault at a time). Up to
   * RING_POPULATE_MAX the pages are faulted in now, by the kernel, so the
   * producers' first lap takes no page fault; a larger ring is mapped
   * lazily (with transparent huge pages where the kernel allows), so create
   * stays fast and its first lap pays the faults instead. */
  int populate = capacity <= RING_POPULATE_MAX ? MAP_POPULATE : 0;
  void *p = mmap(NULL, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | populate,
                 -1, 0);
  if (p == MAP_FAILED) return -ENOMEM;
  if (!populate) (void)madvise(p, capacity, MADV_HUGEPAGE); /* a hint: may be refused */
  r->buf = p;
  r->capacity = capacity;
  r->mask = capacity - 1;
  atomic_init(&r->tail, 0);
  atomic_init(&r->head_cache, 0);
  atomic_init(&r->head, 0);
  return 0;
}

void ring_free(ring_t *r) {
  if (!r || !r->buf) return;
  munmap(r->buf, r->capacity);
  r->buf = NULL;
}

/* Does a claim of `need` bytes at `tail` fit with the consumer at `head`?
 * Signed on purpose: a stale tail may lag a fresher head, and then the CAS
 * fails anyway; it must not look like "full". */
static inline int fits(uint64_t tail, uint64_t head, uint64_t need, uint64_t cap) {
  return (int64_t)(tail - head) + (int64_t)need <= (int64_t)cap;
}

int ring_claim(ring_t *r, size_t bytes, uvlog_rec_t **out) {
  /* Checked before rounding: ring_record_size() returns 32 bits, so a
   * larger `bytes` would wrap into a small size (and SIZE_MAX into 0). The
   * limit is a multiple of RING_ALIGN, so this is the same test for any size
   * that rounds without wrapping. */
  if (bytes > r->capacity / 2) return RING_TOOBIG;
  uint64_t size = ring_record_size(bytes);

  uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  uint64_t idx, to_end, need;
  for (;;) {
    if (tail & RING_CLOSED_BIT) return RING_CLOSED;
    idx = tail & r->mask;
    to_end = r->capacity - idx;
    need = size <= to_end ? size : to_end + size;

    uint64_t head = atomic_load_explicit(&r->head_cache, memory_order_acquire); /* M6 */
    if (!fits(tail, head, need, r->capacity)) {
      head = atomic_load_explicit(&r->head, memory_order_acquire); /* M4 */
      if (!fits(tail, head, need, r->capacity)) {
        /* Maybe our tail is stale and the ring is not full at all: only a
         * fresh tail may say "full". */
        uint64_t now = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (now != tail) { tail = now; continue; }
        return RING_FULL;
      }
      /* An older value stored over a newer one by a slower producer only
       * makes the cache more pessimistic: harmless. */
      atomic_store_explicit(&r->head_cache, head, memory_order_release); /* M5 */
    }
    if (atomic_compare_exchange_weak_explicit(&r->tail, &tail, tail + need,
                                              memory_order_seq_cst, /* M7 */
                                              memory_order_relaxed))
      break;
  }

  if (need != size) {
    uvlog_rec_t *pad = (uvlog_rec_t *)(r->buf + idx);
    pad->type = REC_PAD;
    atomic_store_explicit(&pad->len, (int32_t)to_end, memory_order_release);
    idx = 0;
  }
  uvlog_rec_t *rec = (uvlog_rec_t *)(r->buf + idx);
  /* "Claimed, being written": the consumer treats len <= 0 as not ready.
   * Relaxed: it carries no data, the commit (M1) publishes. */
  atomic_store_explicit(&rec->len, -(int32_t)size, memory_order_relaxed);
  *out = rec;
  return RING_OK;
}

void ring_commit(ring_t *r, uvlog_rec_t *rec) {
  (void)r;
  /* Only this producer writes len between claim and commit: relaxed read. */
  int32_t len = -atomic_load_explicit(&rec->len, memory_order_relaxed);
  atomic_store_explicit(&rec->len, len, memory_order_release); /* M1 */
}

uvlog_rec_t *ring_peek(ring_t *r, uint64_t *pos) {
  uint64_t head = ring_head(r);
  for (;;) {
    uint64_t p = *pos;
    if (p - head >= r->capacity) return NULL; /* the same bytes again */
    uvlog_rec_t *rec = (uvlog_rec_t *)(r->buf + (p & r->mask));
    int32_t len = atomic_load_explicit(&rec->len, memory_order_acquire); /* M2 */
    if (len <= 0) return NULL;
    if (rec->type != REC_PAD) return rec;
    *pos = p + (uint64_t)len;
  }
}

void ring_release(ring_t *r, uint64_t pos) {
  uint64_t head = ring_head(r);
  uint64_t n = pos - head;
  if (n == 0) return;
  uint64_t idx = head & r->mask;
  uint64_t first = r->capacity - idx < n ? r->capacity - idx : n;
  memset(r->buf + idx, 0, first);
  if (n > first) memset(r->buf, 0, n - first);
  atomic_store_explicit(&r->head, pos, memory_order_release); /* M3 */
}

void ring_skip(ring_t *r, uint64_t pos) {
  atomic_store_explicit(&r->head, pos, memory_order_release); /* M3, nothing zeroed */
}

uint64_t ring_used(ring_t *r) {
  uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
  uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire) & ~RING_CLOSED_BIT;
  return tail >= head ? tail - head : 0;
}

uint64_t ring_tail(ring_t *r) {
  return atomic_load_explicit(&r->tail, memory_order_seq_cst) & ~RING_CLOSED_BIT; /* M8 */
}

uint64_t ring_close(ring_t *r) {
  return atomic_fetch_or_explicit(&r->tail, RING_CLOSED_BIT, memory_order_seq_cst) & /* M8 */
         ~RING_CLOSED_BIT;
}

int ring_is_closed(ring_t *r) {
  return (atomic_load_explicit(&r->tail, memory_order_relaxed) & RING_CLOSED_BIT) != 0;
}
