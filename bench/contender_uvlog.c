/*
 * contender_uvlog.c -- uvlog as a contender, through each of its API paths
 * and overflow policies, with its defaults (1 MiB ring, default TEXT
 * pattern "%t %L [%T] %f:%n %m") writing to a file:
 *
 *   uvlog-drop      uvlog_log() (formats on the caller), overflow DROP
 *   uvlog-block     uvlog_log(), overflow BLOCK
 *   uvlog-deferred  UVLOG_INFO_TO() with a literal format (arguments copied,
 *                   formatted by the listener), overflow DROP -- only when
 *                   the deferred path is in uvlog.h
 *   uvlog-deferred-block  the same, overflow BLOCK
 *   uvlog-args4     UVLOG_INFO_TO() deferred, 4 printf arguments (BENCH_FMT4)
 *   uvlog-kv4       UVLOG_INFO_KV_TO() with 4 typed fields (the same
 *                   values) and a literal message, overflow DROP: the
 *                   structured call against the printf call it replaces
 *                   (docs/structured-logging.md, "Cost")
 *
 * Output goes through uvlog's file sink with its default options.
 */
#include <stdlib.h>

#include "bench.h"
#include "uvlog.h"

typedef struct uv_state {
  uvlog_t *log;
} uv_state_t;

static int file_sink(uvlog_sink_t **out, const char *path) {
  return uvlog_sink_file_create(out, path, NULL);
}

static int uv_open(void **st, const char *path, uvlog_overflow_t policy, const char **why) {
  uvlog_options_t opts;
  uvlog_sink_t *sink = NULL;
  uv_state_t *s = calloc(1, sizeof *s);
  if (s == NULL) { *why = "out of memory"; return -1; }
  uvlog_options_init(&opts);
  opts.overflow = policy;
  if (uvlog_logger_create(&s->log, &opts) != 0) { *why = "uvlog_logger_create failed"; goto fail; }
  if (file_sink(&sink, path) != 0) { *why = "cannot open the file sink"; goto fail; }
  if (uvlog_sink_add(s->log, sink) != 0) {
    uvlog_sink_destroy(sink);
    *why = "uvlog_sink_add failed";
    goto fail;
  }
  if (uvlog_logger_start(s->log) != 0) { *why = "uvlog_logger_start failed"; goto fail; }
  *st = s;
  return 0;
fail:
  if (s->log) uvlog_logger_destroy(s->log);
  free(s);
  return -1;
}

static int uv_open_drop(void **st, const char *path, int nthreads, const char **why) {
  (void)nthreads;
  return uv_open(st, path, UVLOG_OVERFLOW_DROP, why);
}

static int uv_open_block(void **st, const char *path, int nthreads, const char **why) {
  (void)nthreads;
  return uv_open(st, path, UVLOG_OVERFLOW_BLOCK, why);
}

static void uv_log_text(void *st, int i) {
  uvlog_log(((uv_state_t *)st)->log, UVLOG_LEVEL_INFO, __FILE__, __LINE__, __func__, BENCH_FMT, i,
            BENCH_HOST, i * 0.001);
}

static int uv_drain(void *st) {
  return uvlog_logger_flush(((uv_state_t *)st)->log, -1) == 0 ? 0 : -1;
}

static uint64_t uv_dropped(void *st) {
  uvlog_stats_t s;
  if (uvlog_logger_stats(((uv_state_t *)st)->log, &s) != 0) return 0;
  return s.dropped + s.sink_dropped;
}

static void uv_close(void *st) {
  uv_state_t *s = st;
  uvlog_logger_close(s->log);
  uvlog_logger_destroy(s->log);
  free(s);
}

static const bench_contender_t uv_drop = {
  "uvlog-drop", "uvlog_log() (formats on the caller), overflow DROP, file sink", 1,
  uv_open_drop, uv_log_text, uv_drain, uv_dropped, uv_close};

static const bench_contender_t uv_block = {
  "uvlog-block", "uvlog_log() (formats on the caller), overflow BLOCK, file sink", 1,
  uv_open_block, uv_log_text, uv_drain, uv_dropped, uv_close};

#ifdef UVLOG_DEFERRED_MAX_ARGS
static void uv_log_deferred(void *st, int i) {
  UVLOG_INFO_TO(((uv_state_t *)st)->log, BENCH_FMT, i, BENCH_HOST, i * 0.001);
}

static const bench_contender_t uv_deferred = {
  "uvlog-deferred", "UVLOG_INFO_TO() deferred formatting, overflow DROP, file sink", 1,
  uv_open_drop, uv_log_deferred, uv_drain, uv_dropped, uv_close};

static const bench_contender_t uv_deferred_block = {
  "uvlog-deferred-block", "UVLOG_INFO_TO() deferred formatting, overflow BLOCK, file sink", 1,
  uv_open_block, uv_log_deferred, uv_drain, uv_dropped, uv_close};

static void uv_log_args4(void *st, int i) {
  UVLOG_INFO_TO(((uv_state_t *)st)->log, BENCH_FMT4, i, BENCH_HOST, i * 0.001, 200);
}

static const bench_contender_t uv_args4 = {
  "uvlog-args4", "UVLOG_INFO_TO() deferred, 4 printf arguments, overflow DROP, file sink", 1,
  uv_open_drop, uv_log_args4, uv_drain, uv_dropped, uv_close};
#endif

#ifdef UVLOG_FIELDS_MAX
static void uv_log_kv4(void *st, int i) {
  UVLOG_INFO_KV_TO(((uv_state_t *)st)->log, NULL, BENCH_KV_MSG, UVLOG_F("request", i),
                   UVLOG_F("peer", BENCH_HOST), UVLOG_F("ms", i * 0.001), UVLOG_F("status", 200));
}

static const bench_contender_t uv_kv4 = {
  "uvlog-kv4", "UVLOG_INFO_KV_TO() with 4 typed fields, overflow DROP, file sink", 1,
  uv_open_drop, uv_log_kv4, uv_drain, uv_dropped, uv_close};
#endif

const bench_contender_t *const bench_uvlog_contenders[] = {
  &uv_drop,
  &uv_block,
#ifdef UVLOG_DEFERRED_MAX_ARGS
  &uv_deferred,
  &uv_deferred_block,
  &uv_args4,
#endif
#ifdef UVLOG_FIELDS_MAX
  &uv_kv4,
#endif
  NULL};
