/*
 * config_map.c -- the meaning of a configuration: the value types (levels,
 * numbers with ranges and size suffixes, booleans, names, strings, file
 * modes) and the walk that turns config_yaml.c's tree into a
 * uvlog_config_t through the option tables (config_keys.c), refusing
 * unknown keys, duplicates, wrong types and values out of range with the
 * position of the offending key or value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "format/format.h"

/* The walk's context: the source's name, the error, the current path. */
typedef struct {
  const char *name;
  uvlog_config_error_t *err;
  char path[128];
} walk_t;

static int bad(walk_t *w, const cnode_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(walk_t *w, const cnode_t *n, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return uvlog__cfg_err(w->err, UVLOG_EINVAL, w->name, n ? n->line : 0, n ? n->col : 0, w->path,
                        "%s", msg);
}

static int oom(walk_t *w) {
  return uvlog__cfg_err(w->err, UVLOG_ENOMEM, w->name, 0, 0, w->path, "out of memory");
}

/* Appends ".key" or "[i]" to the path; returns the old length to restore. */
static size_t path_push(walk_t *w, const char *key, long idx) {
  size_t old = strlen(w->path);
  if (key)
    snprintf(w->path + old, sizeof w->path - old, "%s%s", old ? "." : "", key);
  else
    snprintf(w->path + old, sizeof w->path - old, "[%ld]", idx);
  return old;
}

static const char *kind_word(const cnode_t *n) {
  return n->kind == CN_MAP ? "a mapping" : n->kind == CN_SEQ ? "a list" : "a value";
}

static int want(walk_t *w, const cnode_t *n, cnode_kind_t kind) {
  if (n->kind == kind) return 0;
  return bad(w, n, "expected %s, found %s",
             kind == CN_MAP ? "a mapping" : kind == CN_SEQ ? "a list" : "a single value",
             kind_word(n));
}

/* Decimal digits with an optional K/M/G (KiB/MiB/GiB) suffix. */
static int parse_u64(const char *s, int suffix, uint64_t *out) {
  if (!isdigit((unsigned char)*s)) return -1;
  uint64_t v = 0;
  for (; isdigit((unsigned char)*s); s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return -2;
    v = v * 10 + d;
  }
  uint64_t mul = 1;
  if (*s && suffix) {
    switch (*s) {
    case 'K': case 'k': mul = KiB; break;
    case 'M': case 'm': mul = MiB; break;
    case 'G': case 'g': mul = GiB; break;
    default: return -1;
    }
    s++;
    if (strcmp(s, "iB") == 0 || strcmp(s, "B") == 0) s += strlen(s);
  }
  if (*s) return -1;
  if (mul > 1 && v > UINT64_MAX / mul) return -2;
  *out = v * mul;
  return 0;
}

static int parse_number(walk_t *w, const key_def_t *k, const cnode_t *v, uint64_t *out) {
  int sfx = k->type == K_SIZE || k->type == K_U64;
  int rc = parse_u64(v->str, sfx, out);
  if (rc == -1)
    return bad(w, v, "'%s' is not %s", v->str,
               sfx ? "a size (digits, optionally followed by K, M or G)" : "a whole number");
  if (rc == -2 || *out < k->min || *out > k->max)
    return bad(w, v, "%s is out of range: must be from %llu to %llu", v->str,
               (unsigned long long)k->min, (unsigned long long)k->max);
  return 0;
}

static int parse_bool(const char *s, int *out) {
  static const char *const t[] = {"true", "yes", "on", "1"}, *const f[] = {"false", "no", "off",
                                                                             "0"};
  for (size_t i = 0; i < 4; i++) {
    if (strcasecmp(s, t[i]) == 0) return *out = 1, 0;
    if (strcasecmp(s, f[i]) == 0) return *out = 0, 0;
  }
  return -1;
}

static int parse_enum(walk_t *w, const key_def_t *k, const cnode_t *v, int *out) {
  for (const enum_name_t *e = k->enums; e->name; e++)
    if (strcasecmp(v->str, e->name) == 0) return *out = e->value, 0;
  uint64_t n;
  if (k->numeric && parse_u64(v->str, 0, &n) == 0 && n >= k->min && n <= k->max)
    return *out = (int)n, 0;
  char names[256] = "";
  for (const enum_name_t *e = k->enums; e->name; e++)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
             e == k->enums ? "" : ", ", e->name);
  return bad(w, v, "'%s' is not one of: %s%s", v->str, names,
             k->numeric ? " (or a number in range)" : "");
}

