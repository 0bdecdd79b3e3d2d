/*
 * test_ctx_interleave.c -- many request contexts interleave on one thread
 * (as on an event loop) and across threads, with child contexts and a
 * context shared by all threads: every record carries exactly its own
 * request's fields, in order, and nothing else. Contexts are released
 * while their records may still be queued.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fields_capture.h"
#include "uvlog.h"

#define THREADS 4
#define REQS 40
#define STEPS 15

static uvlog_t *g_log;
static uvlog_ctx_t *g_shared;

static void *loop_thread(void *arg) {
  int t = (int)(intptr_t)arg;
  uvlog_ctx_t *req[REQS], *child[REQS];
  for (int i = 0; i < REQS; i++) {
    char id[32], peer[32];
    snprintf(id, sizeof id, "t%d-r%d", t, i);
    snprintf(peer, sizeof peer, "10.0.%d.%d", t, i);
    cr_assert_eq(uvlog_ctx_create(&req[i], g_shared, NULL,
                                  UVLOG_FIELDS(UVLOG_F("request_id", id), UVLOG_F("peer", peer))),
                 0);
    /* a child: parent + {"user": ...}; "peer" is overridden */
    cr_assert_eq(uvlog_ctx_create(&child[i], req[i], NULL,
                                  UVLOG_FIELDS(UVLOG_F("user", i), UVLOG_F("peer", "proxy"))),
                 0);
  }
  for (int s = 0; s < STEPS; s++) {
    for (int i = 0; i < REQS; i++) {
      uvlog_ctx_t *ctx = (s % 3 == 2) ? child[i] : req[i];
      cr_assert_eq(UVLOG_INFO_KV_TO(g_log, ctx, "step", UVLOG_F("t", t), UVLOG_F("i", i),
                                    UVLOG_F("s", s)),
                   0);
    }
  }
  for (int i = 0; i < REQS; i++) {
    uvlog_ctx_release(&req[i]);
    uvlog_ctx_release(&child[i]);
  }
  return NULL;
}

/* The line a record of thread t, request i, step s must be. */
static void expected(char *buf, size_t size, int t, int i, int s) {
  if (s % 3 == 2)
    snprintf(buf, size,
             "step|service=s:shared|request_id=s:t%d-r%d|user=i:%d|peer=s:proxy|t=i:%d|i=i:%d|s=i:%d",
             t, i, i, t, i, s);
  else
    snprintf(buf, size,
             "step|service=s:shared|request_id=s:t%d-r%d|peer=s:10.0.%d.%d|t=i:%d|i=i:%d|s=i:%d", t,
             i, t, i, t, i, s);
}

Test(ctx_interleave, every_record_carries_its_own_request) {
  fcap_t c;
  fcap_init(&c);
  g_log = fcap_logger(&c, 1u << 16, 1); /* small ring, BLOCK: the listener drains as we go */
  cr_assert_not_null(g_log);
  cr_assert_eq(uvlog_ctx_create(&g_shared, NULL, NULL, UVLOG_FIELDS(UVLOG_F("service", "shared"))),
               0);
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++)
    cr_assert_eq(pthread_create(&th[t], NULL, loop_thread, (void *)(intptr_t)t), 0);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  uvlog_ctx_release(&g_shared);
  cr_assert_eq(uvlog_logger_flush(g_log, -1), 0);
  cr_assert_eq(c.n, (size_t)THREADS * REQS * STEPS);
  int next[THREADS] = {0}; /* per thread, records come in call order */
  for (size_t k = 0; k < c.n; k++) {
    int t, i, s;
    const char *p = strstr(c.lines[k], "|t=i:");
    cr_assert_not_null(p, "line %zu: %s", k, c.lines[k]);
    cr_assert_eq(sscanf(p, "|t=i:%d|i=i:%d|s=i:%d", &t, &i, &s), 3);
    cr_assert(t >= 0 && t < THREADS);
    cr_assert_eq(next[t], s * REQS + i, "thread %d order", t);
    next[t]++;
    char want[256];
    expected(want, sizeof want, t, i, s);
    cr_assert_str_eq(c.lines[k], want);
  }
  uvlog_logger_destroy(g_log);
  fcap_free(&c);
}
