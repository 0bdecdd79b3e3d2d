/*
 * uvlog.h -- uvlog, non-blocking asynchronous logging for C programs built
 * around libuv. Include this header only; it includes the others:
 *
 *   uvlog.h            errors, levels, the logger, the log calls (this file)
 *   uvlog/sink.h       formats, and the API for writing your own sink
 *   uvlog/sinks.h      the built-in sinks (stderr, file, syslog, TCP) and
 *                      their options
 *   uvlog/fields.h     structured logging: typed fields, contexts, trace ids
 *   uvlog/category.h   categories (named sub-loggers), level rules,
 *                      sinks limited to categories, thread names
 *   uvlog/loop.h       the monitor of an application's uv loop (lag,
 *                      utilization, stalls) and Prometheus metrics
 *   uvlog/config.h     configuration files, UVLOG_CONFIG, reload, dump
 *   uvlog/crash.h      the crash flush (write the queue on a fatal signal)
 *   uvlog/capture.h    capture of the process's stdout and stderr
 *   (uvlog/syslog.h    the syslog(3)-compatible API: include it yourself)
 *   uvlog/private.h    the machinery behind the log macros (not an API)
 *   uvlog/args.h       generated argument-counting macros (not an API)
 *
 * Producers (any thread, any loop callback) push self-contained records into
 * a lock-free multi-producer ring; one listener thread running its own libuv
 * loop drains the ring in order and hands batches to sinks (stderr, file,
 * syslog, TCP, or your own).
 *
 * Conventions (libuv's): opaque handles; functions return 0 on success or a
 * negative error code (UVLOG_E*, equal to -errno where one fits) that
 * uvlog_strerror() turns into text; no global state unless you ask for it
 * (uvlog_default_set()).
 */
#ifndef UVLOG_H
#define UVLOG_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define UVLOG_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#define UVLOG_EXPORT __attribute__((visibility("default")))
#define UVLOG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UVLOG_PRINTF(fmt_idx, arg_idx)
#define UVLOG_EXPORT
#define UVLOG_UNLIKELY(x) (x)
#endif

#define UVLOG_VERSION_MAJOR 0
#define UVLOG_VERSION_MINOR 3
#define UVLOG_VERSION_PATCH 0


/* ------------------------------------------------------------------------ */
/* Error codes                                                               */
/* ------------------------------------------------------------------------ */

#define UVLOG_EINVAL     (-EINVAL)     /* a bad argument (NULL, zero, out of range) */
#define UVLOG_ENOMEM     (-ENOMEM)     /* out of memory (configuration time only) */
#define UVLOG_EAGAIN     (-EAGAIN)     /* ring full: the record was dropped and counted */
#define UVLOG_ETIMEDOUT  (-ETIMEDOUT)  /* flush or close did not finish in time */
#define UVLOG_ECLOSED    (-ESHUTDOWN)  /* the logger is closed (or closing) */
#define UVLOG_EBUSY      (-EBUSY)      /* wrong state: already started, or not started */
#define UVLOG_EDEADLK    (-EDEADLK)    /* the call would wait for the calling thread itself */
#define UVLOG_ENOSYS     (-ENOSYS)     /* not supported by this sink */
/* uvlog's own codes, where no errno fits (far from errno and libuv values). */
#define UVLOG_EFILTERED  (-20001)     /* below the effective level (the logger's, or every sink's): nothing was queued */
#define UVLOG_ENOLOGGER  (-20002)     /* no logger (NULL): WARNING and above went to stderr directly */
#define UVLOG_ERATELIMITED (-20003)   /* the call site's rate limit refused the record (counted) */
/* Sinks may also return any other -errno value (e.g. -EACCES from open()). */

/** Returns a static, human-readable description of an error code. Never NULL. */
UVLOG_EXPORT const char *uvlog_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Levels                                                                    */
/* ------------------------------------------------------------------------ */

/* Ascending severity. The syslog severities map onto them
 * (uvlog_level_from_syslog()); UVLOG_LEVEL_OFF disables a logger or sink. */
typedef enum uvlog_level {
  UVLOG_LEVEL_TRACE = 0,    /* syslog: debug   (7) */
  UVLOG_LEVEL_DEBUG = 1,    /* syslog: debug   (7) */
  UVLOG_LEVEL_INFO = 2,     /* syslog: info    (6) */
  UVLOG_LEVEL_NOTICE = 3,   /* syslog: notice  (5) */
  UVLOG_LEVEL_WARNING = 4,  /* syslog: warning (4) */
  UVLOG_LEVEL_ERROR = 5,    /* syslog: err     (3) */
  UVLOG_LEVEL_CRITICAL = 6, /* syslog: crit (2), alert (1), emerg (0) */
  UVLOG_LEVEL_OFF = 7
} uvlog_level_t;

