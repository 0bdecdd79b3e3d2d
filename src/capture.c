/*
 * capture.c -- capture of the process's own stdout and stderr (fds 1 and 2)
 * into a logger (include/uvlog/capture.h).
 *
 * Each captured fd is replaced by the write end of a pipe (dup2(); the
 * original file is kept as a close-on-exec copy). One reader thread polls
 * the read ends and a wake-up pipe, cuts what it reads into lines (the
 * newline removed; a line longer than max_line goes out in pieces) and
 * queues each with uvlog_log_text() at the stream's level, the stream's tag
 * as the record's file. A line is queued once: the reader is the only
 * consumer of a pipe, and the kernel keeps writes of up to PIPE_BUF bytes
 * whole, so lines printed by several threads do not mix.
 *
 * STOP (and exit): stdio is flushed, the original files go back on fds 1
 * and 2 -- from then on nothing new enters the pipes from this process --
 * the reader is woken, reads everything left (a partial last line too),
 * queues it and ends. An atexit() handler does this, so what was printed
 * before exit() is logged; it is registered after the logger's own atexit
 * close (the logger must be started first), so it runs before it.
 *
 * FORK: a child gets the original files back on fds 1 and 2 (an atfork
 * handler): its output is not captured, and it never writes into a pipe
 * whose reader thread did not survive the fork.
 *
 * FEEDBACK: the stderr sink writes uvlog__stderr_fd(), which is the copy of
 * the original fd 2 while stderr is captured. The copy is closed after a
 * logger flush (a barrier: no batch of the sink can still be using it).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "logger_impl.h"

#define CAPTURE_CHUNK 65536
#define CAPTURE_FLUSH_MS 2000

typedef struct cap_stream {
  int fd;                 /* 1 or 2 */
  int saved;              /* copy of the original file, or -1 */
  int rd;                 /* read end of the pipe, or -1 (not captured, or EOF) */
  uvlog_level_t level;
  const char *tag;
  uvlog_t *h;             /* the logger or the stream's category */
  char *line;             /* a partial line, max_line bytes */
  size_t len;
} cap_stream_t;

struct uvlog_capture {
  uvlog_t *log;
  size_t max_line;
  cap_stream_t s[2];      /* stdout, stderr */
  int wake[2];            /* stop: a byte on wake[1] */
  pthread_t thread;
};

/* The active capture (one per process); and the stderr sink's fd. Release
 * and acquire: a load sees the capture's or the copy's set-up. */
static uvlog_capture_t *_Atomic active;
static _Atomic int stderr_target = 2;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

int uvlog__stderr_fd(void) { return atomic_load_explicit(&stderr_target, memory_order_acquire); }

void uvlog_capture_options_init(uvlog_capture_options_t *o) {
  if (!o) return;
  o->streams = UVLOG_CAPTURE_STDOUT | UVLOG_CAPTURE_STDERR;
  o->stdout_level = UVLOG_LEVEL_INFO;
  o->stderr_level = UVLOG_LEVEL_WARNING;
  o->stdout_tag = "stdout";
  o->stderr_tag = "stderr";
  o->stdout_category = NULL;
  o->stderr_category = NULL;
  o->max_line = 4096;
}

static int cap_validate(const uvlog_capture_options_t *o) {
  if (o->streams <= 0 || (o->streams & ~(UVLOG_CAPTURE_STDOUT | UVLOG_CAPTURE_STDERR)))
    return UVLOG_EINVAL;
  if ((unsigned)o->stdout_level >= UVLOG_LEVEL_OFF || (unsigned)o->stderr_level >= UVLOG_LEVEL_OFF)
    return UVLOG_EINVAL;
  if (!o->stdout_tag || !o->stderr_tag) return UVLOG_EINVAL;
  if (o->max_line < 64 || o->max_line > ((size_t)1 << 20)) return UVLOG_EINVAL;
  return 0;
}

/* ---- the reader --------------------------------------------------------- */

static void emit(cap_stream_t *s, const char *p, size_t n) {
  (void)uvlog_log_text(s->h, s->level, s->tag, 0, NULL, p, n);
}

