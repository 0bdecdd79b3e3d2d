/*
 * contenders.c -- the contenders that need nothing but libc: the timing
 * overhead, the two floors, fprintf(3) to a FILE, and syslog(3) to a
 * receiver the benchmark runs itself.
 *
 * syslog(3) in glibc always sends to /dev/log. bench_syslog_namespace()
 * moves the whole process (before it has threads) into a private mount
 * namespace whose /dev is a fresh tmpfs; the real /dev stays reachable as
 * /dev/.host and /dev/null etc. are symlinks into it. The receiver binds a
 * datagram socket at /dev/log there and appends every datagram as one line to
 * the contender's file, exactly as it arrived (glibc's own RFC 3164 prefix).
 * Nothing outside the process sees any of it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Results of the floors land here so the compiler cannot drop the work. */
static volatile unsigned char floor_sink;

static int nop_open(void **st, const char *path, int nthreads, const char **why) {
  (void)path; (void)nthreads; (void)why;
  *st = NULL;
  return 0;
}
static uint64_t no_drops(void *st) { (void)st; return 0; }
static void nop_close(void *st) { (void)st; }

/* ---- the timing overhead: an empty call through the same pointer ---- */

static void timer_log(void *st, int i) { (void)st; (void)i; }

const bench_contender_t bench_timer = {
  "timer", "timing overhead: rdtscp pair around an empty call", 0,
  nop_open, timer_log, NULL, no_drops, nop_close };

/* ---- floor 1: vsnprintf of the message into a stack buffer ---- */

__attribute__((noinline, format(printf, 1, 2)))
static void floor_fmt_v(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  floor_sink = (unsigned char)buf[n > 0 ? n - 1 : 0];
}

static void floor_fmt_log(void *st, int i) {
  (void)st;
  floor_fmt_v(BENCH_FMT, i, BENCH_HOST, i * 0.001);
}

const bench_contender_t bench_floor_fmt = {
  "floor-vsnprintf", "vsnprintf of the message into a stack buffer", 0,
  nop_open, floor_fmt_log, NULL, no_drops, nop_close };

/* ---- floor 2: read the clock, copy the arguments (no formatting) ---- */

typedef struct copied {
  int64_t ts_ns;
  int i;
  double d;
  uint32_t slen;
  char s[64];
} copied_t;

__attribute__((noinline))
static void floor_copy_v(copied_t *c, const char *fmt, ...) {
  struct timespec ts;
  va_list ap;
  (void)fmt;
  clock_gettime(CLOCK_REALTIME, &ts);
  c->ts_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  va_start(ap, fmt);
  c->i = va_arg(ap, int);
  const char *s = va_arg(ap, const char *);
  c->d = va_arg(ap, double);
  va_end(ap);
  size_t n = strlen(s);
  if (n > sizeof c->s) n = sizeof c->s;
  memcpy(c->s, s, n);
  c->slen = (uint32_t)n;
}

static void floor_copy_log(void *st, int i) {
  copied_t c;
  (void)st;
  floor_copy_v(&c, BENCH_FMT, i, BENCH_HOST, i * 0.001);
  floor_sink = (unsigned char)(c.s[0] + c.i);
}

const bench_contender_t bench_floor_copy = {
  "floor-copy", "clock_gettime(REALTIME) + copy of the arguments", 0,
  nop_open, floor_copy_log, NULL, no_drops, nop_close };

/* ---- fprintf(3) to a FILE * (stdio's buffering, no prefix) ---- */

static int fprintf_open(void **st, const char *path, int nthreads, const char **why) {
  (void)nthreads;
  FILE *f = fopen(path, "a");
  if (f == NULL) {
    *why = "fopen failed";
    return -1;
  }
  *st = f;
  return 0;
}

static void fprintf_log(void *st, int i) {
  fprintf((FILE *)st, BENCH_FMT "\n", i, BENCH_HOST, i * 0.001);
}

static int fprintf_drain(void *st) { return fflush((FILE *)st) == 0 ? 0 : -1; }
static void fprintf_close(void *st) { fclose((FILE *)st); }

const bench_contender_t bench_fprintf = {
  "fprintf", "fprintf(3) to a FILE * (default full buffering, no prefix)", 1,
  fprintf_open, fprintf_log, fprintf_drain, no_drops, fprintf_close };

/* ---- syslog(3) through a private /dev/log ---- */

#define SYSLOG_PATH "/dev/log"
#define SYSLOG_MARK_FLUSH "\001uvlog-bench-flush"
#define SYSLOG_MARK_STOP "\001uvlog-bench-stop"

static int syslog_ns_ok;

/* Bind-mounts /dev on a fresh temp dir, mounts a tmpfs on /dev, moves the
 * bind under it as /dev/.host and links the usual device nodes there. */
static int remount_dev(const char **why) {
  char tmp[] = "/tmp/uvlog-bench-dev-XXXXXX";
  static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  if (mkdtemp(tmp) == NULL) { *why = "mkdtemp failed"; return -1; }
  int rc = -1;
  if (mount("/dev", tmp, NULL, MS_BIND | MS_REC, NULL) != 0) {
    *why = "bind mount of /dev failed";
  } else if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=0755,size=1m") != 0) {
    *why = "mounting a tmpfs on /dev failed";
    umount2(tmp, MNT_DETACH);
  } else if (mkdir("/dev/.host", 0755) != 0 ||
             mount(tmp, "/dev/.host", NULL, MS_MOVE, NULL) != 0) {
    *why = "moving the old /dev under the new one failed";
    umount2(tmp, MNT_DETACH);
  } else {
    for (size_t k = 0; k < sizeof nodes / sizeof nodes[0]; k++) {
      char src[64], dst[64];
      snprintf(src, sizeof src, "/dev/.host/%s", nodes[k]);
      snprintf(dst, sizeof dst, "/dev/%s", nodes[k]);
      if (symlink(src, dst) != 0) { /* best effort: the node may not exist */ }
    }
    rc = 0;
  }
  rmdir(tmp);
  return rc;
}

