/*
 * error.c -- uvlog_strerror(): a static text for every code the library, its
 * sinks and libuv (through the network sinks) can return.
 *
 * Three sources, in this order: uvlog's own codes (UVLOG_* and UVLOG_PENDING),
 * the -errno values a sink can return (a table: strerror() may return a
 * per-call buffer, and strerrordesc_np() is glibc-only), and libuv's own
 * codes that are not errno values (UV_EAI_* from resolving, UV_EOF...), whose
 * uv_strerror() texts are static. Anything else gets one generic static
 * text. Codes are compared as they are, never negated, so every int is safe
 * (INT_MIN included).
 */
#include <errno.h>
#include <stddef.h>
#include <uv.h>

#include "uvlog.h"

typedef struct err_text {
  int code;
  const char *text;
} err_text_t;

/* -errno values a sink (file, stderr, syslog, TCP) or the logger returns. */
static const err_text_t errno_texts[] = {
    {-EPERM, "operation not permitted"},
    {-ENOENT, "no such file or directory"},
    {-EINTR, "interrupted system call"},
    {-EIO, "input/output error"},
    {-ENXIO, "no reader on the FIFO (or no such device)"},
    {-EBADF, "bad file descriptor"},
    {-EACCES, "permission denied"},
    {-EFAULT, "bad address"},
    {-EEXIST, "file exists"},
    {-ENODEV, "no such device"},
    {-ENOTDIR, "a path component is not a directory"},
    {-EISDIR, "is a directory"},
    {-ENFILE, "too many open files in the system"},
    {-EMFILE, "too many open files"},
    {-ETXTBSY, "text file busy"},
    {-EFBIG, "file too large"},
    {-ENOSPC, "no space left on device"},
    {-EROFS, "read-only file system"},
    {-EPIPE, "broken pipe (the reader went away)"},
    {-ENAMETOOLONG, "file name too long"},
    {-ELOOP, "symbolic link refused (follow_symlinks is off) or too many links"},
    {-EDQUOT, "disk quota exceeded"},
    {-EPROTO, "protocol error"},
    {-EDESTADDRREQ, "destination address required"},
    {-EMSGSIZE, "message too long (cut or refused)"},
    {-EPROTONOSUPPORT, "protocol not supported"},
    {-ENOTSUP, "operation not supported"},
    {-EAFNOSUPPORT, "address family not supported"},
    {-EADDRINUSE, "address already in use"},
    {-EADDRNOTAVAIL, "address not available"},
    {-ENETDOWN, "network is down"},
    {-ENETUNREACH, "network unreachable"},
    {-ECONNABORTED, "connection aborted"},
    {-ECONNRESET, "connection reset by peer"},
    {-ENOBUFS, "no buffer space: backlog full, records dropped"},
    {-EISCONN, "already connected"},
    {-ENOTCONN, "not connected (reconnecting)"},
    {-EHOSTDOWN, "host is down"},
    {-EHOSTUNREACH, "host unreachable"},
    {-ECONNREFUSED, "connection refused"},
    {-EALREADY, "operation already in progress"},
    {-EINPROGRESS, "operation in progress"},
    {-ECANCELED, "operation canceled"},
};

static const char *uvlog_code_text(int err) {
  switch (err) {
  case 0: return "success";
  case UVLOG_EINVAL: return "invalid argument";
  case UVLOG_ENOMEM: return "out of memory";
  case UVLOG_EAGAIN: return "ring full: record dropped (or a descriptor stayed full)";
  case UVLOG_ETIMEDOUT: return "timed out";
  case UVLOG_ECLOSED: return "logger closed";
  case UVLOG_EBUSY: return "wrong state (already started, or not started)";
  case UVLOG_EDEADLK: return "would wait for the calling thread itself";
  case UVLOG_ENOSYS: return "not supported by this sink";
  case UVLOG_EFILTERED: return "below the effective level: nothing was queued";
  case UVLOG_ERATELIMITED: return "refused by the call site's rate limit (counted)";
  case UVLOG_ENOLOGGER: return "no logger: WARNING and above went to stderr";
  case UVLOG_PENDING: return "pending";
  default: return NULL;
  }
}

/* libuv's codes that are not -errno (on this platform). */
static int is_libuv_own(int err) {
  return (err >= UV_EAI_PROTOCOL && err <= UV_EAI_ADDRFAMILY) || err == UV_EOF ||
         err == UV_UNKNOWN || err == UV_ECHARSET;
}

const char *uvlog_strerror(int err) {
  const char *t = uvlog_code_text(err);
  if (t) return t;
  for (size_t i = 0; i < sizeof errno_texts / sizeof errno_texts[0]; i++)
    if (errno_texts[i].code == err) return errno_texts[i].text;
  if (is_libuv_own(err)) return uv_strerror(err);
  return "unknown error (not a uvlog, errno or libuv code)";
}
