/*
 * fdio.c -- uvlog__writev_all() (see fdio.h).
 */
#include "fdio.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

/* How long a write may wait for a non-blocking fd (a libuv program often
 * makes stdio non-blocking) to accept more bytes before giving up. */
#define FDIO_WAIT_MS 1000

int uvlog__writev_all(int fd, struct iovec *iov, size_t n, size_t *unwritten) {
  size_t i = 0;
  *unwritten = 0;
  while (i < n) {
    size_t chunk = n - i < IOV_MAX ? n - i : IOV_MAX;
    ssize_t w = writev(fd, iov + i, (int)chunk);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      int r;
      do r = poll(&p, 1, FDIO_WAIT_MS);
      while (r < 0 && errno == EINTR);
      if (r > 0) continue;
      errno = EAGAIN; /* still full after FDIO_WAIT_MS: give up on the rest */
    }
    if (w <= 0) {
      *unwritten = n - i;
      return w < 0 ? -errno : -EIO;
    }
    size_t left = (size_t)w;
    while (i < n && left >= iov[i].iov_len) left -= iov[i++].iov_len;
    if (left > 0) { /* resume inside a buffer */
      iov[i].iov_base = (char *)iov[i].iov_base + left;
      iov[i].iov_len -= left;
    }
  }
  return 0;
}
