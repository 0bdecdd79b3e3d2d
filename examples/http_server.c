/*
 * http_server.c -- a small libuv HTTP/1.1 server that logs every request
 * with uvlog, watches its own loop with the loop monitor, and serves uvlog's
 * metrics. Parsing is Debian's http-parser (libhttp-parser-dev).
 *
 *   http_server [--port N] [--host ADDR] [--log-file PATH | --no-log |
 *               --fprintf PATH | --syslog] [--no-monitor] [--lag-warn-ms N]
 *               [--stall-ms N]
 *
 * Routes:
 *   GET /                 "hello"
 *   GET /metrics          uvlog_metrics_write(): the logger and the loop monitor
 *   GET /block?ms=N       blocks the loop N ms (at most 10000) on purpose: the
 *                         lag WARNING and the stall watchdog show up in the log
 *   GET /level?name=NAME  sets the logger's level (debug, info, warning...)
 * Keep-alive and pipelining as HTTP/1.1 has them. One access record per
 * request, a structured record (docs/structured-logging.md): a context per
 * request (request_id, peer, and the trace of a `traceparent` header) and
 * the access record's own fields; a text sink's pattern ends in "%m %k":
 *   access request_id=7 peer=127.0.0.1:40312 method=GET path=/ status=200 bytes=6 duration_us=12
 * (--fprintf and --syslog write the same key=value text themselves).
 * Logging: uvlog to stderr (default) or to --log-file PATH (a file sink);
 * --fprintf PATH writes the same line with fprintf() to a stdio FILE (for the
 * benchmark); --syslog with syslog(3); --no-log not at all (the loop monitor
 * then logs to uvlog's last resort, stderr).
 * It prints "listening on HOST:PORT" on stdout once listening (--port 0 picks
 * a free port). SIGINT/SIGTERM: stop the monitor, close every handle, run the
 * loop out, uv_loop_close(), then close the logger (drains and flushes).
 */
#include <errno.h>
#include <http_parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <uv.h>

#include "uvlog.h"

enum { MODE_UVLOG, MODE_NONE, MODE_FPRINTF, MODE_SYSLOG };

static struct {
  uv_loop_t loop;
  uv_tcp_t server;
  uv_signal_t sigint, sigterm;
  uvlog_t *log;
  uvlog_loop_monitor_t *mon;
  int mode;
  FILE *fp;
  uint64_t rid;
  uint64_t requests;
  int stopping;
  struct conn *conns;  /* open connections, to close them at shutdown */
} srv;

typedef struct conn {
  uv_tcp_t tcp;
  http_parser parser;
  struct conn *prev, *next;
  char peer[64];
  char url[2048];
  size_t url_len;
  int url_too_long;
  uint64_t t0;
  int closing;
  uvlog_ctx_t *ctx;      /* the current request's context (uvlog mode), or NULL */
  char hdr[16];          /* the header name being parsed (only its start) */
  size_t hdr_len;
  int in_value;          /* its value is being parsed */
  char traceparent[64];  /* the request's traceparent header, if any */
  size_t tp_len;
} conn_t;

typedef struct {
  uv_write_t req;
  conn_t *c;
  int close_after;
  size_t len;
  char data[];
} wreq_t;

static http_parser_settings settings;

/* ---- logging --------------------------------------------------------------- */

/* The request's context: its id, the peer, and the trace of its
 * traceparent header when that is valid. Every record about the request
 * carries it (by pointer: the fields are not copied per record). */
static void request_ctx(conn_t *c, uint64_t rid) {
  uvlog_trace_t tr;
  int traced = c->tp_len && uvlog_traceparent_parse(c->traceparent, c->tp_len, &tr) == 0;
  if (uvlog_ctx_create(&c->ctx, NULL, traced ? &tr : NULL,
                       UVLOG_FIELDS(UVLOG_F("request_id", rid), UVLOG_F("peer", c->peer))) != 0)
    c->ctx = NULL; /* out of memory: the records go without it */
}

