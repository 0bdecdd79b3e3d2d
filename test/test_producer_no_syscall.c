/*
 * test_producer_no_syscall.c -- the producer path makes no system call in
 * steady state (docs/design.md): a log call takes no lock that sleeps, does
 * not read the clock through the kernel and does not wake the listener per
 * record.
 *
 * How: in a forked child (its own logger, listener running), the logging
 * thread installs a seccomp filter on itself alone (no TSYNC: other threads,
 * the listener among them, are not filtered) that traps every system call
 * but exit/exit_group/rt_sigreturn into a SIGSYS handler. The handler counts
 * the call and makes it fail with EAGAIN (uv_async_send() accepts that), so
 * nothing the thread does escapes the count. The child then makes N deferred
 * and N preformatted calls, counts, makes one deliberate getpid() (which must
 * count exactly 1: the test can fail), and reports through a shared page.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "capture.h"
#include "uvlog.h"

/* x86_64 only (the filter checks the architecture), and only in the plain
 * build: the sanitizers' runtimes make system calls of their own on the
 * thread (ASan maps shadow memory inside the intercepted vsnprintf, TSan
 * flushes its state) and die when those are refused. */
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define HAVE_FILTER 1
#endif

#ifdef HAVE_FILTER
static volatile sig_atomic_t trapped;
static volatile sig_atomic_t first_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  if (first_nr < 0) first_nr = si->si_syscall;
  trapped++;
  ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RAX] = -EAGAIN;
}

static int trap_my_syscalls(void) {
  struct sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {(unsigned short)(sizeof(f) / sizeof(f[0])), f};
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGSYS, &sa, NULL) != 0) return -1;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

#define N 2000

/* What the child saw, in a page shared with the parent. */
typedef struct report {
  int setup_ok;
  int in_calls;    /* system calls during the 2 * N log calls */
  int first_nr;    /* the first one's number */
  int deliberate;  /* system calls counted for one getpid(): must be 1 */
} report_t;

static void child(report_t *r) {
  capture_t c;
  capture_init(&c);
  uvlog_t *log = NULL;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = (size_t)4 << 20; /* the window's records fill it far less than a quarter */
  /* Steady state: records keep coming, so the listener only ever sleeps
   * lightly (a timer of its own); producers wake it only from a deep sleep,
   * which needs delivery_latency_ms without records. */
  o.delivery_latency_ms = 1000;
  if (uvlog_logger_create(&log, &o) != 0) _exit(2);
  if (uvlog_sink_add(log, capture_sink(&c, UVLOG_LEVEL_TRACE)) != 0) _exit(2);
  if (uvlog_logger_start(log) != 0) _exit(2);
  /* Warm-up: first-call work (thread id, call-site plans) may make its
   * system calls once per thread and site. */
  for (int i = 0; i < 2; i++) {
    UVLOG_INFO_TO(log, "deferred %d %s", i, "warm");
    UVLOG_INFOF_TO(log, "preformatted %d %s", i, "warm");
  }
  if (uvlog_logger_flush(log, 10000) != 0) _exit(2);
  if (trap_my_syscalls() != 0) _exit(2);
  r->setup_ok = 1;
  /* The first records after set-up may find the listener asleep (one wake-up
   * is allowed then): steady state starts after them. */
  for (int i = 0; i < 16; i++) UVLOG_INFO_TO(log, "deferred %d %s", i, "again");
  trapped = 0;
  first_nr = -1;
  for (int i = 0; i < N; i++) {
    UVLOG_INFO_TO(log, "deferred %d %s", i, "steady");
    UVLOG_INFOF_TO(log, "preformatted %d %s", i, "steady");
  }
  r->in_calls = trapped;
  r->first_nr = first_nr;
  (void)syscall(SYS_getpid);
  r->deliberate = trapped - r->in_calls;
  _exit(0);
}
#endif

#ifdef HAVE_FILTER
Test(producer, makes_no_system_call_in_steady_state, .timeout = 60) {
  report_t *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  cr_assert_neq(r, MAP_FAILED);
  memset(r, 0, sizeof(*r));
  r->first_nr = -1;
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) child(r);
  int st = 0;
  cr_assert_eq(waitpid(pid, &st, 0), pid);
  cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed (status %#x; set-up %d, %d calls, first nr %d)", st,
            r->setup_ok, r->in_calls, r->first_nr);
  cr_assert_eq(r->setup_ok, 1, "seccomp filter could not be installed");
  cr_assert_eq(r->deliberate, 1, "the filter did not count a deliberate system call");
  cr_assert_eq(r->in_calls, 0, "%d system calls in %d log calls (first: nr %d)", r->in_calls,
               2 * N, r->first_nr);
  munmap(r, sizeof(*r));
}
#endif
