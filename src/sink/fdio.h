/*
 * fdio.h -- writing a batch of buffers to a file descriptor: the write loop
 * shared by the sinks that write to a plain fd (stderr, file), with a
 * bounded wait for a full non-blocking fd, and the one-line-per-record form
 * of records whose format has no terminator (RFC 5424 / RFC 3164).
 */
#ifndef UVLOG_SINK_FDIO_H
#define UVLOG_SINK_FDIO_H

#include <stddef.h>
#include <sys/uio.h>

#include "../buf.h"
#include "uvlog.h"

/* How long a write may wait for a full non-blocking fd (a libuv program
 * often makes stdio non-blocking; a FIFO file sink is non-blocking). */
#define UVLOG_FDIO_WAIT_MS 1000

/* What one fd's writer remembers between batches. Zero-initialise. */
typedef struct uvlog_fdio {
  int stalled;    /* a wait timed out: later writes do not wait (they give
                     up at once on EAGAIN) until the fd accepts bytes again */
  int torn;       /* a record was cut short: the next write starts with '\n'
                     so the next record begins a line of its own */
  size_t partial; /* out: bytes of the first unwritten buffer that went out */
} uvlog_fdio_t;

/* Writes iov[0..n) to `fd` with writev(2), resuming after partial writes and
 * retrying EINTR; iov is modified. A full non-blocking fd (EAGAIN) is waited
 * for with poll(), at most UVLOG_FDIO_WAIT_MS, and not at all while `st` is
 * stalled, so a reader that stopped costs the listener one wait in total, not
 * one per batch. Returns 0, or -errno (-EIO when writev wrote nothing,
 * -EAGAIN when the fd stayed full) with *unwritten set to the number of
 * buffers not wholly written and st->partial to the bytes of the first of
 * them that did go out (st->torn is then set). `st` may be NULL (no memory
 * between calls: every EAGAIN is waited for). */
int uvlog__writev_all(int fd, struct iovec *iov, size_t n, size_t *unwritten, uvlog_fdio_t *st);

/* Stream sinks and the syslog formats: a record whose text does not end with
 * '\n' (RFC 5424 / RFC 3164 render none) is written as one line: its bytes
 * escaped as TEXT escapes %m (uvlog_format_escape: LF becomes the two bytes
 * \n...), then '\n'. uvlog__lines_reserve() makes room in `b` for the line
 * forms of a whole batch (so pointers into `b` stay valid while the batch is
 * written); uvlog__line_of() gives the bytes to write for one record (its
 * text, or its line form appended to `b`). Returns 0 or UVLOG_ENOMEM. */
int uvlog__lines_reserve(uvlog_buf_t *b, const uvlog_entry_t *e, size_t n);
struct iovec uvlog__line_of(uvlog_buf_t *b, const uvlog_entry_t *e);

#endif /* UVLOG_SINK_FDIO_H */