#define UVLOG_LEVEL_COUNT 7

/** Upper-case name of a level ("INFO"); "?" for an invalid value. */
UVLOG_EXPORT const char *uvlog_level_name(uvlog_level_t level);
/** Parses a level name, case-insensitive ("info", "WARN", "warning", "err"...).
 *  Returns 0 and stores the level, or UVLOG_EINVAL. */
UVLOG_EXPORT int uvlog_level_parse(const char *name, uvlog_level_t *level);
/** Maps a syslog severity (LOG_EMERG..LOG_DEBUG, 0..7) to a level. */
UVLOG_EXPORT uvlog_level_t uvlog_level_from_syslog(int severity);
/** Maps a level to its syslog severity (0..7). */
UVLOG_EXPORT int uvlog_level_to_syslog(uvlog_level_t level);

/* ------------------------------------------------------------------------ */
/* Logger                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct uvlog_s uvlog_t;
typedef struct uvlog_sink_s uvlog_sink_t;
/* An immutable, reference-counted set of fields (uvlog/fields.h). */
typedef struct uvlog_ctx uvlog_ctx_t;

typedef enum uvlog_overflow {
  /* The record is counted and the caller returns UVLOG_EAGAIN at once; when
   * space returns, the listener emits one record saying how many records
   * were dropped at which levels. */
  UVLOG_OVERFLOW_DROP = 0,
  /* The caller waits for space. A call made on the listener thread itself
   * (a sink that logs) never waits: it is dropped and counted instead, and
   * so is a call made while the logger is not started (nothing drains). */
  UVLOG_OVERFLOW_BLOCK = 1
} uvlog_overflow_t;

typedef struct uvlog_options {
  size_t ring_capacity;         /* bytes, a power of two >= 4096; default 1 MiB */
  uvlog_overflow_t overflow;    /* default UVLOG_OVERFLOW_DROP */
  unsigned flush_interval_ms;   /* sinks are flushed this often; default 1000 */
  size_t max_record;            /* longest message kept, bytes; default 8192, or
                                   ring_capacity / 8 if that is smaller (only the
                                   default follows the ring: a value of your own
                                   above ring_capacity / 8 is refused). Longer
                                   messages are truncated with a visible marker. */
  uvlog_level_t level;          /* runtime level of the logger; default INFO */
  unsigned idle_park_ms;        /* DEPRECATED, ignored since 0.2: the listener no
                                   longer polls an empty ring (see
                                   delivery_latency_ms). Kept for source and
                                   binary compatibility. */
  unsigned delivery_latency_ms; /* longest a record waits in the ring before the
                                   listener writes it, unless it is urgent (below)
                                   or the ring fills past a quarter; the listener
                                   sleeps in between, so producers make no system
                                   call. Default 20. 0: every record wakes a
                                   sleeping listener at once (a write(2) on an
                                   eventfd by the producer that finds it asleep). */
  uvlog_level_t urgent_level;   /* a record at or above it wakes a sleeping
                                   listener at once; default UVLOG_LEVEL_ERROR. */
  unsigned close_timeout_ms;    /* uvlog_logger_close() waits at most this long
                                   for a producer stalled between claim and commit,
                                   and as long again for pending sink flushes;
                                   default 5000. */
  int atexit_close;             /* non-zero (default 1): a started logger that was
                                   not closed is closed by an atexit() handler,
                                   so records accepted before exit() are written.
                                   0: leave it (records still queued are lost). */
  unsigned rate_limit_burst;    /* per call site: at most this many records per
                                   rate_limit_interval_ms get through, the others
                                   return UVLOG_ERATELIMITED and are counted
                                   (stats.rate_limited); the next record after
                                   the interval is preceded by one "suppressed
                                   M records" record at the site's level.
                                   Deferred macro calls only (docs/api.md, "Rate
                                   limit"). 0 (default): off. */
  unsigned rate_limit_interval_ms; /* the rate limit's interval; default 1000,
                                   must not be 0 when rate_limit_burst is set */
} uvlog_options_t;

/** Fills `opts` with the defaults above. */
UVLOG_EXPORT void uvlog_options_init(uvlog_options_t *opts);

/** Why uvlog_logger_create() would refuse `opts` with UVLOG_EINVAL: a static
 *  string naming the option ("max_record: must be at most ring_capacity /
 *  8"), or NULL if the options are valid (NULL opts: the defaults). */
