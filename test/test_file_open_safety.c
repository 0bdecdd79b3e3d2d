/*
 * test_file_open_safety.c -- how the file sink opens its path: a symbolic
 * link as the last component is refused (-ELOOP) unless follow_symlinks, a
 * new file is created 0640 (or the configured mode), and the descriptor is
 * close-on-exec.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

static char dir[512], target[600], link_path[600];

static void setup(void) {
  nf_mkdtemp(dir, sizeof dir, "fopen");
  snprintf(target, sizeof target, "%s/real.log", dir);
  snprintf(link_path, sizeof link_path, "%s/link.log", dir);
  cr_assert_eq(symlink(target, link_path), 0);
}

static void teardown(void) { nf_rmtree(dir); }

Test(file_open_safety, a_symlink_is_refused_by_default, .init = setup, .fini = teardown) {
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_file_create(&s, link_path, NULL), -ELOOP);
  cr_assert_null(s);
  cr_assert_eq(access(target, F_OK), -1, "the link's target was created");
}

Test(file_open_safety, follow_symlinks_follows_it, .init = setup, .fini = teardown) {
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.follow_symlinks = 1;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_file_create(&s, link_path, &fo), 0);
  cr_assert_eq(access(target, F_OK), 0);
  uvlog_sink_destroy(s);
}

Test(file_open_safety, follow_symlinks_must_be_0_or_1, .init = setup, .fini = teardown) {
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.follow_symlinks = 2;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_file_create(&s, target, &fo), UVLOG_EINVAL);
}

/* The sink's descriptor is the one open on `path` in /proc/self/fd. */
static int fd_of(const char *path) {
  char l[64], t[700];
  for (int fd = 3; fd < 1024; fd++) {
    snprintf(l, sizeof l, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(l, t, sizeof t - 1);
    if (n <= 0) continue;
    t[n] = 0;
    if (strcmp(t, path) == 0) return fd;
  }
  return -1;
}

Test(file_open_safety, created_0640_and_close_on_exec, .init = setup, .fini = teardown) {
  mode_t old = umask(022);
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_sink_file_create(&s, target, NULL), 0);
  umask(old);
  struct stat st;
  cr_assert_eq(stat(target, &st), 0);
  cr_assert_eq(st.st_mode & 07777, 0640, "mode %o", (unsigned)(st.st_mode & 07777));
  int fd = fd_of(target);
  cr_assert_geq(fd, 0);
  cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "a regular file is written blocking");
  uvlog_sink_destroy(s);
}
