/*
 * config_apply.c -- a configuration put to work: loading (file or string),
 * creating a logger from it, applying it to a logger (at create, and again
 * on reload: sinks matched by their options, the switch done by the
 * listener between two records through uvlog__sinks_replace), the dump of
 * what is in effect, the one-call setup from the environment, and the
 * signal watch on the application's loop.
 *
 * Each configured logger has a uvlog_cfg_state (log->cfg): a copy of the
 * configuration last applied and the sink made for each of its sinks. Its
 * mutex makes applies to one logger take turns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "config.h"
#include "logger_impl.h"

struct uvlog_cfg_state {
  pthread_mutex_t mu;
  uvlog_config_t *cfg;   /* last applied (owned copy); NULL before the first */
  uvlog_sink_t **sinks; /* sinks[i] was made for cfg->sinks[i] */
};

/* ---- loading ------------------------------------------------------------------- */

int uvlog_config_load_string(uvlog_config_t **out, const char *text, size_t len,
                             const char *name, uvlog_config_error_t *err) {
  if (!name) name = "<string>";
  if (!out || (!text && len))
    return uvlog__cfg_err(err, UVLOG_EINVAL, name, 0, 0, "", "NULL argument");
  *out = NULL;
  cnode_t *root;
  int rc = uvlog__cfg_parse(text, len, name, &root, err);
  if (rc) return rc;
  rc = uvlog__cfg_map(root, name, out, err);
  uvlog__cfg_node_free(root);
  return rc;
}

/* Reads at most UVLOG_CONFIG_MAX_BYTES + 1 bytes (one more says "too big"). */
static int read_file(const char *path, char **text, size_t *len, uvlog_config_error_t *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    close(fd);
    return uvlog__cfg_err(err, UVLOG_EINVAL, path, 0, 0, "", "not a regular file");
  }
  if (fd < 0) return uvlog__cfg_err(err, -errno, path, 0, 0, "", "cannot open: %s", strerror(errno));
  size_t cap = UVLOG_CONFIG_MAX_BYTES + 1, n = 0;
  char *buf = malloc(cap);
  if (!buf) {
    close(fd);
    return uvlog__cfg_err(err, UVLOG_ENOMEM, path, 0, 0, "", "out of memory");
  }
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      free(buf);
      return uvlog__cfg_err(err, -e, path, 0, 0, "", "cannot read: %s", strerror(e));
    }
    if (r == 0 || (n += (size_t)r) == cap) break;
  }
  close(fd);
  *text = buf;
  *len = n;
  return 0;
}

int uvlog_config_load_file(uvlog_config_t **out, const char *path, uvlog_config_error_t *err) {
  if (!out || !path)
    return uvlog__cfg_err(err, UVLOG_EINVAL, path ? path : "(null)", 0, 0, "", "NULL argument");
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  int rc = read_file(path, &text, &len, err);
  if (rc) return rc;
  rc = uvlog_config_load_string(out, text, len, path, err);
  free(text);
  if (rc == 0 && !((*out)->source = strdup(path))) {
    uvlog_config_free(*out);
    *out = NULL;
    rc = uvlog__cfg_err(err, UVLOG_ENOMEM, path, 0, 0, "", "out of memory");
  }
  return rc;
}

/* ---- the state ------------------------------------------------------------------ */

static uvlog_config_t *config_copy(const uvlog_config_t *c) {
  uvlog_config_t *d = calloc(1, sizeof(*d));
  if (!d) return NULL;
  d->opts = c->opts;
  d->crash = c->crash;
  d->crash_opts = c->crash_opts;
  d->sinks = calloc(c->n_sinks + 1, sizeof(*d->sinks));
  d->rules = calloc(c->n_rules + 1, sizeof(*d->rules));
  d->fields = calloc(c->n_fields + 1, sizeof(*d->fields));
  int ok = d->sinks && d->rules && d->fields && (!c->source || (d->source = strdup(c->source)));
  for (size_t i = 0; ok && i < c->n_fields; i++, d->n_fields++) {
    d->fields[i].type = c->fields[i].type;
    d->fields[i].key = strdup(c->fields[i].key);
    d->fields[i].text = strdup(c->fields[i].text);
    ok = d->fields[i].key && d->fields[i].text;
  }
  for (size_t i = 0; ok && i < c->n_sinks; i++, d->n_sinks++)
    ok = uvlog__cfg_sink_copy(&d->sinks[i], &c->sinks[i]) == 0;
  for (size_t i = 0; ok && i < c->n_rules; i++, d->n_rules++) {
    d->rules[i] = c->rules[i];
    ok = (d->rules[i].name = strdup(c->rules[i].name)) != NULL;
  }
  if (!ok) {
    uvlog_config_free(d);
    return NULL;
  }
  return d;
}

