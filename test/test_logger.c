/*
 * test_logger.c -- the logger's API end to end: lifecycle and every bad
 * input, levels (runtime and compile-time), escaping, truncation, the flush
 * barrier, close semantics, reopen, asynchronous sink flushes.
 */
/* Compile-time minimum level for this file's macros (see levels/compile_time). */
#define UVLOG_MIN_LEVEL UVLOG_LEVEL_WARNING

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "capture.h"
#include "sink.h"
#include "uvlog.h"

#define LOG(log, lvl, ...) uvlog_log((log), (lvl), __FILE__, __LINE__, __func__, __VA_ARGS__)

static uvlog_t *make(uvlog_options_t *o) {
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, o), 0);
  cr_assert_not_null(log);
  cr_assert_eq(uvlog_logger_set_level(log, UVLOG_LEVEL_TRACE), 0);
  return log;
}

static uvlog_t *started(capture_t *c, uvlog_level_t sink_level) {
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s = capture_sink(c, sink_level);
  cr_assert_not_null(s);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  return log;
}

/* ---- lifecycle ---------------------------------------------------------- */

Test(logger, end_to_end) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "hello %d", 42), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "INFO hello 42\n");
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.opened, 1);
  cr_assert_eq(c.closed, 1);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.records, 1);
  cr_assert_eq(st.sink_written, 1, "sink totals survive close");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(logger, options_defaults) {
  uvlog_options_t o;
  memset(&o, 0xff, sizeof(o));
  uvlog_options_init(&o);
  cr_assert_eq(o.ring_capacity, (size_t)1 << 20);
  cr_assert_eq(o.overflow, UVLOG_OVERFLOW_DROP);
  cr_assert_eq(o.flush_interval_ms, 1000);
  cr_assert_eq(o.max_record, 8192);
  cr_assert_eq(o.level, UVLOG_LEVEL_INFO);
  cr_assert_eq(o.idle_park_ms, 10);
  uvlog_options_init(NULL); /* no crash */
}

Test(logger, create_rejects_bad_options) {
  uvlog_t *log = (uvlog_t *)0x1;
  uvlog_options_t o;
  cr_assert_eq(uvlog_logger_create(NULL, NULL), UVLOG_EINVAL);
  size_t bad_caps[] = {0, 1, 1000, 2048, 6000, 65535, ((size_t)1 << 31)};
  for (size_t i = 0; i < sizeof(bad_caps) / sizeof(bad_caps[0]); i++) {
    uvlog_options_init(&o);
    o.ring_capacity = bad_caps[i];
    cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "capacity %zu", bad_caps[i]);
    cr_expect_null(log);
  }
  uvlog_options_init(&o);
  o.ring_capacity = 4096;
  o.max_record = 4096 / 8 + 1;
  cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "max_record > capacity/8");
  o.max_record = 0;
  cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "max_record 0");
  o.max_record = 512;
  o.level = (uvlog_level_t)42;
  cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "bad level");
  o.level = UVLOG_LEVEL_INFO;
  o.overflow = (uvlog_overflow_t)7;
  cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "bad overflow");
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  o.flush_interval_ms = 0;
  cr_expect_eq(uvlog_logger_create(&log, &o), UVLOG_EINVAL, "flush interval 0");
  o.flush_interval_ms = 10;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0, "4 KiB ring, max_record 512 is fine");
  uvlog_logger_destroy(log);
}

