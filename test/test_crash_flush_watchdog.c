/*
 * test_crash_flush_watchdog.c -- the crash flush gives up at its deadline:
 * with the file sink on a FIFO whose reader never reads (the pipe fills
 * after 64 KiB), the child still dies of its signal, within timeout_ms
 * plus a margin, having written what fitted.
 */
#include "crash_fixture.h"

Test(crash_flush_watchdog, a_stalled_sink_does_not_hold_the_crash) {
  char dir[64], fifo[128];
  crash_dir(dir, sizeof dir);
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  cr_assert_eq(mkfifo(fifo, 0600), 0);
  int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader that never reads */
  cr_assert_geq(rd, 0);
  /* Records long enough to fill the pipe several times over. */
  crash_case_t cc = {.sig = SIGSEGV, .timeout_ms = 300, .sink_path = fifo, .pad = 1};
  crash_result_t r = crash_run(&cc, dir);
  cr_assert(WIFSIGNALED(r.status), "status %#x", r.status);
  cr_assert_eq(WTERMSIG(r.status), SIGSEGV);
  cr_assert_lt(r.crash_ms, 300 + 5000, "the crash took %lld ms", (long long)r.crash_ms);
  /* The stderr sink (a regular file, after the FIFO in every record's
   * turn) got the records written before the deadline, and the report
   * says some were not written. */
  cr_assert_eq(crash_count(r.err, "record 0 end ppp"), 1);
  cr_assert_eq(crash_count(r.err, "record 299 end ppp"), 0);
  cr_assert_eq(crash_count(r.err, " lost\n"), 1);
  cr_assert_eq(crash_count(r.err, ", 0 lost\n"), 0, "%s", r.err);
  close(rd);
  crash_free(&r);
}
