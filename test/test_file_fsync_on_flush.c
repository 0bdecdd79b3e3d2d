/*
 * test_file_fsync_on_flush.c -- the file sink's fsync_on_flush option
 * (docs/file-sink.md): with it, every flush of the logger makes the sink call
 * fdatasync() on the file it writes; without it, flush makes no sync call.
 *
 * The test executable defines fdatasync() and fsync() itself: the library is
 * linked statically into it, so the sink's calls land here, are counted with
 * the file descriptor they name, and are passed on to the kernel.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uvlog.h"

static atomic_int syncs;       /* calls on the sink's file */
static atomic_int other_syncs; /* calls on any other fd */
static dev_t want_dev;
static ino_t want_ino;

static void count(int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_dev == want_dev && st.st_ino == want_ino)
    atomic_fetch_add(&syncs, 1);
  else
    atomic_fetch_add(&other_syncs, 1);
}

int fdatasync(int fd) {
  count(fd);
  return (int)syscall(SYS_fdatasync, fd);
}

int fsync(int fd) {
  count(fd);
  return (int)syscall(SYS_fsync, fd);
}

/* Logs 3 records and flushes twice with fsync_on_flush = `on`; returns the
 * number of sync calls on the file. */
static int syncs_with(int on) {
  char dir[] = "/tmp/uvlog-fsync-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/app.log", dir);
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.fsync_on_flush = on;
  uvlog_t *log = NULL;
  uvlog_sink_t *s = NULL;
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_file_create(&s, path, &fo), 0);
  struct stat st;
  cr_assert_eq(stat(path, &st), 0);
  want_dev = st.st_dev;
  want_ino = st.st_ino;
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);
  atomic_store(&syncs, 0);
  for (int i = 0; i < 3; i++) cr_assert_eq(UVLOG_ERROR_TO(log, "record %d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  int after_first = atomic_load(&syncs);
  cr_assert_eq(UVLOG_ERROR_TO(log, "record %d", 3), 0);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  int n = atomic_load(&syncs);
  if (on) cr_assert_gt(n, after_first, "the second flush synced too");
  uvlog_logger_destroy(log);
  unlink(path);
  rmdir(dir);
  return n;
}

Test(file_fsync_on_flush, flush_syncs_the_file_when_asked) {
  cr_assert_geq(syncs_with(1), 2, "each flush calls fdatasync() on the file");
}

Test(file_fsync_on_flush, flush_does_not_sync_by_default) {
  cr_assert_eq(syncs_with(0), 0, "no sync call without fsync_on_flush");
}
