/*
 * uvlog.h -- the whole public API of uvlog, a non-blocking asynchronous
 * logging library for C programs built around libuv.
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
#define UVLOG_VERSION_MINOR 1
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
#define UVLOG_EFILTERED  (-ENOMSG)     /* below the logger's level: nothing was queued */
#define UVLOG_ENOLOGGER  (-ENXIO)      /* no default logger is set */
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
  size_t max_record;            /* longest message kept, bytes; default 8192,
                                   at most ring_capacity / 8. Longer messages are
                                   truncated with a visible marker. */
  uvlog_level_t level;          /* runtime level of the logger; default INFO */
  unsigned idle_park_ms;        /* the listener polls this long after the ring
                                   empties before it parks (sleeps until woken);
                                   default 10. 0 parks at once. */
} uvlog_options_t;

/** Fills `opts` with the defaults above. */
UVLOG_EXPORT void uvlog_options_init(uvlog_options_t *opts);

/** Creates a logger (not yet started). `opts` may be NULL for the defaults.
 *  Errors: UVLOG_EINVAL (NULL out, capacity not a power of two, etc.),
 *  UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_logger_create(uvlog_t **out, const uvlog_options_t *opts);

/** Starts the listener thread; every added sink is opened on it first.
 *  Errors: UVLOG_EBUSY if already started, UVLOG_ECLOSED after close, or the
 *  first error a sink's open returned (then nothing is started: every sink
 *  is closed and the logger is closed, as after uvlog_logger_close()). */
UVLOG_EXPORT int uvlog_logger_start(uvlog_t *log);

/** Waits until every record accepted before the call has been written by
 *  every sink and the sinks flushed (a barrier). timeout_ms < 0 waits for
 *  ever. Errors: UVLOG_ETIMEDOUT, UVLOG_EBUSY (not started), UVLOG_ECLOSED
 *  (also in a forked child: its listener is the parent's), UVLOG_EDEADLK
 *  (called from the listener thread, e.g. inside a sink). */
UVLOG_EXPORT int uvlog_logger_flush(uvlog_t *log, int64_t timeout_ms);

/** Stops accepting records, drains everything already accepted to the sinks,
 *  flushes and closes the sinks (a flush still pending after 5 s is given
 *  up), joins the listener and frees everything but the handle and the ring. Idempotent; safe from atexit(). After it, log
 *  calls return UVLOG_ECLOSED. Called from the listener thread it returns
 *  UVLOG_EDEADLK. A logger that was never started is started first if records
 *  are queued (so they reach the sinks), else it just closes its sinks. */
UVLOG_EXPORT int uvlog_logger_close(uvlog_t *log);

/** Closes (if needed) and frees the logger. Call it only when no other thread
 *  can still use `log`. Clears the default logger if it is `log`. */
UVLOG_EXPORT void uvlog_logger_destroy(uvlog_t *log);

/** Sets the logger's runtime level; any thread, any time. */
UVLOG_EXPORT int uvlog_logger_set_level(uvlog_t *log, uvlog_level_t level);
/** Returns the logger's runtime level (UVLOG_LEVEL_OFF for NULL). */
UVLOG_EXPORT uvlog_level_t uvlog_logger_get_level(const uvlog_t *log);
/** Non-zero if a record at `level` would be queued (logger level and at least
 *  one sink's level allow it). Cheap: one relaxed atomic load. */
UVLOG_EXPORT int uvlog_logger_enabled(const uvlog_t *log, uvlog_level_t level);

/** Reopens every sink (e.g. after logrotate moved the files); asynchronous,
 *  done on the listener thread. Safe from a signal handler. */
UVLOG_EXPORT int uvlog_logger_reopen(uvlog_t *log);

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
} uvlog_stats_t;

/** Copies the logger's counters; any thread. */
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

/* The macros take a printf-style format and its arguments. The *_TO forms
 * name a logger; the short forms use uvlog_default_get(). */
#define UVLOG_LOG_TO(log, lvl, ...)                                                    \
  ((lvl) >= UVLOG_MIN_LEVEL ? uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__) \
                            : UVLOG_EFILTERED)
#define UVLOG_LOG(lvl, ...) UVLOG_LOG_TO(uvlog_default_get(), (lvl), __VA_ARGS__)

