/*
 * category.h -- categories, level rules and sink category filters
 * (category.c, cat_filter.c) and thread names (thread_name.c) as the rest of
 * the library sees them.
 */
#ifndef UVLOG_CATEGORY_INTERNAL_H
#define UVLOG_CATEGORY_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "uvlog.h"

struct uvlog_cat;
struct cat_rule;

/* A root logger's categories, embedded in struct uvlog_s. by_id[i] is set
 * once (release, under level_mu) and never changes until the root is
 * destroyed; the listener maps a record's id to a name with an acquire
 * load. The rest is under the root's level_mu. */
typedef struct uvlog_cats {
  _Atomic(struct uvlog_cat *) by_id[UVLOG_CATEGORY_MAX + 1]; /* [0]: the root, unused */
  unsigned n;                 /* categories made: ids 1..n */
  struct cat_rule *rules;     /* NAME=LEVEL rules (one malloc'd block), or NULL */
  size_t n_rules;
} uvlog_cats_t;

/* A sink's category filter (uvlog_sink_set_categories): names, one block. */
typedef struct uvlog_cat_filter uvlog_cat_filter_t;

/* category.c */
/* 1 if `name` (len bytes) is a valid category name. */
int uvlog__cat_name_ok(const char *name, size_t len);
/* 1 if `prefix` (plen bytes) matches `name` at a dot boundary: "http"
 * matches "http" and "http.access", not "https". */
int uvlog__cat_prefix_match(const char *prefix, size_t plen, const char *name);
/* Splits a comma-separated list into items with blanks trimmed: calls
 * fn(item, len, offset of the item, arg) for each; stops at the first
 * non-NULL reason fn returns (an empty item: "empty item") and returns it
 * with its offset in *pos. */
const char *uvlog__split_list(const char *list,
                              const char *(*fn)(const char *item, size_t len, size_t off,
                                                void *arg),
                              void *arg, size_t *pos);
/* Frees the categories and rules (uvlog_logger_destroy). */
void uvlog__cats_free(uvlog_t *log);
/* Stores every category's effective level; caller holds level_mu and mu. */
void uvlog__cats_recompute(uvlog_t *log);
/* Listener: the name of category `id` (record.h), or NULL for 0 or unknown. */
const char *uvlog__cat_name_of(uvlog_t *log, uint8_t id);
/* The category's own level (a category handle). */
int uvlog__cat_set_level(uvlog_t *cat, uvlog_level_t level);
uvlog_level_t uvlog__cat_get_level(const uvlog_t *cat);

/* cat_filter.c */
/* 1 if a sink with filter `f` (NULL: none) takes records of `category`
 * (NULL: the root's own). */
int uvlog__cat_filter_takes(const uvlog_cat_filter_t *f, const char *category);
/* deliver.c's predicate: 1 if sink `s` takes entry `e` (its category
 * filter; uvlog's own entries always). */
int uvlog__sink_takes(const uvlog_sink_t *s, const uvlog_entry_t *e);
/* 1 if two sinks take the same records by category (both unfiltered, or
 * the same list): then one may reuse the other's rendering. */
int uvlog__sink_same_categories(const uvlog_sink_t *a, const uvlog_sink_t *b);
void uvlog__cat_filter_free(uvlog_cat_filter_t *f);

/* thread_name.c */
typedef struct uvlog_tnames uvlog_tnames_t;
/* Listener: the name of thread `tid` for a record stamped at `ts_ns`
 * (wall clock), or NULL. Cached per tid in log->tnames. */
const char *uvlog__thread_name(uvlog_t *log, uint32_t tid, int64_t ts_ns);
/* Frees log->tnames (the listener's cache). */
void uvlog__tnames_free(uvlog_t *log);

#endif /* UVLOG_CATEGORY_INTERNAL_H */
