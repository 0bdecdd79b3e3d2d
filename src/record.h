/*
 * record.h -- the layout of one record in the ring (owned by the producer
 * side: producer.c writes it, decode.c reads it).
 *
 * A record is the unit a producer claims, fills and commits, and the
 * listener decodes. It is self-contained except for what it points at:
 * the call site (a static object holding file, function, line and format
 * literals) or, for the runtime-site variant, the file and function
 * pointers given to uvlog_log(). Those must outlive the record (see
 * docs/api.md: dlclose()).
 *
 *   0      4    5     6     7     8          16         24     28      32
 *   +------+----+-----+-----+-----+----------+----------+------+-------+-----
 *   | len  |type|level|flags| cat | ts       | site     | tid  |msg_len| data
 *   +------+----+-----+-----+-----+----------+----------+------+-------+-----
 *
 * `len` (the first 4 bytes) belongs to the ring protocol (see ring.h): it is
 * the record's total size, header included, rounded up to 8, and it is the
 * commit flag. Everything after it is written by the producer before commit.
 *
 * `ts` is raw TSC ticks when the logger stamps with the TSC (uvlog_t.tsc),
 * else CLOCK_REALTIME ns; decode.c converts.
 *
 * Types and their data:
 *   REC_PAD       filler up to the end of the buffer (ring.c only)
 *   REC_TEXT      msg_len bytes of formatted text; `site` is a static site
 *                 (file, func, line; its fmt unused) or NULL
 *   REC_DEFERRED  msg_len bytes of encoded arguments (deferred.h), to be
 *                 formatted by the listener with site->fmt
 *   REC_MARK      a control record (flush barrier); no data
 *   REC_KV        a structured (_KV) call: `site` is a _KV site whose fmt
 *                 is the message, written as it is; the data is the
 *                 field block (REC_F_FIELDS is set) and msg_len is 0
 * Optional parts, at the start of the data, in this order:
 *   REC_F_RTSITE  (below)
 *   REC_F_FIELDS  the record's own fields, a field block (fieldrec.h);
 *                 the message (text or encoded arguments) follows it
 * and at the very end of the record (its last 8 bytes, after the rounding
 * to 8, so the data keeps a fixed offset):
 *   REC_F_CTX     a uvlog_ctx_t * the record holds a reference to; the
 *                 listener drops it after delivery (fieldbatch.c)
 * Flags:
 *   REC_F_RTSITE     the data starts with a rec_rtsite_t (file, func, line
 *                    given at run time: uvlog_log()); `site` is NULL and
 *                    msg_len counts the text only
 *   REC_F_TRUNCATED  the text was cut to max_record; the 4 bytes after it
 *                    (unaligned) hold the untruncated length
 *   REC_F_CTX, REC_F_FIELDS  above
 *   REC_F_FTRUNC     a string field was cut to max_record (fieldrec.h)
 * Byte 7 (`reserved`) is not used here: the categories work takes it.
 */
#ifndef UVLOG_RECORD_H
#define UVLOG_RECORD_H

#include <stdatomic.h>
#include <stdint.h>

#include "uvlog.h"

enum {
  REC_PAD = 1,
  REC_TEXT = 2,
  REC_DEFERRED = 3,
  REC_MARK = 4,
  REC_KV = 5
};

#define REC_F_TRUNCATED 0x01u
#define REC_F_RTSITE    0x02u
#define REC_F_CTX       0x04u
#define REC_F_FIELDS    0x08u
#define REC_F_FTRUNC    0x10u

typedef struct uvlog_rec {
  _Atomic int32_t len;       /* ring protocol: total bytes, 8-aligned; 0 = not committed */
  uint8_t type;              /* REC_* */
  uint8_t level;             /* uvlog_level_t (a call's level may be a run-time value) */
  uint8_t flags;             /* REC_F_* */
  uint8_t category;          /* category id (category.c); 0: the root logger */
  uint64_t ts;               /* TSC ticks or CLOCK_REALTIME ns (above) */
  const uvlog_site_t *site;  /* the call site, or NULL */
  uint32_t tid;              /* producer's kernel thread id */
  uint32_t msg_len;          /* bytes of message data (text or encoded args) */
  unsigned char data[];
} uvlog_rec_t;

_Static_assert(sizeof(uvlog_rec_t) == 32, "the record header is 32 bytes");

/* REC_F_RTSITE: the call site given at run time, first in the data. */
typedef struct rec_rtsite {
  const char *file;
  const char *func;
  int32_t line;
  uint32_t reserved;
} rec_rtsite_t;

#define REC_HEADER_SIZE ((uint32_t)sizeof(uvlog_rec_t))

#endif /* UVLOG_RECORD_H */