#define UVLOG_TRACE_TO(log, ...)    UVLOG_LOG_TO((log), UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUG_TO(log, ...)    UVLOG_LOG_TO((log), UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFO_TO(log, ...)     UVLOG_LOG_TO((log), UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICE_TO(log, ...)   UVLOG_LOG_TO((log), UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNING_TO(log, ...)  UVLOG_LOG_TO((log), UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERROR_TO(log, ...)    UVLOG_LOG_TO((log), UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICAL_TO(log, ...) UVLOG_LOG_TO((log), UVLOG_LEVEL_CRITICAL, __VA_ARGS__)

#define UVLOG_TRACE(...)    UVLOG_LOG(UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUG(...)    UVLOG_LOG(UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFO(...)     UVLOG_LOG(UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICE(...)   UVLOG_LOG(UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNING(...)  UVLOG_LOG(UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERROR(...)    UVLOG_LOG(UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICAL(...) UVLOG_LOG(UVLOG_LEVEL_CRITICAL, __VA_ARGS__)

/* ------------------------------------------------------------------------ */
/* Formats                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum uvlog_format_kind {
  UVLOG_FORMAT_TEXT = 0,  /* one line per record, from a pattern (below) */
  UVLOG_FORMAT_JSON,      /* one JSON object per line */
  UVLOG_FORMAT_RFC5424,   /* syslog protocol (no framing, no trailing newline) */
  UVLOG_FORMAT_RFC3164    /* BSD syslog as glibc's syslog(3) writes it */
} uvlog_format_kind_t;

/* TEXT patterns: %t RFC 3339 UTC timestamp with microseconds
 * (2026-11-22T02:32:48.123456Z, truncated), %l level name, %L level name
 * padded to 8, %T thread id, %f file (base name), %F file as given, %n line,
 * %u function, %m message, %% a percent sign; any other '%' sequence is
 * UVLOG_EINVAL. A NULL file prints "-", a NULL function "?". Each record ends
 * with '\n'. Default: "%t %L [%T] %f:%n %m".
 * What each format escapes in the message:
 *   TEXT     (only %m) newline, CR, tab and backslash become the two-byte
 *            sequences \n \r \t \\; other bytes < 0x20 and 0x7f become
 *            \xHH; bytes >= 0x80 pass as they are. A record is one line and
 *            the escaping is reversible.
 *   JSON     every string value: '"' and backslash are backslash-escaped,
 *            BS FF LF CR TAB become \b \f \n \r \t, other bytes < 0x20 and
 *            0x7f become \u00XX, ill-formed UTF-8 becomes \ufffd: each
 *            record is one line of valid JSON.
 *   RFC5424, RFC3164  nothing: the message is sent raw (newlines included);
 *            the transport's framing delimits records. RFC 5424 prefixes the
 *            UTF-8 BOM when the message is well-formed, non-ASCII UTF-8. */
#define UVLOG_DEFAULT_PATTERN "%t %L [%T] %f:%n %m"

typedef struct uvlog_format_options {
  uvlog_format_kind_t kind;  /* default UVLOG_FORMAT_TEXT */
  const char *pattern;       /* TEXT only; NULL = UVLOG_DEFAULT_PATTERN */
  int color;                 /* TEXT only: -1 auto (sink decides: a TTY and
                                NO_COLOR unset), 0 never, 1 always */
  int facility;              /* syslog formats: 0..23, default 1 (user) */
  const char *app_name;      /* syslog/JSON: default the program's name */
  const char *hostname;      /* syslog/JSON: default gethostname() */
  const char *procid;        /* syslog/JSON: default the process id */
  const char *msgid;         /* RFC 5424 MSGID; default NULL ("-") */
} uvlog_format_options_t;

/** Fills `fo` with the defaults above. */
UVLOG_EXPORT void uvlog_format_options_init(uvlog_format_options_t *fo);

/* ------------------------------------------------------------------------ */
/* Sinks                                                                     */
/* ------------------------------------------------------------------------ */

/* One record as a sink sees it. Pointers are valid only during the call. */
typedef struct uvlog_entry {
  int64_t ts_ns;            /* wall clock, ns since the Unix epoch (UTC) */
  uint32_t tid;             /* kernel thread id of the producer */
  uvlog_level_t level;
  const char *file;         /* may be NULL */
  const char *func;         /* may be NULL */
  int line;
  const char *msg;          /* the message, raw (not escaped), not NUL-terminated */
  size_t msg_len;
  const char *text;         /* the record rendered by the sink's format,
                               including its terminator ('\n' for TEXT/JSON) */
  size_t text_len;
  unsigned flags;           /* UVLOG_ENTRY_* */
} uvlog_entry_t;

