/*
 * test_tcp_backoff_jitter_reset.c -- the TCP sink's reconnects follow the
 * documented schedule (docs/net-sinks.md): after the k-th failure the sink
 * waits a random delay in [d/2, d] with d = reconnect_min_ms * 2^k capped at
 * reconnect_max_ms, and a successful connect resets d to reconnect_min_ms.
 *
 * Every connect() to the test's port is timestamped (backoff_fixture.h).
 * The port is a bound socket that refuses until the test calls listen() on
 * it; the test accepts the sink's connection, hangs up and closes the port,
 * and watches the reconnects start again from reconnect_min_ms.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "net_fixture.h"
#include "backoff_fixture.h"
#include "uvlog.h"

/* Waits up to 10 s for the sink's connection on the listening `lfd`. */
static int accept_sink(int lfd) {
  struct pollfd p = {lfd, POLLIN, 0};
  cr_assert_eq(poll(&p, 1, 10000), 1, "the sink never connected once the port listened");
  int c = accept(lfd, NULL, NULL);
  cr_assert_geq(c, 0);
  return c;
}

Test(tcp_backoff, grows_with_jitter_and_resets_after_a_connect, .timeout = 120) {
  char port[16];
  int lfd = nf_loopback_socket(port, sizeof port); /* bound: connects are refused */
  watch(atoi(port), NULL);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.host = "127.0.0.1";
  o.port = port;
  o.reconnect_min_ms = MIN_MS;
  o.reconnect_max_ms = MAX_MS;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  uvlog_t *log = nf_logger_with(s, UVLOG_OVERFLOW_DROP);

  /* Refused attempts: d = 50, 100, 200, 400, 800, 800, 800, 800 ms. */
  const int pre = 9;
  cr_assert_geq(wait_attempts(pre), pre, "the sink stopped retrying");
  cr_assert_eq(listen(lfd, 8), 0);
  int c = accept_sink(lfd);
  int connected = attempts_seen(); /* the last one connected */
  /* Hang up and refuse again: the sink reads EOF and reconnects. */
  close(lfd);
  int64_t hangup = nf_now_ms();
  close(c);
  finish_backoff(log, connected, hangup);
}