static void access_log(conn_t *c, const char *method, const char *path, int status,
                       size_t bytes, uint64_t dur_us, uint64_t rid) {
  switch (srv.mode) {
  case MODE_UVLOG:
    UVLOG_INFO_KV_TO(srv.log, c->ctx, "access", UVLOG_F("method", method), UVLOG_F("path", path),
                     UVLOG_F("status", status), UVLOG_F("bytes", bytes),
                     UVLOG_F("duration_us", dur_us));
    break;
  case MODE_FPRINTF:
    fprintf(srv.fp, "access request_id=%llu peer=%s method=%s path=%s status=%d bytes=%zu duration_us=%llu\n",
            (unsigned long long)rid, c->peer, method, path, status, bytes, (unsigned long long)dur_us);
    break;
  case MODE_SYSLOG:
    syslog(LOG_INFO, "access request_id=%llu peer=%s method=%s path=%s status=%d bytes=%zu duration_us=%llu",
           (unsigned long long)rid, c->peer, method, path, status, bytes, (unsigned long long)dur_us);
    break;
  default:
    break;
  }
}

/* ---- connections ----------------------------------------------------------- */

static void on_conn_closed(uv_handle_t *h) {
  conn_t *c = h->data;
  if (c->prev) c->prev->next = c->next;
  else srv.conns = c->next;
  if (c->next) c->next->prev = c->prev;
  uvlog_ctx_release(&c->ctx);
  free(c);
}

static void conn_close(conn_t *c) {
  if (c->closing) return;
  c->closing = 1;
  uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

static void on_written(uv_write_t *req, int status) {
  wreq_t *w = (wreq_t *)req;
  if (status < 0 || w->close_after) conn_close(w->c);
  free(w);
}

static const char *reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  default: return "Error";
  }
}

static void respond(conn_t *c, int status, const char *ctype, const char *body, size_t blen,
                    int keep_alive) {
  char head[256];
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", status,
                    reason(status), ctype, blen, keep_alive ? "" : "Connection: close\r\n");
  wreq_t *w = malloc(sizeof *w + (size_t)hl + blen);
  if (!w) {
    conn_close(c);
    return;
  }
  w->c = c;
  w->close_after = !keep_alive;
  w->len = (size_t)hl + blen;
  memcpy(w->data, head, (size_t)hl);
  memcpy(w->data + hl, body, blen);
  uv_buf_t b = uv_buf_init(w->data, (unsigned)w->len);
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) < 0) {
    free(w);
    conn_close(c);
  }
}

/* The value of `key` in a query string, copied to out (no %-decoding). */
static int query_get(const char *q, size_t qlen, const char *key, char *out, size_t cap) {
  size_t kl = strlen(key);
  const char *p = q, *end = q + qlen;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    if (!amp) amp = end;
    if ((size_t)(amp - p) > kl && !memcmp(p, key, kl) && p[kl] == '=') {
      size_t vl = (size_t)(amp - p) - kl - 1;
      if (vl >= cap) return 0;
      memcpy(out, p + kl + 1, vl);
      out[vl] = '\0';
      return 1;
    }
    p = amp + 1;
  }
  return 0;
}

static int on_message_begin(http_parser *p) {
  conn_t *c = p->data;
  c->url_len = 0;
  c->url_too_long = 0;
  c->hdr_len = 0;
  c->in_value = 0;
  c->tp_len = 0;
  c->t0 = uv_hrtime();
  return 0;
}

/* Header names and values may come in pieces: the name's start is kept
 * (enough to recognise "traceparent"), the value appended while it fits. */
static int is_traceparent(const conn_t *c) {
  return c->hdr_len == 11 && !strncasecmp(c->hdr, "traceparent", 11);
}

static int on_header_field(http_parser *p, const char *at, size_t len) {
  conn_t *c = p->data;
  if (c->in_value) { /* a new header's name */
    c->in_value = 0;
    c->hdr_len = 0;
  }
  for (size_t i = 0; i < len && c->hdr_len < sizeof c->hdr; i++) c->hdr[c->hdr_len++] = at[i];
  return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len) {
  conn_t *c = p->data;
  c->in_value = 1;
  if (is_traceparent(c) && c->tp_len + len <= sizeof c->traceparent) {
    memcpy(c->traceparent + c->tp_len, at, len);
    c->tp_len += len;
  }
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t len) {
  conn_t *c = p->data;
  if (c->url_len + len >= sizeof c->url) {
    c->url_too_long = 1;
    return 0;
  }
  memcpy(c->url + c->url_len, at, len);
  c->url_len += len;
  return 0;
}

