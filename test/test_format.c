/*
 * test_format.c -- the formatters (src/format/) on their own: option checks,
 * TEXT patterns and escaping, colours, RFC 3339 timestamps, JSON, RFC 5424
 * and RFC 3164. Every expected output is an exact string.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format/format.h"
#include "format/format_util.h"

#include "format_fixture.h"

/* 2026-11-22T02:32:48.123456789Z, and a plain entry (format_fixture.h). */
#define FIXED_TS FF_TS
#define fixed_entry ff_entry

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
  e.msg_len = 5; /* a NULL message is empty whatever its length says */
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

/* ---- a small JSON checker ------------------------------------------------- */

/* Strict RFC 8259 recogniser over s[0..n). Optionally decodes the string value
 * of the top-level key `want_key` into `val` (UTF-8). Returns 1 if valid. */
typedef struct jp {
  const unsigned char *s;
  size_t n, i;
  const char *want_key;
  uvlog_buf_t *val;
} jp_t;

static int jp_value(jp_t *p, int depth);

static void jp_ws(jp_t *p) {
  while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i]) p->i++;
}

static void put_utf8(uvlog_buf_t *b, unsigned cp) {
  if (!b) return;
  if (cp < 0x80) {
    uvlog_buf_putc(b, (char)cp);
  } else if (cp < 0x800) {
    uvlog_buf_putc(b, (char)(0xC0 | cp >> 6));
    uvlog_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    uvlog_buf_putc(b, (char)(0xE0 | cp >> 12));
    uvlog_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
    uvlog_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
  } else {
    uvlog_buf_putc(b, (char)(0xF0 | cp >> 18));
    uvlog_buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
    uvlog_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
    uvlog_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
  }
}

static int jp_hex4(jp_t *p, unsigned *cp) {
  if (p->n - p->i < 4) return 0;
  *cp = 0;
  for (int k = 0; k < 4; k++) {
    unsigned char c = p->s[p->i++];
    unsigned d = c >= '0' && c <= '9' ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
    if (d == 99) return 0;
    *cp = *cp * 16 + d;
  }
  return 1;
}

/* A string; decoded bytes go to `out` if not NULL. */
static int jp_string(jp_t *p, uvlog_buf_t *out) {
  if (p->i >= p->n || p->s[p->i] != '"') return 0;
  p->i++;
  while (p->i < p->n) {
    unsigned char c = p->s[p->i];
    if (c == '"') { p->i++; return 1; }
    if (c < 0x20) return 0; /* raw control character */
    if (c == '\\') {
      if (++p->i >= p->n) return 0;
      unsigned char k = p->s[p->i++];
      const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
      const char *at = k ? strchr(from, k) : NULL;
      if (at) {
        if (out) uvlog_buf_putc(out, to[at - from]);
      } else if (k == 'u') {
        unsigned cp;
        if (!jp_hex4(p, &cp)) return 0;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u') return 0;
          p->i += 2;
          if (!jp_hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) return 0;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return 0;
        }
        put_utf8(out, cp);
      } else {
        return 0;
      }
      continue;
    }
    size_t bad, len = fmt_utf8_seq(p->s + p->i, p->n - p->i, &bad);
    if (!len) return 0;
    if (out) uvlog_buf_append(out, p->s + p->i, len);
    p->i += len;
  }
  return 0;
}

static int jp_number(jp_t *p) {
  size_t st = p->i;
  if (p->i < p->n && p->s[p->i] == '-') p->i++;
  if (p->i >= p->n) return 0;
  if (p->s[p->i] == '0') p->i++;
  else if (p->s[p->i] >= '1' && p->s[p->i] <= '9')
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
  else return 0;
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    size_t d = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    if (p->i == d) return 0;
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
    size_t d = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    if (p->i == d) return 0;
  }
  return p->i > st;
}

static int jp_word(jp_t *p, const char *w) {
  size_t l = strlen(w);
  if (p->n - p->i < l || memcmp(p->s + p->i, w, l) != 0) return 0;
  p->i += l;
  return 1;
}

