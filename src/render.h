/*
 * render.h -- deferred formatting, listener side (render.c): the text of
 * a deferred record.
 */
#ifndef UVLOG_RENDER_H
#define UVLOG_RENDER_H

#include <stddef.h>
#include <stdint.h>

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

/* Appends an integer conversion ('d' 'i' 'u' 'o' 'x' 'X') with no flags,
 * width or precision, of the encoded 64-bit value `v` narrowed as printf
 * narrows it for length modifier `lmod` (spec.h). Async-signal-safe: no
 * call but the buffer's append (crash_render.c uses it). */
void uvlog__render_int(uvlog_buf_t *out, char conv, char lmod, uint64_t v);

#endif /* UVLOG_RENDER_H */