static struct uvlog_cfg_state *state_get(uvlog_t *log) {
  pthread_mutex_lock(&log->mu);
  if (!log->cfg && (log->cfg = calloc(1, sizeof(*log->cfg))))
    pthread_mutex_init(&log->cfg->mu, NULL);
  struct uvlog_cfg_state *st = log->cfg;
  pthread_mutex_unlock(&log->mu);
  return st;
}

void uvlog__config_free(uvlog_t *log) {
  struct uvlog_cfg_state *st = log->cfg;
  if (!st) return;
  uvlog_config_free(st->cfg);
  free(st->sinks);
  pthread_mutex_destroy(&st->mu);
  free(st);
  log->cfg = NULL;
}

/* ---- sinks ------------------------------------------------------------------------ */

static int sink_make(const cfg_sink_t *c, uvlog_sink_t **out) {
  int rc;
  switch (c->type) {
  case CS_STDERR: rc = uvlog_sink_stderr_create(out); break;
  case CS_FILE: rc = uvlog_sink_file_create(out, c->path, &c->file); break;
  case CS_SYSLOG: rc = uvlog_sink_syslog_create(out, &c->syslog); break;
  default: rc = uvlog_sink_tcp_create(out, &c->tcp); break;
  }
  if (rc) return rc;
  rc = uvlog_sink_set_format(*out, &c->fmt);
  if (rc == 0 && c->categories) rc = uvlog_sink_set_categories(*out, c->categories);
  if (rc == 0) rc = uvlog_sink_set_level(*out, (uvlog_level_t)c->level);
  if (rc) {
    uvlog_sink_destroy(*out);
    *out = NULL;
  }
  return rc;
}

static void sink_error(uvlog_config_error_t *err, const uvlog_config_t *cfg, size_t i,
                       const char *what, int rc) {
  char opt[64];
  snprintf(opt, sizeof opt, "sinks[%zu]", i);
  uvlog__cfg_err(err, rc, cfg->source, cfg->sinks[i].line, cfg->sinks[i].col, opt,
                 "the %s sink %s: %s", uvlog__cfg_sink_type_names[cfg->sinks[i].type], what,
                 uvlog_strerror(rc));
}

/* The sinks of `log` the configuration did not make (added through the C
 * API), in order; then room for `extra` more. */
static uvlog_sink_t **foreign_sinks(uvlog_t *log, const struct uvlog_cfg_state *st, size_t extra,
                                    size_t *n) {
  pthread_mutex_lock(&log->mu);
  uvlog_sink_t **v = calloc(log->n_sinks + extra + 1, sizeof(*v));
  *n = 0;
  for (uvlog_sink_t *s = log->sinks; v && s; s = s->next) {
    int ours = 0;
    for (size_t j = 0; st->cfg && j < st->cfg->n_sinks; j++) ours |= st->sinks[j] == s;
    if (!ours) v[(*n)++] = s;
  }
  pthread_mutex_unlock(&log->mu);
  return v;
}

/* Fills made[i] for every configured sink: the running sink with the same
 * options (each used once), else a new one. */
static int sinks_build(const struct uvlog_cfg_state *st, const uvlog_config_t *cfg,
                       uvlog_sink_t **made, uvlog_config_error_t *err) {
  size_t old_n = st->cfg ? st->cfg->n_sinks : 0;
  char *used = calloc(old_n + 1, 1);
  if (!used) return uvlog__cfg_err(err, UVLOG_ENOMEM, cfg->source, 0, 0, "", "out of memory");
  int rc = 0;
  for (size_t i = 0; i < cfg->n_sinks && rc == 0; i++) {
    for (size_t j = 0; j < old_n && !made[i]; j++) {
      if (!used[j] && uvlog__cfg_sink_same(&st->cfg->sinks[j], &cfg->sinks[i])) {
        used[j] = 1;
        made[i] = st->sinks[j];
      }
    }
    if (!made[i] && (rc = sink_make(&cfg->sinks[i], &made[i])))
      sink_error(err, cfg, i, "could not be created", rc);
  }
  free(used);
  return rc;
}

/* Frees the sinks the failed apply made that no logger took. */
static void sinks_unmake(uvlog_sink_t **made, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (made[i] && !made[i]->owner) uvlog_sink_destroy(made[i]);
}

