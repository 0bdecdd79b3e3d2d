/*
 * uvlog/config.h -- configuring a logger and its sinks from a file, a
 * string or the environment (YAML, parsed with libyaml), reloading it on a
 * running logger, and dumping the configuration in effect. The format is
 * docs/config.md.
 *
 * All or nothing: a configuration is parsed and checked whole before any of
 * it is applied. A bad one is reported through uvlog_config_error_t (file,
 * line, column, the option, what is wrong) and changes nothing.
 */
#ifndef UVLOG_CONFIG_H
#define UVLOG_CONFIG_H

#ifndef UVLOG_H
#error "include <uvlog.h>, not <uvlog/config.h>"
#endif

/* uv.h's uv_loop_t is `struct uv_loop_s`; uvlog.h does not include uv.h. */
struct uv_loop_s;

/* The environment variables uvlog_config_setup() reads. UVLOG_CONFIG is a
 * file's path, or the configuration itself when it starts with '{' or holds
 * a newline. UVLOG_LEVEL is a level spec, "info,http=debug,db.pool=trace":
 * an optional bare level for the logger, then category=level rules. */
#define UVLOG_CONFIG_ENV "UVLOG_CONFIG"
#define UVLOG_LEVEL_ENV "UVLOG_LEVEL"

/* Limits of the loader: longer input, deeper nesting, longer strings and
 * more entries than these are refused with a precise error. */
#define UVLOG_CONFIG_MAX_BYTES ((size_t)1 << 20) /* a file or string */
#define UVLOG_CONFIG_MAX_DEPTH 8                 /* nested mappings/sequences */
#define UVLOG_CONFIG_MAX_STRING 4096             /* one value, bytes */
#define UVLOG_CONFIG_MAX_SINKS 64
#define UVLOG_CONFIG_MAX_RULES UVLOG_LEVEL_RULES_MAX /* category level rules (64) */

/* A parsed, checked configuration (immutable; free with uvlog_config_free). */
typedef struct uvlog_config uvlog_config_t;

/* Where and why a configuration was refused. Every string is NUL-terminated
 * (cut to fit). line and column are 1-based, 0 when the error has no
 * position (an unopenable file, a sink that failed to open). */
typedef struct uvlog_config_error {
  int code;          /* what the call returned (UVLOG_EINVAL, -ENOENT...) */
  char file[256];    /* the file's path, "<string>" or "$UVLOG_CONFIG" */
  int line;
  int column;
  char option[128];  /* the option's path: "sinks[1].rotate_size",
                        "logger.level"; "" when none applies */
  char message[256]; /* what is wrong, e.g. "must be at most 1000" */
} uvlog_config_error_t;

/** Formats `err` as one line: "file:line:column: option: message".
 *  Returns `buf`. */
UVLOG_EXPORT const char *uvlog_config_error_str(const uvlog_config_error_t *err, char *buf,
                                                size_t size);

/** Reads and checks the configuration file `path` (at most
 *  UVLOG_CONFIG_MAX_BYTES). `err` may be NULL. Errors: -errno when the file
 *  cannot be read (-ENOENT, -EACCES...), UVLOG_EINVAL for a bad
 *  configuration (syntax, unknown key, wrong type, value out of range,
 *  duplicate key...), UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_config_load_file(uvlog_config_t **out, const char *path,
                                        uvlog_config_error_t *err);

/** As uvlog_config_load_file(), from `len` bytes of `text` (any bytes: a
 *  NUL or invalid UTF-8 is an error with its position). `name` is what
 *  errors call the source (NULL: "<string>"). */
UVLOG_EXPORT int uvlog_config_load_string(uvlog_config_t **out, const char *text, size_t len,
                                          const char *name, uvlog_config_error_t *err);

/** Frees a configuration (NULL is a no-op). */
UVLOG_EXPORT void uvlog_config_free(uvlog_config_t *cfg);

/** Writes `cfg` in the file format, every option spelled out; `*out` is
 *  NUL-terminated, free() it. Loading the text gives back the same
 *  configuration. Errors: UVLOG_EINVAL, UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_config_to_string(const uvlog_config_t *cfg, char **out);

/** Creates a logger with cfg's logger options and adds cfg's sinks, levels
 *  and rules; not started (uvlog_logger_start()). Files are opened now, so
 *  an unwritable path fails here (with its sink's option in `err`).
 *  Errors: as uvlog_logger_create() and the sinks' create functions. */
