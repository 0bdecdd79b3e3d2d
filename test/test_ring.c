/*
 * test_ring.c -- the MPSC ring protocol (src/ring.c) on its own.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

static uvlog_rec_t *claim_ok(ring_t *r, size_t payload) {
  uvlog_rec_t *rec = NULL;
  cr_assert_eq(ring_claim(r, REC_HEADER_SIZE + payload, &rec), RING_OK);
  cr_assert_not_null(rec);
  rec->type = REC_TEXT;
  rec->msg_len = (uint32_t)payload;
  return rec;
}

/* Consumes everything committed; returns how many records, and checks that
 * each payload is filled with its msg_len's low byte. */
static size_t drain(ring_t *r) {
  uint64_t pos = ring_head(r);
  size_t n = 0;
  uvlog_rec_t *rec;
  while ((rec = ring_peek(r, &pos)) != NULL) {
    for (uint32_t i = 0; i < rec->msg_len; i++)
      cr_assert_eq(rec->data[i], (unsigned char)rec->msg_len, "payload byte %u", i);
    pos = ring_next(rec, pos);
    n++;
  }
  ring_release(r, pos);
  return n;
}

Test(ring, init_rejects_bad_capacity) {
  ring_t r;
  cr_expect_eq(ring_init(&r, 0), -EINVAL);
  cr_expect_eq(ring_init(&r, 1000), -EINVAL);
  cr_expect_eq(ring_init(&r, 6000), -EINVAL);  /* not a power of two */
  cr_expect_eq(ring_init(&r, 2048), -EINVAL);  /* below the minimum */
  cr_expect_eq(ring_init(NULL, 4096), -EINVAL);
  cr_assert_eq(ring_init(&r, 4096), 0);
  ring_free(&r);
}

Test(ring, roundtrip_in_order) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  for (int i = 1; i <= 10; i++) {
    uvlog_rec_t *rec = claim_ok(&r, (size_t)i);
    rec->ts = (uint64_t)i; /* a sequence number */
    memset(rec->data, i, (size_t)i);
    ring_commit(&r, rec);
  }
  uint64_t pos = ring_head(&r);
  for (int i = 1; i <= 10; i++) {
    uvlog_rec_t *rec = ring_peek(&r, &pos);
    cr_assert_not_null(rec);
    cr_assert_eq((int)rec->ts, i);
    cr_assert_eq(atomic_load(&rec->len) % 8, 0);
    pos = ring_next(rec, pos);
  }
  cr_assert_null(ring_peek(&r, &pos));
  ring_release(&r, pos);
  cr_assert_eq(ring_used(&r), 0);
  ring_free(&r);
}

Test(ring, uncommitted_record_hides_later_ones) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  uvlog_rec_t *a = claim_ok(&r, 8);
  uvlog_rec_t *b = claim_ok(&r, 8);
  memset(b->data, 8, 8);
  ring_commit(&r, b); /* b committed, a still being written */
  uint64_t pos = ring_head(&r);
  cr_assert_null(ring_peek(&r, &pos), "a half-written record must stop the consumer");
  cr_assert_lt(atomic_load(&a->len), 0, "a claim in progress shows a negative length");
  memset(a->data, 8, 8);
  ring_commit(&r, a);
  cr_assert_eq(drain(&r), 2);
  ring_free(&r);
}

Test(ring, wraps_with_padding) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  /* Records of 40 + 88 = 128 bytes; 4096 is a multiple, so shift by 24 first
   * to force records that do not fit before the end. */
  uvlog_rec_t *first = claim_ok(&r, 24 - REC_HEADER_SIZE + 40);
  memset(first->data, (unsigned char)first->msg_len, first->msg_len);
  ring_commit(&r, first);
  cr_assert_eq(drain(&r), 1);
  size_t total = 0;
  for (int round = 0; round < 200; round++) {
    for (int i = 0; i < 20; i++) {
      uvlog_rec_t *rec = claim_ok(&r, 88);
      memset(rec->data, 88, 88);
      ring_commit(&r, rec);
    }
    total += drain(&r);
  }
  cr_assert_eq(total, 200 * 20);
  cr_assert_gt(ring_tail(&r), 100 * 4096, "the ring wrapped many times");
  ring_free(&r);
}

Test(ring, record_never_straddles_the_end) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  for (int i = 0; i < 5000; i++) {
    size_t payload = (size_t)(i * 37 % 700);
    uvlog_rec_t *rec = claim_ok(&r, payload);
    unsigned char *end = (unsigned char *)rec + REC_HEADER_SIZE + payload;
    cr_assert_leq(end, r.buf + r.capacity);
    memset(rec->data, (unsigned char)payload, payload);
    ring_commit(&r, rec);
    cr_assert_eq(drain(&r), 1);
  }
  ring_free(&r);
}