/* ---- apply -------------------------------------------------------------------------- */

static int opts_check(uvlog_t *log, const uvlog_config_t *cfg, uvlog_config_error_t *err) {
  const char *k = uvlog__cfg_opts_differ(&log->opts, &cfg->opts);
  if (!k) return 0;
  char opt[64];
  snprintf(opt, sizeof opt, "logger.%s", k);
  return uvlog__cfg_err(err, UVLOG_EBUSY, cfg->source, 0, 0, opt,
                        "differs from the logger's (only level can change once it is created)");
}

/* "http=debug,db.pool=trace" for uvlog_logger_set_level_rules(). */
static char *rules_spec(const uvlog_config_t *cfg) {
  size_t cap = 1;
  for (size_t i = 0; i < cfg->n_rules; i++) cap += strlen(cfg->rules[i].name) + 12;
  char *spec = malloc(cap);
  size_t len = 0;
  for (size_t i = 0; spec && i < cfg->n_rules; i++)
    len += (size_t)snprintf(spec + len, cap - len, "%s%s=%s", i ? "," : "", cfg->rules[i].name,
                            uvlog_level_name((uvlog_level_t)cfg->rules[i].level));
  if (spec) spec[len] = '\0';
  return spec;
}

/* The new sinks are in place: levels follow, and the category rules when
 * this configuration or the previous one has some (rules set through the
 * C API alone are left alone). */
static int levels_apply(uvlog_t *log, const struct uvlog_cfg_state *st,
                        const uvlog_config_t *cfg, uvlog_sink_t **made) {
  for (size_t i = 0; i < cfg->n_sinks; i++)
    uvlog_sink_set_level(made[i], (uvlog_level_t)cfg->sinks[i].level);
  uvlog_logger_set_level(log, (uvlog_level_t)cfg->opts.level);
  if (!cfg->n_rules && !(st->cfg && st->cfg->n_rules)) return 0;
  char *spec = rules_spec(cfg);
  int rc = spec ? uvlog_logger_set_level_rules(log, spec) : UVLOG_ENOMEM;
  free(spec);
  return rc;
}

/* The state now describes `cfg` and `made` (on failure to copy, it
 * forgets the configured sinks: they keep running as if added by hand). */
static void state_set(struct uvlog_cfg_state *st, const uvlog_config_t *cfg,
                      uvlog_sink_t **made) {
  uvlog_config_free(st->cfg);
  free(st->sinks);
  st->cfg = config_copy(cfg);
  st->sinks = made;
  if (!st->cfg) {
    free(made);
    st->sinks = NULL;
  }
}

/* The constant fields can be set until the logger starts. */
static int fields_check(uvlog_t *log, const struct uvlog_cfg_state *st, const uvlog_config_t *cfg,
                        uvlog_config_error_t *err) {
  static const uvlog_config_t none = {0};
  if (uvlog__cfg_fields_same(st->cfg ? st->cfg : &none, cfg)) return 0;
  /* acquire: pairs with the state's release store (lifecycle.c). */
  if (atomic_load_explicit(&log->state, memory_order_acquire) == LOG_CREATED) return 0;
  return uvlog__cfg_err(err, UVLOG_EBUSY, cfg->source, 0, 0, "fields",
                        "differ from the logger's (constant fields are set before start)");
}

static int fields_apply(uvlog_t *log, const struct uvlog_cfg_state *st,
                        const uvlog_config_t *cfg) {
  static const uvlog_config_t none = {0};
  if (uvlog__cfg_fields_same(st->cfg ? st->cfg : &none, cfg)) return 0;
  uvlog_field_t *f;
  int rc = uvlog__cfg_fields(cfg, &f);
  if (rc == 0) rc = uvlog_logger_set_resource(log, f, cfg->n_fields);
  free(f);
  return rc;
}

/* The crash flush as cfg asks, before anything else changes: *undo says
 * what to do if a later step fails (1: uninstall what was installed). */
static int crash_apply(uvlog_t *log, const struct uvlog_cfg_state *st, const uvlog_config_t *cfg,
                       int *undo, uvlog_config_error_t *err) {
  static const uvlog_config_t none = {0};
  const uvlog_config_t *prev = st->cfg ? st->cfg : &none;
  *undo = 0;
  if (uvlog__cfg_crash_same(prev, cfg)) return 0;
  if (prev->crash) uvlog_crash_flush_uninstall(log);
  if (!cfg->crash) return 0;
  int rc = uvlog_crash_flush_install(log, &cfg->crash_opts);
  if (rc) {
    if (prev->crash) uvlog_crash_flush_install(log, &prev->crash_opts);
    return uvlog__cfg_err(err, rc, cfg->source, 0, 0, "crash_flush", "not installed: %s",
                          uvlog_strerror(rc));
  }
  *undo = 1;
  return 0;
}

