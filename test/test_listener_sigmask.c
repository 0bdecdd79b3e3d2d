/*
 * test_listener_sigmask.c -- the listener thread runs with every signal
 * blocked, so the application's handlers run on the application's threads
 * and sinks see no EINTR (docs/design.md); the thread that starts the logger
 * keeps its own mask.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "uvlog.h"

static sigset_t seen_open, seen_write;
static int opened, wrote;

static int mask_open(uvlog_sink_t *s, void *loop) {
  (void)s; (void)loop;
  pthread_sigmask(SIG_BLOCK, NULL, &seen_open);
  opened = 1;
  return 0;
}

static int mask_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s; (void)e; (void)n;
  pthread_sigmask(SIG_BLOCK, NULL, &seen_write);
  wrote = 1;
  return 0;
}

static const uvlog_sink_vtable_t mask_vt = {.name = "mask", .open = mask_open, .write = mask_write};

static int all_blocked(const sigset_t *set) {
  for (int sig = 1; sig < SIGRTMIN; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue; /* cannot be blocked */
    if (sig == 32 || sig == 33) continue;           /* glibc's own, never in a set */
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGABRT)
      continue; /* faults: left unblocked so a handler can run (lifecycle.c) */
    if (!sigismember(set, sig)) return sig;
  }
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
    if (!sigismember(set, sig)) return sig;
  return 0;
}

Test(listener, runs_with_every_signal_blocked) {
  sigset_t none, mine;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, NULL);
  uvlog_t *log = NULL;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_create(&s, &mask_vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_ERROR, NULL, 0, NULL, "one"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert(opened && wrote);
  int sig = all_blocked(&seen_open);
  cr_assert_eq(sig, 0, "signal %d (%s) not blocked in open()", sig, strsignal(sig));
  sig = all_blocked(&seen_write);
  cr_assert_eq(sig, 0, "signal %d (%s) not blocked in write()", sig, strsignal(sig));
  pthread_sigmask(SIG_BLOCK, NULL, &mine);
  cr_assert_not(sigismember(&mine, SIGINT), "start changed the caller's mask");
  cr_assert_not(sigismember(&mine, SIGTERM), "start changed the caller's mask");
  uvlog_logger_destroy(log);
}
