/*
 * decode.h -- the listener's reading of one record (decode.c).
 */
#ifndef UVLOG_DECODE_H
#define UVLOG_DECODE_H

#include "buf.h"
#include "record.h"
#include "uvlog.h"

/* Listener: decodes `rec` into `e`. A message that is not the record's own
 * bytes (rendered, or with a marker appended) is appended to `scratch`,
 * leaving e->msg NULL: the caller points it into scratch once the batch is
 * decoded (scratch may move while it grows). */
void uvlog__decode(uvlog_t *log, const uvlog_rec_t *rec, uvlog_buf_t *scratch,
                   uvlog_entry_t *e);

#endif /* UVLOG_DECODE_H */
