/*
 * config_keys.c -- the option tables of a configuration and what they say
 * about a value: one row per option of uvlog_options_t,
 * uvlog_format_options_t, uvlog_json_keys_t, uvlog_crash_options_t and
 * every built-in sink's options (name, type, place in the struct, range,
 * names of an enum); the canonical text of a value (config_dump.c writes
 * it); and, through that text, the copy and the comparison of two sinks',
 * crash flushes' or loggers' options (config_apply.c). The walk that fills
 * the structs from a parsed file is config_map.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "format/format.h"

#define MAX_MS 86400000u /* one day: the largest delay any option takes */

/* ---- tables ------------------------------------------------------------------ */

static const enum_name_t overflow_names[] = {
    {"drop", UVLOG_OVERFLOW_DROP}, {"block", UVLOG_OVERFLOW_BLOCK}, {NULL, 0}};
static const enum_name_t kind_names[] = {{"text", UVLOG_FORMAT_TEXT},
                                         {"json", UVLOG_FORMAT_JSON},
                                         {"rfc5424", UVLOG_FORMAT_RFC5424},
                                         {"rfc3164", UVLOG_FORMAT_RFC3164},
                                         {"logfmt", UVLOG_FORMAT_LOGFMT},
                                         {NULL, 0}};
static const enum_name_t preset_names[] = {{"uvlog", UVLOG_JSON_PRESET_UVLOG},
                                           {"ecs", UVLOG_JSON_PRESET_ECS},
                                           {"otel", UVLOG_JSON_PRESET_OTEL},
                                           {NULL, 0}};
static const enum_name_t color_names[] = {
    {"auto", -1}, {"never", 0}, {"always", 1}, {NULL, 0}};
static const enum_name_t facility_names[] = {
    {"kern", 0},     {"user", 1},     {"mail", 2},     {"daemon", 3},   {"auth", 4},
    {"syslog", 5},   {"lpr", 6},      {"news", 7},     {"uucp", 8},     {"cron", 9},
    {"authpriv", 10}, {"ftp", 11},    {"ntp", 12},     {"security", 13}, {"console", 14},
    {"clock", 15},   {"local0", 16},  {"local1", 17},  {"local2", 18},  {"local3", 19},
    {"local4", 20},  {"local5", 21},  {"local6", 22},  {"local7", 23},  {NULL, 0}};
static const enum_name_t rotate_names[] = {{"never", UVLOG_ROTATE_NEVER},
                                           {"hourly", UVLOG_ROTATE_HOURLY},
                                           {"daily", UVLOG_ROTATE_DAILY},
                                           {NULL, 0}};
static const enum_name_t framing_names[] = {
    {"octet_counting", UVLOG_TCP_OCTET_COUNTING}, {"ndjson", UVLOG_TCP_NDJSON}, {NULL, 0}};

#define ROW(st, name, type, field, lo, hi) {name, type, offsetof(st, field), lo, hi, NULL, 0}
#define EROW(st, name, field, tab, num, lo, hi) \
  {name, K_ENUM, offsetof(st, field), lo, hi, tab, num}

static const key_def_t logger_keys[] = {
    ROW(uvlog_options_t, "level", K_LEVEL, level, 0, 0),
    ROW(uvlog_options_t, "ring_capacity", K_SIZE, ring_capacity, 4096, GiB),
    EROW(uvlog_options_t, "overflow", overflow, overflow_names, 0, 0, 0),
    ROW(uvlog_options_t, "flush_interval_ms", K_UINT, flush_interval_ms, 1, MAX_MS),
    ROW(uvlog_options_t, "delivery_latency_ms", K_UINT, delivery_latency_ms, 0, MAX_MS),
    ROW(uvlog_options_t, "urgent_level", K_LEVEL, urgent_level, 0, 0),
    ROW(uvlog_options_t, "close_timeout_ms", K_UINT, close_timeout_ms, 0, MAX_MS),
    ROW(uvlog_options_t, "atexit_close", K_BOOL, atexit_close, 0, 1),
    ROW(uvlog_options_t, "max_record", K_SIZE, max_record, 1, 128 * MiB),
    ROW(uvlog_options_t, "rate_limit_burst", K_UINT, rate_limit_burst, 0, 1000000000),
    ROW(uvlog_options_t, "rate_limit_interval_ms", K_UINT, rate_limit_interval_ms, 0, MAX_MS),
};
const key_table_t uvlog__cfg_logger_keys = {logger_keys, NROWS(logger_keys)};

