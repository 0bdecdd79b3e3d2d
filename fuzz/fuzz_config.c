/*
 * fuzz_config.c -- libFuzzer target for the configuration loader
 * (src/config_yaml.c, src/config_keys.c, src/config_map.c,
 * src/config_dump.c).
 *
 * Any bytes: uvlog_config_load_string() either loads them or refuses them
 * with an error whose position lies inside the input; it never crashes,
 * leaks or reads out of bounds. What loads is written out
 * (uvlog_config_to_string()) and must load back to the very same text (the
 * dump round-trips). Nothing is applied: no file is opened.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uvlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uvlog_config_t *cfg = NULL;
  uvlog_config_error_t err;
  int rc = uvlog_config_load_string(&cfg, (const char *)data, size, "fuzz", &err);
  if (rc != 0) {
    if (rc != UVLOG_EINVAL && rc != UVLOG_ENOMEM) abort();
    if (cfg || err.code != rc || err.line < 0 || err.column < 0) abort();
    /* An upper bound on the lines: YAML breaks lines at LF, CR, CR LF, NEL
     * (C2 85), LS and PS (E2 80 A8/A9). */
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
      lines += data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 || data[i] == 0xA8 ||
               data[i] == 0xA9;
    if ((size_t)err.line > lines + 1) abort();
    return 0;
  }
  char *a = NULL, *b = NULL;
  if (uvlog_config_to_string(cfg, &a) != 0) abort();
  uvlog_config_t *again = NULL;
  if (uvlog_config_load_string(&again, a, strlen(a), "dump", &err) != 0) {
    fprintf(stderr, "the dump does not load: %d:%d %s: %s\n%s", err.line, err.column, err.option,
            err.message, a);
    abort();
  }
  if (uvlog_config_to_string(again, &b) != 0 || strcmp(a, b) != 0) abort();
  free(a);
  free(b);
  uvlog_config_free(cfg);
  uvlog_config_free(again);
  return 0;
}