static int on_message_complete(http_parser *p) {
  conn_t *c = p->data;
  int keep = http_should_keep_alive(p) && !srv.stopping;
  const char *method = http_method_str((enum http_method)p->method);
  c->url[c->url_len] = '\0';
  char path[2048] = "?";
  const char *query = "";
  size_t qlen = 0;
  struct http_parser_url u;
  http_parser_url_init(&u);
  int status = 200;
  const char *ctype = "text/plain";
  char small[128];
  char *body = small;
  size_t blen = 0;
  char *heap = NULL;

  if (c->url_too_long || http_parser_parse_url(c->url, c->url_len, 0, &u) != 0 ||
      !(u.field_set & (1 << UF_PATH))) {
    status = 400;
    blen = (size_t)snprintf(small, sizeof small, "bad request target\n");
  } else {
    size_t pl = u.field_data[UF_PATH].len;
    memcpy(path, c->url + u.field_data[UF_PATH].off, pl);
    path[pl] = '\0';
    if (u.field_set & (1 << UF_QUERY)) {
      query = c->url + u.field_data[UF_QUERY].off;
      qlen = u.field_data[UF_QUERY].len;
    }
    if (p->method != HTTP_GET && p->method != HTTP_HEAD) {
      status = 405;
      blen = (size_t)snprintf(small, sizeof small, "GET only\n");
    } else if (!strcmp(path, "/")) {
      blen = (size_t)snprintf(small, sizeof small, "hello\n");
    } else if (!strcmp(path, "/metrics")) {
      size_t cap = 16384;
      for (;;) {
        heap = realloc(heap, cap);
        int n = heap ? uvlog_metrics_write(srv.log, srv.mon, heap, cap) : UVLOG_ENOMEM;
        if (n < 0) {
          status = 404;
          blen = (size_t)snprintf(small, sizeof small, "no metrics: %s\n", uvlog_strerror(n));
          break;
        }
        if ((size_t)n < cap) {
          body = heap;
          blen = (size_t)n;
          ctype = "text/plain; version=0.0.4";
          break;
        }
        cap = (size_t)n + 1;
      }
    } else if (!strcmp(path, "/block")) {
      char v[32];
      long ms = query_get(query, qlen, "ms", v, sizeof v) ? strtol(v, NULL, 10) : -1;
      if (ms < 0 || ms > 10000) {
        status = 400;
        blen = (size_t)snprintf(small, sizeof small, "ms=0..10000\n");
      } else {
        uint64_t end = uv_hrtime() + (uint64_t)ms * 1000000u;
        while (uv_hrtime() < end) {
        }  /* deliberately blocks the loop */
        blen = (size_t)snprintf(small, sizeof small, "blocked %ld ms\n", ms);
      }
    } else if (!strcmp(path, "/level")) {
      char v[32];
      uvlog_level_t lvl;
      if (!query_get(query, qlen, "name", v, sizeof v) || uvlog_level_parse(v, &lvl) != 0) {
        status = 400;
        blen = (size_t)snprintf(small, sizeof small, "name=trace|debug|info|notice|warning|error|critical|off\n");
      } else if (!srv.log) {
        status = 404;
        blen = (size_t)snprintf(small, sizeof small, "not logging with uvlog\n");
      } else {
        uvlog_logger_set_level(srv.log, lvl);
        blen = (size_t)snprintf(small, sizeof small, "level %s\n", uvlog_level_name(lvl));
      }
    } else {
      status = 404;
      blen = (size_t)snprintf(small, sizeof small, "not found\n");
    }
  }
  uint64_t rid = ++srv.rid;
  srv.requests++;
  /* Only with uvlog: a NULL logger would format on this thread (last resort). */
  if (srv.log) {
    request_ctx(c, rid);
    UVLOG_DEBUG_KV_TO(srv.log, c->ctx, "request", UVLOG_F_STRN("url", c->url, c->url_len),
                      UVLOG_F("keep_alive", (_Bool)keep));
  }
  respond(c, status, ctype, body, p->method == HTTP_HEAD ? 0 : blen, keep);
  access_log(c, method, path, status, blen, (uv_hrtime() - c->t0) / 1000, rid);
  uvlog_ctx_release(&c->ctx); /* records still queued keep it until delivered */
  free(heap);
  return 0;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)h;
  (void)suggested;
  static char slab[65536];  /* one loop thread: reads never overlap */
  *buf = uv_buf_init(slab, sizeof slab);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  conn_t *c = s->data;
  if (nread < 0) {
    conn_close(c);
    return;
  }
  if (nread == 0) return;
  size_t n = http_parser_execute(&c->parser, &settings, buf->base, (size_t)nread);
  if (c->parser.upgrade || n != (size_t)nread || HTTP_PARSER_ERRNO(&c->parser) != HPE_OK) {
    if (srv.log)
      UVLOG_DEBUG_TO(srv.log, "http parse error from %s: %s", c->peer,
                     http_errno_name(HTTP_PARSER_ERRNO(&c->parser)));
    conn_close(c);
  }
}

