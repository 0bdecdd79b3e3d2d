/*
 * test_syslog_sink.c -- the syslog sink: its datagram buffer on its own
 * (src/sink/netq.c), then the sink end to end against a unix datagram
 * socket in a temporary directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"
#include "sink/netq.h"
#include "uvlog.h"

/* ---- datagram buffer ---------------------------------------------------- */

Test(syslog_dgq, fifo_and_bound) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 10);
  cr_assert_eq(uvlog_dgq_push(&q, "abc", 3), 0);
  cr_assert_eq(uvlog_dgq_push(&q, "", 0), 0);       /* empty datagram is legal */
  cr_assert_eq(uvlog_dgq_push(&q, "defgh", 5), 0);
  cr_assert_eq(uvlog_dgq_push(&q, "ijk", 3), -ENOBUFS); /* 8 + 3 > 10 */
  cr_assert_eq(uvlog_dgq_push(&q, "ij", 2), 0);          /* exactly 10 */
  cr_assert_eq(q.count, 4u);
  cr_assert_eq(q.bytes, 10u);

  size_t n;
  const char *p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 3 && memcmp(p, "abc", 3) == 0);
  uvlog_dgq_pop(&q);
  p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 0);
  uvlog_dgq_pop(&q);
  p = uvlog_dgq_peek(&q, &n);
  cr_assert(p && n == 5 && memcmp(p, "defgh", 5) == 0);
  /* Room came back: 7 bytes queued, 3 more fit. */
  cr_assert_eq(uvlog_dgq_push(&q, "xyz", 3), 0);
  cr_assert_eq(uvlog_dgq_clear(&q), 3u);
  cr_assert_null(uvlog_dgq_peek(&q, &n));
  uvlog_dgq_pop(&q); /* pop on empty is harmless */
  cr_assert_eq(q.bytes, 0u);
  uvlog_dgq_free(&q);
}

Test(syslog_dgq, zero_limit_buffers_nothing) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 0);
  cr_assert_eq(uvlog_dgq_push(&q, "a", 1), -ENOBUFS);
  cr_assert_eq(q.count, 0u);
  uvlog_dgq_free(&q);
}

Test(syslog_dgq, many_push_pop_cycles_keep_order) {
  uvlog_dgq_t q;
  uvlog_dgq_init(&q, 1000);
  unsigned next_in = 0, next_out = 0;
  for (int round = 0; round < 200; round++) {
    for (int i = 0; i < 7; i++) {
      char m[16];
      int k = snprintf(m, sizeof m, "m%u", next_in);
      if (uvlog_dgq_push(&q, m, (size_t)k) == 0) next_in++;
    }
    for (int i = 0; i < 5 && q.count; i++) {
      size_t n;
      const char *p = uvlog_dgq_peek(&q, &n);
      char want[16];
      int k = snprintf(want, sizeof want, "m%u", next_out++);
      NF_CHECK(n == (size_t)k && memcmp(p, want, n) == 0, "order broken at %u", next_out - 1);
      uvlog_dgq_pop(&q);
    }
  }
  cr_assert_leq(q.bytes, 1000u);
  cr_assert_eq(q.count, next_in - next_out);
  uvlog_dgq_free(&q);
}

/* ---- end to end: the sink against a unix datagram socket in a temp dir -- */

#include "syslog_fixture.h"

