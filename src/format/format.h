/*
 * format.h -- formatters: how a sink renders an entry into bytes.
 *
 * A formatter is compiled once from uvlog_format_options_t (pattern parsed,
 * identity strings copied and defaulted) and then used by the listener to
 * append one rendered record to a uvlog_buf_t. Formatters never see the ring:
 * they get a uvlog_entry_t whose msg is already plain text.
 *
 * Files: format.c (options, dispatch, pattern compilation), time.c
 * (timestamps), field.c (what every format shares about fields: shadowed
 * keys, doubles, hex), text.c, logfmt.c (LOGFMT and the key=value writer
 * TEXT's %k uses), json.c and json_keys.c (the presets), syslog.c (RFC 5424
 * with structured data, and RFC 3164).
 */
#ifndef UVLOG_FORMAT_H
#define UVLOG_FORMAT_H

#include <stdint.h>

#include "../buf.h"
#include "uvlog.h"

/* How a timestamp is written (TEXT %t and its {spec}). */
typedef struct uvlog_time_spec {
  unsigned char local;   /* 1: local time with its offset; 0: UTC ("Z") */
  unsigned char digits;  /* fraction digits: 0, 3, 6 or 9 */
  unsigned char epoch;   /* 1: an integer count since the epoch, unit 10^-digits s */
} uvlog_time_spec_t;

/* One element of a compiled TEXT pattern. */
typedef struct uvlog_pat_item {
  char conv;          /* 0 = literal text; else the conversion letter */
  unsigned char left; /* width: 1 left-aligned (pad after), 0 right-aligned */
  unsigned short width; /* 0 = none; else the minimum columns */
  uvlog_time_spec_t ts; /* conv 't' */
  const char *lit;    /* literal: points into formatter.pattern */
  size_t lit_len;
} uvlog_pat_item_t;

/* The standard items of the JSON format, in the order they are written
 * (uvlog_json_keys_t has one member for each). */
enum {
  UVLOG_JK_TIME, UVLOG_JK_LEVEL, UVLOG_JK_SEVNUM, UVLOG_JK_THREAD_ID, UVLOG_JK_THREAD_NAME,
  UVLOG_JK_CATEGORY, UVLOG_JK_FILE, UVLOG_JK_LINE, UVLOG_JK_FUNCTION, UVLOG_JK_MESSAGE,
  UVLOG_JK_TRUNCATED, UVLOG_JK_HOST, UVLOG_JK_APP, UVLOG_JK_PID, UVLOG_JK_TRACE_ID,
  UVLOG_JK_SPAN_ID, UVLOG_JK_FIELDS, UVLOG_JK_RESOURCE, UVLOG_JK_COUNT
};

/* Which object a JSON item is written in. */
enum { UVLOG_JG_TOP, UVLOG_JG_FIELDS, UVLOG_JG_RESOURCE };

/* A JSON preset: default names and placement of every item. */
typedef struct uvlog_json_preset_def {
  const char *name[UVLOG_JK_COUNT];
  unsigned char group[UVLOG_JK_COUNT]; /* UVLOG_JG_* */
  unsigned char time_ns_string;  /* time as "<ns since the epoch>" (OTel) */
  unsigned char level_upper;     /* "INFO" rather than "info" */
  unsigned char numeric_pid;     /* a procid of digits as a number */
  unsigned char null_missing;    /* a NULL file/function as null (else left out) */
  unsigned char scope_object;    /* category as {"name":"..."} (OTel) */
  const char *ecs_version;       /* written after the level when non-NULL */
} uvlog_json_preset_def_t;

/* The preset table (json_keys.c); NULL for a value out of range. */
const uvlog_json_preset_def_t *uvlog_json_preset_get(uvlog_json_preset_t p);
/* The member of `k` for item `i` (UVLOG_JK_*). */
const char *uvlog_json_keys_get(const uvlog_json_keys_t *k, int i);

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
  /* JSON */
  const uvlog_json_preset_def_t *json;  /* the preset (static) */
  char *json_key[UVLOG_JK_COUNT];       /* owned; "" = the item is left out */
  int json_preset;
  /* RFC 5424 */
  char *sd_id;                          /* owned, never NULL after init */
} uvlog_formatter_t;

