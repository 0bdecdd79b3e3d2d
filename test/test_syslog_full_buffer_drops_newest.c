/*
 * test_syslog_full_buffer_drops_newest.c -- when the syslog daemon does not
 * read, the sink keeps records in its buffer (buffer_size) and, once that is
 * full, drops the NEWEST record and counts it, error -ENOBUFS
 * (docs/net-sinks.md). When the daemon reads again the buffer is sent,
 * oldest first.
 *
 * The daemon is a unix datagram socket the test reads only when it decides
 * to: its queue (net.unix.max_dgram_qlen datagrams) fills, send() says
 * EAGAIN, the sink's buffer fills, and every later record is dropped. What
 * the daemon then receives must be exactly records 0..K-1, in order, and the
 * sink's count of drops must be exactly the N - K records it never sent: the
 * newest ones, checked by what arrived rather than by the sink's own count.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net_fixture.h"
#include "syslog_fixture.h"
#include "uvlog.h"

Test(syslog_full_buffer, drops_the_newest_records, .init = setup, .fini = teardown,
     .timeout = 120) {
  int d = daemon_bind(sock_path); /* not read until every record was given to the sink */
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.buffer_size = 2000; /* a few dozen records */
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  const long n = 1000;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  wait_written(s, (uint64_t)n);
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_gt(st.dropped, 0u, "1000 records cannot fit a 2000-byte buffer and the socket's queue");
  cr_assert_lt(st.dropped, (uint64_t)n - 20, "the socket's queue and the buffer kept some");
  cr_assert_eq(st.last_error, -ENOBUFS, "last error %d %s", st.last_error,
               uvlog_strerror(st.last_error));
  long kept = n - (long)st.dropped;

  /* The daemon reads again: the oldest `kept` records arrive, in order, and
   * nothing else is waiting: the next record logged comes right after them. */
  char buf[512];
  for (long k = 0; k < kept; k++) {
    ssize_t m = daemon_recv(d, buf, sizeof buf);
    NF_CHECK(m > 0, "record %ld of the %ld kept never came", k, kept);
    expect_rec(buf, m, k);
  }
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", n));
  ssize_t m = daemon_recv(d, buf, sizeof buf);
  cr_assert_gt(m, 0, "the record logged after the daemon resumed never came");
  expect_rec(buf, m, n);
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, (uint64_t)(n - kept), "no drop once the daemon reads");
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}
