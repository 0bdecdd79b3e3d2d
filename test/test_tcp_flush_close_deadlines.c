/*
 * test_tcp_flush_close_deadlines.c -- with a TCP receiver that accepts and
 * never reads, the sink's flush ends (UVLOG_ETIMEDOUT) within its
 * flush_timeout_ms even though the logger's periodic flush keeps asking, and
 * the logger's close takes about close_timeout_ms, not the close guard too.
 * The receiver is a socket the test accepts and never reads, with a small
 * receive buffer; the test logs more than the kernel can hold (so records
 * are certainly waiting in the sink's backlog) before timing anything.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

typedef struct stuck {
  int lfd, cfd;
  uvlog_t *log;
  uvlog_sink_t *sink;
} stuck_t;

/* The largest TCP send buffer the kernel grows to (tcp_wmem's third field). */
static long wmem_max(void) {
  long lo = 0, def = 0, max = 4 << 20;
  FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "r");
  if (f) {
    if (fscanf(f, "%ld %ld %ld", &lo, &def, &max) != 3) max = 4 << 20;
    fclose(f);
  }
  return max;
}

/* A receiver that will never read, with a small receive buffer. */
static int listen_small(char *port, size_t cap) {
  int fd = nf_loopback_socket(port, cap);
  int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  cr_assert_eq(listen(fd, 4), 0);
  return fd;
}

/* A logger with one TCP sink connected to a receiver that never reads, and
 * records waiting in the sink's backlog. */
static void stuck_start(stuck_t *t) {
  char ps[16];
  t->lfd = listen_small(ps, sizeof ps);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.host = "127.0.0.1";
  o.port = ps;
  o.backlog_bytes = (size_t)(4 * wmem_max() + (8 << 20));
  o.flush_timeout_ms = 1000;
  o.close_timeout_ms = 1000;
  cr_assert_eq(uvlog_sink_tcp_create(&t->sink, &o), 0);
  t->log = nf_logger_with(t->sink, UVLOG_OVERFLOW_BLOCK); /* periodic flush every 1000 ms */
  struct pollfd p = {t->lfd, POLLIN, 0};
  cr_assert_eq(poll(&p, 1, 10000), 1, "the sink did not connect");
  t->cfd = accept(t->lfd, NULL, NULL);
  cr_assert_geq(t->cfd, 0);
  /* More than the kernel can hold (its send buffer grows to tcp_wmem's
   * maximum at most; the receiver holds a few KiB), and less than the
   * backlog: whatever the timing, records are still in the backlog after
   * this, and none was dropped. Blocking, so the ring loses nothing. */
  static char msg[1000];
  memset(msg, 'z', sizeof msg);
  for (long sent = 0; sent < 2 * wmem_max() + (1 << 20); sent += (long)sizeof msg)
    NF_LOG_OK(uvlog_log_text(t->log, UVLOG_LEVEL_INFO, NULL, 0, NULL, msg, sizeof msg));
}

static void stuck_end(stuck_t *t) {
  uvlog_logger_destroy(t->log);
  close(t->cfd);
  close(t->lfd);
}

Test(tcp_flush_close_deadlines, flush_ends_within_flush_timeout, .timeout = 60) {
  stuck_t t;
  stuck_start(&t);
  nf_check_flush_deadline(t.log, t.sink);
  stuck_end(&t);
}

Test(tcp_flush_close_deadlines, close_takes_about_close_timeout, .timeout = 60) {
  stuck_t t;
  stuck_start(&t);
  nf_check_close_deadline(t.log);
  stuck_end(&t);
}
