/*
 * test_fdio.c -- uvlog__writev_all() (src/sink/fdio.c): every byte written,
 * in order, through partial writes and a full non-blocking fd.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sink/fdio.h"

#define NBUF 3000
#define BUFLEN 347 /* odd, so writes end inside buffers */

typedef struct {
  int fd;
  size_t got;
  unsigned char *data;
  int was_full;
} reader_t;

/* Waits (at most 10 s) until the pipe read by `fd` is full, so the writer
 * has found it full. Returns 1 if it filled. */
static int wait_pipe_full(int fd) {
  int cap = fcntl(fd, F_GETPIPE_SZ);
  for (int i = 0; i < 10000; i++) {
    int queued = 0;
    if (ioctl(fd, FIONREAD, &queued) == 0 && queued > cap - BUFLEN) return 1;
    usleep(1000);
  }
  return 0;
}

static void *slow_reader(void *p) {
  reader_t *r = p;
  r->was_full = wait_pipe_full(r->fd); /* the writer must wait for room first */
  unsigned char b[4096];
  ssize_t n;
  while ((n = read(r->fd, b, sizeof b)) > 0) {
    memcpy(r->data + r->got, b, (size_t)n);
    r->got += (size_t)n;
  }
  return NULL;
}

static void fill(struct iovec *iov, unsigned char *src) {
  for (size_t i = 0; i < (size_t)NBUF * BUFLEN; i++) src[i] = (unsigned char)(i * 7 + i / 251);
  for (int i = 0; i < NBUF; i++) iov[i] = (struct iovec){src + (size_t)i * BUFLEN, BUFLEN};
}

Test(fdio, nonblocking_full_pipe_is_waited_for_and_every_byte_arrives) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  cr_assert_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
  static unsigned char src[(size_t)NBUF * BUFLEN], dst[(size_t)NBUF * BUFLEN];
  static struct iovec iov[NBUF];
  fill(iov, src);
  reader_t r = {p[0], 0, dst, 0};
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, slow_reader, &r), 0);
  size_t unwritten = 99;
  int rc = uvlog__writev_all(p[1], iov, NBUF, &unwritten, NULL); /* ~1 MiB >> the 64 KiB pipe */
  close(p[1]);
  pthread_join(th, NULL);
  close(p[0]);
  cr_assert(r.was_full, "the writer never found the pipe full");
  cr_assert_eq(rc, 0, "rc %d", rc);
  cr_assert_eq(unwritten, 0);
  cr_assert_eq(r.got, sizeof src);
  cr_assert_eq(memcmp(src, dst, sizeof src), 0, "bytes differ or are out of order");
}

Test(fdio, a_pipe_nobody_reads_gives_up_with_eagain) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  cr_assert_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
  static unsigned char src[(size_t)NBUF * BUFLEN];
  static struct iovec iov[NBUF];
  fill(iov, src);
  size_t unwritten = 0;
  int rc = uvlog__writev_all(p[1], iov, NBUF, &unwritten, NULL);
  cr_assert_eq(rc, -EAGAIN);
  cr_assert_gt(unwritten, 0);
  cr_assert_lt(unwritten, NBUF, "the pipe took some of it");
  close(p[0]);
  close(p[1]);
}

Test(fdio, closed_reader_is_an_error_not_a_hang) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  unsigned char b[10] = "0123456789";
  struct iovec iov[2] = {{b, 5}, {b + 5, 5}};
  size_t unwritten = 0;
  cr_assert_eq(uvlog__writev_all(p[1], iov, 2, &unwritten, NULL), -EPIPE);
  cr_assert_eq(unwritten, 2);
  close(p[1]);
}
