/*
 * syslog.c -- the syslog sink: one datagram per record on a non-blocking
 * AF_UNIX SOCK_DGRAM socket connected to the daemon's socket (/dev/log).
 *
 * Written only against the public sink API (uvlog.h). Every callback runs on
 * the listener thread: no locks, no atomics.
 *
 * SENDING
 * vt->write sends each record at once while the buffer is empty. When send()
 * says EAGAIN (the daemon's queue is full) the record and every later one go
 * into the bounded datagram buffer (netq.h, uvlog_dgq_t), and a uv_poll
 * watches the socket for POLLOUT; ENOBUFS is retried from a short timer.
 * The buffer is drained oldest first, so order is kept.
 *
 * RECONNECTING
 * ECONNREFUSED, ENOTCONN, ECONNRESET, EPIPE, ENOENT, EDESTADDRREQ mean the
 * daemon (or its socket) went away: the socket is closed, records go to the
 * buffer and a timer reconnects with backoff (netq.h, uvlog_backoff_t); a
 * successful connect resets the backoff and drains the buffer.
 *
 * A record whose file is uvlog__syslog_datagram (the syslog(3)-compatible
 * API, src/compat/) already holds the whole datagram glibc would send: its
 * message is sent as it is, not the sink's rendering.
 *
 * ACCOUNTING
 * Each record given to vt->write is sent, buffered, or dropped and counted
 * (buffer full, EMSGSIZE, another send error, or still buffered when the
 * close deadline passes). A sent datagram is never sent again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#include "../compat/compat.h"
#include "netq.h"
#include "uvlog.h"

#define SYSLOG_ENOBUFS_RETRY_MS 10

typedef struct syslog_sink {
  uvlog_sink_t *sink;
  uv_loop_t *loop;
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  size_t max_message;
  unsigned flush_timeout_ms, close_timeout_ms;
  int fail_if_missing;

  int fd;                  /* connected socket, or -1 */
  uv_poll_t *poll;         /* watches fd for POLLOUT, or NULL */
  int polling;
  uvlog_dgq_t q;
  uvlog_backoff_t backoff;
  uint64_t enq, fin;       /* records that entered / left the buffer */

  uv_timer_t timer;        /* reconnect backoff, or ENOBUFS retry */
  uv_timer_t flush_timer;
  uv_timer_t close_timer;
  uvlog_flushw_t fw;       /* pending flushes, stall state (netq.h) */
  int root_err;            /* why the daemon is away (when fd < 0) */
  int connected_once;      /* a connection was made: the next ones are reconnects */

  int opened, closing, finished;
  int open_handles;
} syslog_sink_t;

static void sl_drain(syslog_sink_t *sl);
static void sl_finish(syslog_sink_t *sl);

/* ---- options ------------------------------------------------------------ */

void uvlog_syslog_options_init(uvlog_syslog_options_t *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->path = "/dev/log";
  o->max_message = 8192;
  o->buffer_size = (size_t)1 << 20;
  o->reconnect_min_ms = 100;
  o->reconnect_max_ms = 5000;
  o->flush_timeout_ms = 2000;
  o->close_timeout_ms = 2000;
}

