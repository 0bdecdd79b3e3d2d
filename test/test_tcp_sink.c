/*
 * test_tcp_sink.c -- the TCP sink: its framing, backlog accounting and
 * reconnect backoff on their own (src/sink/netq.c), then the sink end to end
 * against an in-test TCP receiver on 127.0.0.1.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"
#include "sink/netq.h"
#include "uvlog.h"
#include <uv.h>

/* ---- framing ------------------------------------------------------------ */

static void frame_str(int framing, const char *text, char *out, size_t cap) {
  uvlog_buf_t b = {0};
  uvlog_frame(framing, text, strlen(text), &b);
  cr_assert_eq(b.len, uvlog_frame_size(framing, text, strlen(text)), "frame size for '%s'", text);
  cr_assert_lt(b.len, cap);
  memcpy(out, b.data, b.len);
  out[b.len] = 0;
  uvlog_buf_free(&b);
}

Test(tcp_framing, octet_counting) {
  char out[256];
  frame_str(UVLOG_TCP_OCTET_COUNTING, "<14>1 - - - - - - hi", out, sizeof out);
  cr_assert_str_eq(out, "20 <14>1 - - - - - - hi");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "abc\n", out, sizeof out); /* trailing LF removed */
  cr_assert_str_eq(out, "3 abc");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "a\nb", out, sizeof out);  /* embedded LF kept */
  cr_assert_str_eq(out, "3 a\nb");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "", out, sizeof out);
  cr_assert_str_eq(out, "0 ");
}

Test(tcp_framing, octet_counting_counts_bytes_not_chars) {
  char out[256];
  frame_str(UVLOG_TCP_OCTET_COUNTING, "h\xc3\xa9llo", out, sizeof out); /* "héllo": 6 bytes */
  cr_assert_str_eq(out, "6 h\xc3\xa9llo");
  /* 9 -> 10 bytes changes the width of the count. */
  frame_str(UVLOG_TCP_OCTET_COUNTING, "123456789", out, sizeof out);
  cr_assert_str_eq(out, "9 123456789");
  frame_str(UVLOG_TCP_OCTET_COUNTING, "1234567890", out, sizeof out);
  cr_assert_str_eq(out, "10 1234567890");
}

Test(tcp_framing, octet_counting_64k) {
  size_t n = 65536;
  char *msg = malloc(n + 1);
  cr_assert_not_null(msg);
  memset(msg, 'x', n);
  msg[n] = 0;
  uvlog_buf_t b = {0};
  uvlog_frame(UVLOG_TCP_OCTET_COUNTING, msg, n, &b);
  cr_assert_eq(b.len, 6 + n);
  cr_assert_eq(memcmp(b.data, "65536 x", 7), 0);
  uvlog_buf_free(&b);
  free(msg);
}

Test(tcp_framing, ndjson) {
  char out[256];
  frame_str(UVLOG_TCP_NDJSON, "{\"a\":1}\n", out, sizeof out); /* not doubled */
  cr_assert_str_eq(out, "{\"a\":1}\n");
  frame_str(UVLOG_TCP_NDJSON, "{\"a\":1}", out, sizeof out);   /* added */
  cr_assert_str_eq(out, "{\"a\":1}\n");
}

/* ---- port --------------------------------------------------------------- */

