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
 *
 * The file is uvlog's own file sink when the build has it
 * (BENCH_UVLOG_FILESINK), else the small writev() sink below.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bench.h"
#include "uvlog.h"

typedef struct uv_state {
  uvlog_t *log;
} uv_state_t;

#ifndef BENCH_UVLOG_FILESINK
/* ---- a minimal file sink: every batch in as few writev() calls as it takes ---- */

static int mini_write(uvlog_sink_t *sink, const uvlog_entry_t *e, size_t count) {
  int fd = (int)(intptr_t)uvlog_sink_data(sink);
  struct iovec iov[64];
  size_t k = 0;
  while (k < count) {
    int n = 0;
    size_t total = 0;
    for (; k < count && n < 64; k++, n++) {
      iov[n].iov_base = (void *)e[k].text;
      iov[n].iov_len = e[k].text_len;
      total += e[k].text_len;
    }
    struct iovec *v = iov;
    while (total > 0) {
      ssize_t w = writev(fd, v, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return -errno;
      }
      total -= (size_t)w;
      while (n > 0 && (size_t)w >= v->iov_len) { w -= (ssize_t)v->iov_len; v++; n--; }
      if (n > 0) { v->iov_base = (char *)v->iov_base + w; v->iov_len -= (size_t)w; }
    }
  }
  return 0;
}

static int mini_flush(uvlog_sink_t *sink) { (void)sink; return 0; }

static void mini_close(uvlog_sink_t *sink) { close((int)(intptr_t)uvlog_sink_data(sink)); }

static const uvlog_sink_vtable_t mini_vt = {"bench-file", NULL, mini_write, mini_flush, NULL,
                                            mini_close};

static int file_sink(uvlog_sink_t **out, const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -errno;
  int rc = uvlog_sink_create(out, &mini_vt, (void *)(intptr_t)fd);
  if (rc != 0) close(fd);
  return rc;
}
#else
static int file_sink(uvlog_sink_t **out, const char *path) {
  return uvlog_sink_file_create(out, path, NULL);
}
#endif

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
#endif

const bench_contender_t *const bench_uvlog_contenders[] = {
  &uv_drop,
  &uv_block,
#ifdef UVLOG_DEFERRED_MAX_ARGS
  &uv_deferred,
#endif
  NULL};