UVLOG_EXPORT const char *uvlog_options_explain(const uvlog_options_t *opts);

/** Creates a logger (not yet started). `opts` may be NULL for the defaults.
 *  Errors: UVLOG_EINVAL (NULL out, capacity not a power of two, etc.:
 *  uvlog_options_explain() says which option), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_logger_create(uvlog_t **out, const uvlog_options_t *opts);

/** Starts the listener thread; every added sink is opened on it first.
 *  Errors: UVLOG_EBUSY if already started, UVLOG_ECLOSED after close, or the
 *  first error a sink's open returned (then nothing is started: every sink
 *  is closed and the logger is closed, as after uvlog_logger_close()). */
UVLOG_EXPORT int uvlog_logger_start(uvlog_t *log);

/** Waits until every record accepted before the call has been written by
 *  every sink and the sinks flushed (a barrier; it does not wait for the
 *  delivery latency). timeout_ms < 0 waits for ever; otherwise it returns by
 *  the deadline whatever the sinks do. Errors: UVLOG_ETIMEDOUT, UVLOG_EBUSY
 *  (not started), UVLOG_ECLOSED (also in a forked child: its listener is the
 *  parent's), UVLOG_EDEADLK (called from the listener thread, e.g. inside a
 *  sink), or the negative code a sink reported when it could not deliver
 *  (its flush() returned it, or uvlog_sink_flush_done() was called with it;
 *  the first such sink in order of addition), e.g. -EIO or -ENOSPC. */
UVLOG_EXPORT int uvlog_logger_flush(uvlog_t *log, int64_t timeout_ms);

/** Stops accepting records, drains everything already accepted to the sinks,
 *  flushes and closes the sinks, joins the listener and frees everything but
 *  the handle and the ring. Its waits (a producer stalled between claim and
 *  commit, whose record is then given up and counted as dropped; pending sink
 *  flushes; the sinks' handles closing) end opts.close_timeout_ms after the
 *  call. Idempotent; safe from atexit(). After it, log
 *  calls return UVLOG_ECLOSED. Called from the listener thread it returns
 *  UVLOG_EDEADLK. A logger that was never started is started first if records
 *  are queued (so they reach the sinks), else it just closes its sinks. */
UVLOG_EXPORT int uvlog_logger_close(uvlog_t *log);

/** Closes (if needed) and frees the logger. Call it only when no other thread
 *  can still use `log`. Clears the default logger if it is `log`. */
UVLOG_EXPORT void uvlog_logger_destroy(uvlog_t *log);

/** Sets the logger's runtime level; any thread, any time. On a category
 *  handle (uvlog/category.h) it sets that category's level, until the next
 *  uvlog_logger_set_level_rules(). */
UVLOG_EXPORT int uvlog_logger_set_level(uvlog_t *log, uvlog_level_t level);
/** Returns the logger's runtime level (UVLOG_LEVEL_OFF for NULL); for a
 *  category handle, the category's level. */
UVLOG_EXPORT uvlog_level_t uvlog_logger_get_level(const uvlog_t *log);
/** Non-zero if a record at `level` would be queued (logger level and at least
 *  one sink's level allow it). Cheap: one relaxed atomic load. */
UVLOG_EXPORT int uvlog_logger_enabled(const uvlog_t *log, uvlog_level_t level);

/** Reopens every sink (e.g. after logrotate moved the files); asynchronous,
 *  done on the listener thread. Safe from a signal handler. Errors:
 *  UVLOG_EINVAL (NULL), UVLOG_ECLOSED (closing or closed, and in a forked
 *  child of the process that started the logger: it has no listener). */
UVLOG_EXPORT int uvlog_logger_reopen(uvlog_t *log);

/* Delivery latency: the time from a record's timestamp (taken by the log
 * call) to the moment the listener had handed the record's batch to every
 * sink (their write() returned), in buckets with these upper bounds in
 * microseconds (10 us to 10 s), then one for everything above. */
#define UVLOG_LATENCY_BOUNDS_US \
  {10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, \
   1000000, 2500000, 5000000, 10000000}
#define UVLOG_LATENCY_BUCKETS 20 /* the 19 bounds above, then +Inf */

