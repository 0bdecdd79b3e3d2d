/*
 * logger.h -- what the library's own files share about a logger.
 *
 * The struct is in logger_impl.h; the functions below are the producer's
 * record primitives (producer.c), used by the tests and the listener's
 * decode (uvlog__count_truncated).
 */
#ifndef UVLOG_LOGGER_H
#define UVLOG_LOGGER_H

#include <stddef.h>

#include "record.h"
#include "uvlog.h"

/* Producer: the checks every log call starts with: level valid and at or
 * above the logger's effective level (UVLOG_EFILTERED), not a forked child
 * of the logger's process (UVLOG_ECLOSED). One relaxed load in the common
 * case. A NULL log is UVLOG_EINVAL. */
int uvlog__admit(const uvlog_t *log, uvlog_level_t level);
/* Producer, after uvlog__admit() said 0: claims a record with room for
 * `data_len` bytes of data after the header, applying the overflow policy
 * (drop: counts and returns UVLOG_EAGAIN; block: waits; closed:
 * UVLOG_ECLOSED). On success the header's type (REC_TEXT), level, ts, tid and
 * msg_len are filled; the caller sets the site, the data and flags, then
 * calls uvlog__rec_commit(). data_len must be <= uvlog__max_record(log)
 * (else UVLOG_EINVAL). No lock, no malloc, no system call in steady state. */
int uvlog__rec_claim(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec);
/* Both in one call: uvlog__admit(), then uvlog__rec_claim(). */
int uvlog__rec_begin(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec);
/* Producer: publishes the record and wakes the listener if it is parked. */
void uvlog__rec_commit(uvlog_t *log, uvlog_rec_t *rec);
/* The logger's max_record (bytes of message data). */
size_t uvlog__max_record(const uvlog_t *log);
/* Counts one record truncated to max_record (the listener reports totals). */
void uvlog__count_truncated(uvlog_t *log);

#endif /* UVLOG_LOGGER_H */
