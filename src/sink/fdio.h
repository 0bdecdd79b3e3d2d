/*
 * fdio.h -- writing a batch of buffers to a file descriptor completely.
 * Shared by the sinks that write to a plain fd (stderr, file).
 */
#ifndef UVLOG_SINK_FDIO_H
#define UVLOG_SINK_FDIO_H

#include <stddef.h>
#include <sys/uio.h>

/* Writes iov[0..n) to `fd` with writev(2), resuming after partial writes and
 * retrying EINTR; iov is modified. A non-blocking fd that is full (EAGAIN)
 * is waited for with poll(), at most 1 s each time. Returns 0, or -errno
 * (-EIO when writev wrote nothing, -EAGAIN when the fd stayed full) with
 * *unwritten set to the number of buffers not wholly written. */
int uvlog__writev_all(int fd, struct iovec *iov, size_t n, size_t *unwritten);

#endif /* UVLOG_SINK_FDIO_H */
