/*
 * cat_filter.c -- a sink limited to categories (uvlog_sink_set_categories):
 * the list of names it keeps, and the predicate the listener asks for each
 * record (deliver.c) and the levels ask for each category (logger.c).
 *
 * A name matches that category and every category under it, at dot
 * boundaries (category.c: uvlog__cat_prefix_match). The list is set before
 * the logger starts and read-only afterwards, so the listener reads it
 * without a lock (the start's synchronization publishes it).
 */
#include <stdlib.h>
#include <string.h>

#include "logger_impl.h"

struct uvlog_cat_filter {
  size_t n;
  size_t len[UVLOG_LEVEL_RULES_MAX];
  const char *name[UVLOG_LEVEL_RULES_MAX]; /* into text */
  char text[];                             /* the list, items NUL-terminated */
};

int uvlog__cat_filter_takes(const uvlog_cat_filter_t *f, const char *category) {
  if (!f) return 1;
  if (!category) return 0; /* the root's own records */
  for (size_t i = 0; i < f->n; i++)
    if (uvlog__cat_prefix_match(f->name[i], f->len[i], category)) return 1;
  return 0;
}

int uvlog__sink_takes(const uvlog_sink_t *s, const uvlog_entry_t *e) {
  return (e->flags & UVLOG_ENTRY_INTERNAL) || uvlog__cat_filter_takes(s->cats, e->category);
}

int uvlog__sink_same_categories(const uvlog_sink_t *a, const uvlog_sink_t *b) {
  if (!a->cats || !b->cats) return a->cats == b->cats;
  if (a->cats->n != b->cats->n) return 0;
  for (size_t i = 0; i < a->cats->n; i++)
    if (a->cats->len[i] != b->cats->len[i] ||
        memcmp(a->cats->name[i], b->cats->name[i], a->cats->len[i]) != 0)
      return 0;
  return 1;
}

void uvlog__cat_filter_free(uvlog_cat_filter_t *f) { free(f); }

/* One item of the list: a valid name, kept (NUL-terminated in place). */
static const char *add_name(const char *item, size_t len, size_t off, void *arg) {
  uvlog_cat_filter_t *f = arg;
  if (!uvlog__cat_name_ok(item, len)) return "bad category name";
  if (f->n >= UVLOG_LEVEL_RULES_MAX) return "too many names";
  f->text[off + len] = '\0'; /* off and len index the copy as the list */
  f->name[f->n] = f->text + off;
  f->len[f->n++] = len;
  return NULL;
}

/* Parses `list` into a new filter, or NULL (*rc says why). */
static uvlog_cat_filter_t *filter_parse(const char *list, int *rc) {
  size_t n = strlen(list);
  uvlog_cat_filter_t *f = malloc(sizeof(*f) + n + 1);
  if (!f) {
    *rc = UVLOG_ENOMEM;
    return NULL;
  }
  f->n = 0;
  memcpy(f->text, list, n + 1);
  /* Split `list` (unchanged); add_name cuts the items in the copy. */
  if (uvlog__split_list(list, add_name, f, NULL)) {
    *rc = UVLOG_EINVAL;
    free(f);
    return NULL;
  }
  return f;
}

int uvlog_sink_set_categories(uvlog_sink_t *s, const char *list) {
  if (!s) return UVLOG_EINVAL;
  int rc = 0;
  uvlog_cat_filter_t *f = list ? filter_parse(list, &rc) : NULL;
  if (rc) return rc;
  uvlog_t *log = s->owner;
  if (log) pthread_mutex_lock(&log->mu);
  /* relaxed: under mu, which orders state changes (stored under it) */
  if (log && atomic_load_explicit(&log->state, memory_order_relaxed) != LOG_CREATED) {
    pthread_mutex_unlock(&log->mu);
    uvlog__cat_filter_free(f);
    return UVLOG_EBUSY;
  }
  uvlog_cat_filter_t *old = s->cats;
  s->cats = f;
  if (log) pthread_mutex_unlock(&log->mu);
  uvlog__cat_filter_free(old);
  if (log) uvlog__recompute_level(log);
  return 0;
}