/* Writes `text` to a /proc file (the user namespace's id maps). */
static int write_proc(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return -1;
  int ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* Not root: a user namespace where we are root makes the mount namespace
 * ours to change (what `unshare -Urm` does). Files we create still belong to
 * our real uid. */
static int unshare_as_user(const char **why) {
  char map[64];
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
    *why = "unshare(CLONE_NEWNS) failed, also with a user namespace";
    return -1;
  }
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
  if (write_proc("/proc/self/setgroups", "deny") != 0 ||
      write_proc("/proc/self/uid_map", map) != 0) {
    *why = "cannot write the user namespace's id maps";
    return -1;
  }
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
  if (write_proc("/proc/self/gid_map", map) != 0) {
    *why = "cannot write the user namespace's id maps";
    return -1;
  }
  return 0;
}

int bench_syslog_namespace(const char **why) {
  if (unshare(CLONE_NEWNS) != 0) {
    if (errno != EPERM) {
      *why = "unshare(CLONE_NEWNS) failed";
      return -1;
    }
    if (unshare_as_user(why) != 0) return -1;
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    *why = "making the mount namespace private failed";
    return -1;
  }
  if (remount_dev(why) != 0) return -1;
  syslog_ns_ok = 1;
  return 0;
}

typedef struct syslog_rx {
  int fd;          /* bound at /dev/log */
  int ctl;         /* unbound socket for the flush/stop marks */
  FILE *out;
  pthread_t thread;
  sem_t flushed;
} syslog_rx_t;

static int is_mark(const char *buf, ssize_t n, const char *mark) {
  return (size_t)n == strlen(mark) && memcmp(buf, mark, (size_t)n) == 0;
}

static void *syslog_rx_main(void *arg) {
  syslog_rx_t *rx = arg;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(rx->fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (is_mark(buf, n, SYSLOG_MARK_STOP)) break;
    if (is_mark(buf, n, SYSLOG_MARK_FLUSH)) {
      fflush(rx->out);
      sem_post(&rx->flushed);
      continue;
    }
    fwrite(buf, 1, (size_t)n, rx->out);
    if (n == 0 || buf[n - 1] != '\n') fputc('\n', rx->out);
  }
  fflush(rx->out);
  return NULL;
}

static int syslog_send_mark(syslog_rx_t *rx, const char *mark) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = SYSLOG_PATH};
  ssize_t n = sendto(rx->ctl, mark, strlen(mark), 0, (struct sockaddr *)&sa, sizeof sa);
  return n == (ssize_t)strlen(mark) ? 0 : -1;
}

static int syslog_open(void **st, const char *path, int nthreads, const char **why) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = SYSLOG_PATH};
  int big = 4 << 20;
  (void)nthreads;
  if (!syslog_ns_ok) {
    *why = "no private mount namespace for /dev/log";
    return -1;
  }
  syslog_rx_t *rx = calloc(1, sizeof *rx);
  if (rx == NULL) { *why = "out of memory"; return -1; }
  rx->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  rx->ctl = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  rx->out = fopen(path, "a");
  unlink(SYSLOG_PATH);
  if (rx->fd < 0 || rx->ctl < 0 || rx->out == NULL ||
      bind(rx->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    *why = "cannot bind the receiver at /dev/log";
    goto fail;
  }
  if (setsockopt(rx->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
    setsockopt(rx->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  sem_init(&rx->flushed, 0, 0);
  if (pthread_create(&rx->thread, NULL, syslog_rx_main, rx) != 0) {
    *why = "pthread_create failed";
    sem_destroy(&rx->flushed);
    goto fail;
  }
  openlog("uvlog-bench", LOG_NDELAY, LOG_USER);
  *st = rx;
  return 0;
fail:
  if (rx->fd >= 0) close(rx->fd);
  if (rx->ctl >= 0) close(rx->ctl);
  if (rx->out != NULL) fclose(rx->out);
  free(rx);
  return -1;
}

static void syslog_log(void *st, int i) {
  (void)st;
  syslog(LOG_INFO, BENCH_FMT, i, BENCH_HOST, i * 0.001);
}

/* Datagrams from one socket queue in order behind everything already sent,
 * so when the receiver sees the mark every earlier record is in the file. */
static int syslog_drain(void *st) {
  syslog_rx_t *rx = st;
  if (syslog_send_mark(rx, SYSLOG_MARK_FLUSH) != 0) return -1;
  while (sem_wait(&rx->flushed) != 0 && errno == EINTR) {}
  return 0;
}

static void syslog_close(void *st) {
  syslog_rx_t *rx = st;
  closelog();
  if (syslog_send_mark(rx, SYSLOG_MARK_STOP) != 0) shutdown(rx->fd, SHUT_RDWR);
  pthread_join(rx->thread, NULL);
  sem_destroy(&rx->flushed);
  close(rx->fd);
  close(rx->ctl);
  fclose(rx->out);
  unlink(SYSLOG_PATH);
  free(rx);
}

const bench_contender_t bench_syslog = {
  "syslog", "glibc syslog(3) to a private /dev/log datagram receiver", 1,
  syslog_open, syslog_log, syslog_drain, no_drops, syslog_close };
