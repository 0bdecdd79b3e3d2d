/*
 * test_format.c -- the formatters (src/format/) on their own: option checks,
 * TEXT patterns and escaping, colours, RFC 3339 timestamps, JSON, RFC 5424
 * and RFC 3164. Every expected output is an exact string.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format/format.h"

/* 2026-11-22T02:32:48.123456789Z */
#define FIXED_TS (INT64_C(1795314768) * 1000000000 + 123456789)

static uvlog_entry_t fixed_entry(const char *msg) {
  uvlog_entry_t e;
  memset(&e, 0, sizeof e);
  e.ts_ns = FIXED_TS;
  e.tid = 4242;
  e.level = UVLOG_LEVEL_INFO;
  e.file = "src/dir/main.c";
  e.func = "run";
  e.line = 77;
  e.msg = msg;
  e.msg_len = strlen(msg);
  return e;
}

/* Renders `e` with `f` into a NUL-terminated malloc'd string (*len bytes
 * before the NUL, which may contain NULs themselves). */
static char *render_len(const uvlog_formatter_t *f, const uvlog_entry_t *e, size_t *len) {
  uvlog_buf_t b = {0};
  uvlog_formatter_format(f, e, &b);
  cr_assert_eq(b.oom, 0);
  uvlog_buf_putc(&b, '\0');
  cr_assert_eq(b.oom, 0);
  if (len) *len = b.len - 1;
  return b.data;
}

static char *render(const uvlog_formatter_t *f, const uvlog_entry_t *e) {
  return render_len(f, e, NULL);
}

/* Compiles a formatter of `kind` (pattern/color for TEXT) with fixed
 * identity fields, so expected strings do not depend on the machine. */
static void make(uvlog_formatter_t *f, uvlog_format_kind_t kind, const char *pattern, int color) {
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = kind;
  fo.pattern = pattern;
  fo.color = color;
  fo.app_name = "app";
  fo.hostname = "host.example";
  fo.procid = "1234";
  cr_assert_eq(uvlog_formatter_init(f, &fo), 0);
}

/* Runs one pattern over the fixed entry and compares. */
static void expect_text(const char *pattern, const uvlog_entry_t *e, const char *want) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_TEXT, pattern, 0);
  char *got = render(&f, e);
  cr_expect_str_eq(got, want, "pattern \"%s\"", pattern ? pattern : "(default)");
  free(got);
  uvlog_formatter_destroy(&f);
}

/* Escapes `in` (n bytes) with uvlog_format_escape(). */
static char *escape(const char *in, size_t n) {
  uvlog_buf_t b = {0};
  uvlog_format_escape(in, n, &b);
  uvlog_buf_putc(&b, '\0');
  cr_assert_eq(b.oom, 0);
  return b.data;
}

static char *rfc3339(int64_t ts_ns) {
  uvlog_buf_t b = {0};
  uvlog_format_rfc3339_utc(ts_ns, &b);
  cr_assert_eq(b.len, 27u, "timestamp is %zu bytes", b.len);
  uvlog_buf_putc(&b, '\0');
  cr_assert_eq(b.oom, 0);
  return b.data;
}

static void expect_ts(int64_t ts_ns, const char *want) {
  char *got = rfc3339(ts_ns);
  cr_expect_str_eq(got, want, "ts_ns %lld", (long long)ts_ns);
  free(got);
}

/* ---- options ------------------------------------------------------------ */

Test(format, options_init_defaults) {
  uvlog_format_options_t fo;
  memset(&fo, 0x5a, sizeof fo);
  uvlog_format_options_init(&fo);
  cr_expect_eq(fo.kind, UVLOG_FORMAT_TEXT);
  cr_expect_null(fo.pattern);
  cr_expect_eq(fo.color, -1);
  cr_expect_eq(fo.facility, 1);
  cr_expect_null(fo.app_name);
  cr_expect_null(fo.hostname);
  cr_expect_null(fo.procid);
  cr_expect_null(fo.msgid);
}

Test(format, init_defaults_identity) {
  uvlog_formatter_t f;
  cr_assert_eq(uvlog_formatter_init(&f, NULL), 0);
  cr_expect_eq(f.kind, UVLOG_FORMAT_TEXT);
  cr_expect_str_eq(f.pattern, UVLOG_DEFAULT_PATTERN);
  cr_expect_eq(f.color_auto, 1);
  cr_expect_eq(f.color, 0);
  cr_expect_eq(f.facility, 1);
  cr_expect_str_eq(f.app_name, program_invocation_short_name);
  char pid[32];
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  cr_expect_str_eq(f.procid, pid);
  char host[300] = "";
  cr_assert_eq(gethostname(host, sizeof host - 1), 0);
  cr_expect_str_eq(f.hostname, host[0] ? host : "-");
  cr_expect_null(f.msgid);
  uvlog_formatter_destroy(&f);
}

