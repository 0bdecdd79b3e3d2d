/*
 * syslog_fixture.h -- a stand-in for the syslog daemon that the test drives:
 * a unix datagram socket bound in a temporary directory, read only when the
 * test says so, a sink to it, and the check of a received datagram's "rec <k>" message.
 * Header-only (static functions), for the syslog sink's tests; include
 * net_fixture.h first.
 */
#ifndef UVLOG_TEST_SYSLOG_FIXTURE_H
#define UVLOG_TEST_SYSLOG_FIXTURE_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The daemon's socket path, in a directory of its own per test
 * (.init = setup, .fini = teardown). */
static char dir[512];
static char sock_path[600];

static inline void setup(void) {
  nf_mkdtemp(dir, sizeof dir, "uvlog-syslog");
  snprintf(sock_path, sizeof sock_path, "%s/log.sock", dir);
}

static inline void teardown(void) { nf_rmtree(dir); }

/* A syslog sink with options `o` to the daemon's socket. */
static inline uvlog_sink_t *syslog_sink(uvlog_syslog_options_t *o) {
  uvlog_sink_t *s = NULL;
  o->path = sock_path;
  int rc = uvlog_sink_syslog_create(&s, o);
  cr_assert_eq(rc, 0, "create: %s", uvlog_strerror(rc));
  return s;
}

/* A bound datagram socket standing in for the daemon at `path`. */
static inline int daemon_bind(const char *path) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  cr_assert_geq(fd, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  strcpy(sa.sun_path, path);
  unlink(path);
  cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0, "bind %s: %s", path, strerror(errno));
  int big = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  return fd;
}

/* Receives one datagram (waiting up to a generous deadline); returns its
 * length, or -1 if none came. */
static inline ssize_t daemon_recv(int fd, char *buf, size_t cap) {
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, 10000) <= 0) return -1;
  return recv(fd, buf, cap, 0);
}

/* Datagrams a unix socket queues at most (net.unix.max_dgram_qlen). */
static inline long dgram_qlen(void) {
  long n = 512;
  FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
  if (f) {
    if (fscanf(f, "%ld", &n) != 1) n = 512;
    fclose(f);
  }
  return n;
}

/* 1 if the daemon's queue at `path` is full: a datagram of our own is
 * refused with EAGAIN. (With a large max_dgram_qlen, the sender's own send
 * buffer fills first and the queue never does.) */
static inline int daemon_queue_full(const char *path) {
  int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  strcpy(sa.sun_path, path);
  int full = sendto(probe, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) < 0 && errno == EAGAIN;
  close(probe);
  return full;
}

/* Datagram k must end with "rec <k>". */
static inline void expect_rec(const char *buf, ssize_t n, long k) {
  char want[32];
  int w = snprintf(want, sizeof want, ": rec %ld", k);
  NF_CHECK(n >= w && memcmp(buf + n - w, want, (size_t)w) == 0, "datagram %ld is '%.*s'", k,
           n > 0 ? (int)n : 0, buf);
}

/* A started logger (default options) whose one sink is `s`. */
static inline uvlog_t *start_with(uvlog_sink_t *s) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

/* Waits (at most 10 s) until the sink was given `n` records. */
static inline void wait_written(uvlog_sink_t *s, uint64_t n) {
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end; nf_sleep_ms(2)) {
    uvlog_sink_stats(s, &st);
    if (st.written >= n) return;
  }
  cr_assert_fail("the sink was given %llu of %llu records", (unsigned long long)st.written,
                 (unsigned long long)n);
}

#endif
