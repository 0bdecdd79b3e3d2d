/*
 * tcp.c -- the TCP sink: records framed (RFC 6587 octet counting or
 * newline-delimited JSON) and streamed to host:port from the listener's loop.
 *
 * Written only against the public sink API (uvlog.h). Every callback runs on
 * the listener thread, so the state below needs no locks or atomics.
 *
 * STATES
 *   IDLE        not opened yet (or closed)
 *   RESOLVING   a name being resolved on its own thread (resolve.h)
 *   CONNECTING  uv_tcp_connect to addrs[i] in progress (timer = deadline)
 *   CONNECTED   writing; at most one uv_write in flight
 *   WAITING     backoff timer running before the next resolve
 * Any failure (resolve, connect, write, EOF or error on read) reports the
 * error, closes the connection and goes to WAITING with the next backoff
 * delay; a successful connect resets the backoff.
 *
 * BACKLOG (netq.h, uvlog_streamq_t)
 * vt->write frames each record into the pending buffer, or drops it (counted)
 * when the backlog bound would be exceeded. When connected and no write is in
 * flight, all pending records become one uv_write. A completed write
 * delivers its records; a failed one puts them back in front of the pending
 * ones (they may be sent twice: see uvlog.h).
 *
 * ACCOUNTING
 *   enq   records that entered the backlog (ever)
 *   fin   records that left it: delivered or dropped (ever)
 * A flush waits until fin reaches the enq seen at the call. Every record given
 * to vt->write is delivered, dropped-and-counted, or still in the backlog.
 *
 * CLOSE
 * vt->close keeps the connection (and reconnect attempts) going until the
 * backlog is empty or close_timeout_ms passed, then drops and counts what is
 * left, closes every handle and frees the state in the last close callback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#include "netq.h"
#include "resolve.h"
#include "uvlog.h"

enum { ST_IDLE, ST_RESOLVING, ST_CONNECTING, ST_CONNECTED, ST_WAITING };

typedef struct tcp_sink {
  uvlog_sink_t *sink;
  uv_loop_t *loop;
  char *host;
  char port[8];
  int framing;
  unsigned connect_timeout_ms, flush_timeout_ms, close_timeout_ms;

  int state;
  uvlog_streamq_t q;
  uvlog_backoff_t backoff;
  uint64_t enq, fin;

  uv_timer_t timer;        /* backoff wait, or connect deadline */
  uv_timer_t flush_timer;  /* flush deadline */
  uv_timer_t close_timer;  /* delivery deadline at close */
  uvlog_resolver_t *gai;   /* a name being resolved (resolve.h), or NULL */
  struct addrinfo *addrs;  /* resolved list */
  struct addrinfo *next;   /* next address to try */
  int addr_err;            /* why the last address failed */
  uv_tcp_t *tcp;           /* current connection handle (in a tcp_conn_t), or NULL */
  uv_write_t wreq;
  int writing;             /* wreq in flight */
  char rbuf[256];          /* incoming bytes are read and ignored */

  uvlog_flushw_t fw;       /* pending flushes, stall state (netq.h) */
  int root_err;            /* why the last attempt or connection failed */
  int connected_once;      /* a connection was made: the next ones are reconnects */

  int opened;              /* open() ran: the timers are initialized */
  int closing;             /* vt->close ran */
  int finished;            /* handles are being closed */
  int open_handles;        /* handles not yet closed */
} tcp_sink_t;

/* One connection attempt: the handle and its connect request live and die
 * together (a cancelled request still calls back before the close callback). */
typedef struct tcp_conn {
  uv_tcp_t tcp;
  uv_connect_t creq;
} tcp_conn_t;

static void tcp_start_resolve(tcp_sink_t *ts);
static void tcp_try_next(tcp_sink_t *ts);
static void tcp_kick(tcp_sink_t *ts);
static void tcp_finish(tcp_sink_t *ts);

/* ---- options ------------------------------------------------------------ */

void uvlog_tcp_options_init(uvlog_tcp_options_t *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->framing = UVLOG_TCP_OCTET_COUNTING;
  o->backlog_bytes = (size_t)8 << 20;
  o->reconnect_min_ms = 100;
  o->reconnect_max_ms = 10000;
  o->connect_timeout_ms = 5000;
  o->flush_timeout_ms = 2000;
  o->close_timeout_ms = 2000;
}