Test(syslog_sink, create_rejects_bad_options, .init = setup, .fini = teardown) {
  uvlog_syslog_options_t o;
  uvlog_sink_t *s = NULL;
  uvlog_syslog_options_init(&o);
  cr_expect_str_eq(o.path, "/dev/log");
  cr_expect_eq(o.max_message, 8192u);
  cr_expect_eq(uvlog_sink_syslog_create(NULL, &o), UVLOG_EINVAL);
  char longp[200];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = 0;
  o.path = longp;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL, "path too long");
  longp[107] = 0; /* 107 bytes + NUL fill sun_path exactly */
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), 0);
  uvlog_sink_destroy(s);
  s = NULL;
  longp[107] = 'a';
  longp[108] = 0;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL, "108 bytes do not fit");
  o.path = "";
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  o.path = sock_path;
  o.max_message = 10;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  o.max_message = (size_t)1 << 30;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  o.max_message = 8192;
  o.buffer_size = (size_t)4 << 30;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  o.buffer_size = 0;
  o.reconnect_min_ms = 0;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  o.reconnect_min_ms = 10;
  o.reconnect_max_ms = 5;
  cr_expect_eq(uvlog_sink_syslog_create(&s, &o), UVLOG_EINVAL);
  cr_expect_null(s);
  /* NULL options: the defaults (nothing is opened before start). */
  cr_assert_eq(uvlog_sink_syslog_create(&s, NULL), 0);
  cr_assert_str_eq(uvlog_sink_name(s), "syslog");
  uvlog_sink_destroy(s);
}

Test(syslog_sink, one_rfc3164_datagram_per_record, .init = setup, .fini = teardown, .timeout = 60) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_ERROR, NULL, 0, NULL, "rec %d", 0));
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "two\nlines"));
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  char buf[9000];
  ssize_t n = daemon_recv(d, buf, sizeof buf);
  cr_assert_gt(n, 0);
  buf[n] = 0;
  /* <11> = user.err; "Mmm dd hh:mm:ss app[pid]: msg" as glibc writes it. */
  cr_assert_eq(memcmp(buf, "<11>", 4), 0, "got '%s'", buf);
  char app_pid[64];
  snprintf(app_pid, sizeof app_pid, "[%d]: rec 0", (int)getpid());
  cr_assert_not_null(strstr(buf, app_pid), "got '%s'", buf);
  cr_assert_eq(buf[7], ' ');
  cr_assert_eq(buf[10], ' ');
  cr_assert_eq(buf[13], ':');
  n = daemon_recv(d, buf, sizeof buf);
  cr_assert_gt(n, 0);
  buf[n] = 0;
  cr_assert_eq(memcmp(buf, "<14>", 4), 0);
  cr_assert_not_null(strstr(buf, ": two\nlines"), "raw message, no trailing newline: '%s'", buf);
  cr_assert_neq(buf[n - 1], '\n');
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}

Test(syslog_sink, rfc5424_and_identity_via_set_format, .init = setup, .fini = teardown, .timeout = 60) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_RFC5424;
  fo.facility = 16; /* local0 */
  fo.app_name = "myapp";
  fo.hostname = "myhost";
  fo.procid = "42";
  fo.msgid = "ID7";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  uvlog_t *log = start_with(s);
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_WARNING, NULL, 0, NULL, "hello"));
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  char buf[512];
  ssize_t n = daemon_recv(d, buf, sizeof buf - 1);
  cr_assert_gt(n, 0);
  buf[n] = 0;
  /* <132> = local0.warning */
  cr_assert_eq(memcmp(buf, "<132>1 ", 7), 0, "got '%s'", buf);
  cr_assert_not_null(strstr(buf, "Z myhost myapp 42 ID7 - hello"), "got '%s'", buf);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}

Test(syslog_sink, long_message_is_cut_to_max_message, .init = setup, .fini = teardown, .timeout = 60) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.max_message = 1000;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  char msg[5000];
  memset(msg, 'z', sizeof msg);
  cr_assert_eq(uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, msg, sizeof msg), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  char buf[9000];
  ssize_t n = daemon_recv(d, buf, sizeof buf);
  cr_assert_eq(n, 1000);
  cr_assert_eq(buf[999], 'z');
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.last_error, -EMSGSIZE);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}

Test(syslog_sink, missing_socket_fails_start_when_asked, .init = setup, .fini = teardown) {
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.fail_if_missing = 1;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), -ENOENT);
  uvlog_logger_destroy(log);
}

