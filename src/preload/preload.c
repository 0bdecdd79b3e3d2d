/*
 * preload.c -- libuvlog-syslog.so: loaded with LD_PRELOAD, it replaces
 * glibc's openlog, syslog, vsyslog, __syslog_chk, __vsyslog_chk (what
 * _FORTIFY_SOURCE builds call), closelog and setlogmask in an unmodified
 * program with the syslog(3)-compatible API (src/compat/), so its syslog()
 * calls queue into uvlog's ring and never wait for the daemon. Only these
 * seven symbols are exported (preload.map).
 *
 * Configured from the environment (src/compat/env.c, docs/drop-in.md).
 * With UVLOG_CAPTURE set, a constructor also captures the program's stdout
 * and/or stderr into the same logger:
 *   UVLOG_CAPTURE               "1" or "both", "stdout", "stderr"
 *   UVLOG_CAPTURE_STDOUT_LEVEL  a level name (uvlog_level_parse()); default info
 *   UVLOG_CAPTURE_STDERR_LEVEL  default warning
 * An unusable value is reported once on stderr and capture stays off.
 */
#undef _FORTIFY_SOURCE
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "uvlog.h"
#include "uvlog/syslog.h"

void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

void openlog(const char *ident, int option, int facility) { uvlog_openlog(ident, option, facility); }

void syslog(int pri, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  uvlog_vsyslog(pri, fmt, ap);
  va_end(ap);
}

void vsyslog(int pri, const char *fmt, va_list ap) { uvlog_vsyslog(pri, fmt, ap); }

/* `flag` asks for _FORTIFY_SOURCE's checks of the format; vsnprintf runs
 * without them. */
void __syslog_chk(int pri, int flag, const char *fmt, ...) {
  va_list ap;
  (void)flag;
  va_start(ap, fmt);
  uvlog_vsyslog(pri, fmt, ap);
  va_end(ap);
}

void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap) {
  (void)flag;
  uvlog_vsyslog(pri, fmt, ap);
}

void closelog(void) { uvlog_closelog(); }

int setlogmask(int mask) { return uvlog_setlogmask(mask); }

/* ---- UVLOG_CAPTURE ------------------------------------------------------ */

static int env_level(const char *name, uvlog_level_t *level) {
  const char *v = getenv(name);
  if (!v || !*v) return 0;
  if (uvlog_level_parse(v, level) == 0 && *level != UVLOG_LEVEL_OFF) return 0;
  fprintf(stderr, "uvlog: %s=%s: not a level name; capture is off\n", name, v);
  return -1;
}

static int env_streams(const char *v) {
  if (!strcmp(v, "1") || !strcmp(v, "both")) return UVLOG_CAPTURE_STDOUT | UVLOG_CAPTURE_STDERR;
  if (!strcmp(v, "stdout")) return UVLOG_CAPTURE_STDOUT;
  if (!strcmp(v, "stderr")) return UVLOG_CAPTURE_STDERR;
  fprintf(stderr, "uvlog: UVLOG_CAPTURE=%s: not 1, both, stdout or stderr; capture is off\n", v);
  return 0;
}

__attribute__((constructor)) static void preload_capture(void) {
  const char *v = getenv("UVLOG_CAPTURE");
  if (!v || !*v || !strcmp(v, "0")) return;
  uvlog_capture_options_t o;
  uvlog_capture_options_init(&o);
  o.streams = env_streams(v);
  if (!o.streams || env_level("UVLOG_CAPTURE_STDOUT_LEVEL", &o.stdout_level) != 0 ||
      env_level("UVLOG_CAPTURE_STDERR_LEVEL", &o.stderr_level) != 0)
    return;
  uvlog_t *log = uvlog_syslog_logger();
  uvlog_capture_t *cap;
  int rc = log ? uvlog_capture_start(&cap, log, &o) : UVLOG_ENOMEM;
  if (rc != 0) fprintf(stderr, "uvlog: UVLOG_CAPTURE: %s; capture is off\n", uvlog_strerror(rc));
}