static int tcp_validate(const uvlog_tcp_options_t *o) {
  if (!o->host || !*o->host || strlen(o->host) > 1024) return UVLOG_EINVAL;
  if (uvlog_parse_port(o->port) < 0) return UVLOG_EINVAL;
  if (o->framing != UVLOG_TCP_OCTET_COUNTING && o->framing != UVLOG_TCP_NDJSON) return UVLOG_EINVAL;
  if (o->backlog_bytes < 4096 || o->backlog_bytes > ((size_t)1 << 30)) return UVLOG_EINVAL;
  if (o->reconnect_min_ms < 1 || o->reconnect_max_ms < o->reconnect_min_ms) return UVLOG_EINVAL;
  if (o->connect_timeout_ms < 1) return UVLOG_EINVAL;
  return 0;
}

/* ---- accounting --------------------------------------------------------- */

static uint64_t now_ms(void) { return uv_hrtime() / 1000000; }

static void tcp_flush_complete(tcp_sink_t *ts, unsigned n, int status) {
  if (n && ts->opened) uv_timer_stop(&ts->flush_timer);
  while (n--) uvlog_sink_flush_done(ts->sink, status);
}

/* Records left the backlog (delivered or dropped): flushes may be done. */
static void tcp_progress(tcp_sink_t *ts, size_t n, int delivered) {
  int status = 0;
  ts->fin += n;
  tcp_flush_complete(ts, uvlog_flushw_progress(&ts->fw, ts->fin, delivered, &status), status);
  if (ts->closing && !ts->finished && uvlog_streamq_records(&ts->q) == 0) tcp_finish(ts);
}

/* Records are lost: counted, reported, and the flushes covering them fail. */
static void tcp_lost(tcp_sink_t *ts, size_t n, int err) {
  uvlog_sink_count_dropped(ts->sink, n);
  uvlog_sink_report_error(ts->sink, err);
  uvlog_flushw_dropped(&ts->fw, err);
}

static void tcp_drop(tcp_sink_t *ts, size_t n, int err) {
  if (n == 0) return;
  tcp_lost(ts, n, err);
  tcp_progress(ts, n, 0);
}

/* ---- handles ------------------------------------------------------------ */

static void tcp_free(tcp_sink_t *ts) {
  uvlog_streamq_free(&ts->q);
  if (ts->addrs) freeaddrinfo(ts->addrs);
  free(ts->host);
  free(ts);
}

static void tcp_handle_closed(uv_handle_t *h) {
  tcp_sink_t *ts = h->data;
  if (--ts->open_handles == 0 && ts->finished) tcp_free(ts);
}

static void tcp_conn_closed(uv_handle_t *h) {
  tcp_sink_t *ts = h->data;
  free((tcp_conn_t *)(void *)h); /* tcp is the first member */
  if (--ts->open_handles == 0 && ts->finished) tcp_free(ts);
}

/* Closes the current connection handle (a write in flight completes with
 * UV_ECANCELED and is put back in the backlog by tcp_write_cb). */
static void tcp_drop_conn(tcp_sink_t *ts) {
  if (!ts->tcp) return;
  uv_close((uv_handle_t *)ts->tcp, tcp_conn_closed);
  ts->tcp = NULL;
}

static void tcp_retry_cb(uv_timer_t *t) {
  tcp_sink_t *ts = t->data;
  if (ts->state == ST_WAITING) tcp_start_resolve(ts);
}

static void tcp_wait(tcp_sink_t *ts) {
  if (ts->finished) { ts->state = ST_IDLE; return; }
  ts->state = ST_WAITING;
  uv_timer_start(&ts->timer, tcp_retry_cb, uvlog_backoff_next(&ts->backoff), 0);
}

/* Anything went wrong with the connection or the attempt: report, close,
 * back off. */
static void tcp_fail(tcp_sink_t *ts, int err) {
  ts->root_err = err;
  uvlog_sink_report_error(ts->sink, err);
  uv_timer_stop(&ts->timer);
  tcp_drop_conn(ts);
  tcp_wait(ts);
}

/* ---- resolve and connect ------------------------------------------------ */

