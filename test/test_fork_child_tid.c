/*
 * test_fork_child_tid.c -- the cached thread id is reset in a forked child
 * (docs/design.md): a child that logs through a logger of its own stamps its
 * records with its own kernel thread id, not the parent thread's cached one.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uvlog.h"

static uint32_t seen_tid;

static int tid_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  for (size_t i = 0; i < n; i++)
    if (!(e[i].flags & UVLOG_ENTRY_INTERNAL)) seen_tid = e[i].tid;
  return 0;
}

static const uvlog_sink_vtable_t tid_vt = {.name = "tid", .write = tid_write};

/* Logs one record through a fresh logger; returns the tid its entry had. */
static uint32_t logged_tid(void) {
  uvlog_t *log = NULL;
  uvlog_sink_t *s = NULL;
  seen_tid = 0;
  if (uvlog_logger_create(&log, NULL) || uvlog_sink_create(&s, &tid_vt, NULL) ||
      uvlog_sink_add(log, s) || uvlog_logger_start(log))
    return 0;
  UVLOG_ERROR_TO(log, "deferred %d", 1);
  uvlog_log(log, UVLOG_LEVEL_ERROR, NULL, 0, NULL, "preformatted");
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  return seen_tid;
}

Test(fork, child_records_carry_the_childs_thread_id) {
  uint32_t parent = logged_tid(); /* fills this thread's cache */
  cr_assert_eq(parent, (uint32_t)syscall(SYS_gettid));
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    uint32_t got = logged_tid();
    _exit(got == (uint32_t)syscall(SYS_gettid) && got != parent ? 0 : 1);
  }
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st), "child died");
  cr_assert_eq(WEXITSTATUS(st), 0, "the child's records carried a stale thread id");
}