static int parse_mode(walk_t *w, const key_def_t *k, const cnode_t *v, unsigned *out) {
  const char *s = v->str;
  unsigned m = 0;
  if (!*s) return bad(w, v, "empty: expected an octal mode such as 0640");
  for (; *s; s++) {
    if (*s < '0' || *s > '7') return bad(w, v, "'%s' is not an octal mode such as 0640", v->str);
    m = m * 8 + (unsigned)(*s - '0');
    if (m > k->max) return bad(w, v, "%s is out of range: at most 07777", v->str);
  }
  *out = m;
  return 0;
}

static int set_value(walk_t *w, const key_def_t *k, const cnode_t *v, void *base) {
  int rc = want(w, v, CN_SCALAR);
  if (rc) return rc;
  void *p = uvlog__cfg_at(base, k);
  uint64_t n = 0;
  uvlog_level_t lvl;
  switch (k->type) {
  case K_LEVEL:
    if (uvlog_level_parse(v->str, &lvl))
      return bad(w, v, "'%s' is not a level (trace, debug, info, notice, warning, error, "
                       "critical, off)", v->str);
    *(int *)p = (int)lvl;
    return 0;
  case K_UINT: rc = parse_number(w, k, v, &n); if (!rc) *(unsigned *)p = (unsigned)n; return rc;
  case K_INT: rc = parse_number(w, k, v, &n); if (!rc) *(int *)p = (int)n; return rc;
  case K_SIZE: rc = parse_number(w, k, v, &n); if (!rc) *(size_t *)p = (size_t)n; return rc;
  case K_U64: rc = parse_number(w, k, v, &n); if (!rc) *(uint64_t *)p = n; return rc;
  case K_BOOL:
    if (parse_bool(v->str, (int *)p))
      return bad(w, v, "'%s' is not a boolean (true or false)", v->str);
    return 0;
  case K_ENUM: return parse_enum(w, k, v, (int *)p);
  case K_MODE: return parse_mode(w, k, v, (unsigned *)p);
  case K_STR: {
    char **sp = (char **)p;
    free(*sp);
    *sp = NULL;
    if (v->plain && (strcmp(v->str, "~") == 0 || strcasecmp(v->str, "null") == 0)) return 0;
    *sp = strdup(v->str);
    return *sp ? 0 : oom(w);
  }
  }
  return bad(w, v, "internal: unknown key type");
}

static const key_def_t *find_key(const key_table_t *t, const char *name) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->keys[i].name, name) == 0) return &t->keys[i];
  return NULL;
}

/* Map keys must be scalars (config_yaml.c) and appear once. */
static int check_key(walk_t *w, const cnode_t *map, size_t i) {
  const cnode_t *key = map->kids[i];
  if (key->len == 0) return bad(w, key, "an empty key");
  for (size_t j = 0; j < i; j += 2) {
    if (strcmp(map->kids[j]->str, key->str) == 0) {
      path_push(w, key->str, 0);
      return bad(w, key, "duplicate key (first at line %d, column %d)", map->kids[j]->line,
                 map->kids[j]->col);
    }
  }
  return 0;
}

static int unknown(walk_t *w, const cnode_t *key, const key_table_t *t, const char *what) {
  char names[512] = "";
  for (size_t i = 0; i < t->n; i++)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
             t->keys[i].name);
  return bad(w, key, "unknown option '%s' for %s (known: %s)", key->str, what, names);
}

/* A mapping whose every key is in `t`, except those `skip` names. */
static int map_table(walk_t *w, const cnode_t *map, const key_table_t *t, void *base,
                     const char *what, const char *const *skip) {
  int rc = want(w, map, CN_MAP);
  for (size_t i = 0; rc == 0 && i + 1 < map->n; i += 2) {
    const cnode_t *key = map->kids[i];
    if ((rc = check_key(w, map, i))) break;
    int skipped = 0;
    for (const char *const *s = skip; s && *s; s++) skipped |= strcmp(*s, key->str) == 0;
    if (skipped) continue;
    const key_def_t *k = find_key(t, key->str);
    if (!k) return unknown(w, key, t, what);
    size_t old = path_push(w, key->str, 0);
    rc = set_value(w, k, map->kids[i + 1], base);
    w->path[old] = '\0';
  }
  return rc;
}

