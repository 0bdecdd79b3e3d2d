/*
 * direct.c -- what the syslog(3)-compatible API writes from the calling
 * thread itself: LOG_PERROR's copy on stderr, LOG_CONS's copy on the
 * console, and a datagram sent straight to the socket when no logger can
 * take the record (the logger could not be created, or is closed because
 * the process is exiting). Nothing here waits: the socket and the console
 * are written non-blocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "compat.h"

int compat_send_direct(const char *path, const char *buf, size_t len) {
  struct sockaddr_un sa;
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof sa.sun_path) return -EINVAL;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, n + 1);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -errno;
  int rc = 0;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
    rc = -errno;
  close(fd);
  return rc;
}

/* Writes two pieces to fd, resuming short writes (EINTR retried). */
static void write2(int fd, const char *a, size_t an, const char *b, size_t bn) {
  struct iovec iov[2] = {{(void *)a, an}, {(void *)b, bn}};
  int i = 0;
  while (i < 2) {
    ssize_t w = writev(fd, iov + i, 2 - i);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    while (i < 2 && (size_t)w >= iov[i].iov_len) w -= (ssize_t)iov[i++].iov_len;
    if (i < 2) {
      iov[i].iov_base = (char *)iov[i].iov_base + w;
      iov[i].iov_len -= (size_t)w;
    }
  }
}

void compat_write_stderr(const compat_line_t *l) {
  int saved = errno;
  int nl = l->len > 0 && l->buf[l->len - 1] == '\n';
  write2(STDERR_FILENO, l->buf + l->tag_off, l->len - l->tag_off, "\n", nl ? 0 : 1);
  errno = saved;
}

void compat_write_console(const compat_line_t *l) {
  int saved = errno;
  int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd >= 0) {
    write2(fd, l->buf + l->tag_off, l->len - l->tag_off, "\r\n", 2);
    close(fd);
  }
  errno = saved;
}
