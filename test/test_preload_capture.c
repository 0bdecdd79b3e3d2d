/*
 * test_preload_capture.c -- capture through libuvlog-syslog.so in an
 * unmodified program (UVLOG_CAPTURE): lines printed by several threads, and
 * one still in stdio's buffer at exit(), each reach the syslog socket once
 * at its stream's level; a bad UVLOG_CAPTURE is reported and leaves the
 * output alone. (Plain build only, as test_preload.c.)
 */
#include <criterion/criterion.h>

#include "dropin_fixture.h"

/* An unmodified program under the preload with UVLOG_CAPTURE=1: 4 threads
 * print 200 lines each (odd threads on stderr), then one line that is still
 * in stdio's buffer when the program calls exit(). Every line reaches the
 * syslog socket once, stdout at info (<14>), stderr at warning (<12>). */
Test(capture, preload_keeps_lines_printed_before_exit, .timeout = 120) {
  dr_t rcv;
  dr_open(&rcv);
  cr_assert_geq(rcv.fd, 0);
  char env[700];
  snprintf(env, sizeof env, "UVLOG_SYSLOG_PATH=%s", rcv.path);
  char *argv[] = {"prog", "print", "4", "200", NULL};
  dr_run_t o = {.preload = 1, .env = {env, "UVLOG_CAPTURE=1"}};
  static dr_result_t res;
  dr_exec_recv(&o, argv, &res, &rcv, 801, 3000);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "%s", res.out);
  cr_expect_str_eq(res.out, "", "nothing reached the real stdout/stderr");
  cr_assert_eq(res.n_dg, 801, "%zu of 801 lines", res.n_dg);
  static int seen[4][200];
  int last = 0;
  for (size_t i = 0; i < res.n_dg; i++) {
    int t, l;
    const char *m = strstr(res.dg[i], "]: ");
    cr_assert_not_null(m, "%s", res.dg[i]);
    if (!strcmp(m + 3, "last line before exit")) {
      last++;
      continue;
    }
    cr_assert_eq(sscanf(m + 3, "thread %d line %d", &t, &l), 2, "%s", res.dg[i]);
    cr_assert(t >= 0 && t < 4 && l >= 0 && l < 200);
    seen[t][l]++;
    cr_expect(strncmp(res.dg[i], t % 2 ? "<12>" : "<14>", 4) == 0, "level: %s", res.dg[i]);
  }
  cr_expect_eq(last, 1);
  for (int t = 0; t < 4; t++)
    for (int l = 0; l < 200; l++) cr_expect_eq(seen[t][l], 1, "thread %d line %d: %d", t, l, seen[t][l]);
  dr_free(res.dg, res.n_dg);
  dr_close(&rcv);
}

/* A bad UVLOG_CAPTURE is said on stderr and capture stays off: the lines go
 * to the real stdout and stderr. */
Test(capture, preload_bad_capture_variable_is_reported, .timeout = 120) {
  char *argv[] = {"prog", "print", "1", "2", NULL};
  dr_run_t o = {.preload = 1, .env = {"UVLOG_CAPTURE=bogus", "UVLOG_SYSLOG_PATH=/nonexistent/sock"}};
  static dr_result_t res;
  dr_exec(&o, argv, &res);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "%s", res.out);
  cr_expect_not_null(strstr(res.out, "uvlog: UVLOG_CAPTURE=bogus: not 1, both, stdout or stderr; capture is off\n"),
                     "%s", res.out);
  cr_expect_not_null(strstr(res.out, "thread 0 line 1\n"), "%s", res.out);
  cr_expect_not_null(strstr(res.out, "last line before exit\n"), "%s", res.out);
}