static int sl_validate(const uvlog_syslog_options_t *o) {
  if (!o->path || !*o->path) return UVLOG_EINVAL;
  if (strlen(o->path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) return UVLOG_EINVAL;
  if (o->max_message < 64 || o->max_message > ((size_t)16 << 20)) return UVLOG_EINVAL;
  if (o->buffer_size > ((size_t)1 << 30)) return UVLOG_EINVAL;
  if (o->reconnect_min_ms < 1 || o->reconnect_max_ms < o->reconnect_min_ms) return UVLOG_EINVAL;
  return 0;
}

/* ---- accounting --------------------------------------------------------- */

static uint64_t now_ms(void) { return uv_hrtime() / 1000000; }

static void sl_flush_complete(syslog_sink_t *sl, unsigned n, int status) {
  if (n) uv_timer_stop(&sl->flush_timer);
  while (n--) uvlog_sink_flush_done(sl->sink, status);
}

static void sl_progress(syslog_sink_t *sl, size_t n, int delivered) {
  int status = 0;
  sl->fin += n;
  sl_flush_complete(sl, uvlog_flushw_progress(&sl->fw, sl->fin, delivered, &status), status);
  if (sl->closing && !sl->finished && sl->q.count == 0) sl_finish(sl);
}

/* Records are lost: counted, reported, and the flushes covering them fail. */
static void sl_drop(syslog_sink_t *sl, size_t n, int err) {
  uvlog_sink_count_dropped(sl->sink, n);
  uvlog_sink_report_error(sl->sink, err);
  uvlog_flushw_dropped(&sl->fw, err);
}

/* The daemon cannot be reached, for `err`: reported and remembered. */
static void sl_away(syslog_sink_t *sl, int err) {
  sl->root_err = err;
  uvlog_sink_report_error(sl->sink, err);
}

/* ---- socket ------------------------------------------------------------- */

static int sl_is_gone(int err) {
  return err == ECONNREFUSED || err == ENOTCONN || err == ECONNRESET || err == EPIPE ||
         err == ENOENT || err == EDESTADDRREQ;
}

/* One handle per connection: the fd is closed in the close callback, after
 * libuv stopped watching it. */
typedef struct sl_conn {
  uv_poll_t poll;
  syslog_sink_t *sl;
  int fd;
} sl_conn_t;

static void sl_conn_closed(uv_handle_t *h) {
  sl_conn_t *c = (sl_conn_t *)(void *)h;
  syslog_sink_t *sl = c->sl;
  close(c->fd);
  free(c);
  if (--sl->open_handles == 0 && sl->finished) {
    uvlog_dgq_free(&sl->q);
    free(sl);
  }
}

static void sl_disconnect(syslog_sink_t *sl) {
  if (sl->fd < 0) return;
  uv_close((uv_handle_t *)sl->poll, sl_conn_closed); /* closes the fd */
  sl->poll = NULL;
  sl->fd = -1;
  sl->polling = 0;
}

static void sl_poll_cb(uv_poll_t *p, int status, int events);

/* Opens and connects the socket. Returns 0 or -errno. */
static int sl_connect(syslog_sink_t *sl) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  /* A datagram must fit in the send buffer at once. */
  int want = (int)(sl->max_message * 2 + 4096);
  int have = 0;
  socklen_t len = sizeof have;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &len) == 0 && have < want)
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, sl->path, strlen(sl->path) + 1);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  sl_conn_t *c = malloc(sizeof *c);
  if (!c) { close(fd); return UVLOG_ENOMEM; }
  int rc = uv_poll_init(sl->loop, &c->poll, fd);
  if (rc != 0) { free(c); close(fd); return rc; }
  c->sl = sl;
  c->fd = fd;
  c->poll.data = sl;
  sl->fd = fd;
  sl->poll = &c->poll;
  sl->open_handles++;
  if (sl->connected_once) uvlog_sink_count_reconnect(sl->sink);
  sl->connected_once = 1;
  return 0;
}

static void sl_retry_cb(uv_timer_t *t) {
  syslog_sink_t *sl = t->data;
  if (sl->fd < 0) {
    int rc = sl_connect(sl);
    if (rc != 0) {
      sl_away(sl, rc);
      if (!sl->finished) uv_timer_start(&sl->timer, sl_retry_cb, uvlog_backoff_next(&sl->backoff), 0);
      return;
    }
    uvlog_backoff_reset(&sl->backoff);
  }
  sl_drain(sl);
}

/* The daemon went away: close, and reconnect later. */
static void sl_gone(syslog_sink_t *sl, int err) {
  sl_away(sl, err);
  sl_disconnect(sl);
  if (!sl->finished) uv_timer_start(&sl->timer, sl_retry_cb, uvlog_backoff_next(&sl->backoff), 0);
}

static void sl_want_writable(syslog_sink_t *sl) {
  if (sl->poll && !sl->polling) {
    uv_poll_start(sl->poll, UV_WRITABLE, sl_poll_cb);
    sl->polling = 1;
  }
}

static void sl_poll_cb(uv_poll_t *p, int status, int events) {
  syslog_sink_t *sl = p->data;
  (void)events;
  if (status < 0) { sl_gone(sl, status); return; }
  sl_drain(sl);
}

/* Sends one datagram. Returns 0 (sent), -EAGAIN / -ENOBUFS (try later), or
 * another -errno. */
static int sl_send(syslog_sink_t *sl, const char *p, size_t n) {
  for (;;) {
    ssize_t w = send(sl->fd, p, n, MSG_NOSIGNAL);
    if (w >= 0) return 0;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return -EAGAIN;
    return -errno;
  }
}

