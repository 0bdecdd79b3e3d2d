/*
 * record.h -- the layout of one record in the ring.
 *
 * A record is the unit a producer claims, fills and commits, and the
 * listener decodes. It is self-contained: it owns copies of everything the
 * listener needs, except string literals (file, function, and the format of a
 * deferred record), whose lifetime is the program's.
 *
 *   0      4      6     7     8                                   40
 *   +------+------+-----+-----+------------------------------------+-------
 *   | len  | type |level|flags| body (uvlog_rec_t fields below)    | data ...
 *   +------+------+-----+-----+------------------------------------+-------
 *
 * `len` (the first 4 bytes) belongs to the ring protocol (see ring.h): it is
 * the record's total size, header included, rounded up to 8, and it is the
 * commit flag. Everything after it is written by the producer before commit.
 *
 * Types:
 *   REC_PAD       filler up to the end of the buffer (ring.c only)
 *   REC_TEXT      data = msg_len bytes of formatted text
 *   REC_DEFERRED  data = msg_len bytes of encoded arguments (deferred.c), to be
 *                 formatted by the listener with the literal `fmt`
 *   REC_MARK      a control record (flush barrier); data = nothing
 * After the message data come kv_len bytes of structured key-value fields
 * (reserved: always 0 for now).
 */
#ifndef UVLOG_RECORD_H
#define UVLOG_RECORD_H

#include <stdatomic.h>
#include <stdint.h>

enum {
  REC_PAD = 1,
  REC_TEXT = 2,
  REC_DEFERRED = 3,
  REC_MARK = 4
};

/* flags */
#define REC_F_TRUNCATED 0x01u /* data was cut to max_record; orig_len says how long it was */

typedef struct uvlog_rec {
  _Atomic int32_t len;  /* ring protocol: total bytes, 8-aligned; 0 = not committed */
  uint16_t type;        /* REC_* */
  uint8_t level;        /* uvlog_level_t */
  uint8_t flags;        /* REC_F_* */
  int64_t ts_ns;        /* CLOCK_REALTIME, ns since the epoch */
  const char *file;     /* literal or NULL */
  const char *func;     /* literal or NULL */
  const char *fmt;      /* REC_DEFERRED: the format literal; REC_MARK: barrier cookie */
  uint32_t tid;         /* producer's kernel thread id */
  int32_t line;
  uint32_t msg_len;     /* bytes of data for the message (text or encoded args) */
  uint32_t orig_len;    /* REC_F_TRUNCATED: the untruncated length */
  uint32_t kv_len;      /* bytes of structured fields after the message (reserved) */
  uint32_t reserved;
  unsigned char data[]; /* msg_len + kv_len bytes */
} uvlog_rec_t;

_Static_assert(sizeof(uvlog_rec_t) % 8 == 0, "record header must keep 8-byte alignment");

#define REC_HEADER_SIZE ((uint32_t)sizeof(uvlog_rec_t))

#endif /* UVLOG_RECORD_H */