#define UVLOG_ENTRY_TRUNCATED 0x1u  /* the message was cut to max_record */
#define UVLOG_ENTRY_INTERNAL  0x2u  /* made by uvlog itself (e.g. the drop report) */

/* What a sink implements. Every callback runs on the listener thread.
 * Return 0 or a negative error code; errors are counted in the stats and the
 * records stay accounted for (a sink that loses records says so with
 * uvlog_sink_count_dropped()). */
typedef struct uvlog_sink_vtable {
  const char *name;  /* "file", "tcp"... for stats and error messages */
  /* At logger start. `loop` is the listener's libuv loop (a `uv_loop_t *`):
   * a sink may start handles (timers, sockets) on it. */
  int (*open)(uvlog_sink_t *sink, void *loop);
  /* A batch of records, in ring order. Must not block for long: a sink that
   * writes asynchronously copies what it needs. */
  int (*write)(uvlog_sink_t *sink, const uvlog_entry_t *entries, size_t count);
  /* Make everything written so far durable/delivered. Return 0 when done, or
   * UVLOG_PENDING and call uvlog_sink_flush_done() later from the loop. */
  int (*flush)(uvlog_sink_t *sink);
  /* Reopen files or reconnect (after rotation by another tool). May be NULL. */
  int (*reopen)(uvlog_sink_t *sink);
  /* Release everything. May start uv_close() on the sink's handles: the
   * listener runs its loop until they are closed. May be NULL. Called
   * exactly once, also when open failed or never ran (a logger that was
   * never started: then on the thread that closes the logger). */
  void (*close)(uvlog_sink_t *sink);
} uvlog_sink_vtable_t;

#define UVLOG_PENDING 1  /* flush: completion comes through uvlog_sink_flush_done() */

/** Wraps a user-implemented sink. `data` is yours (uvlog_sink_data()). */
UVLOG_EXPORT int uvlog_sink_create(uvlog_sink_t **out, const uvlog_sink_vtable_t *vtable,
                                   void *data);
/** Frees a sink that was never added to a logger (calls its close). */
UVLOG_EXPORT void uvlog_sink_destroy(uvlog_sink_t *sink);
/** Adds a sink to a logger that has not started. The logger owns it from now
 *  on (closed and freed by uvlog_logger_close()). Errors: UVLOG_EINVAL,
 *  UVLOG_EBUSY (started, or the sink already belongs to a logger). */
UVLOG_EXPORT int uvlog_sink_add(uvlog_t *log, uvlog_sink_t *sink);
/** Sets the sink's level (it sees only records at or above it); any thread. */
UVLOG_EXPORT int uvlog_sink_set_level(uvlog_sink_t *sink, uvlog_level_t level);
/** Returns the sink's level. */
UVLOG_EXPORT uvlog_level_t uvlog_sink_get_level(const uvlog_sink_t *sink);
/** Sets how the sink renders records (uvlog_entry_t.text). Before start only.
 *  Errors: UVLOG_EINVAL (bad pattern or option), UVLOG_EBUSY. */
UVLOG_EXPORT int uvlog_sink_set_format(uvlog_sink_t *sink, const uvlog_format_options_t *fo);
/** The user data given to uvlog_sink_create(). */
UVLOG_EXPORT void *uvlog_sink_data(const uvlog_sink_t *sink);
/** The sink's name (from its vtable). */
UVLOG_EXPORT const char *uvlog_sink_name(const uvlog_sink_t *sink);
/** For sink implementations: completes a flush that returned UVLOG_PENDING. */
UVLOG_EXPORT void uvlog_sink_flush_done(uvlog_sink_t *sink, int status);
/** For sink implementations: counts records the sink had to drop. */
UVLOG_EXPORT void uvlog_sink_count_dropped(uvlog_sink_t *sink, uint64_t n);
/** For sink implementations: records an error (counted; the last one kept). */
UVLOG_EXPORT void uvlog_sink_report_error(uvlog_sink_t *sink, int err);

typedef struct uvlog_sink_stats {
  uint64_t written;   /* records the sink accepted */
  uint64_t dropped;   /* records the sink reported as lost */
  uint64_t errors;    /* errors reported */
  int last_error;     /* the last error code, 0 if none */
} uvlog_sink_stats_t;

/** Copies a sink's counters; any thread. */
UVLOG_EXPORT int uvlog_sink_stats(const uvlog_sink_t *sink, uvlog_sink_stats_t *stats);

/* --- stderr ------------------------------------------------------------- */

/** A sink writing to standard error (fd 2), TEXT format, colour when fd 2 is a
 *  TTY and NO_COLOR is unset (override with uvlog_sink_set_format()). */
