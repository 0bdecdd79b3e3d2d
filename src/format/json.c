/*
 * json.c -- the JSON format: one object per line, keys from a preset
 * (json_keys.c) with the caller's overrides.
 *
 * The default preset (UVLOG) writes
 *
 *   {"ts":"2026-11-22T02:32:48.123456Z","level":"info","tid":42,
 *    "file":"main.c","line":7,"func":"main","msg":"hello",
 *    "host":"h","app":"a","pid":"1234"}\n
 *
 * (on one line) for a record without structured data, byte for byte as
 * uvlog 0.2 did. "file" is the base name of the file; a NULL file or
 * function is written as null (UVLOG) or left out (ECS, OTEL). "level" is
 * the lower-case level name ("?" for an invalid level; OTEL: upper case).
 * When the entry carries UVLOG_ENTRY_TRUNCATED, "truncated":true follows
 * "msg". "pid" is a string in UVLOG (it is the procid of the format
 * options, which may be any text); ECS and OTEL write a procid of 1..18
 * digits as a number. "thread" and "category" appear when the record has
 * them, "trace_id" and "span_id" when it carries a trace.
 *
 * Items are written in the order of UVLOG_JK_* into the object the preset
 * puts them in; items whose key is "" are left out. Then the logger's
 * constant fields and the record's fields: at the top level, or in the
 * objects named by the `resource` and `fields` keys (omitted when empty).
 *
 * Fields keep their JSON types: strings, integers (signed and unsigned
 * 64-bit, exact), doubles (field.c; NaN and infinities as null, JSON has no
 * other spelling that every parser accepts), true/false and null (also
 * for a NULL string). Keys are escaped like values. Duplicate keys: among a
 * record's fields the later one wins (field.c); a field whose key is a
 * standard key name of the same object is written with '_' in front
 * ("_msg"); a constant field whose key a record field also has, in the
 * same object, is left out. So no object ever holds a key twice unless
 * the caller's own "_"-keys collide.
 *
 * Strings are escaped so the output is always valid JSON (RFC 8259) and one
 * line: '"' and '\\' get a backslash; \b \f \n \r \t use their short forms;
 * other bytes below 0x20 and 0x7f become \u00XX; well-formed UTF-8 passes
 * through; each maximal ill-formed UTF-8 subpart (Unicode's "substitution of
 * maximal subparts") becomes \ufffd.
 */
#include <math.h>
#include <string.h>

#include "format.h"
#include "format_util.h"

/* 1 for bytes that can be copied as they are: printable ASCII but '"', '\\'. */
static int json_plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void json_escape_byte(unsigned char c, uvlog_buf_t *out) {
  static const char hex[] = "0123456789abcdef";
  char esc[6] = {'\\', 0, 0, 0, 0, 0};
  size_t len = 2;
  switch (c) {
  case '"': esc[1] = '"'; break;
  case '\\': esc[1] = '\\'; break;
  case '\b': esc[1] = 'b'; break;
  case '\f': esc[1] = 'f'; break;
  case '\n': esc[1] = 'n'; break;
  case '\r': esc[1] = 'r'; break;
  case '\t': esc[1] = 't'; break;
  default:
    memcpy(esc + 1, "u00", 3);
    esc[4] = hex[c >> 4];
    esc[5] = hex[c & 0xf];
    len = 6;
  }
  uvlog_buf_append(out, esc, len);
}

/* Appends the escaped contents of a JSON string (without the quotes). */
void uvlog_format_json_escape(const char *str, size_t n, uvlog_buf_t *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && json_plain(s[run])) run++;
    uvlog_buf_append(out, s + i, run - i);
    i = run;
    if (i == n) break;
    if (s[i] < 0x80) {
      json_escape_byte(s[i++], out);
      continue;
    }
    size_t bad = 0, len = fmt_utf8_seq(s + i, n - i, &bad);
    if (len) {
      uvlog_buf_append(out, s + i, len);
      i += len;
    } else {
      uvlog_buf_append(out, "\\ufffd", 6);
      i += bad;
    }
  }
}

static void json_string_n(const char *s, size_t n, uvlog_buf_t *out) {
  uvlog_buf_putc(out, '"');
  uvlog_format_json_escape(s, n, out);
  uvlog_buf_putc(out, '"');
}

static void json_string(const char *s, uvlog_buf_t *out) {
  if (s) json_string_n(s, strlen(s), out);
  else uvlog_buf_append(out, "null", 4);
}

/* One object being written. */
typedef struct jobj {
  const uvlog_formatter_t *f;
  uvlog_buf_t *out;
  int group; /* UVLOG_JG_* after inlining */
  int first;
} jobj_t;

