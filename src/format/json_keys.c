/*
 * json_keys.c -- the JSON presets: for each standard item its default key
 * name and the object it is written in (docs/formats.md shows each preset's
 * output).
 *
 *   UVLOG  uvlog's own flat keys (the 0.2 output, plus thread, category,
 *          trace_id, span_id and the fields at the top level).
 *   ECS    Elastic Common Schema 8.11, flat dotted keys ("log.level":
 *          "info", which Elasticsearch and the ECS loggers read as the
 *          nested field log.level), "ecs.version" after the level, and the
 *          fields and constant fields at the top level.
 *   OTEL   the OpenTelemetry log data model as its JSON form names it:
 *          timeUnixNano (a string of nanoseconds), severityText,
 *          severityNumber, body, traceId/spanId (lower-case hex), the
 *          source location, thread and fields in "attributes" under the
 *          semantic-convention names, the host, service and process id
 *          with the constant fields in "resource", and the category as
 *          "instrumentationScope": {"name": ...}.
 */
#include <stddef.h>

#include "format.h"

static const uvlog_json_preset_def_t presets[] = {
    [UVLOG_JSON_PRESET_UVLOG] =
        {.name = {"ts", "level", "", "tid", "thread", "category", "file", "line", "func", "msg",
                  "truncated", "host", "app", "pid", "trace_id", "span_id", "", ""},
         .null_missing = 1},
    [UVLOG_JSON_PRESET_ECS] =
        {.name = {"@timestamp", "log.level", "", "process.thread.id", "process.thread.name",
                  "log.logger", "log.origin.file.name", "log.origin.file.line",
                  "log.origin.function", "message", "uvlog.truncated", "host.hostname",
                  "service.name", "process.pid", "trace.id", "span.id", "", ""},
         .numeric_pid = 1,
         .ecs_version = "8.11.0"},
    [UVLOG_JSON_PRESET_OTEL] =
        {.name = {"timeUnixNano", "severityText", "severityNumber", "thread.id", "thread.name",
                  "instrumentationScope", "code.filepath", "code.lineno", "code.function", "body",
                  "uvlog.truncated", "host.name", "service.name", "process.pid", "traceId",
                  "spanId", "attributes", "resource"},
         .group = {[UVLOG_JK_THREAD_ID] = UVLOG_JG_FIELDS, [UVLOG_JK_THREAD_NAME] = UVLOG_JG_FIELDS,
                   [UVLOG_JK_FILE] = UVLOG_JG_FIELDS, [UVLOG_JK_LINE] = UVLOG_JG_FIELDS,
                   [UVLOG_JK_FUNCTION] = UVLOG_JG_FIELDS, [UVLOG_JK_TRUNCATED] = UVLOG_JG_FIELDS,
                   [UVLOG_JK_HOST] = UVLOG_JG_RESOURCE, [UVLOG_JK_APP] = UVLOG_JG_RESOURCE,
                   [UVLOG_JK_PID] = UVLOG_JG_RESOURCE},
         .time_ns_string = 1,
         .level_upper = 1,
         .numeric_pid = 1,
         .scope_object = 1},
};

const uvlog_json_preset_def_t *uvlog_json_preset_get(uvlog_json_preset_t p) {
  return (unsigned)p < sizeof presets / sizeof *presets ? &presets[p] : NULL;
}

const char *uvlog_json_keys_get(const uvlog_json_keys_t *k, int i) {
  static const size_t off[UVLOG_JK_COUNT] = {
      offsetof(uvlog_json_keys_t, time),        offsetof(uvlog_json_keys_t, level),
      offsetof(uvlog_json_keys_t, severity_number), offsetof(uvlog_json_keys_t, thread_id),
      offsetof(uvlog_json_keys_t, thread_name), offsetof(uvlog_json_keys_t, category),
      offsetof(uvlog_json_keys_t, file),        offsetof(uvlog_json_keys_t, line),
      offsetof(uvlog_json_keys_t, function),    offsetof(uvlog_json_keys_t, message),
      offsetof(uvlog_json_keys_t, truncated),   offsetof(uvlog_json_keys_t, host),
      offsetof(uvlog_json_keys_t, app),         offsetof(uvlog_json_keys_t, pid),
      offsetof(uvlog_json_keys_t, trace_id),    offsetof(uvlog_json_keys_t, span_id),
      offsetof(uvlog_json_keys_t, fields),      offsetof(uvlog_json_keys_t, resource)};
  const char *const *p = (const char *const *)(const void *)((const char *)k + off[i]);
  return *p;
}
