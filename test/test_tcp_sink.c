/*
 * test_tcp_sink.c -- the TCP sink: its framing, backlog accounting and
 * reconnect backoff on their own (src/sink/netq.c), then the sink end to end
 * against an in-test TCP receiver on 127.0.0.1.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sink/netq.h"
#include "uvlog.h"

/* ---- framing ------------------------------------------------------------ */

static void frame_str(int framing, const char *text, char *out, size_t cap) {
  uvlog_buf_t b = {0};
  uvlog_frame(framing, text, strlen(text), &b);
  cr_assert_eq(b.len, uvlog_frame_size(framing, text, strlen(text)), "frame size for '%s'", text);
  cr_assert_lt(b.len, cap);
  memcpy(out, b.data, b.len);
  out[b.len] = 0;
  uvlog_buf_free(&b);
}

Test(tcp_framing, octet_counting) {
  char out[256];
  frame_str(UVLOG_TCP_OCTET_COUNTING, "<14>1 - - - - - - hi", out, sizeof out);
  cr_assert_str_eq(out, "20 <14>1 - - - - - - hi");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "abc\n", out, sizeof out); /* trailing LF removed */
  cr_assert_str_eq(out, "3 abc");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "a\nb", out, sizeof out);  /* embedded LF kept */
  cr_assert_str_eq(out, "3 a\nb");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "", out, sizeof out);
  cr_assert_str_eq(out, "0 ");
}

Test(tcp_framing, octet_counting_counts_bytes_not_chars) {
  char out[256];
  frame_str(UVLOG_TCP_OCTET_COUNTING, "h\xc3\xa9llo", out, sizeof out); /* "héllo": 6 bytes */
  cr_assert_str_eq(out, "6 h\xc3\xa9llo");
  /* 9 -> 10 bytes changes the width of the count. */
  frame_str(UVLOG_TCP_OCTET_COUNTING, "123456789", out, sizeof out);
  cr_assert_str_eq(out, "9 123456789");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "1234567890", out, sizeof out);
  cr_assert_str_eq(out, "10 1234567890");
}

Test(tcp_framing, octet_counting_64k) {
  size_t n = 65536;
  char *msg = malloc(n + 1);
  cr_assert_not_null(msg);
  memset(msg, 'x', n);
  msg[n] = 0;
  uvlog_buf_t b = {0};
  uvlog_frame(UVLOG_TCP_OCTET_COUNTING, msg, n, &b);
  cr_assert_eq(b.len, 6 + n);
  cr_assert_eq(memcmp(b.data, "65536 x", 7), 0);
  uvlog_buf_free(&b);
  free(msg);
}

Test(tcp_framing, ndjson) {
  char out[256];
  frame_str(UVLOG_TCP_NDJSON, "{\"a\":1}\n", out, sizeof out); /* not doubled */
  cr_assert_str_eq(out, "{\"a\":1}\n");
  frame_str(UVLOG_TCP_NDJSON, "{\"a\":1}", out, sizeof out);   /* added */
  cr_assert_str_eq(out, "{\"a\":1}\n");
}

/* ---- port --------------------------------------------------------------- */

Test(tcp_port, parse) {
  cr_expect_eq(uvlog_parse_port("514"), 514);
  cr_expect_eq(uvlog_parse_port("1"), 1);
  cr_expect_eq(uvlog_parse_port("65535"), 65535);
  cr_expect_eq(uvlog_parse_port("0"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("65536"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("99999999999999999999"), -EINVAL);
  cr_expect_eq(uvlog_parse_port(""), -EINVAL);
  cr_expect_eq(uvlog_parse_port(NULL), -EINVAL);
  cr_expect_eq(uvlog_parse_port("syslog"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("-1"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("+80"), -EINVAL);
  cr_expect_eq(uvlog_parse_port(" 80"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("80x"), -EINVAL);
}

/* ---- backoff ------------------------------------------------------------ */

Test(tcp_backoff, grows_with_jitter_within_bounds) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 100, 5000, 42);
  unsigned ceiling = 100;
  for (int i = 0; i < 20; i++) {
    unsigned d = uvlog_backoff_next(&b);
    unsigned lo = ceiling / 2;
    cr_assert_geq(d, lo, "step %d: %u < %u", i, d, lo);
    cr_assert_leq(d, ceiling, "step %d: %u > %u", i, d, ceiling);
    ceiling = ceiling * 2 > 5000 ? 5000 : ceiling * 2;
  }
  cr_assert_eq(b.cur_ms, 5000u);
  uvlog_backoff_reset(&b);
  unsigned d = uvlog_backoff_next(&b);
  cr_assert(d >= 50 && d <= 100, "after reset: %u", d);
}

Test(tcp_backoff, jitter_varies) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 1000, 1000, 7);
  unsigned first = uvlog_backoff_next(&b);
  int differs = 0;
  for (int i = 0; i < 50; i++) {
    unsigned d = uvlog_backoff_next(&b);
    cr_assert(d >= 500 && d <= 1000, "delay %u", d);
    differs |= d != first;
  }
  cr_assert(differs, "50 draws gave the same delay");
}

Test(tcp_backoff, huge_max_does_not_overflow) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 1, 4000000000u, 1);
  for (int i = 0; i < 64; i++) {
    unsigned d = uvlog_backoff_next(&b);
    cr_assert_leq(d, 4000000000u);
    cr_assert_geq(d, 1u);
  }
  cr_assert_eq(b.cur_ms, 4000000000u);
}

/* ---- backlog ------------------------------------------------------------ */

Test(tcp_backlog, bound_and_accounting) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 100);
  /* "8 12345678" is 10 bytes: ten fit, the eleventh does not. */
  for (int i = 0; i < 10; i++)
    cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "12345678", 8), 0, "push %d", i);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "12345678", 8), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_bytes(&q), 100u);
  cr_assert_eq(uvlog_streamq_records(&q), 10u);

  /* Start a write: everything moves in flight and still counts. */
  cr_assert_eq(uvlog_streamq_start(&q), 100u);
  cr_assert_eq(uvlog_streamq_start(&q), 0u); /* one write at a time */
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "1", 1), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_done(&q), 10u);
  cr_assert_eq(uvlog_streamq_bytes(&q), 0u);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "1", 1), 0);
  cr_assert_eq(uvlog_streamq_clear(&q), 1u);
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  uvlog_streamq_free(&q);
}

Test(tcp_backlog, failed_write_is_requeued_in_front) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 1000);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "a", 1), 0);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "b", 1), 0);
  cr_assert_eq(uvlog_streamq_start(&q), 4u);
  cr_assert_eq(memcmp(q.inflight.data, "a\nb\n", 4), 0);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "c", 1), 0);
  cr_assert_eq(uvlog_streamq_requeue(&q), 0u);
  cr_assert_eq(uvlog_streamq_records(&q), 3u);
  cr_assert_eq(q.inflight_recs, 0u);
  cr_assert_eq(uvlog_streamq_start(&q), 6u);
  cr_assert_eq(memcmp(q.inflight.data, "a\nb\nc\n", 6), 0, "oldest first after requeue");
  cr_assert_eq(uvlog_streamq_done(&q), 3u);
  cr_assert_eq(uvlog_streamq_requeue(&q), 0u); /* nothing in flight: no-op */
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  uvlog_streamq_free(&q);
}

Test(tcp_backlog, record_larger_than_bound) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 4096);
  char big[5000];
  memset(big, 'y', sizeof big);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, big, sizeof big), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, big, 4000), 0);
  uvlog_streamq_free(&q);
}
