/*
 * backoff_fixture.h -- watches a network sink's connection attempts and
 * checks them against the documented reconnect schedule (docs/net-sinks.md):
 * after the k-th failure in a row a random delay in [d/2, d], with
 * d = MIN_MS * 2^k capped at MAX_MS, reset to MIN_MS by a successful connect.
 *
 * The including test executable gets this file's connect(): the library is
 * linked statically into it, so the sinks' connect() calls (libuv's for TCP,
 * the syslog sink's own) land here. A call to the watched TCP port or unix
 * socket path is timestamped, then every call goes to the kernel.
 *
 * Timers fire late, never early: each interval has a firm lower bound
 * (d/2, less the loop clock's coarseness) and only a generous upper one.
 * Include net_fixture.h first; include this in one file per executable.
 */
#ifndef UVLOG_TEST_BACKOFF_FIXTURE_H
#define UVLOG_TEST_BACKOFF_FIXTURE_H

#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define MIN_MS 50
#define MAX_MS 800
#define SLACK_MS 10  /* loop time is coarse (a few ms behind the clock) */
#define LATE_MS 2000 /* how late a timer may fire on a loaded machine */
#define MAX_ATTEMPTS 64

static pthread_mutex_t bo_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bo_cv = PTHREAD_COND_INITIALIZER;
static int bo_port;                       /* watched TCP port (host order), or 0 */
static char bo_path[108];                 /* watched unix socket path, or "" */
static int64_t attempts[MAX_ATTEMPTS];    /* ms, CLOCK_MONOTONIC */
static int n_attempts;

static int bo_watched(const struct sockaddr *sa, socklen_t len) {
  if (!sa) return 0;
  if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
    return bo_port && ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port) == bo_port;
  if (sa->sa_family == AF_UNIX && len > (socklen_t)offsetof(struct sockaddr_un, sun_path))
    return bo_path[0] &&
           strncmp(((const struct sockaddr_un *)(const void *)sa)->sun_path, bo_path,
                   sizeof bo_path) == 0;
  return 0;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len) {
  pthread_mutex_lock(&bo_mu);
  if (bo_watched(sa, len) && n_attempts < MAX_ATTEMPTS) {
    attempts[n_attempts++] = nf_now_ms();
    pthread_cond_broadcast(&bo_cv);
  }
  pthread_mutex_unlock(&bo_mu);
  return (int)syscall(SYS_connect, fd, sa, len);
}

/* Watches TCP `port` (host order) or unix socket `path`; 0 / NULL: neither. */
static inline void watch(int port, const char *path) {
  pthread_mutex_lock(&bo_mu);
  bo_port = port;
  size_t n = path ? strlen(path) : 0;
  if (n >= sizeof bo_path) n = sizeof bo_path - 1; /* sun_path's size */
  if (n) memcpy(bo_path, path, n);
  bo_path[n] = '\0';
  pthread_mutex_unlock(&bo_mu);
}

/* Attempts seen so far. */
static inline int attempts_seen(void) {
  pthread_mutex_lock(&bo_mu);
  int n = n_attempts;
  pthread_mutex_unlock(&bo_mu);
  return n;
}

/* Waits (at most 30 s) until `n` attempts were made; returns how many. */
static inline int wait_attempts(int n) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 30;
  pthread_mutex_lock(&bo_mu);
  while (n_attempts < n && pthread_cond_timedwait(&bo_cv, &bo_mu, &deadline) == 0) {}
  int got = n_attempts;
  pthread_mutex_unlock(&bo_mu);
  return got;
}

/* The delay bound d before retry k (k = 0: after the first failure). */
static inline unsigned bound_ms(int k) {
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
static inline void check_schedule(const int64_t *t, int n, int k0, const char *phase,
                                  spread_t *sp) {
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

/* The schedule of a sink that failed `pre` times, connected at attempt
 * `connected` - 1, lost the connection at `hangup` (ms) and failed `post`
 * times since: growth before and after, the reset, and jitter throughout. */
static inline void check_backoff(int connected, int64_t hangup, int post) {
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
              "interval / d from %.2f to %.2f", connected, (long long)first, sp.lo_ratio,
              sp.hi_ratio);
  /* Jitter: without it every delay is exactly d (ratio >= 1, late timers
   * only add); with it, delays are spread over [d/2, d]. Over the 8 delays
   * with d >= 200 ms the chance that none is below 0.9 d is about 1e-5. */
  cr_assert_lt(sp.lo_ratio, 0.9, "no delay below 0.9 d: the sink does not jitter (smallest %.2f)",
               sp.lo_ratio);
  cr_assert_gt(sp.hi_ratio, 0.6, "no delay above 0.6 d: jitter stuck at d/2 (largest %.2f)",
               sp.hi_ratio);
}

/* After the hang-up at `hangup` (ms): waits for 5 more attempts, closes
 * the logger, and checks the whole schedule. */
static inline void finish_backoff(uvlog_t *log, int connected, int64_t hangup) {
  const int post = 5;
  cr_assert_geq(wait_attempts(connected + post), connected + post, "no reconnect after the hang-up");
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  watch(0, NULL);
  check_backoff(connected, hangup, post);
}

#endif /* UVLOG_TEST_BACKOFF_FIXTURE_H */
