/*
 * stderr.c -- the stderr sink: one writev(2) of the batch to fd 2.
 *
 * TEXT format by default, colour "auto" (on when fd 2 is a TTY and NO_COLOR
 * is unset or empty; sink.c resolves it through uvlog__sink_set_color_fd).
 * Partial writes are resumed, EINTR retried, and a full non-blocking fd 2
 * waited for (at most 1 s at a time: fdio.c); other errors are counted and
 * the rest of the batch is reported as dropped. A terminal or pipe that does
 * not read stalls the listener (never producers, who drop or wait according
 * to the overflow policy).
 */
#include <sys/uio.h>
#include <unistd.h>

#include "../sink.h"
#include "fdio.h"

#define STDERR_IOV 64

static int stderr_write(uvlog_sink_t *sink, const uvlog_entry_t *e, size_t count) {
  struct iovec iov[STDERR_IOV];
  size_t i = 0;
  while (i < count) {
    size_t n = 0, left = 0;
    while (i < count && n < STDERR_IOV) {
      if (e[i].text_len) {
        iov[n].iov_base = (void *)e[i].text;
        iov[n].iov_len = e[i].text_len;
        n++;
      }
      i++;
    }
    int rc = uvlog__writev_all(2, iov, n, &left);
    if (rc < 0) {
      /* The records not (fully) written now, and the rest of the batch. */
      uvlog_sink_count_dropped(sink, (uint64_t)left + (count - i));
      return rc;
    }
  }
  return 0;
}

static int stderr_flush(uvlog_sink_t *sink) {
  (void)sink;
  return 0; /* writev went straight to the fd: nothing buffered */
}

static const uvlog_sink_vtable_t stderr_vt = {
    .name = "stderr",
    .open = NULL,
    .write = stderr_write,
    .flush = stderr_flush,
    .reopen = NULL,
    .close = NULL,
};

int uvlog_sink_stderr_create(uvlog_sink_t **out) {
  int rc = uvlog_sink_create(out, &stderr_vt, NULL);
  if (rc) return rc;
  uvlog__sink_set_color_fd(*out, 2);
  return 0;
}