Test(tcp_port, parse) {
  cr_expect_eq(uvlog_parse_port("514"), 514);
  cr_expect_eq(uvlog_parse_port("1"), 1);
  cr_expect_eq(uvlog_parse_port("65535"), 65535);
  cr_expect_eq(uvlog_parse_port("0"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("65536"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("99999999999999999999"), -EINVAL);
  cr_expect_eq(uvlog_parse_port(""), -EINVAL);
  cr_expect_eq(uvlog_parse_port(NULL), -EINVAL);
  cr_expect_eq(uvlog_parse_port("syslog"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("-1"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("+80"), -EINVAL);
  cr_expect_eq(uvlog_parse_port(" 80"), -EINVAL);
  cr_expect_eq(uvlog_parse_port("80x"), -EINVAL);
}

/* ---- backoff ------------------------------------------------------------ */

Test(tcp_backoff, grows_with_jitter_within_bounds) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 100, 5000, 42);
  unsigned ceiling = 100;
  for (int i = 0; i < 20; i++) {
    unsigned d = uvlog_backoff_next(&b);
    unsigned lo = ceiling / 2;
    cr_assert_geq(d, lo, "step %d: %u < %u", i, d, lo);
    cr_assert_leq(d, ceiling, "step %d: %u > %u", i, d, ceiling);
    ceiling = ceiling * 2 > 5000 ? 5000 : ceiling * 2;
  }
  cr_assert_eq(b.cur_ms, 5000u);
  uvlog_backoff_reset(&b);
  unsigned d = uvlog_backoff_next(&b);
  cr_assert(d >= 50 && d <= 100, "after reset: %u", d);
}

Test(tcp_backoff, jitter_varies) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 1000, 1000, 7);
  unsigned first = uvlog_backoff_next(&b);
  int differs = 0;
  for (int i = 0; i < 50; i++) {
    unsigned d = uvlog_backoff_next(&b);
    cr_assert(d >= 500 && d <= 1000, "delay %u", d);
    differs |= d != first;
  }
  cr_assert(differs, "50 draws gave the same delay");
}

Test(tcp_backoff, huge_max_does_not_overflow) {
  uvlog_backoff_t b;
  uvlog_backoff_init(&b, 1, 4000000000u, 1);
  for (int i = 0; i < 64; i++) {
    unsigned d = uvlog_backoff_next(&b);
    cr_assert_leq(d, 4000000000u);
    cr_assert_geq(d, 1u);
  }
  cr_assert_eq(b.cur_ms, 4000000000u);
}

/* ---- backlog ------------------------------------------------------------ */

Test(tcp_backlog, bound_and_accounting) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 100);
  /* "8 12345678" is 10 bytes: ten fit, the eleventh does not. */
  for (int i = 0; i < 10; i++)
    cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "12345678", 8), 0, "push %d", i);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "12345678", 8), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_bytes(&q), 100u);
  cr_assert_eq(uvlog_streamq_records(&q), 10u);

  /* Start a write: everything moves in flight and still counts. */
  cr_assert_eq(uvlog_streamq_start(&q), 100u);
  cr_assert_eq(uvlog_streamq_start(&q), 0u); /* one write at a time */
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "1", 1), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_done(&q), 10u);
  cr_assert_eq(uvlog_streamq_bytes(&q), 0u);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, "1", 1), 0);
  cr_assert_eq(uvlog_streamq_clear(&q), 1u);
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  uvlog_streamq_free(&q);
}

Test(tcp_backlog, failed_write_is_requeued_in_front) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 1000);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "a", 1), 0);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "b", 1), 0);
  cr_assert_eq(uvlog_streamq_start(&q), 4u);
  cr_assert_eq(memcmp(q.inflight.data, "a\nb\n", 4), 0);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_NDJSON, "c", 1), 0);
  cr_assert_eq(uvlog_streamq_requeue(&q), 0u);
  cr_assert_eq(uvlog_streamq_records(&q), 3u);
  cr_assert_eq(q.inflight_recs, 0u);
  cr_assert_eq(uvlog_streamq_start(&q), 6u);
  cr_assert_eq(memcmp(q.inflight.data, "a\nb\nc\n", 6), 0, "oldest first after requeue");
  cr_assert_eq(uvlog_streamq_done(&q), 3u);
  cr_assert_eq(uvlog_streamq_requeue(&q), 0u); /* nothing in flight: no-op */
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  uvlog_streamq_free(&q);
}

Test(tcp_backlog, record_larger_than_bound) {
  uvlog_streamq_t q;
  uvlog_streamq_init(&q, 4096);
  char big[5000];
  memset(big, 'y', sizeof big);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, big, sizeof big), -ENOBUFS);
  cr_assert_eq(uvlog_streamq_records(&q), 0u);
  cr_assert_eq(uvlog_streamq_push(&q, UVLOG_TCP_OCTET_COUNTING, big, 4000), 0);
  uvlog_streamq_free(&q);
}

