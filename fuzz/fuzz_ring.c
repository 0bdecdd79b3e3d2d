/*
 * fuzz_ring.c -- libFuzzer target for the ring protocol (src/ring.c),
 * driven in arbitrary claim / commit / consume / close orders against a
 * model. One thread plays every producer and the consumer, so this checks
 * the protocol's bookkeeping (wrap-around, padding, zeroing, the full test,
 * claim order, close), not memory ordering (TSan and the stress tests do).
 *
 * The model keeps every claim in order: its position, its rounded size, the
 * payload written into it, whether it was committed. After every step:
 *   - a claim succeeds exactly when the model says the bytes fit (with the
 *     padding to the end of the buffer when the record does not fit before
 *     it), and lands where the model says;
 *   - the consumer walks exactly the committed prefix of the claims, in
 *     claim order, each with its own length and payload, padding skipped;
 *   - after a release, every free byte is zero again (the protocol's
 *     invariant), checked on the released range;
 *   - after close, every claim fails with RING_CLOSED and the consumer can
 *     still drain what was claimed before.
 *
 * Input: a byte stream of operations; each takes one byte and maybe more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

#define CAP 4096u
#define MAXC 1024

typedef struct claim {
  uint64_t pos;     /* ring position of the record's header */
  uint32_t size;    /* rounded size */
  uint8_t fill;     /* payload byte */
  int committed;
  uvlog_rec_t *rec;
} claim_t;

static ring_t ring;
static claim_t cl[MAXC];
static size_t first, n;  /* claims not yet consumed: cl[first .. first+n) */
static uint64_t tail, head;
static int closed;

static void reset(void) {
  if (ring.buf) ring_free(&ring);
  if (ring_init(&ring, CAP) != 0) abort();
  first = n = 0;
  tail = head = 0;
  closed = 0;
}

static void op_claim(size_t bytes, uint8_t fill) {
  uvlog_rec_t *rec = NULL;
  int rc = ring_claim(&ring, bytes, &rec);
  if (bytes > CAP / 2) { /* refused whatever the state: it could never fit */
    if (rc != RING_TOOBIG) abort();
    return;
  }
  if (closed) {
    if (rc != RING_CLOSED) abort();
    return;
  }
  uint64_t size = ring_record_size(bytes), idx = tail & (CAP - 1), to_end = CAP - idx;
  uint64_t need = size <= to_end ? size : to_end + size;
  int fits = tail - head + need <= CAP;
  if (!fits) {
    if (rc != RING_FULL) abort();
    return;
  }
  if (rc != RING_OK || first + n >= MAXC) abort();
  uint64_t pos = size <= to_end ? tail : tail + to_end;
  if ((unsigned char *)rec != ring.buf + (pos & (CAP - 1))) abort();
  /* The caller fills everything after len (the header's other fields, the
   * payload). Bytes after the 4-byte length: */
  memset((unsigned char *)rec + 4, fill, size - 4);
  cl[first + n++] = (claim_t){pos, (uint32_t)size, fill, 0, rec};
  tail += need;
}

static void op_commit(unsigned k) {
  if (n == 0) return;
  claim_t *c = &cl[first + k % n];
  if (c->committed) return;
  /* The type byte must not say "padding": fill bytes are never REC_PAD. */
  c->rec->type = REC_TEXT;
  ring_commit(&ring, c->rec);
  c->committed = 1;
}

/* Walks the ring as the listener does, checking it against the model, and
 * releases up to where it stopped. */
static void op_consume(unsigned limit) {
  uint64_t pos = ring_head(&ring);
  if (pos != head) abort();
  size_t i = 0;
  for (; i < n && i < limit; i++) {
    claim_t *c = &cl[first + i];
    uvlog_rec_t *rec = ring_peek(&ring, &pos);
    if (!c->committed) {
      if (rec) abort(); /* never past an uncommitted claim */
      break;
    }
    if (!rec || pos != c->pos || rec != c->rec) abort();
    if ((uint64_t)atomic_load(&rec->len) != c->size) abort();
    const unsigned char *b = (const unsigned char *)rec;
    for (uint32_t j = 8; j < c->size; j++)
      if (b[j] != c->fill) abort();
    pos = ring_next(rec, pos);
  }
  if (i == n && ring_peek(&ring, &pos) != NULL) abort(); /* nothing beyond */
  uint64_t old = head;
  ring_release(&ring, pos);
  head = pos;
  for (uint64_t p = old; p < head; p++)
    if (ring.buf[p & (CAP - 1)] != 0) abort(); /* free bytes are zero */
  first += i;
  n -= i;
  if (n == 0) first = 0;
}

static void op_close(void) {
  uint64_t t = ring_close(&ring);
  if (t != tail) abort();
  closed = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size) {
  reset();
  for (size_t i = 0; i < size; i++) {
    uint8_t op = d[i];
    uint8_t arg = i + 1 < size ? d[i + 1] : 0;
    switch (op & 7) {
    case 0: case 1: case 2: /* claim: mostly small, sometimes large */
      op_claim(op & 0x80 ? (size_t)arg * 16 + 1 : (size_t)(arg % 200) + 8, (uint8_t)(arg | 1));
      i++;
      break;
    case 3: case 4:
      op_commit(arg);
      i++;
      break;
    case 5: case 6:
      op_consume(arg % 8 ? arg % 8 : MAXC);
      i++;
      break;
    default:
      if ((op & 0xf8) == 0xf8) op_close();
      break;
    }
  }
  /* Commit everything, drain everything: the model must end empty. */
  for (size_t k = 0; k < n; k++) op_commit((unsigned)k);
  op_consume(MAXC);
  if (n != 0 || ring_used(&ring) != 0) abort();
  return 0;
}