static const cnode_t *lookup(const cnode_t *map, const char *key) {
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (strcmp(map->kids[i]->str, key) == 0) return map->kids[i + 1];
  return NULL;
}

/* A category name as uvlog/category.h takes it (its rule parser says). */
static const char *category_why(const char *s) {
  char spec[UVLOG_CATEGORY_NAME_MAX + 16];
  if (strlen(s) > UVLOG_CATEGORY_NAME_MAX) return "longer than UVLOG_CATEGORY_NAME_MAX (127)";
  if (strpbrk(s, ",= \t")) return "not a category name";
  snprintf(spec, sizeof spec, "%s=info", s);
  return uvlog_level_rules_explain(spec, NULL);
}

/* ---- sinks ------------------------------------------------------------------------- */

static int sink_type(walk_t *w, const cnode_t *map, cfg_sink_type_t *type) {
  const cnode_t *t = lookup(map, "type");
  if (!t) return bad(w, map, "a sink needs a type (stderr, file, syslog or tcp)");
  size_t old = path_push(w, "type", 0);
  int rc = want(w, t, CN_SCALAR);
  for (int i = 0; rc == 0 && i < CS_COUNT; i++) {
    if (strcmp(t->str, uvlog__cfg_sink_type_names[i]) == 0) {
      *type = (cfg_sink_type_t)i;
      w->path[old] = '\0';
      return 0;
    }
  }
  if (rc == 0) rc = bad(w, t, "unknown sink type '%s' (stderr, file, syslog or tcp)", t->str);
  return rc;
}

static int sink_init(cfg_sink_t *s, cfg_sink_type_t type, const cnode_t *map) {
  memset(s, 0, sizeof(*s));
  s->type = type;
  s->line = map->line;
  s->col = map->col;
  s->level = UVLOG_LEVEL_TRACE;
  uvlog_format_options_init(&s->fmt);
  uvlog_file_options_init(&s->file);
  uvlog_syslog_options_init(&s->syslog);
  uvlog_tcp_options_init(&s->tcp);
  s->syslog.path = NULL;
  if (type == CS_SYSLOG && !(s->syslog.path = strdup("/dev/log"))) return UVLOG_ENOMEM;
  return 0;
}

/* A format given as a mapping, or as its kind alone ("format: json"). */
static int sink_format(walk_t *w, const cnode_t *v, cfg_sink_t *s) {
  size_t old = path_push(w, "format", 0);
  int rc;
  if (v->kind == CN_SCALAR) {
    size_t o2 = path_push(w, "kind", 0);
    rc = set_value(w, &uvlog__cfg_format_keys.keys[0], v, &s->fmt);
    w->path[o2] = '\0';
  } else {
    static const char *const skip[] = {"json_keys", NULL};
    rc = map_table(w, v, &uvlog__cfg_format_keys, &s->fmt, "a format", skip);
    const cnode_t *jk = rc == 0 ? lookup(v, "json_keys") : NULL;
    if (jk) {
      size_t o2 = path_push(w, "json_keys", 0);
      rc = map_table(w, jk, &uvlog__cfg_json_keys, &s->fmt.json_keys, "json_keys", NULL);
      if (rc == 0) w->path[o2] = '\0';
    }
  }
  s->kind_set = rc == 0 && (v->kind == CN_SCALAR || lookup(v, "kind"));
  if (rc == 0) w->path[old] = '\0';
  return rc;
}

static int require(walk_t *w, const cnode_t *map, const char *key, const char *val) {
  if (val && *val) return 0;
  const cnode_t *v = lookup(map, key);
  size_t old = path_push(w, key, 0);
  int rc = bad(w, v ? v : map, v ? "must not be empty" : "required for this sink type");
  w->path[old] = '\0';
  return rc;
}

static int at_key(walk_t *w, const cnode_t *map, const char *key, const char *msg) {
  const cnode_t *v = lookup(map, key);
  size_t old = path_push(w, key, 0);
  int rc = bad(w, v ? v : map, "%s", msg);
  w->path[old] = '\0';
  return rc;
}

/* What the ranges alone do not catch (the sinks' create functions check the
 * same; here the error gets its position). */