static void tcp_resolved(void *arg, int status, struct addrinfo *res) {
  tcp_sink_t *ts = arg;
  ts->gai = NULL;
  if (status != 0) {
    tcp_fail(ts, status);
    return;
  }
  if (ts->addrs) freeaddrinfo(ts->addrs);
  ts->addrs = ts->next = res;
  ts->addr_err = 0;
  tcp_try_next(ts);
}

/* A numeric host is converted at once; a name is resolved on its own
 * thread (resolve.h), never on libuv's shared pool. */
static void tcp_start_resolve(tcp_sink_t *ts) {
  struct addrinfo *res = NULL;
  ts->state = ST_RESOLVING;
  int rc = uvlog_resolve_start(ts->loop, ts->host, ts->port, tcp_resolved, ts, &ts->gai, &res);
  if (rc != 0) tcp_fail(ts, rc);
  else if (!ts->gai) tcp_resolved(ts, 0, res);
}

static void tcp_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  tcp_sink_t *ts = h->data;
  (void)suggested;
  *buf = uv_buf_init(ts->rbuf, sizeof ts->rbuf);
}

static void tcp_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  tcp_sink_t *ts = s->data;
  (void)buf;
  if (nread < 0 && (uv_tcp_t *)s == ts->tcp) tcp_fail(ts, (int)nread); /* EOF or error */
}

static void tcp_connect_cb(uv_connect_t *req, int status) {
  tcp_sink_t *ts = req->data;
  if (status == UV_ECANCELED || (uv_tcp_t *)req->handle != ts->tcp) return;
  if (status != 0) {
    ts->addr_err = status;
    tcp_drop_conn(ts);
    tcp_try_next(ts);
    return;
  }
  uv_timer_stop(&ts->timer);
  ts->state = ST_CONNECTED;
  if (ts->connected_once) uvlog_sink_count_reconnect(ts->sink);
  ts->connected_once = 1;
  uvlog_backoff_reset(&ts->backoff);
  uv_tcp_nodelay(ts->tcp, 1);
  int rc = uv_read_start((uv_stream_t *)ts->tcp, tcp_alloc_cb, tcp_read_cb);
  if (rc != 0) { tcp_fail(ts, rc); return; }
  tcp_kick(ts);
}

static void tcp_connect_timeout_cb(uv_timer_t *t) {
  tcp_sink_t *ts = t->data;
  if (ts->state != ST_CONNECTING) return;
  ts->addr_err = UV_ETIMEDOUT;
  tcp_drop_conn(ts);
  tcp_try_next(ts);
}

/* Connects to the next resolved address, or backs off when none is left. */
static void tcp_try_next(tcp_sink_t *ts) {
  uv_timer_stop(&ts->timer);
  while (ts->next) {
    struct addrinfo *ai = ts->next;
    ts->next = ai->ai_next;
    tcp_conn_t *c = malloc(sizeof *c);
    if (!c) { tcp_fail(ts, UVLOG_ENOMEM); return; }
    int rc = uv_tcp_init(ts->loop, &c->tcp);
    if (rc != 0) { free(c); tcp_fail(ts, rc); return; }
    c->tcp.data = ts;
    c->creq.data = ts;
    ts->open_handles++;
    ts->tcp = &c->tcp;
    rc = uv_tcp_connect(&c->creq, &c->tcp, ai->ai_addr, tcp_connect_cb);
    if (rc == 0) {
      ts->state = ST_CONNECTING;
      uv_timer_start(&ts->timer, tcp_connect_timeout_cb, ts->connect_timeout_ms, 0);
      return;
    }
    ts->addr_err = rc;
    tcp_drop_conn(ts);
  }
  /* Every address failed: one error for the attempt (the last address's).
   * An attempt that succeeds on a later address reports nothing. */
  tcp_fail(ts, ts->addr_err ? ts->addr_err : UV_ECONNREFUSED);
}

/* ---- writing ------------------------------------------------------------ */

/* 0 if the peer has not closed the connection, else an error. A write to a
 * half-closed socket would succeed and its bytes be lost, so look first. */
static int tcp_peer_alive(tcp_sink_t *ts) {
  uv_os_fd_t fd;
  if (uv_fileno((uv_handle_t *)ts->tcp, &fd) != 0) return UV_EBADF;
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return UV_EOF;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -errno;
  return 0;
}

