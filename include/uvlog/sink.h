/*
 * uvlog/sink.h -- formats, the sink handle, and the API for writing your own
 * sink (a vtable of callbacks that run on the listener thread).
 */
#ifndef UVLOG_SINK_H_PUBLIC
#define UVLOG_SINK_H_PUBLIC

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/sink.h>"
#endif

/* ------------------------------------------------------------------------ */
/* Formats                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum uvlog_format_kind {
  UVLOG_FORMAT_TEXT = 0,  /* one line per record, from a pattern (below) */
  UVLOG_FORMAT_JSON,      /* one JSON object per line */
  UVLOG_FORMAT_RFC5424,   /* syslog protocol (no framing, no trailing newline;
                             file and stderr sinks write it one line per record) */
  UVLOG_FORMAT_RFC3164    /* BSD syslog as glibc's syslog(3) writes it */
} uvlog_format_kind_t;

/* TEXT patterns: %t RFC 3339 UTC timestamp with microseconds
 * (2026-11-22T02:32:48.123456Z, truncated), %l level name, %L level name
 * padded to 8, %T thread id, %f file (base name), %F file as given, %n line,
 * %u function, %m message, %% a percent sign; any other '%' sequence is
 * UVLOG_EINVAL. A NULL file prints "-", a NULL function "?". Each record ends
 * with '\n'. Default: "%t %L [%T] %f:%n %m".
 * What each format escapes in the message:
 *   TEXT     (%m, %f, %F, %u) newline, CR, tab and backslash become the two-byte
 *            sequences \n \r \t \\; other bytes < 0x20 and 0x7f become
 *            \xHH; bytes >= 0x80 pass as they are. A record is one line and
 *            the escaping is reversible.
 *   JSON     every string value: '"' and backslash are backslash-escaped,
 *            BS FF LF CR TAB become \b \f \n \r \t, other bytes < 0x20 and
 *            0x7f become \u00XX, ill-formed UTF-8 becomes \ufffd: each
 *            record is one line of valid JSON.
 *   RFC5424, RFC3164  nothing: the message is sent raw (newlines included);
 *            the transport's framing delimits records (a datagram for the
 *            syslog sink, octet counting for TCP). RFC 5424 prefixes the
 *            UTF-8 BOM when the message is well-formed, non-ASCII UTF-8.
 *            On a stream sink (file, stderr) each such record is written as
 *            one line: the whole record escaped as TEXT escapes %m (an LF
 *            in the message becomes the two bytes \n), then '\n'. */
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

/* One structured field as a sink sees it (a record's own fields, its
 * context's, or the logger's constant fields). */
typedef enum uvlog_field_type {
  UVLOG_FIELD_NULL = 0,  /* no value (JSON null) */
  UVLOG_FIELD_STR,       /* v.str: bytes, not NUL-terminated, any content */
  UVLOG_FIELD_INT,       /* v.i: signed 64-bit */
  UVLOG_FIELD_UINT,      /* v.u: unsigned 64-bit */
  UVLOG_FIELD_DOUBLE,    /* v.d: may be NaN or infinite */
  UVLOG_FIELD_BOOL       /* v.b: 0 or 1 */
} uvlog_field_type_t;

typedef struct uvlog_field {
  const char *key;          /* NUL-terminated, not escaped, never NULL */
  uvlog_field_type_t type;
  union {
    struct { const char *ptr; size_t len; } str;
    int64_t i;
    uint64_t u;
    double d;
    int b;
  } v;
} uvlog_field_t;

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
  /* Structured data (uvlog 0.3). */
  const char *category;     /* the sub-logger's name ("http.access"); NULL
                               for a record of the root logger */
  const char *thread_name;  /* the producer thread's name; NULL if unknown */
  const uvlog_field_t *fields;    /* the record's context fields, then its own
                                     fields, in that order; NULL if none */
  size_t n_fields;
  const uvlog_field_t *resource;  /* the logger's constant fields (service,
                                     version, host...); NULL if none */
  size_t n_resource;
  uint8_t trace_id[16];     /* valid when flags has UVLOG_ENTRY_TRACE */
  uint8_t span_id[8];
} uvlog_entry_t;

#define UVLOG_ENTRY_TRUNCATED 0x1u  /* the message was cut to max_record */
#define UVLOG_ENTRY_INTERNAL  0x2u  /* made by uvlog itself (e.g. the drop report) */
#define UVLOG_ENTRY_TRACE     0x4u  /* trace_id and span_id are set */

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
/** Enumerates the logger's sinks in order of addition (the order
 *  uvlog_metrics_write() labels index="0", "1"...): stores the first
 *  min(cap, n) of them in `out` and returns n, the number of sinks (call
 *  with cap 0 to size the array; `out` may be NULL then). The pointers stay
 *  valid until uvlog_logger_close(), which frees the sinks (afterwards it
 *  returns 0). Any thread. Errors: UVLOG_EINVAL (NULL log, or NULL out with
 *  cap > 0). */
UVLOG_EXPORT int uvlog_logger_sinks(uvlog_t *log, uvlog_sink_t **out, size_t cap);
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
/** For sink implementations: counts one connection made after the first one
 *  (a reconnect after the peer went away, or after a reopen). Listener
 *  thread (a sink's callbacks). */
UVLOG_EXPORT void uvlog_sink_count_reconnect(uvlog_sink_t *sink);

typedef struct uvlog_sink_stats {
  uint64_t written;   /* records the sink accepted */
  uint64_t dropped;   /* records the sink reported as lost */
  uint64_t errors;    /* errors reported */
  int last_error;     /* the last error code, 0 if none */
  /* Since 0.3. */
  uint64_t bytes;      /* bytes of rendered text (uvlog_entry_t.text) in the
                          records the sink accepted (`written`) */
  uint64_t reconnects; /* connections made after the first (the TCP sink's
                          connects, the syslog sink's reconnects to its socket;
                          uvlog_sink_count_reconnect() for your own sinks) */
} uvlog_sink_stats_t;

/** Copies a sink's counters; any thread. */
UVLOG_EXPORT int uvlog_sink_stats(const uvlog_sink_t *sink, uvlog_sink_stats_t *stats);

#endif /* UVLOG_SINK_H_PUBLIC */
