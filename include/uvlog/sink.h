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
  UVLOG_FORMAT_JSON,      /* one JSON object per line (keys: json_preset) */
  UVLOG_FORMAT_RFC5424,   /* syslog protocol (no framing, no trailing newline;
                             file and stderr sinks write it one line per record) */
  UVLOG_FORMAT_RFC3164,   /* BSD syslog as glibc's syslog(3) writes it */
  UVLOG_FORMAT_LOGFMT     /* one line of key=value pairs per record (uvlog 0.3) */
} uvlog_format_kind_t;

/* TEXT patterns. A conversion is '%', an optional width, an optional
 * {spec} (timestamps only) and a letter:
 *   %t  timestamp; default RFC 3339 UTC with microseconds
 *       (2026-11-22T02:32:48.123456Z, truncated). %{spec}t takes a comma
 *       separated list of: "utc" (default) or "local" (local time with its
 *       offset: 2026-11-22T03:32:48.123456+01:00); "s", "ms", "us"
 *       (default) or "ns" (the fraction shown); "epoch" (an integer count
 *       since the Unix epoch in the precision's unit: seconds by default,
 *       "%{epoch,ms}t" milliseconds). Any other word is UVLOG_EINVAL.
 *   %l level name, %L level name padded to 8 (the same as %-8l),
 *   %T thread id, %N thread name ("-" if unknown), %c category ("-" for the
 *   root logger), %P the procid option (default the process id),
 *   %f file (base name), %F file as given, %n line, %u function,
 *   %m message, %k the record's fields as key=value pairs (context fields,
 *   then the call's; separated by one space; nothing when there are none),
 *   %K the logger's constant fields the same way, %% a percent sign.
 * Width: "%8l" right-aligns in 8 columns, "%-8l" left-aligns; a column is
 * a UTF-8 character; longer text is never cut; 1..256, else UVLOG_EINVAL.
 * Any other '%' sequence is UVLOG_EINVAL. A NULL file prints "-", a NULL
 * function "?". Each record ends with '\n'. Default: "%t %L [%T] %f:%n %m".
 * What each format escapes in the message:
 *   TEXT     (%m, %f, %F, %u, %c, %N) newline, CR, tab and backslash become
 *            the two-byte sequences \n \r \t \\; other bytes < 0x20 and 0x7f
 *            become \xHH; bytes >= 0x80 pass as they are. A record is one
 *            line and the escaping is reversible. %k and %K are written as
 *            LOGFMT writes fields (below).
 *   LOGFMT   a value is quoted when it is empty or holds a space, '=', '"',
 *            a byte < 0x20 or 0x7f, or ill-formed UTF-8; inside quotes '"'
 *            and backslash get a backslash, \n \r \t their short forms,
 *            other control bytes \u00XX, ill-formed UTF-8 \ufffd. Keys: each
 *            byte that is a space, '=', '"', < 0x20 or 0x7f becomes '_'.
 *   JSON     every string value: '"' and backslash are backslash-escaped,
 *            BS FF LF CR TAB become \b \f \n \r \t, other bytes < 0x20 and
 *            0x7f become \u00XX, ill-formed UTF-8 becomes \ufffd: each
 *            record is one line of valid JSON. Field keys are escaped the
 *            same way; a NaN or infinite double is written as null.
 *   RFC5424, RFC3164  nothing: the message is sent raw (newlines included);
 *            the transport's framing delimits records (a datagram for the
 *            syslog sink, octet counting for TCP). RFC 5424 prefixes the
 *            UTF-8 BOM when the message is well-formed, non-ASCII UTF-8.
 *            On a stream sink (file, stderr) each such record is written as
 *            one line: the whole record escaped as TEXT escapes %m (an LF
 *            in the message becomes the two bytes \n), then '\n'.
 *            RFC 5424 writes the fields as structured data (see sd_id).
 * docs/formats.md has every format's exact output and rules. */
#define UVLOG_DEFAULT_PATTERN "%t %L [%T] %f:%n %m"

/* Which key names the JSON format starts from (docs/formats.md shows each). */
typedef enum uvlog_json_preset {
  UVLOG_JSON_PRESET_UVLOG = 0,  /* "ts", "level", "msg"... (uvlog's own) */
  UVLOG_JSON_PRESET_ECS,        /* Elastic Common Schema 8, dotted keys:
                                   "@timestamp", "log.level", "message"... */
  UVLOG_JSON_PRESET_OTEL        /* OpenTelemetry log data model:
                                   "timeUnixNano", "severityNumber", "body",
                                   "attributes", "resource"... */
} uvlog_json_preset_t;

/* Key names of the JSON format, one per standard item. NULL keeps the
 * preset's name, "" leaves the item out; any other string is used as given
 * (escaped). `fields` and `resource` name the objects that hold the
 * record's fields and the logger's constant fields: "" writes them at the
 * top level. Which object an item is written in is the preset's choice
 * (docs/formats.md). */
typedef struct uvlog_json_keys {
  const char *time;             /* uvlog "ts", ECS "@timestamp", OTel "timeUnixNano" */
  const char *level;            /* "level", "log.level", "severityText" */
  const char *severity_number;  /* "" (none), "" (none), "severityNumber" */
  const char *message;          /* "msg", "message", "body" */
  const char *truncated;        /* "truncated", "uvlog.truncated",
                                   "uvlog.truncated" (only when it is) */
  const char *thread_id;        /* "tid", "process.thread.id", "thread.id" */
  const char *thread_name;      /* "thread", "process.thread.name", "thread.name" */
  const char *category;         /* "category", "log.logger", "instrumentationScope" */
  const char *file;             /* "file", "log.origin.file.name", "code.filepath" */
  const char *line;             /* "line", "log.origin.file.line", "code.lineno" */
  const char *function;         /* "func", "log.origin.function", "code.function" */
  const char *host;             /* "host", "host.hostname", "host.name" */
  const char *app;              /* "app", "service.name", "service.name" */
  const char *pid;              /* "pid", "process.pid", "process.pid" */
  const char *trace_id;         /* "trace_id", "trace.id", "traceId" */
  const char *span_id;          /* "span_id", "span.id", "spanId" */
  const char *fields;           /* "" (top level), "" (top level), "attributes" */
  const char *resource;         /* "" (top level), "" (top level), "resource" */
} uvlog_json_keys_t;

/* The RFC 5424 SD-ID the fields are written under by default: 32473 is the
 * enterprise number IANA reserves for examples (RFC 5612); set your own. */
#define UVLOG_DEFAULT_SD_ID "uvlog@32473"

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
  /* uvlog 0.3 */
  uvlog_json_preset_t json_preset;  /* JSON only; default UVLOG_JSON_PRESET_UVLOG */
  uvlog_json_keys_t json_keys;      /* JSON only: per-key overrides; all NULL */
  const char *sd_id;         /* RFC 5424: the SD-ID of the fields' SD-ELEMENT,
                                "name@enterprise-number" (name: 1..32 minus
                                the '@' part, printable US-ASCII but '=', ' ',
                                ']', '"', '@'; number: digits, dots between);
                                NULL = UVLOG_DEFAULT_SD_ID; else UVLOG_EINVAL */
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

#endif /* UVLOG_SINK_H_PUBLIC */
