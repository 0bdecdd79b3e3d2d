/*
 * syslog.c -- the syslog(3)-compatible API (include/uvlog/syslog.h): the
 * process-wide state syslog(3) has (tag, options, default facility, mask),
 * and the path of one call: check the mask, format on the caller like glibc
 * (line.c), queue the record in a logger's ring (never waiting), and the
 * LOG_PERROR / LOG_CONS copies (direct.c).
 *
 * THE LOGGER
 * By default the API's own, created at the first call in each process from
 * the environment (env.c). A fork()ed child must not use the parent's
 * logger (its listener thread did not survive the fork; docs/api.md): a
 * pthread_atfork() child handler forgets it, and the child's first call
 * creates a logger of its own. The parent's logger is left alone in the
 * child (its memory is the parent's copy-on-write pages; closing it there
 * would touch the parent's sinks). When no logger can take a record -- it
 * could not be created, or it is closed because the process is exiting --
 * the datagram is sent from the caller on a fresh non-blocking socket.
 *
 * MEMORY ORDERS
 * The tag is a pointer into the caller's memory: release on store, acquire
 * on load, so its bytes written before openlog() are seen. The own logger
 * and the user's logger are published the same way, and so is own_failed
 * (the socket path, written before either, is then visible). Options,
 * facility, mask and pid are lone values: relaxed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <syslog.h>
#include <unistd.h>

#include "compat.h"
#include "logger_impl.h"
#include "uvlog/syslog.h"

/* glibc's priority for its own complaint about a bad priority. */
#define COMPAT_INTERNALLOG (LOG_ERR | LOG_CONS | LOG_PERROR | LOG_PID)

const char uvlog__syslog_datagram[] = "syslog";

static struct {
  pthread_mutex_t mu;        /* creating the own logger; fork */
  const char *_Atomic tag;   /* openlog()'s ident, or NULL */
  _Atomic int opts;          /* LOG_PID, LOG_CONS... */
  _Atomic int facility;      /* default facility (a LOG_* facility value) */
  _Atomic int mask;          /* setlogmask() */
  _Atomic int pid;           /* this process's pid, 0 until first needed */
  _Atomic int own_failed;    /* creating the own logger failed in this process */
  uvlog_t *_Atomic own;      /* the own logger of this process, or NULL */
  int own_configured;        /* it came from UVLOG_CONFIG: messages alone
                                (written before `own` is published) */
  uvlog_t *_Atomic user;     /* uvlog_syslog_use(), or NULL */
  char path[108];            /* the socket, for direct sends; under mu */
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .facility = LOG_USER, .mask = 0xff};

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* ---- fork --------------------------------------------------------------- */

static void fork_prepare(void) { pthread_mutex_lock(&g.mu); }
static void fork_parent(void) { pthread_mutex_unlock(&g.mu); }

/* The child: the parent's logger has no listener here; forget it. */
static void fork_child(void) {
  atomic_store_explicit(&g.own, NULL, memory_order_release);
  atomic_store_explicit(&g.own_failed, 0, memory_order_relaxed);
  atomic_store_explicit(&g.pid, (int)getpid(), memory_order_relaxed);
  pthread_mutex_unlock(&g.mu);
}

static void register_atfork(void) { pthread_atfork(fork_prepare, fork_parent, fork_child); }

static int compat_pid(void) {
  int pid = atomic_load_explicit(&g.pid, memory_order_relaxed);
  if (pid == 0) {
    pid = (int)getpid();
    atomic_store_explicit(&g.pid, pid, memory_order_relaxed);
  }
  return pid;
}

/* ---- the logger --------------------------------------------------------- */

/* The own logger of this process, created from the environment at the
 * first need; NULL if that failed. */
static uvlog_t *own_logger(void) {
  uvlog_t *log = atomic_load_explicit(&g.own, memory_order_acquire);
  if (log || atomic_load_explicit(&g.own_failed, memory_order_acquire)) return log;
  pthread_once(&atfork_once, register_atfork);
  pthread_mutex_lock(&g.mu);
  log = atomic_load_explicit(&g.own, memory_order_acquire);
  if (!log && !atomic_load_explicit(&g.own_failed, memory_order_relaxed)) {
    if (compat_logger_from_env(&log, &g.own_configured, g.path, sizeof g.path) == 0) {
      atomic_store_explicit(&g.own, log, memory_order_release);
    } else {
      log = NULL;
      atomic_store_explicit(&g.own_failed, 1, memory_order_release);
    }
  }
  pthread_mutex_unlock(&g.mu);
  return log;
}