static int jp_object(jp_t *p, int depth) {
  p->i++; /* '{' */
  jp_ws(p);
  if (p->i < p->n && p->s[p->i] == '}') { p->i++; return 1; }
  for (;;) {
    uvlog_buf_t key = {0};
    jp_ws(p);
    int ok = jp_string(p, &key);
    uvlog_buf_putc(&key, '\0');
    int want = ok && depth == 0 && p->want_key && strcmp(key.data, p->want_key) == 0;
    uvlog_buf_free(&key);
    if (!ok) return 0;
    jp_ws(p);
    if (p->i >= p->n || p->s[p->i++] != ':') return 0;
    jp_ws(p);
    if (want && p->val) {
      if (!jp_string(p, p->val)) return 0;
    } else if (!jp_value(p, depth + 1)) {
      return 0;
    }
    jp_ws(p);
    if (p->i >= p->n) return 0;
    unsigned char c = p->s[p->i++];
    if (c == '}') return 1;
    if (c != ',') return 0;
  }
}

static int jp_array(jp_t *p, int depth) {
  p->i++; /* '[' */
  jp_ws(p);
  if (p->i < p->n && p->s[p->i] == ']') { p->i++; return 1; }
  for (;;) {
    jp_ws(p);
    if (!jp_value(p, depth + 1)) return 0;
    jp_ws(p);
    if (p->i >= p->n) return 0;
    unsigned char c = p->s[p->i++];
    if (c == ']') return 1;
    if (c != ',') return 0;
  }
}

static int jp_value(jp_t *p, int depth) {
  if (p->i >= p->n || depth > 64) return 0;
  switch (p->s[p->i]) {
  case '{': return jp_object(p, depth);
  case '[': return jp_array(p, depth);
  case '"': return jp_string(p, NULL);
  case 't': return jp_word(p, "true");
  case 'f': return jp_word(p, "false");
  case 'n': return jp_word(p, "null");
  default: return jp_number(p);
  }
}

/* 1 if line[0..n) is exactly one JSON object followed by one '\n' and
 * nothing else; decodes the "msg" value into `msg` when not NULL. */
static int json_line_ok(const char *line, size_t n, uvlog_buf_t *msg) {
  if (n == 0 || line[n - 1] != '\n') return 0;
  if (memchr(line, '\n', n - 1)) return 0;
  jp_t p = {(const unsigned char *)line, n - 1, 0, "msg", msg};
  if (p.n == 0 || p.s[0] != '{') return 0;
  if (!jp_object(&p, 0)) return 0;
  return p.i == p.n;
}

Test(format, json_checker_rejects_bad_json) {
  const char *bad[] = {"{\"a\":1\n", "{\"a\":\"\x01\"}\n", "{\"a\":\"\xff\"}\n",
                       "{\"a\":01}\n", "{\"a\":\"\\x\"}\n", "{\"a\":1}\n\n", "{\"a\":1}",
                       "{\"a\":\"\\ud800\"}\n", "{\"a\" 1}\n", "{\"a\":tru}\n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    cr_expect_eq(json_line_ok(bad[i], strlen(bad[i]), NULL), 0, "case %zu", i);
  const char *good = "{\"a\":[1,-2.5e3,true,null,{}],\"msg\":\"x\\u00e9\\ud83d\\ude00\"}\n";
  uvlog_buf_t m = {0};
  cr_expect_eq(json_line_ok(good, strlen(good), &m), 1);
  uvlog_buf_putc(&m, '\0');
  cr_expect_str_eq(m.data, "x\xc3\xa9\xf0\x9f\x98\x80");
  uvlog_buf_free(&m);
}

/* ---- JSON ----------------------------------------------------------------- */

static void expect_json_msg(const char *msg, size_t n, const char *want_escaped) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_JSON, NULL, -1);
  uvlog_entry_t e = fixed_entry("");
  e.msg = msg;
  e.msg_len = n;
  size_t len;
  char *got = render_len(&f, &e, &len);
  cr_expect(json_line_ok(got, len, NULL), "not valid JSON: %s", got);
  const char *at = strstr(got, ",\"msg\":\"");
  cr_assert_not_null(at);
  at += 8;
  const char *end = strstr(at, "\",\"host\":");
  cr_assert_not_null(end);
  char *val = strndup(at, (size_t)(end - at));
  cr_expect_str_eq(val, want_escaped);
  free(val);
  free(got);
  uvlog_formatter_destroy(&f);
}