static int apply_locked(uvlog_t *log, struct uvlog_cfg_state *st, const uvlog_config_t *cfg,
                        uvlog_config_error_t *err) {
  int rc = opts_check(log, cfg, err);
  if (rc == 0) rc = fields_check(log, st, cfg, err);
  int undo = 0;
  if (rc == 0) rc = crash_apply(log, st, cfg, &undo, err);
  if (rc) return rc;
  size_t n_foreign;
  uvlog_sink_t **list = foreign_sinks(log, st, cfg->n_sinks, &n_foreign);
  uvlog_sink_t **made = calloc(cfg->n_sinks + 1, sizeof(*made));
  if (!list || !made) {
    free(list);
    free(made);
    return uvlog__cfg_err(err, UVLOG_ENOMEM, cfg->source, 0, 0, "", "out of memory");
  }
  rc = sinks_build(st, cfg, made, err);
  if (rc == 0) {
    memcpy(list + n_foreign, made, cfg->n_sinks * sizeof(*made));
    rc = uvlog__sinks_replace(log, list, n_foreign + cfg->n_sinks);
    if (rc) {
      /* The new sink that failed to open was retired (it has an owner now),
       * and any opened before it: name the last of them. */
      size_t bad_i = 0;
      for (size_t i = 0; i < cfg->n_sinks; i++) {
        int mine = 1;
        for (size_t j = 0; st->cfg && j < st->cfg->n_sinks; j++) mine &= st->sinks[j] != made[i];
        if (mine && made[i]->owner) bad_i = i;
      }
      if (cfg->n_sinks && rc != UVLOG_ECLOSED && rc != UVLOG_EBUSY && rc != UVLOG_EDEADLK)
        sink_error(err, cfg, bad_i, "could not be opened", rc);
      else
        uvlog__cfg_err(err, rc, cfg->source, 0, 0, "", "the logger refused: %s",
                       uvlog_strerror(rc));
    }
  }
  free(list);
  if (rc) {
    if (undo) {
      uvlog_crash_flush_uninstall(log);
      if (st->cfg && st->cfg->crash) uvlog_crash_flush_install(log, &st->cfg->crash_opts);
    }
    sinks_unmake(made, cfg->n_sinks);
    free(made);
    return rc;
  }
  rc = levels_apply(log, st, cfg, made);
  if (rc == 0) rc = fields_apply(log, st, cfg);
  state_set(st, cfg, made);
  if (rc) /* memory only: the rules were checked when loaded */
    uvlog__cfg_err(err, rc, cfg->source, 0, 0, "", "%s", uvlog_strerror(rc));
  return rc;
}

int uvlog_config_apply(uvlog_t *log, const uvlog_config_t *cfg, uvlog_config_error_t *err) {
  if (!log || !cfg) return uvlog__cfg_err(err, UVLOG_EINVAL, NULL, 0, 0, "", "NULL argument");
  struct uvlog_cfg_state *st = state_get(log);
  if (!st) return uvlog__cfg_err(err, UVLOG_ENOMEM, cfg->source, 0, 0, "", "out of memory");
  pthread_mutex_lock(&st->mu);
  int rc = apply_locked(log, st, cfg, err);
  pthread_mutex_unlock(&st->mu);
  return rc;
}

int uvlog_config_logger_create(uvlog_t **out, const uvlog_config_t *cfg,
                               uvlog_config_error_t *err) {
  if (!out || !cfg) return uvlog__cfg_err(err, UVLOG_EINVAL, NULL, 0, 0, "", "NULL argument");
  *out = NULL;
  uvlog_t *log;
  int rc = uvlog_logger_create(&log, &cfg->opts);
  if (rc)
    return uvlog__cfg_err(err, rc, cfg->source, 0, 0, "logger", "cannot create the logger: %s",
                          uvlog_strerror(rc));
  rc = uvlog_config_apply(log, cfg, err);
  if (rc) {
    uvlog_logger_destroy(log);
    return rc;
  }
  *out = log;
  return 0;
}

