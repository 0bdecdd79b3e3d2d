/*
 * fdio.c -- the fd write loop and the line form of unterminated records
 * (see fdio.h), shared by the stderr and file sinks.
 */
#include "fdio.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

#include "../crash.h"
#include "../format/format.h"

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

/* 1 when `fd` became writable within the wait; 0 when it did not (the
 * writer is stalled from then on) or when it is already stalled. */
static int fdio_wait(int fd, uvlog_fdio_t *st) {
  if (st && st->stalled) return 0;
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int r;
  do r = poll(&p, 1, UVLOG_FDIO_WAIT_MS);
  while (r < 0 && errno == EINTR);
  if (r > 0) return 1;
  if (st) st->stalled = 1;
  return 0;
}

static int fdio_loop(int fd, struct iovec *iov, size_t n, size_t *unwritten, size_t *partial,
                     uvlog_fdio_t *st) {
  size_t i = 0, part = 0;
  *unwritten = 0;
  *partial = 0;
  while (i < n) {
    /* A crash flush is writing these records (crash.h): wait for it. */
    if (__builtin_expect(atomic_load_explicit(&uvlog__crash_freeze, memory_order_relaxed), 0))
      uvlog__crash_wait();
    size_t chunk = n - i < IOV_MAX ? n - i : IOV_MAX;
    ssize_t w = writev(fd, iov + i, (int)chunk);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (fdio_wait(fd, st)) continue;
      errno = EAGAIN; /* still full: give up on the rest */
    }
    if (w <= 0) {
      *unwritten = n - i;
      *partial = part;
      return w < 0 ? -errno : -EIO;
    }
    if (st) st->stalled = 0;
    size_t left = (size_t)w;
    while (i < n && left >= iov[i].iov_len) {
      left -= iov[i++].iov_len;
      part = 0;
    }
    if (left > 0) { /* resume inside a buffer */
      iov[i].iov_base = (char *)iov[i].iov_base + left;
      iov[i].iov_len -= left;
      part += left;
    }
  }
  return 0;
}

int uvlog__writev_all(int fd, struct iovec *iov, size_t n, size_t *unwritten, uvlog_fdio_t *st) {
  size_t part = 0, u;
  if (st && st->torn && n > 0) { /* end the cut record's line first */
    struct iovec nl = {.iov_base = (void *)"\n", .iov_len = 1};
    int rc = fdio_loop(fd, &nl, 1, &u, &part, st);
    if (rc) {
      *unwritten = n;
      st->partial = 0;
      return rc;
    }
    st->torn = 0;
  }
  int rc = fdio_loop(fd, iov, n, unwritten, &part, st);
  if (st) {
    st->partial = part;
    if (rc && part) st->torn = 1;
  }
  return rc;
}

static int unterminated(const uvlog_entry_t *e) {
  return e->text_len > 0 && e->text[e->text_len - 1] != '\n';
}

int uvlog__lines_reserve(uvlog_buf_t *b, const uvlog_entry_t *e, size_t n) {
  size_t need = 0;
  uvlog_buf_reset(b);
  for (size_t i = 0; i < n; i++)
    if (unterminated(&e[i])) need += uvlog_format_escaped_len(e[i].text, e[i].text_len) + 1;
  return need ? uvlog_buf_reserve(b, need) : 0;
}

struct iovec uvlog__line_of(uvlog_buf_t *b, const uvlog_entry_t *e) {
  struct iovec v = {.iov_base = (void *)e->text, .iov_len = e->text_len};
  if (!unterminated(e) || b->oom) return v; /* out of memory: the raw text */
  size_t at = b->len;
  uvlog_format_escape(e->text, e->text_len, b);
  uvlog_buf_putc(b, '\n');
  v.iov_base = b->data + at;
  v.iov_len = b->len - at;
  return v;
}
