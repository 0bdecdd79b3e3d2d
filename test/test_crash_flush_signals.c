/*
 * test_crash_flush_signals.c -- the crash flush writes every record
 * committed before the crash, once, to the file sink and the stderr sink,
 * then the process dies of its signal: SIGSEGV, SIGBUS, SIGFPE, SIGILL and
 * SIGABRT, each raised by a real fault (abort() for SIGABRT) on a producer
 * thread -- the record it logged just before (a CRITICAL) included -- and
 * on the listener thread (inside a sink's write(): the batch it was
 * delivering is written by the handler, exactly once since the file sink
 * had not received it yet).
 */
#include "crash_fixture.h"

static void check(int sig, int on_listener) {
  char dir[64];
  crash_dir(dir, sizeof dir);
  crash_case_t cc = {.sig = sig, .on_listener = on_listener};
  crash_result_t r = crash_run(&cc, dir);
  cr_assert(WIFSIGNALED(r.status), "status %#x", r.status);
  cr_assert_eq(WTERMSIG(r.status), sig);
  crash_assert_all_once(r.log, "file");
  crash_assert_all_once(r.err, "stderr");
  char want[128];
  snprintf(want, sizeof want, on_listener ? "boom %d end\n" : "fatal: crashing with signal %d end\n",
           sig);
  cr_assert_eq(crash_count(r.log, want), 1, "%s", r.log);
  cr_assert_eq(crash_count(r.log, "CRITICAL"), 1);
  snprintf(want, sizeof want, "uvlog: crash flush after signal %d: %d records written, 0 lost\n",
           sig, CRASH_N + 2);
  cr_assert_eq(crash_count(r.err, want), 1, "%s", r.err);
  crash_free(&r);
}

Test(crash_flush_signals, segv_producer) { check(SIGSEGV, 0); }
Test(crash_flush_signals, bus_producer) { check(SIGBUS, 0); }
Test(crash_flush_signals, fpe_producer) { check(SIGFPE, 0); }
Test(crash_flush_signals, ill_producer) { check(SIGILL, 0); }
Test(crash_flush_signals, abrt_producer) { check(SIGABRT, 0); }
Test(crash_flush_signals, segv_listener) { check(SIGSEGV, 1); }
Test(crash_flush_signals, bus_listener) { check(SIGBUS, 1); }
Test(crash_flush_signals, fpe_listener) { check(SIGFPE, 1); }
Test(crash_flush_signals, ill_listener) { check(SIGILL, 1); }
Test(crash_flush_signals, abrt_listener) { check(SIGABRT, 1); }