Test(logger, null_arguments) {
  uvlog_stats_t st;
  cr_expect_eq(uvlog_logger_start(NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_flush(NULL, 0), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_close(NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_reopen(NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_set_level(NULL, UVLOG_LEVEL_INFO), UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_get_level(NULL), UVLOG_LEVEL_OFF);
  cr_expect_eq(uvlog_logger_enabled(NULL, UVLOG_LEVEL_CRITICAL), 0);
  cr_expect_eq(uvlog_logger_stats(NULL, &st), UVLOG_EINVAL);
  uvlog_logger_destroy(NULL);
  cr_expect_eq(uvlog_sink_create(NULL, &capture_vt, NULL), UVLOG_EINVAL);
  uvlog_sink_t *s = (uvlog_sink_t *)0x1;
  cr_expect_eq(uvlog_sink_create(&s, NULL, NULL), UVLOG_EINVAL);
  cr_expect_null(s);
  uvlog_sink_vtable_t no_write = capture_vt;
  no_write.write = NULL;
  cr_expect_eq(uvlog_sink_create(&s, &no_write, NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_add(NULL, NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_set_level(NULL, UVLOG_LEVEL_INFO), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_get_level(NULL), UVLOG_LEVEL_OFF);
  cr_expect_eq(uvlog_sink_set_format(NULL, NULL), UVLOG_EINVAL);
  cr_expect_null(uvlog_sink_data(NULL));
  cr_expect_eq(uvlog_sink_stats(NULL, NULL), UVLOG_EINVAL);
  uvlog_sink_destroy(NULL);
  uvlog_sink_flush_done(NULL, 0);
  uvlog_sink_count_dropped(NULL, 1);
  uvlog_sink_report_error(NULL, -EIO);
  cr_expect_str_eq(uvlog_strerror(UVLOG_ECLOSED), "logger closed");
  cr_expect_not_null(uvlog_strerror(-12345));
}

Test(logger, bad_log_calls) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  const char *volatile nofmt = NULL;
  cr_expect_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, nofmt, 1), UVLOG_EINVAL);
  cr_expect_eq(LOG(log, (uvlog_level_t)99, "x"), UVLOG_EINVAL);
  cr_expect_eq(LOG(log, UVLOG_LEVEL_OFF, "x"), UVLOG_EINVAL);
  cr_expect_eq(uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, NULL, 3), UVLOG_EINVAL);
  /* No logger: the last resort (WARNING+ goes to stderr), never a crash. */
  cr_expect_eq(LOG(NULL, UVLOG_LEVEL_INFO, "dropped quietly"), UVLOG_ENOLOGGER);
  cr_expect_eq(LOG(NULL, UVLOG_LEVEL_ERROR, "last resort: %s", "a\nb"), UVLOG_ENOLOGGER);
  cr_expect_eq(uvlog_log_text(NULL, UVLOG_LEVEL_ERROR, "f.c", 1, NULL, "text", 4),
               UVLOG_ENOLOGGER);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_expect_eq(c.entries, 0, "nothing bad reached the sink");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(logger, state_errors) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s = capture_sink(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(uvlog_logger_flush(log, 100), UVLOG_EBUSY, "flush before start");
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_sink_add(log, s), UVLOG_EBUSY, "a sink belongs to one logger");
  uvlog_sink_destroy(s); /* owned by the logger: ignored */
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_start(log), UVLOG_EBUSY, "start twice");
  capture_t c2;
  capture_init(&c2);
  uvlog_sink_t *late = capture_sink(&c2, UVLOG_LEVEL_TRACE);
  cr_assert_eq(uvlog_sink_add(log, late), UVLOG_EBUSY, "add after start");
  uvlog_sink_destroy(late);
  cr_assert_eq(c2.closed, 1);
  capture_free(&c2);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  cr_assert_eq(uvlog_sink_set_format(s, &fo), UVLOG_EBUSY, "format after start");
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(uvlog_logger_close(log), 0, "close twice");
  cr_assert_eq(LOG(log, UVLOG_LEVEL_ERROR, "late"), UVLOG_ECLOSED);
  cr_assert_eq(uvlog_log_text(log, UVLOG_LEVEL_ERROR, NULL, 0, NULL, "late", 4), UVLOG_ECLOSED);
  cr_assert_eq(uvlog_logger_flush(log, 100), UVLOG_ECLOSED);
  cr_assert_eq(uvlog_logger_start(log), UVLOG_ECLOSED);
  cr_assert_eq(uvlog_logger_reopen(log), UVLOG_ECLOSED);
  cr_assert_eq(c.closed, 1, "the sink was closed once");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(logger, sink_format_errors) {
  capture_t c;
  capture_init(&c);
  uvlog_sink_t *s = capture_sink(&c, UVLOG_LEVEL_TRACE);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%q";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), UVLOG_EINVAL);
  cr_assert_eq(uvlog_sink_set_format(s, NULL), UVLOG_EINVAL);
  cr_assert_str_eq(uvlog_sink_name(s), "capture");
  cr_assert_eq(uvlog_sink_data(s), &c);
  cr_assert_eq(uvlog_sink_set_level(s, (uvlog_level_t)8), UVLOG_EINVAL);
  uvlog_sink_destroy(s);
  cr_assert_eq(c.closed, 1, "destroy closes a sink that was never added");
  capture_free(&c);
}

Test(logger, never_started_closes_sinks) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(NULL);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  uvlog_logger_destroy(log); /* nothing queued: the sink is closed, never opened */
  cr_assert_eq(c.opened, 0);
  cr_assert_eq(c.closed, 1);
  capture_free(&c);
}