static const key_def_t format_keys[] = {
    EROW(uvlog_format_options_t, "kind", kind, kind_names, 0, 0, 0),
    ROW(uvlog_format_options_t, "pattern", K_STR, pattern, 0, 0),
    EROW(uvlog_format_options_t, "color", color, color_names, 0, 0, 0),
    EROW(uvlog_format_options_t, "facility", facility, facility_names, 1, 0, 23),
    ROW(uvlog_format_options_t, "app_name", K_STR, app_name, 0, 0),
    ROW(uvlog_format_options_t, "hostname", K_STR, hostname, 0, 0),
    ROW(uvlog_format_options_t, "procid", K_STR, procid, 0, 0),
    ROW(uvlog_format_options_t, "msgid", K_STR, msgid, 0, 0),
    EROW(uvlog_format_options_t, "json_preset", json_preset, preset_names, 0, 0, 0),
    ROW(uvlog_format_options_t, "sd_id", K_STR, sd_id, 0, 0),
};
const key_table_t uvlog__cfg_format_keys = {format_keys, NROWS(format_keys)};

/* format.json_keys: one row per uvlog_json_keys_t member (NULL: the
 * preset's name; "": left out). */
#define JROW(name) ROW(uvlog_json_keys_t, #name, K_STR, name, 0, 0)
static const key_def_t json_key_rows[] = {
    JROW(time),     JROW(level),  JROW(severity_number), JROW(message), JROW(truncated),
    JROW(thread_id), JROW(thread_name), JROW(category), JROW(file),   JROW(line),
    JROW(function), JROW(host),   JROW(app),             JROW(pid),     JROW(trace_id),
    JROW(span_id),  JROW(fields), JROW(resource),
};
const key_table_t uvlog__cfg_json_keys = {json_key_rows, NROWS(json_key_rows)};

static const key_def_t crash_keys[] = {
    ROW(uvlog_crash_options_t, "timeout_ms", K_UINT, timeout_ms, 1, 60000),
    ROW(uvlog_crash_options_t, "altstack", K_BOOL, altstack, 0, 1),
};
const key_table_t uvlog__cfg_crash_keys = {crash_keys, NROWS(crash_keys)};

/* Every sink: name and level ("type" and "format" are walked apart). */
#define COMMON_ROWS                                   \
  ROW(cfg_sink_t, "name", K_STR, name, 0, 0),         \
  ROW(cfg_sink_t, "level", K_LEVEL, level, 0, 0),     \
  ROW(cfg_sink_t, "categories", K_STR, categories, 0, 0)