/* ---- end to end: the sink against an in-test receiver on 127.0.0.1 ------ */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>


/* A TCP receiver thread: accepts connections one after the other and keeps
 * every byte it reads. `max_conn_bytes` > 0 makes it close a connection once
 * it has read that many bytes on it (a receiver that goes away). */
typedef struct rx {
  int lfd;
  int port;
  int family;
  pthread_t th;
  pthread_mutex_t mu;
  uvlog_buf_t data;
  int conns;
  size_t max_conn_bytes;
  atomic_int paused; /* accept, but read nothing while set */
  atomic_int stop;
  int rcvbuf;        /* > 0: a fixed receive buffer (no autotuning) */
} rx_t;

static void *rx_main(void *arg) {
  rx_t *rx = arg;
  while (!atomic_load(&rx->stop)) {
    struct pollfd pfd = {rx->lfd, POLLIN, 0};
    if (poll(&pfd, 1, 20) <= 0) continue;
    int fd = accept(rx->lfd, NULL, NULL);
    if (fd < 0) continue;
    pthread_mutex_lock(&rx->mu);
    rx->conns++;
    pthread_mutex_unlock(&rx->mu);
    size_t got = 0;
    for (;;) {
      if (atomic_load(&rx->paused) && !atomic_load(&rx->stop)) {
        nf_sleep_ms(5);
        continue;
      }
      struct pollfd cp = {fd, POLLIN, 0};
      if (poll(&cp, 1, 20) <= 0) {
        if (atomic_load(&rx->stop)) break;
        continue;
      }
      char buf[65536];
      size_t want = sizeof buf;
      if (rx->max_conn_bytes && rx->max_conn_bytes - got < want) want = rx->max_conn_bytes - got;
      ssize_t n = read(fd, buf, want);
      if (n <= 0) break;
      got += (size_t)n;
      pthread_mutex_lock(&rx->mu);
      uvlog_buf_append(&rx->data, buf, (size_t)n);
      pthread_mutex_unlock(&rx->mu);
      if (rx->max_conn_bytes && got >= rx->max_conn_bytes) break;
    }
    close(fd);
  }
  return NULL;
}

/* Binds a listening socket on the loopback (port 0 = any free port). */
static int rx_listen(int family, int port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  cr_assert_geq(fd, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  if (family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    a->sin6_port = htons((uint16_t)port);
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->sin_port = htons((uint16_t)port);
    len = sizeof *a;
  }
  cr_assert_eq(bind(fd, (struct sockaddr *)&ss, len), 0, "bind: %s", strerror(errno));
  return fd;
}

static int sock_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  cr_assert_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
  if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void rx_start_on(rx_t *rx, int family, int port) {
  rx->family = family;
  rx->lfd = rx_listen(family, port);
  if (rx->rcvbuf > 0)
    cr_assert_eq(setsockopt(rx->lfd, SOL_SOCKET, SO_RCVBUF, &rx->rcvbuf, sizeof rx->rcvbuf), 0);
  cr_assert_eq(listen(rx->lfd, 16), 0);
  rx->port = sock_port(rx->lfd);
  atomic_store(&rx->stop, 0);
  cr_assert_eq(pthread_create(&rx->th, NULL, rx_main, rx), 0);
}

static void rx_init(rx_t *rx) {
  memset(rx, 0, sizeof *rx);
  pthread_mutex_init(&rx->mu, NULL);
  rx->lfd = -1;
}

static void rx_stop(rx_t *rx) {
  if (rx->lfd < 0) return;
  atomic_store(&rx->stop, 1);
  pthread_join(rx->th, NULL);
  close(rx->lfd);
  rx->lfd = -1;
}

static void rx_free(rx_t *rx) {
  rx_stop(rx);
  uvlog_buf_free(&rx->data);
  pthread_mutex_destroy(&rx->mu);
}

/* Splits octet-counted frames; returns how many, or -1 on a framing error.
 * Message i is stored in msgs[i] (pointers into data) up to max. */
static long parse_frames(const char *d, size_t n, const char **msgs, size_t *lens, size_t max) {
  size_t i = 0, count = 0;
  while (i < n) {
    size_t len = 0, digits = 0;
    while (i < n && d[i] >= '0' && d[i] <= '9') { len = len * 10 + (size_t)(d[i] - '0'); i++; digits++; }
    if (!digits || i >= n || d[i] != ' ') return -1;
    i++;
    if (n - i < len) return -1;
    if (count < max) { msgs[count] = d + i; lens[count] = len; }
    count++;
    i += len;
  }
  return (long)count;
}

/* Waits (up to a generous deadline) until the receiver holds `frames`
 * complete frames; returns the count seen. */
static long rx_wait_frames(rx_t *rx, long frames) {
  long got = 0;
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end; nf_sleep_ms(5)) {
    pthread_mutex_lock(&rx->mu);
    got = parse_frames(rx->data.data, rx->data.len, NULL, NULL, 0);
    pthread_mutex_unlock(&rx->mu);
    if (got >= frames) break;
  }
  return got;
}