int uvlog_config_reload(uvlog_t *log, uvlog_config_error_t *err) {
  if (!log) return uvlog__cfg_err(err, UVLOG_EINVAL, NULL, 0, 0, "", "NULL argument");
  struct uvlog_cfg_state *st = state_get(log);
  if (!st) return uvlog__cfg_err(err, UVLOG_ENOMEM, NULL, 0, 0, "", "out of memory");
  pthread_mutex_lock(&st->mu);
  char *path = st->cfg && st->cfg->source ? strdup(st->cfg->source) : NULL;
  int rc = UVLOG_EINVAL;
  if (!path) {
    uvlog__cfg_err(err, rc, NULL, 0, 0, "", "the logger was not configured from a file");
  } else {
    uvlog_config_t *cfg;
    rc = uvlog_config_load_file(&cfg, path, err);
    if (rc == 0) rc = apply_locked(log, st, cfg, err);
    uvlog_config_free(cfg);
  }
  pthread_mutex_unlock(&st->mu);
  free(path);
  return rc;
}

/* ---- dump ------------------------------------------------------------------------------- */

int uvlog_config_dump(uvlog_t *log, char **out) {
  if (!log || !out) return UVLOG_EINVAL;
  struct uvlog_cfg_state *st = state_get(log);
  if (!st) return UVLOG_ENOMEM;
  pthread_mutex_lock(&st->mu);
  uvlog_config_t view = {0};
  if (st->cfg) view = *st->cfg; /* borrowed strings: only read below */
  view.opts = log->opts;
  view.opts.level = uvlog_logger_get_level(log);
  cfg_sink_t *sinks = calloc(view.n_sinks + 1, sizeof(*sinks));
  size_t n_foreign = 0;
  uvlog_sink_t **foreign = foreign_sinks(log, st, 0, &n_foreign);
  int rc = UVLOG_ENOMEM;
  if (sinks && foreign) {
    for (size_t i = 0; i < view.n_sinks; i++) {
      sinks[i] = view.sinks[i];
      sinks[i].level = uvlog_sink_get_level(st->sinks[i]);
    }
    view.sinks = sinks;
    char note[512];
    int len = snprintf(note, sizeof note, "uvlog: the configuration in effect");
    if (n_foreign) {
      len += snprintf(note + len, sizeof note - (size_t)len,
                      "\nnot shown: %zu sink%s added through the C API:", n_foreign,
                      n_foreign == 1 ? "" : "s");
      for (size_t i = 0; i < n_foreign && len < (int)sizeof note; i++)
        len += snprintf(note + len, sizeof note - (size_t)len, " %s",
                        uvlog_sink_name(foreign[i]));
    }
    rc = uvlog__cfg_emit(&view, note, out);
  }
  pthread_mutex_unlock(&st->mu);
  free(sinks);
  free(foreign);
  return rc;
}

/* ---- setup from the environment ----------------------------------------------------------- */

static int env_config(uvlog_config_t **cfg, uvlog_config_error_t *err) {
  const char *v = getenv(UVLOG_CONFIG_ENV);
  if (!v || !*v) {
    static const char dflt[] = "sinks: [{type: stderr}]";
    return uvlog_config_load_string(cfg, dflt, sizeof dflt - 1, "<default>", err);
  }
  if (v[0] == '{' || strchr(v, '\n'))
    return uvlog_config_load_string(cfg, v, strlen(v), "$" UVLOG_CONFIG_ENV, err);
  return uvlog_config_load_file(cfg, v, err);
}

/* The rules of a valid level spec into st->cfg, for the dump. */
static void rules_remember(struct uvlog_cfg_state *st, const char *spec) {
  char *copy = strdup(spec), *save = NULL;
  size_t n = 0, cap = strlen(spec) / 2 + 1;
  cfg_rule_t *rules = calloc(cap, sizeof(*rules));
  for (char *it = copy ? strtok_r(copy, ",", &save) : NULL; it && rules;
       it = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(it, '=');
    if (!eq) continue; /* the bare level: the logger's, shown live */
    *eq = '\0';
    it += strspn(it, " \t");
    it[strcspn(it, " \t")] = '\0';
    char *lv = eq + 1 + strspn(eq + 1, " \t");
    lv[strcspn(lv, " \t")] = '\0';
    uvlog_level_t l = UVLOG_LEVEL_INFO;
    uvlog_level_parse(lv, &l);
    rules[n].level = (int)l;
    if ((rules[n].name = strdup(it))) n++;
  }
  free(copy);
  if (!rules || !st->cfg) {
    free(rules);
    return;
  }
  for (size_t i = 0; i < st->cfg->n_rules; i++) free(st->cfg->rules[i].name);
  free(st->cfg->rules);
  st->cfg->rules = rules;
  st->cfg->n_rules = n;
}