static const key_def_t stderr_keys[] = {COMMON_ROWS};
static const key_def_t file_keys[] = {
    COMMON_ROWS,
    ROW(cfg_sink_t, "path", K_STR, path, 0, 0),
    ROW(cfg_sink_t, "mode", K_MODE, file.mode, 0, 07777),
    ROW(cfg_sink_t, "rotate_size", K_U64, file.rotate_size, 0, UINT64_MAX),
    EROW(cfg_sink_t, "rotate_every", file.rotate_every, rotate_names, 0, 0, 0),
    ROW(cfg_sink_t, "rotate_utc", K_BOOL, file.rotate_utc, 0, 1),
    ROW(cfg_sink_t, "keep", K_INT, file.keep, 0, UVLOG_FILE_MAX_KEEP),
    ROW(cfg_sink_t, "reopen_on_sighup", K_BOOL, file.reopen_on_sighup, 0, 1),
    ROW(cfg_sink_t, "fsync_on_flush", K_BOOL, file.fsync_on_flush, 0, 1),
    ROW(cfg_sink_t, "follow_symlinks", K_BOOL, file.follow_symlinks, 0, 1),
};
static const key_def_t syslog_keys[] = {
    COMMON_ROWS,
    ROW(cfg_sink_t, "path", K_STR, syslog.path, 0, 0),
    ROW(cfg_sink_t, "max_message", K_SIZE, syslog.max_message, 64, 16 * MiB),
    ROW(cfg_sink_t, "buffer_size", K_SIZE, syslog.buffer_size, 0, GiB),
    ROW(cfg_sink_t, "reconnect_min_ms", K_UINT, syslog.reconnect_min_ms, 1, MAX_MS),
    ROW(cfg_sink_t, "reconnect_max_ms", K_UINT, syslog.reconnect_max_ms, 1, MAX_MS),
    ROW(cfg_sink_t, "flush_timeout_ms", K_UINT, syslog.flush_timeout_ms, 0, MAX_MS),
    ROW(cfg_sink_t, "close_timeout_ms", K_UINT, syslog.close_timeout_ms, 0, MAX_MS),
    ROW(cfg_sink_t, "fail_if_missing", K_BOOL, syslog.fail_if_missing, 0, 1),
};
static const key_def_t tcp_keys[] = {
    COMMON_ROWS,
    ROW(cfg_sink_t, "host", K_STR, tcp.host, 0, 0),
    ROW(cfg_sink_t, "port", K_STR, tcp.port, 0, 0),
    EROW(cfg_sink_t, "framing", tcp.framing, framing_names, 0, 0, 0),
    ROW(cfg_sink_t, "backlog_bytes", K_SIZE, tcp.backlog_bytes, 4 * KiB, GiB),
    ROW(cfg_sink_t, "reconnect_min_ms", K_UINT, tcp.reconnect_min_ms, 1, MAX_MS),
    ROW(cfg_sink_t, "reconnect_max_ms", K_UINT, tcp.reconnect_max_ms, 1, MAX_MS),
    ROW(cfg_sink_t, "connect_timeout_ms", K_UINT, tcp.connect_timeout_ms, 1, MAX_MS),
    ROW(cfg_sink_t, "flush_timeout_ms", K_UINT, tcp.flush_timeout_ms, 0, MAX_MS),
    ROW(cfg_sink_t, "close_timeout_ms", K_UINT, tcp.close_timeout_ms, 0, MAX_MS),
};
const key_table_t uvlog__cfg_sink_keys[CS_COUNT] = {
    {stderr_keys, NROWS(stderr_keys)},
    {file_keys, NROWS(file_keys)},
    {syslog_keys, NROWS(syslog_keys)},
    {tcp_keys, NROWS(tcp_keys)},
};
const char *const uvlog__cfg_sink_type_names[CS_COUNT] = {"stderr", "file", "syslog", "tcp"};

/* ---- values --------------------------------------------------------------------- */


static const char *enum_name(const enum_name_t *e, int v) {
  for (; e->name; e++)
    if (e->value == v) return e->name;
  return NULL;
}