static void put_key(jobj_t *o, const char *key) {
  if (!o->first) uvlog_buf_putc(o->out, ',');
  o->first = 0;
  json_string(key, o->out);
  uvlog_buf_putc(o->out, ':');
}

/* The object item i is written in: its preset group, or the top level when
 * the object's own key is "". */
static int item_group(const uvlog_formatter_t *f, int i) {
  int g = i == UVLOG_JK_FIELDS     ? UVLOG_JG_FIELDS
        : i == UVLOG_JK_RESOURCE ? UVLOG_JG_RESOURCE
                                 : f->json->group[i];
  if (g == UVLOG_JG_FIELDS && !*f->json_key[UVLOG_JK_FIELDS]) return UVLOG_JG_TOP;
  if (g == UVLOG_JG_RESOURCE && !*f->json_key[UVLOG_JK_RESOURCE]) return UVLOG_JG_TOP;
  return g;
}

static int sev_number(uvlog_level_t l) {
  static const int num[UVLOG_LEVEL_COUNT] = {1, 5, 9, 10, 13, 17, 21};
  return fmt_level_valid(l) ? num[l] : 0; /* 0: SEVERITY_NUMBER_UNSPECIFIED */
}

/* 1 for a procid written as a number: 1..18 digits. */
static int numeric(const char *s) {
  size_t n = strspn(s, "0123456789");
  return n > 0 && n <= 18 && s[n] == '\0';
}

static void put_time(const jobj_t *o, int64_t ts_ns) {
  uvlog_buf_putc(o->out, '"');
  if (o->f->json->time_ns_string) fmt_put_i64(o->out, ts_ns);
  else uvlog_format_rfc3339_utc(ts_ns, o->out);
  uvlog_buf_putc(o->out, '"');
}

static void put_hex_string(const uint8_t *p, size_t n, uvlog_buf_t *out) {
  uvlog_buf_putc(out, '"');
  uvlog_format_hex(p, n, out);
  uvlog_buf_putc(out, '"');
}

/* 1 if item i has a value in this record. */
static int item_present(const uvlog_formatter_t *f, const uvlog_entry_t *e, int i) {
  switch (i) {
  case UVLOG_JK_THREAD_NAME: return e->thread_name != NULL;
  case UVLOG_JK_CATEGORY: return e->category != NULL;
  case UVLOG_JK_FILE: return e->file || f->json->null_missing;
  case UVLOG_JK_FUNCTION: return e->func || f->json->null_missing;
  case UVLOG_JK_TRUNCATED: return (e->flags & UVLOG_ENTRY_TRUNCATED) != 0;
  case UVLOG_JK_TRACE_ID:
  case UVLOG_JK_SPAN_ID: return (e->flags & UVLOG_ENTRY_TRACE) != 0;
  case UVLOG_JK_FIELDS:
  case UVLOG_JK_RESOURCE: return 0; /* objects, not items */
  default: return 1;
  }
}

static void put_item_value(const jobj_t *o, const uvlog_entry_t *e, int i) {
  const uvlog_formatter_t *f = o->f;
  uvlog_buf_t *out = o->out;
  switch (i) {
  case UVLOG_JK_TIME: put_time(o, e->ts_ns); break;
  case UVLOG_JK_LEVEL:
    json_string(f->json->level_upper ? fmt_level_upper(e->level) : fmt_level_lower(e->level), out);
    break;
  case UVLOG_JK_SEVNUM: fmt_put_i64(out, sev_number(e->level)); break;
  case UVLOG_JK_THREAD_ID: fmt_put_u64(out, e->tid); break;
  case UVLOG_JK_THREAD_NAME: json_string(e->thread_name, out); break;
  case UVLOG_JK_CATEGORY:
    if (f->json->scope_object) uvlog_buf_append(out, "{\"name\":", 8);
    json_string(e->category, out);
    if (f->json->scope_object) uvlog_buf_putc(out, '}');
    break;
  case UVLOG_JK_FILE: json_string(e->file ? fmt_basename(e->file) : NULL, out); break;
  case UVLOG_JK_LINE: fmt_put_i64(out, e->line); break;
  case UVLOG_JK_FUNCTION: json_string(e->func, out); break;
  case UVLOG_JK_MESSAGE: json_string_n(e->msg ? e->msg : "", e->msg ? e->msg_len : 0, out); break;
  case UVLOG_JK_TRUNCATED: uvlog_buf_append(out, "true", 4); break;
  case UVLOG_JK_HOST: json_string(f->hostname, out); break;
  case UVLOG_JK_APP: json_string(f->app_name, out); break;
  case UVLOG_JK_PID:
    if (f->json->numeric_pid && numeric(f->procid)) uvlog_buf_puts(out, f->procid);
    else json_string(f->procid, out);
    break;
  case UVLOG_JK_TRACE_ID: put_hex_string(e->trace_id, sizeof e->trace_id, out); break;
  case UVLOG_JK_SPAN_ID: put_hex_string(e->span_id, sizeof e->span_id, out); break;
  default: break;
  }
}