/* Cuts `n` bytes into lines; a partial line waits in s->line. */
static void feed(uvlog_capture_t *c, cap_stream_t *s, const char *p, size_t n) {
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) : n;
    if (s->len + take > c->max_line) take = c->max_line - s->len;
    int whole = nl && take == (size_t)(nl - p);
    if (s->len == 0 && (whole || take == c->max_line)) {
      emit(s, p, take); /* straight from the chunk */
    } else {
      memcpy(s->line + s->len, p, take);
      s->len += take;
      if (whole || s->len == c->max_line) {
        emit(s, s->line, s->len);
        s->len = 0;
      }
    }
    p += take + (size_t)whole;
    n -= take + (size_t)whole;
  }
}

/* Reads what the pipe holds now. At end of file the partial line is
 * queued and the stream is closed. */
static void drain(uvlog_capture_t *c, cap_stream_t *s, char *chunk) {
  while (s->rd >= 0) {
    ssize_t r = read(s->rd, chunk, CAPTURE_CHUNK);
    if (r > 0) {
      feed(c, s, chunk, (size_t)r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return;
    if (s->len) emit(s, s->line, s->len);
    s->len = 0;
    close(s->rd);
    s->rd = -1;
  }
}

static void *reader_main(void *arg) {
  uvlog_capture_t *c = arg;
  char *chunk = malloc(CAPTURE_CHUNK);
  for (int stop = 0; chunk && !stop;) {
    struct pollfd pf[3] = {{c->wake[0], POLLIN, 0}, {c->s[0].rd, POLLIN, 0}, {c->s[1].rd, POLLIN, 0}};
    if (poll(pf, 3, -1) < 0 && errno != EINTR) break;
    stop = pf[0].revents != 0;
    for (int i = 0; i < 2; i++)
      if (stop || pf[i + 1].revents) drain(c, &c->s[i], chunk);
  }
  for (int i = 0; i < 2; i++) /* stop: the partial last lines */
    if (c->s[i].len) emit(&c->s[i], c->s[i].line, c->s[i].len);
  free(chunk);
  return NULL;
}

/* ---- start and stop ----------------------------------------------------- */

static void restore(struct cap_stream *s);
static void cap_free(uvlog_capture_t *c, int close_saved);

static void stop_at_exit(void) {
  uvlog_capture_t *c = atomic_load_explicit(&active, memory_order_acquire);
  if (c) uvlog_capture_stop(c);
}

/* A fork()ed child has no reader thread: it gets the original files back
 * on fds 1 and 2 (its output is not captured) and drops its copy of the
 * capture, so it can never block on a pipe nobody reads. */
static void fork_child(void) {
  uvlog_capture_t *c = atomic_load_explicit(&active, memory_order_acquire);
  if (!c) return;
  restore(&c->s[0]);
  restore(&c->s[1]);
  cap_free(c, 1);
  atomic_store_explicit(&active, NULL, memory_order_release);
}

static void register_handlers(void) {
  atexit(stop_at_exit);
  pthread_atfork(NULL, NULL, fork_child);
}

/* Puts a pipe on s->fd; keeps the original as s->saved. */
static int redirect(cap_stream_t *s) {
  int p[2];
  fflush(s->fd == 1 ? stdout : stderr);
  s->saved = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
  if (s->saved < 0) return -errno;
  if (pipe2(p, O_CLOEXEC) != 0) return -errno;
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  s->rd = p[0];
  if (s->fd == 2) atomic_store_explicit(&stderr_target, s->saved, memory_order_release);
  int rc = dup2(p[1], s->fd) < 0 ? -errno : 0;
  close(p[1]);
  return rc;
}

/* Gives s->fd its original file back. */
static void restore(cap_stream_t *s) {
  if (s->saved < 0) return;
  dup2(s->saved, s->fd);
  if (s->fd == 2) atomic_store_explicit(&stderr_target, 2, memory_order_release);
}

static void cap_free(uvlog_capture_t *c, int close_saved) {
  for (int i = 0; i < 2; i++) {
    if (c->s[i].rd >= 0) close(c->s[i].rd);
    if (close_saved && c->s[i].saved >= 0) close(c->s[i].saved);
    free(c->s[i].line);
  }
  if (c->wake[0] >= 0) close(c->wake[0]);
  if (c->wake[1] >= 0) close(c->wake[1]);
  free(c);
}

static int cap_spawn(uvlog_capture_t *c) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* the reader takes no signals */
  int rc = -pthread_create(&c->thread, NULL, reader_main, c);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc == 0) pthread_setname_np(c->thread, "uvlog-capture");
  return rc;
}

