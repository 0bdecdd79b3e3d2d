/*
 * test_traceparent.c -- uvlog_traceparent_parse() accepts exactly the W3C
 * traceparent values a receiver must accept (version 00 of 55 bytes,
 * lowercase hex, non-zero ids; a later version with more after a '-'),
 * rejects the rest, and round-trips with uvlog_traceparent_format(); a
 * context's trace reaches the entry (UVLOG_ENTRY_TRACE) and is inherited
 * by a child context.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fields_capture.h"
#include "uvlog.h"

#define GOOD "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

static int parse(const char *s, uvlog_trace_t *t) { return uvlog_traceparent_parse(s, strlen(s), t); }

Test(traceparent, valid) {
  uvlog_trace_t t;
  memset(&t, 0, sizeof t);
  cr_assert_eq(parse(GOOD, &t), 0);
  cr_assert_eq(t.trace_id[0], 0x4b);
  cr_assert_eq(t.trace_id[15], 0x36);
  cr_assert_eq(t.span_id[0], 0x00);
  cr_assert_eq(t.span_id[7], 0xb7);
  cr_assert_eq(t.flags, 1);
  char buf[UVLOG_TRACEPARENT_LEN + 1];
  cr_assert_eq(uvlog_traceparent_format(&t, buf, sizeof buf), 0);
  cr_assert_str_eq(buf, GOOD);
  cr_assert_eq(parse("  " GOOD "\t", &t), 0, "surrounding blanks are ignored");
  cr_assert_eq(parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", &t), 0);
  cr_assert_eq(parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-ever", &t), 0,
               "a later version may carry more after a '-'");
  cr_assert_eq(t.flags, 9);
}

Test(traceparent, invalid) {
  static const char *bad[] = {
      "",
      "00",
      GOOD "0",                                                   /* 00 is exactly 55 */
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",   /* short flags */
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* version ff */
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  /* uppercase */
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  /* zero trace id */
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  /* zero parent id */
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  /* separator */
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  /* not hex */
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", /* later version: '-' needed */
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b70-1",
  };
  uvlog_trace_t t, before;
  memset(&t, 0xab, sizeof t);
  before = t;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cr_assert_eq(parse(bad[i], &t), UVLOG_EINVAL, "accepted \"%s\"", bad[i]);
    cr_assert_eq(memcmp(&t, &before, sizeof t), 0, "*out written for \"%s\"", bad[i]);
  }
  cr_assert_eq(uvlog_traceparent_parse(NULL, 55, &t), UVLOG_EINVAL);
  cr_assert_eq(uvlog_traceparent_parse(GOOD, 55, NULL), UVLOG_EINVAL);
  cr_assert_eq(uvlog_traceparent_parse(GOOD, 54, &t), UVLOG_EINVAL, "a cut header");
  char small[UVLOG_TRACEPARENT_LEN];
  cr_assert_eq(uvlog_traceparent_format(&t, small, sizeof small), UVLOG_EINVAL);
}

Test(traceparent, context_trace_reaches_entry) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  uvlog_trace_t t;
  cr_assert_eq(parse(GOOD, &t), 0);
  uvlog_ctx_t *req = NULL, *child = NULL, *plain = NULL;
  cr_assert_eq(uvlog_ctx_create(&req, NULL, &t, UVLOG_FIELDS(UVLOG_F("request_id", 7))), 0);
  cr_assert_eq(uvlog_ctx_create(&child, req, NULL, UVLOG_FIELDS(UVLOG_F("user", "ann"))), 0);
  cr_assert_eq(uvlog_ctx_create(&plain, NULL, NULL, NULL, 0), 0);
  uvlog_trace_t got;
  cr_assert_eq(uvlog_ctx_trace(child, &got), 0);
  cr_assert_eq(memcmp(&got, &t, sizeof t), 0);
  cr_assert_eq(uvlog_ctx_trace(plain, &got), UVLOG_EINVAL);
  UVLOG_INFO_KV_TO(log, req, "a");
  UVLOG_INFO_KV_TO(log, child, "b", UVLOG_F("n", 1));
  UVLOG_INFO_KV_TO(log, plain, "c");
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.n, 3);
  cr_assert_str_eq(c.lines[0], "a|request_id=i:7|trace=4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7");
  cr_assert_str_eq(c.lines[1],
                   "b|request_id=i:7|user=s:ann|n=i:1|trace=4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7");
  cr_assert_str_eq(c.lines[2], "c");
  uvlog_ctx_release(&req);
  uvlog_ctx_release(&child);
  uvlog_ctx_release(&plain);
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