UVLOG_EXPORT int uvlog_config_logger_create(uvlog_t **out, const uvlog_config_t *cfg,
                                            uvlog_config_error_t *err);

/** Applies `cfg` to `log` (created or running), all or nothing: the logger
 *  level, the category rules (uvlog_logger_set_level_rules(); a
 *  configuration without rules leaves the C API's alone, unless the one it
 *  replaces had rules), and the sinks the configuration made earlier
 *  (sinks added through the C API are left alone). A configured sink whose
 *  options are unchanged stays the same sink object (its file, connection
 *  and backlog) and only takes the new level; one whose options changed is
 *  replaced; the switch happens on the listener thread between two records,
 *  so each record is written once, by the old sinks or by the new ones.
 *  Logger options other than `level` cannot change once the logger exists,
 *  nor the constant fields (uvlog_logger_set_resource()) once it started:
 *  a different value is refused with UVLOG_EBUSY. Errors: UVLOG_EINVAL,
 *  UVLOG_EBUSY, UVLOG_ECLOSED, UVLOG_EDEADLK (on the listener thread), a
 *  sink's create or open error; then nothing changed. */
UVLOG_EXPORT int uvlog_config_apply(uvlog_t *log, const uvlog_config_t *cfg,
                                    uvlog_config_error_t *err);

/** Reads again the file `log` was last configured from (by
 *  uvlog_config_logger_create(), uvlog_config_apply() of a loaded file, or
 *  uvlog_config_setup()) and applies it (uvlog_config_apply()). Errors: as
 *  load_file and apply; UVLOG_EINVAL when the logger has no file (it was
 *  configured from a string, or not at all). */
UVLOG_EXPORT int uvlog_config_reload(uvlog_t *log, uvlog_config_error_t *err);

/** The configuration in effect, in the file format: the logger options
 *  with its current level, the category rules, and every configured sink
 *  with its current level. Sinks added through the C API are listed in a
 *  comment only. `*out` is NUL-terminated, free() it. Errors: UVLOG_EINVAL,
 *  UVLOG_ENOMEM. */
UVLOG_EXPORT int uvlog_config_dump(uvlog_t *log, char **out);

/** One call from nothing to a running logger: reads UVLOG_CONFIG (a path,
 *  or inline text; unset or empty: one stderr sink with the defaults),
 *  creates the logger, then applies UVLOG_LEVEL (if set and non-empty: a
 *  spec for uvlog_logger_set_level_rules(); a bad one is refused with its
 *  column) on top, starts it and makes it the default logger (uvlog_default_set()).
 *  On error nothing is left behind (no logger, no default). Errors: as
 *  load and create, and uvlog_logger_start()'s. */
UVLOG_EXPORT int uvlog_config_setup(uvlog_t **out, uvlog_config_error_t *err);

/* Reload on a signal, through the application's own loop. */
typedef struct uvlog_config_watch uvlog_config_watch_t;
/* Called on the loop's thread after each reload the signal caused, with its
 * result (`err` describes a failure; valid during the call only). */
typedef void (*uvlog_config_reload_cb)(uvlog_t *log, int rc, const uvlog_config_error_t *err,
                                       void *arg);

/** Starts a uv_signal_t for `signum` (e.g. SIGHUP) on `loop` (the
 *  application's `uv_loop_t *`): each delivery calls uvlog_config_reload()
 *  on the loop's thread, then `cb` (may be NULL: then a failure is logged
 *  as an ERROR record by `log`). Call from the loop's thread. Errors:
 *  UVLOG_EINVAL (NULL log/loop/out), UVLOG_ENOMEM, or libuv's error. */
UVLOG_EXPORT int uvlog_config_watch_signal(uvlog_config_watch_t **out, uvlog_t *log,
                                           struct uv_loop_s *loop, int signum,
                                           uvlog_config_reload_cb cb, void *arg);

/** Stops and frees a watch (its handle is closed on the loop: run the loop
 *  once more before uv_loop_close()). Call from the loop's thread, before
 *  the logger is destroyed. NULL is a no-op. */
UVLOG_EXPORT void uvlog_config_watch_stop(uvlog_config_watch_t *w);

#endif /* UVLOG_CONFIG_H */