/* Sends buffered datagrams, oldest first, until the buffer is empty or the
 * socket would block. */
static void sl_drain(syslog_sink_t *sl) {
  size_t sent = 0, bad = 0;
  int bad_err = 0;
  const char *p;
  size_t n;
  while (sl->fd >= 0 && (p = uvlog_dgq_peek(&sl->q, &n)) != NULL) {
    int rc = sl_send(sl, p, n);
    if (rc == -EAGAIN) { sl_want_writable(sl); break; }
    if (rc == -ENOBUFS) {
      if (!uv_is_active((uv_handle_t *)&sl->timer))
        uv_timer_start(&sl->timer, sl_retry_cb, SYSLOG_ENOBUFS_RETRY_MS, 0);
      break;
    }
    if (rc != 0 && sl_is_gone(-rc)) { sl_gone(sl, rc); break; }
    if (rc != 0) { bad++; bad_err = rc; }
    else sent++;
    uvlog_dgq_pop(&sl->q);
  }
  if (sl->q.count == 0 && sl->polling) {
    uv_poll_stop(sl->poll);
    sl->polling = 0;
  }
  if (bad) sl_drop(sl, bad, bad_err);
  if (sent + bad) sl_progress(sl, sent + bad, sent > 0);
}

/* ---- vtable ------------------------------------------------------------- */

static int sl_open(uvlog_sink_t *sink, void *loop) {
  syslog_sink_t *sl = uvlog_sink_data(sink);
  sl->loop = loop;
  int rc = sl_connect(sl);
  if (rc != 0 && sl->fail_if_missing) { sl->loop = NULL; return rc; }
  uv_timer_init(sl->loop, &sl->timer);
  uv_timer_init(sl->loop, &sl->flush_timer);
  uv_timer_init(sl->loop, &sl->close_timer);
  sl->timer.data = sl->flush_timer.data = sl->close_timer.data = sl;
  sl->open_handles += 3;
  sl->opened = 1;
  uvlog_backoff_init(&sl->backoff, sl->backoff.min_ms, sl->backoff.max_ms,
                     uv_hrtime() ^ (uint64_t)(uintptr_t)sl);
  if (rc != 0) {
    /* Missing daemon at start: reported, and retried with backoff. */
    sl_away(sl, rc);
    uv_timer_start(&sl->timer, sl_retry_cb, uvlog_backoff_next(&sl->backoff), 0);
  }
  return 0;
}

static int sl_write(uvlog_sink_t *sink, const uvlog_entry_t *entries, size_t count) {
  syslog_sink_t *sl = uvlog_sink_data(sink);
  size_t over = 0, bad = 0, cut = 0;
  int bad_err = 0;
  for (size_t i = 0; i < count; i++) {
    const char *p = entries[i].text;
    size_t n = entries[i].text_len;
    if (entries[i].file == uvlog__syslog_datagram) { /* made by the syslog(3) API: sent as is */
      p = entries[i].msg;
      n = entries[i].msg_len;
    } else if (n > 0 && p[n - 1] == '\n') n--;
    if (n > sl->max_message) { n = sl->max_message; cut++; }
    if (sl->fd >= 0 && sl->q.count == 0) {
      int rc = sl_send(sl, p, n);
      if (rc == 0) continue;
      if (rc == -EAGAIN) sl_want_writable(sl);
      else if (rc == -ENOBUFS) {
        if (!uv_is_active((uv_handle_t *)&sl->timer))
          uv_timer_start(&sl->timer, sl_retry_cb, SYSLOG_ENOBUFS_RETRY_MS, 0);
      } else if (sl_is_gone(-rc)) sl_gone(sl, rc);
      else { bad++; bad_err = rc; continue; }
    }
    int rc = uvlog_dgq_push(&sl->q, p, n);
    if (rc == 0) sl->enq++;
    else over++;
  }
  if (cut) uvlog_sink_report_error(sink, -EMSGSIZE);
  if (bad) sl_drop(sl, bad, bad_err);
  if (over) sl_drop(sl, over, -ENOBUFS);
  return 0;
}

static void sl_flush_timeout_cb(uv_timer_t *t) {
  syslog_sink_t *sl = t->data;
  sl_flush_complete(sl, uvlog_flushw_timeout(&sl->fw), UVLOG_ETIMEDOUT);
}

