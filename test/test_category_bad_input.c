/*
 * test_category_bad_input.c -- bad category names and arguments are
 * refused with UVLOG_EINVAL; at most UVLOG_CATEGORY_MAX categories, then
 * -ENOSPC (existing names still work); NULL handles.
 */
#include <errno.h>

#include "category_fixture.h"

Test(category_bad_input, bad_names_and_arguments) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *cat = (uvlog_t *)&c;
  const char *bad[] = {"", ".", "a.", ".a", "a..b", "a b", "a=b", "a,b", "a/b", "caf\xc3\xa9",
                       "tab\t", "a:b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cr_assert_eq(uvlog_category_get(log, bad[i], &cat), UVLOG_EINVAL, "'%s'", bad[i]);
    cr_assert_null(cat, "the handle is cleared on error");
    cat = (uvlog_t *)&c;
  }
  char name[UVLOG_CATEGORY_NAME_MAX + 2];
  memset(name, 'a', sizeof name);
  name[UVLOG_CATEGORY_NAME_MAX] = '\0';
  cr_assert_eq(uvlog_category_get(log, name, &cat), 0, "%d bytes are allowed",
               UVLOG_CATEGORY_NAME_MAX);
  name[UVLOG_CATEGORY_NAME_MAX] = 'a';
  name[UVLOG_CATEGORY_NAME_MAX + 1] = '\0';
  cr_assert_eq(uvlog_category_get(log, name, &cat), UVLOG_EINVAL, "one more is refused");
  cr_assert_eq(uvlog_category_get(log, "Ok_name-1.x2", &cat), 0);
  cr_assert_eq(uvlog_category_get(NULL, "db", &cat), UVLOG_EINVAL);
  cr_assert_eq(uvlog_category_get(log, NULL, &cat), UVLOG_EINVAL);
  cr_assert_eq(uvlog_category_get(log, "db", NULL), UVLOG_EINVAL);
  cr_assert_null(uvlog_category_name(NULL));
  cr_assert_null(uvlog_category_root(NULL));
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(category_bad_input, cap_reached) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = catcap_logger(&c, UVLOG_LEVEL_INFO);
  uvlog_t *first = NULL, *cat = NULL;
  char name[32];
  for (int i = 0; i < UVLOG_CATEGORY_MAX; i++) {
    snprintf(name, sizeof name, "c%d", i);
    cr_assert_eq(uvlog_category_get(log, name, &cat), 0, "%s", name);
    if (i == 0) first = cat;
  }
  cr_assert_eq(uvlog_category_get(log, "one.more", &cat), -ENOSPC);
  cr_assert_null(cat);
  cr_assert_eq(uvlog_category_get(log, "c0", &cat), 0, "existing names still work");
  cr_assert_eq(cat, first);
  cr_assert_eq(uvlog_category_get(log, "c254", &cat), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(UVLOG_INFO_TO(cat, "last %d", 254), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(c.text, "c254|INFO|last 254\n", "id 255 maps back to its name");
  uvlog_logger_destroy(log);
  capture_free(&c);
}
