/*
 * bench_preload.c -- libuvlog-syslog.so against glibc's syslog(3): the
 * caller latency of syslog() in an unmodified program (syslog_lat) with 1
 * and 2 threads, with and without LD_PRELOAD, into a private receiver.
 *
 * glibc always sends to /dev/log, so the benchmark runs in a private mount
 * namespace whose /dev is a fresh tmpfs with the receiver's socket bound at
 * /dev/log (root, or unprivileged user namespaces). The receiver is a thread
 * here that reads datagrams as fast as it can (as bench_sys.c's receiver);
 * in the "stopped" rows it does not read at all, so the socket's queue is
 * full: glibc's syslog() then blocks (the row says it was killed after 3 s),
 * the preload's does not.
 * Usage: bench_preload [calls per thread] [spacing in us] (defaults 200000, 2).
 * Prints one line per row, with the datagrams the receiver got during it (the
 * preload drops and counts what its ring or its sink buffer cannot hold;
 * glibc loses nothing because it waits).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Atomic int reading = 1, quit;
static _Atomic long received;
static int rfd = -1;

static void *receiver(void *arg) {
  (void)arg;
  char buf[65536];
  while (!atomic_load_explicit(&quit, memory_order_relaxed)) {
    if (!atomic_load_explicit(&reading, memory_order_relaxed)) {
      usleep(1000);
      continue;
    }
    struct pollfd pf = {rfd, POLLIN, 0};
    if (poll(&pf, 1, 50) > 0 && recv(rfd, buf, sizeof buf, MSG_DONTWAIT) > 0)
      atomic_fetch_add_explicit(&received, 1, memory_order_relaxed);
  }
  return NULL;
}

static int setup_devlog(void) {
  if (unshare(CLONE_NEWNS) != 0) {
    perror("bench_preload: unshare(CLONE_NEWNS) (needs root)");
    return -1;
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") != 0) {
    perror("bench_preload: mount");
    return -1;
  }
  rfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
  int big = 4 << 20;
  setsockopt(rfd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  if (bind(rfd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    perror("bench_preload: bind /dev/log");
    return -1;
  }
  return 0;
}

/* Runs syslog_lat; copies its output line into out. Returns 0, or -1 when it
 * had to be killed after timeout_s. */
static int spacing_ns = 2000;

static int run(const char *prog, const char *lib, int threads, int calls, int timeout_s, char *out,
               size_t cap) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    char t[16], c[16], sp[16];
    snprintf(t, sizeof t, "%d", threads);
    snprintf(c, sizeof c, "%d", calls);
    snprintf(sp, sizeof sp, "%d", spacing_ns);
    if (lib) setenv("LD_PRELOAD", lib, 1);
    else unsetenv("LD_PRELOAD");
    execl(prog, prog, t, c, sp, (char *)NULL);
    _exit(127);
  }
  close(p[1]);
  struct pollfd pf = {p[0], POLLIN, 0};
  int rc = 0;
  ssize_t k = poll(&pf, 1, timeout_s * 1000) > 0 ? read(p[0], out, cap - 1) : -1;
  if (k <= 0) {
    kill(pid, SIGKILL);
    rc = -1;
    k = 0;
  }
  out[k] = 0;
  char *nl = strchr(out, '\n');
  if (nl) *nl = 0;
  waitpid(pid, NULL, 0);
  close(p[0]);
  return rc;
}

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 200000;
  if (argc > 2) spacing_ns = atoi(argv[2]) * 1000;
  const char *prog = getenv("BENCH_SYSLOG_LAT") ? getenv("BENCH_SYSLOG_LAT") : BENCH_SYSLOG_LAT;
  const char *lib = getenv("BENCH_PRELOAD_LIB") ? getenv("BENCH_PRELOAD_LIB") : BENCH_PRELOAD_LIB;
  if (setup_devlog() != 0) return 1;
  pthread_t th;
  pthread_create(&th, NULL, receiver, NULL);
  printf("bench_preload: syslog() caller latency, %d calls per thread, %d us apart, "
         "receiver on a private /dev/log\n", calls, spacing_ns / 1000);
  for (int stopped = 0; stopped < 2; stopped++) {
    atomic_store_explicit(&reading, !stopped, memory_order_relaxed);
    for (int threads = 1; threads <= 2; threads++)
      for (int pre = 0; pre < 2; pre++) {
        char line[256];
        atomic_store_explicit(&received, 0, memory_order_relaxed);
        int rc = run(prog, pre ? lib : NULL, threads, calls, stopped && !pre ? 3 : 120, line, sizeof line);
        if (!stopped) usleep(500 * 1000); /* the last datagrams reach the receiver */
        printf("%-16s %-9s %d thread%s  %s received=%ld\n", pre ? "preload" : "glibc syslog(3)",
               stopped ? "stopped" : "reading", threads, threads > 1 ? "s" : " ",
               rc == 0 ? line : "stalled: killed after 3 s",
               atomic_load_explicit(&received, memory_order_relaxed));
        fflush(stdout);
      }
  }
  atomic_store_explicit(&quit, 1, memory_order_relaxed);
  pthread_join(th, NULL);
  return 0;
}
