/* consumer.c -- the program every packaging check builds: as a meson parent
 * project (subproject use), with pkg-config, and with CMake's
 * find_package(uvlog). It logs one record to stderr and exits 0 when every
 * call succeeded; the check looks for "packaging-ok" on stderr. */
#include <stdio.h>
#include <uvlog.h>

int main(void) {
  uvlog_t *log;
  uvlog_sink_t *err;
  int rc = uvlog_logger_create(&log, NULL);
  if (rc == 0) rc = uvlog_sink_stderr_create(&err);
  if (rc == 0) rc = uvlog_sink_add(log, err);
  if (rc == 0) rc = uvlog_logger_start(log);
  if (rc == 0) rc = UVLOG_INFO_TO(log, "packaging-ok uvlog %d.%d.%d", UVLOG_VERSION_MAJOR,
                                  UVLOG_VERSION_MINOR, UVLOG_VERSION_PATCH);
  int rc2 = uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  if (rc != 0 || rc2 != 0) {
    fprintf(stderr, "consumer: %s\n", uvlog_strerror(rc ? rc : rc2));
    return 1;
  }
  return 0;
}
