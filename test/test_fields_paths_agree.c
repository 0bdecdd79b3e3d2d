/*
 * test_fields_paths_agree.c -- the deferred path (a _KV macro: values
 * copied, nothing formatted on the caller) and the preformatting path
 * (uvlog_log_fields() with UVLOG_FIELDS() or the uvlog_field_*()
 * constructors) give the sink the same fields, in the same order, with the
 * same types, the context's first.
 */
#include <criterion/criterion.h>
#include <stdbool.h>

#include "fields_capture.h"
#include "uvlog.h"

Test(fields_paths_agree, kv_macro_and_function_form) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  cr_assert_not_null(log);
  uvlog_ctx_t *ctx = NULL;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL,
                                UVLOG_FIELDS(UVLOG_F("request_id", "r-1"), UVLOG_F("peer", "10.0.0.7"))),
               0);
  const char *method = "GET";
  int status = 404;
  unsigned long long bytes = 1234;
  double ms = 1.5;
  cr_assert_eq(UVLOG_INFO_KV_TO(log, ctx, "request", UVLOG_F("method", method),
                                UVLOG_F("status", status), UVLOG_F("bytes", bytes),
                                UVLOG_F("ms", ms), UVLOG_F("cached", (bool)0),
                                UVLOG_F_NULL("user")),
               0);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, ctx, __FILE__, __LINE__, __func__,
                                UVLOG_FIELDS(UVLOG_F("method", method), UVLOG_F("status", status),
                                             UVLOG_F("bytes", bytes), UVLOG_F("ms", ms),
                                             UVLOG_F("cached", (bool)0), UVLOG_F_NULL("user")),
                                "%s", "request"),
               0);
  const uvlog_field_t arr[] = {uvlog_field_str("method", method), uvlog_field_int("status", status),
                               uvlog_field_uint("bytes", bytes), uvlog_field_double("ms", ms),
                               uvlog_field_bool("cached", 0), uvlog_field_null("user")};
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, ctx, NULL, 0, NULL, arr, 6, "re%s", "quest"),
               0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.n, 3);
  const char *want = "request|request_id=s:r-1|peer=s:10.0.0.7|method=s:GET|status=i:404"
                     "|bytes=u:1234|ms=d:1.5|cached=b:0|user=n:";
  for (size_t i = 0; i < 3; i++) cr_assert_str_eq(c.lines[i], want, "line %zu", i);
  uvlog_ctx_release(&ctx);
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
