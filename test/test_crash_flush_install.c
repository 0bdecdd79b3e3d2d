/*
 * test_crash_flush_install.c -- uvlog_crash_flush_install() and
 * uninstall: bad input is refused with UVLOG_EINVAL, a second install for
 * the same logger and a ninth logger with UVLOG_EBUSY, a closed logger
 * with UVLOG_ECLOSED; the handler is installed for the five signals and
 * the previous actions are put back by the last uninstall, or by close.
 */
#include <criterion/criterion.h>
#include <signal.h>

#include "capture.h"
#include "uvlog.h"

static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static void prev(int sig) { (void)sig; }

/* Installs `prev` for the five signals; returns 1 if each is now `prev`. */
static int all_prev(void) {
  for (int i = 0; i < 5; i++) {
    struct sigaction cur;
    sigaction(sigs[i], NULL, &cur);
    if ((cur.sa_flags & SA_SIGINFO) || cur.sa_handler != prev) return 0;
  }
  return 1;
}

static void set_prev(void) {
  struct sigaction sa = {0};
  sa.sa_handler = prev;
  for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, NULL);
}

static uvlog_t *make(capture_t *c) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  return log;
}

Test(crash_flush_install, bad_input) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c);
  uvlog_crash_options_t o;
  uvlog_crash_options_init(&o);
  cr_assert_eq(o.timeout_ms, 2000);
  cr_assert_eq(o.altstack, 1);
  cr_assert_eq(uvlog_crash_flush_install(NULL, &o), UVLOG_EINVAL);
  o.timeout_ms = 0;
  cr_assert_eq(uvlog_crash_flush_install(log, &o), UVLOG_EINVAL);
  o.timeout_ms = 60001;
  cr_assert_eq(uvlog_crash_flush_install(log, &o), UVLOG_EINVAL);
  o.timeout_ms = 100;
  o.altstack = 2;
  cr_assert_eq(uvlog_crash_flush_install(log, &o), UVLOG_EINVAL);
  cr_assert_eq(uvlog_crash_flush_uninstall(NULL), UVLOG_EINVAL);
  cr_assert_eq(uvlog_crash_flush_uninstall(log), UVLOG_EINVAL); /* not installed */
  cr_assert_eq(uvlog_crash_flush_install(log, NULL), 0);
  cr_assert_eq(uvlog_crash_flush_install(log, NULL), UVLOG_EBUSY);
  cr_assert_eq(uvlog_crash_flush_uninstall(log), 0);
  cr_assert_eq(uvlog_crash_flush_uninstall(log), UVLOG_EINVAL);
  uvlog_logger_close(log);
  cr_assert_eq(uvlog_crash_flush_install(log, NULL), UVLOG_ECLOSED);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(crash_flush_install, handlers_replaced_and_put_back) {
  capture_t c[UVLOG_CRASH_MAX_LOGGERS + 1];
  uvlog_t *log[UVLOG_CRASH_MAX_LOGGERS + 1];
  set_prev();
  for (int i = 0; i <= UVLOG_CRASH_MAX_LOGGERS; i++) {
    capture_init(&c[i]);
    log[i] = make(&c[i]);
  }
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS; i++) {
    cr_assert_eq(uvlog_crash_flush_install(log[i], NULL), 0);
    cr_assert_not(all_prev());
  }
  cr_assert_eq(uvlog_crash_flush_install(log[UVLOG_CRASH_MAX_LOGGERS], NULL), UVLOG_EBUSY);
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS - 1; i++) {
    cr_assert_eq(uvlog_crash_flush_uninstall(log[i]), 0);
    cr_assert_not(all_prev(), "removed too early");
  }
  /* The last one goes with its logger's close. */
  cr_assert_eq(uvlog_logger_start(log[UVLOG_CRASH_MAX_LOGGERS - 1]), 0);
  cr_assert_eq(uvlog_logger_close(log[UVLOG_CRASH_MAX_LOGGERS - 1]), 0);
  cr_assert(all_prev());
  for (int i = 0; i <= UVLOG_CRASH_MAX_LOGGERS; i++) {
    uvlog_logger_destroy(log[i]);
    capture_free(&c[i]);
  }
}