Test(format, json_exact) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_JSON, NULL, -1);
  uvlog_entry_t e = fixed_entry("hello \"world\"");
  char *got = render(&f, &e);
  cr_expect_str_eq(got,
                   "{\"ts\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"info\",\"tid\":4242,"
                   "\"file\":\"main.c\",\"line\":77,\"func\":\"run\",\"msg\":\"hello \\\"world\\\"\","
                   "\"host\":\"host.example\",\"app\":\"app\",\"pid\":\"1234\"}\n");
  free(got);

  e.file = NULL;
  e.func = NULL;
  e.level = UVLOG_LEVEL_CRITICAL;
  e.flags = UVLOG_ENTRY_TRUNCATED;
  e.line = 0;
  got = render(&f, &e);
  cr_expect_str_eq(got,
                   "{\"ts\":\"2026-11-22T02:32:48.123456Z\",\"level\":\"critical\",\"tid\":4242,"
                   "\"file\":null,\"line\":0,\"func\":null,\"msg\":\"hello \\\"world\\\"\","
                   "\"truncated\":true,"
                   "\"host\":\"host.example\",\"app\":\"app\",\"pid\":\"1234\"}\n");
  size_t len = strlen(got);
  cr_expect(json_line_ok(got, len, NULL));
  free(got);
  uvlog_formatter_destroy(&f);
}

Test(format, json_level_names) {
  const char *names[] = {"trace", "debug", "info", "notice", "warning", "error", "critical"};
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_JSON, NULL, -1);
  for (int l = 0; l < UVLOG_LEVEL_COUNT; l++) {
    uvlog_entry_t e = fixed_entry("x");
    e.level = (uvlog_level_t)l;
    char *got = render(&f, &e);
    char want[64];
    snprintf(want, sizeof want, "\"level\":\"%s\",", names[l]);
    cr_expect_not_null(strstr(got, want), "level %d: %s", l, got);
    free(got);
  }
  uvlog_formatter_destroy(&f);
}

Test(format, json_escaping) {
  struct { const char *in; size_t n; const char *out; } t[] = {
      {"", 0, ""},
      {"\"", 1, "\\\""},
      {"\\", 1, "\\\\"},
      {"/", 1, "/"},
      {"\b\f\n\r\t", 5, "\\b\\f\\n\\r\\t"},
      {"\0", 1, "\\u0000"},
      {"\x01\x1f", 2, "\\u0001\\u001f"},
      {"\x1b[0m", 4, "\\u001b[0m"},
      {"\x7f", 1, "\\u007f"},
      {"caf\xc3\xa9", 5, "caf\xc3\xa9"},                  /* 2-byte */
      {"\xe2\x82\xac", 3, "\xe2\x82\xac"},                /* 3-byte */
      {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},        /* 4-byte */
      {"\xef\xbf\xbf", 3, "\xef\xbf\xbf"},                /* U+FFFF is well-formed */
      {"\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf"},        /* U+10FFFF */
      /* ill-formed: one U+FFFD per maximal subpart */
      {"\xff", 1, "\\ufffd"},
      {"\x80", 1, "\\ufffd"},
      {"a\xc3", 2, "a\\ufffd"},                           /* truncated at the end */
      {"\xc3(", 2, "\\ufffd("},
      {"\xe2\x82", 2, "\\ufffd"},                         /* truncated 3-byte */
      {"\xe2\x82z", 3, "\\ufffdz"},
      {"\xf0\x9f\x98", 3, "\\ufffd"},                     /* truncated 4-byte */
      {"\xc0\xaf", 2, "\\ufffd\\ufffd"},                  /* overlong */
      {"\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd"},       /* overlong 3-byte */
      {"\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd"},       /* surrogate */
      {"\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd"}, /* above U+10FFFF */
      {"\xf5\x80", 2, "\\ufffd\\ufffd"},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) expect_json_msg(t[i].in, t[i].n, t[i].out);
}

