/*
 * test_syslog_flush_close_deadlines.c -- with a syslog daemon socket that is
 * bound and never read, the sink's flush ends (UVLOG_ETIMEDOUT) within its
 * flush_timeout_ms even though the logger's periodic flush keeps asking, and
 * the logger's close takes about close_timeout_ms. The test logs more
 * datagrams than the socket can queue, so records are certainly waiting in
 * the sink's buffer before anything is timed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net_fixture.h"
#include "syslog_fixture.h"
#include "uvlog.h"

typedef struct stuck {
  char dir[512];
  int fd;
  uvlog_t *log;
  uvlog_sink_t *sink;
} stuck_t;

static void stuck_start(stuck_t *t) {
  char path[600];
  nf_mkdtemp(t->dir, sizeof t->dir, "slstuck");
  snprintf(path, sizeof path, "%s/log.sock", t->dir);
  t->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  strcpy(sa.sun_path, path);
  cr_assert_eq(bind(t->fd, (struct sockaddr *)&sa, sizeof sa), 0);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.path = path;
  o.flush_timeout_ms = 1000;
  o.close_timeout_ms = 1000;
  o.buffer_size = (size_t)64 << 20;
  cr_assert_eq(uvlog_sink_syslog_create(&t->sink, &o), 0);
  t->log = nf_logger_with(t->sink, UVLOG_OVERFLOW_BLOCK); /* periodic flush every 1000 ms */
  long n = dgram_qlen() + 2000;
  for (long i = 0; i < n; i++) NF_LOG_OK(uvlog_log(t->log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", i));
}

static void stuck_end(stuck_t *t) {
  uvlog_logger_destroy(t->log);
  close(t->fd);
  nf_rmtree(t->dir);
}

Test(syslog_flush_close_deadlines, flush_ends_within_flush_timeout, .timeout = 60) {
  stuck_t t;
  stuck_start(&t);
  nf_check_flush_deadline(t.log, t.sink);
  stuck_end(&t);
}

Test(syslog_flush_close_deadlines, close_takes_about_close_timeout, .timeout = 60) {
  stuck_t t;
  stuck_start(&t);
  nf_check_close_deadline(t.log);
  stuck_end(&t);
}
