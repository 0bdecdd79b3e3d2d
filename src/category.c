/*
 * category.c -- categories: named sub-loggers of a root logger, their
 * levels, and the level rules that set them by name prefix.
 *
 * A category is a small object whose first member is the same log_head_t a
 * root logger begins with (logger_impl.h): its own pub.eff_level, which the
 * macros gate on, a pointer to the root (whose ring and sinks it uses) and
 * its id, which producer.c stamps in the record's `category` byte and
 * decode.c turns back into the name (uvlog_entry_t.category).
 *
 * LEVELS
 * A category's level is, in order: the level uvlog_logger_set_level() gave
 * the category handle (until the next rules), the level of the longest
 * matching NAME=LEVEL rule, else the root's level. Its effective level is
 * the higher of that and the lowest level of the sinks that take its
 * records (cat_filter.c). Everything here changes under the root's level_mu;
 * eff_level is stored relaxed (a lone value, like the root's).
 *
 * LIFETIME
 * Categories are made on first use (uvlog_category_get), at most
 * UVLOG_CATEGORY_MAX, and freed with the root (uvlog__cats_free).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logger_impl.h"

struct uvlog_cat {
  log_head_t head;       /* first: a uvlog_t * may point here */
  int pinned;            /* the handle's own level, or -1 (under level_mu) */
  int rule;              /* the matching rule's level, or -1 (under level_mu) */
  _Atomic int level;     /* the resulting level (relaxed: a lone value) */
  size_t len;
  char name[];
};

struct cat_rule {
  const char *name;      /* into the rules' block */
  size_t len;
  int level;
};

/* ---- names and lists --------------------------------------------------------- */

static int seg_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
}

int uvlog__cat_name_ok(const char *name, size_t len) {
  if (!name || len == 0 || len > UVLOG_CATEGORY_NAME_MAX) return 0;
  for (size_t i = 0; i < len; i++) {
    if (name[i] == '.') {
      /* no empty segment: not first, not last, not after another dot */
      if (i == 0 || i + 1 == len || name[i - 1] == '.') return 0;
    } else if (!seg_char((unsigned char)name[i])) {
      return 0;
    }
  }
  return 1;
}

int uvlog__cat_prefix_match(const char *prefix, size_t plen, const char *name) {
  return strncmp(name, prefix, plen) == 0 && (name[plen] == '\0' || name[plen] == '.');
}

static int blank(char c) { return c == ' ' || c == '\t'; }

const char *uvlog__split_list(const char *list,
                              const char *(*fn)(const char *item, size_t len, size_t off,
                                                void *arg),
                              void *arg, size_t *pos) {
  const char *p = list;
  for (;;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    const char *a = p, *b = end;
    while (a < b && blank(*a)) a++;
    while (b > a && blank(b[-1])) b--;
    const char *why = a == b ? "empty item" : fn(a, (size_t)(b - a), (size_t)(a - list), arg);
    if (why) {
      if (pos) *pos = (size_t)(a - list);
      return why;
    }
    if (!*end) return NULL;
    p = end + 1;
  }
}

/* ---- level rules: parsing ---------------------------------------------------- */

/* What one parse collects; rules may be NULL (explain only). */
typedef struct spec_parse {
  struct cat_rule *rules;
  size_t n;
  int bare;              /* the bare LEVEL, or -1 */
} spec_parse_t;

static const char *parse_level(const char *s, size_t len, int *level) {
  char buf[16];
  uvlog_level_t l;
  if (len >= sizeof buf) return "unknown level";
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (uvlog_level_parse(buf, &l)) return "unknown level";
  *level = (int)l;
  return NULL;
}

static const char *parse_item(const char *item, size_t len, size_t off, void *arg) {
  (void)off;
  spec_parse_t *sp = arg;
  const char *eq = memchr(item, '=', len);
  int level;
  if (!eq) {
    if (sp->bare >= 0) return "more than one level without a name";
    const char *why = parse_level(item, len, &level);
    if (!why) sp->bare = level;
    return why;
  }
  const char *ne = eq, *lv = eq + 1;
  while (ne > item && blank(ne[-1])) ne--;
  while (lv < item + len && blank(*lv)) lv++;
  size_t nlen = (size_t)(ne - item);
  if (!uvlog__cat_name_ok(item, nlen)) return "bad category name";
  const char *why = parse_level(lv, (size_t)(item + len - lv), &level);
  if (why) return why;
  if (sp->n >= UVLOG_LEVEL_RULES_MAX) return "too many rules";
  struct cat_rule r = {item, nlen, level};
  if (sp->rules) {
    for (size_t i = 0; i < sp->n; i++)
      if (sp->rules[i].len == nlen && memcmp(sp->rules[i].name, item, nlen) == 0)
        return "the same name twice";
    sp->rules[sp->n] = r;
  }
  sp->n++;
  return NULL;
}

