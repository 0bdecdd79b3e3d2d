/*
 * crash_fixture.h -- the crash flush tests' child process: a logger with a
 * file sink and a stderr sink (fd 2 redirected to a file), the crash flush
 * installed, N records queued while the listener sleeps (delivery latency
 * 60 s), then a real fault (or abort()) on a producer thread or, through a
 * sink that crashes when it sees "boom", on the listener thread. The
 * parent waits for the child and reads what the sinks wrote. Header-only:
 * each test executable includes it once.
 */
#ifndef UVLOG_TEST_CRASH_FIXTURE_H
#define UVLOG_TEST_CRASH_FIXTURE_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "logger_impl.h"
#include "uvlog.h"

#define CRASH_N 300

typedef struct crash_case {
  int sig;              /* SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT */
  int on_listener;      /* crash in a sink's write(), on the listener thread */
  int prev_handler;     /* a handler (SA_RESETHAND) installed before ours */
  int overflow;         /* SIGSEGV by stack overflow on the main thread */
  unsigned timeout_ms;  /* the crash flush's; 0: the default */
  const char *sink_path; /* the file sink's path; NULL: dir/log */
  int pad;              /* records of ~500 bytes ("record I end PPP...") */
  int second;           /* another thread faults (SIGSEGV) while the first flushes */
} crash_case_t;

typedef struct crash_result {
  int status;           /* waitpid()'s */
  char *log;            /* the file sink's bytes (NUL-terminated) */
  char *err;            /* the stderr sink's bytes */
  char *marker;         /* what the previous handler wrote */
  int64_t crash_ms;     /* from the child's "crashing now" to its death */
  char dir[64];         /* removed by crash_free() */
} crash_result_t;

static int crash_sig;
static volatile uintptr_t crash_zero;

/* A real fault of each kind (x86-64: ud2 is SIGILL, idiv by 0 is SIGFPE).
 * Not instrumented by UBSan: its checks would report the null store and
 * the division by zero, and end the child with halt_on_error, before the
 * fault they are there to cause. */
__attribute__((no_sanitize("undefined"))) static void crash_now(int sig) {
  switch (sig) {
  case SIGSEGV: *(volatile int *)crash_zero = 1; break;
  case SIGBUS: {
    char path[] = "/tmp/uvlog-crash-bus-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    (void)p[0]; /* beyond the end of an empty file */
    break;
  }
  case SIGFPE: {
    volatile int a = 1, b = (int)crash_zero;
    a = a / b;
    break;
  }
  case SIGILL: __builtin_trap();
  case SIGABRT: abort();
  }
  raise(sig); /* not reached on x86-64 */
}

static int bomb_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s;
  for (size_t i = 0; i < n; i++)
    if (e[i].msg_len >= 4 && memcmp(e[i].msg, "boom", 4) == 0) crash_now(crash_sig);
  return 0;
}

static const uvlog_sink_vtable_t bomb_vt = {.name = "bomb", .write = bomb_write};

static int marker_fd = -1;
static void prev_handler(int sig) {
  static const char m[] = "previous handler ran\n";
  (void)sig;
  (void)!write(marker_fd, m, sizeof m - 1);
}

/* Recurses until the stack overflows (the depth is a run-time value). */
static int overflow_stack(volatile char *p, unsigned long depth) {
  volatile char buf[1024];
  buf[0] = *p;
  if (depth == 0) return buf[0];
  return overflow_stack(buf, depth - 1) + buf[1];
}

static int ready_fd = -1; /* the child writes one byte just before crashing */

static void *crasher_main(void *arg) {
  uvlog_t *log = arg;
  UVLOG_CRITICAL_TO(log, "fatal: crashing with signal %d end", crash_sig);
  (void)!write(ready_fd, "c", 1);
  crash_now(crash_sig);
  return NULL;
}

/* Faults as soon as a crash flush is writing (the first crasher's). */
static void *second_main(void *arg) {
  (void)arg;
  while (!atomic_load(&uvlog__crash_freeze)) sched_yield();
  crash_now(SIGSEGV);
  return NULL;
}

