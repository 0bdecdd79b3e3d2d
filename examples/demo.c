/*
 * demo.c -- uvlog in a small libuv program.
 *
 * A uv_timer callback on the main loop and two worker threads log to stderr
 * (INFO and up) and to demo.log in the current directory (DEBUG and up).
 * Stops on SIGINT/SIGTERM or after --seconds N (default 3), closes the
 * logger and prints how many records were written and dropped. With
 * --config FILE the logger and its sinks come from that file instead
 * (docs/config.md; scripts/dev.sh demo uses examples/uvlog.conf, which
 * says the same as add_sinks() below), and SIGHUP reloads it.
 *
 *   scripts/dev.sh demo                      (builds build-demo/ and runs it)
 *   ./build-demo/examples/demo --seconds 2   (again, once built)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "uvlog.h"

static atomic_int stop_workers;

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  for (unsigned n = 0; !atomic_load(&stop_workers); n++) {
    UVLOG_DEBUG("worker %d: step %u", id, n);
    if (n % 50 == 0) UVLOG_INFO("worker %d: %u steps done", id, n);
    struct timespec ts = {0, 2000000}; /* 2 ms */
    nanosleep(&ts, NULL);
  }
  UVLOG_NOTICE("worker %d: stopping", id);
  return NULL;
}

static void on_tick(uv_timer_t *t) {
  static unsigned ticks;
  ticks++;
  UVLOG_INFO("tick %u (loop time %llu ms)", ticks, (unsigned long long)uv_now(t->loop));
  if (ticks % 5 == 0) UVLOG_WARNING("tick %u: a warning every five ticks", ticks);
}

static void close_cb(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static uvlog_config_watch_t *reload_watch; /* SIGHUP reloads --config FILE */

static void on_stop(uv_loop_t *loop, const char *why) {
  UVLOG_NOTICE("stopping: %s", why);
  uvlog_config_watch_stop(reload_watch);
  reload_watch = NULL;
  uv_walk(loop, close_cb, NULL);
}

static void on_signal(uv_signal_t *s, int signum) {
  on_stop(s->loop, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_deadline(uv_timer_t *t) { on_stop(t->loop, "time is up"); }

static int add_sinks(uvlog_t *log) {
  uvlog_sink_t *err_sink;
  int rc = uvlog_sink_stderr_create(&err_sink);
  if (rc) return rc;
  uvlog_sink_set_level(err_sink, UVLOG_LEVEL_INFO);
  if ((rc = uvlog_sink_add(log, err_sink)) != 0) {
    uvlog_sink_destroy(err_sink);
    return rc;
  }
  uvlog_sink_t *file_sink;
  rc = uvlog_sink_file_create(&file_sink, "demo.log", NULL);
  if (rc) return rc;
  uvlog_sink_set_level(file_sink, UVLOG_LEVEL_DEBUG);
  if ((rc = uvlog_sink_add(log, file_sink)) != 0) {
    uvlog_sink_destroy(file_sink);
    return rc;
  }
  return 0;
}

int main(int argc, char **argv) {
  unsigned seconds = 3;
  const char *config = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = (unsigned)strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--seconds N] [--config FILE]\n", argv[0]);
      return 2;
    }
  }

  uvlog_t *log = NULL;
  int rc;
  if (config) {
    uvlog_config_t *cfg;
    uvlog_config_error_t err;
    char why[800];
    rc = uvlog_config_load_file(&cfg, config, &err);
    if (rc == 0) rc = uvlog_config_logger_create(&log, cfg, &err);
    uvlog_config_free(cfg);
    if (rc) {
      fprintf(stderr, "demo: %s\n", uvlog_config_error_str(&err, why, sizeof why));
      return 1;
    }
  } else {
    uvlog_options_t opts;
    uvlog_options_init(&opts);
    opts.level = UVLOG_LEVEL_DEBUG;
    rc = uvlog_logger_create(&log, &opts);
    if (rc == 0) rc = add_sinks(log);
  }
  if (rc == 0) rc = uvlog_logger_start(log);
  if (rc) {
    fprintf(stderr, "demo: %s\n", uvlog_strerror(rc));
    return 1;
  }
  uvlog_default_set(log);
  UVLOG_INFO("demo started, running for %u s (Ctrl-C stops)", seconds);

  uv_loop_t *loop = uv_default_loop();
  uv_timer_t tick, deadline;
  uv_signal_t sigint, sigterm;
  uv_timer_init(loop, &tick);
  uv_timer_start(&tick, on_tick, 100, 100);
  uv_timer_init(loop, &deadline);
  uv_timer_start(&deadline, on_deadline, (uint64_t)seconds * 1000, 0);
  uv_signal_init(loop, &sigint);
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_init(loop, &sigterm);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  if (config) uvlog_config_watch_signal(&reload_watch, log, loop, SIGHUP, NULL, NULL);

  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)(i + 1));

  uv_run(loop, UV_RUN_DEFAULT);
  atomic_store(&stop_workers, 1);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  uv_loop_close(loop);

  UVLOG_INFO("demo done");
  uvlog_default_set(NULL);
  uvlog_logger_close(log);
  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  printf("demo: %llu records logged, %llu dropped (ring full); sinks wrote %llu entries "
         "(stderr: INFO and up, demo.log: all)\n",
         (unsigned long long)st.records, (unsigned long long)st.dropped,
         (unsigned long long)st.sink_written);
  uvlog_logger_destroy(log);
  return 0;
}