/* Compiles `fo` (NULL = defaults). Returns 0, UVLOG_EINVAL (bad pattern,
 * facility out of range, identity fields that RFC 5424 forbids) or
 * UVLOG_ENOMEM. On error the formatter is left empty (safe to destroy). */
int uvlog_formatter_init(uvlog_formatter_t *f, const uvlog_format_options_t *fo);
void uvlog_formatter_destroy(uvlog_formatter_t *f);

/* 1 if two compiled formatters render every entry identically. */
int uvlog_formatter_equal(const uvlog_formatter_t *a, const uvlog_formatter_t *b);

/* Appends the rendered entry (with its terminator) to `out`. Never fails
 * except for memory (out->oom). */
void uvlog_formatter_format(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);

/* Per-kind renderers (called by uvlog_formatter_format). */
void uvlog_format_text(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_json(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_rfc5424(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_rfc3164(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);
void uvlog_format_logfmt(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out);

/* Shared helpers. */
/* "2026-11-22T02:32:48.123456Z" (27 bytes) */
void uvlog_format_rfc3339_utc(int64_t ts_ns, uvlog_buf_t *out);
/* A timestamp as `spec` says (time.c). */
void uvlog_format_time(const uvlog_time_spec_t *spec, int64_t ts_ns, uvlog_buf_t *out);
/* Parses the words of a %{spec}t (s[0..n)) into *spec. 0 or UVLOG_EINVAL. */
int uvlog_time_spec_parse(const char *s, size_t n, uvlog_time_spec_t *spec);

/* Appends the escaped contents of a JSON string, without the quotes
 * (json.c; also LOGFMT's quoted values). */
void uvlog_format_json_escape(const char *s, size_t n, uvlog_buf_t *out);

/* Fields (field.c). */
/* 1 if fields[i] is shadowed by a later field with the same key (the later
 * one is written, at its own place: the call's fields win over the
 * context's). */
int uvlog_format_field_shadowed(const uvlog_field_t *fields, size_t n, size_t i);
/* Appends the shortest decimal form of a finite double that reads back to
 * the same value ("%.15g".."%.17g", '.' whatever the locale). */
void uvlog_format_double(double d, uvlog_buf_t *out);
/* Appends an INT, UINT, DOUBLE (NaN, +Inf, -Inf for the non-finite ones)
 * or BOOL field's value and returns 1; returns 0 for STR and NULL. */
int uvlog_format_scalar(const uvlog_field_t *fl, uvlog_buf_t *out);
/* Appends n bytes as 2n lower-case hex digits. */
void uvlog_format_hex(const uint8_t *p, size_t n, uvlog_buf_t *out);
/* 1 if a field of fields[0..n) has the key `key`. */
int uvlog_format_fields_have(const uvlog_field_t *fields, size_t n, const char *key);

/* How uvlog_format_kv_fields() writes a list of fields. */
typedef struct uvlog_kv {
  int first;                     /* no space before the next pair (then cleared) */
  const char *const *reserved;   /* NULL-terminated keys written with '_' in
                                    front; NULL = none */
  const uvlog_field_t *winners;  /* a field whose key is among these is left
                                    out (the record's fields over the
                                    constant ones); NULL = none */
  size_t n_winners;
} uvlog_kv_t;

/* The key=value pairs of LOGFMT for `n` fields, each preceded by a space
 * except the first when kv->first is set (logfmt.c). */
void uvlog_format_kv_fields(const uvlog_field_t *fields, size_t n, uvlog_kv_t *kv, uvlog_buf_t *out);
/* Appends `s` with control characters escaped: \n \r \t \\ as two
 * characters, other bytes < 0x20 and 0x7f as \xHH. Bytes >= 0x80 pass. */
void uvlog_format_escape(const char *s, size_t n, uvlog_buf_t *out);
/* The number of bytes uvlog_format_escape() appends for s[0..n). */
size_t uvlog_format_escaped_len(const char *s, size_t n);

#endif /* UVLOG_FORMAT_H */
