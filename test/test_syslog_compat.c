/*
 * test_syslog_compat.c -- the syslog(3)-compatible API (uvlog/syslog.h) in
 * this process, against a private receiver socket (UVLOG_SYSLOG_PATH): the
 * datagram's PRI, tag, pid and message as glibc builds them; %m; the mask;
 * a facility in the priority and openlog()'s default; glibc's complaint
 * about unknown priority bits; closelog(); LOG_PERROR; errno kept; and
 * uvlog_syslog_use() routing to a logger of one's own. (Byte-for-byte
 * equality with glibc itself is test_preload.c's.) Criterion runs each test
 * in a process of its own, so each starts with syslog(3)'s defaults.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "capture.h"
#include "dropin_fixture.h"
#include "uvlog/syslog.h"

static dr_t rcv;

static void setup(void) {
  dr_open(&rcv);
  cr_assert_geq(rcv.fd, 0);
  setenv("UVLOG_SYSLOG_PATH", rcv.path, 1);
}
static void teardown(void) { dr_close(&rcv); }

/* The next datagram, with "Mmm dd hh:mm:ss " cut out: "<PRI> REST". */
static char *next_dg(void) {
  static dr_result_t res;
  res.n_dg = 0;
  struct pollfd pf = {rcv.fd, POLLIN, 0};
  if (poll(&pf, 1, 5000) <= 0) return NULL;
  dr_take(&rcv, &res);
  if (res.n_dg != 1) return NULL;
  char *n = dr_normalize(res.dg[0], getpid());
  cr_assert_not_null(n, "not glibc's time stamp: %s", res.dg[0]);
  free(res.dg[0]);
  return n;
}

/* Checks the next datagram against a format ("%s" is the program's name). */
static void expect_dg(const char *fmt) {
  char want[512];
  snprintf(want, sizeof want, fmt, program_invocation_short_name);
  char *got = next_dg();
  cr_assert_not_null(got, "no datagram, expected %s", want);
  cr_expect_str_eq(got, want);
  free(got);
}

Test(syslog_compat, pri_tag_pid_message_and_errno, .init = setup, .fini = teardown) {
  uvlog_openlog("compat", LOG_PID | LOG_NDELAY, LOG_LOCAL2);
  errno = EACCES;
  uvlog_syslog(LOG_WARNING, "x %d %m", 5);
  cr_expect_eq(errno, EACCES, "errno is kept");
  expect_dg("<148> compat[PID]: x 5 Permission denied");
  uvlog_syslog(LOG_AUTH | LOG_INFO, "auth %s", "line");   /* its own facility */
  expect_dg("<38> compat[PID]: auth line");
  uvlog_openlog(NULL, 0, LOG_MAIL);                       /* tag kept, no pid */
  uvlog_syslog(LOG_DEBUG, "mail");
  expect_dg("<23> compat: mail");
  uvlog_openlog("kept", 0, 0x1234);                       /* not a facility: ignored */
  uvlog_syslog(LOG_ERR, "%s", "");
  expect_dg("<19> kept: ");
}

Test(syslog_compat, mask, .init = setup, .fini = teardown) {
  cr_expect_eq(uvlog_setlogmask(LOG_UPTO(LOG_ERR)), 0xff);
  cr_expect_eq(uvlog_setlogmask(0), LOG_UPTO(LOG_ERR), "0 reads the mask");
  uvlog_syslog(LOG_INFO, "filtered %d", 1);
  uvlog_syslog(LOG_CRIT, "kept %d", 2);
  expect_dg("<10> %s: kept 2");
  cr_expect_eq(uvlog_setlogmask(LOG_MASK(LOG_INFO)), LOG_UPTO(LOG_ERR));
  uvlog_syslog(LOG_CRIT, "filtered %d", 3);
  uvlog_syslog(LOG_INFO, "kept %d", 4);
  expect_dg("<14> %s: kept 4");
}

/* glibc: "syslog: unknown facility/priority: %x" at LOG_ERR|LOG_CONS|
 * LOG_PERROR|LOG_PID taken as a priority (auth.err), then the record. */
Test(syslog_compat, unknown_priority_bits, .init = setup, .fini = teardown) {
  uvlog_openlog("bits", 0, LOG_USER);
  uvlog_syslog(0x4000 | LOG_NOTICE, "after");
  expect_dg("<35> bits: syslog: unknown facility/priority: 4005");
  expect_dg("<13> bits: after");
}

Test(syslog_compat, closelog_forgets_the_tag, .init = setup, .fini = teardown) {
  uvlog_openlog("tag", LOG_PID, LOG_USER);
  uvlog_syslog(LOG_INFO, "one");
  expect_dg("<14> tag[PID]: one");
  uvlog_closelog();
  uvlog_syslog(LOG_INFO, "two");
  expect_dg("<14> %s[PID]: two");
}

Test(syslog_compat, perror_copies_to_stderr, .init = setup, .fini = teardown) {
  int p[2], saved = dup(2);
  cr_assert_eq(pipe(p), 0);
  dup2(p[1], 2);
  uvlog_openlog("perr", LOG_PERROR | LOG_PID, LOG_USER);
  uvlog_syslog(LOG_INFO, "to both %d", 1);
  uvlog_syslog(LOG_INFO, "ends with newline\n");
  dup2(saved, 2);
  close(p[1]);
  char buf[256] = {0}, want[256];
  cr_assert_gt(read(p[0], buf, sizeof buf - 1), 0);
  snprintf(want, sizeof want, "perr[%d]: to both 1\nperr[%d]: ends with newline\n", (int)getpid(),
           (int)getpid());
  cr_expect_str_eq(buf, want);
  expect_dg("<14> perr[PID]: to both 1");
}