Test(format, init_copies_strings) {
  char pat[] = "%m";
  char app[] = "myapp";
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = pat;
  fo.app_name = app;
  fo.color = 1;
  uvlog_formatter_t f;
  cr_assert_eq(uvlog_formatter_init(&f, &fo), 0);
  pat[1] = 'x'; /* would be invalid if the formatter kept the pointer */
  app[0] = 'X';
  cr_expect_str_eq(f.app_name, "myapp");
  cr_expect_eq(f.color, 1);
  cr_expect_eq(f.color_auto, 0);
  uvlog_entry_t e = fixed_entry("hi");
  char *got = render(&f, &e);
  cr_expect_str_eq(got, "\x1b[32mhi\x1b[0m\n");
  free(got);
  uvlog_formatter_destroy(&f);
}

static int init_with(uvlog_format_options_t *fo) {
  uvlog_formatter_t f;
  int r = uvlog_formatter_init(&f, fo);
  uvlog_formatter_destroy(&f); /* safe after failure too */
  return r;
}

Test(format, validation_errors) {
  uvlog_format_options_t fo;
  const char *bad_patterns[] = {"%", "abc %", "%x", "%m %q", "%%%", "%\n", "%M"};
  for (size_t i = 0; i < sizeof bad_patterns / sizeof *bad_patterns; i++) {
    uvlog_format_options_init(&fo);
    fo.pattern = bad_patterns[i];
    cr_expect_eq(init_with(&fo), UVLOG_EINVAL, "pattern \"%s\"", bad_patterns[i]);
  }
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_JSON;
  fo.pattern = "%z"; /* a pattern given to another kind is still checked */
  cr_expect_eq(init_with(&fo), UVLOG_EINVAL);

  int bad_facility[] = {-1, 24, 1000};
  for (size_t i = 0; i < 3; i++) {
    uvlog_format_options_init(&fo);
    fo.facility = bad_facility[i];
    cr_expect_eq(init_with(&fo), UVLOG_EINVAL, "facility %d", bad_facility[i]);
  }
  uvlog_format_options_init(&fo);
  fo.facility = 23;
  cr_expect_eq(init_with(&fo), 0);
  fo.facility = 0;
  cr_expect_eq(init_with(&fo), 0);

  uvlog_format_options_init(&fo);
  fo.color = 2;
  cr_expect_eq(init_with(&fo), UVLOG_EINVAL);
  fo.color = -2;
  cr_expect_eq(init_with(&fo), UVLOG_EINVAL);

  uvlog_format_options_init(&fo);
  fo.kind = (uvlog_format_kind_t)99;
  cr_expect_eq(init_with(&fo), UVLOG_EINVAL);

  cr_expect_eq(uvlog_formatter_init(NULL, NULL), UVLOG_EINVAL);
}

/* RFC 5424 identity rules: each field and its limit. */
Test(format, validation_rfc5424_fields) {
  char long_host[257], long_app[50], long_procid[130], long_msgid[34];
  memset(long_host, 'h', 256); long_host[256] = '\0';
  memset(long_app, 'a', 49); long_app[49] = '\0';
  memset(long_procid, 'p', 129); long_procid[129] = '\0';
  memset(long_msgid, 'm', 33); long_msgid[33] = '\0';
  const char *bad[] = {"", "with space", "tab\t", "caf\xc3\xa9", "del\x7f"};
  for (int field = 0; field < 4; field++) {
    uvlog_format_options_t fo;
    const char **slot[] = {&fo.hostname, &fo.app_name, &fo.procid, &fo.msgid};
    const char *too_long[] = {long_host, long_app, long_procid, long_msgid};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
      uvlog_format_options_init(&fo);
      fo.kind = UVLOG_FORMAT_RFC5424;
      *slot[field] = bad[i];
      cr_expect_eq(init_with(&fo), UVLOG_EINVAL, "field %d value \"%s\"", field, bad[i]);
      fo.kind = UVLOG_FORMAT_JSON; /* only RFC 5424 has these rules */
      cr_expect_eq(init_with(&fo), 0, "field %d value \"%s\" (json)", field, bad[i]);
    }
    uvlog_format_options_init(&fo);
    fo.kind = UVLOG_FORMAT_RFC5424;
    *slot[field] = too_long[field];
    cr_expect_eq(init_with(&fo), UVLOG_EINVAL, "field %d too long", field);
    /* one byte shorter is fine */
    char *ok = strdup(too_long[field]);
    ok[strlen(ok) - 1] = '\0';
    *slot[field] = ok;
    cr_expect_eq(init_with(&fo), 0, "field %d at its limit", field);
    free(ok);
  }
}

/* ---- TEXT --------------------------------------------------------------- */

