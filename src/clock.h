/*
 * clock.h -- the clocks (wall, monotonic) and the kernel thread id a
 * producer stamps on every record.
 *
 * Both must be cheap on the hot path: clock_gettime(CLOCK_REALTIME) is served
 * by the vDSO (no system call on Linux), and gettid() is called once per
 * thread and cached in a _Thread_local. Where the TSC is usable, producers
 * stamp raw ticks instead (tsc.h) and the listener converts them.
 */
#ifndef UVLOG_CLOCK_H
#define UVLOG_CLOCK_H

#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Wall clock, ns since the Unix epoch (UTC). */
static inline int64_t uvlog__now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Monotonic clock in ns, for the listener's idle polling and timeouts. */
static inline int64_t uvlog__mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The calling thread's kernel id, cached (logger.c). initial-exec: a plain
 * %fs-relative access, never __tls_get_addr (which may allocate in a library
 * loaded with dlopen). A fork() handler clears the cache in the child. */
extern _Thread_local uint32_t uvlog__tid_cache __attribute__((tls_model("initial-exec")));

/* One system call per thread, ever. */
static inline uint32_t uvlog__tid(void) {
  uint32_t tid = uvlog__tid_cache;
  if (__builtin_expect(tid == 0, 0)) tid = uvlog__tid_cache = (uint32_t)syscall(SYS_gettid);
  return tid;
}

/* A polite busy-wait hint for spin loops. */
static inline void uvlog__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#endif /* UVLOG_CLOCK_H */