/* Parses `spec` into sp (its rules point into `spec`). */
static const char *parse_spec(const char *spec, spec_parse_t *sp, size_t *pos) {
  if (pos) *pos = 0;
  if (!spec) return "spec is NULL";
  sp->n = 0;
  sp->bare = -1;
  if (!*spec) return NULL; /* no rules */
  return uvlog__split_list(spec, parse_item, sp, pos);
}

const char *uvlog_level_rules_explain(const char *spec, size_t *pos) {
  struct cat_rule rules[UVLOG_LEVEL_RULES_MAX];
  spec_parse_t sp = {rules, 0, -1};
  return parse_spec(spec, &sp, pos);
}

/* Copies the parsed rules into one block (names included). */
static struct cat_rule *rules_copy(const spec_parse_t *sp) {
  size_t bytes = sp->n * sizeof(struct cat_rule);
  for (size_t i = 0; i < sp->n; i++) bytes += sp->rules[i].len + 1;
  struct cat_rule *r = malloc(bytes ? bytes : 1);
  if (!r) return NULL;
  char *names = (char *)(r + sp->n);
  for (size_t i = 0; i < sp->n; i++) {
    memcpy(names, sp->rules[i].name, sp->rules[i].len);
    names[sp->rules[i].len] = '\0';
    r[i] = (struct cat_rule){names, sp->rules[i].len, sp->rules[i].level};
    names += sp->rules[i].len + 1;
  }
  return r;
}

/* ---- levels ---------------------------------------------------------------------- */

/* The level of the longest rule matching `name`, or -1. Under level_mu. */
static int rule_level(const uvlog_cats_t *cs, const char *name) {
  int level = -1;
  size_t best = 0;
  for (size_t i = 0; i < cs->n_rules; i++) {
    const struct cat_rule *r = &cs->rules[i];
    if (r->len > best && uvlog__cat_prefix_match(r->name, r->len, name)) {
      best = r->len;
      level = r->level;
    }
  }
  return level;
}

static struct uvlog_cat *cat_at(uvlog_t *log, unsigned id) {
  /* relaxed: under level_mu, which ordered the store */
  return atomic_load_explicit(&log->cats.by_id[id], memory_order_relaxed);
}

void uvlog__cats_recompute(uvlog_t *log) {
  /* relaxed: under level_mu (a lone value) */
  int root = atomic_load_explicit(&log->level, memory_order_relaxed);
  for (unsigned id = 1; id <= log->cats.n; id++) {
    struct uvlog_cat *c = cat_at(log, id);
    int l = c->pinned >= 0 ? c->pinned : c->rule >= 0 ? c->rule : root;
    int sinks = uvlog__sinks_min_level(log, c->name);
    atomic_store_explicit(&c->level, l, memory_order_relaxed); /* a lone value */
    /* relaxed: as the root's (logger.c, uvlog__recompute_level). */
    __atomic_store_n(&c->head.pub.eff_level, l > sinks ? l : sinks, __ATOMIC_RELAXED);
  }
}

int uvlog_logger_set_level_rules(uvlog_t *log, const char *spec) {
  if (!log || !spec) return UVLOG_EINVAL;
  log = uvlog__root(log);
  struct cat_rule parsed[UVLOG_LEVEL_RULES_MAX];
  spec_parse_t sp = {parsed, 0, -1};
  if (parse_spec(spec, &sp, NULL)) return UVLOG_EINVAL;
  struct cat_rule *rules = sp.n ? rules_copy(&sp) : NULL;
  if (sp.n && !rules) return UVLOG_ENOMEM;
  pthread_mutex_lock(&log->level_mu);
  struct cat_rule *old = log->cats.rules;
  log->cats.rules = rules;
  log->cats.n_rules = sp.n;
  /* relaxed: a lone value, recomputed below under the same mutex */
  if (sp.bare >= 0) atomic_store_explicit(&log->level, sp.bare, memory_order_relaxed);
  for (unsigned id = 1; id <= log->cats.n; id++) {
    struct uvlog_cat *c = cat_at(log, id);
    c->pinned = -1;
    c->rule = rule_level(&log->cats, c->name);
  }
  uvlog__recompute_level_locked(log);
  pthread_mutex_unlock(&log->level_mu);
  free(old);
  return 0;
}