static int sink_check(walk_t *w, const cnode_t *map, cfg_sink_t *s) {
  int rc = 0;
  if (!s->kind_set) {
    s->fmt.kind = s->type == CS_SYSLOG ? UVLOG_FORMAT_RFC3164
                  : s->type != CS_TCP  ? UVLOG_FORMAT_TEXT
                  : s->tcp.framing == UVLOG_TCP_NDJSON ? UVLOG_FORMAT_JSON
                                                      : UVLOG_FORMAT_RFC5424;
  }
  uvlog_formatter_t f;
  rc = uvlog_formatter_init(&f, &s->fmt);
  uvlog_formatter_destroy(&f);
  if (rc == UVLOG_ENOMEM) return oom(w);
  if (rc) return at_key(w, map, "format", "refused: a pattern with an unknown %-sequence, or an "
                                          "identity field RFC 5424 forbids (space, too long)");
  switch (s->type) {
  case CS_FILE:
    if ((rc = require(w, map, "path", s->path))) return rc;
    if (!(s->file.mode & 0200)) return at_key(w, map, "mode", "must include owner write (0200)");
    if ((s->file.rotate_size || s->file.rotate_every) && s->file.keep < 1)
      return at_key(w, map, "keep", "must be at least 1 when rotation is on");
    return 0;
  case CS_SYSLOG:
    if ((rc = require(w, map, "path", s->syslog.path))) return rc;
    if (strlen(s->syslog.path) > 107) return at_key(w, map, "path", "longer than 107 bytes");
    if (s->syslog.reconnect_max_ms < s->syslog.reconnect_min_ms)
      return at_key(w, map, "reconnect_max_ms", "must be at least reconnect_min_ms");
    return 0;
  case CS_TCP: {
    if ((rc = require(w, map, "host", s->tcp.host))) return rc;
    if ((rc = require(w, map, "port", s->tcp.port))) return rc;
    uint64_t port = 0;
    if (parse_u64(s->tcp.port, 0, &port) || port < 1 || port > 65535)
      return at_key(w, map, "port", "must be a number from 1 to 65535");
    if (s->tcp.reconnect_max_ms < s->tcp.reconnect_min_ms)
      return at_key(w, map, "reconnect_max_ms", "must be at least reconnect_min_ms");
    return 0;
  }
  default:
    return 0;
  }
}

/* Appends the names in `str` ("http, db"), each checked, to buf. */
static int add_names(walk_t *w, const cnode_t *at, const char *str, char *buf, size_t size,
                     size_t *len, size_t *count) {
  char copy[UVLOG_CONFIG_MAX_STRING + 1], *save = NULL;
  snprintf(copy, sizeof copy, "%s", str);
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    tok += strspn(tok, " ");
    for (size_t n = strlen(tok); n && tok[n - 1] == ' '; n--) tok[n - 1] = '\0';
    const char *why = category_why(tok);
    if (why) return bad(w, at, "'%s': %s", tok, why);
    if (++*count > UVLOG_LEVEL_RULES_MAX)
      return bad(w, at, "more than %d names", UVLOG_LEVEL_RULES_MAX);
    if (*len + strlen(tok) + 2 > size) return bad(w, at, "too long");
    *len += (size_t)snprintf(buf + *len, size - *len, "%s%s", *len ? "," : "", tok);
  }
  return 0;
}

/* "categories": a list of names, or one string "http,db"; stored as the
 * string uvlog_sink_set_categories() takes. */
static int sink_categories(walk_t *w, const cnode_t *v, cfg_sink_t *s) {
  size_t old = path_push(w, "categories", 0);
  char buf[UVLOG_CONFIG_MAX_STRING + 1] = "";
  size_t len = 0, count = 0;
  int rc = v->kind == CN_MAP ? want(w, v, CN_SEQ) : 0;
  if (rc == 0 && v->kind == CN_SCALAR) rc = add_names(w, v, v->str, buf, sizeof buf, &len, &count);
  for (size_t i = 0; rc == 0 && v->kind == CN_SEQ && i < v->n; i++) {
    if ((rc = want(w, v->kids[i], CN_SCALAR))) break;
    rc = add_names(w, v->kids[i], v->kids[i]->str, buf, sizeof buf, &len, &count);
  }
  if (rc == 0 && len == 0) rc = bad(w, v, "an empty list (leave the key out: every category)");
  if (rc == 0 && !(s->categories = strdup(buf))) rc = oom(w);
  if (rc == 0) w->path[old] = '\0';
  return rc;
}