static void on_unaccepted_closed(uv_handle_t *h) { free(h->data); }

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0) return;
  conn_t *c = calloc(1, sizeof *c);
  if (!c) return;
  uv_tcp_init(&srv.loop, &c->tcp);
  c->tcp.data = c;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
    uv_close((uv_handle_t *)&c->tcp, on_unaccepted_closed);
    return;
  }
  c->next = srv.conns;
  if (srv.conns) srv.conns->prev = c;
  srv.conns = c;
  uv_tcp_nodelay(&c->tcp, 1);
  struct sockaddr_storage ss;
  int len = sizeof ss;
  char ip[48] = "?";
  int port = 0;
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    } else {
      uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
  }
  snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

/* ---- shutdown ---------------------------------------------------------------- */

static void on_signal(uv_signal_t *h, int signum) {
  (void)h;
  if (srv.stopping) return;
  srv.stopping = 1;
  if (srv.log)
    UVLOG_NOTICE_TO(srv.log, "http_server: signal %d: shutting down after %llu requests", signum,
                  (unsigned long long)srv.requests);
  /* Order: the monitor first (its watchdog must not see the loop's end as a
   * stall), then every handle; uv_run() then returns and the loop closes. */
  if (srv.mon) uvlog_loop_monitor_stop(srv.mon);
  srv.mon = NULL;
  uv_close((uv_handle_t *)&srv.server, NULL);
  for (conn_t *c = srv.conns; c; c = c->next) conn_close(c);
  uv_close((uv_handle_t *)&srv.sigint, NULL);
  uv_close((uv_handle_t *)&srv.sigterm, NULL);
}