Test(format, text_default_pattern) {
  uvlog_entry_t e = fixed_entry("hello world");
  expect_text(NULL, &e, "2026-11-22T02:32:48.123456Z INFO     [4242] main.c:77 hello world\n");
  e.level = UVLOG_LEVEL_CRITICAL;
  expect_text(NULL, &e, "2026-11-22T02:32:48.123456Z CRITICAL [4242] main.c:77 hello world\n");
}

Test(format, text_every_conversion) {
  uvlog_entry_t e = fixed_entry("m");
  e.level = UVLOG_LEVEL_WARNING;
  expect_text("%t|%l|%L|%T|%f|%F|%n|%u|%m|%%", &e,
              "2026-11-22T02:32:48.123456Z|WARNING|WARNING |4242|main.c|src/dir/main.c|77|run|m|%\n");
  expect_text("", &e, "\n");
  expect_text("literal only", &e, "literal only\n");
  expect_text("100%% [%l] %%m %%%% end", &e, "100% [WARNING] %m %% end\n");
  expect_text("%m%m", &e, "mm\n");
}

Test(format, text_null_fields_and_bad_level) {
  uvlog_entry_t e = fixed_entry("x");
  e.file = NULL;
  e.func = NULL;
  e.line = -5;
  e.level = (uvlog_level_t)42;
  expect_text("%f %F %u %n %l %L|", &e, "- - ? -5 ? ?       |\n");
  e.file = "plain.c";
  expect_text("%f %F", &e, "plain.c plain.c\n");
  e.msg = NULL;
  e.msg_len = 0;
  expect_text("[%m]", &e, "[]\n");
}

Test(format, text_escapes_message) {
  const char msg[] = "a\nb\rc\td\\e\x01\x1f\x7f\xc3\xa9\0z";
  uvlog_entry_t e = fixed_entry("");
  e.msg = msg;
  e.msg_len = sizeof msg - 1;
  expect_text("%m", &e, "a\\nb\\rc\\td\\\\e\\x01\\x1f\\x7f\xc3\xa9\\x00z\n");
}

Test(format, escape_table) {
  struct { const char *in; size_t n; const char *out; } t[] = {
      {"", 0, ""},
      {"plain text", 10, "plain text"},
      {"\n", 1, "\\n"},
      {"\r", 1, "\\r"},
      {"\t", 1, "\\t"},
      {"\\", 1, "\\\\"},
      {"\\n", 2, "\\\\n"}, /* a literal backslash-n stays distinguishable */
      {"\0", 1, "\\x00"},
      {"\x1b[0m", 4, "\\x1b[0m"},
      {"\x7f", 1, "\\x7f"},
      {"\x80\xff", 2, "\x80\xff"},
      {" ~", 2, " ~"},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    char *got = escape(t[i].in, t[i].n);
    cr_expect_str_eq(got, t[i].out, "case %zu", i);
    free(got);
  }
}

Test(format, text_colors) {
  struct { uvlog_level_t l; const char *sgr; } t[] = {
      {UVLOG_LEVEL_TRACE, "\x1b[2m"},   {UVLOG_LEVEL_DEBUG, "\x1b[2m"},
      {UVLOG_LEVEL_INFO, "\x1b[32m"},   {UVLOG_LEVEL_NOTICE, "\x1b[36m"},
      {UVLOG_LEVEL_WARNING, "\x1b[33m"}, {UVLOG_LEVEL_ERROR, "\x1b[31m"},
      {UVLOG_LEVEL_CRITICAL, "\x1b[1;31m"},
  };
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_TEXT, "<%L> %l %m", 1);
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    uvlog_entry_t e = fixed_entry("msg");
    e.level = t[i].l;
    char want[128];
    char padded[9];
    const char *names[] = {"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"};
    snprintf(padded, sizeof padded, "%-8s", names[t[i].l]);
    snprintf(want, sizeof want, "<%s%s\x1b[0m%s> %s%s\x1b[0m msg\n", t[i].sgr, names[t[i].l],
             padded + strlen(names[t[i].l]), t[i].sgr, names[t[i].l]);
    char *got = render(&f, &e);
    cr_expect_str_eq(got, want, "level %d", (int)t[i].l);
    free(got);
  }
  uvlog_formatter_destroy(&f);

  /* without a level conversion the whole line is coloured */
  make(&f, UVLOG_FORMAT_TEXT, "%n %m", 1);
  uvlog_entry_t e = fixed_entry("boom");
  e.level = UVLOG_LEVEL_ERROR;
  char *got = render(&f, &e);
  cr_expect_str_eq(got, "\x1b[31m77 boom\x1b[0m\n");
  free(got);
  uvlog_formatter_destroy(&f);

  /* colour 0 and auto (unresolved) write no escape codes */
  for (int c = -1; c <= 0; c++) {
    make(&f, UVLOG_FORMAT_TEXT, "%l %m", c);
    got = render(&f, &e);
    cr_expect_str_eq(got, "ERROR boom\n", "color %d", c);
    free(got);
    uvlog_formatter_destroy(&f);
  }

  /* an invalid level is not coloured */
  make(&f, UVLOG_FORMAT_TEXT, "%l", 1);
  e.level = (uvlog_level_t)9;
  got = render(&f, &e);
  cr_expect_str_eq(got, "?\n");
  free(got);
  uvlog_formatter_destroy(&f);
}

