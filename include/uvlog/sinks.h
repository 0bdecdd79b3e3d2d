/*
 * uvlog/sinks.h -- the built-in sinks: stderr, file (with rotation), syslog
 * (local datagram socket) and TCP (octet counting or NDJSON), with their
 * options.
 */
#ifndef UVLOG_SINKS_H
#define UVLOG_SINKS_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/sinks.h>"
#endif

/* --- stderr ------------------------------------------------------------- */

/** A sink writing to standard error (fd 2), TEXT format, colour when fd 2 is a
 *  TTY and NO_COLOR is unset (override with uvlog_sink_set_format()). When
 *  fd 2 is a pipe, the sink writes it through a non-blocking descriptor of
 *  its own (/proc/self/fd/2 opened again), so a reader that stops costs the
 *  listener one wait of at most 1 s; records it cannot write are dropped and
 *  counted (-EAGAIN). */
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
  int follow_symlinks;           /* 1: a symbolic link at the path's last
                                    component is followed; default 0: refused
                                    with -ELOOP (O_NOFOLLOW) */
} uvlog_file_options_t;

#define UVLOG_FILE_MAX_KEEP 1000

/** Fills `fo` with the defaults above. */
UVLOG_EXPORT void uvlog_file_options_init(uvlog_file_options_t *fo);
/** A sink appending to `path` (O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC|O_NONBLOCK,
 *  O_NOFOLLOW unless follow_symlinks; created with `mode` as filtered by the
 *  process umask, like open(2)). The path is opened now, so an unwritable
 *  path fails here with -errno (-ENOENT, -ENOTDIR, -EACCES, -EISDIR, -ELOOP
 *  for a symbolic link, -ENXIO for a FIFO without a reader...); a relative
 *  path is made absolute. A regular file is written blocking; anything else
 *  stays non-blocking and a full one is waited for at most 1 s (then records
 *  are dropped and counted). A write that fails part-way (ENOSPC) is cut back
 *  so the file never holds a partial record.
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
 *    or flush_timeout_ms passes (UVLOG_ETIMEDOUT; later flushes then fail at
 *    once with UVLOG_ETIMEDOUT until a datagram is sent); while the daemon is
 *    away it fails at once with the error that took it away (e.g. -ENOENT,
 *    -ECONNREFUSED; the records stay buffered). A flush whose records were
 *    dropped completes with the drop's error.
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
 * Streams records to host:port over TCP from the listener's loop. At each
 * (re)connect an IPv4/IPv6 literal is used as it is, and a name is resolved
 * by getaddrinfo() on a thread of its own (never on libuv's shared thread
 * pool, which the application's uv_queue_work() jobs could hold); every
 * address is tried in order.
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
 *    written to the kernel, or flush_timeout_ms passes (UVLOG_ETIMEDOUT;
 *    later flushes then fail at once with UVLOG_ETIMEDOUT until a write
 *    completes); while waiting to reconnect after a failure it fails at once
 *    with that failure's error (e.g. -ECONNREFUSED, UV_EOF, UV_EAI_NONAME:
 *    the root cause stays the sink's last_error; the records stay in the
 *    backlog). A flush whose records were dropped completes with the drop's
 *    error.
 *  - close gives the backlog close_timeout_ms, then drops and counts what is
 *    left. The deadline counts from when a flush began waiting on a
 *    connected receiver with no write completing since (normally the
 *    logger's final flush), else from the close: a close with a receiver
 *    that stopped reading takes at most max(flush_timeout_ms,
 *    close_timeout_ms), with a refusing one about close_timeout_ms. (Same
 *    rules for the syslog sink.)
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

#endif /* UVLOG_SINKS_H */