UVLOG_EXPORT int uvlog_sink_stderr_create(uvlog_sink_t **out);

/* --- file --------------------------------------------------------------- */

typedef enum uvlog_rotate_every {
  UVLOG_ROTATE_NEVER = 0,
  UVLOG_ROTATE_HOURLY,
  UVLOG_ROTATE_DAILY
} uvlog_rotate_every_t;

typedef struct uvlog_file_options {
  unsigned mode;                 /* permission bits at creation; default 0640;
                                    must include 0200 (owner write) */
  uint64_t rotate_size;          /* rotate when the file would exceed this many
                                    bytes; 0 = never by size */
  uvlog_rotate_every_t rotate_every; /* rotate by time; default never */
  int rotate_utc;                /* time boundaries in UTC (1, default) or local (0) */
  int keep;                      /* rotated files kept: path.1 .. path.N; default 5,
                                    at most UVLOG_FILE_MAX_KEEP; must be >= 1 when
                                    any rotation is on */
  int reopen_on_sighup;          /* reopen when the process gets SIGHUP (a
                                    uv_signal_t on the listener's loop, from
                                    logger start to close); default 0 */
  int fsync_on_flush;            /* 1: the sink's flush calls fdatasync(); default 0
                                    (flush has nothing to do: every write(2) has
                                    already handed the bytes to the kernel) */
} uvlog_file_options_t;

#define UVLOG_FILE_MAX_KEEP 1000

/** Fills `fo` with the defaults above. */
UVLOG_EXPORT void uvlog_file_options_init(uvlog_file_options_t *fo);
/** A sink appending to `path` (O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, created
 *  with `mode` as filtered by the process umask, like open(2)). The path is
 *  opened now, so an unwritable path fails here with -errno (-ENOENT,
 *  -ENOTDIR, -EACCES, -EISDIR...); a relative path is made absolute.
 *  `opts` may be NULL. Rotation happens only between records: by size before
 *  the record that would take the file past rotate_size (a longer record goes
 *  alone into a fresh file); by time before the first record whose timestamp
 *  is at or past the next hour/day boundary. It renames path.N-1 to path.N
 *  ... path to path.1 (deleting what would become path.keep+1) and opens a
 *  fresh path; if that fails the sink keeps writing the current file, reports
 *  the error and retries a second later. The logger's reopen (and SIGHUP with
 *  reopen_on_sighup) opens path again. See docs/file-sink.md.
 *  Errors: UVLOG_EINVAL (NULL/empty path, keep < 0 or > UVLOG_FILE_MAX_KEEP,
 *  keep == 0 with rotation on, rotation on something that is not a regular
 *  file, mode > 07777 or without owner write, rotate_every or a 0/1 flag out
 *  of range), -ENAMETOOLONG, UVLOG_ENOMEM, or open(2)'s -errno. */
UVLOG_EXPORT int uvlog_sink_file_create(uvlog_sink_t **out, const char *path,
                                        const uvlog_file_options_t *opts);

/* ------------------------------------------------------------------------ */
/* Deferred formatting (the fast path)                                       */
/* ------------------------------------------------------------------------ */

/* The level macros above (UVLOG_INFO(), UVLOG_LOG_TO()...) are redefined
 * below so that, with gcc or clang compiling C, a call whose format is a
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
 *  - the copied arguments would exceed the logger's max_record, or log is
 *    NULL (then the text is formatted on the caller, with one malloc).
 * Argument/format mismatches are diagnosed at compile time by -Wformat (the
 * macro also compiles the uvlog_log() fallback call); one that slips through
 * renders as a visible "<uvlog: ...>" marker, never as undefined behaviour.
 * The preformatting macros stay available as UVLOG_LOGF_TO(), UVLOG_INFOF()
 * and so on. Details and measurements: docs/deferred.md. */

#define UVLOG_DEFERRED_MAX_ARGS 16

/* The preformatting macros: format on the calling thread with uvlog_log(). */
#define UVLOG_LOGF_TO(log, lvl, ...)                                                    \
  ((lvl) >= UVLOG_MIN_LEVEL ? uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__) \
                            : UVLOG_EFILTERED)
