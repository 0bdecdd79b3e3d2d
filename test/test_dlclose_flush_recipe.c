/*
 * test_dlclose_flush_recipe.c -- records point at their call site (file,
 * function, format: static data of the code that logged). A module that
 * logged may be dlclose()d once uvlog_logger_flush() has returned 0: every
 * record it made has then been written, and nothing points into it any
 * more (docs/api.md, "Unloading code that logged"). The logger goes on.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdlib.h>

#include "capture.h"
#include "uvlog.h"

Test(dlclose, flush_then_dlclose) {
  const char *path = getenv("UVLOG_TEST_DLMOD");
  cr_assert_not_null(path, "UVLOG_TEST_DLMOD: the module's path (set by meson)");
  capture_t c;
  capture_init(&c);
  uvlog_options_t o;
  uvlog_options_init(&o);
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  for (int round = 0; round < 3; round++) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(h, "%s", dlerror());
    int (*fn)(uvlog_t *, int) = (int (*)(uvlog_t *, int))dlsym(h, "dlmod_log");
    cr_assert_not_null(fn);
    cr_assert_eq(fn(log, 100), 0);
    cr_assert_eq(uvlog_logger_flush(log, -1), 0); /* the recipe: flush, then unload */
    cr_assert_eq(dlclose(h), 0);
    /* Scribble where the module was, in case the loader reuses the pages. */
    void *junk = malloc(1 << 20);
    memset(junk, 0xa5, 1 << 20);
    free(junk);
  }
  cr_assert_eq(UVLOG_INFO_TO(log, "after %d", 3), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(capture_count(&c, "INFO from the module "), 300);
  cr_assert_eq(capture_count(&c, "(a module literal)\n"), 300);
  cr_assert_eq(capture_count(&c, "INFO preformatted in the module "), 300);
  cr_assert_eq(capture_count(&c, "INFO after 3\n"), 1);
  uvlog_logger_destroy(log);
  capture_free(&c);
}