Test(format, text_long_message) {
  size_t n = 64 * 1024;
  char *msg = malloc(n);
  for (size_t i = 0; i < n; i++) msg[i] = (char)('a' + i % 26);
  msg[n / 2] = '\n';
  uvlog_entry_t e = fixed_entry("");
  e.msg = msg;
  e.msg_len = n;
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_TEXT, "%l %m", 0);
  size_t len;
  char *got = render_len(&f, &e, &len);
  cr_assert_eq(len, 5 + n + 1 + 1, "length %zu", len); /* "INFO " + msg + escape + '\n' */
  cr_expect_eq(memcmp(got, "INFO ", 5), 0);
  cr_expect_eq(memcmp(got + 5, msg, n / 2), 0);
  cr_expect_eq(memcmp(got + 5 + n / 2, "\\n", 2), 0);
  cr_expect_eq(memcmp(got + 5 + n / 2 + 2, msg + n / 2 + 1, n - n / 2 - 1), 0);
  cr_expect_eq(got[len - 1], '\n');
  free(got);
  uvlog_formatter_destroy(&f);
  free(msg);
}

/* Appending to a buffer that already holds data keeps that data. */
Test(format, appends_to_buffer) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_TEXT, "%m", 0);
  uvlog_entry_t e = fixed_entry("one");
  uvlog_buf_t b = {0};
  uvlog_formatter_format(&f, &e, &b);
  e.msg = "two";
  uvlog_formatter_format(&f, &e, &b);
  uvlog_buf_putc(&b, '\0');
  cr_expect_str_eq(b.data, "one\ntwo\n");
  uvlog_buf_free(&b);
  uvlog_formatter_destroy(&f);
}

/* ---- RFC 3339 ----------------------------------------------------------- */

Test(format, rfc3339_edges) {
  const int64_t S = 1000000000;
  expect_ts(0, "1970-01-01T00:00:00.000000Z");
  expect_ts(999, "1970-01-01T00:00:00.000000Z");          /* < 1 us */
  expect_ts(999999999, "1970-01-01T00:00:00.999999Z");    /* truncated, not rounded */
  expect_ts(FIXED_TS, "2026-11-22T02:32:48.123456Z");
  expect_ts(INT64_C(1709164800) * S, "2024-02-29T00:00:00.000000Z");           /* leap day */
  expect_ts(INT64_C(1709164800) * S - 1, "2024-02-28T23:59:59.999999Z");
  expect_ts(INT64_C(951782400) * S, "2000-02-29T00:00:00.000000Z");            /* 400-year leap */
  expect_ts(INT64_C(4107456000) * S, "2100-02-28T00:00:00.000000Z");
  expect_ts(INT64_C(4107456000) * S + 86400 * S, "2100-03-01T00:00:00.000000Z"); /* 2100 not leap */
  expect_ts(INT64_C(1735603200) * S + 86399 * S + 999999000,
            "2024-12-31T23:59:59.999999Z");                                   /* end of year */
  expect_ts(INT64_C(1735603200) * S + 86400 * S, "2025-01-01T00:00:00.000000Z");
  /* before the epoch: floor, so the fraction counts up from the second before */
  expect_ts(-1, "1969-12-31T23:59:59.999999Z");
  expect_ts(-S, "1969-12-31T23:59:59.000000Z");
  expect_ts(-S - 1, "1969-12-31T23:59:58.999999Z");
  expect_ts(INT64_C(-2208988800) * S, "1900-01-01T00:00:00.000000Z");
  /* the whole int64 range */
  expect_ts(INT64_MAX, "2262-04-11T23:47:16.854775Z");
  expect_ts(INT64_MIN, "1677-09-21T00:12:43.145224Z");
}

/* The per-second cache must not leak a stale date into another second. */
Test(format, rfc3339_cache_switches_seconds) {
  const int64_t S = 1000000000;
  for (int i = 0; i < 3; i++) {
    expect_ts(FIXED_TS, "2026-11-22T02:32:48.123456Z");
    expect_ts(FIXED_TS + 1000, "2026-11-22T02:32:48.123457Z");
    expect_ts(FIXED_TS + S, "2026-11-22T02:32:49.123456Z");
    expect_ts(FIXED_TS + 86400 * S, "2026-11-23T02:32:48.123456Z");
  }
}
