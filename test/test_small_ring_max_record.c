/*
 * test_small_ring_max_record.c -- a small ring with the default max_record
 * (8192, more than a 16 KiB ring's capacity / 8) is accepted, its
 * max_record clamped to capacity / 8; a max_record the user chose that is
 * too large is refused with UVLOG_EINVAL, and uvlog_options_explain() names
 * the option.
 */
#include <criterion/criterion.h>

#include "capture.h"
#include "logger.h"
#include "uvlog.h"

Test(small_ring, default_max_record_follows_the_ring) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 16 * 1024;
  cr_assert_null(uvlog_options_explain(&o));
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0, "a 16 KiB ring with the defaults");
  cr_assert_eq(uvlog__max_record(log), 2048);
  capture_t c;
  capture_init(&c);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  static char big[4000];
  memset(big, 'x', sizeof big - 1);
  cr_assert_eq(UVLOG_INFO_TO(log, "%s", big), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert(strstr(c.text, "[truncated: 3999 bytes]"), "%s", c.text + 2040);
  uvlog_logger_destroy(log);
  capture_free(&c);
  o.ring_capacity = 4096; /* the smallest ring: 512 */
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog__max_record(log), 512);
  uvlog_logger_destroy(log);
}

Test(small_ring, a_wrong_value_of_yours_is_named) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 16 * 1024;
  o.max_record = 4096;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL);
  cr_assert_null(log);
  const char *why = uvlog_options_explain(&o);
  cr_assert_not_null(why);
  cr_assert(strncmp(why, "max_record:", 11) == 0, "%s", why);
  o.max_record = 2048;
  o.ring_capacity = 10000;
  why = uvlog_options_explain(&o);
  cr_assert(why && strncmp(why, "ring_capacity:", 14) == 0);
  o.ring_capacity = 16384;
  o.flush_interval_ms = 0;
  why = uvlog_options_explain(&o);
  cr_assert(why && strncmp(why, "flush_interval_ms:", 18) == 0);
  cr_assert_null(uvlog_options_explain(NULL));
}