typedef struct uvlog_stats {
  uint64_t records;                     /* records taken from the ring */
  uint64_t dropped;                     /* records dropped because the ring was full */
  uint64_t dropped_by_level[UVLOG_LEVEL_COUNT];
  uint64_t truncated;                   /* records cut to max_record */
  uint64_t queue_bytes;                 /* bytes in the ring now */
  uint64_t queue_capacity;              /* ring size in bytes */
  uint64_t queue_high_water;            /* most bytes seen in the ring */
  uint64_t sink_written;                /* sum over sinks */
  uint64_t sink_dropped;                /* sum over sinks (records a sink could not keep) */
  uint64_t sink_errors;                 /* sum over sinks */
  /* Since 0.3 (self-metrics; counted by the listener, never by a log call). */
  uint64_t accepted_by_level[UVLOG_LEVEL_COUNT]; /* records taken from the ring, by
                                           level: as of the last record the
                                           listener drained (sum == records) */
  uint64_t busy_ns;                     /* the listener's time awake (not asleep
                                           waiting for records or timers), ns */
  uint64_t latency_buckets[UVLOG_LATENCY_BUCKETS]; /* NOT cumulative: records per
                                           bucket of delivery latency (below) */
  uint64_t latency_count;               /* records measured: the sum of the buckets */
  uint64_t latency_sum_ns;              /* sum of their latencies, ns */
  uint64_t rate_limited;                /* records refused by a call site's rate limit */
} uvlog_stats_t;

/** Copies the logger's counters; any thread, lock-free for every counter
 *  (the sums over sinks take the configuration lock that log calls never
 *  take). Each counter is exact on its own; read while the listener works,
 *  two counters may be one batch apart (e.g. latency_count and records).
 *  After uvlog_logger_flush() returns 0, every record accepted before it is
 *  counted in records, accepted_by_level and the latency figures. */
UVLOG_EXPORT int uvlog_logger_stats(const uvlog_t *log, uvlog_stats_t *stats);

/* ------------------------------------------------------------------------ */
/* The default logger (process-wide, only if you set one)                    */
/* ------------------------------------------------------------------------ */

/** Makes `log` (or NULL) the logger the short macros write to. */
UVLOG_EXPORT void uvlog_default_set(uvlog_t *log);
/** Returns the default logger, or NULL. */
UVLOG_EXPORT uvlog_t *uvlog_default_get(void);

/* ------------------------------------------------------------------------ */
/* Logging calls                                                             */
/* ------------------------------------------------------------------------ */

/* Returns 0 when the record was queued (it will reach the sinks),
 * UVLOG_EFILTERED when the level is below the logger's, UVLOG_EAGAIN when the
 * ring was full and the record dropped (counted), UVLOG_ECLOSED after close
 * (and in a forked child, which has no listener, for a logger the parent
 * created or started), UVLOG_EINVAL for a NULL format or a bad level. With log == NULL the call writes
 * records at WARNING and above to stderr directly (Python's "last resort")
 * and returns UVLOG_ENOLOGGER.
 * `file` and `func` must be string literals (or otherwise live until the
 * record is written: they are stored as pointers); either may be NULL. */
UVLOG_EXPORT int uvlog_log(uvlog_t *log, uvlog_level_t level, const char *file, int line,
                           const char *func, const char *fmt, ...) UVLOG_PRINTF(6, 7);
/** va_list variant of uvlog_log(), for wrappers. */
UVLOG_EXPORT int uvlog_logv(uvlog_t *log, uvlog_level_t level, const char *file, int line,
                            const char *func, const char *fmt, va_list ap) UVLOG_PRINTF(6, 0);
/** Queues `len` bytes of already-formatted text (no printf processing). */
UVLOG_EXPORT int uvlog_log_text(uvlog_t *log, uvlog_level_t level, const char *file, int line,
                                const char *func, const char *text, size_t len);

/* Compile-time minimum level: calls below it compile to nothing (their
 * arguments are still type-checked, never evaluated). */
#ifndef UVLOG_MIN_LEVEL
#define UVLOG_MIN_LEVEL UVLOG_LEVEL_TRACE
#endif

/* ------------------------------------------------------------------------ */
/* Deferred formatting (the fast path)                                       */
/* ------------------------------------------------------------------------ */

/* With gcc or clang compiling C, the
 * level macros below (UVLOG_INFO(), UVLOG_LOG_TO()...) are built so that a
 * call whose format is a
 * string literal does not format on the calling thread: it copies its
 * arguments (integers, doubles, pointers, and the bytes of %s strings) into
 * the record, and the listener formats them later with printf's exact
 * semantics. The output is byte-identical to the preformatting path.
 *
 * A call falls back to the preformatting path (uvlog_log()) by itself when:
 *  - the format is not a string literal (a variable, a parameter, an array);
 *  - it has more than UVLOG_DEFERRED_MAX_ARGS arguments (up to 63 accepted);
 *  - an argument is a long double (it does not fit the 8-byte slot);
 *  - the format uses %n, %m, %ls/%S, %C, positional arguments (%1$d) or a
 *    conversion the listener does not know (decided once per call site, the
 *    first time it runs);
 *  - the copied arguments would exceed the logger's max_record (then the
 *    text is formatted on the caller, with one malloc), or log is NULL.
 * Argument/format mismatches are diagnosed at compile time by -Wformat (the
 * macro also compiles the uvlog_log() fallback call); one that slips through
 * renders as a visible "<uvlog: ...>" marker, never as undefined behaviour.
 * The preformatting macros stay available as UVLOG_LOGF_TO(), UVLOG_INFOF()
 * and so on. Details and measurements: docs/deferred.md. */