Test(syslog_sink, missing_daemon_then_appears, .init = setup, .fini = teardown, .timeout = 60) {
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s); /* no daemon: reported, not fatal */
  const long n = 50;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0u);
  cr_assert_eq(st.last_error, -ENOENT);
  int d = daemon_bind(sock_path);
  char buf[512];
  for (long k = 0; k < n; k++) {
    ssize_t m = daemon_recv(d, buf, sizeof buf);
    NF_CHECK(m > 0, "datagram %ld never came", k);
    expect_rec(buf, m, k);
  }
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}

Test(syslog_sink, slow_daemon_records_wait_in_order, .init = setup, .fini = teardown, .timeout = 60) {
  /* The daemon reads nothing at first: its queue fills (net.unix.max_dgram_qlen),
   * send() says EAGAIN, the sink buffers; then it reads everything. */
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  const long n = 2000;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  wait_written(s, (uint64_t)n);
  /* The queue is full (most of the 2000 records wait in the sink's buffer):
   * a datagram of our own is refused. */
  if (dgram_qlen() <= 100)
    cr_assert(daemon_queue_full(sock_path), "the daemon's queue never filled");
  else
    cr_log_info("net.unix.max_dgram_qlen is %ld: the sink's send buffer fills first", dgram_qlen());
  char buf[512];
  for (long k = 0; k < n; k++) {
    ssize_t m = daemon_recv(d, buf, sizeof buf);
    NF_CHECK(m > 0, "datagram %ld never came", k);
    expect_rec(buf, m, k);
  }
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(st.written, (uint64_t)n);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}

Test(syslog_sink, full_buffer_drops_are_counted_exactly, .init = setup, .fini = teardown, .timeout = 60) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.buffer_size = 2000; /* a few dozen records */
  o.close_timeout_ms = 50;
  o.flush_timeout_ms = 50;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  const long n = 3000;
  for (long k = 0; k < n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  /* Nobody reads: flush ends at the sink's deadline instead of hanging, and
   * says so. */
  int rc = uvlog_logger_flush(log, 20000);
  cr_assert_eq(rc, UVLOG_ETIMEDOUT, "a flush that could not deliver fails: %d %s", rc,
               uvlog_strerror(rc));
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t ls;
  cr_assert_eq(uvlog_logger_stats(log, &ls), 0);
  uvlog_logger_destroy(log);
  /* What the daemon can still read is the oldest records, in order (the
   * socket's queue took them before it filled); with the drops it is
   * exactly what was logged. */
  long got = 0;
  char buf[512];
  ssize_t m;
  while ((m = recv(d, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
    NF_CHECK(m >= 5 && memcmp(buf, "<14>", 4) == 0, "datagram '%.*s'", (int)m, buf);
    expect_rec(buf, m, got++);
  }
  cr_assert_gt(ls.sink_dropped, 0u);
  cr_assert_eq((uint64_t)got + ls.sink_dropped, (uint64_t)n, "got %ld + dropped %llu", got,
               (unsigned long long)ls.sink_dropped);
  close(d);
}

Test(syslog_sink, daemon_restart_reconnects, .init = setup, .fini = teardown, .timeout = 60) {
  int d = daemon_bind(sock_path);
  uvlog_syslog_options_t o;
  uvlog_syslog_options_init(&o);
  o.reconnect_min_ms = 5;
  o.reconnect_max_ms = 20;
  uvlog_sink_t *s = syslog_sink(&o);
  uvlog_t *log = start_with(s);
  char buf[512];
  NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %d", 0));
  ssize_t m = daemon_recv(d, buf, sizeof buf);
  expect_rec(buf, m, 0);
  close(d); /* the daemon dies; its socket file stays (stale) */
  const long n = 100;
  for (long k = 1; k <= n; k++) NF_LOG_OK(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "rec %ld", k));
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; nf_now_ms() < end && st.errors == 0; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0u, "the dead daemon is noticed");
  d = daemon_bind(sock_path); /* a new daemon, new socket at the same path */
  for (long k = 1; k <= n; k++) {
    m = daemon_recv(d, buf, sizeof buf);
    NF_CHECK(m > 0, "datagram %ld never came", k);
    expect_rec(buf, m, k);
  }
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_assert_eq(st.dropped, 0u);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  close(d);
}
