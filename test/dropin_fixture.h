/*
 * dropin_fixture.h -- what the drop-in tests share: a private syslog
 * receiver (an AF_UNIX datagram socket in a temporary directory), and a
 * runner for the unmodified program (preload_prog, built without uvlog),
 * with or without LD_PRELOAD=libuvlog-syslog.so, optionally inside a mount
 * namespace whose /dev/log is a given socket -- glibc's syslog(3) always
 * sends to /dev/log, so that is how its datagrams are compared with the
 * preload's. The namespace needs CAP_SYS_ADMIN (root, as the suite runs)
 * or unprivileged user namespaces; a test that cannot have one fails with
 * that message. Paths come from test/meson.build: UVLOG_TEST_PRELOAD_PROG,
 * UVLOG_TEST_PRELOAD_PROG_FORTIFY, UVLOG_TEST_PRELOAD_LIB.
 */
#ifndef UVLOG_TEST_DROPIN_FIXTURE_H
#define UVLOG_TEST_DROPIN_FIXTURE_H

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "net_fixture.h"

typedef struct dr {
  char dir[512];
  char path[600];
  int fd;
} dr_t;

/* Binds a receiver at DIR/log.sock with a large receive buffer. */
/* Reading what the process writes to its own fd 2 between begin and end
 * (a pipe, so keep it under 64 KiB): end restores fd 2 and stores the
 * bytes, NUL-terminated, in buf. */
static inline int dr_stderr_begin(int p[2]) {
  cr_assert_eq(pipe(p), 0);
  int saved = dup(2);
  dup2(p[1], 2);
  return saved;
}
static inline void dr_stderr_end(int saved, int p[2], char *buf, size_t cap) {
  dup2(saved, 2);
  close(saved);
  close(p[1]);
  size_t len = 0;
  ssize_t k;
  while (len + 1 < cap && (k = read(p[0], buf + len, cap - 1 - len)) > 0) len += (size_t)k;
  buf[len] = '\0';
  close(p[0]);
}

static inline void dr_open(dr_t *r) {
  nf_mkdtemp(r->dir, sizeof r->dir, "uvlog-dropin");
  snprintf(r->path, sizeof r->path, "%s/log.sock", r->dir);
  r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t n = strlen(r->path);
  if (n >= sizeof sa.sun_path) n = sizeof sa.sun_path - 1; /* bind fails on a cut path */
  memcpy(sa.sun_path, r->path, n);
  int big = 8 << 20;
  setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  if (bind(r->fd, (struct sockaddr *)&sa, sizeof sa) != 0) r->fd = -1;
}

static inline void dr_close(dr_t *r) {
  if (r->fd >= 0) close(r->fd);
  r->fd = -1;
  nf_rmtree(r->dir);
}

static inline void dr_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
}

/* In a forked child: a private mount namespace whose /dev is a fresh tmpfs
 * holding only `devlog` as /dev/log (the program needs nothing else there).
 * Returns NULL or why it failed. */
