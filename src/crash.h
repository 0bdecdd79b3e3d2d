/*
 * crash.h -- what the crash flush (crash.c, crash_render.c; public API in
 * uvlog/crash.h) shares with the rest of the library: the freeze of the
 * listener's fd writes while a crash flush writes, the hooks that give the
 * file and stderr sinks' descriptors, the uninstall on close, and the
 * async-signal-safe rendering of a record.
 */
#ifndef UVLOG_CRASH_INTERNAL_H
#define UVLOG_CRASH_INTERNAL_H

#include <stdatomic.h>

#include "buf.h"
#include "format/format.h"
#include "logger.h"

/* Non-zero while a crash flush writes (crash.c). The fd writers of the file
 * and stderr sinks (fdio.c) check it (relaxed: a hint; the flush's own
 * writes do not go through fdio) before every writev and wait in
 * uvlog__crash_wait() while it is set, so the listener does not write the
 * same records at the same time. */
extern _Atomic int uvlog__crash_freeze;
/* Sleeps (1 ms at a time) while uvlog__crash_freeze is set. */
void uvlog__crash_wait(void);

/* Removes `log` from the crash flush, if it is there (close, destroy);
 * waits (bounded) for a crash flush in progress to finish. */
void uvlog__crash_forget(uvlog_t *log);

/* The descriptor the crash flush writes a sink's records to: the file
 * sink's open file (file.c), fd 2 for the stderr sink (stderr.c); -1 if
 * `sink` is not of that kind. Async-signal-safe (reads only). */
int uvlog__file_sink_crash_fd(const uvlog_sink_t *sink);
int uvlog__stderr_sink_crash_fd(const uvlog_sink_t *sink);

/* crash_render.c, async-signal-safe: no malloc, no lock, no stdio. `msg`
 * and `out` are fixed buffers (uvlog_buf_t.fixed). */
/* Decodes `rec` into `e`, its message rendered into `msg` when it is not
 * the record's own bytes (deferred.c's conversions: see docs/crash.md). */
void uvlog__crash_decode(const uvlog_t *log, const uvlog_rec_t *rec, uvlog_buf_t *msg,
                         uvlog_entry_t *e);
/* Renders `e` with `f` (TEXT, JSON) into `out`, or as the crash line
 * ("<time> <LEVEL> <file>:<line> <message>", escaped) for the syslog
 * formats and whatever does not fit `out`. */
void uvlog__crash_render(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);

#endif /* UVLOG_CRASH_INTERNAL_H */
