/*
 * test_category_runtime_level.c -- a category's level changes at run time
 * from another thread while threads log to it (rules and handle levels);
 * the loggers see the new level, and nothing races (run under TSan).
 */
#include <stdatomic.h>

#include "category_fixture.h"

typedef struct run {
  uvlog_t *cat;
  _Atomic int stop;
  _Atomic long passed, filtered;
} run_t;

static void *producer(void *arg) {
  run_t *r = arg;
  while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
    int rc = UVLOG_DEBUG_TO(r->cat, "tick %d", 1);
    if (rc == 0) atomic_fetch_add_explicit(&r->passed, 1, memory_order_relaxed);
    else if (rc == UVLOG_EFILTERED) atomic_fetch_add_explicit(&r->filtered, 1, memory_order_relaxed);
  }
  return NULL;
}

Test(category_runtime_level, changed_from_another_thread_while_logging) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  run_t r = {0};
  cr_assert_eq(uvlog_category_get(log, "db.pool", &r.cat), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, producer, &r);
  for (int round = 0; round < 20; round++) {
    cr_assert_eq(uvlog_logger_set_level_rules(log, round % 2 ? "db=error" : "db=debug"), 0);
    cr_assert_eq(uvlog_logger_set_level(r.cat, round % 2 ? UVLOG_LEVEL_DEBUG : UVLOG_LEVEL_ERROR), 0);
    uvlog_t *made = NULL; /* categories made while others log */
    char name[32];
    snprintf(name, sizeof name, "made.%d", round);
    cr_assert_eq(uvlog_category_get(log, name, &made), 0);
    UVLOG_INFO_TO(made, "made %d", round);
  }
  cr_assert_eq(uvlog_logger_set_level_rules(log, "db=error"), 0);
  long f0 = atomic_load(&r.filtered);
  double t0 = test_now_s();
  while (atomic_load(&r.filtered) < f0 + 1000 && test_now_s() - t0 < 60) test_sleep_ms(1);
  cr_assert_geq(atomic_load(&r.filtered), f0 + 1000, "the producers see ERROR");
  /* Each change is seen by the other threads: debug again, then error. */
  cr_assert_eq(uvlog_logger_set_level(r.cat, UVLOG_LEVEL_DEBUG), 0);
  long p0 = atomic_load(&r.passed);
  t0 = test_now_s();
  while (atomic_load(&r.passed) < p0 + 100 && test_now_s() - t0 < 60) test_sleep_ms(1);
  cr_assert_geq(atomic_load(&r.passed), p0 + 100, "the producers see DEBUG");
  atomic_store(&r.stop, 1);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_flush(log, 30000), 0);
  cr_assert_eq(capture_count(&c, "made.19|INFO|made 19"), 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
