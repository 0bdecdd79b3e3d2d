/*
 * decode.c -- the listener's reading of one record: from the ring's bytes
 * (record.h) to the uvlog_entry_t that formatters and sinks see. It owns
 * what the record layout means on the listener side: the timestamp (TSC
 * ticks converted with timeconv.c), the call site (static, or run-time in
 * the data), the message (rendering a deferred record with render.c),
 * truncation markers, and the structured parts: the context pointer and
 * the field block (read by fieldbatch.c), the logger's constant fields.
 */
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "decode.h"
#include "fieldbatch.h"
#include "logger_impl.h"
#include "render.h"

/* The untruncated length stored after a cut text (record.h). */
static size_t orig_len(const unsigned char *text, size_t len) {
  uint32_t n;
  memcpy(&n, text + len, sizeof n);
  return n;
}

/* Decodes one record into `e`. A message that is not the record's own bytes
 * (rendered, or with a marker appended) is appended to `scratch`, leaving
 * e->msg NULL: the caller points it into scratch once the batch is decoded
 * (scratch may move while it grows). */
void uvlog__decode(uvlog_t *log, const uvlog_rec_t *rec, uvlog_buf_t *scratch,
                   uvlog_entry_t *e) {
  size_t off = scratch->len, orig = 0;
  int truncated = 0;
  const unsigned char *data = rec->data;
  memset(e, 0, sizeof(*e));
  e->ts_ns = log->tsc ? uvlog__tconv_ns(&log->tconv, rec->ts) : (int64_t)rec->ts;
  e->tid = rec->tid;
  e->level = rec->level < UVLOG_LEVEL_COUNT ? (uvlog_level_t)rec->level : UVLOG_LEVEL_CRITICAL;
  e->category = uvlog__cat_name_of(log, rec->category);
  e->thread_name = uvlog__thread_name(log, rec->tid, e->ts_ns);
  uvlog_ctx_t *ctx = NULL;
  if (rec->flags & REC_F_CTX) /* the last 8 bytes (record.h); relaxed: ring_peek's acquire */
    memcpy(&ctx, (const unsigned char *)rec + atomic_load_explicit(&rec->len, memory_order_relaxed) -
                     sizeof ctx, sizeof ctx);
  if (rec->flags & REC_F_RTSITE) {
    rec_rtsite_t rs;
    memcpy(&rs, data, sizeof rs);
    e->file = rs.file;
    e->func = rs.func;
    e->line = rs.line;
    data += sizeof rs;
  } else if (rec->site) {
    e->file = rec->site->file;
    e->func = rec->site->func;
    e->line = rec->site->line;
  }
  if (ctx || (rec->flags & REC_F_FIELDS))
    data += uvlog__fbatch_entry(&log->fbatch, ctx, (rec->flags & REC_F_FIELDS) ? data : NULL, e);
  if (rec->flags & REC_F_FTRUNC) e->flags |= UVLOG_ENTRY_TRUNCATED;
  if (log->resource) {
    e->resource = log->resource->fields;
    e->n_resource = log->resource->n;
  }
  switch (rec->type) {
  case REC_TEXT:
    e->msg = (const char *)data;
    e->msg_len = rec->msg_len;
    if (rec->flags & REC_F_TRUNCATED) {
      truncated = 1;
      orig = orig_len(data, rec->msg_len);
    }
    break;
  case REC_KV: /* the message is the site's literal */
    e->msg = rec->site->fmt;
    e->msg_len = strlen(e->msg);
    break;
  case REC_DEFERRED: /* render.c renders; cut to max_record as uvlog_logv() does */
    orig = uvlog__render_data(rec->site ? rec->site->fmt : NULL, data, rec->msg_len,
                              log->max_record, scratch);
    orig += scratch->len - off; /* plus what clamped widths left out */
    if (orig > log->max_record) {
      truncated = 1;
      orig = orig > UINT32_MAX ? UINT32_MAX : orig;
      if (scratch->len - off > log->max_record) scratch->len = off + log->max_record;
      uvlog__count_truncated(log);
    }
    break;
  default:
    uvlog_buf_puts(scratch, "<uvlog: unknown record type>");
    break;
  }
  if (truncated) {
    char mark[64];
    int n = snprintf(mark, sizeof(mark), "\xe2\x80\xa6[truncated: %zu bytes]", orig);
    if (e->msg) uvlog_buf_append(scratch, e->msg, e->msg_len);
    uvlog_buf_append(scratch, mark, (size_t)n);
    e->msg = NULL;
    e->flags |= UVLOG_ENTRY_TRUNCATED;
  }
  if (!e->msg) e->msg_len = scratch->len - off;
  /* An empty rendered message: a static "" rather than a pointer into a
   * scratch buffer that may still be NULL (NULL + 0 is undefined). */
  if (!e->msg && e->msg_len == 0) e->msg = "";
}
