/*
 * test_format_spec_bounds.c -- hostile format specs: a precision of twenty
 * digits must not overflow the spec parser (signed overflow: UBSan), and a
 * huge width or precision from an argument ("%-*d" with 1814242560) must
 * not make the listener render gigabytes: the message is cut to max_record
 * with the usual marker, which still counts the bytes printf would have
 * produced.
 */
#include <criterion/criterion.h>

#include "buf.h"
#include "capture.h"
#include "deferred.h"
#include "render.h"
#include "spec.h"
#include "uvlog.h"

#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

Test(spec_bounds, long_digit_strings_do_not_overflow) {
  uvlog_site_cache_t plan;
  cr_assert_eq(uvlog__deferred_plan("%.99999999999999999999d", &plan), 0);
  cr_assert_eq(uvlog__deferred_plan("%99999999999999999999d", &plan), 0);
  cr_assert_eq(uvlog__deferred_plan("%.999999999d", &plan), 1, "9 digits are accepted");
  spec_t sp;
  cr_assert_eq(uvlog__parse_spec("%.99999999999999999999999999999999999999d", &sp), 0);
  uvlog_buf_t out = {0};
  unsigned char data[16] = {1, UVLOG_ARG_SINT | 4u};
  uvlog__render_data("%.99999999999999999999d", data, sizeof data, 1024, &out);
  uvlog_buf_putc(&out, 0);
  cr_assert_str_eq(out.data, "<uvlog: unsupported format>");
  uvlog_buf_free(&out);
}

static uvlog_t *make(capture_t *c, size_t max_record) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.max_record = max_record;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

Test(spec_bounds, huge_star_width_is_bounded) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(&c, 1024);
  cr_assert_eq(UVLOG_INFO_TO(log, "%-*d|", 1814242560, 5), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "%*d|", -1814242560, 6), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "%.*d|", 2000000000, 7), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "%.*f|", 2000000000, 0.5), 0);
  cr_assert_eq(UVLOG_INFO_TO(log, "%999999999d|", 8), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.entries, 5);
  /* Each line: "INFO " + 1024 bytes + the marker + "\n". */
  cr_assert_lt(c.len, 5 * (5 + 1024 + 64));
  cr_assert(strstr(c.text, "INFO 5    "), "left-justified");
  cr_assert(strstr(c.text, "[truncated: 1814242561 bytes]"), "width + '|'");
  cr_assert(strstr(c.text, "INFO 6    "), "a negative width left-justifies");
  cr_assert(strstr(c.text, "INFO 0000"), "zero-padded precision");
  cr_assert(strstr(c.text, "[truncated: 2000000001 bytes]"), "precision + '|'");
  cr_assert(strstr(c.text, "INFO 0.5000"), "%%.*f");
  cr_assert(strstr(c.text, "[truncated: 2000000003 bytes]"), "0. + precision + '|'");
  cr_assert(strstr(c.text, "[truncated: 1000000000 bytes]"), "a literal width");
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.truncated, 5);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