Test(format, json_identity_escaped) {
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_JSON;
  fo.app_name = "a\"b\\c\n";
  fo.hostname = "h\xff";
  fo.procid = "7";
  uvlog_formatter_t f;
  cr_assert_eq(uvlog_formatter_init(&f, &fo), 0);
  uvlog_entry_t e = fixed_entry("m");
  e.func = "f\"";
  size_t len;
  char *got = render_len(&f, &e, &len);
  cr_expect(json_line_ok(got, len, NULL), "%s", got);
  cr_expect_not_null(strstr(got, ",\"func\":\"f\\\"\","), "%s", got);
  cr_expect_not_null(strstr(got, ",\"host\":\"h\\ufffd\",\"app\":\"a\\\"b\\\\c\\n\",\"pid\":\"7\"}\n"),
                     "%s", got);
  free(got);
  uvlog_formatter_destroy(&f);
}

/* Random bytes: the output always parses, stays one line, and a well-formed
 * UTF-8 message decodes back to itself. */
Test(format, json_random_bytes_always_valid) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_JSON, NULL, -1);
  uint32_t seed = 12345;
  unsigned char msg[64];
  int roundtrips = 0;
  for (int iter = 0; iter < 3000; iter++) {
    size_t n = (size_t)(iter % 64);
    for (size_t i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = seed >> 16;
      /* mostly ASCII and control bytes, some high bytes */
      msg[i] = (unsigned char)(r % 4 == 0 ? 0x80 + (r >> 2) % 0x80 : (r >> 2) % 0x80);
    }
    uvlog_entry_t e = fixed_entry("");
    e.msg = (const char *)msg;
    e.msg_len = n;
    size_t len;
    char *got = render_len(&f, &e, &len);
    uvlog_buf_t dec = {0};
    cr_assert(json_line_ok(got, len, &dec), "iteration %d: %s", iter, got);
    int well_formed = 1;
    for (size_t i = 0, bad; i < n;) {
      size_t l = fmt_utf8_seq(msg + i, n - i, &bad);
      if (!l) { well_formed = 0; break; }
      i += l;
    }
    if (well_formed) {
      roundtrips++;
      cr_assert_eq(dec.len, n, "iteration %d", iter);
      cr_assert(n == 0 || memcmp(dec.data, msg, n) == 0, "iteration %d", iter);
    }
    uvlog_buf_free(&dec);
    free(got);
  }
  cr_expect_gt(roundtrips, 100);
  uvlog_formatter_destroy(&f);
}

Test(format, json_long_message) {
  size_t n = 64 * 1024;
  char *msg = malloc(n);
  for (size_t i = 0; i < n; i++) msg[i] = i % 100 == 99 ? '"' : (char)('a' + i % 26);
  uvlog_entry_t e = fixed_entry("");
  e.msg = msg;
  e.msg_len = n;
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_JSON, NULL, -1);
  size_t len;
  char *got = render_len(&f, &e, &len);
  uvlog_buf_t dec = {0};
  cr_assert(json_line_ok(got, len, &dec));
  cr_assert_eq(dec.len, n);
  cr_expect_eq(memcmp(dec.data, msg, n), 0);
  uvlog_buf_free(&dec);
  free(got);
  uvlog_formatter_destroy(&f);
  free(msg);
}

/* ---- RFC 5424 ------------------------------------------------------------- */

Test(format, rfc5424_exact) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_RFC5424, NULL, -1);
  uvlog_entry_t e = fixed_entry("hello world");
  char *got = render(&f, &e);
  cr_expect_str_eq(got, "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - - hello world");
  free(got);

  /* raw message: nothing escaped, no newline added */
  e.msg = "a\nb\\c\x01";
  e.msg_len = 6;
  got = render(&f, &e);
  cr_expect_str_eq(got, "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - - a\nb\\c\x01");
  free(got);

  /* an empty message drops the space before MSG */
  e.msg = "";
  e.msg_len = 0;
  got = render(&f, &e);
  cr_expect_str_eq(got, "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - -");
  free(got);
  uvlog_formatter_destroy(&f);
}

