/*
 * test_preload.c -- libuvlog-syslog.so in an unmodified program
 * (preload_prog, built without uvlog): the datagrams are those glibc sends,
 * byte for byte but the time; the calls never stall when the daemon stops
 * reading; a pre-fork server's workers log with their own pids; exec and
 * exit lose nothing.
 */
#include <criterion/criterion.h>

#include "dropin_fixture.h"

#define N 60

static dr_t rcv;

/* Runs the program preloaded, sending to the receiver, and collects up to
 * `want` datagrams; asserts it exited 0. */
static dr_result_t *run_preloaded(char **argv, size_t want) {
  static char env[700];
  static dr_result_t res;
  snprintf(env, sizeof env, "UVLOG_SYSLOG_PATH=%s", rcv.path);
  dr_run_t o = {.preload = 1, .env = {env}};
  dr_exec_recv(&o, argv, &res, &rcv, want, 3000);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %d: %s", res.status, res.out);
  return &res;
}

static void setup(void) {
  dr_open(&rcv);
  cr_assert_geq(rcv.fd, 0, "cannot bind the receiver");
}
static void teardown(void) { dr_close(&rcv); }

/* Runs `loop N tag` and returns its normalized datagrams in out[]. */
static void run_loop(const char *prog, int preload, const char *tag, char **out) {
  char n[16];
  snprintf(n, sizeof n, "%d", N);
  char *argv[] = {"prog", "loop", n, (char *)tag, NULL};
  dr_run_t o = {.prog = prog, .preload = preload, .devlog = rcv.path};
  static dr_result_t res;
  dr_exec_recv(&o, argv, &res, &rcv, N, 5000);
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "the program failed (%d): %s",
            res.status, res.out);
  char **raw = res.dg;
  size_t got = res.n_dg;
  cr_assert_eq(got, N, "%zu of %d datagrams arrived (preload %d)", got, N, preload);
  for (size_t i = 0; i < got; i++) {
    out[i] = dr_normalize(raw[i], res.pid);
    cr_assert_not_null(out[i], "not glibc's time stamp: %s", raw[i]);
    cr_assert_not_null(strstr(out[i], "[PID]: "), "no [pid] of the program in %s", raw[i]);
  }
  dr_free(raw, got);
}

static void same_as_glibc(const char *prog) {
  char *glibc[N], *ours[N];
  run_loop(prog, 0, "same", glibc);
  run_loop(prog, 1, "same", ours);
  for (int i = 0; i < N; i++) cr_expect_str_eq(ours[i], glibc[i], "datagram %d", i);
  cr_assert_not_null(strstr(glibc[7], "failed: No such file or directory"), "%s", glibc[7]);
  dr_free(glibc, N);
  dr_free(ours, N);
}

/* syslog(), vsyslog(), %m, a facility in the priority, every severity. */
Test(preload, datagrams_are_glibcs, .init = setup, .fini = teardown, .timeout = 120) {
  same_as_glibc(NULL);
}

/* The same program built with -D_FORTIFY_SOURCE=2 calls __syslog_chk and
 * __vsyslog_chk. */
Test(preload, fortified_datagrams_are_glibcs, .init = setup, .fini = teardown, .timeout = 120) {
  same_as_glibc(getenv("UVLOG_TEST_PRELOAD_PROG_FORTIFY"));
}

/* The receiver never reads: its queue fills after a few datagrams. glibc's
 * syslog() then blocks; the preloaded one keeps returning at once. */
Test(preload, never_stalls_when_daemon_stops_reading, .init = setup, .fini = teardown,
     .timeout = 120) {
  char *argv[] = {"prog", "loop", "20000", "stall", NULL};
  dr_run_t glibc = {.devlog = rcv.path, .timeout_ms = 1500};
  static dr_result_t res;
  dr_exec(&glibc, argv, &res);
  cr_assert_eq(res.status, -1, "glibc's syslog() did not stall (the test shows nothing): %s", res.out);

  char env[700];
  snprintf(env, sizeof env, "UVLOG_SYSLOG_PATH=%s", rcv.path);
  dr_run_t ours = {.preload = 1, .env = {env}, .timeout_ms = 60000};
  int64_t t0 = nf_now_ms();
  dr_exec(&ours, argv, &res);
  int64_t ms = nf_now_ms() - t0;
  cr_assert(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0, "status %d: %s", res.status, res.out);
  long long max_ns = -1, rest_ns = -1;
  cr_assert_eq(sscanf(res.out, "max_ns=%lld max_after_first_ns=%lld", &max_ns, &rest_ns), 2, "%s",
               res.out);
  /* The first call creates the logger (a few ms); no call waits for the
   * daemon. Generous for sanitizers and a loaded CI machine. */
  cr_expect_lt(max_ns, 2000LL * 1000000, "slowest call %lld ns", max_ns);
  cr_expect_lt(ms, 30000, "20000 calls and exit took %lld ms", (long long)ms);
  cr_expect_lt(rest_ns, 1000LL * 1000000, "slowest call but the first %lld ns", rest_ns);
  cr_log_info("preloaded, daemon not reading: slowest of 20000 calls %lld us (the first), "
              "slowest of the others %lld us, run with exit %lld ms",
              max_ns / 1000, rest_ns / 1000, (long long)ms);
}

/* A pre-fork server: 4 workers and the parent log 50 lines each; every
 * record arrives once, with the pid of the process that logged it. */
Test(preload, prefork_workers_log_with_their_pid, .init = setup, .fini = teardown, .timeout = 120) {
  char *argv[] = {"prog", "fork", "4", "50", NULL};
  dr_result_t *res = run_preloaded(argv, 250);
  char **d = res->dg;
  size_t got = res->n_dg;
  cr_assert_eq(got, 250, "%zu of 250 records", got);
  int per[5] = {0};
  for (size_t i = 0; i < got; i++) {
    int tag_pid = 0, msg_pid = -1, w = -1;
    const char *t = strstr(d[i], "prefork[");
    cr_assert_not_null(t, "%s", d[i]);
    sscanf(t, "prefork[%d]:", &tag_pid);
    const char *m = strstr(t, "]: ") + 3;
    if (sscanf(m, "worker %d pid %d", &w, &msg_pid) != 2) {
      cr_assert_eq(sscanf(m, "parent pid %d", &msg_pid), 1, "%s", d[i]);
      w = 4;
      cr_assert_eq(msg_pid, res->pid, "%s", d[i]);
    }
    cr_assert_eq(tag_pid, msg_pid, "the record's pid is not its process's: %s", d[i]);
    cr_assert(strncmp(d[i], "<30>", 4) == 0, "daemon.info: %s", d[i]);
    per[w]++;
  }
  for (int w = 0; w < 5; w++) cr_expect_eq(per[w], 50, "process %d: %d records", w, per[w]);
  dr_free(d, got);
}

/* Records logged before exec() and after it (the preload loads again in
 * the new image) all arrive; nothing is lost at either exit. */
Test(preload, exec_and_exit_lose_nothing, .init = setup, .fini = teardown, .timeout = 120) {
  char *argv[] = {"prog", "exec", "30", NULL};
  dr_result_t *res = run_preloaded(argv, 60);
  char **d = res->dg;
  size_t got = res->n_dg;
  size_t before = 0, after = 0;
  for (size_t i = 0; i < got; i++) {
    if (strstr(d[i], " before-exec[")) before++;
    if (strstr(d[i], " after-exec[")) after++;
  }
  cr_expect_eq(before, 30, "before exec: %zu of 30", before);
  cr_expect_eq(after, 30, "after exec: %zu of 30", after);
  dr_free(d, got);
}