static int map_sink(walk_t *w, const cnode_t *map, cfg_sink_t *s) {
  int rc = want(w, map, CN_MAP);
  cfg_sink_type_t type = CS_STDERR;
  if (rc || (rc = sink_type(w, map, &type))) return rc;
  if (sink_init(s, type, map)) return oom(w);
  static const char *const skip[] = {"type", "format", "categories", NULL};
  char what[32];
  snprintf(what, sizeof what, "a %s sink", uvlog__cfg_sink_type_names[type]);
  rc = map_table(w, map, &uvlog__cfg_sink_keys[type], s, what, skip);
  const cnode_t *fmt = lookup(map, "format"), *cats = lookup(map, "categories");
  if (rc == 0 && fmt) rc = sink_format(w, fmt, s);
  if (rc == 0 && cats) rc = sink_categories(w, cats, s);
  if (rc == 0) rc = sink_check(w, map, s);
  if (rc) uvlog__cfg_sink_fini(s);
  return rc;
}

static int map_sinks(walk_t *w, const cnode_t *seq, uvlog_config_t *cfg) {
  int rc = want(w, seq, CN_SEQ);
  if (rc) return rc;
  if (seq->n > UVLOG_CONFIG_MAX_SINKS)
    return bad(w, seq->kids[UVLOG_CONFIG_MAX_SINKS], "more than %d sinks",
               UVLOG_CONFIG_MAX_SINKS);
  cfg->sinks = calloc(seq->n ? seq->n : 1, sizeof(*cfg->sinks));
  if (!cfg->sinks) return oom(w);
  for (size_t i = 0; i < seq->n; i++) {
    size_t old = path_push(w, NULL, (long)i);
    if ((rc = map_sink(w, seq->kids[i], &cfg->sinks[i]))) return rc;
    cfg->n_sinks++;
    w->path[old] = '\0';
  }
  return 0;
}

/* ---- category rules ------------------------------------------------------------------ */

/* A mapping of names the user chooses (rules, fields): at most `max`
 * entries; *arr gets room for them (elements of `elem` bytes). */
static int named_map(walk_t *w, const cnode_t *map, size_t max, const char *what, void **arr,
                     size_t elem) {
  int rc = want(w, map, CN_MAP);
  if (rc) return rc;
  if (map->n / 2 > max) return bad(w, map->kids[2 * max], "more than %zu %s", max, what);
  *arr = calloc(map->n / 2 + 1, elem);
  return *arr ? 0 : oom(w);
}

static int map_rules(walk_t *w, const cnode_t *map, uvlog_config_t *cfg) {
  int rc = named_map(w, map, UVLOG_CONFIG_MAX_RULES, "category rules", (void **)&cfg->rules,
                     sizeof(*cfg->rules));
  if (rc) return rc;
  static const key_def_t level_key = {"level", K_LEVEL, offsetof(cfg_rule_t, level), 0, 0, NULL, 0};
  for (size_t i = 0; i + 1 < map->n; i += 2) {
    const cnode_t *key = map->kids[i];
    if ((rc = check_key(w, map, i))) return rc;
    size_t old = path_push(w, key->str, 0);
    const char *why = category_why(key->str);
    if (why)
      return bad(w, key, "'%s': %s (dot-separated letters, digits, _ and -)", key->str, why);
    cfg_rule_t *r = &cfg->rules[cfg->n_rules];
    r->line = key->line;
    r->col = key->col;
    if ((rc = set_value(w, &level_key, map->kids[i + 1], r))) return rc;
    if (!(r->name = strdup(key->str))) return oom(w);
    cfg->n_rules++;
    w->path[old] = '\0';
  }
  return 0;
}

/* ---- the logger's constant fields ----------------------------------------------------- */

/* A plain value's type: null, a boolean, an integer, a number, else text.
 * A quoted value is always text. */
