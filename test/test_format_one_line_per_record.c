/*
 * test_format_one_line_per_record.c -- every line-oriented output writes one
 * line per record whatever bytes the message, file or function hold: TEXT
 * escapes %m, %f, %F and %u; RFC 5424 and RFC 3164 on a file sink are framed
 * one record per line with LF in the record escaped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_fixture.h"
#include "uvlog.h"

static char dir[512];
static void setup(void) { nf_mkdtemp(dir, sizeof dir, "oneline"); }
static void teardown(void) { nf_rmtree(dir); }

/* Logs three records with newlines everywhere through a file sink in format
 * `kind` (TEXT with `pattern`), closes, and returns the file's text. */
static char *log_three(uvlog_format_kind_t kind, const char *pattern) {
  char path[600];
  snprintf(path, sizeof path, "%s/out.log", dir);
  uvlog_t *log;
  uvlog_sink_t *s;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.kind = kind;
  fo.pattern = pattern;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_file_create(&s, path, NULL), 0);
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 3; i++)
    NF_LOG_OK(uvlog_log_text(log, UVLOG_LEVEL_INFO, "dir\n/fi\nle.c", 7, "fu\nnc\r", "m\ne\ns\ns",
                             7));
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  return nf_read_file(path, NULL);
}

static size_t count_nl(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

Test(format_one_line_per_record, text_escapes_file_and_function, .init = setup,
     .fini = teardown) {
  char *t = log_three(UVLOG_FORMAT_TEXT, "%F|%f|%u|%m");
  cr_assert_eq(count_nl(t), 3, "got:\n%s", t);
  cr_assert_not_null(strstr(t, "dir\\n/fi\\nle.c|fi\\nle.c|fu\\nnc\\r|m\\ne\\ns\\ns\n"), "got:\n%s",
                     t);
  free(t);
}

Test(format_one_line_per_record, rfc5424_on_a_file_is_one_line_per_record, .init = setup,
     .fini = teardown) {
  char *t = log_three(UVLOG_FORMAT_RFC5424, NULL);
  cr_assert_eq(count_nl(t), 3, "got:\n%s", t);
  cr_assert_eq(strncmp(t, "<14>1 ", 6), 0, "got:\n%s", t);
  cr_assert_not_null(strstr(t, " - m\\ne\\ns\\ns\n<14>1 "), "got:\n%s", t);
  free(t);
}

Test(format_one_line_per_record, rfc3164_on_a_file_is_one_line_per_record, .init = setup,
     .fini = teardown) {
  char *t = log_three(UVLOG_FORMAT_RFC3164, NULL);
  cr_assert_eq(count_nl(t), 3, "got:\n%s", t);
  cr_assert_not_null(strstr(t, "]: m\\ne\\ns\\ns\n<14>"), "got:\n%s", t);
  free(t);
}
