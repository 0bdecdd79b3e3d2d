/*
 * soak.c -- a long run that checks uvlog's accounting under churn: producer
 * threads log at a steady rate for minutes into a file sink that rotates and
 * a TCP sink (NDJSON) whose receiver, in this process, is killed (connection
 * reset, listening socket closed) and restarted every few seconds. At the end
 * it reads every rotated file and everything the receiver got, and prints,
 * per sink:
 *
 *   produced   log calls that returned 0 (accepted)
 *   unique     distinct records found at the sink
 *   dups       records found more than once
 *   dropped    records the sink said it lost (uvlog_sink_stats)
 *   untraced   produced - unique - dropped: lost without a count
 *
 * plus the ring's own drops (calls that returned UVLOG_EAGAIN, which must
 * equal uvlog_logger_stats().dropped). The file sink must show
 * untraced == 0 and dups == 0; for TCP, docs/net-sinks.md says which
 * records can be lost without a trace (bytes in flight when a connection
 * dies) or arrive twice (the write that failed), and the run shows how many.
 *
 *   soak [--seconds N] [--threads T] [--rate R] [--kill-every S] [--down-ms D]
 *        [--block] [--dir DIR]
 * Public API only. Not run by the test suite (it takes minutes); results are
 * recorded in docs/guarantees.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "uvlog.h"

#define MAX_THREADS 16

typedef struct opts {
  int seconds, threads, rate, kill_every, down_ms, block;
  const char *dir;
} opts_t;

/* Which (thread, seq) records a sink delivered: a count per record. */
typedef struct seen {
  uint8_t *hits[MAX_THREADS];
  uint64_t cap;
  uint64_t unique, dups, foreign;
} seen_t;

static opts_t O = {60, 2, 20000, 5, 1000, 0, "/tmp/uvlog-soak"};
static uint64_t produced[MAX_THREADS], refused[MAX_THREADS];
static atomic_int stop_producers, stop_receiver;
static uvlog_t *logger;
static seen_t tcp_seen, file_seen;
static int port;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void mark(seen_t *s, const char *line) {
  const char *p = strstr(line, "soak t=");
  unsigned t;
  unsigned long long seq;
  if (!p || sscanf(p, "soak t=%u seq=%llu", &t, &seq) != 2 || t >= MAX_THREADS || seq >= s->cap) {
    s->foreign++;
    return;
  }
  uint8_t *h = &s->hits[t][seq];
  if (*h == 0) s->unique++;
  else s->dups++;
  if (*h < 255) (*h)++;
}

/* ---- producers ------------------------------------------------------------- */

static void *producer(void *arg) {
  int t = (int)(intptr_t)arg;
  int64_t gap = 1000000000LL / O.rate, next = now_ns();
  for (uint64_t seq = 0; !atomic_load(&stop_producers) && seq < tcp_seen.cap; seq++) {
    while (now_ns() < next) {
    }
    next += gap;
    int rc = UVLOG_INFO_TO(logger, "soak t=%d seq=%llu pad=%s", t, (unsigned long long)seq,
                           "0123456789abcdef");
    if (rc == 0) produced[t]++;
    else if (rc == UVLOG_EAGAIN) refused[t]++;
    else fprintf(stderr, "soak: log call returned %d (%s)\n", rc, uvlog_strerror(rc));
  }
  return NULL;
}

/* ---- the TCP receiver ------------------------------------------------------ */

static int listen_on(int p) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  if (p == 0) {
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    port = ntohs(a.sin_port);
  }
  return fd;
}

/* Reads lines from one connection until it ends or a kill is due. */
static void serve(int lfd, int64_t kill_at) {
  static char buf[1 << 16], line[1 << 16];
  size_t ll = 0;
  while (!atomic_load(&stop_receiver) && (kill_at == 0 || now_ns() < kill_at)) {
    struct timeval tv = {0, 100000};
    setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) continue;
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (;;) {
      if (kill_at && now_ns() >= kill_at) break;
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN && !atomic_load(&stop_receiver)) continue;
        if (errno == EAGAIN) break;
        break;
      }
      for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
          if (ll < sizeof line - 1) line[ll++] = buf[i];
          continue;
        }
        line[ll] = 0;
        mark(&tcp_seen, line);
        ll = 0;
      }
    }
    /* A kill: reset the connection (no orderly close: bytes in flight die). */
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c);
    ll = 0;
  }
}