/* A record accepted before a start that never came is still written: close
 * starts the logger to drain it. */
Test(logger, never_started_still_writes_what_it_accepted) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(NULL);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "accepted before start"), 0);
  cr_assert_eq(UVLOG_WARNING_TO(log, "deferred before start %d", 2), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.opened, 1);
  cr_assert_eq(c.closed, 1);
  cr_assert_eq(c.entries, 2);
  cr_assert(strstr(c.text, "accepted before start") != NULL);
  cr_assert(strstr(c.text, "deferred before start 2") != NULL);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "after"), UVLOG_ECLOSED);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(logger, open_error_fails_start_cleanly) {
  capture_t a, b;
  capture_init(&a);
  capture_init(&b);
  b.open_rc = -EACCES;
  uvlog_t *log = make(NULL);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&a, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&b, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), -EACCES);
  cr_assert_eq(a.opened, 1);
  cr_assert_eq(a.closed, 1, "the opened sink was closed");
  cr_assert_eq(b.closed, 1, "the failed sink was closed too");
  cr_assert_eq(uvlog_logger_start(log), UVLOG_ECLOSED);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_ERROR, "x"), UVLOG_ECLOSED);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  capture_free(&a);
  capture_free(&b);
}

/* ---- default logger ------------------------------------------------------ */

Test(logger, default_logger) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_null(uvlog_default_get());
  uvlog_default_set(log);
  cr_assert_eq(uvlog_default_get(), log);
  cr_assert_eq(UVLOG_ERROR("via default %d", 7), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "ERROR via default 7\n");
  uvlog_logger_destroy(log);
  cr_assert_null(uvlog_default_get(), "destroy clears the default");
  capture_free(&c);
}

/* ---- levels -------------------------------------------------------------- */

Test(levels, names_and_parsing) {
  uvlog_level_t l;
  cr_expect_str_eq(uvlog_level_name(UVLOG_LEVEL_WARNING), "WARNING");
  cr_expect_str_eq(uvlog_level_name((uvlog_level_t)-1), "?");
  cr_expect_str_eq(uvlog_level_name((uvlog_level_t)99), "?");
  cr_expect_eq(uvlog_level_parse("warn", &l), 0);
  cr_expect_eq(l, UVLOG_LEVEL_WARNING);
  cr_expect_eq(uvlog_level_parse("ERR", &l), 0);
  cr_expect_eq(l, UVLOG_LEVEL_ERROR);
  cr_expect_eq(uvlog_level_parse("Info", &l), 0);
  cr_expect_eq(l, UVLOG_LEVEL_INFO);
  cr_expect_eq(uvlog_level_parse("loud", &l), UVLOG_EINVAL);
  cr_expect_eq(uvlog_level_parse(NULL, &l), UVLOG_EINVAL);
  cr_expect_eq(uvlog_level_parse("info", NULL), UVLOG_EINVAL);
  for (int i = 0; i <= UVLOG_LEVEL_OFF; i++) {
    cr_expect_eq(uvlog_level_parse(uvlog_level_name((uvlog_level_t)i), &l), 0);
    cr_expect_eq((int)l, i);
  }
  cr_expect_eq(uvlog_level_to_syslog(UVLOG_LEVEL_ERROR), 3);
  cr_expect_eq(uvlog_level_to_syslog(UVLOG_LEVEL_TRACE), 7);
  cr_expect_eq(uvlog_level_from_syslog(0), UVLOG_LEVEL_CRITICAL);
  cr_expect_eq(uvlog_level_from_syslog(5), UVLOG_LEVEL_NOTICE);
  cr_expect_eq(uvlog_level_from_syslog(7), UVLOG_LEVEL_DEBUG);
}

