/*
 * test_preload_rsyslog.c -- libuvlog-syslog.so against the real rsyslogd of
 * the interop suite (rsyslog_fixture.h; suite 'interop'). The unmodified
 * program (preload_prog) runs once with glibc's syslog() -- in a mount
 * namespace whose /dev/log is rsyslog's RFC 3164 socket -- and once
 * preloaded: rsyslog parses identical records (PRI, host, tag, pid, message;
 * only the time differs). Then rsyslog is stopped (SIGSTOP; its socket
 * fills): glibc's syslog() stalls, the preloaded one does not.
 */
#include <criterion/criterion.h>

#include "dropin_fixture.h"
#include "rsyslog_fixture.h"

#define N 40

static rsl_t rsl;

static void setup(void) { rsl_init(&rsl); }

static void teardown(void) {
  if (rsl.pid > 0) kill(rsl.pid, SIGCONT);
  rsl_stop(&rsl, SIGTERM);
  if (!getenv("UVLOG_KEEP_TMP")) nf_rmtree(rsl.dir);
}

static void start_rsyslog(void) {
  const char *err = rsl_start(&rsl);
  if (err) cr_assert_fail("%s", err);
}

/* Runs `loop N same` (preloaded or not); returns its pid. */
static pid_t run(int preload) {
  char env[700], n[16];
  snprintf(env, sizeof env, "UVLOG_SYSLOG_PATH=%s", rsl.sock3164);
  snprintf(n, sizeof n, "%d", N);
  char *argv[] = {"prog", "loop", n, "same", NULL};
  dr_run_t o = {.preload = preload, .devlog = preload ? NULL : rsl.sock3164, .env = {env}};
  static dr_result_t res;
  dr_exec(&o, argv, &res);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %d: %s", res.status, res.out);
  return res.pid;
}

/* out.log's k-th record line without its ts= field, "pid=<pid>" as "pid=PID". */
static char *record(const char *all, size_t k, pid_t pid) {
  const char *p = all;
  for (size_t i = 0; i < k && p; i++) p = strchr(p, '\n'), p = p ? p + 1 : NULL;
  cr_assert_not_null(p);
  const char *e = strchr(p, '\n');
  size_t len = e ? (size_t)(e - p) : strlen(p);
  char *line = strndup(p, len), *ts = strstr(line, " ts="), *host = strstr(line, " host=");
  cr_assert(ts && host, "%s", line);
  memmove(ts, host, strlen(host) + 1);
  char want[32];
  snprintf(want, sizeof want, " pid=%d ", (int)pid);
  char *at = strstr(line, want);
  cr_assert_not_null(at, "the program's pid %d: %s", (int)pid, line);
  memmove(at + 9, at + strlen(want), strlen(at + strlen(want)) + 1);
  memcpy(at, " pid=PID ", 9);
  return line;
}

Test(preload_rsyslog, records_identical_to_glibcs, .init = setup, .fini = teardown, .timeout = 180) {
  start_rsyslog();
  pid_t glibc = run(0);
  cr_assert_eq(rsl_wait_for(&rsl, "app=same", N, 15000), N, "glibc's records in rsyslog");
  pid_t ours = run(1);
  cr_assert_eq(rsl_wait_for(&rsl, "app=same", 2 * N, 15000), 2 * N, "the preload's records in rsyslog");
  char *all = nf_read_lines(rsl.out, NULL);
  for (size_t i = 0; i < N; i++) {
    char *a = record(all, i, glibc), *b = record(all, N + i, ours);
    cr_expect_str_eq(b, a, "record %zu", i);
    free(a);
    free(b);
  }
  cr_expect_not_null(strstr(all, "failed: No such file or directory]"), "%%m");
  free(all);
}

Test(preload_rsyslog, stopped_rsyslog_does_not_stall_callers, .init = setup, .fini = teardown,
     .timeout = 180) {
  start_rsyslog();
  kill(rsl.pid, SIGSTOP);
  char env[700];
  snprintf(env, sizeof env, "UVLOG_SYSLOG_PATH=%s", rsl.sock3164);
  char *argv[] = {"prog", "loop", "20000", "stopped", NULL};
  dr_run_t glibc = {.devlog = rsl.sock3164, .timeout_ms = 1500};
  static dr_result_t res;
  dr_exec(&glibc, argv, &res);
  cr_assert_eq(res.status, -1, "glibc's syslog() did not stall on a stopped rsyslog: %s", res.out);
  dr_run_t ours = {.preload = 1, .env = {env}, .timeout_ms = 60000};
  dr_exec(&ours, argv, &res);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %d: %s", res.status, res.out);
  long long max_ns = -1, rest_ns = -1;
  cr_assert_eq(sscanf(res.out, "max_ns=%lld max_after_first_ns=%lld", &max_ns, &rest_ns), 2, "%s",
               res.out);
  cr_expect_lt(rest_ns, 1000LL * 1000000, "slowest call but the first: %lld ns", rest_ns);
  cr_log_info("rsyslog stopped: slowest preloaded call %lld us (the first: %lld us)", rest_ns / 1000,
              max_ns / 1000);
  kill(rsl.pid, SIGCONT);
}