/* Waits until the receiver holds `n` newline-terminated lines (NDJSON). */
static size_t rx_wait_lines(rx_t *rx, size_t n) {
  size_t got = 0;
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end; nf_sleep_ms(5)) {
    pthread_mutex_lock(&rx->mu);
    got = 0;
    for (size_t i = 0; i < rx->data.len; i++) got += rx->data.data[i] == '\n';
    pthread_mutex_unlock(&rx->mu);
    if (got >= n) break;
  }
  return got;
}

static uvlog_t *start_logger_with(uvlog_sink_t *sink) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, sink), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

static uvlog_sink_t *tcp_sink_to(const char *host, int port, uvlog_tcp_options_t *o) {
  char ps[16];
  snprintf(ps, sizeof ps, "%d", port);
  NF_REQUIRE_RESOLVES(host);
  o->host = host;
  o->port = ps;
  uvlog_sink_t *s = NULL;
  int rc = uvlog_sink_tcp_create(&s, o);
  cr_assert_eq(rc, 0, "tcp_create: %s", uvlog_strerror(rc));
  return s;
}

/* Checks that message k of the stream ends with "rec <k>" for k in order. */
static void check_in_order(rx_t *rx, long n) {
  const char **msgs = calloc((size_t)n, sizeof *msgs);
  size_t *lens = calloc((size_t)n, sizeof *lens);
  pthread_mutex_lock(&rx->mu);
  long got = parse_frames(rx->data.data, rx->data.len, msgs, lens, (size_t)n);
  cr_assert_eq(got, n, "frames: %ld, want %ld", got, n);
  for (long k = 0; k < n; k++) {
    char want[32];
    int w = snprintf(want, sizeof want, " rec %ld", k);
    NF_CHECK(lens[k] >= (size_t)w && memcmp(msgs[k] + lens[k] - (size_t)w, want, (size_t)w) == 0,
             "frame %ld is '%.*s'", k, (int)lens[k], msgs[k]);
    NF_CHECK(lens[k] > 6 && memcmp(msgs[k], "<14>1 ", 6) == 0, "frame %ld: no RFC 5424 header", k);
  }
  pthread_mutex_unlock(&rx->mu);
  free(msgs);
  free(lens);
}

Test(tcp_sink, create_rejects_bad_options) {
  uvlog_tcp_options_t o;
  uvlog_sink_t *s = NULL;
  uvlog_tcp_options_init(&o);
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL); /* no host, no port */
  o.host = "127.0.0.1";
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL); /* no port */
  const char *bad_ports[] = {"", "0", "65536", "http", "-5", "5 ", "1e3"};
  for (size_t i = 0; i < sizeof bad_ports / sizeof *bad_ports; i++) {
    o.port = bad_ports[i];
    cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL, "port '%s'", bad_ports[i]);
  }
  o.port = "514";
  cr_expect_eq(uvlog_sink_tcp_create(NULL, &o), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_tcp_create(&s, NULL), UVLOG_EINVAL);
  o.host = "";
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.host = "127.0.0.1";
  o.framing = (uvlog_tcp_framing_t)7;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.framing = UVLOG_TCP_NDJSON;
  o.backlog_bytes = 100;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.backlog_bytes = (size_t)2 << 30;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.backlog_bytes = 4096;
  o.reconnect_min_ms = 0;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.reconnect_min_ms = 500;
  o.reconnect_max_ms = 100;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  o.reconnect_max_ms = 500;
  o.connect_timeout_ms = 0;
  cr_expect_eq(uvlog_sink_tcp_create(&s, &o), UVLOG_EINVAL);
  cr_expect_null(s);
  o.connect_timeout_ms = 100;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  cr_assert_not_null(s);
  cr_assert_str_eq(uvlog_sink_name(s), "tcp");
  uvlog_sink_destroy(s); /* never opened: frees everything */
}

