/*
 * test_overflow.c -- a full ring: drop mode counts exactly and reports the
 * drops; block mode waits, except on the listener thread (never deadlocks)
 * and before start (nobody would drain: drop).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static uvlog_t *tiny(uvlog_overflow_t policy, capture_t *c) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = policy;
  o.level = UVLOG_LEVEL_TRACE;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  return log;
}

/* Sums "N LEVEL" pairs of every drop report in the captured text. */
static void sum_reports(capture_t *c, uint64_t by_level[UVLOG_LEVEL_COUNT], uint64_t *total) {
  memset(by_level, 0, sizeof(uint64_t) * UVLOG_LEVEL_COUNT);
  *total = 0;
  const char *tag = "uvlog: ";
  for (const char *p = c->text; p && (p = strstr(p, tag)) != NULL;) {
    unsigned long long n;
    int used = 0;
    cr_assert_eq(sscanf(p, "uvlog: %llu records dropped (ring full):%n", &n, &used), 1,
                 "report: %.80s", p);
    cr_assert_gt(used, 0);
    *total += n;
    p += used;
    uint64_t parts = 0;
    for (;;) {
      char name[16];
      int k = 0;
      if (sscanf(p, " %llu %15[A-Z]%n", &n, name, &k) != 2) break;
      uvlog_level_t l;
      cr_assert_eq(uvlog_level_parse(name, &l), 0, "level %s", name);
      by_level[l] += n;
      parts += n;
      p += k;
      if (*p == ',') p++;
    }
    cr_assert_neq(parts, 0);
  }
}

static uint64_t plain_entries(capture_t *c) { return c->entries - c->internal; }

Test(overflow, drop_before_start_is_exact) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = tiny(UVLOG_OVERFLOW_DROP, &c);
  int ok = 0, dropped = 0;
  for (int i = 0; i < 300; i++) {
    int rc = LOG(log, i % 3 == 0 ? UVLOG_LEVEL_DEBUG : UVLOG_LEVEL_INFO, "record %d", i);
    if (rc == 0) ok++;
    else if (rc == UVLOG_EAGAIN) dropped++;
    else cr_assert_fail("unexpected rc %d", rc);
  }
  cr_assert_gt(dropped, 0, "a 4 KiB ring cannot hold 300 records");
  cr_assert_gt(ok, 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, (uint64_t)dropped);
  cr_assert_eq(st.dropped_by_level[UVLOG_LEVEL_DEBUG] + st.dropped_by_level[UVLOG_LEVEL_INFO],
               (uint64_t)dropped);
  cr_assert_eq(plain_entries(&c), (uint64_t)ok);
  cr_assert_eq(c.internal, 1, "one drop report");
  char want[256];
  snprintf(want, sizeof(want), "uvlog: %d records dropped (ring full): %llu INFO, %llu DEBUG",
           dropped, (unsigned long long)st.dropped_by_level[UVLOG_LEVEL_INFO],
           (unsigned long long)st.dropped_by_level[UVLOG_LEVEL_DEBUG]);
  cr_assert_str_eq(c.last_internal, want);
  cr_assert_eq(c.by_level[UVLOG_LEVEL_WARNING], 1, "the report is a WARNING");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

#define DROP_THREADS 4
#define DROP_PER 20000

typedef struct {
  uvlog_t *log;
  int id;
  atomic_ulong *ok;
} drop_arg_t;

static void *drop_producer(void *p) {
  drop_arg_t *a = p;
  unsigned long ok = 0;
  for (int i = 0; i < DROP_PER; i++) {
    uvlog_level_t l = (uvlog_level_t)(UVLOG_LEVEL_TRACE + (i + a->id) % 4);
    int rc = LOG(a->log, l, "t%d %d padding padding padding", a->id, i);
    if (rc == 0) ok++;
    else cr_assert_eq(rc, UVLOG_EAGAIN);
  }
  atomic_fetch_add(a->ok, ok);
  return NULL;
}

