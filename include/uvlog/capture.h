/*
 * uvlog/capture.h -- capture of the process's own standard output and
 * standard error (fds 1 and 2) into a logger, line by line, for code that
 * prints (printf, fprintf(stderr), a library's perror). See
 * docs/drop-in.md.
 */
#ifndef UVLOG_CAPTURE_H
#define UVLOG_CAPTURE_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/capture.h>"
#endif

typedef struct uvlog_capture uvlog_capture_t;

#define UVLOG_CAPTURE_STDOUT 1  /* fd 1 */
#define UVLOG_CAPTURE_STDERR 2  /* fd 2 */

typedef struct uvlog_capture_options {
  int streams;                /* UVLOG_CAPTURE_STDOUT | UVLOG_CAPTURE_STDERR
                                 (default: both); not 0 */
  uvlog_level_t stdout_level; /* level of a stdout line; default INFO */
  uvlog_level_t stderr_level; /* level of a stderr line; default WARNING */
  const char *stdout_tag;     /* the records' `file` (shown by %f and %F):
                                 default "stdout"; kept as a pointer, so a
                                 string literal (it must outlive the logger) */
  const char *stderr_tag;     /* default "stderr" */
  const char *stdout_category;/* the category stdout lines are logged in
                                 (uvlog_category_get(): its level, rules and
                                 sink filters apply); default NULL: the
                                 logger's own records */
  const char *stderr_category;/* the same for stderr; default NULL */
  size_t max_line;            /* a longer line is cut into records of this
                                 many bytes; 64 .. 1 MiB, default 4096 */
} uvlog_capture_options_t;

/** Fills `o` with the defaults above. */
UVLOG_EXPORT void uvlog_capture_options_init(uvlog_capture_options_t *o);

/** Starts capturing: each stream in o->streams is replaced by a pipe
 *  (dup2()) whose reader thread (named "uvlog-capture") queues every line,
 *  without its newline, at the stream's level with the stream's tag as the
 *  record's file. stdout is flushed and made line-buffered first. While
 *  stderr is captured, the stderr sink writes to a copy of the original fd
 *  2, so its records never come back through the capture. At most one
 *  capture at a time per process. An atexit() handler stops it (stdio is
 *  flushed first), so lines printed before exit() are logged and written by
 *  the logger's own atexit close. `log` must be started (uvlog_logger_start())
 *  and must outlive the capture. `o` may be NULL. Errors: UVLOG_EINVAL (NULL
 *  out or log, streams 0 or with other bits, a level that is not loggable,
 *  NULL tag, max_line out of range, a category name uvlog_category_get()
 *  refuses), -ENOSPC (no category left), UVLOG_EBUSY (the logger is not running,
 *  or a capture is active), or -errno from pipe(2)/dup(2)/pthread_create. */
UVLOG_EXPORT int uvlog_capture_start(uvlog_capture_t **out, uvlog_t *log,
                                     const uvlog_capture_options_t *o);

/** Stops a capture: flushes stdio, gives fds 1 and 2 back their original
 *  files, queues what was still in the pipes (a last partial line too),
 *  joins the reader, flushes the logger (at most 2 s) and frees `cap`.
 *  Output a child process still writes to an inherited pipe after this is
 *  lost (it gets EPIPE). Errors: UVLOG_EINVAL (NULL, or not the active
 *  capture). */
UVLOG_EXPORT int uvlog_capture_stop(uvlog_capture_t *cap);

#endif /* UVLOG_CAPTURE_H */