Test(levels, logger_level_filters) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(uvlog_logger_set_level(log, UVLOG_LEVEL_NOTICE), 0);
  cr_assert_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_NOTICE);
  cr_assert_eq(uvlog_logger_set_level(log, (uvlog_level_t)9), UVLOG_EINVAL);
  cr_assert(!uvlog_logger_enabled(log, UVLOG_LEVEL_INFO));
  cr_assert(uvlog_logger_enabled(log, UVLOG_LEVEL_NOTICE));
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "no"), UVLOG_EFILTERED);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_NOTICE, "yes"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "NOTICE yes\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(levels, sink_levels) {
  capture_t all, warn;
  capture_init(&all);
  capture_init(&warn);
  uvlog_t *log = make(NULL);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&all, UVLOG_LEVEL_DEBUG)), 0);
  uvlog_sink_t *ws = capture_sink(&warn, UVLOG_LEVEL_WARNING);
  cr_assert_eq(uvlog_sink_add(log, ws), 0);
  cr_assert_eq(uvlog_sink_get_level(ws), UVLOG_LEVEL_WARNING);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_TRACE, "t"), UVLOG_EFILTERED, "below every sink");
  cr_assert_eq(LOG(log, UVLOG_LEVEL_DEBUG, "d"), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_WARNING, "w"), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_CRITICAL, "c"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(all.text, "DEBUG d\nWARNING w\nCRITICAL c\n");
  cr_assert_str_eq(warn.text, "WARNING w\nCRITICAL c\n");
  cr_assert_not_null(ws->share, "same format: the listener shares the rendering");
  uvlog_logger_destroy(log);
  capture_free(&all);
  capture_free(&warn);
}

/* Sinks with the same format share one rendering when their level allows
 * (the listener's optimisation): each must still see exactly its records. */
Test(levels, same_format_sinks_in_any_level_order) {
  capture_t hi, lo, other;
  capture_init(&hi);
  capture_init(&lo);
  capture_init(&other);
  uvlog_t *log = make(NULL);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&hi, UVLOG_LEVEL_ERROR)), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&lo, UVLOG_LEVEL_TRACE)), 0);
  uvlog_sink_t *o = capture_sink(&other, UVLOG_LEVEL_INFO);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "[%l] %m";
  cr_assert_eq(uvlog_sink_set_format(o, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, o), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int l = UVLOG_LEVEL_TRACE; l < UVLOG_LEVEL_OFF; l++)
    cr_assert_eq(LOG(log, (uvlog_level_t)l, "%d", l), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(hi.text, "ERROR 5\nCRITICAL 6\n");
  cr_assert_str_eq(lo.text, "TRACE 0\nDEBUG 1\nINFO 2\nNOTICE 3\nWARNING 4\nERROR 5\nCRITICAL 6\n");
  cr_assert_str_eq(other.text, "[INFO] 2\n[NOTICE] 3\n[WARNING] 4\n[ERROR] 5\n[CRITICAL] 6\n");
  uvlog_logger_destroy(log);
  capture_free(&hi);
  capture_free(&lo);
  capture_free(&other);
}

typedef struct {
  uvlog_t *log;
  uvlog_sink_t *sink;
} level_arg_t;

static void *lower_levels(void *p) {
  level_arg_t *a = p;
  uvlog_sink_set_level(a->sink, UVLOG_LEVEL_TRACE);
  uvlog_logger_set_level(a->log, UVLOG_LEVEL_TRACE);
  return NULL;
}

