/*
 * uvlog/category.h -- categories (named sub-loggers), level rules by name
 * prefix, sinks limited to categories, and thread names.
 *
 * A category is a named sub-logger of one logger (its "root"): it shares the
 * root's ring, listener and sinks, and has a level of its own. Its handle IS
 * a uvlog_t *: every log call and macro takes it (UVLOG_INFO_TO(db, ...)),
 * and the level gate is the same one relaxed load as for the root.
 * docs/categories.md has the rules and examples.
 *
 * A category handle elsewhere:
 *   - uvlog_logger_set_level / get_level / enabled, uvlog_default_set: the
 *     category's own level (the macros then gate on it);
 *   - uvlog_logger_flush, uvlog_logger_stats, uvlog_logger_reopen: act on
 *     the root (the ring and sinks are the root's);
 *   - uvlog_logger_start, uvlog_logger_close, uvlog_sink_add: refused with
 *     UVLOG_EINVAL (only the root is started, closed, given sinks);
 *     uvlog_logger_destroy does nothing (the root frees its categories).
 * A category's effective level is the higher of its level and the lowest
 * level among the sinks that take its records (uvlog_sink_set_categories).
 */
#ifndef UVLOG_CATEGORY_H
#define UVLOG_CATEGORY_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/category.h>"
#endif

/* At most this many categories per logger (the record has one byte for the
 * category; 0 is the root). */
#define UVLOG_CATEGORY_MAX 255
/* The longest category name, in bytes (without the NUL). */
#define UVLOG_CATEGORY_NAME_MAX 127
/* At most this many NAME=LEVEL rules in one level-rule spec. */
#define UVLOG_LEVEL_RULES_MAX 64
/* The longest thread name set through uvlog, in bytes (without the NUL). */
#define UVLOG_THREAD_NAME_MAX 63

/** Gets the category `name` of the logger `log` (a category handle stands
 *  for its root: names are absolute), creating it the first time. The same
 *  name always gives the same handle; any thread, before or after start.
 *  A name is 1..UVLOG_CATEGORY_NAME_MAX bytes of dot-separated segments of
 *  ASCII letters, digits, '_' and '-' ("http.access", "db"); case matters.
 *  A new category's level comes from the level rules (longest prefix), else
 *  it follows the root's level. The handle lives until the root is
 *  destroyed: never free it. Errors: UVLOG_EINVAL (NULL argument, bad name),
 *  -ENOSPC (UVLOG_CATEGORY_MAX categories exist), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_category_get(uvlog_t *log, const char *name, uvlog_t **out);

/** The name of a category handle ("http.access"); NULL for a root logger or
 *  NULL. Valid until the root is destroyed. */
UVLOG_EXPORT const char *uvlog_category_name(const uvlog_t *log);

/** The root logger of `log`: `log` itself for a root, NULL for NULL. */
UVLOG_EXPORT uvlog_t *uvlog_category_root(uvlog_t *log);

/** Sets level rules from a spec such as "info,http=debug,db.pool=trace":
 *  comma-separated items, blanks around them ignored; a bare LEVEL sets the
 *  root logger's level; NAME=LEVEL sets the level of the category NAME and
 *  of every category under it (http matches http and http.access, not
 *  https); the longest matching NAME wins; a category no rule matches
 *  follows the root's level. LEVEL is what uvlog_level_parse() accepts.
 *  The rules replace the previous ones, apply at once to every category
 *  (also one whose level uvlog_logger_set_level() set) and to categories
 *  created later. "" removes every rule. Any thread, any time (`log` may be
 *  a category handle: the rules are its root's). Errors: UVLOG_EINVAL (NULL
 *  log or spec, or a bad spec: nothing is applied; see
 *  uvlog_level_rules_explain()), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_logger_set_level_rules(uvlog_t *log, const char *spec);

/** Why uvlog_logger_set_level_rules() would refuse `spec`: a static string
 *  ("unknown level"), with the byte offset of the offending item in *pos
 *  (if pos is not NULL); NULL if the spec is valid. A NULL spec is
 *  refused ("spec is NULL", offset 0). */
UVLOG_EXPORT const char *uvlog_level_rules_explain(const char *spec, size_t *pos);

/** Limits a sink to the records of some categories: a comma-separated list
 *  of names, each matching that category and every category under it
 *  ("http.access,db"). Records of the root logger itself (no category) do
 *  not reach such a sink; uvlog's own reports (UVLOG_ENTRY_INTERNAL, e.g.
 *  the drop report) do. NULL removes the limit. Before the logger starts.
 *  Errors: UVLOG_EINVAL (NULL sink, empty list or item, bad name, more than
 *  UVLOG_LEVEL_RULES_MAX names), UVLOG_EBUSY (the sink's logger started),
 *  UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_sink_set_categories(uvlog_sink_t *sink, const char *list);

/** Names the calling thread for uvlog (uvlog_entry_t.thread_name, shown by
 *  the formats); every logger of the process sees it, from the thread's
 *  next record on. 1..UVLOG_THREAD_NAME_MAX bytes, no control characters
 *  (bytes below 0x20 and 0x7f); NULL removes the uvlog name (the OS name,
 *  below, is used again). A thread without a uvlog name shows its OS name
 *  (pthread_setname_np, read by the listener from /proc on Linux). Not on
 *  the hot path: it takes a lock. Errors: UVLOG_EINVAL (empty, too long,
 *  control character), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_thread_set_name(const char *name);

#endif /* UVLOG_CATEGORY_H */
