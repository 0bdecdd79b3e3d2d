/*
 * test_fork_child_reopen.c -- uvlog_logger_reopen() in a forked child of the
 * process that started the logger returns UVLOG_ECLOSED (the child has no
 * listener, so nothing would ever reopen), as flush does; the parent's
 * logger still reopens.
 */
#include <criterion/criterion.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "uvlog.h"

Test(fork, reopen_in_a_child_is_eclosed) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) _exit(uvlog_logger_reopen(log) == UVLOG_ECLOSED ? 0 : 1);
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reopen in the child did not say ECLOSED");
  cr_assert_eq(uvlog_logger_reopen(log), 0, "the parent's logger still reopens");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