/* UVLOG_LEVEL: a level spec (uvlog_logger_set_level_rules()). */
static int env_level(uvlog_t *log, uvlog_config_error_t *err) {
  const char *v = getenv(UVLOG_LEVEL_ENV);
  if (!v || !*v) return 0;
  size_t pos = 0;
  const char *why = uvlog_level_rules_explain(v, &pos);
  if (why)
    return uvlog__cfg_err(err, UVLOG_EINVAL, "$" UVLOG_LEVEL_ENV, 1, (int)pos + 1, "", "%s", why);
  int rc = uvlog_logger_set_level_rules(log, v);
  if (rc) return uvlog__cfg_err(err, rc, "$" UVLOG_LEVEL_ENV, 0, 0, "", "%s", uvlog_strerror(rc));
  struct uvlog_cfg_state *st = state_get(log);
  if (st) {
    pthread_mutex_lock(&st->mu);
    rules_remember(st, v);
    pthread_mutex_unlock(&st->mu);
  }
  return 0;
}

int uvlog__config_from_env(uvlog_t **out, uvlog_config_error_t *err) {
  if (!out) return uvlog__cfg_err(err, UVLOG_EINVAL, NULL, 0, 0, "", "NULL argument");
  *out = NULL;
  uvlog_config_t *cfg;
  int rc = env_config(&cfg, err);
  if (rc) return rc;
  uvlog_t *log = NULL;
  rc = uvlog_config_logger_create(&log, cfg, err);
  const char *src = cfg->source;
  if (rc == 0) rc = env_level(log, err);
  if (rc == 0 && (rc = uvlog_logger_start(log)))
    uvlog__cfg_err(err, rc, src, 0, 0, "", "the logger did not start: %s", uvlog_strerror(rc));
  uvlog_config_free(cfg);
  if (rc) {
    if (log) uvlog_logger_destroy(log);
    return rc;
  }
  *out = log;
  return 0;
}

int uvlog_config_setup(uvlog_t **out, uvlog_config_error_t *err) {
  int rc = uvlog__config_from_env(out, err);
  if (rc == 0) uvlog_default_set(*out);
  return rc;
}

/* ---- reload on a signal -------------------------------------------------------------------- */

struct uvlog_config_watch {
  uv_signal_t sig;
  uvlog_t *log;
  uvlog_config_reload_cb cb;
  void *arg;
};

static void on_reload_signal(uv_signal_t *h, int signum) {
  (void)signum;
  uvlog_config_watch_t *w = h->data;
  uvlog_config_error_t e;
  int rc = uvlog_config_reload(w->log, &e);
  if (w->cb) {
    w->cb(w->log, rc, rc ? &e : NULL, w->arg);
  } else if (rc) {
    char buf[720];
    uvlog_log(w->log, UVLOG_LEVEL_ERROR, __FILE__, __LINE__, __func__,
              "uvlog: configuration reload failed: %s", uvlog_config_error_str(&e, buf, sizeof buf));
  } else {
    uvlog_log(w->log, UVLOG_LEVEL_NOTICE, __FILE__, __LINE__, __func__,
              "uvlog: configuration reloaded");
  }
}

static void free_watch(uv_handle_t *h) { free(h->data); }

int uvlog_config_watch_signal(uvlog_config_watch_t **out, uvlog_t *log, struct uv_loop_s *loop,
                              int signum, uvlog_config_reload_cb cb, void *arg) {
  if (!out || !log || !loop) return UVLOG_EINVAL;
  *out = NULL;
  uvlog_config_watch_t *w = calloc(1, sizeof(*w));
  if (!w) return UVLOG_ENOMEM;
  w->log = log;
  w->cb = cb;
  w->arg = arg;
  int rc = uv_signal_init(loop, &w->sig);
  if (rc) {
    free(w);
    return rc;
  }
  w->sig.data = w;
  rc = uv_signal_start(&w->sig, on_reload_signal, signum);
  if (rc) {
    uv_close((uv_handle_t *)&w->sig, free_watch);
    return rc;
  }
  *out = w;
  return 0;
}

void uvlog_config_watch_stop(uvlog_config_watch_t *w) {
  if (w) uv_close((uv_handle_t *)&w->sig, free_watch);
}