Test(overflow, drop_under_load_adds_up, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = tiny(UVLOG_OVERFLOW_DROP, &c);
  cr_assert_eq(uvlog_logger_start(log), 0);
  atomic_ulong ok = 0;
  pthread_t th[DROP_THREADS];
  drop_arg_t args[DROP_THREADS];
  for (int i = 0; i < DROP_THREADS; i++) {
    args[i] = (drop_arg_t){log, i, &ok};
    pthread_create(&th[i], NULL, drop_producer, &args[i]);
  }
  for (int i = 0; i < DROP_THREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_log_info("written %lu, dropped %llu", (unsigned long)atomic_load(&ok),
              (unsigned long long)st.dropped);
  cr_assert_eq(plain_entries(&c), atomic_load(&ok));
  cr_assert_eq(plain_entries(&c) + st.dropped, (uint64_t)DROP_THREADS * DROP_PER);
  uint64_t by[UVLOG_LEVEL_COUNT], total;
  sum_reports(&c, by, &total);
  cr_assert_eq(total, st.dropped, "the reports add up to the drops");
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++)
    cr_assert_eq(by[l], st.dropped_by_level[l], "level %d", l);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(overflow, block_before_start_does_not_hang) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = tiny(UVLOG_OVERFLOW_BLOCK, &c);
  int dropped = 0;
  for (int i = 0; i < 200; i++)
    if (LOG(log, UVLOG_LEVEL_INFO, "record %d", i) == UVLOG_EAGAIN) dropped++;
  cr_assert_gt(dropped, 0, "nothing drains before start: dropped, not waited for");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* A sink that logs (block mode) from its write(): on the listener thread the
 * log call must never wait for itself. */
static atomic_int self_eagain, self_ok;

static int write_and_log(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  for (size_t i = 0; i < n; i++) {
    if (e[i].msg_len >= 4 && memcmp(e[i].msg, "echo", 4) == 0) continue;
    for (int k = 0; k < 200; k++) { /* far more than the ring holds */
      int rc = LOG(uvlog_default_get(), UVLOG_LEVEL_INFO, "echo %d", k);
      if (rc == UVLOG_EAGAIN) atomic_fetch_add(&self_eagain, 1);
      else if (rc == 0) atomic_fetch_add(&self_ok, 1);
    }
  }
  return 0;
}

Test(overflow, block_from_listener_never_waits, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  c.on_write = write_and_log;
  uvlog_t *log = tiny(UVLOG_OVERFLOW_BLOCK, &c);
  uvlog_default_set(log);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "trigger"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_gt(atomic_load(&self_eagain), 0, "the listener's own log calls were dropped");
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, (uint64_t)atomic_load(&self_eagain));
  uvlog_default_set(NULL);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

#define BLOCK_PER 20000

static void *block_producer(void *p) {
  uvlog_t *log = p;
  for (int i = 0; i < BLOCK_PER; i++)
    cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "b%d", i), 0, "block mode never drops");
  return NULL;
}

Test(overflow, block_waits_then_close_wakes, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = tiny(UVLOG_OVERFLOW_BLOCK, &c);
  cr_assert_eq(uvlog_logger_start(log), 0);
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, block_producer, log);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, 0);
  cr_assert_eq(c.entries, 2 * BLOCK_PER);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* Close while a producer waits for space (block mode, the sink stalled):
 * the producer gets UVLOG_ECLOSED instead of waiting for ever, and every
 * record that was accepted still reaches the sink. */
#include "logger_impl.h"

static atomic_int hold_sink = 1;
static atomic_ulong held_written;

static int held_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  (void)e;
  while (atomic_load(&hold_sink)) sched_yield();
  atomic_fetch_add(&held_written, n);
  return 0;
}

typedef struct {
  uvlog_t *log;
  unsigned long ok, closed;
} blocked_arg_t;

#define BLOCKED_PER 10000

static void *blocked_producer(void *p) {
  blocked_arg_t *a = p;
  for (int i = 0; i < BLOCKED_PER; i++) {
    int rc = LOG(a->log, UVLOG_LEVEL_INFO, "r%d", i);
    if (rc == 0) a->ok++;
    else if (rc == UVLOG_ECLOSED) a->closed++;
    else cr_assert_fail("unexpected %d", rc);
  }
  return NULL;
}

static void *closer(void *p) {
  cr_assert_eq(uvlog_logger_close(p), 0);
  return NULL;
}

Test(overflow, close_releases_blocked_producers, .timeout = 60) {
  static const uvlog_sink_vtable_t vt = {"held", NULL, held_write, NULL, NULL, NULL};
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 256;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  uvlog_t *log;
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  blocked_arg_t a = {log, 0, 0};
  pthread_t prod, cl;
  pthread_create(&prod, NULL, blocked_producer, &a);
  uvlog_stats_t st;
  do { /* the sink holds the first batch; wait for the ring to fill */
    sched_yield();
    uvlog_logger_stats(log, &st);
  } while (st.queue_bytes < 4096 / 2);
  pthread_create(&cl, NULL, closer, log);
  while (!ring_is_closed(&log->ring)) sched_yield();
  atomic_store(&hold_sink, 0);
  pthread_join(prod, NULL);
  pthread_join(cl, NULL);
  cr_assert_eq(a.ok + a.closed, BLOCKED_PER);
  cr_assert_gt(a.closed, 0, "the waiting producer was released by close");
  cr_assert_eq(atomic_load(&held_written), a.ok, "every accepted record was written");
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.dropped, 0);
  uvlog_logger_destroy(log);
}