static void *receiver(void *arg) {
  int lfd = *(int *)arg;
  while (!atomic_load(&stop_receiver)) {
    int64_t kill_at = atomic_load(&stop_producers) ? 0 : now_ns() + (int64_t)O.kill_every * 1000000000;
    serve(lfd, kill_at);
    if (atomic_load(&stop_receiver)) break;
    if (atomic_load(&stop_producers)) continue; /* draining: stay up */
    close(lfd);
    struct timespec d = {O.down_ms / 1000, (long)(O.down_ms % 1000) * 1000000};
    nanosleep(&d, NULL);
    while ((lfd = listen_on(port)) < 0) nanosleep(&d, NULL);
  }
  close(lfd);
  return NULL;
}

/* ---- the file sink's files ---------------------------------------------------- */

static void read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char line[1 << 12];
  while (fgets(line, sizeof line, f)) mark(&file_seen, line);
  fclose(f);
}

static void remove_rotated(const char *path) {
  char p[600];
  unlink(path);
  for (int i = 1; i <= UVLOG_FILE_MAX_KEEP; i++) {
    snprintf(p, sizeof p, "%s.%d", path, i);
    unlink(p);
  }
}

static void read_rotated(const char *path) {
  char p[600];
  read_file(path);
  for (int i = 1; i <= UVLOG_FILE_MAX_KEEP; i++) {
    snprintf(p, sizeof p, "%s.%d", path, i);
    struct stat st;
    if (stat(p, &st) != 0) break;
    read_file(p);
  }
}

/* ---- set-up and report ------------------------------------------------------------ */

static void parse(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
    if (!strcmp(a, "--seconds")) O.seconds = atoi(v), i++;
    else if (!strcmp(a, "--threads")) O.threads = atoi(v), i++;
    else if (!strcmp(a, "--rate")) O.rate = atoi(v), i++;
    else if (!strcmp(a, "--kill-every")) O.kill_every = atoi(v), i++;
    else if (!strcmp(a, "--down-ms")) O.down_ms = atoi(v), i++;
    else if (!strcmp(a, "--dir")) O.dir = v, i++;
    else if (!strcmp(a, "--block")) O.block = 1;
    else {
      fprintf(stderr, "usage: soak [--seconds N] [--threads T] [--rate R] [--kill-every S] "
                      "[--down-ms D] [--block] [--dir DIR]\n");
      exit(2);
    }
  }
  if (O.threads < 1 || O.threads > MAX_THREADS || O.rate < 1 || O.seconds < 1 ||
      O.kill_every < 1 || O.down_ms < 0) {
    fprintf(stderr, "soak: option out of range\n");
    exit(2);
  }
}

static void alloc_seen(seen_t *s, uint64_t cap) {
  s->cap = cap;
  for (int t = 0; t < MAX_THREADS; t++) s->hits[t] = calloc(t < O.threads ? cap : 1, 1);
}

static int check(int rc, const char *what) {
  if (rc != 0) {
    fprintf(stderr, "soak: %s: %s\n", what, uvlog_strerror(rc));
    exit(1);
  }
  return rc;
}

static void report(const char *name, const seen_t *s, const uvlog_sink_t *sink, uint64_t total) {
  uvlog_sink_stats_t st;
  uvlog_sink_stats(sink, &st);
  long long untraced = (long long)total - (long long)s->unique - (long long)st.dropped;
  printf("%-5s produced %10llu  unique %10llu  dups %6llu  dropped %8llu  untraced %6lld"
         "  errors %llu (last: %s)\n",
         name, (unsigned long long)total, (unsigned long long)s->unique,
         (unsigned long long)s->dups, (unsigned long long)st.dropped, untraced,
         (unsigned long long)st.errors, uvlog_strerror(st.last_error));
}

