/*
 * test_hotpath.c -- the producer path makes no heap allocation.
 *
 * This executable interposes malloc/calloc/realloc/free (forwarding to
 * glibc's __libc_* entry points) and counts the calls made by the current
 * thread while it is counting. After a warm-up call, N log calls (short,
 * long, truncated, raw text, filtered, dropped) must allocate nothing.
 * Sanitizers bring their own allocator: there the check is skipped.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "uvlog.h"

#include "interpose.h"

static _Thread_local volatile int counting; /* volatile: the compiler assumes malloc() touches no globals */
static _Thread_local volatile unsigned long allocs;

#ifndef NO_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t n) {
  if (counting) allocs++;
  return __libc_malloc(n);
}
void *calloc(size_t a, size_t b) {
  if (counting) allocs++;
  return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n) {
  if (counting) allocs++;
  return __libc_realloc(p, n);
}
void free(void *p) {
  if (counting && p) allocs++;
  __libc_free(p);
}
#endif

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

Test(hotpath, interposer_works) {
#ifdef NO_INTERPOSE
  cr_log_info("sanitizer build: allocation counting skipped");
#else
  counting = 1;
  allocs = 0;
  void *volatile p = malloc(16);
  free(p);
  counting = 0;
  cr_assert_eq(allocs, 2, "the counter sees this thread's malloc and free (%lu)", allocs);
#endif
}

Test(hotpath, log_calls_do_not_allocate) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 1 << 16;
  o.max_record = 2048;
  o.level = UVLOG_LEVEL_DEBUG;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  char big[4000];
  memset(big, 'y', sizeof(big) - 1);
  big[sizeof(big) - 1] = 0;

  /* Warm-up: the thread id cache, stdio's first use. */
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "warm %d %s %f", 1, "up", 1.5), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);

  int ok = 0;
  counting = 1;
  allocs = 0;
  for (int i = 0; i < 200; i++) {
    ok += LOG(log, UVLOG_LEVEL_INFO, "short %d %s %.3f", i, "str", i * 0.5) == 0;
    ok += LOG(log, UVLOG_LEVEL_WARNING, "long %.1000s", big) == 0;       /* > stack buffer */
    ok += LOG(log, UVLOG_LEVEL_ERROR, "huge %s", big) == 0;             /* truncated */
    ok += uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, big, 100) == 0;
    ok += LOG(log, UVLOG_LEVEL_TRACE, "filtered %d", i) == UVLOG_EFILTERED;
    if (i % 10 == 9) {
      counting = 0;
      uvlog_logger_flush(log, -1); /* keep the ring from filling (drop mode) */
      counting = 1;
    }
  }
  counting = 0;
  cr_assert_eq(ok, 200 * 5, "every call did what it should (%d)", ok);
#ifndef NO_INTERPOSE
  cr_assert_eq(allocs, 0, "%lu allocations on the producer path", allocs);
#endif
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 1 + 200 * 4);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(hotpath, dropping_does_not_allocate) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 512;
  uvlog_t *log;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "warm"), 0);
  int dropped = 0;
  counting = 1;
  allocs = 0;
  for (int i = 0; i < 500; i++) dropped += LOG(log, UVLOG_LEVEL_INFO, "fill %d", i) == UVLOG_EAGAIN;
  counting = 0;
  cr_assert_gt(dropped, 0);
#ifndef NO_INTERPOSE
  cr_assert_eq(allocs, 0, "%lu allocations on the drop path", allocs);
#endif
  uvlog_logger_destroy(log);
  capture_free(&c);
}