Test(levels, runtime_change_from_another_thread) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s = capture_sink(&c, UVLOG_LEVEL_ERROR);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_DEBUG, "before"), UVLOG_EFILTERED);
  level_arg_t a = {log, s};
  pthread_t th;
  pthread_create(&th, NULL, lower_levels, &a);
  pthread_join(th, NULL);
  cr_assert(uvlog_logger_enabled(log, UVLOG_LEVEL_TRACE));
  cr_assert_eq(LOG(log, UVLOG_LEVEL_DEBUG, "after"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "DEBUG after\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

static int side_effects;
static int touch(void) { return ++side_effects; }

Test(levels, compile_time_minimum) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  /* This file sets UVLOG_MIN_LEVEL to WARNING: the INFO call is compiled
   * out, its argument never evaluated. */
  cr_assert_eq(UVLOG_INFO_TO(log, "gone %d", touch()), UVLOG_EFILTERED);
  cr_assert_eq(UVLOG_DEBUG_TO(log, "gone %d", touch()), UVLOG_EFILTERED);
  cr_assert_eq(side_effects, 0);
  cr_assert_eq(UVLOG_WARNING_TO(log, "kept %d", touch()), 0);
  cr_assert_eq(side_effects, 1);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "WARNING kept 1\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* ---- message contents ---------------------------------------------------- */

Test(messages, control_characters_escaped) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "a\nb\tc%cd\r", 1), 0);
  cr_assert_eq(uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "x\ny", 3), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "INFO a\\nb\\tc\\x01d\\r\nINFO x\\ny\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(messages, long_and_truncated) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 1 << 16;
  o.max_record = 1000;
  uvlog_t *log = make(&o);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  char big[3000];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = 0;
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "%.900s", big), 0, "long, fits");
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "%s", big), 0, "too long: truncated");
  cr_assert_eq(uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, big, 1500), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "%.1000s", big), 0, "exactly max_record");
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  char want[8000];
  int n = snprintf(want, sizeof(want), "INFO %.900s\nINFO %.1000s\xe2\x80\xa6[truncated: 2999 bytes]\n"
                   "INFO %.1000s\xe2\x80\xa6[truncated: 1500 bytes]\nINFO %.1000s\n",
                   big, big, big, big);
  cr_assert_lt(n, (int)sizeof(want));
  cr_assert_str_eq(c.text, want);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.truncated, 2);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* ---- flush and close ----------------------------------------------------- */

#define FB_THREADS 4
#define FB_PER 2000

static void *log_some(void *p) {
  uvlog_t *log = p;
  for (int i = 0; i < FB_PER; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "r%d", i), 0);
  return NULL;
}

Test(flush, barrier_covers_other_threads) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  for (int round = 0; round < 3; round++) {
    pthread_t th[FB_THREADS];
    for (int i = 0; i < FB_THREADS; i++) pthread_create(&th[i], NULL, log_some, log);
    for (int i = 0; i < FB_THREADS; i++) pthread_join(th[i], NULL);
    cr_assert_eq(uvlog_logger_flush(log, -1), 0);
    pthread_mutex_lock(&c.mu);
    size_t got = c.entries;
    pthread_mutex_unlock(&c.mu);
    cr_assert_eq(got, (size_t)(round + 1) * FB_THREADS * FB_PER, "round %d", round);
  }
  cr_assert_gt(c.flushes, 0, "sinks were flushed");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(flush, close_delivers_everything) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  pthread_t th[FB_THREADS];
  for (int i = 0; i < FB_THREADS; i++) pthread_create(&th[i], NULL, log_some, log);
  for (int i = 0; i < FB_THREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);
  cr_assert_eq(c.entries, (size_t)FB_THREADS * FB_PER);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  cr_assert_eq(st.records, (uint64_t)FB_THREADS * FB_PER);
  cr_assert_eq(st.queue_bytes, 0);
  cr_assert_gt(st.queue_high_water, 0);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

static void *close_it(void *p) {
  cr_assert_eq(uvlog_logger_close(p), 0);
  return NULL;
}