Test(tcp_sink, octet_counted_records_arrive_in_order, .timeout = 60) {
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET, 0);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", rx.port, &o);
  uvlog_t *log = start_logger_with(s);
  const long n = 5000;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(rx_wait_frames(&rx, n), n);
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(st.errors, 0u, "last error %s", uvlog_strerror(st.last_error));
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  check_in_order(&rx, n);
  rx_free(&rx);
}

Test(tcp_sink, ndjson_over_ipv6, .timeout = 60) {
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET6, 0);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.framing = UVLOG_TCP_NDJSON;
  uvlog_sink_t *s = tcp_sink_to("::1", rx.port, &o);
  uvlog_t *log = start_logger_with(s);
  for (int k = 0; k < 100; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_WARNING, NULL, 0, NULL, "line %d\nnext", k));
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  /* flush means "in the kernel": let the receiver read it all before it stops. */
  cr_assert_eq(rx_wait_lines(&rx, 100), 100u);
  rx_stop(&rx);
  /* 100 lines, each one JSON object with the escaped newline. */
  size_t lines = 0;
  char *d = rx.data.data;
  cr_assert_not_null(d);
  for (size_t i = 0; i < rx.data.len; i++) lines += d[i] == '\n';
  cr_assert_eq(lines, 100u);
  cr_assert_eq(d[0], '{');
  cr_assert_eq(d[rx.data.len - 1], '\n');
  uvlog_buf_putc(&rx.data, 0);
  cr_assert_not_null(strstr(rx.data.data, "line 99\\nnext"), "JSON with an escaped newline");
  rx_free(&rx);
}

Test(tcp_sink, backlog_is_delivered_after_the_receiver_appears, .timeout = 60) {
  /* Reserve a port, then leave it closed: connects are refused. */
  int tmp = rx_listen(AF_INET, 0);
  int port = sock_port(tmp);
  close(tmp);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s = tcp_sink_to("localhost", port, &o);
  uvlog_t *log = start_logger_with(s);
  const long n = 300;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  /* The sink sees refusals (counted as errors) while it keeps everything. */
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0u, "connection refused is reported");
  cr_assert_eq(st.dropped, 0u);
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET, port);
  cr_assert_eq(rx_wait_frames(&rx, n), n);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  check_in_order(&rx, n);
  rx_free(&rx);
}

Test(tcp_sink, bounded_backlog_drops_newest_and_counts, .timeout = 60) {
  int tmp = rx_listen(AF_INET, 0);
  int port = sock_port(tmp);
  close(tmp); /* nobody listens */
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.backlog_bytes = 4096;
  o.reconnect_min_ms = 60000; /* after the first refusal it waits: the test reopens */
  o.reconnect_max_ms = 60000;
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", port, &o);
  uvlog_t *log = start_logger_with(s);
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_eq(st.last_error, -ECONNREFUSED, "%s", uvlog_strerror(st.last_error));
  const int n = 1000;
  for (int k = 0; k < n; k++)
    cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "%0100d rec %d", 0, k), 0,
                 "a producer is never refused because the receiver is down");
  /* The receiver is away: the flush fails at once, with why. */
  int rc = uvlog_logger_flush(log, 20000);
  cr_assert_eq(rc, -ECONNREFUSED, "a flush that could not deliver fails: %d %s", rc,
               uvlog_strerror(rc));
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_gt(st.dropped, 0u, "over the bound records are dropped");
  cr_assert_lt(st.dropped, (uint64_t)n, "the backlog kept some");
  cr_assert_eq(st.written, (uint64_t)n);
  uint64_t dropped = st.dropped;
  /* The receiver appears: the backlog arrives, and it is exactly the oldest
   * records, 0 .. n - dropped - 1: the dropped ones were the newest. */
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET, port);
  cr_assert_eq(uvlog_logger_reopen(log), 0); /* reconnect now */
  long kept = n - (long)dropped;
  cr_assert_eq(rx_wait_frames(&rx, kept), kept);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0, "nothing dropped since the failed flush");
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  cr_assert_eq(ls.sink_dropped, dropped, "dropped %llu", (unsigned long long)ls.sink_dropped);
  uvlog_logger_destroy(log);
  rx_stop(&rx);
  check_in_order(&rx, kept);
  rx_free(&rx);
}

