/*
 * test_config_signal_reload.c -- uvlog_config_watch_signal(): SIGHUP,
 * delivered through the application's own uv loop, reloads the file; with a
 * callback the callback gets the result, without one a failed reload is
 * logged as an ERROR record (and the running configuration stays).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <uv.h>

#include "net_fixture.h"

static char dir[256], conf[300], path[300];
static int calls, last_rc;

static void write_conf(const char *level) {
  FILE *f = fopen(conf, "w");
  cr_assert_not_null(f);
  fprintf(f, "logger: {level: %s}\nsinks: [{type: file, path: \"%s\", format: {pattern: \"%%l %%m\"}}]\n",
          level, path);
  fclose(f);
}

static void on_reload(uvlog_t *log, int rc, const uvlog_config_error_t *err, void *arg) {
  (void)log;
  (void)arg;
  calls++;
  last_rc = rc;
  cr_expect(rc == 0 ? err == NULL : err != NULL);
}

/* Raises `sig` and runs the loop until its callback ran. */
static void deliver(uv_loop_t *loop, int *counter) {
  int before = *counter;
  raise(SIGHUP);
  int64_t until = nf_now_ms() + 30000;
  while (*counter == before && nf_now_ms() < until) uv_run(loop, UV_RUN_ONCE);
}

static int probe_calls;
static void probe(uvlog_t *log, int rc, const uvlog_config_error_t *err, void *arg) {
  (void)log, (void)rc, (void)err, (void)arg;
  probe_calls++;
}

Test(config_signal, sighup_reloads_through_the_loop, .timeout = 120) {
  nf_mkdtemp(dir, sizeof dir, "cfgsig");
  snprintf(conf, sizeof conf, "%s/uvlog.yaml", dir);
  snprintf(path, sizeof path, "%s/app.log", dir);
  write_conf("info");
  uvlog_config_t *cfg;
  uvlog_config_error_t e;
  uvlog_t *log;
  cr_assert_eq(uvlog_config_load_file(&cfg, conf, &e), 0, "%s", e.message);
  cr_assert_eq(uvlog_config_logger_create(&log, cfg, &e), 0, "%s", e.message);
  uvlog_config_free(cfg);
  cr_assert_eq(uvlog_logger_start(log), 0);

  uv_loop_t loop;
  uv_loop_init(&loop);
  uvlog_config_watch_t *w;
  cr_assert_eq(uvlog_config_watch_signal(&w, log, &loop, SIGHUP, on_reload, NULL), 0);
  write_conf("debug");
  deliver(&loop, &calls);
  cr_expect_eq(calls, 1);
  cr_expect_eq(last_rc, 0);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_DEBUG);
  write_conf("loud");
  deliver(&loop, &calls);
  cr_expect_eq(last_rc, UVLOG_EINVAL);
  cr_expect_eq(uvlog_logger_get_level(log), UVLOG_LEVEL_DEBUG, "a bad file changes nothing");
  uvlog_config_watch_stop(w);

  /* No callback: the failure is logged as an ERROR record. A second watch
   * with a callback tells when the signal was handled (libuv calls every
   * watcher of the signal; run the loop once more for the other). */
  cr_assert_eq(uvlog_config_watch_signal(&w, log, &loop, SIGHUP, NULL, NULL), 0);
  uvlog_config_watch_t *pw;
  cr_assert_eq(uvlog_config_watch_signal(&pw, log, &loop, SIGHUP, probe, NULL), 0);
  deliver(&loop, &probe_calls);
  uv_run(&loop, UV_RUN_NOWAIT);
  uvlog_config_watch_stop(w);
  uvlog_config_watch_stop(pw);
  uv_run(&loop, UV_RUN_DEFAULT);
  cr_expect_eq(uv_loop_close(&loop), 0);
  cr_assert_eq(uvlog_logger_flush(log, 30000), 0);
  size_t len;
  char *text = nf_read_file(path, &len);
  cr_expect(text && strstr(text, "ERROR uvlog: configuration reload failed: ") != NULL, "%s",
            text ? text : "(no file)");
  cr_expect(text && strstr(text, "logger.level: 'loud' is not a level") != NULL);
  free(text);
  uvlog_logger_destroy(log);
  nf_rmtree(dir);
}
