/*
 * test_lossless.c -- block mode under contention: 4 producer threads x
 * 250 000 records through a 64 KiB ring. Every record reaches the sink
 * exactly once and in per-thread order.
 *
 * UVLOG_TEST_LOSSLESS_PER (env) scales the per-thread count down for slow
 * sanitizer builds; the default is the full 250 000.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

#define THREADS 4
#define DEFAULT_PER 250000

typedef struct checker {
  unsigned long next[THREADS]; /* next expected sequence number per thread */
  unsigned long total;
  unsigned long bad;           /* out of order, duplicated or malformed */
  char first_bad[128];
} checker_t;

/* Listener thread only; read by the test after close (joined). */
static int check_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  checker_t *ck = uvlog_sink_data(s);
  for (size_t i = 0; i < n; i++) {
    unsigned id;
    unsigned long seq;
    char line[128];
    size_t k = e[i].text_len < sizeof(line) - 1 ? e[i].text_len : sizeof(line) - 1;
    memcpy(line, e[i].text, k);
    line[k] = 0;
    if (sscanf(line, "p%u s%lu", &id, &seq) != 2 || id >= THREADS || seq != ck->next[id]) {
      if (!ck->bad++) snprintf(ck->first_bad, sizeof(ck->first_bad), "%s", line);
      continue;
    }
    ck->next[id]++;
    ck->total++;
  }
  return 0;
}

static int check_flush(uvlog_sink_t *s) {
  (void)s;
  return 0;
}

static const uvlog_sink_vtable_t check_vt = {"check", NULL, check_write, check_flush, NULL, NULL};

typedef struct {
  uvlog_t *log;
  unsigned id;
  unsigned long per;
} prod_t;

static void *producer(void *p) {
  prod_t *a = p;
  for (unsigned long seq = 0; seq < a->per; seq++) {
    int rc = uvlog_log(a->log, UVLOG_LEVEL_INFO, __FILE__, __LINE__, __func__, "p%u s%lu", a->id,
                       seq);
    if (rc != 0) cr_assert_fail("producer %u seq %lu: %s", a->id, seq, uvlog_strerror(rc));
  }
  return NULL;
}

Test(lossless, four_producers_block_mode, .timeout = 120) {
  unsigned long per = DEFAULT_PER;
  const char *env = getenv("UVLOG_TEST_LOSSLESS_PER");
  if (env && *env) per = strtoul(env, NULL, 10);

  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 64 * 1024;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  checker_t ck;
  memset(&ck, 0, sizeof(ck));
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &check_vt, &ck), 0);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%m";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);

  pthread_t th[THREADS];
  prod_t args[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    args[i] = (prod_t){log, i, per};
    pthread_create(&th[i], NULL, producer, &args[i]);
  }
  for (unsigned i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);

  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_log_info("%lu records, ring high water %llu of %llu", ck.total,
              (unsigned long long)st.queue_high_water, (unsigned long long)st.queue_capacity);
  cr_assert_eq(ck.bad, 0, "%lu bad records, first: %s", ck.bad, ck.first_bad);
  for (unsigned i = 0; i < THREADS; i++) cr_assert_eq(ck.next[i], per, "thread %u", i);
  cr_assert_eq(ck.total, THREADS * per);
  cr_assert_eq(st.dropped, 0);
  cr_assert_eq(st.records, THREADS * per);
  cr_assert_eq(st.sink_written, THREADS * per);
  uvlog_logger_destroy(log);
}