int uvlog__cat_set_level(uvlog_t *h, uvlog_level_t level) {
  struct uvlog_cat *c = (struct uvlog_cat *)(void *)h;
  uvlog_t *log = uvlog__root(h);
  pthread_mutex_lock(&log->level_mu);
  c->pinned = (int)level;
  uvlog__recompute_level_locked(log);
  pthread_mutex_unlock(&log->level_mu);
  return 0;
}

uvlog_level_t uvlog__cat_get_level(const uvlog_t *h) {
  const struct uvlog_cat *c = (const struct uvlog_cat *)(const void *)h;
  /* relaxed: a lone value */
  return (uvlog_level_t)atomic_load_explicit(&((struct uvlog_cat *)c)->level, memory_order_relaxed);
}

/* ---- getting a category ------------------------------------------------------------ */

static struct uvlog_cat *cat_find(uvlog_t *log, const char *name, size_t len) {
  for (unsigned id = 1; id <= log->cats.n; id++) {
    struct uvlog_cat *c = cat_at(log, id);
    if (c->len == len && memcmp(c->name, name, len) == 0) return c;
  }
  return NULL;
}

/* A new category with the next id; under level_mu. Its own cache line(s):
 * producers read its eff_level. */
static int cat_make(uvlog_t *log, const char *name, size_t len, struct uvlog_cat **out) {
  if (log->cats.n >= UVLOG_CATEGORY_MAX) return -ENOSPC;
  void *p = NULL;
  size_t size = (sizeof(struct uvlog_cat) + len + 1 + LOG_LINE - 1) / LOG_LINE * LOG_LINE;
  if (posix_memalign(&p, LOG_LINE, size) != 0) return UVLOG_ENOMEM;
  memset(p, 0, size);
  struct uvlog_cat *c = p;
  c->head.root = log;
  c->head.cat = log->cats.n + 1;
  c->head.pub.eff_level = UVLOG_LEVEL_OFF; /* until uvlog__cats_recompute */
  c->pinned = -1;
  c->len = len;
  memcpy(c->name, name, len);
  c->rule = rule_level(&log->cats, c->name);
  atomic_init(&c->level, UVLOG_LEVEL_OFF);
  /* release: the listener's acquire load sees the name (uvlog__cat_name_of) */
  atomic_store_explicit(&log->cats.by_id[c->head.cat], c, memory_order_release);
  log->cats.n++;
  /* Its levels before any caller can see it (lock order: level_mu, mu). */
  uvlog__recompute_level_locked(log);
  *out = c;
  return 0;
}

int uvlog_category_get(uvlog_t *log, const char *name, uvlog_t **out) {
  if (out) *out = NULL;
  if (!log || !name || !out) return UVLOG_EINVAL;
  size_t len = strnlen(name, UVLOG_CATEGORY_NAME_MAX + 1);
  if (!uvlog__cat_name_ok(name, len)) return UVLOG_EINVAL;
  log = uvlog__root(log);
  pthread_mutex_lock(&log->level_mu);
  struct uvlog_cat *c = cat_find(log, name, len);
  int rc = c ? 0 : cat_make(log, name, len, &c);
  pthread_mutex_unlock(&log->level_mu);
  if (rc) return rc;
  *out = (uvlog_t *)(void *)c;
  return 0;
}

const char *uvlog_category_name(const uvlog_t *h) {
  if (!h || uvlog__cat_id(h) == 0) return NULL;
  return ((const struct uvlog_cat *)(const void *)h)->name;
}

uvlog_t *uvlog_category_root(uvlog_t *h) { return h ? uvlog__root(h) : NULL; }

const char *uvlog__cat_name_of(uvlog_t *log, uint8_t id) {
  if (id == 0) return NULL;
  /* acquire: pairs with cat_make's release store (the name's bytes) */
  struct uvlog_cat *c = atomic_load_explicit(&log->cats.by_id[id], memory_order_acquire);
  return c ? c->name : NULL;
}

void uvlog__cats_free(uvlog_t *log) {
  for (unsigned id = 1; id <= log->cats.n; id++) free(cat_at(log, id));
  free(log->cats.rules);
  memset(&log->cats, 0, sizeof log->cats);
}
