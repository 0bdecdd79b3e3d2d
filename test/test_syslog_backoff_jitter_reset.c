/*
 * test_syslog_backoff_jitter_reset.c -- the syslog sink reconnects to a
 * missing or restarted daemon on the documented schedule (docs/net-sinks.md):
 * a random delay in [d/2, d] after the k-th failure in a row, d =
 * reconnect_min_ms * 2^k capped at reconnect_max_ms, reset by a successful
 * connect.
 *
 * Every connect() to the daemon's socket path is timestamped
 * (backoff_fixture.h). No daemon at first (-ENOENT); then the test binds the
 * socket and the sink connects and delivers a record; then the daemon dies
 * (its socket file removed), the next record's send fails and the sink
 * reconnects, starting again from reconnect_min_ms.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net_fixture.h"
#include "syslog_fixture.h"
#include "backoff_fixture.h"
#include "uvlog.h"

Test(syslog_backoff, grows_with_jitter_and_resets_after_a_connect, .init = setup,
     .fini = teardown, .timeout = 120) {
  watch(0, sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.reconnect_min_ms = MIN_MS;
  o.reconnect_max_ms = MAX_MS;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s); /* no daemon: the first attempt fails */

  /* Failed attempts: d = 50, 100, 200, 400, 800, 800, 800, 800 ms. */
  const int pre = 9;
  cr_assert_geq(wait_attempts(pre), pre, "the sink stopped retrying");
  int d = daemon_bind(sock_path);
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %d", 0));
  char buf[512];
  ssize_t m = daemon_recv(d, buf, sizeof buf);
  expect_rec(buf, m, 0); /* connected: the last attempt so far succeeded */
  int connected = attempts_seen();
  /* The daemon dies: the next send fails and the sink reconnects. */
  close(d);
  unlink(sock_path);
  int64_t hangup = nf_now_ms();
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %d", 1));
  finish_backoff(log, connected, hangup);
}
