/*
 * preload_prog.c -- an unmodified program for the drop-in tests: built
 * WITHOUT uvlog (libc only), it uses glibc's syslog(3) and stdio as any
 * legacy server does. test_preload*.c run it with and without
 * LD_PRELOAD=libuvlog-syslog.so. Modes (argv[1]):
 *   loop N TAG     openlog(TAG, LOG_PID, LOG_LOCAL1), then N syslog() calls
 *                  of every severity (and one with %m, one with a facility
 *                  of its own, one vsyslog()); prints "max_ns=X
 *                  max_after_first_ns=Y" (the slowest call, and the slowest
 *                  but the first) on stdout
 *   fork K N       a pre-fork server: openlog("prefork", LOG_PID, LOG_DAEMON),
 *                  forks K workers that each log N lines, then logs itself
 *   exec N         logs N lines as "before-exec", then execs itself as
 *                  "loop N after-exec"
 *   print T N      T threads print N numbered lines each on stdout (stderr
 *                  for odd threads), then one last line without flushing,
 *                  and exit()
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void v_log(int pri, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsyslog(pri, fmt, ap);
  va_end(ap);
}

static int loop(int n, const char *tag) {
  openlog(tag, LOG_PID, LOG_LOCAL1);
  int64_t worst = 0, worst_rest = 0;
  for (int i = 0; i < n; i++) {
    int64_t t0 = now_ns();
    if (i % 10 == 7) {
      errno = ENOENT;
      syslog(LOG_ERR, "%s line %d failed: %m", tag, i);
    } else if (i % 10 == 8) {
      syslog(LOG_MAIL | LOG_NOTICE, "%s line %d to mail", tag, i);
    } else if (i % 10 == 9) {
      v_log(LOG_DEBUG, "%s line %d through vsyslog %05.1f", tag, i, 2.5);
    } else {
      syslog(i % 8, "%s line %d of %d", tag, i, n);
    }
    int64_t d = now_ns() - t0;
    if (d > worst) worst = d;
    if (i > 0 && d > worst_rest) worst_rest = d;
  }
  closelog();
  printf("max_ns=%lld max_after_first_ns=%lld\n", (long long)worst, (long long)worst_rest);
  return 0;
}

static int prefork(int k, int n) {
  openlog("prefork", LOG_PID, LOG_DAEMON);
  for (int w = 0; w < k; w++) {
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
      for (int i = 0; i < n; i++) syslog(LOG_INFO, "worker %d pid %d line %d", w, (int)getpid(), i);
      exit(0);
    }
  }
  for (int i = 0; i < n; i++) syslog(LOG_INFO, "parent pid %d line %d", (int)getpid(), i);
  for (int w = 0; w < k; w++) wait(NULL);
  return 0;
}

static int do_exec(const char *self, int n) {
  openlog("before-exec", LOG_PID, LOG_USER);
  for (int i = 0; i < n; i++) syslog(LOG_INFO, "before-exec line %d", i);
  char num[16];
  snprintf(num, sizeof num, "%d", n);
  execl(self, self, "loop", num, "after-exec", (char *)NULL);
  return 127;
}

static int print_n;
static void *printer(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < print_n; i++) fprintf(t % 2 ? stderr : stdout, "thread %d line %d\n", t, i);
  return NULL;
}

static int print_threads(int t, int n) {
  pthread_t th[64];
  print_n = n;
  if (t > 64) t = 64;
  for (int i = 0; i < t; i++) pthread_create(&th[i], NULL, printer, (void *)(intptr_t)i);
  for (int i = 0; i < t; i++) pthread_join(th[i], NULL);
  printf("last line before exit\n"); /* still in stdio's buffer at exit() */
  exit(0);
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "loop")) return loop(atoi(argv[2]), argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "fork")) return prefork(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 3 && !strcmp(argv[1], "exec")) return do_exec(argv[0], atoi(argv[2]));
  if (argc >= 4 && !strcmp(argv[1], "print")) return print_threads(atoi(argv[2]), atoi(argv[3]));
  fprintf(stderr, "usage: %s loop N TAG | fork K N | exec N | print T N\n", argv[0]);
  return 2;
}
