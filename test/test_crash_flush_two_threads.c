/*
 * test_crash_flush_two_threads.c -- two threads crash at once (the second
 * faults while the first one's flush is writing): one flush writes every
 * record, exactly once, and reports once; the other thread waits for it
 * (or, if it gets there after, finds nothing left to write), and the
 * process dies of a signal.
 */
#include "crash_fixture.h"

Test(crash_flush_two_threads, one_flush_for_two_crashes) {
  char dir[64];
  crash_dir(dir, sizeof dir);
  crash_case_t cc = {.sig = SIGBUS, .second = 1};
  crash_result_t r = crash_run(&cc, dir);
  cr_assert(WIFSIGNALED(r.status), "status %#x", r.status);
  crash_assert_all_once(r.log, "file");
  crash_assert_all_once(r.err, "stderr");
  cr_assert_eq(crash_count(r.err, "uvlog: crash flush after signal"), 1, "%s", r.err);
  crash_free(&r);
}
