/*
 * stderr.c -- the stderr sink: one writev(2) of the batch to fd 2.
 *
 * TEXT format by default, colour "auto" (on when fd 2 is a TTY and NO_COLOR
 * is unset or empty; sink.c resolves it through uvlog__sink_set_color_fd).
 * Partial writes are resumed, EINTR retried, and a full non-blocking fd 2
 * waited for (fdio.c): at most 1 s, and not again until fd 2 accepts bytes,
 * so a pipe whose reader stopped costs the listener one second in total,
 * never a hang. Records not written then (and on any other error) are
 * counted as dropped and the error returned; a record cut short is followed
 * by '\n' before the next one. A blocking fd 2 whose reader stopped still
 * blocks the listener in write(2) (never producers, who drop or wait
 * according to the overflow policy): uvlog cannot bound a blocking write.
 * RFC 5424 / RFC 3164 records are written one per line (fdio.h).
 */
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../sink.h"
#include "fdio.h"

#define STDERR_IOV 64

typedef struct stderr_sink {
  uvlog_fdio_t io;
  uvlog_buf_t lines;
} stderr_sink_t;

static int stderr_write(uvlog_sink_t *sink, const uvlog_entry_t *e, size_t count) {
  stderr_sink_t *ss = uvlog_sink_data(sink);
  struct iovec iov[STDERR_IOV];
  size_t i = 0;
  if (uvlog__lines_reserve(&ss->lines, e, count) != 0) uvlog_sink_report_error(sink, UVLOG_ENOMEM);
  while (i < count) {
    size_t n = 0, left = 0;
    for (; i < count && n < STDERR_IOV; i++)
      if (e[i].text_len) iov[n++] = uvlog__line_of(&ss->lines, &e[i]);
    int rc = uvlog__writev_all(2, iov, n, &left, &ss->io);
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

static void stderr_close(uvlog_sink_t *sink) {
  stderr_sink_t *ss = uvlog_sink_data(sink);
  if (!ss) return;
  uvlog_buf_free(&ss->lines);
  free(ss);
}

static const uvlog_sink_vtable_t stderr_vt = {
    .name = "stderr",
    .open = NULL,
    .write = stderr_write,
    .flush = stderr_flush,
    .reopen = NULL,
    .close = stderr_close,
};

int uvlog_sink_stderr_create(uvlog_sink_t **out) {
  stderr_sink_t *ss = calloc(1, sizeof *ss);
  if (!ss) return UVLOG_ENOMEM;
  int rc = uvlog_sink_create(out, &stderr_vt, ss);
  if (rc) {
    free(ss);
    return rc;
  }
  uvlog__sink_set_color_fd(*out, 2);
  return 0;
}
