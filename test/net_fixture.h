/*
 * net_fixture.h -- helpers shared by the syslog, TCP and interop tests:
 * per-test temporary directories, sleeping, waiting on a condition with a
 * deadline (never asserted on: a deadline only turns a hang into a failure),
 * reading files, a loopback socket, a started logger with one sink, and
 * logging in flushed batches. Header-only (static functions); include it once per
 * test executable.
 */
#ifndef UVLOG_TEST_NET_FIXTURE_H
#define UVLOG_TEST_NET_FIXTURE_H

/* Checks for loops: Criterion reports every passing cr_assert to its runner
 * process, which makes thousands of them slow (very, under sanitizers); these
 * only call Criterion when the check fails. */
#define NF_CHECK(cond, ...)                    \
  do {                                         \
    if (!(cond)) cr_assert_fail(__VA_ARGS__);  \
  } while (0)
#define NF_LOG_OK(call)                                                     \
  do {                                                                      \
    int nf_rc_ = (call);                                                    \
    if (nf_rc_ != 0) cr_assert_fail("%s returned %d", #call, nf_rc_);       \
  } while (0)

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "uvlog.h"

/* strstr without the sanitizers' per-call strlen of the haystack (which makes
 * a scan of a large file for many matches quadratic under ASan). */
static inline char *nf_strstr(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = hay; *p; p++)
    if (*p == needle[0] && strncmp(p, needle, n) == 0) return (char *)p;
  return NULL;
}

static inline void nf_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static inline int64_t nf_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* NULL when `host` resolves, else why not. NF_REQUIRE_RESOLVES fails the test
 * at once with that reason: a TCP sink to a name that does not resolve only
 * counts errors and retries until the test times out. "localhost" comes from
 * /etc/hosts, which a bare chroot or container image may lack. */
static inline const char *nf_resolve_error(const char *host) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host, NULL, &hints, &res);
  if (res) freeaddrinfo(res);
  return rc == 0 ? NULL : gai_strerror(rc);
}
#define NF_REQUIRE_RESOLVES(host)                                                                  \
  do {                                                                                             \
    const char *nf_err_ = nf_resolve_error(host);                                                  \
    if (nf_err_)                                                                                   \
      cr_assert_fail("'%s' does not resolve (%s): the test needs a '127.0.0.1 localhost' line in " \
                     "/etc/hosts", (host), nf_err_);                                               \
  } while (0)

/* Creates a fresh directory under $UVLOG_TEST_TMPDIR (or /tmp). */
static inline void nf_mkdtemp(char *out, size_t cap, const char *tag) {
  const char *base = getenv("UVLOG_TEST_TMPDIR");
  if (!base || !*base) base = "/tmp";
  mkdir(base, 0700); /* meson's tmp dir may not exist yet */
  snprintf(out, cap, "%s/%s-XXXXXX", base, tag);
  if (!mkdtemp(out)) {
    fprintf(stderr, "mkdtemp(%s): %s\n", out, strerror(errno));
    abort();
  }
}

/* rm -r for the flat-or-one-level directories the tests create. */
static inline void nf_rmtree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  char p[4096];
  while ((de = readdir(d)) != NULL) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (strlen(dir) + strlen(de->d_name) + 2 > sizeof p) continue;
    strcpy(p, dir);
    strcat(p, "/");
    strcat(p, de->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) nf_rmtree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Reads a whole file (NUL-terminated); NULL if missing. */
static inline char *nf_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap + 1);
  size_t k;
  while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(b, cap + 1);
      if (!nb) { free(b); b = NULL; }
      else b = nb;
    }
  }
  fclose(f);
  if (!b) return NULL;
  b[n] = 0;
  if (len) *len = n;
  return b;
}

/* Like nf_read_file, but cut after the last '\n': a line the writer has not
 * finished yet is left out. */
static inline char *nf_read_lines(const char *path, size_t *len) {
  size_t n;
  char *b = nf_read_file(path, &n);
  if (!b) return NULL;
  while (n > 0 && b[n - 1] != '\n') n--;
  b[n] = 0;
  if (len) *len = n;
  return b;
}

/* Counts '\n' in a file (0 if missing). */
static inline size_t nf_count_lines(const char *path) {
  size_t len, n = 0;
  char *b = nf_read_file(path, &len);
  if (!b) return 0;
  for (size_t i = 0; i < len; i++) n += b[i] == '\n';
  free(b);
  return n;
}