/* The daemon is away: fail at once with the reason, do not wait. */
static int sl_flush(uvlog_sink_t *sink) {
  syslog_sink_t *sl = uvlog_sink_data(sink);
  int away = sl->fd < 0 ? (sl->root_err ? sl->root_err : -ENOTCONN) : 0;
  int start = 0;
  int rc = uvlog_flushw_begin(&sl->fw, sl->fin, sl->enq, away, sl->flush_timeout_ms, now_ms(),
                              &start);
  if (start) uv_timer_start(&sl->flush_timer, sl_flush_timeout_cb, sl->flush_timeout_ms, 0);
  return rc;
}

static int sl_reopen(uvlog_sink_t *sink) {
  syslog_sink_t *sl = uvlog_sink_data(sink);
  /* The daemon may have a new socket at the same path: reconnect now. */
  sl_disconnect(sl);
  uvlog_backoff_reset(&sl->backoff);
  uv_timer_stop(&sl->timer);
  sl_retry_cb(&sl->timer);
  return 0;
}

static void sl_handle_closed(uv_handle_t *h) {
  syslog_sink_t *sl = h->data;
  if (--sl->open_handles == 0 && sl->finished) {
    uvlog_dgq_free(&sl->q);
    free(sl);
  }
}

static void sl_finish(syslog_sink_t *sl) {
  sl->finished = 1;
  size_t left = uvlog_dgq_clear(&sl->q);
  if (left) {
    sl_drop(sl, left, UVLOG_ETIMEDOUT);
    sl->fin += left;
  }
  sl_flush_complete(sl, uvlog_flushw_take(&sl->fw), left ? UVLOG_ETIMEDOUT : 0);
  sl_disconnect(sl);
  uv_close((uv_handle_t *)&sl->timer, sl_handle_closed);
  uv_close((uv_handle_t *)&sl->flush_timer, sl_handle_closed);
  uv_close((uv_handle_t *)&sl->close_timer, sl_handle_closed);
}

static void sl_close_timeout_cb(uv_timer_t *t) {
  syslog_sink_t *sl = t->data;
  if (!sl->finished) sl_finish(sl);
}

static void sl_close(uvlog_sink_t *sink) {
  syslog_sink_t *sl = uvlog_sink_data(sink);
  if (!sl) return;
  if (!sl->opened) { /* never opened, or open failed: nothing on a loop */
    uvlog_dgq_free(&sl->q);
    free(sl);
    return;
  }
  if (sl->closing) return;
  sl->closing = 1;
  unsigned ms = uvlog_flushw_close_ms(&sl->fw, sl->close_timeout_ms, now_ms());
  if (sl->q.count == 0 || ms == 0) { sl_finish(sl); return; }
  uv_timer_start(&sl->close_timer, sl_close_timeout_cb, ms, 0);
}

static const uvlog_sink_vtable_t syslog_vtable = {
  .name = "syslog",
  .open = sl_open,
  .write = sl_write,
  .flush = sl_flush,
  .reopen = sl_reopen,
  .close = sl_close,
};

int uvlog_sink_syslog_create(uvlog_sink_t **out, const uvlog_syslog_options_t *opts) {
  if (!out) return UVLOG_EINVAL;
  *out = NULL;
  uvlog_syslog_options_t defaults;
  if (!opts) {
    uvlog_syslog_options_init(&defaults);
    opts = &defaults;
  }
  int rc = sl_validate(opts);
  if (rc != 0) return rc;
  syslog_sink_t *sl = calloc(1, sizeof *sl);
  if (!sl) return UVLOG_ENOMEM;
  memcpy(sl->path, opts->path, strlen(opts->path) + 1);
  sl->max_message = opts->max_message;
  sl->flush_timeout_ms = opts->flush_timeout_ms;
  sl->close_timeout_ms = opts->close_timeout_ms;
  sl->fail_if_missing = opts->fail_if_missing;
  sl->fd = -1;
  uvlog_dgq_init(&sl->q, opts->buffer_size);
  uvlog_backoff_init(&sl->backoff, opts->reconnect_min_ms, opts->reconnect_max_ms, 1);

  uvlog_sink_t *sink;
  rc = uvlog_sink_create(&sink, &syslog_vtable, sl);
  if (rc != 0) { uvlog_dgq_free(&sl->q); free(sl); return rc; }
  sl->sink = sink;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_RFC3164;
  rc = uvlog_sink_set_format(sink, &fo);
  if (rc != 0) { uvlog_sink_destroy(sink); return rc; }
  *out = sink;
  return 0;
}