/* Queues the line; returns 0 or why it was not sent. */
static int deliver(const compat_line_t *l, int pri) {
  uvlog_level_t level = uvlog_level_from_syslog(LOG_PRI(pri));
  uvlog_t *user = atomic_load_explicit(&g.user, memory_order_acquire);
  if (user)
    return uvlog_log_text(user, level, NULL, 0, NULL, l->buf + l->msg_off, l->len - l->msg_off);
  uvlog_t *log = own_logger();
  /* own_configured was written before `own` was published (release) and
   * own_logger() loaded it with acquire. */
  int rc = !log                ? UVLOG_ECLOSED
           : g.own_configured ? uvlog_log_text(log, level, NULL, 0, NULL, l->buf + l->msg_off,
                                               l->len - l->msg_off)
                              : uvlog_log_text(log, level, uvlog__syslog_datagram, 0, NULL,
                                               l->buf, l->len);
  /* g.path was written under mu before `own` or `own_failed` was
   * published (release), and own_logger() loaded them with acquire. */
  if (rc == UVLOG_ECLOSED) rc = compat_send_direct(g.path, l->buf, l->len);
  return rc;
}

/* ---- the API ------------------------------------------------------------ */

void uvlog_openlog(const char *ident, int option, int facility) {
  if (ident) atomic_store_explicit(&g.tag, ident, memory_order_release);
  atomic_store_explicit(&g.opts, option, memory_order_relaxed);
  if ((facility & ~LOG_FACMASK) == 0)
    atomic_store_explicit(&g.facility, facility, memory_order_relaxed);
  if ((option & LOG_NDELAY) && !atomic_load_explicit(&g.user, memory_order_acquire)) own_logger();
}

void uvlog_vsyslog(int pri, const char *fmt, va_list ap) {
  int saved = errno;
  if (pri & ~(LOG_PRIMASK | LOG_FACMASK)) {
    uvlog_syslog(COMPAT_INTERNALLOG, "syslog: unknown facility/priority: %x", (unsigned)pri);
    pri &= LOG_PRIMASK | LOG_FACMASK;
  }
  if (!fmt || !(LOG_MASK(LOG_PRI(pri)) & atomic_load_explicit(&g.mask, memory_order_relaxed))) {
    errno = saved;
    return;
  }
  if ((pri & LOG_FACMASK) == 0) pri |= atomic_load_explicit(&g.facility, memory_order_relaxed);
  int opts = atomic_load_explicit(&g.opts, memory_order_relaxed);
  const char *tag = atomic_load_explicit(&g.tag, memory_order_acquire);
  compat_line_t l;
  if (compat_line_format(&l, pri, tag ? tag : program_invocation_short_name,
                         (opts & LOG_PID) ? compat_pid() : 0, saved, fmt, ap) == 0) {
    if (opts & LOG_PERROR) compat_write_stderr(&l);
    int rc = deliver(&l, pri);
    if (rc != 0 && rc != UVLOG_EFILTERED && (opts & LOG_CONS)) compat_write_console(&l);
    compat_line_free(&l);
  }
  errno = saved;
}

void uvlog_syslog(int pri, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  uvlog_vsyslog(pri, fmt, ap);
  va_end(ap);
}

void uvlog_closelog(void) { atomic_store_explicit(&g.tag, NULL, memory_order_release); }

int uvlog_setlogmask(int mask) {
  if (mask == 0) return atomic_load_explicit(&g.mask, memory_order_relaxed);
  return atomic_exchange_explicit(&g.mask, mask, memory_order_relaxed);
}

int uvlog_syslog_use(uvlog_t *log) {
  if (log && atomic_load_explicit(&log->state, memory_order_acquire) != LOG_RUNNING)
    return UVLOG_EBUSY;
  atomic_store_explicit(&g.user, log, memory_order_release);
  return 0;
}

uvlog_t *uvlog_syslog_logger(void) {
  uvlog_t *user = atomic_load_explicit(&g.user, memory_order_acquire);
  return user ? user : own_logger();
}

int compat_own_flush(int64_t timeout_ms) {
  uvlog_t *log = atomic_load_explicit(&g.own, memory_order_acquire);
  return log ? uvlog_logger_flush(log, timeout_ms) : 0;
}
