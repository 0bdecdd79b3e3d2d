/*
 * test_syslog_enobufs_retry.c -- when send() to the syslog daemon fails with
 * ENOBUFS (the kernel is short of memory, nothing the socket can poll for),
 * the sink keeps the record and every later one in its buffer and retries
 * from a short timer (docs/net-sinks.md: 10 ms), by itself: no later log
 * call, flush or readiness event is needed. Once send() works again the
 * kept records arrive, oldest first, none dropped.
 *
 * The test executable defines send() itself (the library is linked
 * statically into it): while the test says so, a send on the sink's socket
 * (the one connected to the test's daemon path) fails with ENOBUFS and is
 * timestamped; everything else goes to the kernel.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "net_fixture.h"
#include "syslog_fixture.h"
#include "uvlog.h"

#define MAX_REFUSED 4096

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int refusing;                /* the test's switch */
static int64_t refused[MAX_REFUSED]; /* ms, CLOCK_MONOTONIC */
static int n_refused;

static int is_sink_socket(int fd) {
  struct sockaddr_un sa;
  socklen_t len = sizeof sa;
  memset(&sa, 0, sizeof sa);
  return getpeername(fd, (struct sockaddr *)&sa, &len) == 0 && sa.sun_family == AF_UNIX &&
         strcmp(sa.sun_path, sock_path) == 0;
}

ssize_t send(int fd, const void *buf, size_t n, int flags) {
  pthread_mutex_lock(&mu);
  int refuse = refusing && is_sink_socket(fd);
  if (refuse && n_refused < MAX_REFUSED) refused[n_refused++] = nf_now_ms();
  pthread_mutex_unlock(&mu);
  if (refuse) {
    errno = ENOBUFS;
    return -1;
  }
  return (ssize_t)syscall(SYS_sendto, fd, buf, n, flags, NULL, 0);
}

static void set_refusing(int on) {
  pthread_mutex_lock(&mu);
  refusing = on;
  pthread_mutex_unlock(&mu);
}

/* Waits (at most 10 s) until `n` sends were refused; returns how many. */
static int wait_refused(int n) {
  int got = 0;
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end; nf_sleep_ms(2)) {
    pthread_mutex_lock(&mu);
    got = n_refused;
    pthread_mutex_unlock(&mu);
    if (got >= n) break;
  }
  return got;
}

Test(syslog_enobufs, retried_from_a_timer_until_sent, .init = setup, .fini = teardown,
     .timeout = 120) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  char buf[512];
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %d", 0));
  ssize_t m = daemon_recv(d, buf, sizeof buf);
  expect_rec(buf, m, 0); /* connected, sending */

  set_refusing(1);
  const long n = 5;
  for (long k = 1; k <= n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  /* No further call from the test: the sink retries by itself, again and
   * again, each time after its timer (not in a busy loop). */
  const int tries = 8;
  cr_assert_geq(wait_refused(tries), tries, "the sink stopped retrying after ENOBUFS");
  set_refusing(0);
  pthread_mutex_lock(&mu);
  int64_t shortest = INT64_MAX;
  for (int i = 1; i < n_refused; i++)
    if (refused[i] - refused[i - 1] < shortest) shortest = refused[i] - refused[i - 1];
  int total = n_refused;
  pthread_mutex_unlock(&mu);
  cr_assert_geq(shortest, 5, "retries %lld ms apart: not from a 10 ms timer", (long long)shortest);
  struct pollfd p = {d, POLLIN, 0};
  cr_assert_eq(poll(&p, 1, 0), 0, "nothing was sent while send() said ENOBUFS");

  /* send() works again: the next retry sends every kept record, in order. */
  for (long k = 1; k <= n; k++) {
    m = daemon_recv(d, buf, sizeof buf);
    NF_CHECK(m > 0, "kept record %ld never came after ENOBUFS ended", k);
    expect_rec(buf, m, k);
  }
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u, "ENOBUFS from send() keeps records, it does not drop them");
  cr_log_info("%d sends refused with ENOBUFS, retries at least %lld ms apart", total,
              (long long)shortest);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}