static inline const char *dr_enter_devlog_ns(const char *devlog) {
  if (unshare(CLONE_NEWNS) != 0) return "unshare(CLONE_NEWNS) failed (needs CAP_SYS_ADMIN)";
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return "cannot make / private";
  if (mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") != 0) return "cannot mount a tmpfs on /dev";
  close(open("/dev/log", O_CREAT | O_WRONLY, 0666));
  if (mount(devlog, "/dev/log", NULL, MS_BIND, NULL) != 0) return "cannot bind the receiver on /dev/log";
  return NULL;
}

typedef struct dr_run {
  const char *prog;      /* NULL: UVLOG_TEST_PRELOAD_PROG */
  int preload;           /* LD_PRELOAD=libuvlog-syslog.so */
  const char *devlog;    /* run in a namespace whose /dev/log is this, or NULL */
  const char *env[6];    /* extra NAME=VALUE, NULL-terminated */
  int timeout_ms;        /* kill after; 0: 60 s */
} dr_run_t;

typedef struct dr_result {
  int status;            /* waitpid status; -1 if killed for the timeout */
  pid_t pid;
  char out[4096];        /* stdout (and stderr) of the program */
  char *dg[1024];        /* datagrams received while it ran (dr_exec's r) */
  size_t n_dg;
} dr_result_t;

/* Stores one datagram waiting on r in res (or drops it when res is full). */
static inline void dr_take(dr_t *r, dr_result_t *res) {
  static char buf[1 << 17];
  ssize_t k = recv(r->fd, buf, sizeof buf - 1, MSG_DONTWAIT);
  if (k < 0) return;
  buf[k] = 0;
  if (res->n_dg < sizeof res->dg / sizeof *res->dg) res->dg[res->n_dg++] = strdup(buf);
}

/* Runs the program with argv (argv[0] is replaced by the program's path)
 * until it exits; when `r` is given, receives its datagrams meanwhile, and
 * for up to `linger_ms` after the exit until `want` arrived. */
static inline void dr_exec_recv(const dr_run_t *o, char **argv, dr_result_t *res, dr_t *r,
                                size_t want, int linger_ms) {
  const char *prog = o->prog ? o->prog : getenv("UVLOG_TEST_PRELOAD_PROG");
  const char *lib = getenv("UVLOG_TEST_PRELOAD_LIB");
  memset(res, 0, sizeof *res);
  int p[2];
  if (!prog || !lib || pipe2(p, O_CLOEXEC) != 0) {
    res->status = -2;
    snprintf(res->out, sizeof res->out, "UVLOG_TEST_PRELOAD_PROG/LIB not set (test/meson.build)");
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    if (o->devlog) {
      const char *why = dr_enter_devlog_ns(o->devlog);
      if (why) {
        dprintf(1, "namespace: %s\n", why);
        _exit(126);
      }
    }
    unsetenv("LD_PRELOAD");
    if (o->preload) setenv("LD_PRELOAD", lib, 1);
    for (int i = 0; o->env[i]; i++) putenv((char *)o->env[i]);
    argv[0] = (char *)prog;
    execv(prog, argv);
    _exit(127);
  }
  close(p[1]);
  res->pid = pid;
  size_t len = 0;
  int64_t end = nf_now_ms() + (o->timeout_ms ? o->timeout_ms : 60000);
  int out_open = 1;
  while (out_open) {
    int left = (int)(end - nf_now_ms());
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {r ? r->fd : -1, POLLIN, 0}};
    if (left <= 0 || poll(pf, 2, left) <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      res->status = -1;
      break;
    }
    if (pf[1].revents) dr_take(r, res);
    if (!pf[0].revents) continue;
    ssize_t k = read(p[0], res->out + len, sizeof res->out - 1 - len);
    if (k > 0) len += (size_t)k;
    else out_open = 0;
  }
  if (!out_open) waitpid(pid, &res->status, 0);
  while (r && res->n_dg < want) {
    struct pollfd pf = {r->fd, POLLIN, 0};
    if (poll(&pf, 1, linger_ms) <= 0) break;
    dr_take(r, res);
  }
  res->out[len] = 0;
  close(p[0]);
}

static inline void dr_exec(const dr_run_t *o, char **argv, dr_result_t *res) {
  dr_exec_recv(o, argv, res, NULL, 0, 0);
}

/* "<PRI>Mmm dd hh:mm:ss REST" -> "<PRI> REST" with "[pid]" replaced by
 * "[PID]" when it is `pid`; NULL if the stamp is not glibc's shape. */
static inline char *dr_normalize(const char *d, pid_t pid) {
  const char *gt = strchr(d, '>');
  if (!gt || strlen(gt + 1) < 16 || gt[4] != ' ' || gt[7] != ' ' || gt[10] != ':' || gt[13] != ':' ||
      gt[16] != ' ')
    return NULL;
  char want[32], *out = malloc(strlen(d) + 8);
  snprintf(want, sizeof want, "[%d]:", (int)pid);
  size_t pl = (size_t)(gt - d) + 1;
  memcpy(out, d, pl);
  strcpy(out + pl, gt + 16);
  char *at = strstr(out, want);
  if (at) {
    memmove(at + 6, at + strlen(want), strlen(at + strlen(want)) + 1);
    memcpy(at, "[PID]:", 6);
  }
  return out;
}

#endif /* UVLOG_TEST_DROPIN_FIXTURE_H */
