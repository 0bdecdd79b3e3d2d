/*
 * test_ring_create_fast.c -- creating a logger with the largest ring (1 GiB)
 * takes well under a second, not the 4 to 13 s a user-space memset of the
 * buffer took: the ring's zeroed pages come from the kernel (and a ring this
 * large is mapped lazily). The ring still works at both ends of the size
 * range, and at the largest size that is faulted in at create.
 */
#include <criterion/criterion.h>
#include <time.h>

#include "capture.h"
#include "uvlog.h"

static void log_through(size_t capacity) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = capacity;
  o.overflow = UVLOG_OVERFLOW_BLOCK; /* 100 records do not fit in 4 KiB at once */
  uvlog_t *log = NULL;
  double t0 = test_now_s();
  cr_assert_eq(uvlog_logger_create(&log, &o), 0, "%s", uvlog_strerror(UVLOG_ENOMEM));
  double took = test_now_s() - t0;
  cr_assert_lt(took, 1.0, "creating a %zu-byte ring took %.2f s", capacity, took);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 100; i++) cr_assert_eq(UVLOG_INFO_TO(log, "record %d", i), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.entries, 100);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(ring, largest_ring_is_created_fast, .timeout = 60) { log_through((size_t)1 << 30); }

Test(ring, smallest_ring_works, .timeout = 60) { log_through(4096); }

Test(ring, largest_populated_ring_is_created_fast, .timeout = 60) {
  log_through((size_t)64 << 20);
}