Test(syslog_compat, use_routes_to_my_logger, .init = setup, .fini = teardown) {
  capture_t cap;
  capture_init(&cap);
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  uvlog_sink_t *s = capture_sink(&cap, UVLOG_LEVEL_TRACE);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_expect_eq(uvlog_syslog_use(log), UVLOG_EBUSY, "not started");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_syslog_use(log), 0);
  cr_expect_eq(uvlog_syslog_logger(), log);
  uvlog_syslog(LOG_ERR, "mine %d", 7);
  cr_assert_eq(uvlog_logger_flush(log, 5000), 0);
  cr_expect_eq(cap.by_level[UVLOG_LEVEL_ERROR], 1);
  cr_expect_not_null(strstr(cap.text, "mine 7"), "%s", cap.text);
  cr_expect_null(strstr(cap.text, "<11>"), "the message alone: %s", cap.text);
  cr_assert_eq(uvlog_syslog_use(NULL), 0);
  uvlog_syslog(LOG_ERR, "own %d", 8);
  expect_dg("<11> %s: own 8");
  uvlog_logger_destroy(log);
  capture_free(&cap);
}

/* The own logger's records are counted like any logger's. */
Test(syslog_compat, own_logger_counts, .init = setup, .fini = teardown) {
  uvlog_t *own = uvlog_syslog_logger();
  cr_assert_not_null(own);
  for (int i = 0; i < 10; i++) uvlog_syslog(LOG_INFO, "n %d", i);
  cr_assert_eq(uvlog_logger_flush(own, 5000), 0);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(own, &st), 0);
  cr_expect_eq(st.records, 10);
  for (int i = 0; i < 10; i++) free(next_dg());
}

/* An environment value that cannot be used is said once on stderr and its
 * default is used: the records still arrive. */
Test(syslog_compat, bad_environment_is_reported, .init = setup, .fini = teardown) {
  setenv("UVLOG_SYSLOG_RING", "5000", 1);
  setenv("UVLOG_SYSLOG_BUFFER", "lots", 1);
  int p[2], saved = dr_stderr_begin(p);
  uvlog_openlog("env", LOG_NDELAY, LOG_USER);
  char buf[1024];
  dr_stderr_end(saved, p, buf, sizeof buf);
  cr_expect_not_null(strstr(buf, "uvlog: UVLOG_SYSLOG_RING=5000: ignored, not a power of two\n"), "%s", buf);
  cr_expect_not_null(strstr(buf, "uvlog: UVLOG_SYSLOG_BUFFER=lots: ignored, not a number of bytes"), "%s",
                     buf);
  uvlog_syslog(LOG_INFO, "still %s", "here");
  expect_dg("<14> env: still here");
}

/* A fork()ed child gets a logger of its own at its first call (the
 * parent's has no listener in the child), and its records carry its pid.
 * Not under ThreadSanitizer: it kills a child of a multi-threaded process
 * that starts a thread (the new logger's listener). */
#ifndef __SANITIZE_THREAD__
Test(syslog_compat, fork_child_gets_its_own_logger, .init = setup, .fini = teardown) {
  uvlog_openlog("forked", LOG_PID, LOG_USER);
  uvlog_t *parent = uvlog_syslog_logger();
  cr_assert_not_null(parent);
  pid_t pid = fork();
  if (pid == 0) {
    uvlog_syslog(LOG_INFO, "from the child");
    uvlog_t *mine = uvlog_syslog_logger();
    int rc = mine && mine != parent && uvlog_logger_flush(mine, 5000) == 0 ? 0 : 3;
    _exit(rc);
  }
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child had no logger of its own (%d)",
            status);
  static dr_result_t res;
  res.n_dg = 0;
  struct pollfd pf = {rcv.fd, POLLIN, 0};
  cr_assert_gt(poll(&pf, 1, 5000), 0);
  dr_take(&rcv, &res);
  char want[64];
  snprintf(want, sizeof want, " forked[%d]: from the child", (int)pid);
  cr_expect_not_null(strstr(res.dg[0], want), "%s", res.dg[0]);
  free(res.dg[0]);
}
#endif

/* LOG_CONS: a record that cannot be sent goes to /dev/console as "TAG:
 * MESSAGE\r\n". Here the API's logger is closed and the socket is missing;
 * the child runs in a mount namespace whose /dev/console is a file. */
Test(syslog_compat, cons_writes_the_console_when_sending_fails, .init = setup, .fini = teardown) {
  char console[700];
  snprintf(console, sizeof console, "%s/console", rcv.dir);
  close(open(console, O_CREAT | O_WRONLY, 0600));
  pid_t pid = fork();
  if (pid == 0) {
    const char *why = dr_enter_devlog_ns(rcv.path);
    if (why) _exit(2);
    close(open("/dev/console", O_CREAT | O_WRONLY, 0600));
    if (mount(console, "/dev/console", NULL, MS_BIND, NULL) != 0) _exit(3);
    setenv("UVLOG_SYSLOG_PATH", "/nonexistent/log.sock", 1);
    uvlog_openlog("cons", LOG_CONS, LOG_USER);
    uvlog_logger_close(uvlog_syslog_logger()); /* as at exit: the API sends directly */
    uvlog_syslog(LOG_ERR, "to the console %d", 1);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d (2: no namespace)", status);
  char *text = nf_read_file(console, NULL);
  cr_assert_not_null(text);
  cr_expect_str_eq(text, "cons: to the console 1\r\n");
  free(text);
}