Test(tcp_sink, unresolvable_host_is_reported_not_fatal, .timeout = 60) {
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.host = "no-such-host.invalid";
  o.port = "514";
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 10;
  o.close_timeout_ms = 10;
  o.flush_timeout_ms = 10;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  uvlog_t *log = start_logger_with(s);
  for (int k = 0; k < 10; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "x %d", k));
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 20000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0u, "resolution failure is reported");
  cr_assert_neq(st.last_error, 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  cr_assert_eq(ls.sink_dropped, 10u);
  uvlog_logger_destroy(log);
}

Test(tcp_sink, receiver_restart_loses_nothing_written_after_it, .timeout = 60) {
  /* The receiver reads batch 1 and goes away; batch 2 is logged while it is
   * down; a new receiver on the same port gets batch 2 after the reconnect,
   * oldest first, with nothing lost, duplicated or dropped. */
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET, 0);
  int port = rx.port;
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", port, &o);
  uvlog_t *log = start_logger_with(s);
  const long n1 = 100, n2 = 400;
  for (long k = 0; k < n1; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  cr_assert_eq(rx_wait_frames(&rx, n1), n1);
  rx_stop(&rx); /* closes the connection and the listener */
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0u, "the hang-up is noticed and reported");
  for (long k = n1; k < n1 + n2; k++)
    NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  rx_start_on(&rx, AF_INET, port);
  cr_assert_eq(rx_wait_frames(&rx, n1 + n2), n1 + n2);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  rx_stop(&rx);
  check_in_order(&rx, n1 + n2);
  rx_free(&rx);
}

