/*
 * test_syslog_compat_config.c -- the syslog(3)-compatible API's own logger
 * honours UVLOG_CONFIG: its records (the message alone, at the level of
 * the severity) go to the sinks the configuration describes; a refused
 * configuration is reported on stderr and the API falls back to its
 * UVLOG_SYSLOG_* logger, losing nothing. Criterion runs each test in a
 * process of its own, so each creates the API's logger afresh.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "dropin_fixture.h"
#include "uvlog.h"
#include "uvlog/syslog.h"

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return strdup("");
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return strdup(buf);
}

Test(syslog_compat_config, records_reach_the_configured_sinks, .timeout = 60) {
  char dir[] = "/tmp/uvlog-compat-cfg-XXXXXX", path[128], cfg[512];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/app.log", dir);
  snprintf(cfg, sizeof cfg,
           "sinks:\n  - type: file\n    path: %s\n    format:\n      pattern: \"%%l|%%m\"\n",
           path);
  setenv("UVLOG_CONFIG", cfg, 1);
  uvlog_openlog("cfgapp", LOG_PID, LOG_USER);
  uvlog_syslog(LOG_WARNING, "disk %d%% full", 91);
  uvlog_t *own = uvlog_syslog_logger();
  cr_assert_not_null(own);
  cr_assert_eq(uvlog_logger_flush(own, 5000), 0);
  char *text = slurp(path);
  cr_expect_str_eq(text, "WARNING|disk 91% full\n", "the message alone, its level");
  free(text);
  uvlog_logger_close(own);
  unlink(path);
  rmdir(dir);
}

Test(syslog_compat_config, refused_config_falls_back, .timeout = 60) {
  dr_t rcv;
  dr_open(&rcv);
  cr_assert_geq(rcv.fd, 0);
  setenv("UVLOG_SYSLOG_PATH", rcv.path, 1);
  setenv("UVLOG_CONFIG", "sinks:\n  - type: nosuchsink\n", 1);
  int p[2], saved = dr_stderr_begin(p);
  uvlog_openlog("fallback", LOG_NDELAY, LOG_USER);
  char buf[1024];
  dr_stderr_end(saved, p, buf, sizeof buf);
  cr_expect_not_null(strstr(buf, "uvlog: UVLOG_CONFIG refused, the syslog API uses UVLOG_SYSLOG_* instead: "),
                     "%s", buf);
  cr_expect_not_null(strstr(buf, "nosuchsink"), "the error names the bad value: %s", buf);
  uvlog_syslog(LOG_INFO, "still %s", "delivered");
  struct pollfd pf = {rcv.fd, POLLIN, 0};
  cr_assert_gt(poll(&pf, 1, 5000), 0, "no datagram");
  static dr_result_t res;
  dr_take(&rcv, &res);
  cr_assert_eq(res.n_dg, 1);
  cr_expect_not_null(strstr(res.dg[0], "fallback: still delivered"), "%s", res.dg[0]);
  free(res.dg[0]);
  dr_close(&rcv);
}
