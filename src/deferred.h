/*
 * deferred.h -- deferred formatting: the encoding of a call's arguments into
 * a REC_DEFERRED record (producer side) and their rendering with printf's
 * semantics (listener side). See deferred.c and docs/deferred.md.
 *
 * Record data of a REC_DEFERRED record (msg_len bytes):
 *
 *   u8 n | u8 tag[n] | pad to 8 | u64 value[n] | string bytes ...
 *
 * tag = kind | size: UVLOG_ARG_SINT/UINT (size 4 or 8), UVLOG_ARG_DBL,
 * UVLOG_ARG_PTR, DEF_TAG_STR (value = byte count of a copied %s string, its
 * bytes follow in argument order, not NUL-terminated) or DEF_TAG_NULLSTR
 * (a NULL char * given to %s).
 */
#ifndef UVLOG_DEFERRED_H
#define UVLOG_DEFERRED_H

#include <stddef.h>

#include "buf.h"
#include "record.h"
#include "uvlog.h"

#define DEF_TAG_STR     0x68u
#define DEF_TAG_NULLSTR 0x78u

/* What a format does with argument i (uvlog_site_cache_t.use). */
enum {
  DEF_USE_NONE = 0,  /* no conversion takes it (extra argument) */
  DEF_USE_INT = 1,   /* a '*' width or precision */
  DEF_USE_STR = 2,   /* a %s: copy the bytes */
  DEF_USE_OTHER = 3  /* any other conversion: copy the 8-byte value */
};

/* Scans `fmt` and fills plan->use / plan->prec for up to
 * UVLOG_DEFERRED_MAX_ARGS arguments (plan->state is not touched). Returns 1
 * if the listener can render the format, 0 if the call must fall back to
 * uvlog_log() (%n, %m, wide strings, positional arguments, unknown
 * conversions, malformed specs). */
int uvlog__deferred_plan(const char *fmt, uvlog_site_cache_t *plan);

/* Bytes of record data needed for `args` under `plan`; stores each copied
 * string's length in lens[i]. Reads at most the bytes printf would read. */
size_t uvlog__deferred_measure(const uvlog_site_cache_t *plan, const uvlog_arg_t *args,
                               unsigned n, size_t *lens);
/* Writes the record data (exactly the measured size) to `dst`. */
void uvlog__deferred_encode(const uvlog_site_cache_t *plan, const uvlog_arg_t *args,
                            unsigned n, const size_t *lens, unsigned char *dst);

/* Listener: appends the message of `fmt` applied to the encoded `data`. A
 * conversion whose argument is missing or of the wrong type renders as a
 * visible "<uvlog: ...>" marker; malformed data renders a marker and stops. */
void uvlog__deferred_render_data(const char *fmt, const unsigned char *data, size_t len,
                                 uvlog_buf_t *out);
/* Listener: the message of a REC_DEFERRED record. */
void uvlog__deferred_render(const uvlog_rec_t *rec, uvlog_buf_t *out);

#endif /* UVLOG_DEFERRED_H */
