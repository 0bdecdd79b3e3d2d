/*
 * test_syslog_sink.c -- the syslog sink: its datagram buffer on its own
 * (src/sink/netq.c), then the sink end to end against a unix datagram
 * socket in a temporary directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink/netq.h"
#include "uvlog.h"

/* ---- datagram buffer ---------------------------------------------------- */

Test(syslog_dgq, fifo_and_bound) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 10);
  cr_assert_eq(uvlog_dgq_push(&q, "abc", 3), 0);
  cr_assert_eq(uvlog_dgq_push(&q, "", 0), 0);       /* empty datagram is legal */
  cr_assert_eq(uvlog_dgq_push(&q, "defgh", 5), 0);
  cr_assert_eq(uvlog_dgq_push(&q, "ijk", 3), -ENOBUFS); /* 8 + 3 > 10 */
  cr_assert_eq(uvlog_dgq_push(&q, "ij", 2), 0);          /* exactly 10 */
  cr_assert_eq(q.count, 4u);
  cr_assert_eq(q.bytes, 10u);

  size_t n;
  const char *p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 3 && memcmp(p, "abc", 3) == 0);
  uvlog_dgq_pop(&q);
  p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 0);
  uvlog_dgq_pop(&q);
  p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 5 && memcmp(p, "defgh", 5) == 0);
  /* Room came back: 7 bytes queued, 3 more fit. */
  cr_assert_eq(uvlog_dgq_push(&q, "xyz", 3), 0);
  cr_assert_eq(uvlog_dgq_clear(&q), 3u);
  cr_assert_null(uvlog_dgq_peek(&q, &n));
  uvlog_dgq_pop(&q); /* pop on empty is harmless */
  cr_assert_eq(q.bytes, 0u);
  uvlog_dgq_free(&q);
}

Test(syslog_dgq, zero_limit_buffers_nothing) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 0);
  cr_assert_eq(uvlog_dgq_push(&q, "a", 1), -ENOBUFS);
  cr_assert_eq(q.count, 0u);
  uvlog_dgq_free(&q);
}

Test(syslog_dgq, many_push_pop_cycles_keep_order) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 1000);
  unsigned next_in = 0, next_out = 0;
  for (int round = 0; round < 200; round++) {
    for (int i = 0; i < 7; i++) {
      char m[16];
      int k = snprintf(m, sizeof m, "m%u", next_in);
      if (uvlog_dgq_push(&q, m, (size_t)k) == 0) next_in++;
    }
    for (int i = 0; i < 5 && q.count; i++) {
      size_t n;
      const char *p = uvlog_dgq_peek(&q, &n);
      char want[16];
      int k = snprintf(want, sizeof want, "m%u", next_out++);
      cr_assert(n == (size_t)k && memcmp(p, want, n) == 0, "order broken at %u", next_out - 1);
      uvlog_dgq_pop(&q);
    }
  }
  cr_assert_leq(q.bytes, 1000u);
  cr_assert_eq(q.count, next_in - next_out);
  uvlog_dgq_free(&q);
}
