/*
 * rsyslog_fixture.h -- runs a private rsyslogd for the interop tests with
 * the config the documentation shows, docs/receivers/rsyslog-interop.conf
 * (found through $UVLOG_SOURCE_ROOT, set by test/meson.build; its DIR and
 * PORT are replaced): its own work directory, pid file, unix sockets (RFC 3164
 * with the special parser, RFC 5424 without) in a temporary directory, and
 * imtcp on 127.0.0.1:<free port>. Never the system's /dev/log or
 * /etc/rsyslog.conf. Every parsed record is written to DIR/out.log as one
 * "pri=.. ts=.. host=.. app=.. pid=.. msgid=.. sd=.. msg=[..]" line.
 *
 * rsl_start() spawns `rsyslogd -n -f CONF -i PIDFILE` and waits until a TCP
 * connect to the port succeeds and both sockets exist; rsl_stop() sends a
 * signal and reaps it. Tests call rsl_stop(.., SIGTERM) from .fini so the
 * daemon never outlives a failed assertion; and the daemon gets SIGTERM from
 * the kernel if the test process dies without its .fini (a test killed for
 * its timeout): PR_SET_PDEATHSIG.
 */
#ifndef UVLOG_TEST_RSYSLOG_FIXTURE_H
#define UVLOG_TEST_RSYSLOG_FIXTURE_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "net_fixture.h"

typedef struct rsl {
  char dir[512];
  char conf[600];
  char out[600];
  char sock3164[600];
  char sock5424[600];
  char pidfile[600];
  int port;
  pid_t pid;
  const char *err; /* set by rsl_init() when the config could not be written */
} rsl_t;

/* The rsyslogd binary, or NULL when rsyslog is not installed. */
static inline const char *rsl_binary(void) {
  static const char *cands[] = {"/usr/sbin/rsyslogd", "/sbin/rsyslogd", "/usr/local/sbin/rsyslogd"};
  for (size_t i = 0; i < sizeof cands / sizeof *cands; i++)
    if (access(cands[i], X_OK) == 0) return cands[i];
  return NULL;
}

/* A port that was free a moment ago on 127.0.0.1. */
static inline int rsl_free_port(void) {
  char port[16];
  close(nf_loopback_socket(port, sizeof port));
  return atoi(port);
}

static inline int rsl_tcp_ready(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
  close(fd);
  return ok;
}

/* Is c part of a name (so "DIR" inside "DIRECTORY" is not a placeholder)? */
static inline int rsl_namechar(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Writes r->conf from docs/receivers/rsyslog-interop.conf, replacing the
 * words DIR and PORT. Returns NULL or a message. */
static inline const char *rsl_write_conf(rsl_t *r) {
  const char *root = getenv("UVLOG_SOURCE_ROOT");
  if (!root || !*root)
    return "UVLOG_SOURCE_ROOT is not set (test/meson.build sets it to the source tree)";
  char tpl[700];
  snprintf(tpl, sizeof tpl, "%s/docs/receivers/rsyslog-interop.conf", root);
  FILE *in = fopen(tpl, "r");
  if (!in) return "cannot read docs/receivers/rsyslog-interop.conf under $UVLOG_SOURCE_ROOT";
  char *t = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&t, &len);
  int c;
  while (mem && (c = fgetc(in)) != EOF) fputc(c, mem);
  fclose(in);
  if (!mem || fclose(mem) != 0) {
    free(t);
    return "cannot read docs/receivers/rsyslog-interop.conf";
  }
  FILE *f = fopen(r->conf, "w");
  if (!f) {
    free(t);
    return "cannot write rsyslog.conf in the test directory";
  }
  for (size_t i = 0; i < len;) {
    int start = i == 0 || !rsl_namechar((unsigned char)t[i - 1]);
    if (start && strncmp(t + i, "DIR", 3) == 0 && (i + 3 == len || !rsl_namechar((unsigned char)t[i + 3]))) {
      fputs(r->dir, f);
      i += 3;
    } else if (start && strncmp(t + i, "PORT", 4) == 0 &&
               (i + 4 == len || !rsl_namechar((unsigned char)t[i + 4]))) {
      fprintf(f, "%d", r->port);
      i += 4;
    } else {
      fputc(t[i++], f);
    }
  }
  free(t);
  return fclose(f) == 0 ? NULL : "cannot write rsyslog.conf in the test directory";
}

/* Prepares the directory and config (no daemon yet). */
static inline void rsl_init(rsl_t *r) {
  memset(r, 0, sizeof *r);
  nf_mkdtemp(r->dir, sizeof r->dir, "uvlog-rsyslog");
  snprintf(r->conf, sizeof r->conf, "%s/rsyslog.conf", r->dir);
  snprintf(r->out, sizeof r->out, "%s/out.log", r->dir);
  snprintf(r->sock3164, sizeof r->sock3164, "%s/log.sock", r->dir);
  snprintf(r->sock5424, sizeof r->sock5424, "%s/log5424.sock", r->dir);
  snprintf(r->pidfile, sizeof r->pidfile, "%s/rsyslogd.pid", r->dir);
  r->port = rsl_free_port();
  char work[600];
  snprintf(work, sizeof work, "%s/work", r->dir);
  mkdir(work, 0700);
  r->err = rsl_write_conf(r);
}

/* Starts rsyslogd and waits until it is ready. Returns NULL or a message. */
static inline const char *rsl_start(rsl_t *r) {
  const char *bin = rsl_binary();
  if (!bin) return "rsyslogd is not installed (apt-get install rsyslog; see the README set-up)";
  if (r->err) return r->err;
  if (r->port <= 0) return "no free port";
  unlink(r->pidfile); /* a SIGKILLed daemon leaves it behind */
  char errpath[700];
  snprintf(errpath, sizeof errpath, "%s/rsyslogd.stderr", r->dir);
  char *argv[] = {(char *)bin, "-n", "-f", r->conf, "-i", r->pidfile, NULL};
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return "fork() failed";
  if (pid == 0) { /* only async-signal-safe calls until exec */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    int fd = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
    execv(bin, argv);
    _exit(127);
  }
  r->pid = pid;
  for (int64_t end = nf_now_ms() + 15000; nf_now_ms() < end; nf_sleep_ms(10)) {
    int status;
    if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
      r->pid = 0;
      return "rsyslogd exited at start (see rsyslogd.stderr in the test directory)";
    }
    if (access(r->sock3164, F_OK) == 0 && access(r->sock5424, F_OK) == 0 && rsl_tcp_ready(r->port))
      return NULL;
  }
  return "rsyslogd did not become ready in 15 s";
}

/* Signals and reaps the daemon (no-op if not running). */
static inline void rsl_stop(rsl_t *r, int sig) {
  if (r->pid <= 0) return;
  kill(r->pid, sig);
  int status;
  while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR) {}
  r->pid = 0;
}

/* Waits until out.log contains `needle` `count` times; returns the count seen. */
static inline size_t rsl_wait_for(rsl_t *r, const char *needle, size_t count, int timeout_ms) {
  size_t seen = 0;
  for (int64_t end = nf_now_ms() + timeout_ms;; nf_sleep_ms(10)) {
    char *b = nf_read_lines(r->out, NULL);
    seen = 0;
    for (char *p = b; p && (p = nf_strstr(p, needle)) != NULL; p += strlen(needle)) seen++;
    free(b);
    if (seen >= count || nf_now_ms() >= end) return seen;
  }
}

#endif /* UVLOG_TEST_RSYSLOG_FIXTURE_H */
