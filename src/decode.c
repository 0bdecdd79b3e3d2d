/*
 * decode.c -- the listener's reading of one record: from the ring's bytes
 * (record.h) to the uvlog_entry_t that formatters and sinks see. It owns
 * what the record layout means on the listener side: the timestamp, the
 * call site, the message (rendering a deferred record with deferred.c),
 * truncation markers.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "deferred.h"
#include "logger_impl.h"

/* Decodes one record into `e`. A message that is not the record's own bytes
 * (rendered, or with a marker appended) is appended to `scratch`, leaving
 * e->msg NULL: the caller points it into scratch once the batch is decoded
 * (scratch may move while it grows). */
void uvlog__decode(uvlog_t *log, const uvlog_rec_t *rec, uvlog_buf_t *scratch,
                   uvlog_entry_t *e) {
  size_t off = scratch->len;
  int truncated = rec->flags & REC_F_TRUNCATED;
  size_t orig_len = rec->orig_len;
  memset(e, 0, sizeof(*e));
  e->ts_ns = rec->ts_ns;
  e->tid = rec->tid;
  e->level = rec->level < UVLOG_LEVEL_COUNT ? (uvlog_level_t)rec->level : UVLOG_LEVEL_CRITICAL;
  e->file = rec->file;
  e->func = rec->func;
  e->line = rec->line;
  switch (rec->type) {
  case REC_TEXT:
    e->msg = (const char *)rec->data;
    e->msg_len = rec->msg_len;
    break;
  case REC_DEFERRED: /* deferred.c renders; cut to max_record as uvlog_logv() does */
    uvlog__deferred_render(rec, scratch);
    if (scratch->len - off > log->max_record) {
      truncated = 1;
      orig_len = scratch->len - off > UINT32_MAX ? UINT32_MAX : scratch->len - off;
      scratch->len = off + log->max_record;
      uvlog__count_truncated(log);
    }
    break;
  default:
    uvlog_buf_puts(scratch, "<uvlog: unknown record type>");
    break;
  }
  if (truncated) {
    char mark[64];
    int n = snprintf(mark, sizeof(mark), "\xe2\x80\xa6[truncated: %zu bytes]", orig_len);
    if (e->msg) uvlog_buf_append(scratch, e->msg, e->msg_len);
    uvlog_buf_append(scratch, mark, (size_t)n);
    e->msg = NULL;
    e->flags |= UVLOG_ENTRY_TRUNCATED;
  }
  if (!e->msg) e->msg_len = scratch->len - off;
}