#define UVLOG_DEFERRED_MAX_ARGS 16

#include "uvlog/private.h"

/* The macros take a printf-style format and its arguments. The *_TO forms
 * name a logger; the short forms use uvlog_default_get(). With gcc or clang
 * compiling C they defer formatting (above); elsewhere they are the
 * preformatting macros. The *F forms always format on the calling thread.
 *
 * Arguments of a filtered call are not evaluated (as in spdlog and Quill):
 * every macro first compares the level with the logger's effective level
 * (one relaxed load and a branch, with gcc or clang) and returns
 * UVLOG_EFILTERED before touching its arguments; with a NULL logger, a
 * call below WARNING returns UVLOG_ENOLOGGER the same way. Do not put side
 * effects you rely on in log arguments. `log` and `lvl` are evaluated
 * exactly once. */
#define UVLOG_LOG_TO(log, lvl, ...)  UVLOG__LOG((log), (lvl), __VA_ARGS__)
#define UVLOG_LOGF_TO(log, lvl, ...) UVLOG__LOGF((log), (lvl), __VA_ARGS__)
#define UVLOG_LOG(lvl, ...)  UVLOG_LOG_TO(uvlog_default_get(), (lvl), __VA_ARGS__)
#define UVLOG_LOGF(lvl, ...) UVLOG_LOGF_TO(uvlog_default_get(), (lvl), __VA_ARGS__)

#define UVLOG_TRACE_TO(log, ...)         UVLOG_LOG_TO((log), UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUG_TO(log, ...)         UVLOG_LOG_TO((log), UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFO_TO(log, ...)          UVLOG_LOG_TO((log), UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICE_TO(log, ...)        UVLOG_LOG_TO((log), UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNING_TO(log, ...)       UVLOG_LOG_TO((log), UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERROR_TO(log, ...)         UVLOG_LOG_TO((log), UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICAL_TO(log, ...)      UVLOG_LOG_TO((log), UVLOG_LEVEL_CRITICAL, __VA_ARGS__)
#define UVLOG_TRACE(...)                 UVLOG_LOG(UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUG(...)                 UVLOG_LOG(UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFO(...)                  UVLOG_LOG(UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICE(...)                UVLOG_LOG(UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNING(...)               UVLOG_LOG(UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERROR(...)                 UVLOG_LOG(UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICAL(...)              UVLOG_LOG(UVLOG_LEVEL_CRITICAL, __VA_ARGS__)

#define UVLOG_TRACEF_TO(log, ...)        UVLOG_LOGF_TO((log), UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUGF_TO(log, ...)        UVLOG_LOGF_TO((log), UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFOF_TO(log, ...)         UVLOG_LOGF_TO((log), UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICEF_TO(log, ...)       UVLOG_LOGF_TO((log), UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNINGF_TO(log, ...)      UVLOG_LOGF_TO((log), UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERRORF_TO(log, ...)        UVLOG_LOGF_TO((log), UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICALF_TO(log, ...)     UVLOG_LOGF_TO((log), UVLOG_LEVEL_CRITICAL, __VA_ARGS__)
#define UVLOG_TRACEF(...)                UVLOG_LOGF(UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUGF(...)                UVLOG_LOGF(UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFOF(...)                 UVLOG_LOGF(UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICEF(...)               UVLOG_LOGF(UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNINGF(...)              UVLOG_LOGF(UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERRORF(...)                UVLOG_LOGF(UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICALF(...)             UVLOG_LOGF(UVLOG_LEVEL_CRITICAL, __VA_ARGS__)

#include "uvlog/sink.h"
#include "uvlog/sinks.h"
#include "uvlog/category.h"
#include "uvlog/loop.h"
#include "uvlog/config.h"
#include "uvlog/fields.h"
#include "uvlog/crash.h"
#include "uvlog/capture.h"

#ifdef __cplusplus
}
#endif
#endif /* UVLOG_H */