Test(flush, concurrent_close) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "one"), 0);
  pthread_t th[3];
  for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, close_it, log);
  cr_assert_eq(uvlog_logger_close(log), 0);
  for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
  cr_assert_str_eq(c.text, "INFO one\n");
  cr_assert_eq(c.closed, 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* A sink that calls flush / close from inside write: EDEADLK, no hang. */
static atomic_int inner_flush_rc, inner_close_rc;

static int write_then_flush(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)e;
  (void)n;
  capture_t *c = uvlog_sink_data(s);
  (void)c;
  atomic_store(&inner_flush_rc, uvlog_logger_flush(uvlog_default_get(), 1000));
  atomic_store(&inner_close_rc, uvlog_logger_close(uvlog_default_get()));
  return 0;
}

Test(flush, from_inside_a_sink_is_edeadlk) {
  capture_t c;
  capture_init(&c);
  c.on_write = write_then_flush;
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  uvlog_default_set(log);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(atomic_load(&inner_flush_rc), UVLOG_EDEADLK);
  cr_assert_eq(atomic_load(&inner_close_rc), UVLOG_EDEADLK);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* ---- a sink whose flush completes later on the loop ---------------------- */

typedef struct async_sink {
  uv_loop_t *loop;
  uv_timer_t timer;
  size_t written;        /* entries written (listener thread) */
  size_t durable;        /* entries covered by a completed flush */
  size_t flushing;       /* entries covered by the flush in flight */
  atomic_int hold;       /* while set, a pending flush does not complete */
  uvlog_sink_t *sink;
  int reopens;
} async_sink_t;

static void async_tick(uv_timer_t *t) {
  async_sink_t *a = t->data;
  if (atomic_load(&a->hold)) return;
  uv_timer_stop(t);
  a->durable = a->flushing;
  uvlog_sink_flush_done(a->sink, 0);
}

static int async_open(uvlog_sink_t *s, void *loop) {
  async_sink_t *a = uvlog_sink_data(s);
  a->loop = loop;
  a->sink = s;
  uv_timer_init(loop, &a->timer);
  a->timer.data = a;
  return 0;
}

static int async_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)e;
  async_sink_t *a = uvlog_sink_data(s);
  a->written += n;
  return 0;
}

static int async_flush(uvlog_sink_t *s) {
  async_sink_t *a = uvlog_sink_data(s);
  a->flushing = a->written;
  uv_timer_start(&a->timer, async_tick, 5, 1);
  return UVLOG_PENDING;
}

static int async_reopen(uvlog_sink_t *s) {
  async_sink_t *a = uvlog_sink_data(s);
  a->reopens++;
  return 0;
}

static void async_close(uvlog_sink_t *s) {
  async_sink_t *a = uvlog_sink_data(s);
  if (a->loop) uv_close((uv_handle_t *)&a->timer, NULL);
}

static const uvlog_sink_vtable_t async_vt = {
    "async", async_open, async_write, async_flush, async_reopen, async_close};

