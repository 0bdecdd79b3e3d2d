/*
 * file.h -- what the file sink (file.c) shows the library's tests.
 *
 * The public entry points are uvlog_file_options_init() and
 * uvlog_sink_file_create() in uvlog.h. This header only adds a clock hook so
 * that tests can drive time-based rotation without waiting for an hour.
 */
#ifndef UVLOG_SINK_FILE_H
#define UVLOG_SINK_FILE_H

#include <stdint.h>

#include "uvlog.h"

/* A clock: nanoseconds since the Unix epoch (UTC). */
typedef int64_t (*uvlog_file_clock_fn)(void *ctx);

/* Replaces the clock of a file sink made by uvlog_sink_file_create() and
 * recomputes its next time boundary from it. The clock gives "now" when the
 * file is (re)opened and paces retries after a failed rotation; which period
 * a record belongs to is always decided by the record's own timestamp.
 * Call it before the sink is started (not thread-safe). fn == NULL restores
 * CLOCK_REALTIME. Returns 0 or UVLOG_EINVAL (not a file sink). */
int uvlog__file_sink_set_clock(uvlog_sink_t *sink, uvlog_file_clock_fn fn, void *ctx);

/* The file sink's vtable, so tests can drive write/flush/reopen directly on
 * hand-made entries without a running logger. */
const uvlog_sink_vtable_t *uvlog__file_sink_vtable(void);

/* Next rotation boundary strictly after `t_ns` (ns since the epoch), for
 * HOURLY or DAILY, in UTC (utc != 0) or the process's local time zone. */
int64_t uvlog__file_next_boundary(int64_t t_ns, uvlog_rotate_every_t every, int utc);

#endif /* UVLOG_SINK_FILE_H */
