/*
 * rsyslog_fixture.h -- runs a private rsyslogd for the interop tests, per
 * ../shared/RECEIVERS.md: its own config, work directory, pid file, unix
 * sockets (RFC 3164 with the special parser, RFC 5424 without) in a temporary
 * directory, and imtcp on 127.0.0.1:<free port>. Never the system's /dev/log
 * or /etc/rsyslog.conf. Every parsed record is written to DIR/out.log as one
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
  FILE *f = fopen(r->conf, "w");
  if (!f) return;
  fprintf(f,
          "global(workDirectory=\"%s/work\" maxMessageSize=\"256k\"\n"
          "       parser.escapeControlCharactersOnReceive=\"off\"\n"
          "       processInternalMessages=\"on\" abortOnUncleanConfig=\"on\")\n"
          "main_queue(queue.workerThreads=\"1\")\n"
          "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
          "module(load=\"imtcp\")\n"
          "input(type=\"imuxsock\" Socket=\"%s\" CreatePath=\"on\"\n"
          "      RateLimit.Interval=\"0\" UseSysTimeStamp=\"off\" IgnoreTimestamp=\"off\")\n"
          "input(type=\"imuxsock\" Socket=\"%s\" UseSpecialParser=\"off\"\n"
          "      RateLimit.Interval=\"0\" UseSysTimeStamp=\"off\" IgnoreTimestamp=\"off\")\n"
          "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"%d\")\n"
          "template(name=\"fields\" type=\"list\") {\n"
          "  constant(value=\"pri=\") property(name=\"pri\")\n"
          "  constant(value=\" ts=\") property(name=\"timestamp\" dateFormat=\"rfc3339\")\n"
          "  constant(value=\" host=\") property(name=\"hostname\")\n"
          "  constant(value=\" app=\") property(name=\"app-name\")\n"
          "  constant(value=\" pid=\") property(name=\"procid\")\n"
          "  constant(value=\" msgid=\") property(name=\"msgid\")\n"
          "  constant(value=\" sd=\") property(name=\"structured-data\")\n"
          "  constant(value=\" msg=[\") property(name=\"msg\") constant(value=\"]\\n\")\n"
          "}\n"
          "if $inputname == \"rsyslogd\" then { action(type=\"omfile\" file=\"%s/internal.log\") stop }\n"
          "action(type=\"omfile\" file=\"%s\" template=\"fields\")\n",
          r->dir, r->sock3164, r->sock5424, r->port, r->dir, r->out);
  fclose(f);
}

/* Starts rsyslogd and waits until it is ready. Returns NULL or a message. */
static inline const char *rsl_start(rsl_t *r) {
  const char *bin = rsl_binary();
  if (!bin) return "rsyslogd is not installed (apt-get install rsyslog; see the README set-up)";
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