Test(format, rfc5424_pri_and_msgid) {
  struct { int facility; uvlog_level_t level; const char *pri; } t[] = {
      {0, UVLOG_LEVEL_CRITICAL, "<2>"},  {0, UVLOG_LEVEL_TRACE, "<7>"},
      {1, UVLOG_LEVEL_DEBUG, "<15>"},    {1, UVLOG_LEVEL_NOTICE, "<13>"},
      {16, UVLOG_LEVEL_WARNING, "<132>"}, {3, UVLOG_LEVEL_ERROR, "<27>"},
      {23, UVLOG_LEVEL_TRACE, "<191>"},  {23, UVLOG_LEVEL_INFO, "<190>"},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    uvlog_format_options_t fo;
    uvlog_format_options_init(&fo);
    fo.kind = UVLOG_FORMAT_RFC5424;
    fo.facility = t[i].facility;
    fo.hostname = "h";
    fo.app_name = "a";
    fo.procid = "p";
    fo.msgid = "ID47";
    uvlog_formatter_t f;
    cr_assert_eq(uvlog_formatter_init(&f, &fo), 0);
    uvlog_entry_t e = fixed_entry("m");
    e.level = t[i].level;
    char *got = render(&f, &e);
    char want[128];
    snprintf(want, sizeof want, "%s1 2026-11-22T02:32:48.123456Z h a p ID47 - m", t[i].pri);
    cr_expect_str_eq(got, want, "case %zu", i);
    free(got);
    uvlog_formatter_destroy(&f);
  }
}

Test(format, rfc5424_bom) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_RFC5424, NULL, -1);
  const char *prefix = "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - - ";
  struct { const char *msg; int bom; } t[] = {
      {"plain ascii", 0},
      {"caf\xc3\xa9", 1},
      {"\xf0\x9f\x98\x80", 1},
      {"bad \xff utf8", 0},
      {"ok \xc3\xa9 then truncated \xc3", 0},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    uvlog_entry_t e = fixed_entry(t[i].msg);
    char *got = render(&f, &e);
    char want[256];
    snprintf(want, sizeof want, "%s%s%s", prefix, t[i].bom ? "\xEF\xBB\xBF" : "", t[i].msg);
    cr_expect_str_eq(got, want, "case %zu", i);
    free(got);
  }
  uvlog_formatter_destroy(&f);
}

/* Defaults the caller did not choose are made RFC 5424-safe, not refused. */
Test(format, rfc5424_default_app_name_repaired) {
  char *saved = program_invocation_short_name;
  program_invocation_short_name =
      "my prog\twith spaces and a name far longer than forty-eight bytes";
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = UVLOG_FORMAT_RFC5424;
  uvlog_formatter_t f;
  int r = uvlog_formatter_init(&f, &fo);
  program_invocation_short_name = saved;
  cr_assert_eq(r, 0);
  cr_expect_str_eq(f.app_name, "my_prog_with_spaces_and_a_name_far_longer_than_f");
  cr_expect_eq(strlen(f.app_name), 48u);
  uvlog_formatter_destroy(&f);

  /* the same name given explicitly is an error */
  fo.app_name = "my prog";
  cr_expect_eq(init_with(&fo), UVLOG_EINVAL);
}

/* ---- RFC 3164 ------------------------------------------------------------- */

Test(format, rfc3164_local_time) {
  /* UTC+3 with no DST: the local date differs from the UTC one. */
  setenv("TZ", "<+03>-3", 1);
  tzset();
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_RFC3164, NULL, -1);
  uvlog_entry_t e = fixed_entry("hello world");
  char *got = render(&f, &e);
  cr_expect_str_eq(got, "<14>Nov 22 05:32:48 app[1234]: hello world");
  free(got);

  /* 2025-01-05T23:04:05Z is Jan 6 02:04:05 at UTC+3: day padded with a space */
  e.ts_ns = INT64_C(1736118245) * 1000000000 + 999999999;
  e.level = UVLOG_LEVEL_ERROR;
  e.msg = "raw\nline";
  e.msg_len = 8;
  got = render(&f, &e);
  cr_expect_str_eq(got, "<11>Jan  6 02:04:05 app[1234]: raw\nline");
  free(got);

  /* back to the first second: the cache must follow */
  e = fixed_entry("");
  got = render(&f, &e);
  cr_expect_str_eq(got, "<14>Nov 22 05:32:48 app[1234]: ");
  free(got);
  uvlog_formatter_destroy(&f);
}

