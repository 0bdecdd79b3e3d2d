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
 * by '\n' before the next one.
 *
 * A pipe is written through a descriptor of the sink's own: when fd 2 is a
 * pipe or FIFO, the sink opens /proc/self/fd/2 again, non-blocking and
 * close-on-exec (a new open file description: fd 2's own flags are left
 * alone), so even a blocking stderr pipe whose reader stopped cannot block
 * the listener in write(2). Before each batch fstat(2) checks that fd 2 is
 * still that pipe (the program may have redirected it); if not, or if the
 * reopen fails, fd 2 itself is written. Side effect: while the sink is open
 * it holds the pipe's write end, so a reader sees end-of-file only once the
 * logger is closed (or the process exits). A terminal or file on fd 2 is
 * written directly; a blocking one that does not drain still blocks the
 * listener (never producers, who drop or wait per the overflow policy).
 * RFC 5424 / RFC 3164 records are written one per line (fdio.h).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../crash.h"
#include "../sink.h"
#include "fdio.h"

#define STDERR_IOV 64

typedef struct stderr_sink {
  uvlog_fdio_t io;
  uvlog_buf_t lines;
  int own_fd;        /* our non-blocking descriptor of fd 2's pipe, or -1 */
  dev_t dev;         /* the pipe own_fd is open on */
  ino_t ino;
} stderr_sink_t;

static void stderr_drop_own(stderr_sink_t *ss) {
  if (ss->own_fd < 0) return;
  close(ss->own_fd);
  ss->own_fd = -1;
}

/* The descriptor to write this batch to (see the top of the file). */
static int stderr_fd(stderr_sink_t *ss) {
  struct stat st;
  if (fstat(2, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    stderr_drop_own(ss);
    return 2;
  }
  if (ss->own_fd >= 0 && ss->dev == st.st_dev && ss->ino == st.st_ino) return ss->own_fd;
  stderr_drop_own(ss);
  int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 2;
  ss->own_fd = fd;
  ss->dev = st.st_dev;
  ss->ino = st.st_ino;
  ss->io = (uvlog_fdio_t){0};
  return fd;
}

static int stderr_write(uvlog_sink_t *sink, const uvlog_entry_t *e, size_t count) {
  stderr_sink_t *ss = uvlog_sink_data(sink);
  struct iovec iov[STDERR_IOV];
  size_t i = 0;
  if (uvlog__lines_reserve(&ss->lines, e, count) != 0) uvlog_sink_report_error(sink, UVLOG_ENOMEM);
  int fd = stderr_fd(ss);
  while (i < count) {
    size_t n = 0, left = 0;
    for (; i < count && n < STDERR_IOV; i++)
      if (e[i].text_len) iov[n++] = uvlog__line_of(&ss->lines, &e[i]);
    int rc = uvlog__writev_all(fd, iov, n, &left, &ss->io);
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
  stderr_drop_own(ss);
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
  ss->own_fd = -1;
  int rc = uvlog_sink_create(out, &stderr_vt, ss);
  if (rc) {
    free(ss);
    return rc;
  }
  uvlog__sink_set_color_fd(*out, 2);
  return 0;
}

int uvlog__stderr_sink_crash_fd(const uvlog_sink_t *sink) {
  /* fd 2 itself, not the sink's own non-blocking descriptor of a pipe (the
   * listener may be closing that one): a blocked write is cut by the crash
   * flush's alarm. */
  return sink && sink->vt.write == stderr_write ? 2 : -1;
}