static void usage(void) {
  fprintf(stderr,
          "usage: http_server [--port N] [--host ADDR] [--log-file PATH | --no-log |\n"
          "                   --fprintf PATH | --syslog] [--no-monitor] [--lag-warn-ms N]\n"
          "                   [--stall-ms N]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1", *log_file = NULL, *fprintf_file = NULL;
  int port = 8080, monitor = 1;
  srv.mode = MODE_UVLOG;
  uvlog_loop_monitor_options_t mo;
  uvlog_loop_monitor_options_init(&mo);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--port") && v) port = atoi(argv[++i]);
    else if (!strcmp(a, "--host") && v) host = argv[++i];
    else if (!strcmp(a, "--log-file") && v) log_file = argv[++i];
    else if (!strcmp(a, "--fprintf") && v) fprintf_file = argv[++i], srv.mode = MODE_FPRINTF;
    else if (!strcmp(a, "--no-log")) srv.mode = MODE_NONE;
    else if (!strcmp(a, "--syslog")) srv.mode = MODE_SYSLOG;
    else if (!strcmp(a, "--no-monitor")) monitor = 0;
    else if (!strcmp(a, "--lag-warn-ms") && v) mo.lag_warn_ms = (unsigned)atoi(argv[++i]);
    else if (!strcmp(a, "--stall-ms") && v) mo.stall_ms = (unsigned)atoi(argv[++i]);
    else usage();
  }
  signal(SIGPIPE, SIG_IGN);

  if (srv.mode == MODE_UVLOG) {
    /* DROP: a loop callback must never wait for the log (docs/loop-health.md). */
    uvlog_options_t o;
    uvlog_options_init(&o);
    o.ring_capacity = 4u << 20;
    o.overflow = UVLOG_OVERFLOW_DROP;
    uvlog_sink_t *sink;
    int rc = uvlog_logger_create(&srv.log, &o);
    if (rc == 0) rc = log_file ? uvlog_sink_file_create(&sink, log_file, NULL) : uvlog_sink_stderr_create(&sink);
    if (rc == 0) {
      /* %k: each record's fields as key=value after the message. A library
       * whose TEXT format has no %k token refuses the pattern: keep its
       * default then (the fields still reach structured sinks). */
      uvlog_format_options_t fo;
      uvlog_format_options_init(&fo);
      fo.pattern = "%t %L [%T] %f:%n %m %k";
      if (uvlog_sink_set_format(sink, &fo) != 0) {
        fo.pattern = NULL;
        rc = uvlog_sink_set_format(sink, &fo);
      }
    }
    if (rc == 0) rc = uvlog_sink_add(srv.log, sink);
    if (rc == 0) rc = uvlog_logger_start(srv.log);
    if (rc != 0) {
      fprintf(stderr, "http_server: logger: %s\n", uvlog_strerror(rc));
      return 1;
    }
  } else if (srv.mode == MODE_FPRINTF) {
    srv.fp = fopen(fprintf_file, "a");
    if (!srv.fp) {
      fprintf(stderr, "http_server: %s: %s\n", fprintf_file, strerror(errno));
      return 1;
    }
  } else if (srv.mode == MODE_SYSLOG) {
    openlog("http_server", LOG_PID | LOG_NDELAY, LOG_USER);
  }

  uv_loop_init(&srv.loop);
  /* Before the first uv_run(): libuv measures idle time only if asked. */
  uv_loop_configure(&srv.loop, UV_METRICS_IDLE_TIME);

  settings.on_message_begin = on_message_begin;
  settings.on_url = on_url;
  settings.on_header_field = on_header_field;
  settings.on_header_value = on_header_value;
  settings.on_message_complete = on_message_complete;

  struct sockaddr_storage addr;
  int rc = strchr(host, ':') ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr)
                             : uv_ip4_addr(host, port, (struct sockaddr_in *)&addr);
  if (rc == 0) rc = uv_tcp_init(&srv.loop, &srv.server);
  if (rc == 0) rc = uv_tcp_bind(&srv.server, (const struct sockaddr *)&addr, 0);
  if (rc == 0) rc = uv_listen((uv_stream_t *)&srv.server, 511, on_connection);
  if (rc != 0) {
    fprintf(stderr, "http_server: listen on %s:%d: %s\n", host, port, uv_strerror(rc));
    return 1;
  }
  struct sockaddr_storage bound;
  int blen = sizeof bound;
  uv_tcp_getsockname(&srv.server, (struct sockaddr *)&bound, &blen);
  int bport = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                : ((struct sockaddr_in *)&bound)->sin_port);

  uv_signal_init(&srv.loop, &srv.sigint);
  uv_signal_init(&srv.loop, &srv.sigterm);
  uv_signal_start(&srv.sigint, on_signal, SIGINT);
  uv_signal_start(&srv.sigterm, on_signal, SIGTERM);

  if (monitor) {
    rc = uvlog_loop_monitor_start(&srv.mon, &srv.loop, srv.log, &mo);
    if (rc != 0) {
      fprintf(stderr, "http_server: loop monitor: %s\n", uvlog_strerror(rc));
      return 1;
    }
  }
  if (srv.log) UVLOG_NOTICE_TO(srv.log, "http_server: listening on %s:%d", host, bport);
  printf("listening on %s:%d\n", host, bport);
  fflush(stdout);

  uv_run(&srv.loop, UV_RUN_DEFAULT);
  rc = uv_loop_close(&srv.loop);
  if (rc != 0) fprintf(stderr, "http_server: uv_loop_close: %s\n", uv_strerror(rc));

  /* The logger last: close drains every accepted record and flushes. */
  if (srv.log) {
    uvlog_stats_t st;
    uvlog_logger_close(srv.log);
    uvlog_logger_stats(srv.log, &st);
    fprintf(stderr, "http_server: %llu requests; uvlog: %llu records written, %llu dropped\n",
            (unsigned long long)srv.requests, (unsigned long long)st.sink_written,
            (unsigned long long)st.dropped);
    uvlog_logger_destroy(srv.log);
  } else {
    fprintf(stderr, "http_server: %llu requests\n", (unsigned long long)srv.requests);
  }
  if (srv.fp) fclose(srv.fp);
  if (srv.mode == MODE_SYSLOG) closelog();
  return rc == 0 ? 0 : 1;
}