Test(tcp_sink, slow_receiver_bound_and_exact_accounting, .timeout = 60) {
  /* The receiver accepts but does not read. Records are logged in chunks
   * smaller than the backlog, each flushed, until a flush fails: then the
   * kernel's buffers are full and nothing had been dropped. More records
   * fill the backlog and the newest are dropped. Nothing blocks. When the
   * receiver reads again, it gets exactly the oldest records, in order, and
   * the drops are exactly the rest. */
  rx_t rx;
  rx_init(&rx);
  atomic_store(&rx.paused, 1);
  rx.rcvbuf = 256 * 1024; /* fixed: the kernel's side stays a few MiB at most */
  rx_start_on(&rx, AF_INET, 0);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.backlog_bytes = 64 * 1024;
  o.flush_timeout_ms = 1000; /* a chunk takes far less to write while the kernel has room */
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", rx.port, &o);
  /* Block mode: the ring never drops, so every loss is the sink's. The
   * listener itself never waits for the receiver, so this cannot stall. */
  uvlog_options_t lo;
  uvlog_options_init(&lo);
  lo.overflow = UVLOG_OVERFLOW_BLOCK;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &lo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  const long chunk = 40; /* ~40 KB: fits the backlog */
  long n = 0;
  int rc = 0;
  while (rc == 0 && n < 64 * 1024) { /* 64 MB: far more than any kernel buffers */
    for (long k = 0; k < chunk; k++, n++)
      NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "%01000d rec %ld", 0, n));
    rc = uvlog_logger_flush(log, 20000);
  }
  /* Records wait for a receiver that is there and does not read: the flush
   * gave up after flush_timeout_ms, and nothing was dropped before. */
  cr_assert_eq(rc, UVLOG_ETIMEDOUT, "a flush that could not deliver fails: %d %s", rc,
               uvlog_strerror(rc));
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u, "no drop while each chunk fitted the backlog");
  /* Over the bound: the newest are dropped; the flush still fails at once. */
  for (long k = 0; k < 200; k++, n++)
    NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "%01000d rec %ld", 0, n));
  rc = uvlog_logger_flush(log, 20000);
  cr_assert_eq(rc, UVLOG_ETIMEDOUT, "a stalled receiver fails the flush at once: %d %s", rc,
               uvlog_strerror(rc));
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_gt(st.dropped, 0u, "the bound applies to a slow receiver");
  cr_assert_eq(st.last_error, -ENOBUFS);
  uint64_t dropped = st.dropped;
  atomic_store(&rx.paused, 0);
  long want = n - (long)dropped;
  cr_assert_eq(rx_wait_frames(&rx, want), want);
  rc = uvlog_logger_flush(log, 10000);
  cr_assert_eq(rc, 0, "flush after the receiver resumed: %d %s", rc, uvlog_strerror(rc));
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  uvlog_logger_destroy(log);
  rx_stop(&rx);
  cr_assert_eq(ls.dropped, 0u, "no ring drops");
  cr_assert_eq(ls.sink_dropped, dropped, "no drops after the receiver resumed");
  cr_log_info("%ld records, %llu dropped (the kernel held the rest)", n,
              (unsigned long long)dropped);
  check_in_order(&rx, want); /* exactly records 0 .. want - 1: the newest were dropped */
  rx_free(&rx);
}

Test(tcp_sink, reopen_reconnects_and_keeps_order, .timeout = 60) {
  rx_t rx;
  rx_init(&rx);
  rx_start_on(&rx, AF_INET, 0);
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", rx.port, &o);
  uvlog_t *log = start_logger_with(s);
  for (long k = 0; k < 100; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  cr_assert_eq(rx_wait_frames(&rx, 100), 100);
  cr_assert_eq(uvlog_logger_reopen(log), 0);
  int conns = 0;
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && conns < 2; nf_sleep_ms(5)) {
    pthread_mutex_lock(&rx.mu);
    conns = rx.conns;
    pthread_mutex_unlock(&rx.mu);
  }
  cr_assert_eq(conns, 2, "reopen makes a new connection");
  for (long k = 100; k < 200; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  cr_assert_eq(rx_wait_frames(&rx, 200), 200);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  rx_stop(&rx);
  check_in_order(&rx, 200);
  rx_free(&rx);
}

Test(tcp_sink, connect_timeout_is_reported_and_retried, .timeout = 60) {
  /* A listener that never accepts, its queue filled by other clients: the
   * kernel drops further SYNs, so the sink's connect hangs until its
   * deadline. */
  int lfd = rx_listen(AF_INET, 0);
  cr_assert_eq(listen(lfd, 0), 0);
  int port = sock_port(lfd);
  int fill[4];
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  struct pollfd done[4];
  for (int i = 0; i < 4; i++) {
    fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    connect(fill[i], (struct sockaddr *)&a, sizeof a);
    done[i] = (struct pollfd){fill[i], POLLOUT, 0};
  }
  /* The queue (backlog 0: one connection) is full once a filler's
   * handshake completed. */
  cr_assert_gt(poll(done, 4, 10000), 0, "no filler connected");
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.connect_timeout_ms = 50;
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 10;
  o.close_timeout_ms = 10;
  o.flush_timeout_ms = 10;
  uvlog_sink_t *s = tcp_sink_to("127.0.0.1", port, &o);
  uvlog_t *log = start_logger_with(s);
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "never delivered"));
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.last_error != UV_ETIMEDOUT; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_eq(st.last_error, UV_ETIMEDOUT, "last error: %s", uvlog_strerror(st.last_error));
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  cr_assert_eq(ls.sink_dropped, 1u);
  uvlog_logger_destroy(log);
  for (int i = 0; i < 4; i++) close(fill[i]);
  close(lfd);
}
