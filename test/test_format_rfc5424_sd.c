/*
 * test_format_rfc5424_sd.c -- RFC 5424 structured data: the fields as
 * SD-PARAMs of one SD-ELEMENT under the configured SD-ID (default
 * UVLOG_DEFAULT_SD_ID), trace ids as params, the escaping of '"', '\' and
 * ']' in values, ill-formed UTF-8 replaced, PARAM-NAMEs sanitized (never
 * dropped) to the 1..32 printable-ASCII rule, and the SD-ID validation.
 */
#include "format_fixture.h"

#define HEAD "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - "

static void expect_sd(const char *sd_id, const uvlog_entry_t *e, const char *want) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_RFC5424);
  fo.sd_id = sd_id;
  ff_expect(&fo, e, want);
}

/* The SD part for one field under the default SD-ID, message "m". */
static void expect_param(uvlog_field_t fl, const char *want_param) {
  uvlog_entry_t e = ff_entry("m");
  e.fields = &fl;
  e.n_fields = 1;
  char want[512];
  snprintf(want, sizeof want, HEAD "[uvlog@32473 %s] m", want_param);
  expect_sd(NULL, &e, want);
}

Test(format_rfc5424_sd, structured_record) {
  uvlog_entry_t e = ff_full("hello");
  expect_sd(NULL, &e,
            HEAD "[uvlog@32473 trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\" span_id=\"00f067aa0ba902b7\" "
                 "request_id=\"r-17\" method=\"GET\" path=\"/a b\" status=\"200\" "
                 "bytes=\"18446744073709551615\" duration_s=\"0.25\" cached=\"false\" user=\"\"] hello");
  /* A custom SD-ID; trace only; nothing: "-". */
  e = ff_entry("hello");
  ff_set_trace(&e);
  expect_sd("myapp@12345.1", &e,
            HEAD "[myapp@12345.1 trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\" span_id=\"00f067aa0ba902b7\"] hello");
  e = ff_entry("hello");
  expect_sd("myapp@12345", &e, HEAD "- hello");
  /* An empty message still drops the space after the SD. */
  uvlog_field_t one[] = {FF_INT("n", 1)};
  e = ff_entry("");
  e.fields = one;
  e.n_fields = 1;
  expect_sd(NULL, &e, HEAD "[uvlog@32473 n=\"1\"]");
}

Test(format_rfc5424_sd, value_escaping) {
  expect_param(FF_STR("k", "a\"b\\c]d"), "k=\"a\\\"b\\\\c\\]d\"");
  expect_param(FF_STR("k", "[x] = y"), "k=\"[x\\] = y\"");
  expect_param(FF_STR("k", "h\xc3\xa9 \xe2\x9c\x93"), "k=\"h\xc3\xa9 \xe2\x9c\x93\"");
  expect_param(FF_STR("k", "bad\xff" "x\xe2\x82"), "k=\"bad\xef\xbf\xbdx\xef\xbf\xbd\"");
  expect_param(FF_STR("k", ""), "k=\"\"");
  expect_param(FF_DBL("k", NAN), "k=\"NaN\"");
  expect_param(FF_DBL("k", -INFINITY), "k=\"-Inf\"");
  expect_param(FF_DBL("k", 1.0), "k=\"1.0\"");
  expect_param(FF_INT("k", -5), "k=\"-5\"");
  expect_param(FF_BOOL("k", 1), "k=\"true\"");
  expect_param(FF_NULL("k"), "k=\"\"");
}

Test(format_rfc5424_sd, param_names_sanitized) {
  expect_param(FF_INT("a b", 1), "a_b=\"1\"");
  expect_param(FF_INT("x=y", 1), "x_y=\"1\"");
  expect_param(FF_INT("q\"]", 1), "q__=\"1\"");
  expect_param(FF_INT("h\xc3\xa9", 1), "h__=\"1\"");
  expect_param(FF_INT("", 1), "_=\"1\"");
  expect_param(FF_INT("tab\there", 1), "tab_here=\"1\"");
  /* 40 bytes: cut to the 32 RFC 5424 allows. */
  expect_param(FF_INT("abcdefghijklmnopqrstuvwxyz0123456789ABCD", 1),
               "abcdefghijklmnopqrstuvwxyz012345=\"1\"");
  expect_param(FF_INT("abcdefghijklmnopqrstuvwxyz012345", 1), "abcdefghijklmnopqrstuvwxyz012345=\"1\"");
  expect_param(FF_INT("http.status_code@x", 1), "http.status_code@x=\"1\"");
}

Test(format_rfc5424_sd, duplicate_keys_later_wins) {
  uvlog_field_t fl[] = {FF_INT("id", 1), FF_INT("n", 2), FF_INT("id", 3)};
  uvlog_entry_t e = ff_entry("m");
  e.fields = fl;
  e.n_fields = 3;
  expect_sd(NULL, &e, HEAD "[uvlog@32473 n=\"2\" id=\"3\"] m");
}

Test(format_rfc5424_sd, sd_id_validation) {
  static const char *const good[] = {"ourSDID@32473", "a@1", "x@1.2.3", "n@0", UVLOG_DEFAULT_SD_ID,
                                     "abcdefghijklmnopqrstuvwxyz@12345" /* 32 bytes */};
  static const char *const bad[] = {"",     "nope",  "@123",   "a@",      "a@b",   "a@1.",
                                    "a@.1", "a@1..2", "a b@1", "a=b@1",   "a]@1",  "a\"@1",
                                    "a@1@2", "abcdefghijklmnopqrstuvwxyz@123456" /* 33 */,
                                    "\xc3\xa9@1", "a@-1", "a\n@1"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_RFC5424);
    fo.sd_id = good[i];
    cr_expect_eq(ff_init_rc(&fo), 0, "SD-ID \"%s\" refused", good[i]);
  }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_RFC5424);
    fo.sd_id = bad[i];
    cr_expect_eq(ff_init_rc(&fo), UVLOG_EINVAL, "SD-ID \"%s\" accepted", bad[i]);
  }
}
