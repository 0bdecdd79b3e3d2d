/*
 * config_yaml.c -- the configuration's syntax: libyaml's event parser turns
 * the text into a tree of mappings, sequences and scalars, each with its
 * line and column, and every limit of the loader is enforced here (size,
 * depth, node count, string length, one document, no aliases or tags, no
 * NUL inside a value). Errors carry libyaml's own position and wording.
 * Also the error struct's helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"

#define MAX_NODES 65536

static void copy_str(char *dst, size_t size, const char *src) {
  snprintf(dst, size, "%s", src ? src : "");
}

int uvlog__cfg_err(uvlog_config_error_t *err, int code, const char *file, int line, int col,
                   const char *option, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  copy_str(err->file, sizeof err->file, file ? file : "<string>");
  err->line = line;
  err->column = col;
  copy_str(err->option, sizeof err->option, option);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

const char *uvlog_config_error_str(const uvlog_config_error_t *err, char *buf, size_t size) {
  if (!buf || size == 0) return buf;
  if (!err) {
    buf[0] = '\0';
    return buf;
  }
  int n = snprintf(buf, size, "%s", err->file);
  if (err->line > 0 && n >= 0 && (size_t)n < size)
    n += snprintf(buf + n, size - (size_t)n, ":%d:%d", err->line, err->column);
  if (err->option[0] && n >= 0 && (size_t)n < size)
    n += snprintf(buf + n, size - (size_t)n, ": %s", err->option);
  if (n >= 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ": %s", err->message);
  return buf;
}

/* ---- the tree ---------------------------------------------------------------- */

void uvlog__cfg_node_free(cnode_t *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) uvlog__cfg_node_free(n->kids[i]);
  free(n->kids);
  free(n->str);
  free(n);
}

typedef struct {
  const char *text;
  size_t len;
  const char *name;
  uvlog_config_error_t *err;
  cnode_t *stack[UVLOG_CONFIG_MAX_DEPTH + 1];
  int depth;           /* containers open */
  cnode_t *root;
  size_t nodes;
  int docs;
} builder_t;

static int perr(builder_t *b, const yaml_mark_t *m, const char *msg) {
  return uvlog__cfg_err(b->err, UVLOG_EINVAL, b->name, (int)m->line + 1, (int)m->column + 1, "",
                        "%s", msg);
}

/* Line and column of byte `off` (reader errors give an offset only). */
static void offset_pos(const builder_t *b, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < b->len; i++) {
    if (b->text[i] == '\n' || (b->text[i] == '\r' && (i + 1 >= b->len || b->text[i + 1] != '\n'))) {
      ++*line;
      *col = 1;
    } else if (((unsigned char)b->text[i] & 0xC0) != 0x80) {
      ++*col; /* one column per character, as libyaml counts */
    }
  }
}

static int syntax_error(builder_t *b, const yaml_parser_t *p) {
  int line, col;
  if (p->error == YAML_READER_ERROR) {
    offset_pos(b, p->problem_offset, &line, &col);
  } else {
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
  }
  if (p->error == YAML_MEMORY_ERROR)
    return uvlog__cfg_err(b->err, UVLOG_ENOMEM, b->name, 0, 0, "", "out of memory");
  return uvlog__cfg_err(b->err, UVLOG_EINVAL, b->name, line, col, "", "%s%s%s",
                        p->problem ? p->problem : "syntax error", p->context ? " " : "",
                        p->context ? p->context : "");
}

/* Appends `n` to the open container (or makes it the root). */
static int attach(builder_t *b, cnode_t *n, const yaml_mark_t *m) {
  if (++b->nodes > MAX_NODES) {
    uvlog__cfg_node_free(n);
    return perr(b, m, "more than 65536 values");
  }
  if (b->depth == 0) {
    b->root = n;
    return 0;
  }
  cnode_t *top = b->stack[b->depth - 1];
  if (top->kind == CN_MAP && top->n % 2 == 0 && n->kind != CN_SCALAR) {
    uvlog__cfg_node_free(n);
    return perr(b, m, "a key must be a plain value, not a mapping or a list");
  }
  if (top->n == 0 || (top->n >= 4 && (top->n & (top->n - 1)) == 0)) { /* full: 4, 8, 16... */
    cnode_t **k = realloc(top->kids, (top->n ? top->n * 2 : 4) * sizeof(*k));
    if (!k) {
      uvlog__cfg_node_free(n);
      return uvlog__cfg_err(b->err, UVLOG_ENOMEM, b->name, 0, 0, "", "out of memory");
    }
    top->kids = k;
  }
  top->kids[top->n++] = n;
  return 0;
}

