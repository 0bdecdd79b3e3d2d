/*
 * test_crash_flush_chain.c -- after the crash flush, the handler that was
 * installed before uvlog's runs (here with SA_RESETHAND: it runs once, and
 * the signal's action is the default one afterwards, so the process still
 * dies of its signal), for a fault on a producer and on the listener.
 */
#include "crash_fixture.h"

static void check(int sig, int on_listener) {
  char dir[64];
  crash_dir(dir, sizeof dir);
  crash_case_t cc = {.sig = sig, .on_listener = on_listener, .prev_handler = 1};
  crash_result_t r = crash_run(&cc, dir);
  cr_assert(WIFSIGNALED(r.status), "status %#x", r.status);
  cr_assert_eq(WTERMSIG(r.status), sig);
  cr_assert_str_eq(r.marker, "previous handler ran\n");
  crash_assert_all_once(r.log, "file");
  crash_free(&r);
}

Test(crash_flush_chain, segv_producer) { check(SIGSEGV, 0); }
Test(crash_flush_chain, abrt_producer) { check(SIGABRT, 0); }
Test(crash_flush_chain, fpe_listener) { check(SIGFPE, 1); }