static uvlog_field_type_t field_type(const cnode_t *v) {
  if (!v->plain) return UVLOG_FIELD_STR;
  const char *s = v->str;
  if (!*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0) return UVLOG_FIELD_NULL;
  if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) return UVLOG_FIELD_BOOL;
  char *end;
  errno = 0;
  if (*s == '-') {
    (void)strtoll(s, &end, 10);
    if (!*end && !errno && isdigit((unsigned char)s[1])) return UVLOG_FIELD_INT;
  } else if (isdigit((unsigned char)*s)) {
    (void)strtoull(s, &end, 10);
    if (!*end && !errno) return UVLOG_FIELD_UINT;
  }
  (void)strtod(s, &end);
  return !*end && (isdigit((unsigned char)*s) || *s == '-' || *s == '.' || *s == '+')
             ? UVLOG_FIELD_DOUBLE
             : UVLOG_FIELD_STR;
}

static void field_value(const cfg_field_t *f, uvlog_field_t *out) {
  out->key = f->key;
  out->type = f->type;
  switch (f->type) {
  case UVLOG_FIELD_STR: out->v.str.ptr = f->text; out->v.str.len = strlen(f->text); break;
  case UVLOG_FIELD_INT: out->v.i = strtoll(f->text, NULL, 10); break;
  case UVLOG_FIELD_UINT: out->v.u = strtoull(f->text, NULL, 10); break;
  case UVLOG_FIELD_DOUBLE: out->v.d = strtod(f->text, NULL); break;
  case UVLOG_FIELD_BOOL: out->v.b = strcasecmp(f->text, "true") == 0; break;
  default: break;
  }
}

int uvlog__cfg_fields(const uvlog_config_t *cfg, uvlog_field_t **out) {
  *out = calloc(cfg->n_fields + 1, sizeof(**out));
  if (!*out) return UVLOG_ENOMEM;
  for (size_t i = 0; i < cfg->n_fields; i++) field_value(&cfg->fields[i], &(*out)[i]);
  return 0;
}

int uvlog__cfg_fields_same(const uvlog_config_t *a, const uvlog_config_t *b) {
  if (a->n_fields != b->n_fields) return 0;
  for (size_t i = 0; i < a->n_fields; i++) {
    if (strcmp(a->fields[i].key, b->fields[i].key) != 0 || a->fields[i].type != b->fields[i].type ||
        strcmp(a->fields[i].text, b->fields[i].text) != 0)
      return 0;
  }
  return 1;
}

/* What uvlog_ctx_create() (and so uvlog_logger_set_resource()) says of
 * `fields`: 0 or its error. */
static int fields_ok(const uvlog_field_t *fields, size_t n) {
  uvlog_ctx_t *ctx = NULL;
  int rc = uvlog_ctx_create(&ctx, NULL, NULL, fields, n);
  uvlog_ctx_release(&ctx);
  return rc;
}

static int map_fields(walk_t *w, const cnode_t *map, uvlog_config_t *cfg) {
  int rc = named_map(w, map, UVLOG_FIELDS_MAX, "fields (UVLOG_FIELDS_MAX)",
                     (void **)&cfg->fields, sizeof(*cfg->fields));
  if (rc) return rc;
  for (size_t i = 0; i + 1 < map->n; i += 2) {
    const cnode_t *key = map->kids[i], *v = map->kids[i + 1];
    if ((rc = check_key(w, map, i))) return rc;
    size_t old = path_push(w, key->str, 0);
    if ((rc = want(w, v, CN_SCALAR))) return rc;
    cfg_field_t *f = &cfg->fields[cfg->n_fields];
    f->type = field_type(v);
    f->key = strdup(key->str);
    f->text = strdup(f->type == UVLOG_FIELD_NULL ? "null" : v->str);
    cfg->n_fields++;
    if (!f->key || !f->text) return oom(w);
    uvlog_field_t one;
    field_value(f, &one);
    if (fields_ok(&one, 1) == UVLOG_EINVAL) return bad(w, key, "refused as a field name");
    w->path[old] = '\0';
  }
  return 0;
}

/* ---- the whole configuration ----------------------------------------------------------- */