Test(flush, waits_for_pending_sink_flush) {
  async_sink_t a;
  memset(&a, 0, sizeof(a));
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.flush_interval_ms = 3600 * 1000; /* only our flushes */
  uvlog_t *log = make(&o);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &async_vt, &a), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 100; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "a%d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(a.durable, 100, "flush returned before the sink's flush completed");

  /* Held: the flush cannot complete, the caller times out and leaves. */
  atomic_store(&a.hold, 1);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "b"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 20), UVLOG_ETIMEDOUT);
  atomic_store(&a.hold, 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "c"), 0);
  cr_assert_eq(uvlog_logger_reopen(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(a.durable, 102);
  cr_assert_eq(a.reopens, 1);
  uvlog_sink_stats_t ss;
  cr_assert_eq(uvlog_sink_stats(s, &ss), 0);
  cr_assert_eq(ss.written, 102);
  cr_assert_eq(ss.errors, 0);
  uvlog_logger_destroy(log);
}

/* A sink flush that completes on the loop's very next turn (a 0 ms timer):
 * the completion must never be slept on. Two windows: (1) the listener runs
 * its loop without blocking (for the sinks' timers and sockets) after
 * service() and before it parks; with delivery_latency_ms = 0 and the listener
 * parked for a while before the flush, the completion lands there. (2) The
 * flush is issued just before the listener parks: libuv 1.44's
 * uv_run(UV_RUN_ONCE) runs the due timer first and then still blocks in poll;
 * a flush right after a record (no pause) lands there. */
static void soon_tick(uv_timer_t *t) {
  async_sink_t *a = t->data;
  a->durable = a->flushing;
  uvlog_sink_flush_done(a->sink, 0);
}

static int soon_flush(uvlog_sink_t *s) {
  async_sink_t *a = uvlog_sink_data(s);
  a->flushing = a->written;
  uv_timer_start(&a->timer, soon_tick, 0, 0);
  return UVLOG_PENDING;
}

static const uvlog_sink_vtable_t soon_vt = {
    "soon", async_open, async_write, soon_flush, async_reopen, async_close};

Test(flush, completion_on_the_loop_before_parking_is_not_slept_on, .timeout = 30) {
  async_sink_t a;
  memset(&a, 0, sizeof(a));
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.flush_interval_ms = 3600 * 1000; /* no timer to rescue a lost completion */
  o.delivery_latency_ms = 0;         /* sleep deeply as soon as idle */
  uvlog_t *log = make(&o);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &soon_vt, &a), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 200; i++) {
    cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "r%d", i), 0);
    if (i % 2) {
      struct timespec ts = {0, 3 * 1000 * 1000}; /* let the listener park: (1) */
      nanosleep(&ts, NULL);
    }
    cr_assert_eq(uvlog_logger_flush(log, -1), 0); /* hung here before the fix */
    cr_assert_eq(a.durable, (size_t)i + 1);
  }
  uvlog_logger_destroy(log);
}

/* ---- what a sink sees ----------------------------------------------------- */

typedef struct {
  uvlog_entry_t e;
  char msg[64];
  char text[256];
  int n;
} first_t;

static int keep_first(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  first_t *f = uvlog_sink_data(s);
  if (f->n++ == 0 && n > 0) {
    f->e = e[0];
    snprintf(f->msg, sizeof(f->msg), "%.*s", (int)e[0].msg_len, e[0].msg);
    snprintf(f->text, sizeof(f->text), "%.*s", (int)e[0].text_len, e[0].text);
  }
  return 0;
}

Test(messages, entry_fields) {
  static const uvlog_sink_vtable_t vt = {"first", NULL, keep_first, NULL, NULL, NULL};
  first_t f;
  memset(&f, 0, sizeof(f));
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &vt, &f), 0);
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%l %T %f:%n %u %m";
  cr_assert_eq(uvlog_sink_set_format(s, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  struct timespec t0;
  clock_gettime(CLOCK_REALTIME, &t0);
  cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_NOTICE, "dir/file.c", 77, "fn", "m%d", 5), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  uint32_t tid = (uint32_t)syscall(SYS_gettid);
  cr_assert_eq(f.e.tid, tid);
  cr_assert_eq(f.e.level, UVLOG_LEVEL_NOTICE);
  cr_assert_str_eq(f.e.file, "dir/file.c");
  cr_assert_str_eq(f.e.func, "fn");
  cr_assert_eq(f.e.line, 77);
  cr_assert_eq(f.e.flags, 0);
  cr_assert_str_eq(f.msg, "m5");
  int64_t t0_ns = (int64_t)t0.tv_sec * 1000000000 + t0.tv_nsec;
  cr_assert_geq(f.e.ts_ns, t0_ns - 1000000000, "a wall-clock timestamp");
  cr_assert_lt(f.e.ts_ns, t0_ns + (int64_t)3600 * 1000000000);
  char want[128];
  snprintf(want, sizeof(want), "NOTICE %u file.c:77 fn m5\n", tid);
  cr_assert_str_eq(f.text, want);
  uvlog_logger_destroy(log);
}

