/*
 * alloc_count.c -- counts heap allocations made by one thread.
 *
 * The benchmark binary defines malloc and friends itself; the definitions
 * forward to glibc's __libc_* entry points, so every allocation in the
 * process (uvlog, libc, libstdc++, spdlog) passes through here. A thread
 * that called bench_alloc_count_start() counts its own allocations in a
 * thread-local counter until bench_alloc_count_stop(): no locks, no atomics,
 * nothing shared, so counting does not disturb other threads.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static _Thread_local int counting;
static _Thread_local uint64_t allocs;

static inline void count(void) {
  if (counting) allocs++;
}

void *malloc(size_t n) { count(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { count(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { count(); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t align, size_t n) { count(); return __libc_memalign(align, n); }
void *aligned_alloc(size_t align, size_t n) { count(); return __libc_memalign(align, n); }

int posix_memalign(void **out, size_t align, size_t n) {
  if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
  count();
  void *p = __libc_memalign(align, n);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

void bench_alloc_count_start(void) {
  allocs = 0;
  counting = 1;
}

uint64_t bench_alloc_count_stop(void) {
  counting = 0;
  return allocs;
}