static int map_logger(walk_t *w, const cnode_t *map, uvlog_config_t *cfg) {
  size_t old = path_push(w, "logger", 0);
  int rc = map_table(w, map, &uvlog__cfg_logger_keys, &cfg->opts, "the logger", NULL);
  if (rc) return rc;
  /* The default max_record follows a small ring (uvlog_logger_create(), as
   * uvlog_options_explain() applies it): keep the value in effect. */
  uvlog_options_t dflt;
  uvlog_options_init(&dflt);
  if (cfg->opts.max_record == dflt.max_record && cfg->opts.ring_capacity / 8 < dflt.max_record)
    cfg->opts.max_record = cfg->opts.ring_capacity / 8;
  const char *why = uvlog_options_explain(&cfg->opts);
  if (why) {
    /* "max_record: must be..." -> the option's key and its value's node. */
    char key[64];
    size_t klen = strcspn(why, ":");
    snprintf(key, sizeof key, "%.*s", (int)klen, why);
    const cnode_t *v = lookup(map, key);
    path_push(w, key, 0);
    return bad(w, v ? v : map, "%s", why[klen] ? why + klen + 2 : why);
  }
  w->path[old] = '\0';
  return 0;
}

static const key_def_t top_keys[] = {
    {"logger", K_STR, 0, 0, 0, NULL, 0},
    {"categories", K_STR, 0, 0, 0, NULL, 0},
    {"fields", K_STR, 0, 0, 0, NULL, 0},
    {"crash_flush", K_STR, 0, 0, 0, NULL, 0},
    {"sinks", K_STR, 0, 0, 0, NULL, 0},
};
static const key_table_t top_table = {top_keys, NROWS(top_keys)};

static int map_top(walk_t *w, const cnode_t *root, uvlog_config_t *cfg) {
  if (!root) return 0; /* an empty document: the defaults, no sink */
  if (root->kind != CN_MAP)
    return bad(w, root, "the configuration must be a mapping (logger:, categories:, fields:, crash_flush:, "
                        "sinks:), "
                        "found %s", kind_word(root));
  for (size_t i = 0; i + 1 < root->n; i += 2) {
    const cnode_t *key = root->kids[i], *v = root->kids[i + 1];
    int rc = check_key(w, root, i);
    if (rc) return rc;
    if (strcmp(key->str, "logger") == 0) {
      rc = map_logger(w, v, cfg);
    } else if (strcmp(key->str, "categories") == 0) {
      size_t old = path_push(w, "categories", 0);
      rc = map_rules(w, v, cfg);
      if (!rc) w->path[old] = '\0';
    } else if (strcmp(key->str, "fields") == 0) {
      size_t old = path_push(w, "fields", 0);
      rc = map_fields(w, v, cfg);
      if (!rc) w->path[old] = '\0';
    } else if (strcmp(key->str, "crash_flush") == 0) {
      size_t old = path_push(w, "crash_flush", 0);
      cfg->crash = 1;
      rc = map_table(w, v, &uvlog__cfg_crash_keys, &cfg->crash_opts, "crash_flush", NULL);
      if (!rc) w->path[old] = '\0';
    } else if (strcmp(key->str, "sinks") == 0) {
      size_t old = path_push(w, "sinks", 0);
      rc = map_sinks(w, v, cfg);
      if (!rc) w->path[old] = '\0';
    } else {
      rc = unknown(w, key, &top_table, "the configuration");
    }
    if (rc) return rc;
  }
  return 0;
}

void uvlog_config_free(uvlog_config_t *cfg) {
  if (!cfg) return;
  for (size_t i = 0; i < cfg->n_sinks; i++) uvlog__cfg_sink_fini(&cfg->sinks[i]);
  for (size_t i = 0; i < cfg->n_rules; i++) free(cfg->rules[i].name);
  for (size_t i = 0; i < cfg->n_fields; i++) {
    free(cfg->fields[i].key);
    free(cfg->fields[i].text);
  }
  free(cfg->fields);
  free(cfg->sinks);
  free(cfg->rules);
  free(cfg->source);
  free(cfg);
}

int uvlog__cfg_map(const cnode_t *root, const char *name, uvlog_config_t **out,
                   uvlog_config_error_t *err) {
  walk_t w = {.name = name, .err = err};
  uvlog_config_t *cfg = calloc(1, sizeof(*cfg));
  if (!cfg) return oom(&w);
  uvlog_options_init(&cfg->opts);
  uvlog_crash_options_init(&cfg->crash_opts);
  int rc = map_top(&w, root, cfg);
  if (rc) {
    uvlog_config_free(cfg);
    return rc;
  }
  *out = cfg;
  return 0;
}
