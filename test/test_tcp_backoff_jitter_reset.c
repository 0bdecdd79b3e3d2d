/*
 * test_tcp_backoff_jitter_reset.c -- the TCP sink's reconnects follow the
 * documented schedule (docs/net-sinks.md): after the k-th failure the sink
 * waits a random delay in [d/2, d] with d = reconnect_min_ms * 2^k capped at
 * reconnect_max_ms, and a successful connect resets d to reconnect_min_ms.
 *
 * The test executable defines connect() itself (the library is linked
 * statically into it and libuv calls connect() through the dynamic linker,
 * which finds the executable's definition first): every attempt on the
 * test's port is timestamped, then passed on to the kernel. The port is a
 * bound socket that refuses until the test calls listen() on it.
 *
 * Only the schedule's shape is asserted, with bounds that a loaded machine
 * under sanitizers keeps: timers fire late, never early, so each interval
 * has a firm lower bound (growth); jitter shows as intervals clearly below
 * d and clearly above d/2; after a connect and a hang-up the next attempt
 * comes far sooner than the capped delay's lower bound (reset).
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

#define MIN_MS 50
#define MAX_MS 800
#define SLACK_MS 10      /* loop time is coarse (a few ms behind the clock) */
#define LATE_MS 2000     /* how late a timer may fire on a loaded machine */
#define MAX_ATTEMPTS 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int watched_port;             /* host order; 0: watch nothing */
static int64_t attempts[MAX_ATTEMPTS]; /* ms, CLOCK_MONOTONIC */
static int n_attempts;

int connect(int fd, const struct sockaddr *sa, socklen_t len) {
  if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
    pthread_mutex_lock(&mu);
    if (watched_port && ntohs(in->sin_port) == watched_port && n_attempts < MAX_ATTEMPTS) {
      attempts[n_attempts++] = nf_now_ms();
      pthread_cond_broadcast(&cv);
    }
    pthread_mutex_unlock(&mu);
  }
  return (int)syscall(SYS_connect, fd, sa, len);
}

/* Waits (at most 30 s) until `n` attempts were made; returns how many. */
static int wait_attempts(int n) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 30;
  pthread_mutex_lock(&mu);
  while (n_attempts < n && pthread_cond_timedwait(&cv, &mu, &deadline) == 0) {}
  int got = n_attempts;
  pthread_mutex_unlock(&mu);
  return got;
}

/* The delay bound d before the k-th retry (k = 0: after the first failure). */
static unsigned bound_ms(int k) {
  unsigned d = MIN_MS;
  while (k-- > 0 && d < MAX_MS) d *= 2;
  return d < MAX_MS ? d : MAX_MS;
}

typedef struct {
  double lo_ratio, hi_ratio; /* smallest and largest interval / d, d >= 200 ms */
} spread_t;

/* Intervals t[1]-t[0], t[2]-t[1]... are retries k0, k0 + 1... of the
 * schedule: each is at least d/2 (minus the loop clock's coarseness) and at
 * most d plus a generous lateness. Ratios interval / d for d >= 200 ms go to
 * `sp` (shorter delays are too close to the clock's coarseness). */
static void check_schedule(const int64_t *t, int n, int k0, const char *phase, spread_t *sp) {
  for (int i = 0; i + 1 < n; i++) {
    int64_t iv = t[i + 1] - t[i];
    unsigned d = bound_ms(k0 + i);
    NF_CHECK(iv >= (int64_t)(d / 2) - SLACK_MS,
             "%s: retry %d came after %lld ms, before the backoff's lower bound %u ms", phase,
             k0 + i, (long long)iv, d / 2);
    NF_CHECK(iv <= (int64_t)d + LATE_MS, "%s: retry %d came after %lld ms (bound %u ms)", phase,
             k0 + i, (long long)iv, d);
    if (d >= 200) {
      double r = (double)iv / d;
      if (r < sp->lo_ratio) sp->lo_ratio = r;
      if (r > sp->hi_ratio) sp->hi_ratio = r;
    }
  }
}

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
  pthread_mutex_lock(&mu);
  watched_port = atoi(port);
  pthread_mutex_unlock(&mu);

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
  pthread_mutex_lock(&mu);
  int connected = n_attempts; /* the last one connected */
  pthread_mutex_unlock(&mu);
  /* Hang up and refuse again: the sink reads EOF and reconnects. */
  close(lfd);
  int64_t hangup = nf_now_ms();
  close(c);
  const int post = 5;
  cr_assert_geq(wait_attempts(connected + post), connected + post, "no reconnect after the hang-up");
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  pthread_mutex_lock(&mu);
  watched_port = 0;
  pthread_mutex_unlock(&mu);

  spread_t sp = {10.0, 0.0};
  check_schedule(attempts, connected, 0, "before the connect", &sp);
  /* Reset: without it the delay after the hang-up is the capped one, at
   * least MAX_MS / 2 = 400 ms; with it, at most MIN_MS = 50 ms. */
  int64_t first = attempts[connected] - hangup;
  cr_assert_lt(first, MAX_MS / 2 - 100,
               "the first reconnect came %lld ms after the hang-up: the connect did not reset "
               "the backoff (capped delays are >= %d ms)",
               (long long)first, MAX_MS / 2);
  cr_assert_geq(first, MIN_MS / 2 - SLACK_MS, "a reconnect after a hang-up waits too (%lld ms)",
                (long long)first);
  /* ... and the schedule grows again from there (retry 0 was the one above). */
  check_schedule(attempts + connected, post, 1, "after the reset", &sp);
  cr_log_info("%d attempts up to the connect, first reconnect %lld ms after the hang-up, "
              "interval / d from %.2f to %.2f", connected, (long long)first, sp.lo_ratio, sp.hi_ratio);
  /* Jitter: without it every delay is exactly d (ratio >= 1, late timers
   * only add); with it, delays are spread over [d/2, d]. Over the 8 delays
   * with d >= 200 ms the chance that none is below 0.9 d is about 1e-5. */
  cr_assert_lt(sp.lo_ratio, 0.9, "no delay below 0.9 d: the sink does not jitter (smallest %.2f)",
               sp.lo_ratio);
  cr_assert_gt(sp.hi_ratio, 0.6, "no delay above 0.6 d: jitter stuck at d/2 (largest %.2f)",
               sp.hi_ratio);
}
