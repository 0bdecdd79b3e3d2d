/*
 * test_format_text_tokens.c -- the TEXT pattern conversions of uvlog 0.3:
 * timestamp specs (UTC/local with offset, s/ms/us/ns, epoch counts), width
 * and alignment, category, thread name, procid, and the fields as
 * key=value (%k, %K); and every malformed conversion is UVLOG_EINVAL.
 * Golden strings, hand-built entries.
 */
#include <time.h>

#include "format_fixture.h"

static void expect_pattern(const char *pattern, const uvlog_entry_t *e, const char *want) {
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_TEXT);
  fo.pattern = pattern;
  char *got = ff_render(&fo, e);
  cr_expect_str_eq(got, want, "pattern \"%s\"", pattern);
  free(got);
}

Test(format_text_tokens, utc_precisions) {
  uvlog_entry_t e = ff_entry("m");
  expect_pattern("%t", &e, "2026-11-22T02:32:48.123456Z\n");
  expect_pattern("%{s}t", &e, "2026-11-22T02:32:48Z\n");
  expect_pattern("%{ms}t", &e, "2026-11-22T02:32:48.123Z\n");
  expect_pattern("%{us}t", &e, "2026-11-22T02:32:48.123456Z\n");
  expect_pattern("%{ns}t", &e, "2026-11-22T02:32:48.123456789Z\n");
  expect_pattern("%{utc,ms}t", &e, "2026-11-22T02:32:48.123Z\n");
  expect_pattern("%{ms,utc}t", &e, "2026-11-22T02:32:48.123Z\n");
  e.ts_ns = -1; /* floor: the last nanosecond of 1969 */
  expect_pattern("%{ns}t %{s}t", &e, "1969-12-31T23:59:59.999999999Z 1969-12-31T23:59:59Z\n");
}

Test(format_text_tokens, epoch_counts) {
  uvlog_entry_t e = ff_entry("m");
  expect_pattern("%{epoch}t %{epoch,s}t %{epoch,ms}t %{epoch,us}t %{epoch,ns}t", &e,
                 "1795314768 1795314768 1795314768123 1795314768123456 1795314768123456789\n");
  e.ts_ns = -1; /* floor, not toward zero */
  expect_pattern("%{epoch}t %{epoch,ms}t %{epoch,ns}t", &e, "-1 -1 -1\n");
  e.ts_ns = 0;
  expect_pattern("%{epoch,ms}t", &e, "0\n");
}

Test(format_text_tokens, local_time_with_offset) {
  uvlog_entry_t e = ff_entry("m");
  setenv("TZ", "CET-1", 1); /* POSIX TZ: UTC+1, no DST */
  tzset();
  expect_pattern("%{local}t", &e, "2026-11-22T03:32:48.123456+01:00\n");
  expect_pattern("%{local,ms}t|%{s,local}t", &e, "2026-11-22T03:32:48.123+01:00|2026-11-22T03:32:48+01:00\n");
  /* A negative, non-hour offset; another second, so the per-second cache
   * is rebuilt. */
  setenv("TZ", "XST+3:30", 1);
  tzset();
  e.ts_ns += 1000000000;
  expect_pattern("%{local,ns}t", &e, "2026-11-21T23:02:49.123456789-03:30\n");
  unsetenv("TZ");
  tzset();
}

Test(format_text_tokens, width_and_alignment) {
  uvlog_entry_t e = ff_full("m");
  expect_pattern("[%-8l][%8l][%L][%3l]", &e, "[INFO    ][    INFO][INFO    ][INFO]\n");
  expect_pattern("[%-12c][%12N][%5T][%-5T][%3T]", &e, "[http.access ][    worker-1][ 4242][4242 ][4242]\n");
  expect_pattern("[%6n][%-6u][%8f][%2m]", &e, "[    77][run   ][  main.c][ m]\n");
  expect_pattern("[%30{ms}t]", &e, "[      2026-11-22T02:32:48.123Z]\n");
  /* Columns are UTF-8 characters, not bytes. */
  e.category = "h\xc3\xa9";
  expect_pattern("[%4c][%-4c]", &e, "[  h\xc3\xa9][h\xc3\xa9  ]\n");
  /* The padding stays outside the colour. */
  uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_TEXT);
  fo.pattern = "%8l|%-6l|";
  fo.color = 1;
  ff_expect(&fo, &e, "    \x1b[32mINFO\x1b[0m|\x1b[32mINFO\x1b[0m  |\n");
  /* A width of 256 columns, the most. */
  char want[300];
  memset(want, ' ', 255);
  memcpy(want + 255, "m\n", 3);
  expect_pattern("%256m", &e, want);
}

Test(format_text_tokens, category_thread_procid) {
  uvlog_entry_t e = ff_full("m");
  expect_pattern("%c %N %P %T", &e, "http.access worker-1 1234 4242\n");
  e.category = NULL;
  e.thread_name = NULL;
  expect_pattern("%c %N", &e, "- -\n");
  e.category = "a\nb";
  e.thread_name = "t\\1";
  expect_pattern("%c %N", &e, "a\\nb t\\\\1\n");
}

Test(format_text_tokens, fields_as_key_value) {
  uvlog_entry_t e = ff_full("m");
  expect_pattern("%m %k | %K", &e,
                 "m request_id=r-17 method=GET path=\"/a b\" status=200 bytes=18446744073709551615 "
                 "duration_s=0.25 cached=false user=null | service.version=1.2.3 deployment.environment=prod\n");
  e.fields = NULL;
  e.n_fields = 0;
  e.resource = NULL;
  e.n_resource = 0;
  expect_pattern("[%k][%K]", &e, "[][]\n");
  /* A '"' or a space in a value is quoted and escaped; the line stays one
   * line whatever the value holds. */
  uvlog_field_t hard[] = {FF_STR("q", "say \"hi\""), FF_STR("nl", "a\nb"), FF_STR("empty", ""),
                          FF_STR("k=v", "x=y"), FF_STR("bs", "c:\\dir")};
  e.fields = hard;
  e.n_fields = 5;
  expect_pattern("%k", &e, "q=\"say \\\"hi\\\"\" nl=\"a\\nb\" empty=\"\" k_v=\"x=y\" bs=c:\\dir\n");
  /* Width applies to the whole list. */
  uvlog_field_t one[] = {FF_INT("n", 1)};
  e.fields = one;
  e.n_fields = 1;
  expect_pattern("[%-6k]", &e, "[n=1   ]\n");
}

Test(format_text_tokens, bad_conversions_einval) {
  static const char *const bad[] = {
      "%{x}t",     "%{ms}l",  "%0l",     "%257l",     "%-l",       "%{epoch,local}t", "%{ms,ms}t",
      "%{}t",      "%{ms",    "%{ms}",   "%-08l",     "%5L",       "%{utc,local}t",   "%q",
      "%k%",       "%{,ms}t", "%{ms,}t", "%{MS}t",    "%{epoch,epoch}t", "%-", "%99999999999l", "%{ms}30t"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_TEXT);
    fo.pattern = bad[i];
    cr_expect_eq(ff_init_rc(&fo), UVLOG_EINVAL, "pattern \"%s\" accepted", bad[i]);
  }
  static const char *const good[] = {"%256l", "%{epoch,us}t", "%{local}t", "%1m", "%-1m", "%k%K%c%N%P",
                                     "%%{x}t"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    uvlog_format_options_t fo = ff_options(UVLOG_FORMAT_TEXT);
    fo.pattern = good[i];
    cr_expect_eq(ff_init_rc(&fo), 0, "pattern \"%s\" refused", good[i]);
  }
}
