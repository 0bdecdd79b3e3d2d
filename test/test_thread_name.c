/*
 * test_thread_name.c -- thread names: set through uvlog, or the thread's OS
 * name (pthread_setname_np) read by the listener; a uvlog name removed with
 * NULL; the uvlog name of a thread that exited stays on its records (an OS
 * name is read while the thread lives: the listener reads it from /proc);
 * bad names.
 */
#include <pthread.h>

#include "category_fixture.h"

typedef struct job {
  uvlog_t *log;
  const char *uvlog_name; /* or NULL */
  const char *os_name;    /* or NULL */
} job_t;

static void *named(void *arg) {
  job_t *j = arg;
  if (j->os_name) pthread_setname_np(pthread_self(), j->os_name);
  if (j->uvlog_name) cr_assert_eq(uvlog_thread_set_name(j->uvlog_name), 0);
  UVLOG_INFO_TO(j->log, "from %s", j->uvlog_name ? j->uvlog_name : j->os_name);
  /* A uvlog name outlives the thread: exit at once, before the record is
   * read. An OS name is read from /proc: stay until the record is written. */
  if (!j->uvlog_name) cr_assert_eq(uvlog_logger_flush(j->log, 10000), 0);
  return NULL;
}

static void run(uvlog_t *log, const char *uvlog_name, const char *os_name) {
  job_t j = {log, uvlog_name, os_name};
  pthread_t th;
  cr_assert_eq(pthread_create(&th, NULL, named, &j), 0);
  pthread_join(th, NULL);
}

Test(thread_name, uvlog_and_os_names_reach_the_entry) {
  capture_t c;
  capture_init(&c);
  catcap_threads = 1;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.atexit_close = 0;
  o.delivery_latency_ms = 200; /* the threads exit before their records are read */
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, catcap_sink(&c, UVLOG_LEVEL_TRACE, NULL)), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  run(log, "worker-1", NULL);
  run(log, "uvlog name wins", "os-name");
  run(log, NULL, "os-only");
  cr_assert_eq(uvlog_thread_set_name("main thread"), 0);
  UVLOG_INFO_TO(log, "from %s", "main");
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_eq(uvlog_thread_set_name(NULL), 0, "NULL removes the uvlog name");
  pthread_setname_np(pthread_self(), "main-os");
  UVLOG_INFO_TO(log, "from %s", "main again");
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  cr_assert_str_eq(c.text, "-|worker-1|INFO|from worker-1\n"
                           "-|uvlog name wins|INFO|from uvlog name wins\n"
                           "-|os-only|INFO|from os-only\n"
                           "-|main thread|INFO|from main\n"
                           "-|main-os|INFO|from main again\n");
  uvlog_logger_destroy(log);
  capture_free(&c);
}

Test(thread_name, bad_names) {
  char longest[UVLOG_THREAD_NAME_MAX + 2];
  memset(longest, 'n', sizeof longest);
  longest[UVLOG_THREAD_NAME_MAX] = '\0';
  cr_assert_eq(uvlog_thread_set_name(longest), 0, "%d bytes are allowed", UVLOG_THREAD_NAME_MAX);
  longest[UVLOG_THREAD_NAME_MAX] = 'n';
  longest[UVLOG_THREAD_NAME_MAX + 1] = '\0';
  cr_assert_eq(uvlog_thread_set_name(longest), UVLOG_EINVAL, "one more is refused");
  cr_assert_eq(uvlog_thread_set_name(""), UVLOG_EINVAL);
  cr_assert_eq(uvlog_thread_set_name("tab\there"), UVLOG_EINVAL);
  cr_assert_eq(uvlog_thread_set_name("nl\n"), UVLOG_EINVAL);
  cr_assert_eq(uvlog_thread_set_name("del\x7f"), UVLOG_EINVAL);
  cr_assert_eq(uvlog_thread_set_name("caf\xc3\xa9 #1"), 0, "UTF-8 and punctuation are fine");
  cr_assert_eq(uvlog_thread_set_name(NULL), 0);
}
