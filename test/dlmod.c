/*
 * dlmod.c -- a module loaded with dlopen() by test_dlclose_flush_recipe.c:
 * its log calls' sites, format and file name live in this module's memory.
 */
#include "uvlog.h"

__attribute__((visibility("default"))) int dlmod_log(uvlog_t *log, int n);

int dlmod_log(uvlog_t *log, int n) {
  int rc = 0;
  for (int i = 0; i < n; i++) {
    rc |= UVLOG_INFO_TO(log, "from the module %d %s", i, "(a module literal)");
    rc |= UVLOG_INFOF_TO(log, "preformatted in the module %d", i);
  }
  return rc;
}
