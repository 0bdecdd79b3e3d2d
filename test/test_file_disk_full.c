/*
 * test_file_disk_full.c -- a full disk never leaves a partial record in a
 * file sink's file: the cut record is truncated away, the loss is counted
 * and reported, and writing resumes once space returns (no restart).
 *
 * Uses a real 64 KiB tmpfs (mount(2): root); without the permission the test
 * says so on stderr and passes without checking anything.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

#define REC_LEN 1000 /* 4096 is no multiple of it: some record gets cut */
#define NREC 12

static char dir[512];
static int mounted;

static void setup(void) {
  nf_mkdtemp(dir, sizeof dir, "diskfull");
  mounted = mount("none", dir, "tmpfs", 0, "size=64k") == 0;
  if (!mounted) fprintf(stderr, "[skip] mount tmpfs: %s (needs root)\n", strerror(errno));
}

static void teardown(void) {
  if (mounted) umount2(dir, MNT_DETACH);
  nf_rmtree(dir);
}

/* Fills the file system, then frees `room` bytes. */
static void fill_leaving(const char *filler, off_t room) {
  int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  cr_assert_geq(fd, 0);
  static char block[4096];
  while (write(fd, block, sizeof block) > 0) {}
  struct stat st;
  cr_assert_eq(fstat(fd, &st), 0);
  cr_assert_eq(ftruncate(fd, st.st_size - room), 0);
  close(fd);
}

static void log_record(uvlog_t *log, int i) {
  char msg[REC_LEN];
  int n = snprintf(msg, sizeof msg, "rec-%02d ", i);
  memset(msg + n, 'a' + i % 26, sizeof msg - (size_t)n);
  NF_LOG_OK(uvlog_log_text(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, msg, sizeof msg));
}

/* Every line of `text` is a whole record: "rec-NN " then REC_LEN-7 copies of
 * one letter. Returns the number of lines. */
static int check_whole_lines(const char *text) {
  int lines = 0;
  for (const char *p = text; *p; lines++) {
    const char *nl = strchr(p, '\n');
    cr_assert_not_null(nl, "a line without its newline at the end of the file");
    cr_assert_eq(nl - p, REC_LEN, "line %d is %ld bytes, not %d: a partial record", lines,
                 (long)(nl - p), REC_LEN);
    cr_assert_eq(strncmp(p, "rec-", 4), 0, "line %d does not start a record", lines);
    p = nl + 1;
  }
  return lines;
}

Test(file_disk_full, a_cut_record_is_truncated_counted_and_writing_resumes,
     .init = setup, .fini = teardown, .timeout = 60) {
  if (!mounted) return;
  char path[600], filler[600];
  snprintf(path, sizeof path, "%s/app.log", dir);
  snprintf(filler, sizeof filler, "%s/filler", dir);
  uvlog_t *log;
  uvlog_sink_t *sink;
  uvlog_format_options_t fo;
  uvlog_format_options_init(&fo);
  fo.pattern = "%m";
  cr_assert_eq(uvlog_logger_create(&log, NULL), 0);
  cr_assert_eq(uvlog_sink_file_create(&sink, path, NULL), 0);
  cr_assert_eq(uvlog_sink_set_format(sink, &fo), 0);
  cr_assert_eq(uvlog_sink_add(log, sink), 0);
  cr_assert_eq(uvlog_logger_start(log), 0);

  fill_leaving(filler, 4096);
  for (int i = 0; i < NREC; i++) log_record(log, i);
  uvlog_logger_flush(log, 10000); /* its result is the listener's business */
  uvlog_sink_stats_t st;
  uvlog_sink_stats(sink, &st);
  cr_assert_eq(st.last_error, -ENOSPC, "last_error %d", st.last_error);
  char *text = nf_read_file(path, NULL);
  int kept = check_whole_lines(text);
  free(text);
  cr_assert_eq(st.dropped, (uint64_t)(NREC - kept), "dropped %llu, kept %d of %d",
               (unsigned long long)st.dropped, kept, NREC);

  unlink(filler); /* space returns */
  log_record(log, 20);
  cr_assert_eq(uvlog_logger_flush(log, 10000), 0);
  text = nf_read_file(path, NULL);
  cr_assert_eq(check_whole_lines(text), kept + 1);
  cr_assert_not_null(strstr(text, "rec-20 u"), "the record after recovery is missing");
  free(text);
  uvlog_sink_stats(sink, &st);
  cr_assert_eq(st.dropped, (uint64_t)(NREC - kept));
  uvlog_logger_destroy(log);
}
