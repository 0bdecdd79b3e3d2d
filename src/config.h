/*
 * config.h -- what the configuration files share:
 *   config_yaml.c   libyaml events -> a tree of nodes with positions; limits
 *   config_keys.c   the key tables: one row per option; a value's text,
 *                   copy and comparison
 *   config_map.c    the tree -> uvlog_config (types, ranges, positions)
 *   config_apply.c  a config -> a logger: create, apply, reload, setup,
 *                   level specs, the signal watch
 *   config_dump.c   a config (or a logger's) -> YAML text
 * The key tables drive parsing, equality and dumping alike, so one row per
 * option is all an option needs.
 */
#ifndef UVLOG_CONFIG_INTERNAL_H
#define UVLOG_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "uvlog.h"

/* ---- the tree (config_yaml.c) ------------------------------------------- */

typedef enum { CN_SCALAR = 0, CN_MAP, CN_SEQ } cnode_kind_t;

typedef struct cnode {
  cnode_kind_t kind;
  int line, col;           /* 1-based */
  char *str;               /* scalar: NUL-terminated (no NUL inside: libyaml refuses them) */
  size_t len;
  int plain;               /* scalar: unquoted */
  struct cnode **kids;     /* map: key, value, key, value...; seq: items */
  size_t n;
} cnode_t;

/* Parses `len` bytes. Returns the root (NULL for an empty document: caller
 * treats it as an empty mapping) in *root, or an error (err filled). */
int uvlog__cfg_parse(const char *text, size_t len, const char *name, cnode_t **root,
                     uvlog_config_error_t *err);
void uvlog__cfg_node_free(cnode_t *n);

/* Fills `err` (may be NULL) and returns `code`. */
int uvlog__cfg_err(uvlog_config_error_t *err, int code, const char *file, int line, int col,
                   const char *option, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* ---- the model (config_map.c) -------------------------------------------- */

typedef enum { CS_STDERR = 0, CS_FILE, CS_SYSLOG, CS_TCP, CS_COUNT } cfg_sink_type_t;

typedef struct cfg_sink {
  cfg_sink_type_t type;
  int line, col;                /* where its mapping starts */
  char *name;                   /* optional label (dump, errors) */
  int level;                    /* uvlog_level_t */
  char *categories;             /* "http,db" (uvlog_sink_set_categories), or NULL */
  uvlog_format_options_t fmt;   /* effective: defaults filled in; strings owned */
  int kind_set;                 /* parse only: format.kind was given */
  char *path;                   /* file: required */
  uvlog_file_options_t file;
  uvlog_syslog_options_t syslog; /* path: owned */
  uvlog_tcp_options_t tcp;       /* host, port: owned */
} cfg_sink_t;

typedef struct cfg_rule {
  char *name;                   /* category prefix */
  int level;
  int line, col;
} cfg_rule_t;

/* A constant field of the logger (uvlog_logger_set_resource()): its value
 * kept as written, typed when loaded. */
typedef struct cfg_field {
  char *key;
  uvlog_field_type_t type;
  char *text;
} cfg_field_t;

struct uvlog_config {
  uvlog_options_t opts;
  int crash;                    /* crash_flush: given (uvlog_crash_flush_install()) */
  uvlog_crash_options_t crash_opts;
  cfg_field_t *fields;
  size_t n_fields;
  cfg_rule_t *rules;
  size_t n_rules;
  cfg_sink_t *sinks;
  size_t n_sinks;
  char *source;                 /* the file it was read from, or NULL */
};

/* The tree -> a config, or an error (nothing allocated is left). */
int uvlog__cfg_map(const cnode_t *root, const char *name, uvlog_config_t **out,
                   uvlog_config_error_t *err);
/* config_keys.c: a sink's owned strings freed. */
void uvlog__cfg_sink_fini(cfg_sink_t *s);
/* Deep copy of one sink's options. */
int uvlog__cfg_sink_copy(cfg_sink_t *dst, const cfg_sink_t *src);
/* Same type and every option but `level` equal. */
int uvlog__cfg_sink_same(const cfg_sink_t *a, const cfg_sink_t *b);
/* The logger options other than `level` that a started logger cannot
 * change: the first that differs, or NULL. */
const char *uvlog__cfg_opts_differ(const uvlog_options_t *a, const uvlog_options_t *b);

/* The fields as uvlog_field_t (pointing into cfg's strings): 0 or UVLOG_ENOMEM. */
int uvlog__cfg_fields(const uvlog_config_t *cfg, uvlog_field_t **out);
/* Both configurations ask for the same crash flush (or none). */
int uvlog__cfg_crash_same(const uvlog_config_t *a, const uvlog_config_t *b);
/* Both configurations have the same constant fields. */
int uvlog__cfg_fields_same(const uvlog_config_t *a, const uvlog_config_t *b);

/* ---- the key tables (config_keys.c) ------------------------------------- */

typedef enum {
  K_LEVEL = 0, K_UINT, K_INT, K_SIZE, K_U64, K_BOOL, K_ENUM, K_STR, K_MODE
} key_type_t;

typedef struct enum_name {
  const char *name;
  int value;
} enum_name_t;

typedef struct key_def {
  const char *name;
  key_type_t type;
  size_t off;                   /* into the struct the table describes */
  uint64_t min, max;            /* K_UINT, K_INT (as int64), K_SIZE, K_U64 */
  const enum_name_t *enums;     /* K_ENUM: names, ended by {NULL, 0} */
  int numeric;                  /* K_ENUM: a number in min..max is also taken */
} key_def_t;

typedef struct key_table {
  const key_def_t *keys;
  size_t n;
} key_table_t;

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
/* Size suffixes of numbers (K, M, G) and the tables' ranges. */
#define KiB ((uint64_t)1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* The value of row `k` in the struct at `base`. */
static inline void *uvlog__cfg_at(void *base, const key_def_t *k) { return (char *)base + k->off; }

/* The tables (config_keys.c). */

extern const key_table_t uvlog__cfg_logger_keys;        /* uvlog_options_t */
extern const key_table_t uvlog__cfg_format_keys;        /* uvlog_format_options_t */
extern const key_table_t uvlog__cfg_json_keys;          /* uvlog_json_keys_t */
extern const key_table_t uvlog__cfg_crash_keys;         /* uvlog_crash_options_t */
extern const key_table_t uvlog__cfg_sink_keys[CS_COUNT]; /* cfg_sink_t, per type */
extern const char *const uvlog__cfg_sink_type_names[CS_COUNT];

/* The canonical text of one value (what the dump writes). `buf` is used for
 * numbers; the result may point into the struct (K_STR) or a static name.
 * NULL for an unset string. */
const char *uvlog__cfg_value_str(const key_def_t *k, const void *base, char *buf, size_t size);

/* ---- dump (config_dump.c) ------------------------------------------------- */

/* Writes `cfg` as YAML; `comment` (may be NULL) goes at the top, each line
 * prefixed "# ". */
int uvlog__cfg_emit(const uvlog_config_t *cfg, const char *comment, char **out);

/* ---- setup (config_apply.c) ---------------------------------------------- */

/* uvlog_config_setup() without making the logger the default one (the
 * syslog(3)-compatible API's own logger, src/compat/env.c). */
int uvlog__config_from_env(uvlog_t **out, uvlog_config_error_t *err);

#endif /* UVLOG_CONFIG_INTERNAL_H */