#define UVLOG_LOGF(lvl, ...) UVLOG_LOGF_TO(uvlog_default_get(), (lvl), __VA_ARGS__)
#define UVLOG_TRACEF_TO(log, ...)    UVLOG_LOGF_TO((log), UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUGF_TO(log, ...)    UVLOG_LOGF_TO((log), UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFOF_TO(log, ...)     UVLOG_LOGF_TO((log), UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICEF_TO(log, ...)   UVLOG_LOGF_TO((log), UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNINGF_TO(log, ...)  UVLOG_LOGF_TO((log), UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERRORF_TO(log, ...)    UVLOG_LOGF_TO((log), UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICALF_TO(log, ...) UVLOG_LOGF_TO((log), UVLOG_LEVEL_CRITICAL, __VA_ARGS__)
#define UVLOG_TRACEF(...)    UVLOG_LOGF(UVLOG_LEVEL_TRACE, __VA_ARGS__)
#define UVLOG_DEBUGF(...)    UVLOG_LOGF(UVLOG_LEVEL_DEBUG, __VA_ARGS__)
#define UVLOG_INFOF(...)     UVLOG_LOGF(UVLOG_LEVEL_INFO, __VA_ARGS__)
#define UVLOG_NOTICEF(...)   UVLOG_LOGF(UVLOG_LEVEL_NOTICE, __VA_ARGS__)
#define UVLOG_WARNINGF(...)  UVLOG_LOGF(UVLOG_LEVEL_WARNING, __VA_ARGS__)
#define UVLOG_ERRORF(...)    UVLOG_LOGF(UVLOG_LEVEL_ERROR, __VA_ARGS__)
#define UVLOG_CRITICALF(...) UVLOG_LOGF(UVLOG_LEVEL_CRITICAL, __VA_ARGS__)

/* One encoded argument: a type tag (UVLOG_ARG_* kind | promoted size in
 * bytes) and an 8-byte value. Built by the macros on the caller's stack. */
typedef struct uvlog_arg {
  unsigned tag;
  union {
    long long i;
    unsigned long long u;
    double d;
    const void *p;
    const char *s;
  } v;
} uvlog_arg_t;

#define UVLOG_ARG_SINT 0x10u /* signed integer (after the default promotions) */
#define UVLOG_ARG_UINT 0x20u /* unsigned integer */
#define UVLOG_ARG_DBL  0x30u /* double (float is promoted) */
#define UVLOG_ARG_PTR  0x40u /* any object or function pointer but char * */
#define UVLOG_ARG_CSTR 0x50u /* char *: its bytes are copied when a %s uses it */

/* Per call site state, private to the library (zero-initialised static). */
typedef struct uvlog_site_cache {
  int state;                                   /* UVLOG__SITE_*; __atomic builtins */
  unsigned char use[UVLOG_DEFERRED_MAX_ARGS];  /* what the format does with arg i */
  int prec[UVLOG_DEFERRED_MAX_ARGS];           /* %s precision: -1 none, -2 from arg i-1 */
} uvlog_site_cache_t;

#define UVLOG__SITE_UNKNOWN  0
#define UVLOG__SITE_DEFER    1
#define UVLOG__SITE_FALLBACK 2
#define UVLOG__SITE_BUSY     3

/* One call site: built once by the macros as a static const object. */
typedef struct uvlog_site {
  const char *file;
  const char *func;
  const char *fmt;          /* a string literal */
  int line;
  uvlog_site_cache_t *cache;
} uvlog_site_t;

/** Queues a deferred record: `args` are the `n` encoded arguments of
 *  site->fmt. Returns what uvlog_log() returns; UVLOG_EINVAL for a NULL
 *  site, n > UVLOG_DEFERRED_MAX_ARGS or args == NULL with n > 0. Meant to be
 *  called by the macros, which also check uvlog_site_prepare() first. */
UVLOG_EXPORT int uvlog_log_args(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                                const uvlog_arg_t *args, unsigned n);
/** Scans site->fmt once and caches whether it can be deferred (1) or must go
 *  through uvlog_log() (0). Thread-safe, lock-free; called by the macros the
 *  first time a call site runs. */
UVLOG_EXPORT int uvlog_site_prepare(const uvlog_site_t *site);

#if (defined(__GNUC__) || defined(__clang__)) && !defined(__cplusplus)

/* 1 if the site's format can be deferred. After the first call this is one
 * acquire load (a plain load on x86 and arm64), pairing with the release
 * store that publishes the cache in uvlog_site_prepare(). */
static inline int uvlog__site_ok(const uvlog_site_t *site) {
  int st = __atomic_load_n(&site->cache->state, __ATOMIC_ACQUIRE);
  if (__builtin_expect(st == UVLOG__SITE_DEFER, 1)) return 1;
  if (st == UVLOG__SITE_FALLBACK) return 0;
  return uvlog_site_prepare(site);
}