Test(ring, full_then_space_returns) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  int n = 0;
  uvlog_rec_t *rec;
  while (ring_claim(&r, 128, &rec) == RING_OK) {
    rec->type = REC_TEXT;
    ring_commit(&r, rec);
    n++;
  }
  cr_assert_eq(n, 4096 / 128);
  cr_assert_eq(ring_claim(&r, 8, &rec), RING_FULL, "a full ring refuses even a tiny record");
  cr_assert_eq(ring_used(&r), 4096);
  /* Release one record's worth: exactly one more fits. */
  uint64_t pos = ring_head(&r);
  rec = ring_peek(&r, &pos);
  cr_assert_not_null(rec);
  ring_release(&r, ring_next(rec, pos));
  cr_assert_eq(ring_claim(&r, 128, &rec), RING_OK);
  rec->type = REC_TEXT;
  ring_commit(&r, rec);
  cr_assert_eq(ring_claim(&r, 8, &rec), RING_FULL);
  ring_free(&r);
}

Test(ring, too_big_is_refused) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  uvlog_rec_t *rec;
  cr_assert_eq(ring_claim(&r, 2049, &rec), RING_TOOBIG);
  cr_assert_eq(ring_claim(&r, 2048, &rec), RING_OK);
  ring_free(&r);
}

/* A size that does not fit in 32 bits must not be rounded into a small one
 * (the caller would then write far past the record it was given). */
Test(ring, too_big_beyond_32_bits_is_refused) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  uvlog_rec_t *rec = NULL;
  cr_assert_eq(ring_claim(&r, ((size_t)1 << 32) + 64, &rec), RING_TOOBIG);
  cr_assert_eq(ring_claim(&r, SIZE_MAX, &rec), RING_TOOBIG);
  cr_assert_eq(ring_used(&r), 0, "nothing was claimed");
  ring_free(&r);
}

Test(ring, close_refuses_claims_and_reports_final_tail) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 4096), 0);
  uvlog_rec_t *a = claim_ok(&r, 16);
  cr_assert_eq(ring_is_closed(&r), 0);
  uint64_t final = ring_close(&r);
  cr_assert_eq(final, ring_record_size(REC_HEADER_SIZE + 16));
  cr_assert_eq(ring_close(&r), final, "idempotent");
  cr_assert(ring_is_closed(&r));
  uvlog_rec_t *b;
  cr_assert_eq(ring_claim(&r, 16, &b), RING_CLOSED);
  /* The claim made before the close still commits and is consumed. */
  memset(a->data, 16, 16);
  ring_commit(&r, a);
  cr_assert_eq(drain(&r), 1);
  cr_assert_eq(ring_head(&r), final);
  ring_free(&r);
}

/* ---- many producers, one consumer ---------------------------------------- */

#define PRODUCERS 4
#define PER_PRODUCER 200000

typedef struct {
  ring_t *r;
  int id;
} prod_arg_t;

static void *producer(void *p) {
  prod_arg_t *a = p;
  for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
    size_t payload = 8 + (seq * 7 + (uint32_t)a->id * 13) % 200;
    uvlog_rec_t *rec;
    int rc;
    while ((rc = ring_claim(a->r, REC_HEADER_SIZE + payload, &rec)) == RING_FULL)
      sched_yield();
    cr_assert_eq(rc, RING_OK);
    rec->type = REC_TEXT;
    rec->tid = (uint32_t)a->id;
    rec->ts = (uint64_t)seq; /* a sequence number */
    rec->msg_len = (uint32_t)payload;
    memset(rec->data, (unsigned char)payload, payload);
    ring_commit(a->r, rec);
  }
  return NULL;
}

Test(ring, many_producers_lossless_and_ordered, .timeout = 120) {
  ring_t r;
  cr_assert_eq(ring_init(&r, 1 << 14), 0);
  pthread_t th[PRODUCERS];
  prod_arg_t args[PRODUCERS];
  for (int i = 0; i < PRODUCERS; i++) {
    args[i] = (prod_arg_t){&r, i};
    pthread_create(&th[i], NULL, producer, &args[i]);
  }
  uint32_t next[PRODUCERS] = {0};
  size_t total = 0;
  while (total < (size_t)PRODUCERS * PER_PRODUCER) {
    uint64_t pos = ring_head(&r);
    uvlog_rec_t *rec;
    size_t batch = 0;
    while ((rec = ring_peek(&r, &pos)) != NULL) {
      cr_assert_lt(rec->tid, PRODUCERS);
      cr_assert_eq((uint32_t)rec->ts, next[rec->tid], "per-producer order");
      next[rec->tid]++;
      for (uint32_t i = 0; i < rec->msg_len; i++)
        if (rec->data[i] != (unsigned char)rec->msg_len)
          cr_assert_fail("torn record from producer %u seq %d", rec->tid, (int)rec->ts);
      pos = ring_next(rec, pos);
      batch++;
    }
    ring_release(&r, pos);
    total += batch;
    if (batch == 0) sched_yield();
  }
  for (int i = 0; i < PRODUCERS; i++) {
    pthread_join(th[i], NULL);
    cr_assert_eq(next[i], PER_PRODUCER);
  }
  cr_assert_eq(ring_used(&r), 0);
  ring_free(&r);
}
