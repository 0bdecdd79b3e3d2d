/*
 * compat.h -- the internals of the syslog(3)-compatible API (src/compat/)
 * that other parts of the library and the preload library need.
 */
#ifndef UVLOG_COMPAT_H
#define UVLOG_COMPAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "uvlog.h"

/* The `file` of a record made by the API for its own logger: its message
 * is the whole datagram glibc would send, and the syslog sink sends it as
 * it is (src/sink/syslog.c). Its text is "syslog". */
extern const char uvlog__syslog_datagram[];

/* One syslog(3) line as glibc builds it: buf holds "<PRI>Mmm dd hh:mm:ss
 * TAG[PID]: MESSAGE" (no NUL counted in len); buf + tag_off is "TAG[PID]:
 * MESSAGE" (what LOG_PERROR and LOG_CONS print); buf + msg_off the message. */
typedef struct compat_line {
  char *buf;          /* stack or heap (heap when it is `heap`) */
  char *heap;
  size_t len, tag_off, msg_off;
  char stack[1024];
} compat_line_t;

/* Formats the line like glibc 2.36's __vsyslog_internal(): `pri` with its
 * facility, the local time now, `tag` and `pid` (0: none), then fmt/ap with
 * errno set to `saved_errno` first (for %m). Returns 0 or UVLOG_ENOMEM /
 * UVLOG_EINVAL (vsnprintf failed). Free with compat_line_free(). */
int compat_line_format(compat_line_t *l, int pri, const char *tag, int pid, int saved_errno,
                       const char *fmt, va_list ap) UVLOG_PRINTF(6, 0);
void compat_line_free(compat_line_t *l);

/* Sends a line to the socket at `path` from the caller, without waiting
 * (one non-blocking datagram on a fresh socket). Returns 0 or -errno. */
int compat_send_direct(const char *path, const char *buf, size_t len);
/* LOG_PERROR: "TAG[PID]: MESSAGE" and a newline unless it ends with one,
 * to fd 2. */
void compat_write_stderr(const compat_line_t *l);
/* LOG_CONS: "TAG[PID]: MESSAGE\r\n" to /dev/console, non-blocking. */
void compat_write_console(const compat_line_t *l);

/* Flushes the API's own logger, if this process has one (the preload's
 * exec wrappers: exec() does not run atexit handlers). Returns what
 * uvlog_logger_flush() returns, or 0. */
int compat_own_flush(int64_t timeout_ms);

/* The daemon's socket: UVLOG_SYSLOG_PATH, else /dev/log (path_cap >= 108). */
void compat_socket_path(char *path, size_t path_cap);

/* The API's own logger, from the environment (docs/drop-in.md): with
 * UVLOG_CONFIG set, the logger that configuration describes (*configured
 * = 1: records carry the message alone, as for uvlog_syslog_use()); else,
 * or if that configuration is refused (reported once on stderr), a logger
 * (DROP on overflow, level TRACE: the mask filters) with one syslog sink
 * writing glibc's datagrams (*configured = 0). Started. `path` receives the
 * socket path (for compat_send_direct()). Returns 0 or a negative code. */
int compat_logger_from_env(uvlog_t **out, int *configured, char *path, size_t path_cap);

#endif /* UVLOG_COMPAT_H */