static void tcp_write_cb(uv_write_t *req, int status) {
  tcp_sink_t *ts = req->data;
  ts->writing = 0;
  if (status == 0) {
    tcp_progress(ts, uvlog_streamq_done(&ts->q), 1);
    tcp_kick(ts);
    return;
  }
  size_t lost = uvlog_streamq_requeue(&ts->q);
  if (ts->finished) { /* the handle was closed to finish: nothing will resend */
    tcp_drop(ts, lost + uvlog_streamq_clear(&ts->q), UVLOG_ETIMEDOUT);
    return;
  }
  if (lost) tcp_drop(ts, lost, UVLOG_ENOMEM);
  if (status != UV_ECANCELED && ts->state == ST_CONNECTED) tcp_fail(ts, status);
  else tcp_kick(ts); /* a new connection may already be up */
}

/* Starts a write of everything pending if connected and idle. */
static void tcp_kick(tcp_sink_t *ts) {
  if (ts->state != ST_CONNECTED || ts->writing || ts->q.pending_recs == 0) return;
  int rc = tcp_peer_alive(ts);
  if (rc != 0) { tcp_fail(ts, rc); return; }
  size_t n = uvlog_streamq_start(&ts->q);
  uv_buf_t b = uv_buf_init(ts->q.inflight.data, (unsigned)n);
  ts->wreq.data = ts;
  rc = uv_write(&ts->wreq, (uv_stream_t *)ts->tcp, &b, 1, tcp_write_cb);
  if (rc != 0) {
    size_t lost = uvlog_streamq_requeue(&ts->q);
    if (lost) tcp_drop(ts, lost, UVLOG_ENOMEM);
    tcp_fail(ts, rc);
    return;
  }
  ts->writing = 1;
}

/* ---- vtable ------------------------------------------------------------- */

static int tcp_open(uvlog_sink_t *sink, void *loop) {
  tcp_sink_t *ts = uvlog_sink_data(sink);
  ts->loop = loop;
  uv_timer_init(ts->loop, &ts->timer);
  uv_timer_init(ts->loop, &ts->flush_timer);
  uv_timer_init(ts->loop, &ts->close_timer);
  ts->timer.data = ts->flush_timer.data = ts->close_timer.data = ts;
  ts->open_handles = 3;
  ts->opened = 1;
  uvlog_backoff_init(&ts->backoff, ts->backoff.min_ms, ts->backoff.max_ms,
                     uv_hrtime() ^ (uint64_t)(uintptr_t)ts);
  tcp_start_resolve(ts);
  return 0;
}

static int tcp_write(uvlog_sink_t *sink, const uvlog_entry_t *entries, size_t count) {
  tcp_sink_t *ts = uvlog_sink_data(sink);
  size_t over = 0, oom = 0;
  for (size_t i = 0; i < count; i++) {
    int rc = uvlog_streamq_push(&ts->q, ts->framing, entries[i].text, entries[i].text_len);
    if (rc == 0) ts->enq++;
    else if (rc == -ENOBUFS) over++;
    else oom++;
  }
  if (over) tcp_lost(ts, over, -ENOBUFS);
  if (oom) tcp_lost(ts, oom, UVLOG_ENOMEM);
  tcp_kick(ts);
  return 0;
}

static void tcp_flush_timeout_cb(uv_timer_t *t) {
  tcp_sink_t *ts = t->data;
  tcp_flush_complete(ts, uvlog_flushw_timeout(&ts->fw), UVLOG_ETIMEDOUT);
}

/* Backing off after a failure, nothing can be written before the next
 * attempt: the flush fails at once with the failure's error. (While
 * resolving or connecting, it waits up to flush_timeout_ms.) */
static int tcp_flush(uvlog_sink_t *sink) {
  tcp_sink_t *ts = uvlog_sink_data(sink);
  int away = ts->state == ST_WAITING ? (ts->root_err ? ts->root_err : -ENOTCONN) : 0;
  int start = 0;
  int rc = uvlog_flushw_begin(&ts->fw, ts->fin, ts->enq, away, ts->flush_timeout_ms, now_ms(),
                              &start);
  if (start) uv_timer_start(&ts->flush_timer, tcp_flush_timeout_cb, ts->flush_timeout_ms, 0);
  return rc;
}