static int cap_setup(uvlog_capture_t *c, const uvlog_capture_options_t *o) {
  if (pipe2(c->wake, O_CLOEXEC) != 0) return -errno;
  int rc = 0;
  for (int i = 0; i < 2 && rc == 0; i++) {
    if (!(o->streams & (i == 0 ? UVLOG_CAPTURE_STDOUT : UVLOG_CAPTURE_STDERR))) continue;
    if (!(c->s[i].line = malloc(c->max_line))) return UVLOG_ENOMEM;
    rc = redirect(&c->s[i]);
  }
  if (rc == 0 && (o->streams & UVLOG_CAPTURE_STDOUT)) setvbuf(stdout, NULL, _IOLBF, 0);
  if (rc == 0) rc = cap_spawn(c);
  return rc;
}

int uvlog_capture_start(uvlog_capture_t **out, uvlog_t *log, const uvlog_capture_options_t *o) {
  uvlog_capture_options_t defaults;
  if (!o) {
    uvlog_capture_options_init(&defaults);
    o = &defaults;
  }
  if (!out || !log || cap_validate(o) != 0) return UVLOG_EINVAL;
  *out = NULL;
  /* A category handle stands for its root (it logs in that category). */
  if (atomic_load_explicit(&uvlog__root(log)->state, memory_order_acquire) != LOG_RUNNING)
    return UVLOG_EBUSY;
  uvlog_t *h[2] = {log, log};
  const char *cat[2] = {o->stdout_category, o->stderr_category};
  for (int i = 0; i < 2; i++) {
    int crc = cat[i] ? uvlog_category_get(log, cat[i], &h[i]) : 0;
    if (crc != 0) return crc == UVLOG_ENOMEM || crc == -ENOSPC ? crc : UVLOG_EINVAL;
  }
  uvlog_capture_t *c = calloc(1, sizeof *c), *none = NULL;
  if (!c) return UVLOG_ENOMEM;
  if (!atomic_compare_exchange_strong_explicit(&active, &none, c, memory_order_acq_rel,
                                               memory_order_acquire)) {
    free(c);
    return UVLOG_EBUSY;
  }
  c->log = uvlog__root(log);
  c->max_line = o->max_line;
  c->wake[0] = c->wake[1] = -1;
  c->s[0] = (cap_stream_t){.fd = 1, .saved = -1, .rd = -1, .level = o->stdout_level, .tag = o->stdout_tag,
                           .h = h[0]};
  c->s[1] = (cap_stream_t){.fd = 2, .saved = -1, .rd = -1, .level = o->stderr_level, .tag = o->stderr_tag,
                           .h = h[1]};
  int rc = cap_setup(c, o);
  if (rc != 0) {
    restore(&c->s[0]);
    restore(&c->s[1]);
    cap_free(c, 1);
    atomic_store_explicit(&active, NULL, memory_order_release);
    return rc;
  }
  pthread_once(&handlers_once, register_handlers);
  *out = c;
  return 0;
}

int uvlog_capture_stop(uvlog_capture_t *c) {
  if (!c || atomic_load_explicit(&active, memory_order_acquire) != c) return UVLOG_EINVAL;
  fflush(stdout);
  fflush(stderr);
  restore(&c->s[0]);
  restore(&c->s[1]);
  char b = 1;
  while (write(c->wake[1], &b, 1) < 0 && errno == EINTR) {}
  pthread_join(c->thread, NULL);
  /* A barrier: the stderr sink's batches that used the copy are done. */
  int rc = uvlog_logger_flush(c->log, CAPTURE_FLUSH_MS);
  cap_free(c, rc != UVLOG_ETIMEDOUT && rc != UVLOG_EDEADLK);
  atomic_store_explicit(&active, NULL, memory_order_release);
  return 0;
}