const char *uvlog__cfg_value_str(const key_def_t *k, const void *base, char *buf, size_t size) {
  const void *p = uvlog__cfg_at((void *)base, k);
  const char *name;
  switch (k->type) {
  case K_LEVEL: {
    static const char *const lv[] = {"trace", "debug",    "info", "notice",
                                     "warning", "error", "critical", "off"};
    int l = *(const int *)p;
    return l >= 0 && l <= UVLOG_LEVEL_OFF ? lv[l] : "?";
  }
  case K_UINT: snprintf(buf, size, "%u", *(const unsigned *)p); return buf;
  case K_INT: snprintf(buf, size, "%d", *(const int *)p); return buf;
  case K_SIZE: snprintf(buf, size, "%zu", *(const size_t *)p); return buf;
  case K_U64: snprintf(buf, size, "%llu", (unsigned long long)*(const uint64_t *)p); return buf;
  case K_BOOL: return *(const int *)p ? "true" : "false";
  case K_ENUM:
    name = enum_name(k->enums, *(const int *)p);
    if (name) return name;
    snprintf(buf, size, "%d", *(const int *)p);
    return buf;
  case K_STR: return *(const char *const *)p;
  case K_MODE: snprintf(buf, size, "0%o", *(const unsigned *)p); return buf;
  }
  return "?";
}

/* ---- strings owned by the model --------------------------------------------------- */

static void free_strs(const key_table_t *t, void *base) {
  for (size_t i = 0; i < t->n; i++) {
    if (t->keys[i].type != K_STR) continue;
    char **sp = (char **)uvlog__cfg_at(base, &t->keys[i]);
    free(*sp);
    *sp = NULL;
  }
}

static int dup_strs(const key_table_t *t, void *base) {
  int rc = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->keys[i].type != K_STR) continue;
    char **sp = (char **)uvlog__cfg_at(base, &t->keys[i]);
    if (*sp && !(*sp = strdup(*sp))) rc = UVLOG_ENOMEM;
  }
  return rc;
}

/* The first key (but `except`) whose values differ, or NULL. */
static const key_def_t *first_diff(const key_table_t *t, const void *a, const void *b,
                                   const char *except) {
  for (size_t i = 0; i < t->n; i++) {
    const key_def_t *k = &t->keys[i];
    if (except && strcmp(k->name, except) == 0) continue;
    char ba[32], bb[32];
    const char *va = uvlog__cfg_value_str(k, a, ba, sizeof ba);
    const char *vb = uvlog__cfg_value_str(k, b, bb, sizeof bb);
    if (va != vb && (!va || !vb || strcmp(va, vb) != 0)) return k;
  }
  return NULL;
}

void uvlog__cfg_sink_fini(cfg_sink_t *s) {
  free_strs(&uvlog__cfg_sink_keys[s->type], s);
  free_strs(&uvlog__cfg_format_keys, &s->fmt);
  free_strs(&uvlog__cfg_json_keys, &s->fmt.json_keys);
}

int uvlog__cfg_sink_copy(cfg_sink_t *dst, const cfg_sink_t *src) {
  *dst = *src;
  int a = dup_strs(&uvlog__cfg_sink_keys[src->type], dst);
  int b = dup_strs(&uvlog__cfg_format_keys, &dst->fmt);
  int c = dup_strs(&uvlog__cfg_json_keys, &dst->fmt.json_keys);
  if (a || b || c) {
    uvlog__cfg_sink_fini(dst); /* strdup failures left NULL: freeing is safe */
    return UVLOG_ENOMEM;
  }
  return 0;
}

int uvlog__cfg_sink_same(const cfg_sink_t *a, const cfg_sink_t *b) {
  return a->type == b->type && !first_diff(&uvlog__cfg_sink_keys[a->type], a, b, "level") &&
         !first_diff(&uvlog__cfg_format_keys, &a->fmt, &b->fmt, NULL) &&
         !first_diff(&uvlog__cfg_json_keys, &a->fmt.json_keys, &b->fmt.json_keys, NULL);
}

int uvlog__cfg_crash_same(const uvlog_config_t *a, const uvlog_config_t *b) {
  return a->crash == b->crash &&
         (!a->crash || !first_diff(&uvlog__cfg_crash_keys, &a->crash_opts, &b->crash_opts, NULL));
}

const char *uvlog__cfg_opts_differ(const uvlog_options_t *a, const uvlog_options_t *b) {
  const key_def_t *k = first_diff(&uvlog__cfg_logger_keys, a, b, "level");
  return k ? k->name : NULL;
}