static int tcp_reopen(uvlog_sink_t *sink) {
  tcp_sink_t *ts = uvlog_sink_data(sink);
  /* Reconnect now: drop the connection, keep the backlog. */
  if (ts->state == ST_CONNECTED || ts->state == ST_WAITING) {
    uv_timer_stop(&ts->timer);
    tcp_drop_conn(ts);
    uvlog_backoff_reset(&ts->backoff);
    tcp_start_resolve(ts);
  }
  return 0;
}

/* Deadline passed or backlog empty: drop what is left, close every handle. */
static void tcp_finish(tcp_sink_t *ts) {
  ts->finished = 1;
  ts->state = ST_IDLE;
  uvlog_resolve_cancel(ts->gai);
  ts->gai = NULL;
  /* Records in flight are dropped by tcp_write_cb (UV_ECANCELED); the rest now. */
  size_t left = ts->q.pending_recs;
  ts->q.pending_recs = 0;
  uvlog_buf_reset(&ts->q.pending);
  if (left) {
    tcp_lost(ts, left, UVLOG_ETIMEDOUT);
    ts->fin += left;
  }
  tcp_flush_complete(ts, uvlog_flushw_take(&ts->fw), left ? UVLOG_ETIMEDOUT : 0);
  tcp_drop_conn(ts);
  uv_close((uv_handle_t *)&ts->timer, tcp_handle_closed);
  uv_close((uv_handle_t *)&ts->flush_timer, tcp_handle_closed);
  uv_close((uv_handle_t *)&ts->close_timer, tcp_handle_closed);
}

static void tcp_close_timeout_cb(uv_timer_t *t) {
  tcp_sink_t *ts = t->data;
  if (!ts->finished) tcp_finish(ts);
}

static void tcp_close(uvlog_sink_t *sink) {
  tcp_sink_t *ts = uvlog_sink_data(sink);
  if (!ts) return;
  if (!ts->opened) { tcp_free(ts); return; }
  if (ts->closing) return;
  ts->closing = 1;
  unsigned ms = uvlog_flushw_close_ms(&ts->fw, ts->close_timeout_ms, now_ms());
  if (uvlog_streamq_records(&ts->q) == 0 || ms == 0) {
    tcp_finish(ts);
    return;
  }
  uv_timer_start(&ts->close_timer, tcp_close_timeout_cb, ms, 0);
}

static const uvlog_sink_vtable_t tcp_vtable = {
  .name = "tcp",
  .open = tcp_open,
  .write = tcp_write,
  .flush = tcp_flush,
  .reopen = tcp_reopen,
  .close = tcp_close,
};

int uvlog_sink_tcp_create(uvlog_sink_t **out, const uvlog_tcp_options_t *opts) {
  if (!out || !opts) return UVLOG_EINVAL;
  *out = NULL;
  int rc = tcp_validate(opts);
  if (rc != 0) return rc;
  tcp_sink_t *ts = calloc(1, sizeof *ts);
  if (!ts) return UVLOG_ENOMEM;
  ts->host = strdup(opts->host);
  if (!ts->host) { free(ts); return UVLOG_ENOMEM; }
  snprintf(ts->port, sizeof ts->port, "%d", uvlog_parse_port(opts->port));
  ts->framing = opts->framing;
  ts->connect_timeout_ms = opts->connect_timeout_ms;
  ts->flush_timeout_ms = opts->flush_timeout_ms;
  ts->close_timeout_ms = opts->close_timeout_ms;
  uvlog_streamq_init(&ts->q, opts->backlog_bytes);
  uvlog_backoff_init(&ts->backoff, opts->reconnect_min_ms, opts->reconnect_max_ms, 1);

  uvlog_sink_t *sink;
  rc = uvlog_sink_create(&sink, &tcp_vtable, ts);
  if (rc != 0) { tcp_free(ts); return rc; }
  ts->sink = sink;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = opts->framing == UVLOG_TCP_NDJSON ? UVLOG_FORMAT_JSON : UVLOG_FORMAT_RFC5424;
  rc = uvlog_sink_set_format(sink, &fo);
  if (rc != 0) { uvlog_sink_destroy(sink); return rc; }
  *out = sink;
  return 0;
}