static inline uvlog_arg_t uvlog__arg_i(long long v) {
  uvlog_arg_t a = {UVLOG_ARG_SINT | 4u, {.i = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_u(unsigned long long v) {
  uvlog_arg_t a = {UVLOG_ARG_UINT | 4u, {.u = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_l(long long v) {
  uvlog_arg_t a = {UVLOG_ARG_SINT | 8u, {.i = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ul(unsigned long long v) {
  uvlog_arg_t a = {UVLOG_ARG_UINT | 8u, {.u = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_d(double v) {
  uvlog_arg_t a = {UVLOG_ARG_DBL | 8u, {.d = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_s(const char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ss(const signed char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = (const char *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_us(const unsigned char *v) {
  uvlog_arg_t a = {UVLOG_ARG_CSTR | 8u, {.s = (const char *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_p(const volatile void *v) {
  uvlog_arg_t a = {UVLOG_ARG_PTR | 8u, {.p = (const void *)v}}; return a;
}
static inline uvlog_arg_t uvlog__arg_ld(long double v) { /* never used: see UVLOG__OK */
  (void)v; uvlog_arg_t a = {0, {.u = 0}}; return a;
}

/* Encodes one argument, with the default argument promotions. */
#define UVLOG__ARG(x) _Generic((x),                                                   \
    _Bool: uvlog__arg_i, char: uvlog__arg_i, signed char: uvlog__arg_i,               \
    unsigned char: uvlog__arg_i, short: uvlog__arg_i, unsigned short: uvlog__arg_i,   \
    int: uvlog__arg_i, unsigned: uvlog__arg_u,                                        \
    long: UVLOG__LONG_S, unsigned long: UVLOG__LONG_U,                    \
    long long: uvlog__arg_l, unsigned long long: uvlog__arg_ul,                       \
    float: uvlog__arg_d, double: uvlog__arg_d, long double: uvlog__arg_ld,            \
    char *: uvlog__arg_s, const char *: uvlog__arg_s,                                 \
    signed char *: uvlog__arg_ss, const signed char *: uvlog__arg_ss,                 \
    unsigned char *: uvlog__arg_us, const unsigned char *: uvlog__arg_us,             \
    default: uvlog__arg_p)(x)
#if __SIZEOF_LONG__ == 8
#define UVLOG__LONG_S uvlog__arg_l
#define UVLOG__LONG_U uvlog__arg_ul
#else
#define UVLOG__LONG_S uvlog__arg_i
#define UVLOG__LONG_U uvlog__arg_u
#endif
/* 1 if the argument fits the encoding (a constant expression). */
#define UVLOG__OK(x) _Generic((x), long double: 0, default: 1)

/* 1 if `f` is a string literal. In this integer-constant-expression context
 * both gcc and clang answer at parse time, at every optimisation level, and
 * only for literals (not for pointers, arrays or const arrays). */
#define UVLOG__IS_LIT(f) __builtin_choose_expr(__builtin_constant_p(f), 1, 0)
#define UVLOG__LIT_OR_EMPTY(f) __builtin_choose_expr(__builtin_constant_p(f), (f), "")

#define UVLOG__CAT(a, b) UVLOG__CAT_(a, b)
#define UVLOG__CAT_(a, b) a##b
#define UVLOG__FIRST(...) UVLOG__FIRST_(__VA_ARGS__, ~)
#define UVLOG__FIRST_(f, ...) f

/* Argument counting and the per-count argument lists (generated). */
#include "uvlog/args.h"

#define UVLOG__DEFER(log, lvl, ...) __extension__ ({                                     \
    static uvlog_site_cache_t uvlog__cache_;                                            \
    static const uvlog_site_t uvlog__site_ = {                                          \
      __FILE__, __func__, UVLOG__LIT_OR_EMPTY(UVLOG__FIRST(__VA_ARGS__)), __LINE__,     \
      &uvlog__cache_};                                                                  \
    uvlog_t *uvlog__log_ = (log);                                                       \
    uvlog_level_t uvlog__lvl_ = (lvl);                                                  \
    int uvlog__rc_;                                                                     \
    if ((int)uvlog__lvl_ < (int)UVLOG_MIN_LEVEL)                                        \
      uvlog__rc_ = UVLOG_EFILTERED;                                                     \
    else if (UVLOG__IS_LIT(UVLOG__FIRST(__VA_ARGS__)) &&                                \
             UVLOG__CAT(UVLOG__OKS_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__) &&         \
             uvlog__site_ok(&uvlog__site_))                                             \
      uvlog__rc_ = uvlog_log_args(uvlog__log_, uvlog__lvl_, &uvlog__site_,              \
                                  UVLOG__CAT(UVLOG__ARGV_, UVLOG__NARGS(__VA_ARGS__))(__VA_ARGS__), \
                                  UVLOG__CAT(UVLOG__CNT_, UVLOG__NARGS(__VA_ARGS__)));  \
    else                                                                                \
      uvlog__rc_ = uvlog_log(uvlog__log_, uvlog__lvl_, __FILE__, __LINE__, __func__,    \
                             __VA_ARGS__);                                              \
    uvlog__rc_;                                                                         \
  })

/* The default way to log: deferred formatting. */
#undef UVLOG_LOG_TO
#define UVLOG_LOG_TO(log, lvl, ...) UVLOG__DEFER((log), (lvl), __VA_ARGS__)

#endif /* gcc or clang, C */

/* ------------------------------------------------------------------------ */
/* syslog and TCP sinks                                                      */
/* ------------------------------------------------------------------------ */

/* Both sinks run all their I/O on the listener's loop and never block it.
 * Records the sink cannot keep are counted with uvlog_sink_count_dropped()
 * (see uvlog_sink_stats().dropped) and the cause is reported as an error
 * (uvlog_sink_stats().last_error). Reconnects use exponential backoff with
 * jitter: a ceiling d starts at reconnect_min_ms and doubles after each
 * failed attempt up to reconnect_max_ms; each delay is drawn in [d/2, d]; a
 * successful connect resets d. */

/* --- syslog (local datagram socket) ---------------------------------------
 * One datagram per record, sent with a non-blocking send() on an AF_UNIX
 * SOCK_DGRAM socket connected to `path`. Default format RFC 3164 as glibc's
 * syslog(3) writes it; switch to RFC 5424 (or override facility, app-name,
 * procid, msgid) with uvlog_sink_set_format(). A trailing newline (TEXT and
 * JSON formats) is not sent.
 *  - A record longer than max_message bytes is cut to max_message bytes
 *    (reported as the error -EMSGSIZE, not counted as a drop).
 *  - When the socket would block (EAGAIN/ENOBUFS: the daemon is behind), the
 *    record waits in a buffer of at most buffer_size bytes and is retried
 *    when the socket becomes writable, oldest first.
 *  - When the daemon is gone (ECONNREFUSED, ENOENT, ENOTCONN...), records wait
 *    in the same buffer while the sink reconnects with backoff.
 *  - A record that does not fit in the buffer is dropped and counted (the
 *    newest record is dropped: records already buffered keep their place).
 *    So is a datagram the kernel refuses (EMSGSIZE: larger than the socket's
 *    send buffer allows) or any other send error than those above.
 *  - flush returns UVLOG_PENDING until the buffer present at the call is sent,
 *    or flush_timeout_ms passes (UVLOG_ETIMEDOUT); while the daemon is away
 *    it fails at once with -ENOTCONN (the records stay buffered).
 *  - If the socket is missing when the logger starts, the error is reported
 *    and the sink keeps trying (unless fail_if_missing: then
 *    uvlog_logger_start() fails with that error, e.g. -ENOENT).
 * Loss: a datagram is "delivered" once send() accepted it; datagrams queued in
 * the daemon's socket when the daemon dies are lost without a trace. Records
 * still buffered when the logger closes get close_timeout_ms to be sent, then
 * are dropped and counted. A record is never sent twice. */
typedef struct uvlog_syslog_options {
  const char *path;            /* socket path; default "/dev/log"; at most
                                  107 bytes (sun_path), else UVLOG_EINVAL */
  size_t max_message;          /* bytes per datagram, 64 .. 16 MiB; default
                                  8192 (rsyslog's default maxMessageSize) */
  size_t buffer_size;          /* bytes kept while the daemon is slow or away;
                                  0 = no buffering (drop at once); at most
                                  1 GiB; default 1 MiB */
  unsigned reconnect_min_ms;   /* default 100, >= 1 */
  unsigned reconnect_max_ms;   /* default 5000, >= reconnect_min_ms */
  unsigned flush_timeout_ms;   /* flush deadline; default 2000 */
  unsigned close_timeout_ms;   /* delivery deadline at close; default 2000 */
  int fail_if_missing;         /* 1: open fails if the socket cannot be
                                  connected at logger start; default 0 */
} uvlog_syslog_options_t;

/** Fills `o` with the defaults above. */
UVLOG_EXPORT void uvlog_syslog_options_init(uvlog_syslog_options_t *o);
/** A sink sending to a local syslog daemon. `opts` may be NULL (defaults).
 *  Nothing is opened before uvlog_logger_start(). Errors: UVLOG_EINVAL (NULL
 *  out, path empty or too long, sizes or delays out of range), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_sink_syslog_create(uvlog_sink_t **out, const uvlog_syslog_options_t *opts);

/* --- TCP ------------------------------------------------------------------
 * Streams records to host:port over TCP from the listener's loop. The name is
 * resolved asynchronously (uv_getaddrinfo, IPv4 and IPv6; every address is
 * tried in order) at each (re)connect.
 *  - Framing UVLOG_TCP_OCTET_COUNTING: RFC 5424 records framed per RFC 6587
 *    section 3.4.1, "LEN SP MSG" (rsyslog imtcp, syslog-ng syslog()). Default
 *    format RFC 5424. A trailing newline of the rendered record is removed.
 *  - Framing UVLOG_TCP_NDJSON: one JSON object per line (Vector, Fluent Bit,
 *    Logstash json_lines). Default format JSON. A newline is added if the
 *    rendered record does not end with one.
 *  - Records wait in a backlog of at most backlog_bytes (framed bytes, the
 *    write in progress included) while disconnected or while the receiver is
 *    slow; they are sent oldest first after a reconnect. A record that would
 *    exceed the bound is dropped (the newest: the backlog keeps its order)
 *    and counted.
 *  - flush returns UVLOG_PENDING until the backlog present at the call is
 *    written to the kernel, or flush_timeout_ms passes (UVLOG_ETIMEDOUT);
 *    while waiting to reconnect after a failure it fails at once with
 *    -ENOTCONN (the records stay in the backlog). So uvlog_logger_close() with a dead receiver takes about
 *    close_timeout_ms, not the flush deadline too.
 *  - close gives the backlog close_timeout_ms to be written, then drops and
 *    counts what is left.
 * Loss and duplication: a record counts as delivered once the kernel took
 * all its bytes (the uv_write completed). Bytes in the kernel's buffers, on
 * the wire or in the receiver's buffers when the connection dies are lost
 * without a trace (TCP has no application acknowledgement); the sink checks
 * for a closed connection before each write to keep that window small. The
 * records of a write that fails are sent again, whole, after the reconnect:
 * if part of that write had reached the receiver, those records (at most
 * one write, i.e. what was queued while the previous write was in progress)
 * can arrive twice, and a record cut by the failure arrives cut, then whole.
 * Nothing else is ever duplicated. */
typedef enum uvlog_tcp_framing {
  UVLOG_TCP_OCTET_COUNTING = 0, /* RFC 5424 + RFC 6587 octet counting */
  UVLOG_TCP_NDJSON = 1          /* newline-delimited JSON */
} uvlog_tcp_framing_t;

typedef struct uvlog_tcp_options {
  const char *host;            /* name or address (IPv4, IPv6); required */
  const char *port;            /* decimal 1..65535; required */
  uvlog_tcp_framing_t framing; /* default UVLOG_TCP_OCTET_COUNTING */
  size_t backlog_bytes;        /* 4 KiB .. 1 GiB; default 8 MiB */
  unsigned reconnect_min_ms;   /* default 100, >= 1 */
  unsigned reconnect_max_ms;   /* default 10000, >= reconnect_min_ms */
  unsigned connect_timeout_ms; /* deadline of one connect() attempt; default
                                  5000, >= 1 (resolving has the resolver's) */
  unsigned flush_timeout_ms;   /* flush deadline; default 2000 */
  unsigned close_timeout_ms;   /* delivery deadline at close; default 2000 */
} uvlog_tcp_options_t;

/** Fills `o` with the defaults above (host and port NULL). */
UVLOG_EXPORT void uvlog_tcp_options_init(uvlog_tcp_options_t *o);
/** A sink streaming to a TCP receiver. Nothing is resolved or connected
 *  before uvlog_logger_start(); an unresolvable host or a refused connection
 *  is reported (uvlog_sink_stats) and retried with backoff, never fatal.
 *  Errors: UVLOG_EINVAL (NULL out/opts/host, port not a number in 1..65535,
 *  bad framing, sizes or delays out of range), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_sink_tcp_create(uvlog_sink_t **out, const uvlog_tcp_options_t *opts);




/* ------------------------------------------------------------------------ */
/* Core additions                                                            */
/* ------------------------------------------------------------------------ */



#ifdef __cplusplus
}
#endif
#endif /* UVLOG_H */
