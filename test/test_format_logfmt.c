/*
 * test_format_logfmt.c -- the LOGFMT format: the exact line for a plain and
 * a fully structured record, and every quoting rule for values and keys
 * (quotes, spaces, '=', control bytes, ill-formed UTF-8, empty), numbers
 * (NaN, infinities, integral doubles, extremes), null, duplicate keys.
 */
#include "format_fixture.h"

static char *logfmt(const uvlog_entry_t *e) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_LOGFMT);
  return ff_render(&fo, e);
}

static void expect_logfmt(const uvlog_entry_t *e, const char *want) {
  char *got = logfmt(e);
  cr_expect_str_eq(got, want);
  free(got);
}

/* The pairs after "time=... level=info msg=m " for one field. */
static void expect_value(uvlog_field_t fl, const char *want_pair) {
  uvlog_entry_t e = ff_entry("m");
  e.fields = &fl;
  e.n_fields = 1;
  char want[512];
  snprintf(want, sizeof want, "time=2026-11-22T02:32:48.123456Z level=info msg=m %s\n", want_pair);
  expect_logfmt(&e, want);
}

Test(format_logfmt, plain_record) {
  uvlog_entry_t e = ff_entry("hello world");
  expect_logfmt(&e, "time=2026-11-22T02:32:48.123456Z level=info msg=\"hello world\"\n");
  e = ff_entry("");
  e.level = UVLOG_LEVEL_WARNING;
  e.flags = UVLOG_ENTRY_TRUNCATED;
  expect_logfmt(&e, "time=2026-11-22T02:32:48.123456Z level=warning msg=\"\" truncated=true\n");
  e.msg = NULL;
  e.msg_len = 0;
  e.flags = 0;
  e.level = (uvlog_level_t)42;
  expect_logfmt(&e, "time=2026-11-22T02:32:48.123456Z level=? msg=\"\"\n");
}

Test(format_logfmt, structured_record) {
  uvlog_entry_t e = ff_full("hello");
  expect_logfmt(&e, "time=2026-11-22T02:32:48.123456Z level=info msg=hello category=http.access "
                    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 "
                    "service.version=1.2.3 deployment.environment=prod request_id=r-17 method=GET path=\"/a b\" status=200 "
                    "bytes=18446744073709551615 duration_s=0.25 cached=false user=null\n");
}

Test(format_logfmt, string_quoting) {
  expect_value(FF_STR("k", "plain"), "k=plain");
  expect_value(FF_STR("k", "h\xc3\xa9llo"), "k=h\xc3\xa9llo");           /* UTF-8 stays bare */
  expect_value(FF_STR("k", "c:\\dir"), "k=c:\\dir");                      /* so does '\' */
  expect_value(FF_STR("k", ""), "k=\"\"");
  expect_value(FF_STR("k", "a b"), "k=\"a b\"");
  expect_value(FF_STR("k", "a=b"), "k=\"a=b\"");
  expect_value(FF_STR("k", "say \"hi\""), "k=\"say \\\"hi\\\"\"");
  expect_value(FF_STR("k", "a\\ \"b\""), "k=\"a\\\\ \\\"b\\\"\"");
  expect_value(FF_STR("k", "l1\nl2\r\t"), "k=\"l1\\nl2\\r\\t\"");
  expect_value(FF_STR("k", "\x01\x7f"), "k=\"\\u0001\\u007f\"");
  expect_value(FF_STR("k", "nul\0x"), "k=\"nul\\u0000x\"");
  expect_value(FF_STR("k", "a\xff" "b\xe2\x82"), "k=\"a\\ufffdb\\ufffd\"");
  uvlog_field_t null_str = {.key = "k", .type = UVLOG_FIELD_STR, .v.str = {NULL, 5}};
  expect_value(null_str, "k=null");
}

Test(format_logfmt, numbers_bools_null) {
  expect_value(FF_INT("k", INT64_MIN), "k=-9223372036854775808");
  expect_value(FF_INT("k", INT64_MAX), "k=9223372036854775807");
  expect_value(FF_UINT("k", UINT64_MAX), "k=18446744073709551615");
  expect_value(FF_DBL("k", 0.1), "k=0.1");
  expect_value(FF_DBL("k", 3.0), "k=3.0");
  expect_value(FF_DBL("k", -0.0), "k=-0.0");
  expect_value(FF_DBL("k", 1e300), "k=1e+300");
  expect_value(FF_DBL("k", 1.0 / 3.0), "k=0.3333333333333333");
  expect_value(FF_DBL("k", NAN), "k=NaN");
  expect_value(FF_DBL("k", INFINITY), "k=+Inf");
  expect_value(FF_DBL("k", -INFINITY), "k=-Inf");
  expect_value(FF_BOOL("k", 1), "k=true");
  expect_value(FF_BOOL("k", 0), "k=false");
  expect_value(FF_NULL("k"), "k=null");
}

Test(format_logfmt, keys_sanitized) {
  expect_value(FF_INT("a b", 1), "a_b=1");
  expect_value(FF_INT("a=b", 1), "a_b=1");
  expect_value(FF_INT("a\"b\n", 1), "a_b_=1");
  expect_value(FF_INT("", 1), "_=1");
  expect_value(FF_INT("h\xc3\xa9", 1), "h\xc3\xa9=1");
  expect_value(FF_INT("http.status_code", 1), "http.status_code=1");
}

Test(format_logfmt, duplicate_and_reserved_keys) {
  /* Context "id"=1 then the call's "id"=2: the call's wins, at its place;
   * fields named like the standard keys get '_'; a constant field the
   * record also has is left out. */
  uvlog_field_t fl[] = {FF_INT("id", 1), FF_STR("msg", "x"), FF_INT("level", 3), FF_INT("id", 2),
                        FF_INT("service", 9)};
  uvlog_field_t res[] = {FF_STR("service", "api"), FF_STR("time", "t")};
  uvlog_entry_t e = ff_entry("m");
  e.fields = fl;
  e.n_fields = 5;
  e.resource = res;
  e.n_resource = 2;
  expect_logfmt(&e, "time=2026-11-22T02:32:48.123456Z level=info msg=m _time=t _msg=x _level=3 id=2 "
                    "service=9\n");
}
