/*
 * test_tcp_reconnect_busy_pool.c -- the TCP sink's reconnects do not wait for
 * libuv's shared thread pool: with every pool thread busy with the
 * application's slow uv_queue_work() jobs, a sink to "localhost" (a name, so
 * it must be resolved) still connects within its backoff delay once the
 * receiver appears. (With uv_getaddrinfo the resolution queued behind the
 * jobs: seconds.)
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "net_fixture.h"
#include "uvlog.h"

#define JOB_MS 2500

static atomic_int jobs_running;

static void slow_job(uv_work_t *w) {
  (void)w;
  atomic_fetch_add(&jobs_running, 1);
  nf_sleep_ms(JOB_MS);
}

static void job_done(uv_work_t *w, int status) {
  (void)status;
  free(w);
}

static int pool_size(void) {
  const char *e = getenv("UV_THREADPOOL_SIZE");
  int n = e ? atoi(e) : 4;
  return n > 0 ? n : 4;
}

Test(tcp_reconnect_busy_pool, reconnect_is_prompt_with_the_pool_saturated, .timeout = 60) {
  NF_REQUIRE_RESOLVES("localhost");
  char port[16];
  int lfd = nf_loopback_socket(port, sizeof port); /* refuses until listen() */
  uvlog_tcp_options_t o;
  uvlog_tcp_options_init(&o);
  o.host = "localhost";
  o.port = port;
  o.reconnect_min_ms = o.reconnect_max_ms = 100;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_tcp_create(&s, &o), 0);
  uvlog_t *log = nf_logger_with(s, UVLOG_OVERFLOW_DROP);
  uvlog_sink_stats_t st = {0};
  for (int64_t end = nf_now_ms() + 10000; st.errors == 0 && nf_now_ms() < end; nf_sleep_ms(5))
    uvlog_sink_stats(s, &st);
  cr_assert_gt(st.errors, 0, "the first connect was not refused");

  /* The application's loop fills every pool thread with slow jobs. */
  uv_loop_t app;
  cr_assert_eq(uv_loop_init(&app), 0);
  int n = pool_size() * 2;
  for (int i = 0; i < n; i++) {
    uv_work_t *w = malloc(sizeof *w);
    cr_assert_eq(uv_queue_work(&app, w, slow_job, job_done), 0);
  }
  while (atomic_load(&jobs_running) < pool_size()) nf_sleep_ms(1);

  cr_assert_eq(listen(lfd, 4), 0); /* the receiver appears */
  int64_t t0 = nf_now_ms();
  struct pollfd p = {lfd, POLLIN, 0};
  int ready = poll(&p, 1, 2 * JOB_MS);
  int64_t took = nf_now_ms() - t0;
  cr_log_info("reconnect with the pool busy: %lld ms", (long long)took);
  cr_assert_eq(ready, 1, "no connection within %d ms", 2 * JOB_MS);
  cr_assert_lt(took, 1000, "the reconnect took %lld ms with the pool busy", (long long)took);

  uv_run(&app, UV_RUN_DEFAULT); /* let the jobs finish */
  uv_loop_close(&app);
  uvlog_logger_destroy(log);
  close(lfd);
}
