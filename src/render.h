/*
 * render.h -- deferred formatting, listener side (render.c): the text of
 * a deferred record.
 */
#ifndef UVLOG_RENDER_H
#define UVLOG_RENDER_H

#include <stddef.h>

#include "buf.h"

/* Appends the message of `fmt` applied to the encoded `data` (deferred.h).
 * A conversion whose argument is missing or of the wrong type renders as a
 * visible "<uvlog: ...>" marker; malformed data renders a marker and stops.
 * Widths and precisions are clamped to max(limit + 1, 1100), so one
 * conversion never appends much more than that (limit: the logger's
 * max_record; the caller truncates to it). Returns how many bytes the
 * clamps left out (0 almost always), for the truncation marker's count. */
size_t uvlog__render_data(const char *fmt, const unsigned char *data, size_t len, size_t limit,
                          uvlog_buf_t *out);

#endif /* UVLOG_RENDER_H */