/* The standard items of object o->group. */
static void put_items(jobj_t *o, const uvlog_entry_t *e) {
  for (int i = 0; i < UVLOG_JK_FIELDS; i++) {
    const char *key = o->f->json_key[i];
    if (!*key || item_group(o->f, i) != o->group || !item_present(o->f, e, i)) continue;
    put_key(o, key);
    put_item_value(o, e, i);
    if (i == UVLOG_JK_LEVEL && o->f->json->ecs_version && o->group == UVLOG_JG_TOP) {
      put_key(o, "ecs.version");
      json_string(o->f->json->ecs_version, o->out);
    }
  }
}

/* 1 if `key` is the name of a standard item of object `group`. */
static int reserved(const jobj_t *o, const char *key) {
  for (int i = 0; i < UVLOG_JK_FIELDS; i++)
    if (item_group(o->f, i) == o->group && *o->f->json_key[i] && strcmp(o->f->json_key[i], key) == 0)
      return 1;
  return o->group == UVLOG_JG_TOP && o->f->json->ecs_version && strcmp(key, "ecs.version") == 0;
}

/* NaN and infinities are null (JSON has no other spelling every parser
 * accepts), so is a NULL string. */
static void put_field_value(const uvlog_field_t *fl, uvlog_buf_t *out) {
  if (fl->type == UVLOG_FIELD_STR && fl->v.str.ptr) json_string_n(fl->v.str.ptr, fl->v.str.len, out);
  else if ((fl->type == UVLOG_FIELD_DOUBLE && !isfinite(fl->v.d)) || !uvlog_format_scalar(fl, out))
    uvlog_buf_append(out, "null", 4);
}

/* fields[0..n) into object o; `others` (the record's fields when they share
 * the object) win over a constant field with the same key. */
static void put_fields(jobj_t *o, const uvlog_field_t *fl, size_t n, const uvlog_field_t *others,
                       size_t n_others) {
  for (size_t i = 0; i < n; i++) {
    const char *key = fl[i].key ? fl[i].key : "";
    if (uvlog_format_field_shadowed(fl, n, i) || (others && uvlog_format_fields_have(others, n_others, key)))
      continue;
    if (!o->first) uvlog_buf_putc(o->out, ',');
    o->first = 0;
    uvlog_buf_putc(o->out, '"');
    if (reserved(o, key)) uvlog_buf_putc(o->out, '_');
    uvlog_format_json_escape(key, strlen(key), o->out);
    uvlog_buf_append(o->out, "\":", 2);
    put_field_value(&fl[i], o->out);
  }
}

/* The constant fields and the record's fields that belong in object o. */
static void put_all_fields(jobj_t *o, const uvlog_entry_t *e) {
  int res_here = item_group(o->f, UVLOG_JK_RESOURCE) == o->group;
  int fields_here = item_group(o->f, UVLOG_JK_FIELDS) == o->group;
  const uvlog_field_t *rec = fields_here ? e->fields : NULL;
  size_t n_rec = e->fields ? e->n_fields : 0;
  if (res_here && e->resource) put_fields(o, e->resource, e->n_resource, rec, n_rec);
  if (fields_here && e->fields) put_fields(o, e->fields, e->n_fields, NULL, 0);
}

/* A nested object (attributes, resource): written only when non-empty. */
static void put_object(jobj_t *top, const uvlog_entry_t *e, int key_index, int group) {
  const uvlog_formatter_t *f = top->f;
  uvlog_buf_t *out = top->out;
  if (item_group(f, key_index) != group) return; /* inlined at the top */
  size_t mark = out->len;
  int was_first = top->first;
  put_key(top, f->json_key[key_index]);
  uvlog_buf_putc(out, '{');
  size_t inner = out->len;
  jobj_t o = {f, out, group, 1};
  put_items(&o, e);
  put_all_fields(&o, e);
  if (out->len == inner && !out->oom) { /* empty: leave it out */
    out->len = mark;
    top->first = was_first;
  } else {
    uvlog_buf_putc(out, '}');
  }
}

void uvlog_format_json(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  jobj_t top = {f, out, UVLOG_JG_TOP, 1};
  uvlog_buf_putc(out, '{');
  put_items(&top, e);
  put_all_fields(&top, e);
  put_object(&top, e, UVLOG_JK_FIELDS, UVLOG_JG_FIELDS);
  put_object(&top, e, UVLOG_JK_RESOURCE, UVLOG_JG_RESOURCE);
  uvlog_buf_append(out, "}\n", 2);
}