/* A TCP socket bound to 127.0.0.1 on a free port, not listening yet (connects
 * to it are refused until listen()). Stores the port as text in `port`. */
static inline int nf_loopback_socket(char *port, size_t cap) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    fprintf(stderr, "loopback socket: %s\n", strerror(errno));
    abort();
  }
  snprintf(port, cap, "%d", ntohs(a.sin_port));
  return fd;
}

/* A logger (default options but `overflow`) with one sink, started. */
static inline uvlog_t *nf_logger_with(uvlog_sink_t *sink, uvlog_overflow_t overflow) {
  uvlog_t *log = NULL;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.overflow = overflow;
  if (uvlog_logger_create(&log, &o) != 0 || uvlog_sink_add(log, sink) != 0 ||
      uvlog_logger_start(log) != 0)
    abort();
  return log;
}

/* Logs `batches` batches of `per` copies of msg[0..len), flushing after each
 * (whatever the flush returns). Returns the ms it took. */
static inline int64_t nf_log_batches(uvlog_t *log, int batches, int per, const char *msg,
                                     size_t len) {
  int64_t t0 = nf_now_ms();
  for (int b = 0; b < batches; b++) {
    for (int i = 0; i < per; i++)
      if (uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, msg, len) != 0) abort();
    uvlog_logger_flush(log, 30000);
  }
  return nf_now_ms() - t0;
}

/* Closes the logger; returns the ms it took. */
static inline int64_t nf_timed_close(uvlog_t *log) {
  int64_t t0 = nf_now_ms();
  uvlog_logger_close(log);
  return nf_now_ms() - t0;
}

/* For a sink writing to a descriptor whose reader stopped: a logger with it
 * logs `batches` flushed batches of 100 records of 1000 bytes (the first
 * fills a pipe) and closes, all within `max_ms` (one bounded wait, not one
 * per batch); all but the first batch's records were dropped and counted,
 * with -EAGAIN. Returns the closed logger, for uvlog_logger_destroy(). */
static inline uvlog_t *nf_check_stalled_writes(uvlog_sink_t *s, int batches, int64_t max_ms) {
  uvlog_t *log = nf_logger_with(s, UVLOG_OVERFLOW_DROP);
  static char msg[1000];
  memset(msg, 'x', sizeof msg);
  int64_t took = nf_log_batches(log, batches, 100, msg, sizeof msg);
  uvlog_sink_stats_t st;
  uvlog_sink_stats(s, &st); /* the sink is freed by close */
  took += nf_timed_close(log);
  if (took >= max_ms)
    cr_assert_fail("%d batches to a stopped reader took %lld ms", batches, (long long)took);
  if (st.dropped < (uint64_t)(batches - 1) * 100)
    cr_assert_fail("dropped %llu", (unsigned long long)st.dropped);
  if (st.last_error != -EAGAIN) cr_assert_fail("last error %d", st.last_error);
  return log;
}

/* For a sink with records it cannot deliver and flush_timeout_ms 1000: the
 * logger's flush(8000) returns within 2 s (1 s of deadline, the rest slack
 * for a loaded machine and sanitizers; it took 8 s before the fix) and the
 * sink's flush completed
 * with UVLOG_ETIMEDOUT (what the logger's flush returns is the listener's
 * business, not checked here). */
static inline void nf_check_flush_deadline(uvlog_t *log, uvlog_sink_t *sink) {
  int64_t t0 = nf_now_ms();
  uvlog_logger_flush(log, 8000);
  int64_t took = nf_now_ms() - t0;
  uvlog_sink_stats_t st;
  uvlog_sink_stats(sink, &st);
  if (took >= 2000) cr_assert_fail("flush took %lld ms (flush_timeout_ms 1000)", (long long)took);
  if (st.last_error != UVLOG_ETIMEDOUT) cr_assert_fail("last error %d", st.last_error);
}

/* The same sink with close_timeout_ms 1000: the logger's close returns within
 * 2 s (it took 6 s before the fix). */
static inline void nf_check_close_deadline(uvlog_t *log) {
  int64_t took = nf_timed_close(log);
  if (took >= 2000) cr_assert_fail("close took %lld ms (close_timeout_ms 1000)", (long long)took);
}

#endif /* UVLOG_TEST_NET_FIXTURE_H */