/* The dispatcher picks the renderer of the formatter's kind. */
Test(format, dispatch_by_kind) {
  uvlog_entry_t e = fixed_entry("m");
  const char *starts[] = {"2026-11-22T02:32:48.123456Z INFO ", "{\"ts\":", "<14>1 ", "<14>"};
  const char *ends[] = {"main.c:77 m\n", "\"pid\":\"1234\"}\n", "1234 - - m", " app[1234]: m"};
  for (int k = UVLOG_FORMAT_TEXT; k <= UVLOG_FORMAT_RFC3164; k++) {
    uvlog_formatter_t f;
    make(&f, (uvlog_format_kind_t)k, NULL, 0);
    char *got = render(&f, &e);
    size_t gl = strlen(got), el = strlen(ends[k]);
    cr_expect_eq(strncmp(got, starts[k], strlen(starts[k])), 0, "kind %d: %s", k, got);
    cr_expect(gl >= el && strcmp(got + gl - el, ends[k]) == 0, "kind %d: %s", k, got);
    free(got);
    uvlog_formatter_destroy(&f);
  }
}

/* The civil-date conversion against gmtime_r, one sample per day from 1900 to
 * 2200 (a different second of the day each time). */
Test(format, rfc3339_matches_gmtime) {
  const int64_t first = INT64_C(-2208988800), last = INT64_C(7258118400); /* 1900..2200 */
  int checked = 0;
  for (int64_t day = first; day < last; day += 86400) {
    int64_t sec = day + (day / 86400 * 7919 % 86400 + 86400) % 86400;
    time_t t = (time_t)sec;
    struct tm tm;
    cr_assert_not_null(gmtime_r(&t, &tm));
    char want[96];
    snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000042Z", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    char *got = rfc3339(sec * 1000000000 + 42999);
    if (strcmp(got, want) != 0) cr_assert_fail("sec %lld: got %s want %s", (long long)sec, got, want);
    free(got);
    checked++;
  }
  cr_expect_gt(checked, 100000);
}

Test(format, rfc5424_long_message) {
  size_t n = 64 * 1024;
  char *msg = malloc(n + 1);
  for (size_t i = 0; i < n; i++) msg[i] = (char)(i % 127 == 0 ? '\n' : 'a' + i % 26);
  msg[n] = '\0';
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_RFC5424, NULL, -1);
  uvlog_entry_t e = fixed_entry(msg);
  size_t len;
  char *got = render_len(&f, &e, &len);
  const char *prefix = "<14>1 2026-11-22T02:32:48.123456Z host.example app 1234 - - ";
  size_t pl = strlen(prefix);
  cr_assert_eq(len, pl + n);
  cr_expect_eq(memcmp(got, prefix, pl), 0);
  cr_expect_eq(memcmp(got + pl, msg, n), 0);
  free(got);
  uvlog_formatter_destroy(&f);
  free(msg);
}

/* Several threads share one formatter: each thread's timestamp caches are
 * its own, so every line is exact. (Run under TSan by the sanitizer build.) */
typedef struct share_arg {
  const uvlog_formatter_t *f;
  int64_t base;   /* seconds */
  int mismatches;
} share_arg_t;

static void *share_thread(void *p) {
  share_arg_t *a = p;
  uvlog_buf_t b = {0};
  for (int i = 0; i < 2000; i++) {
    uvlog_entry_t e = fixed_entry("x");
    int64_t sec = a->base + i % 7;
    e.ts_ns = sec * 1000000000 + 5000;
    uvlog_buf_reset(&b);
    uvlog_formatter_format(a->f, &e, &b);
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    char want[96];
    snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000005Z x\n", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0) a->mismatches++;
  }
  uvlog_buf_free(&b);
  return NULL;
}

Test(format, shared_formatter_across_threads) {
  uvlog_formatter_t f;
  make(&f, UVLOG_FORMAT_TEXT, "%t %m", 0);
  pthread_t th[4];
  share_arg_t args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (share_arg_t){&f, INT64_C(1700000000) + i * 86400 * 400, 0};
    cr_assert_eq(pthread_create(&th[i], NULL, share_thread, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    cr_expect_eq(args[i].mismatches, 0, "thread %d", i);
  }
  uvlog_formatter_destroy(&f);
}
