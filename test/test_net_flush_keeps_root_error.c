/*
 * test_net_flush_keeps_root_error.c -- while the receiver is away, a flush of
 * the TCP or syslog sink fails at once with the error that took the receiver
 * away (connection refused, socket missing), and that root cause stays the
 * sink's last error instead of being replaced by -ENOTCONN.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

/* Starts a logger with `s`, waits for the sink's first error, logs one
 * record, flushes, and returns the sink's last error. */
static int last_error_after_flush(uvlog_sink_t *s) {
  uvlog_t *log = nf_logger_with(s, UVLOG_OVERFLOW_DROP);
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; st.errors == 0 && nf_now_ms() < end; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0, "the sink never failed");
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "kept"));
  uvlog_logger_flush(log, 5000);
  uvlog_sink_stats(s, &st);
  uvlog_logger_destroy(log);
  return st.last_error;
}

Test(net_flush_keeps_root_error, tcp_connection_refused, .timeout = 60) {
  char ps[16];
  close(nf_loopback_socket(ps, sizeof ps)); /* a port nobody listens on */
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.host = "127.0.0.1";
  o.port = ps;
  o.reconnect_min_ms = o.reconnect_max_ms = 60000; /* stays backing off */
  o.close_timeout_ms = 100;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  int err = last_error_after_flush(s);
  cr_assert_eq(err, -ECONNREFUSED, "last error %d (%s)", err, uvlog_strerror(err));
}

Test(net_flush_keeps_root_error, syslog_socket_missing, .timeout = 60) {
  char dir[512], path[600];
  nf_mkdtemp(dir, sizeof dir, "rooterr");
  snprintf(path, sizeof path, "%s/no.sock", dir);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.path = path;
  o.reconnect_min_ms = o.reconnect_max_ms = 60000;
  o.close_timeout_ms = 100;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_syslog_create(&s, &o), 0);
  int err = last_error_after_flush(s);
  nf_rmtree(dir);
  cr_assert_eq(err, -ENOENT, "last error %d (%s)", err, uvlog_strerror(err));
}
