/*
 * test/shim/criterion/criterion.h -- a tiny Criterion-compatible test runner.
 *
 * Why: Criterion 2.4 (Debian 12) cannot start under ThreadSanitizer: its
 * BoxFort arena maps shared memory at a fixed address that TSan's allocator
 * refuses ("Could not initialize inheritable arena", Criterion issue #274).
 * Sanitizer builds (meson -Dcriterion_shim=true) compile the very same test
 * files against this header instead, so the suite runs unchanged.
 *
 * What it supports (the subset our tests may use):
 *   Test(suite, name [, .timeout = s, .init = f, .fini = g, .disabled = 1,
 *        .exit_code = n, .signal = SIG, .description = "..."])
 *   cr_assert / cr_expect [_eq _neq _lt _leq _gt _geq _null _not_null
 *   _str_eq _str_neq _not], cr_assert_fail, cr_log_info / cr_log_warn.
 * Each test runs in its own forked process (crashes and exits are caught, as
 * with Criterion), one after another; .fini runs after a failed cr_assert on
 * the test's main thread. A failed cr_assert on another thread ends the
 * process at once (Criterion does the same, minus fini).
 * The last line printed is Criterion's synthesis line.
 */
#ifndef UVLOG_CRITERION_SHIM_H
#define UVLOG_CRITERION_SHIM_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct criterion_test_extra_data {
  double timeout;
  void (*init)(void);
  void (*fini)(void);
  int disabled;
  const char *description;
  int exit_code;
  int signal;
};

typedef struct shim_test {
  const char *suite;
  const char *name;
  void (*fn)(void);
  struct criterion_test_extra_data extra;
  struct shim_test *next;
} shim_test_t;

static shim_test_t *shim_head;
static shim_test_t **shim_tailp = &shim_head;
static int shim_expect_failed;
static jmp_buf shim_jmp;
static pthread_t shim_main_thread;

__attribute__((unused)) static void shim_register(shim_test_t *t) {
  *shim_tailp = t;
  shim_tailp = &t->next;
}

#define Test(suite, name, ...)                                                         \
  static void shim_fn_##suite##_##name(void);                                          \
  static shim_test_t shim_t_##suite##_##name = {#suite, #name, shim_fn_##suite##_##name, \
                                                {__VA_ARGS__}, NULL};                  \
  __attribute__((constructor)) static void shim_reg_##suite##_##name(void) {           \
    shim_register(&shim_t_##suite##_##name);                                           \
  }                                                                                    \
  static void shim_fn_##suite##_##name(void)

__attribute__((unused)) static void shim_report(int fatal, const char *file, int line, const char *expr, const char *fmt,
                        ...) {
  char msg[2048];
  int n = snprintf(msg, sizeof msg, "%s:%d: Assertion failed: %s", file, line, expr);
  if (n > 0 && (size_t)n < sizeof msg && fmt && *fmt) {
    va_list ap;
    va_start(ap, fmt);
    size_t off = (size_t)n;
    int m = snprintf(msg + off, sizeof msg - off, " -- ");
    if (m > 0 && off + (size_t)m < sizeof msg) vsnprintf(msg + off + (size_t)m, sizeof msg - off - (size_t)m, fmt, ap);
    va_end(ap);
  }
  fprintf(stderr, "%s\n", msg);
  fflush(stderr);
  if (!fatal) {
    shim_expect_failed = 1;
    return;
  }
  if (pthread_equal(pthread_self(), shim_main_thread)) longjmp(shim_jmp, 1);
  _exit(1);
}

#define SHIM_CHECK(fatal, cond, text, ...) \
  do { if (!(cond)) shim_report((fatal), __FILE__, __LINE__, (text), "" __VA_ARGS__); } while (0)

#define cr_assert(cond, ...)  SHIM_CHECK(1, (cond), #cond, __VA_ARGS__)
#define cr_expect(cond, ...)  SHIM_CHECK(0, (cond), #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...) SHIM_CHECK(1, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_not(cond, ...) SHIM_CHECK(0, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...) shim_report(1, __FILE__, __LINE__, "cr_assert_fail", "" __VA_ARGS__)

#define SHIM_CMP(fatal, a, op, b, ...) SHIM_CHECK(fatal, (a) op (b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(a, b, ...)  SHIM_CMP(1, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) SHIM_CMP(1, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...)  SHIM_CMP(1, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) SHIM_CMP(1, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...)  SHIM_CMP(1, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) SHIM_CMP(1, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...)  SHIM_CMP(0, a, ==, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) SHIM_CMP(0, a, !=, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...)  SHIM_CMP(0, a, <, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) SHIM_CMP(0, a, <=, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...)  SHIM_CMP(0, a, >, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) SHIM_CMP(0, a, >=, b, __VA_ARGS__)
#define cr_assert_null(p, ...)     SHIM_CHECK(1, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) SHIM_CHECK(1, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_null(p, ...)     SHIM_CHECK(0, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) SHIM_CHECK(0, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)  SHIM_CHECK(1, strcmp((a), (b)) == 0, #a " equals " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) SHIM_CHECK(1, strcmp((a), (b)) != 0, #a " differs from " #b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...)  SHIM_CHECK(0, strcmp((a), (b)) == 0, #a " equals " #b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) SHIM_CHECK(0, strcmp((a), (b)) != 0, #a " differs from " #b, __VA_ARGS__)

#define cr_log_info(...) (fprintf(stderr, "[info] " __VA_ARGS__), fputc('\n', stderr))
#define cr_log_warn(...) (fprintf(stderr, "[warn] " __VA_ARGS__), fputc('\n', stderr))

/* Runs one test in the forked child; returns its exit status. */
static int shim_child(shim_test_t *t) {
  shim_main_thread = pthread_self();
  if (t->extra.timeout > 0) alarm((unsigned)(t->extra.timeout + 0.999));
  if (t->extra.init) t->extra.init();
  int failed = 0;
  if (setjmp(shim_jmp) == 0) t->fn();
  else failed = 1;
  if (t->extra.fini) t->extra.fini();
  return failed || shim_expect_failed;
}

static int shim_outcome_ok(shim_test_t *t, int status, char *why, size_t whylen) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (t->extra.signal == sig) return 1;
    snprintf(why, whylen, "%s", sig == SIGALRM ? "timed out" : strsignal(sig));
    return 0;
  }
  int code = WEXITSTATUS(status);
  if (t->extra.signal) { snprintf(why, whylen, "expected signal %d", t->extra.signal); return 0; }
  if (code == t->extra.exit_code) return 1;
  snprintf(why, whylen, "exit code %d", code);
  return 0;
}

int main(int argc, char **argv) {
  (void)argc; (void)argv; /* Criterion's options (--jobs...) are accepted and ignored */
  int tested = 0, passed = 0, failed = 0, crashed = 0;
  for (shim_test_t *t = shim_head; t; t = t->next) {
    if (t->extra.disabled) continue;
    tested++;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) exit(shim_child(t));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {}
    char why[128] = "";
    if (shim_outcome_ok(t, status, why, sizeof why)) {
      passed++;
    } else {
      if (WIFSIGNALED(status)) crashed++;
      failed++;
      fprintf(stderr, "[FAIL] %s::%s: %s\n", t->suite, t->name, why);
    }
  }
  printf("[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d \n", tested, passed,
         failed, crashed);
  return failed ? 1 : 0;
}

#endif /* UVLOG_CRITERION_SHIM_H */
