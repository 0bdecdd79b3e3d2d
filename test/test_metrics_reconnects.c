/*
 * test_metrics_reconnects.c -- uvlog_sink_stats().reconnects and
 * uvlog_sink_reconnects_total count the connections a network sink makes
 * after its first: the TCP sink after a reopen and after the receiver hung
 * up; the syslog sink after a reopen and after the daemon's socket went away
 * and came back. The first connection is not a reconnect.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/un.h>

#include "metrics_fixture.h"
#include "net_fixture.h"

/* ---- TCP: a receiver that accepts, reads and discards, and hangs up the
 * current connection when asked ------------------------------------------ */

typedef struct {
  int lfd, port;
  pthread_t th;
  atomic_int accepts, hangup, stop;
} tcp_rx_t;

static void *tcp_rx_main(void *arg) {
  tcp_rx_t *rx = arg;
  int cfd = -1;
  while (!atomic_load(&rx->stop)) {
    if (cfd >= 0 && atomic_exchange(&rx->hangup, 0)) {
      close(cfd);
      cfd = -1;
    }
    struct pollfd p[2] = {{rx->lfd, POLLIN, 0}, {cfd, POLLIN, 0}};
    if (poll(p, cfd >= 0 ? 2 : 1, 10) <= 0) continue;
    if (p[0].revents & POLLIN) {
      int fd = accept(rx->lfd, NULL, NULL);
      if (fd >= 0) {
        if (cfd >= 0) close(cfd); /* the sink left the old one (reopen) */
        cfd = fd;
        atomic_fetch_add(&rx->accepts, 1);
      }
    } else if (cfd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
      char buf[4096];
      if (read(cfd, buf, sizeof buf) <= 0) {
        close(cfd);
        cfd = -1;
      }
    }
  }
  if (cfd >= 0) close(cfd);
  return NULL;
}

static void tcp_rx_start(tcp_rx_t *rx) {
  memset(rx, 0, sizeof *rx);
  rx->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq(rx->lfd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  cr_assert_eq(bind(rx->lfd, (struct sockaddr *)&a, sizeof a), 0);
  cr_assert_eq(listen(rx->lfd, 8), 0);
  socklen_t len = sizeof a;
  cr_assert_eq(getsockname(rx->lfd, (struct sockaddr *)&a, &len), 0);
  rx->port = ntohs(a.sin_port);
  cr_assert_eq(pthread_create(&rx->th, NULL, tcp_rx_main, rx), 0);
}

static void tcp_rx_stop(tcp_rx_t *rx) {
  atomic_store(&rx->stop, 1);
  pthread_join(rx->th, NULL);
  close(rx->lfd);
}

static void wait_accepts(tcp_rx_t *rx, int n) {
  for (double end = mf_now_s() + 20; mf_now_s() < end && atomic_load(&rx->accepts) < n;)
    mf_sleep_ms(2);
  cr_assert_eq(atomic_load(&rx->accepts), n);
}

Test(metrics_reconnects, tcp_counts_connections_after_the_first, .timeout = 120) {
  tcp_rx_t rx;
  tcp_rx_start(&rx);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  char port[16];
  snprintf(port, sizeof port, "%d", rx.port);
  o.host = "127.0.0.1";
  o.port = port;
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  uvlog_t *log = mf_logger_with(s);
  cr_assert_eq(UVLOG_INFO_TO(log, "first"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  wait_accepts(&rx, 1);
  cr_expect_eq(mf_sink_stats(s).reconnects, 0u, "the first connection is not a reconnect");

  cr_assert_eq(uvlog_logger_reopen(log), 0);
  cr_expect_eq(mf_wait_reconnects(s, 1), 1u, "reopen");
  wait_accepts(&rx, 2);

  atomic_store(&rx.hangup, 1); /* the receiver goes away; the sink comes back */
  cr_expect_eq(mf_wait_reconnects(s, 2), 2u, "after a hang-up");
  wait_accepts(&rx, 3);
  cr_assert_eq(UVLOG_INFO_TO(log, "after"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_expect_eq(mf_sample(mf_exposition(log), "uvlog_sink_reconnects_total{sink=\"tcp\",index=\"0\"}"),
               2.0);
  uvlog_logger_destroy(log);
  tcp_rx_stop(&rx);
}

/* ---- syslog: a datagram socket at a path of our own ---------------------- */

static int bind_dgram(const char *path) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  cr_assert_geq(fd, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
  cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "bind %s: %s", path, strerror(errno));
  return fd;
}

Test(metrics_reconnects, syslog_counts_reconnects_to_its_socket, .timeout = 120) {
  char dir[512], path[600];
  nf_mkdtemp(dir, sizeof dir, "metrics-rc");
  snprintf(path, sizeof path, "%s/log.sock", dir);
  int fd = bind_dgram(path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.path = path;
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_syslog_create(&s, &o), 0);
  uvlog_t *log = mf_logger_with(s);
  cr_assert_eq(UVLOG_INFO_TO(log, "first"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_expect_eq(mf_sink_stats(s).reconnects, 0u, "the first connection is not a reconnect");

  cr_assert_eq(uvlog_logger_reopen(log), 0);
  cr_expect_eq(mf_wait_reconnects(s, 1), 1u, "reopen");

  /* The daemon goes away: the next send fails and the sink retries. */
  close(fd);
  unlink(path);
  uint64_t e0 = mf_sink_stats(s).errors;
  for (double end = mf_now_s() + 20; mf_now_s() < end && mf_sink_stats(s).errors == e0; mf_sleep_ms(5)) {
    (void)UVLOG_INFO_TO(log, "while away");
    (void)uvlog_logger_flush(log, 1000); /* fails while the daemon is away */
  }
  cr_assert_gt(mf_sink_stats(s).errors, e0, "the daemon's absence is noticed");
  cr_expect_eq(mf_sink_stats(s).reconnects, 1u);
  fd = bind_dgram(path);
  cr_expect_eq(mf_wait_reconnects(s, 2), 2u, "the daemon is back");
  cr_expect_eq(mf_sample(mf_exposition(log), "uvlog_sink_reconnects_total{sink=\"syslog\",index=\"0\"}"),
               2.0);
  uvlog_logger_destroy(log);
  close(fd);
  nf_rmtree(dir);
}
