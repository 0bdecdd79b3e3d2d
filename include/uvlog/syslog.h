/*
 * uvlog/syslog.h -- the syslog(3)-compatible API: uvlog_openlog(),
 * uvlog_syslog(), uvlog_vsyslog(), uvlog_closelog(), uvlog_setlogmask(),
 * with glibc's semantics, for code that is recompiled (the preloadable
 * libuvlog-syslog.so uses the same functions for unmodified binaries; see
 * docs/drop-in.md).
 *
 * Standalone: include <uvlog/syslog.h> (it includes <uvlog.h> and
 * <syslog.h> for the LOG_* constants); <uvlog.h> does not include it, so the
 * LOG_* macros never enter a program that did not ask for them.
 *
 * Records go through a logger's ring: a call formats on the calling thread
 * (so %m is the errno of the call) and returns without a system call in the
 * common case; it never waits for the daemon. By default the records go to a
 * logger of the API's own, created at the first call (or by openlog() with
 * LOG_NDELAY) from the environment (UVLOG_SYSLOG_PATH, UVLOG_SYSLOG_RING,
 * UVLOG_SYSLOG_BUFFER: docs/drop-in.md), whose syslog sink sends to the
 * socket exactly the datagram glibc would send ("<PRI>Mmm dd hh:mm:ss
 * TAG[PID]: MESSAGE"). The state (tag, options, facility, mask) is
 * process-wide, as syslog(3)'s is.
 */
#ifndef UVLOG_SYSLOG_H
#define UVLOG_SYSLOG_H

#include <syslog.h>

#include "../uvlog.h"

#ifdef __cplusplus
extern "C" {
#endif

/** openlog(3): `ident` (kept as a pointer, as glibc does: it must stay valid;
 *  NULL keeps the current tag, whose default is the program's short name),
 *  `option` (LOG_PID, LOG_CONS, LOG_NDELAY, LOG_ODELAY, LOG_NOWAIT,
 *  LOG_PERROR) and the default `facility` (used when a priority has none;
 *  ignored unless it is a facility value, LOG_KERN .. LOG_LOCAL7). LOG_NDELAY
 *  creates and starts the API's own logger now (it connects to the socket);
 *  without it that happens at the first uvlog_syslog(). */
UVLOG_EXPORT void uvlog_openlog(const char *ident, int option, int facility);

/** syslog(3): formats `fmt` (printf's conversions and %m, the error text of
 *  errno at the call) and queues one record at the severity of `priority`
 *  (LOG_EMERG .. LOG_DEBUG) with its facility, or openlog()'s when it has
 *  none. Skipped, without formatting, when the severity is outside the mask
 *  (uvlog_setlogmask()). A priority with bits outside the facility and
 *  severity logs glibc's "syslog: unknown facility/priority: %x" first, then
 *  the record with those bits cleared. LOG_PERROR also writes "TAG[PID]:
 *  MESSAGE\n" to stderr on the caller; LOG_CONS writes "TAG[PID]: MESSAGE\r\n"
 *  to /dev/console (non-blocking) when the record cannot be queued (the ring
 *  is full: the record is dropped and counted). Never waits for the daemon.
 *  errno is preserved. */
UVLOG_EXPORT void uvlog_syslog(int priority, const char *fmt, ...) UVLOG_PRINTF(2, 3);

/** vsyslog(3): uvlog_syslog() with a va_list. */
UVLOG_EXPORT void uvlog_vsyslog(int priority, const char *fmt, va_list ap) UVLOG_PRINTF(2, 0);

/** closelog(3): forgets the tag (the next record uses the program's name
 *  again, as in glibc). The options, facility and mask are kept, and so is
 *  the logger with its connection (records already queued are still sent). */
UVLOG_EXPORT void uvlog_closelog(void);

/** setlogmask(3): sets the mask of severities that are logged (LOG_MASK(p),
 *  LOG_UPTO(p)) unless `mask` is 0, and returns the previous mask (default
 *  0xff: everything). */
UVLOG_EXPORT int uvlog_setlogmask(int mask);

/** Sends the API's records to `log`, a started logger of yours, instead of
 *  the API's own logger: each record is then the formatted message alone at
 *  uvlog_level_from_syslog(severity), and your sinks' formats add what they
 *  add (a syslog sink its own tag, pid and facility). NULL goes back to the
 *  API's own logger. `log` must outlive its use here (call
 *  uvlog_syslog_use(NULL) before destroying it). In a forked child your
 *  logger refuses records (docs/api.md), so create one there. Errors:
 *  UVLOG_EBUSY (`log` is not started). */
UVLOG_EXPORT int uvlog_syslog_use(uvlog_t *log);

/** The logger the API writes to now: yours (uvlog_syslog_use()), or its own,
 *  created (from the environment) and started if needed, e.g. to read its
 *  uvlog_logger_stats() (dropped records) or to flush it. NULL if it could
 *  not be created (the API then sends each datagram itself, non-blocking).
 *  The API's own logger belongs to the API: do not close or destroy it (it
 *  is closed at exit, after writing what it accepted). */
UVLOG_EXPORT uvlog_t *uvlog_syslog_logger(void);

#ifdef __cplusplus
}
#endif
#endif /* UVLOG_SYSLOG_H */
