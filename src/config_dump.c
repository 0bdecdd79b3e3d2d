/*
 * config_dump.c -- a configuration written back as YAML with libyaml's
 * emitter (so quoting is always right), every option spelled out from the
 * key tables in config_keys.c: what config_map.c reads back is the same
 * configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config.h"

typedef struct {
  char *data;
  size_t len, cap;
  int oom;
} text_t;

static int text_put(void *arg, unsigned char *p, size_t n) {
  text_t *t = arg;
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 1024;
    while (cap < t->len + n + 1) cap *= 2;
    char *d = realloc(t->data, cap);
    if (!d) {
      t->oom = 1;
      return 0;
    }
    t->data = d;
    t->cap = cap;
  }
  memcpy(t->data + t->len, p, n);
  t->len += n;
  t->data[t->len] = '\0';
  return 1;
}

/* A string the reader would take for something else in plain style. */
static int needs_quotes(const char *s) {
  return !*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

static int scalar(yaml_emitter_t *e, const char *s, int quote) {
  yaml_event_t ev;
  yaml_scalar_style_t st = quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
  if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1, st))
    return -1;
  return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int open_map(yaml_emitter_t *e) {
  yaml_event_t ev;
  yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
  return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int close_map(yaml_emitter_t *e) {
  yaml_event_t ev;
  yaml_mapping_end_event_initialize(&ev);
  return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

/* Every key of `t` that has a value (unset strings are left out). */
static int emit_table(yaml_emitter_t *e, const key_table_t *t, const void *base) {
  for (size_t i = 0; i < t->n; i++) {
    char buf[32];
    const char *v = uvlog__cfg_value_str(&t->keys[i], base, buf, sizeof buf);
    if (!v) continue;
    int quote = t->keys[i].type == K_STR && needs_quotes(v);
    if (scalar(e, t->keys[i].name, 0) || scalar(e, v, quote)) return -1;
  }
  return 0;
}

static int emit_sink(yaml_emitter_t *e, const cfg_sink_t *s) {
  if (open_map(e) || scalar(e, "type", 0) || scalar(e, uvlog__cfg_sink_type_names[s->type], 0))
    return -1;
  if (emit_table(e, &uvlog__cfg_sink_keys[s->type], s)) return -1;
  if (scalar(e, "format", 0) || open_map(e) || emit_table(e, &uvlog__cfg_format_keys, &s->fmt) ||
      scalar(e, "json_keys", 0) || open_map(e) ||
      emit_table(e, &uvlog__cfg_json_keys, &s->fmt.json_keys) || close_map(e) || close_map(e))
    return -1;
  return close_map(e);
}

static int emit_doc(yaml_emitter_t *e, const uvlog_config_t *cfg) {
  yaml_event_t ev;
  yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
  if (!yaml_emitter_emit(e, &ev)) return -1;
  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
  if (!yaml_emitter_emit(e, &ev) || open_map(e)) return -1;
  if (scalar(e, "logger", 0) || open_map(e) || emit_table(e, &uvlog__cfg_logger_keys, &cfg->opts) ||
      close_map(e))
    return -1;
  if (cfg->n_rules) {
    if (scalar(e, "categories", 0) || open_map(e)) return -1;
    static const key_def_t level = {"level", K_LEVEL, offsetof(cfg_rule_t, level), 0, 0, NULL, 0};
    for (size_t i = 0; i < cfg->n_rules; i++) {
      char buf[32];
      if (scalar(e, cfg->rules[i].name, 0) ||
          scalar(e, uvlog__cfg_value_str(&level, &cfg->rules[i], buf, sizeof buf), 0))
        return -1;
    }
    if (close_map(e)) return -1;
  }
  if (cfg->n_fields) {
    if (scalar(e, "fields", 0) || open_map(e)) return -1;
    for (size_t i = 0; i < cfg->n_fields; i++) {
      const cfg_field_t *f = &cfg->fields[i];
      if (scalar(e, f->key, 0) || scalar(e, f->text, f->type == UVLOG_FIELD_STR)) return -1;
    }
    if (close_map(e)) return -1;
  }
  if (cfg->crash && (scalar(e, "crash_flush", 0) || open_map(e) ||
                     emit_table(e, &uvlog__cfg_crash_keys, &cfg->crash_opts) || close_map(e)))
    return -1;
  if (scalar(e, "sinks", 0)) return -1;
  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
  if (!yaml_emitter_emit(e, &ev)) return -1;
  for (size_t i = 0; i < cfg->n_sinks; i++)
    if (emit_sink(e, &cfg->sinks[i])) return -1;
  yaml_sequence_end_event_initialize(&ev);
  if (!yaml_emitter_emit(e, &ev) || close_map(e)) return -1;
  yaml_document_end_event_initialize(&ev, 1);
  if (!yaml_emitter_emit(e, &ev)) return -1;
  yaml_stream_end_event_initialize(&ev);
  return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static void put_comment(text_t *t, const char *comment) {
  while (comment && *comment) {
    size_t n = strcspn(comment, "\n");
    text_put(t, (unsigned char *)"# ", 2);
    text_put(t, (unsigned char *)comment, n);
    text_put(t, (unsigned char *)"\n", 1);
    comment += n + (comment[n] == '\n');
  }
}

int uvlog__cfg_emit(const uvlog_config_t *cfg, const char *comment, char **out) {
  text_t t = {0};
  put_comment(&t, comment);
  yaml_emitter_t e;
  if (!yaml_emitter_initialize(&e)) return UVLOG_ENOMEM;
  yaml_emitter_set_output(&e, text_put, &t);
  yaml_emitter_set_unicode(&e, 1);
  yaml_emitter_set_width(&e, -1); /* never fold a long value */
  int rc = emit_doc(&e, cfg);
  yaml_emitter_delete(&e);
  if (rc || t.oom || !t.data) {
    free(t.data);
    return UVLOG_ENOMEM;
  }
  *out = t.data;
  return 0;
}

int uvlog_config_to_string(const uvlog_config_t *cfg, char **out) {
  if (!cfg || !out) return UVLOG_EINVAL;
  return uvlog__cfg_emit(cfg, NULL, out);
}
