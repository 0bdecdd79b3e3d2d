/*
 * env.c -- the syslog(3)-compatible API's own logger, configured from the
 * environment (docs/drop-in.md):
 *
 *   UVLOG_SYSLOG_PATH    the daemon's socket; default /dev/log
 *   UVLOG_SYSLOG_RING    the ring's size in bytes, a power of two from 4096
 *                        to 1 GiB; default 1 MiB
 *   UVLOG_SYSLOG_BUFFER  bytes the syslog sink keeps while the daemon is
 *                        slow or away, 0 .. 1 GiB; default 1 MiB
 *
 * A value that cannot be used is reported once on stderr ("uvlog:
 * UVLOG_SYSLOG_RING=...: ignored, ...") and its default is used. The
 * logger drops (and counts) records when the ring is full, so a caller
 * never waits; its level is TRACE (the mask, uvlog_setlogmask(), filters).
 * A configuration loader plugs in here: it may add sinks to the logger
 * before it is started, or build the logger itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config.h"
#include "compat.h"

#define ENV_MAX_BYTES ((unsigned long long)1 << 30)

/* Reads a byte count from `name`; returns `def` when it is unset, and
 * reports and returns `def` when it is not a number in [lo, hi]. */
static size_t env_bytes(const char *name, size_t def, size_t lo, size_t hi) {
  const char *v = getenv(name);
  if (!v || !*v) return def;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (*end || v[0] == '-' || n < lo || n > hi) {
    fprintf(stderr, "uvlog: %s=%s: ignored, not a number of bytes in %zu..%zu\n", name, v, lo, hi);
    return def;
  }
  return (size_t)n;
}

void compat_socket_path(char *path, size_t path_cap) {
  const char *p = getenv("UVLOG_SYSLOG_PATH");
  if (p && *p && strlen(p) <= 107) {
    snprintf(path, path_cap, "%s", p);
    return;
  }
  if (p && *p) fprintf(stderr, "uvlog: UVLOG_SYSLOG_PATH=%s: ignored, longer than 107 bytes\n", p);
  snprintf(path, path_cap, "/dev/log");
}

static int make_sink(uvlog_sink_t **out, const char *path) {
  uvlog_syslog_options_t so;
  uvlog_syslog_options_init(&so);
  so.path = path;
  so.buffer_size = env_bytes("UVLOG_SYSLOG_BUFFER", so.buffer_size, 0, ENV_MAX_BYTES);
  so.max_message = 64 * 1024;
  return uvlog_sink_syslog_create(out, &so);
}

/* UVLOG_CONFIG's logger (config_apply.c); 0 or why not, reported. */
static int logger_from_config(uvlog_t **out) {
  uvlog_config_error_t err;
  int rc = uvlog__config_from_env(out, &err);
  if (rc != 0) {
    char buf[720];
    fprintf(stderr, "uvlog: UVLOG_CONFIG refused, the syslog API uses UVLOG_SYSLOG_* instead: %s\n",
            uvlog_config_error_str(&err, buf, sizeof buf));
  }
  return rc;
}

int compat_logger_from_env(uvlog_t **out, int *configured, char *path, size_t path_cap) {
  compat_socket_path(path, path_cap);
  const char *cfg = getenv("UVLOG_CONFIG");
  *configured = cfg && *cfg && logger_from_config(out) == 0;
  if (*configured) return 0;
  uvlog_options_t o;
  uvlog_options_init(&o);
  size_t ring = env_bytes("UVLOG_SYSLOG_RING", o.ring_capacity, 4096, ENV_MAX_BYTES);
  if (ring & (ring - 1)) {
    fprintf(stderr, "uvlog: UVLOG_SYSLOG_RING=%zu: ignored, not a power of two\n", ring);
    ring = o.ring_capacity;
  }
  o.ring_capacity = ring;
  o.max_record = ring / 8 < 64 * 1024 ? ring / 8 : 64 * 1024;
  o.overflow = UVLOG_OVERFLOW_DROP;
  o.level = UVLOG_LEVEL_TRACE;
  uvlog_t *log;
  int rc = uvlog_logger_create(&log, &o);
  if (rc != 0) return rc;
  uvlog_sink_t *s;
  rc = make_sink(&s, path);
  if (rc == 0 && (rc = uvlog_sink_add(log, s)) != 0) uvlog_sink_destroy(s);
  if (rc == 0) rc = uvlog_logger_start(log);
  if (rc != 0) {
    uvlog_logger_destroy(log);
    return rc;
  }
  *out = log;
  return 0;
}
