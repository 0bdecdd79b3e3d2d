/*
 * uvlog/crash.h -- the crash flush: on a fatal signal, write what is still
 * queued before the process dies. Included by uvlog.h.
 *
 * Opt-in, one call per logger: uvlog_crash_flush_install(). On SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL and SIGABRT the handler writes every record
 * committed to the logger's ring and not yet released by the listener to
 * the logger's file and stderr sinks, with async-signal-safe calls only
 * (no malloc, no lock, no stdio), then chains the handler that was
 * installed before it (or restores the default action and re-raises the
 * signal). What differs from the listener's output, the time bound and the
 * cases where a record can be written twice or lost: docs/crash.md.
 */
#ifndef UVLOG_CRASH_H
#define UVLOG_CRASH_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/crash.h>"
#endif

/* How many loggers can have the crash flush installed at once. */
#define UVLOG_CRASH_MAX_LOGGERS 8

typedef struct uvlog_crash_options {
  unsigned timeout_ms; /* the handler stops writing this long after the signal
                          (a time check between records, and alarm(2) rounded
                          up to whole seconds for one write that blocks);
                          default 2000, 1..60000 */
  int altstack;        /* 1 (default): give the calling thread an alternate
                          signal stack (uvlog_crash_altstack_install()) so that
                          a stack overflow on it can still be flushed; 0: no */
} uvlog_crash_options_t;

/** Fills `opts` with the defaults above. */
UVLOG_EXPORT void uvlog_crash_options_init(uvlog_crash_options_t *opts);

/** Installs the crash flush for `log` (opts NULL: the defaults). The first
 *  install in the process saves the current actions of SIGSEGV, SIGBUS,
 *  SIGFPE, SIGILL and SIGABRT and installs uvlog's handler (SA_SIGINFO |
 *  SA_ONSTACK); the saved actions are chained after the flush. Records are
 *  written only while the logger is started; uvlog_logger_close() (once the
 *  listener has drained) and uvlog_logger_destroy() uninstall it. Errors:
 *  UVLOG_EINVAL (NULL log, timeout_ms 0 or above 60000, altstack not 0 or
 *  1), UVLOG_EBUSY (already installed for `log`, or for
 *  UVLOG_CRASH_MAX_LOGGERS loggers), UVLOG_ECLOSED (closing or closed),
 *  UVLOG_ENOMEM, or -errno from sigaction()/sigaltstack(). */
UVLOG_EXPORT int uvlog_crash_flush_install(uvlog_t *log, const uvlog_crash_options_t *opts);

/** Removes `log` from the crash flush; the last one removed puts the saved
 *  signal actions back (where uvlog's handler is still the one installed).
 *  Errors: UVLOG_EINVAL (NULL, or not installed for `log`). */
UVLOG_EXPORT int uvlog_crash_flush_uninstall(uvlog_t *log);

/** Gives the calling thread an alternate signal stack (64 KiB, mmap'd,
 *  never freed) if it has none, so that the crash flush also runs after a
 *  stack overflow on that thread. Each thread needs its own: call it at the
 *  start of every thread whose stack may overflow. Returns 0 (also when the
 *  thread already had one), UVLOG_ENOMEM or -errno from sigaltstack(). */
UVLOG_EXPORT int uvlog_crash_altstack_install(void);

#endif /* UVLOG_CRASH_H */