/* ---- the listener's wake-up handshake ------------------------------------ */

#include "logger.h"

/* delivery_latency_ms = 0: the listener sleeps deeply (no timer) as soon as
 * the ring is empty, so each record must wake it. No flush here (a flush
 * sends its own wake-up): a lost wake-up hangs the loop below and the test
 * times out. */
Test(wakeup, every_record_wakes_a_parked_listener, .timeout = 60) {
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 0;
  o.flush_interval_ms = 3600 * 1000; /* no timer wake-ups either */
  uvlog_t *log = make(&o);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (size_t i = 1; i <= 2000; i++) {
    cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "w%zu", i), 0);
    while (capture_seen(&c) < i) sched_yield();
  }
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* A producer stalled between claim and commit holds back the records after
 * it; flush times out (it never "skips" the slot) and completes once the
 * producer commits. */
Test(wakeup, stalled_producer_holds_flush) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = started(&c, UVLOG_LEVEL_TRACE);
  uvlog_rec_t *rec;
  cr_assert_eq(uvlog__rec_begin(log, UVLOG_LEVEL_INFO, 5, &rec), 0);
  cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "after"), 0);
  cr_assert_eq(uvlog_logger_flush(log, 30), UVLOG_ETIMEDOUT);
  cr_assert_eq(capture_seen(&c), 0, "nothing passes the stalled slot");
  memcpy(rec->data, "first", 5);
  uvlog__rec_commit(log, rec);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.text, "INFO first\nINFO after\n");
  cr_assert_eq(uvlog__rec_begin(log, UVLOG_LEVEL_INFO, uvlog__max_record(log) + 1, &rec),
               UVLOG_EINVAL);
  cr_assert_eq(uvlog__rec_begin(NULL, UVLOG_LEVEL_INFO, 1, &rec), UVLOG_EINVAL);
  uvlog_logger_destroy(log);
  capture_free(&c);
}

/* ---- reopen from a signal handler; sink errors and drops in the stats ---- */

#include <signal.h>

static uvlog_t *sig_log;
static volatile sig_atomic_t sig_rc = 1;
static void on_usr1(int sig) {
  (void)sig;
  sig_rc = uvlog_logger_reopen(sig_log);
}

Test(lifecycle, reopen_from_a_signal_handler) {
  async_sink_t a;
  memset(&a, 0, sizeof(a));
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &async_vt, &a), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  sig_log = log;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  cr_assert_eq(sigaction(SIGUSR1, &sa, NULL), 0);
  cr_assert_eq(raise(SIGUSR1), 0);
  cr_assert_eq(sig_rc, 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(a.reopens, 1, "the listener reopened the sink");
  signal(SIGUSR1, SIG_DFL);
  uvlog_logger_destroy(log);
}

static int failing_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)e;
  uvlog_sink_count_dropped(s, n);
  return -EIO;
}

Test(lifecycle, sink_errors_and_drops_are_counted) {
  static const uvlog_sink_vtable_t vt = {"failing", NULL, failing_write, NULL, NULL, NULL};
  uvlog_t *log = make(NULL);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &vt, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int i = 0; i < 10; i++) cr_assert_eq(LOG(log, UVLOG_LEVEL_INFO, "x%d", i), 0);
  /* The sink lost what the flush covers: the flush says so, with its error;
   * the next flush, with nothing more lost, succeeds. */
  cr_assert_eq(uvlog_logger_flush(log, -1), -EIO);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  uvlog_sink_stats_t ss;
  cr_assert_eq(uvlog_sink_stats(s, &ss), 0);
  cr_assert_eq(ss.written, 10, "handed over");
  cr_assert_eq(ss.dropped, 10, "and lost, as the sink said");
  cr_assert_geq(ss.errors, 1);
  cr_assert_eq(ss.last_error, -EIO);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.sink_written, 10);
  cr_assert_eq(st.sink_dropped, 10);
  cr_assert_eq(st.sink_errors, ss.errors);
  cr_assert_eq(st.records, 10);
  uvlog_logger_destroy(log);
}
