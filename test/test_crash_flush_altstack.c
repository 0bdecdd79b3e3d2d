/*
 * test_crash_flush_altstack.c -- a stack overflow on a thread that has an
 * alternate signal stack (uvlog_crash_flush_install() gives the calling
 * thread one by default) is flushed like any other SIGSEGV: every record,
 * and the process dies of SIGSEGV.
 */
#include "crash_fixture.h"

Test(crash_flush_altstack, stack_overflow_is_flushed) {
  char dir[64];
  crash_dir(dir, sizeof dir);
  crash_case_t cc = {.sig = SIGSEGV, .overflow = 1};
  crash_result_t r = crash_run(&cc, dir);
  cr_assert(WIFSIGNALED(r.status), "status %#x", r.status);
  cr_assert_eq(WTERMSIG(r.status), SIGSEGV);
  crash_assert_all_once(r.log, "file");
  cr_assert_eq(crash_count(r.log, "fatal: overflowing the stack end\n"), 1);
  crash_free(&r);
}

Test(crash_flush_altstack, install_keeps_an_existing_one) {
  cr_assert_eq(uvlog_crash_altstack_install(), 0);
  stack_t a, b;
  cr_assert_eq(sigaltstack(NULL, &a), 0);
  cr_assert_eq(a.ss_flags & SS_DISABLE, 0);
  cr_assert_eq(uvlog_crash_altstack_install(), 0);
  cr_assert_eq(sigaltstack(NULL, &b), 0);
  cr_assert_eq(a.ss_sp, b.ss_sp);
}