static void crash_child(const crash_case_t *cc, const char *dir) {
  char path[512];
  alarm(60); /* a child that does not die of its signal dies of SIGALRM */
  crash_sig = cc->sig;
  /* The test's own signal dispositions, whatever the runner (a sanitizer)
   * installed: the chain must end in the default action. */
  int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  for (int i = 0; i < 5; i++) signal(sigs[i], SIG_DFL);
  snprintf(path, sizeof path, "%s/stderr", dir);
  int efd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(efd, 2);
  if (cc->prev_handler) {
    snprintf(path, sizeof path, "%s/marker", dir);
    marker_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct sigaction sa = {0};
    sa.sa_handler = prev_handler;
    sa.sa_flags = SA_RESETHAND;
    sigaction(cc->sig, &sa, NULL);
  }
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.delivery_latency_ms = 60000;
  o.flush_interval_ms = 60000;
  o.urgent_level = UVLOG_LEVEL_OFF;
  o.atexit_close = 0;
  uvlog_t *log;
  if (uvlog_logger_create(&log, &o)) _exit(90);
  uvlog_sink_t *s;
  if (cc->on_listener) {
    if (uvlog_sink_create(&s, &bomb_vt, NULL) || uvlog_sink_add(log, s)) _exit(91);
  }
  snprintf(path, sizeof path, "%s/log", dir);
  if (uvlog_sink_file_create(&s, cc->sink_path ? cc->sink_path : path, NULL) ||
      uvlog_sink_add(log, s))
    _exit(92);
  if (uvlog_sink_stderr_create(&s) || uvlog_sink_add(log, s)) _exit(93);
  if (uvlog_logger_start(log)) _exit(94);
  uvlog_crash_options_t co;
  uvlog_crash_options_init(&co);
  if (cc->timeout_ms) co.timeout_ms = cc->timeout_ms;
  if (uvlog_crash_flush_install(log, &co)) _exit(95);
  /* The listener drains this first record, then sleeps lightly for 60 s:
   * the records below stay in the ring (none is urgent, none fills it). */
  if (UVLOG_INFO_TO(log, "warm-up end") || uvlog_logger_flush(log, 10000)) _exit(98);
  struct timespec ms = {0, 1000000};
  for (int i = 0; i < 10000 && atomic_load(&log->parked) != PARK_LIGHT; i++) nanosleep(&ms, NULL);
  if (atomic_load(&log->parked) != PARK_LIGHT) _exit(99);
  static char pad[480];
  memset(pad, 'p', sizeof pad - 1);
  for (int i = 0; i < CRASH_N; i++) {
    int rc = cc->pad ? UVLOG_INFO_TO(log, "record %d end %s", i, pad)
           : i % 2 ? uvlog_log(log, UVLOG_LEVEL_INFO, __FILE__, __LINE__, __func__,
                               "record %d end", i)
                   : UVLOG_INFO_TO(log, "record %d end", i);
    if (rc) _exit(96);
  }
  UVLOG_INFO_TO(log, "mixed %s %.2f %x %c %lu end", "str", 2.5, 255u, 'z', 42ul);
  if (cc->on_listener) {
    UVLOG_CRITICAL_TO(log, "boom %d end", cc->sig);
    (void)!write(ready_fd, "c", 1);
    uvlog_logger_flush(log, -1); /* the listener drains the batch and crashes in it */
    _exit(97);
  }
  if (cc->overflow) {
    UVLOG_CRITICAL_TO(log, "fatal: overflowing the stack end");
    (void)!write(ready_fd, "c", 1);
    _exit(overflow_stack((volatile char *)&crash_zero, ~0ul - crash_zero));
  }
  pthread_t t;
  if (cc->second) pthread_create(&t, NULL, second_main, NULL);
  pthread_create(&t, NULL, crasher_main, log);
  pthread_join(t, NULL);
  _exit(97);
}

static int64_t crash_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *crash_slurp(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return strdup("");
  char *buf = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[4096];
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (len + n + 1 > cap) buf = realloc(buf, cap = (len + n + 1) * 2);
    memcpy(buf + len, chunk, n);
    len += n;
  }
  fclose(f);
  if (!buf) return strdup("");
  buf[len] = 0;
  return buf;
}

/* Runs `cc` in a child; `dir` is a fresh directory (crash_dir()). */
static crash_result_t crash_run(const crash_case_t *cc, const char *dir) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    close(p[0]);
    ready_fd = p[1];
    crash_child(cc, dir);
  }
  close(p[1]);
  crash_result_t r = {0};
  char c;
  cr_assert_eq(read(p[0], &c, 1), 1, "the child failed before crashing");
  int64_t t0 = crash_mono_ms();
  cr_assert_eq(waitpid(pid, &r.status, 0), pid);
  r.crash_ms = crash_mono_ms() - t0;
  close(p[0]);
  snprintf(r.dir, sizeof r.dir, "%s", dir);
  r.log = crash_slurp(dir, "log");
  r.err = crash_slurp(dir, "stderr");
  r.marker = crash_slurp(dir, "marker");
  return r;
}

static void crash_dir(char *dir, size_t n) {
  snprintf(dir, n, "/tmp/uvlog-crash-XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
}

/* crash_run() in a fresh directory. */
static inline crash_result_t crash_run_fresh(const crash_case_t *cc) {
  char dir[64];
  crash_dir(dir, sizeof dir);
  return crash_run(cc, dir);
}

static inline size_t crash_count(const char *hay, const char *needle) {
  size_t n = 0, k = strlen(needle);
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += k) n++;
  return n;
}

/* Every record once in `text`, the mixed one rendered as printf would. */
static inline void crash_assert_all_once(const char *text, const char *what) {
  char want[64];
  for (int i = 0; i < CRASH_N; i++) {
    snprintf(want, sizeof want, "record %d end\n", i);
    cr_assert_eq(crash_count(text, want), 1, "%s: \"record %d end\" %zu times", what, i,
                 crash_count(text, want));
  }
  cr_assert_eq(crash_count(text, "mixed str 2.50 ff z 42 end\n"), 1, "%s", what);
}

static inline void crash_free(crash_result_t *r) {
  static const char *const names[] = {"log", "stderr", "marker", "fifo"};
  char path[128];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", r->dir, names[i]);
    unlink(path);
  }
  rmdir(r->dir);
  free(r->log);
  free(r->err);
  free(r->marker);
}

#endif /* UVLOG_TEST_CRASH_FIXTURE_H */