static cnode_t *node_new(cnode_kind_t kind, const yaml_mark_t *m) {
  cnode_t *n = calloc(1, sizeof(*n));
  if (!n) return NULL;
  n->kind = kind;
  n->line = (int)m->line + 1;
  n->col = (int)m->column + 1;
  return n;
}

static int no_extras(builder_t *b, const yaml_mark_t *m, const yaml_char_t *anchor,
                     const yaml_char_t *tag) {
  if (anchor) return perr(b, m, "anchors (&name) are not supported");
  if (tag) return perr(b, m, "tags (!name) are not supported");
  return 0;
}

static int on_scalar(builder_t *b, const yaml_event_t *ev) {
  const yaml_mark_t *m = &ev->start_mark;
  int rc = no_extras(b, m, ev->data.scalar.anchor, ev->data.scalar.tag);
  if (rc) return rc;
  size_t len = ev->data.scalar.length;
  if (len > UVLOG_CONFIG_MAX_STRING) return perr(b, m, "a value longer than 4096 bytes (UVLOG_CONFIG_MAX_STRING)");
  if (memchr(ev->data.scalar.value, '\0', len)) return perr(b, m, "a NUL byte in a value");
  cnode_t *n = node_new(CN_SCALAR, m);
  if (n) n->str = malloc(len + 1);
  if (!n || !n->str) {
    uvlog__cfg_node_free(n);
    return uvlog__cfg_err(b->err, UVLOG_ENOMEM, b->name, 0, 0, "", "out of memory");
  }
  memcpy(n->str, ev->data.scalar.value, len);
  n->str[len] = '\0';
  n->len = len;
  n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  return attach(b, n, m);
}

static int on_open(builder_t *b, const yaml_event_t *ev, cnode_kind_t kind,
                   const yaml_char_t *anchor, const yaml_char_t *tag) {
  const yaml_mark_t *m = &ev->start_mark;
  int rc = no_extras(b, m, anchor, tag);
  if (rc) return rc;
  if (b->depth >= UVLOG_CONFIG_MAX_DEPTH) return perr(b, m, "nested more than 8 levels deep (UVLOG_CONFIG_MAX_DEPTH)");
  cnode_t *n = node_new(kind, m);
  if (!n) return uvlog__cfg_err(b->err, UVLOG_ENOMEM, b->name, 0, 0, "", "out of memory");
  rc = attach(b, n, m);
  if (rc) return rc;
  b->stack[b->depth++] = n;
  return 0;
}

/* One event; 1 at the end of the stream. */
static int on_event(builder_t *b, const yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++b->docs > 1) return perr(b, &ev->start_mark, "more than one document (---)");
    return 0;
  case YAML_SCALAR_EVENT:
    return on_scalar(b, ev);
  case YAML_MAPPING_START_EVENT:
    return on_open(b, ev, CN_MAP, ev->data.mapping_start.anchor, ev->data.mapping_start.tag);
  case YAML_SEQUENCE_START_EVENT:
    return on_open(b, ev, CN_SEQ, ev->data.sequence_start.anchor, ev->data.sequence_start.tag);
  case YAML_MAPPING_END_EVENT:
  case YAML_SEQUENCE_END_EVENT:
    b->depth--;
    return 0;
  case YAML_ALIAS_EVENT:
    return perr(b, &ev->start_mark, "aliases (*name) are not supported");
  case YAML_STREAM_END_EVENT:
    return 1;
  default:
    return 0;
  }
}

int uvlog__cfg_parse(const char *text, size_t len, const char *name, cnode_t **root,
                     uvlog_config_error_t *err) {
  *root = NULL;
  if (len > UVLOG_CONFIG_MAX_BYTES)
    return uvlog__cfg_err(err, UVLOG_EINVAL, name, 0, 0, "",
                          "%zu bytes: more than the limit of %zu", len, UVLOG_CONFIG_MAX_BYTES);
  builder_t b = {.text = text, .len = len, .name = name, .err = err};
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return uvlog__cfg_err(err, UVLOG_ENOMEM, name, 0, 0, "", "out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)(text ? text : ""), len);
  yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
  int rc = 0;
  while (rc == 0) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      rc = syntax_error(&b, &p);
      break;
    }
    rc = on_event(&b, &ev);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  if (rc < 0) {
    uvlog__cfg_node_free(b.root);
    return rc;
  }
  *root = b.root;
  return 0;
}
