/*
 * exec.c -- the exec family in libuvlog-syslog.so. exec() replaces the
 * process image without running atexit handlers, so records still queued
 * in the preload's logger would be lost: each wrapper flushes that logger
 * (at most PRELOAD_EXEC_FLUSH_MS) and then calls glibc's function
 * (dlsym(RTLD_NEXT)). glibc's execl/execlp/execle call its execve
 * internally, past any wrapper, so they are wrapped too. The new image
 * loads the preload again (LD_PRELOAD is inherited) and logs with a logger
 * of its own.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "compat/compat.h"

#define PRELOAD_EXEC_FLUSH_MS 1000
#define PRELOAD_EXECL_MAX 4096

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execvpe_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);

static void *next(const char *name) {
  (void)compat_own_flush(PRELOAD_EXEC_FLUSH_MS);
  return dlsym(RTLD_NEXT, name);
}

int execve(const char *path, char *const argv[], char *const envp[]) {
  execve_fn f = (execve_fn)next("execve");
  if (!f) return errno = ENOSYS, -1;
  return f(path, argv, envp);
}

int execvpe(const char *file, char *const argv[], char *const envp[]) {
  execvpe_fn f = (execvpe_fn)next("execvpe");
  if (!f) return errno = ENOSYS, -1;
  return f(file, argv, envp);
}

int fexecve(int fd, char *const argv[], char *const envp[]) {
  fexecve_fn f = (fexecve_fn)next("fexecve");
  if (!f) return errno = ENOSYS, -1;
  return f(fd, argv, envp);
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

/* Collects execl's list (arg0 first, up to the NULL) into argv; envp gets
 * the pointer after the NULL when want_envp. Returns -1 if too long. */
static int collect(char **argv, const char *arg0, va_list ap, char ***envp) {
  int n = 0;
  argv[n++] = (char *)arg0;
  while (arg0 && (argv[n] = va_arg(ap, char *)) != NULL)
    if (++n == PRELOAD_EXECL_MAX) return -1;
  argv[n] = NULL;
  if (envp) *envp = va_arg(ap, char **);
  return 0;
}

/* Declares argv and fills it from the variadic list after arg0 (and envp
 * when not NULL); a list too long fails the call with E2BIG. */
#define PRELOAD_EXECL_ARGV(argv, arg0, envp)                 \
  char *argv[PRELOAD_EXECL_MAX + 1];                         \
  do {                                                       \
    va_list ap_;                                             \
    va_start(ap_, arg0);                                     \
    int rc_ = collect(argv, arg0, ap_, envp);                \
    va_end(ap_);                                             \
    if (rc_) return errno = E2BIG, -1;                       \
  } while (0)

int execl(const char *path, const char *arg0, ...) {
  PRELOAD_EXECL_ARGV(argv, arg0, NULL);
  return execve(path, argv, environ);
}

int execlp(const char *file, const char *arg0, ...) {
  PRELOAD_EXECL_ARGV(argv, arg0, NULL);
  return execvpe(file, argv, environ);
}

int execle(const char *path, const char *arg0, ...) {
  char **envp;
  PRELOAD_EXECL_ARGV(argv, arg0, &envp);
  return execve(path, argv, envp);
}
