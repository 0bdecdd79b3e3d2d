/*
 * format.h -- formatters: how a sink renders an entry into bytes.
 *
 * A formatter is compiled once from uvlog_format_options_t (pattern parsed,
 * identity strings copied and defaulted) and then used by the listener to
 * append one rendered record to a uvlog_buf_t. Formatters never see the ring:
 * they get a uvlog_entry_t whose msg is already plain text.
 *
 * Files: format.c (options, dispatch, shared helpers), text.c, json.c,
 * syslog.c (RFC 5424 and RFC 3164).
 */
#ifndef UVLOG_FORMAT_H
#define UVLOG_FORMAT_H

#include <stdint.h>

#include "../buf.h"
#include "uvlog.h"

/* One element of a compiled TEXT pattern. */
typedef struct uvlog_pat_item {
  char conv;          /* 0 = literal text; else the conversion letter */
  const char *lit;    /* literal: points into formatter.pattern */
  size_t lit_len;
} uvlog_pat_item_t;

typedef struct uvlog_formatter {
  uvlog_format_kind_t kind;
  char *pattern;              /* owned copy (TEXT) */
  uvlog_pat_item_t *items;    /* compiled pattern (TEXT) */
  size_t n_items;
  int color;                  /* resolved: 0 or 1 (auto is resolved by the sink) */
  int color_auto;             /* the options said -1 */
  int facility;
  char *app_name;             /* owned, never NULL after init */
  char *hostname;             /* owned, never NULL after init */
  char *procid;               /* owned, never NULL after init */
  char *msgid;                /* owned, NULL = "-" */
} uvlog_formatter_t;

/* Compiles `fo` (NULL = defaults). Returns 0, UVLOG_EINVAL (bad pattern,
 * facility out of range, identity fields that RFC 5424 forbids) or
 * UVLOG_ENOMEM. On error the formatter is left empty (safe to destroy). */
int uvlog_formatter_init(uvlog_formatter_t *f, const uvlog_format_options_t *fo);
void uvlog_formatter_destroy(uvlog_formatter_t *f);

/* Appends the rendered entry (with its terminator) to `out`. Never fails
 * except for memory (out->oom). */
void uvlog_formatter_format(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);

/* Per-kind renderers (called by uvlog_formatter_format). */
void uvlog_format_text(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_json(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_rfc5424(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_rfc3164(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);

/* Shared helpers. */
/* "2026-11-22T02:32:48.123456Z" (27 bytes) */
void uvlog_format_rfc3339_utc(int64_t ts_ns, uvlog_buf_t *out);
/* Appends `s` with control characters escaped: \n \r \t \\ as two
 * characters, other bytes < 0x20 and 0x7f as \xHH. Bytes >= 0x80 pass. */
void uvlog_format_escape(const char *s, size_t n, uvlog_buf_t *out);
/* The number of bytes uvlog_format_escape() appends for s[0..n). */
size_t uvlog_format_escaped_len(const char *s, size_t n);

#endif /* UVLOG_FORMAT_H */