int main(int argc, char **argv) {
  parse(argc, argv);
  mkdir(O.dir, 0755);
  char path[512];
  snprintf(path, sizeof path, "%s/soak.log", O.dir);
  remove_rotated(path); /* a previous run's files */
  uint64_t cap = (uint64_t)O.rate * (uint64_t)O.seconds + 1;
  alloc_seen(&tcp_seen, cap);
  alloc_seen(&file_seen, cap);

  int lfd = listen_on(0);
  if (lfd < 0) return perror("listen"), 1;
  char portstr[16];
  snprintf(portstr, sizeof portstr, "%d", port);

  uvlog_options_t lo;
  uvlog_options_init(&lo);
  lo.ring_capacity = (size_t)8 << 20;
  lo.overflow = O.block ? UVLOG_OVERFLOW_BLOCK : UVLOG_OVERFLOW_DROP;
  check(uvlog_logger_create(&logger, &lo), "create");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 4 << 20;
  fo.keep = UVLOG_FILE_MAX_KEEP;
  uvlog_sink_t *file = NULL, *tcp = NULL;
  check(uvlog_sink_file_create(&file, path, &fo), "file sink");
  uvlog_tcp_options_t to;
  uvlog_tcp_options_init(&to);
  to.host = "127.0.0.1";
  to.port = portstr;
  to.framing = UVLOG_TCP_NDJSON;
  to.reconnect_min_ms = 50;
  to.reconnect_max_ms = 500;
  check(uvlog_sink_tcp_create(&tcp, &to), "tcp sink");
  check(uvlog_sink_add(logger, file), "add file");
  check(uvlog_sink_add(logger, tcp), "add tcp");
  check(uvlog_logger_start(logger), "start");

  pthread_t rt, pt[MAX_THREADS];
  pthread_create(&rt, NULL, receiver, &lfd);
  for (int t = 0; t < O.threads; t++) pthread_create(&pt[t], NULL, producer, (void *)(intptr_t)t);
  printf("soak: %d s, %d threads x %d records/s, receiver killed every %d s for %d ms, %s\n",
         O.seconds, O.threads, O.rate, O.kill_every, O.down_ms, O.block ? "BLOCK" : "DROP");
  fflush(stdout);
  struct timespec run = {O.seconds, 0};
  nanosleep(&run, NULL);
  atomic_store(&stop_producers, 1);
  for (int t = 0; t < O.threads; t++) pthread_join(pt[t], NULL);
  /* The receiver may be in one of its down periods: flush until a flush
   * succeeds (everything delivered) or 30 s pass, so that what is still in
   * the TCP backlog is not miscounted as lost. */
  int64_t t0 = now_ns();
  int frc;
  while ((frc = uvlog_logger_flush(logger, 30000)) != 0 && now_ns() - t0 < 30000000000LL) {
    struct timespec pause = {0, 200000000};
    nanosleep(&pause, NULL);
  }
  printf("final flush: %s after %.1f s\n", uvlog_strerror(frc), (double)(now_ns() - t0) / 1e9);
  uvlog_stats_t ls;
  uvlog_logger_stats(logger, &ls);
  uint64_t total = 0, ring_refused = 0;
  for (int t = 0; t < O.threads; t++) total += produced[t], ring_refused += refused[t];
  struct timespec grace = {1, 0};
  nanosleep(&grace, NULL); /* let the receiver read what the kernel holds */
  report("tcp", &tcp_seen, tcp, total); /* before close frees the sinks */
  uvlog_sink_stats_t fst;
  uvlog_sink_stats(file, &fst);
  atomic_store(&stop_receiver, 1);
  pthread_join(rt, NULL);
  uvlog_logger_close(logger);
  read_rotated(path);
  long long funtraced = (long long)total - (long long)file_seen.unique - (long long)fst.dropped;
  printf("%-5s produced %10llu  unique %10llu  dups %6llu  dropped %8llu  untraced %6lld"
         "  errors %llu\n",
         "file", (unsigned long long)total, (unsigned long long)file_seen.unique,
         (unsigned long long)file_seen.dups, (unsigned long long)fst.dropped, funtraced,
         (unsigned long long)fst.errors);
  printf("ring  refused %llu (stats: dropped %llu)  %s\n", (unsigned long long)ring_refused,
         (unsigned long long)ls.dropped, ring_refused == ls.dropped ? "exact" : "MISMATCH");
  int ok = funtraced == 0 && file_seen.dups == 0 && ring_refused == ls.dropped;
  printf("verdict: %s\n", ok ? "file sink exact, ring drops exact" : "ACCOUNTING BROKEN");
  uvlog_logger_destroy(logger);
  return ok ? 0 : 1;
}
