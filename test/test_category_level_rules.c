/*
 * test_category_level_rules.c -- level rules by name prefix: the longest
 * prefix wins, at dot boundaries; a bare level is the root's; rules apply to
 * categories made later and replace a level set on a handle; a bad spec is
 * refused whole, and uvlog_level_rules_explain() says where and why.
 */
#include "category_fixture.h"

static uvlog_level_t level_of(uvlog_t *log, const char *name) {
  uvlog_t *cat = NULL;
  cr_assert_eq(uvlog_category_get(log, name, &cat), 0, "%s", name);
  return uvlog_logger_get_level(cat);
}

Test(category_level_rules, longest_prefix_at_dot_boundaries) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *early = NULL;
  cr_assert_eq(uvlog_category_get(log, "http.access", &early), 0);
  cr_assert_eq(uvlog_logger_set_level_rules(log, " warning , http=debug,http.access = error,"
                                                 "db.pool=trace "), 0);
  cr_assert_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_WARNING, "a bare level is the root's");
  cr_assert_eq(uvlog_logger_get_level(early), UVLOG_LEVEL_ERROR, "existing categories follow");
  cr_assert_eq(level_of(log, "http"), UVLOG_LEVEL_DEBUG);
  cr_assert_eq(level_of(log, "http.client"), UVLOG_LEVEL_DEBUG);
  cr_assert_eq(level_of(log, "http.access.slow"), UVLOG_LEVEL_ERROR, "the longest prefix wins");
  cr_assert_eq(level_of(log, "https"), UVLOG_LEVEL_WARNING, "not at a dot boundary");
  cr_assert_eq(level_of(log, "http_x"), UVLOG_LEVEL_WARNING);
  cr_assert_eq(level_of(log, "db"), UVLOG_LEVEL_WARNING, "a longer rule does not match its parent");
  cr_assert_eq(level_of(log, "db.pool"), UVLOG_LEVEL_TRACE);
  cr_assert_eq(level_of(log, "db.pool.conn"), UVLOG_LEVEL_TRACE);
  cr_assert_eq(level_of(log, "db.poolx"), UVLOG_LEVEL_WARNING);
  cr_assert_eq(level_of(log, "HTTP"), UVLOG_LEVEL_WARNING, "names are case-sensitive");

  /* A category no rule matches follows the root's level as it changes. */
  uvlog_t *other = NULL;
  cr_assert_eq(uvlog_category_get(log, "other", &other), 0);
  cr_assert_eq(uvlog_logger_set_level(log, UVLOG_LEVEL_NOTICE), 0);
  cr_assert_eq(uvlog_logger_get_level(other), UVLOG_LEVEL_NOTICE);
  cr_assert(uvlog_logger_enabled(other, UVLOG_LEVEL_NOTICE));
  cr_assert_not(uvlog_logger_enabled(other, UVLOG_LEVEL_INFO));
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_level_rules, rules_replace_handle_levels_and_apply_at_once) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *db = NULL;
  cr_assert_eq(uvlog_category_get(log, "db", &db), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_set_level(db, UVLOG_LEVEL_ERROR), 0);
  cr_assert_eq(UVLOG_INFO_TO(db, "a %d", 1), UVLOG_EFILTERED);
  cr_assert_eq(uvlog_logger_set_level_rules(log, "db=debug"), 0);
  cr_assert_eq(uvlog_logger_get_level(db), UVLOG_LEVEL_DEBUG, "rules replace a handle's level");
  cr_assert_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_INFO, "no bare level: root unchanged");
  cr_assert_eq(UVLOG_DEBUG_TO(db, "b %d", 2), 0);
  cr_assert_eq(uvlog_logger_set_level_rules(db, ""), 0, "\"\" removes the rules");
  cr_assert_eq(uvlog_logger_get_level(db), UVLOG_LEVEL_INFO);
  cr_assert_eq(UVLOG_DEBUG_TO(db, "c %d", 3), UVLOG_EFILTERED);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(c.text, "db|DEBUG|b 2\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_level_rules, bad_specs_are_refused_whole) {
  static const struct { const char *spec; size_t pos; const char *why; } bad[] = {
      {"info,http=verbose", 5, "unknown level"},
      {"loud", 0, "unknown level"},
      {"info,,db=debug", 5, "empty item"},
      {"info,", 5, "empty item"},
      {"info,debug", 5, "more than one level without a name"},
      {"http=debug, http = info", 12, "the same name twice"},
      {"=debug", 0, "bad category name"},
      {"http..x=debug", 0, "bad category name"},
      {"h ttp=debug", 0, "bad category name"},
      {"http.=debug", 0, "bad category name"},
      {"http=", 0, "unknown level"},
  };
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *http = NULL;
  cr_assert_eq(uvlog_category_get(log, "http", &http), 0);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t pos = 99;
    const char *why = uvlog_level_rules_explain(bad[i].spec, &pos);
    cr_assert_not_null(why, "%s", bad[i].spec);
    cr_assert_str_eq(why, bad[i].why, "%s", bad[i].spec);
    cr_assert_eq(pos, bad[i].pos, "%s: %zu", bad[i].spec, pos);
    cr_assert_eq(uvlog_logger_set_level_rules(log, bad[i].spec), UVLOG_EINVAL, "%s", bad[i].spec);
    cr_assert_eq(uvlog_logger_get_level(http), UVLOG_LEVEL_INFO, "nothing applied");
    cr_assert_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_INFO, "nothing applied");
  }
  /* Too many rules. */
  char spec[UVLOG_LEVEL_RULES_MAX * 12 + 16];
  size_t n = 0;
  for (int i = 0; i <= UVLOG_LEVEL_RULES_MAX; i++)
    n += (size_t)snprintf(spec + n, sizeof spec - n, "%sc%d=info", i ? "," : "", i);
  cr_assert_str_eq(uvlog_level_rules_explain(spec, NULL), "too many rules");
  cr_assert_eq(uvlog_logger_set_level_rules(log, spec), UVLOG_EINVAL);
  size_t pos = 7;
  cr_assert_str_eq(uvlog_level_rules_explain(NULL, &pos), "spec is NULL");
  cr_assert_eq(pos, 0);
  cr_assert_eq(uvlog_logger_set_level_rules(log, NULL), UVLOG_EINVAL);
  cr_assert_eq(uvlog_logger_set_level_rules(NULL, "info"), UVLOG_EINVAL);
  cr_assert_null(uvlog_level_rules_explain("info,http=debug,db.pool=trace", NULL));
  cr_assert_null(uvlog_level_rules_explain("", NULL));
  uvlog_logger_destroy(log);
  capture_free(&c);
}
