/*
 * test_file_sink.c -- the file sink (src/sink/file.c): creation and options,
 * appending, size and time rotation, reopen, write errors; first by calling
 * its vtable on hand-made entries, then through a real logger.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sink/file.h"
#include "uvlog.h"

/* ---- helpers -------------------------------------------------------------- */

static char tmpdir[1024];

static void tmp_setup(void) {
  const char *base = getenv("UVLOG_TEST_TMPDIR");
  if (base == NULL || *base == '\0') base = "/tmp";
  mkdir(base, 0755); /* meson's tmp dir may not exist yet */
  snprintf(tmpdir, sizeof tmpdir, "%s/filesink.XXXXXX", base);
  cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)flag; (void)ftw;
  return remove(p);
}

static void tmp_teardown(void) {
  if (tmpdir[0]) nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tpath(const char *name) {
  static char bufs[64][1200]; /* enough for every path one test holds */
  static int next;
  char *b = bufs[next++ % 64];
  snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
  return b;
}

/* Reads a whole file (NUL-terminated); NULL if it does not exist. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 4096, n = 0, r;
  char *s = malloc(cap + 1);
  while ((r = fread(s + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) s = realloc(s, (cap *= 2) + 1);
  }
  fclose(f);
  s[n] = '\0';
  if (len) *len = n;
  return s;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

static void put_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

static uvlog_entry_t entry_at(const char *text, int64_t ts_ns) {
  uvlog_entry_t e;
  memset(&e, 0, sizeof e);
  e.ts_ns = ts_ns;
  e.level = UVLOG_LEVEL_INFO;
  e.msg = text;
  e.msg_len = strlen(text);
  e.text = text;
  e.text_len = strlen(text);
  return e;
}

static int write1(uvlog_sink_t *s, const char *text, int64_t ts_ns) {
  uvlog_entry_t e = entry_at(text, ts_ns);
  return uvlog__file_sink_vtable()->write(s, &e, 1);
}

static uvlog_sink_t *make_sink(const char *path, const uvlog_file_options_t *fo) {
  uvlog_sink_t *s = NULL;
  int rc = uvlog_sink_file_create(&s, path, fo);
  cr_assert_eq(rc, 0, "create %s: %s", path, uvlog_strerror(rc));
  cr_assert_not_null(s);
  return s;
}

static void expect_file(const char *name, const char *want) {
  char *got = slurp(tpath(name), NULL);
  cr_assert_not_null(got, "%s missing", name);
  cr_expect_str_eq(got, want, "%s", name);
  free(got);
}

/* A settable clock for time rotation. */
static int64_t fake_now;
static int64_t fake_clock(void *ctx) {
  (void)ctx;
  return fake_now;
}

#define SEC ((int64_t)1000000000)
/* 2026-01-15T10:30:00Z */
#define T0 ((int64_t)1768473000 * SEC)

/* ---- creation and options ------------------------------------------------- */

Test(file_sink, appends_with_mode_0640, .init = tmp_setup, .fini = tmp_teardown) {
  umask(022);
  const char *p = tpath("app.log");
  uvlog_sink_t *s = make_sink(p, NULL);
  struct stat st;
  cr_assert_eq(stat(p, &st), 0, "the file exists as soon as the sink is created");
  cr_assert_eq(st.st_mode & 07777, 0640, "mode %o", st.st_mode & 07777);
  cr_assert_str_eq(uvlog_sink_name(s), "file");

  uvlog_entry_t e[3] = {entry_at("one\n", 0), entry_at("two\n", 0), entry_at("three\n", 0)};
  cr_assert_eq(uvlog__file_sink_vtable()->write(s, e, 3), 0);
  cr_assert_eq(uvlog__file_sink_vtable()->flush(s), 0);
  uvlog_sink_destroy(s);

  /* A second sink appends to what is there. */
  s = make_sink(p, NULL);
  cr_assert_eq(write1(s, "four\n", 0), 0);
  uvlog_sink_destroy(s);
  char *got = slurp(p, NULL);
  cr_assert_str_eq(got, "one\ntwo\nthree\nfour\n");
  free(got);
}

Test(file_sink, mode_is_filtered_by_umask, .init = tmp_setup, .fini = tmp_teardown) {
  umask(022);
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.mode = 0666;
  fo.fsync_on_flush = 1;
  const char *p = tpath("m.log");
  uvlog_sink_t *s = make_sink(p, &fo);
  struct stat st;
  cr_assert_eq(stat(p, &st), 0);
  cr_assert_eq(st.st_mode & 07777, 0644, "mode %o", st.st_mode & 07777);
  cr_assert_eq(write1(s, "x\n", 0), 0);
  cr_assert_eq(uvlog__file_sink_vtable()->flush(s), 0, "fdatasync on a regular file works");
  uvlog_sink_destroy(s);
}

Test(file_sink, unwritable_paths_fail_at_create, .init = tmp_setup, .fini = tmp_teardown) {
  uvlog_sink_t *s = (uvlog_sink_t *)1;
  cr_expect_eq(uvlog_sink_file_create(&s, "/etc/passwd/x", NULL), -ENOTDIR);
  cr_expect_null(s, "out is cleared on error");
  cr_expect_eq(uvlog_sink_file_create(&s, tpath("no/such/dir/f.log"), NULL), -ENOENT);
  cr_expect_eq(uvlog_sink_file_create(&s, tmpdir, NULL), -EISDIR);
  char longp[5000];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = '\0';
  cr_expect_eq(uvlog_sink_file_create(&s, longp, NULL), -ENAMETOOLONG);
  cr_expect_null(s);
}

Test(file_sink, bad_options_are_rejected, .init = tmp_setup, .fini = tmp_teardown) {
  uvlog_sink_t *s = NULL;
  const char *p = tpath("bad.log");
  uvlog_file_options_t fo;
  cr_expect_eq(uvlog_sink_file_create(NULL, p, NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_file_create(&s, NULL, NULL), UVLOG_EINVAL);
  cr_expect_eq(uvlog_sink_file_create(&s, "", NULL), UVLOG_EINVAL);

  uvlog_file_options_init(&fo);
  fo.keep = -1;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "keep < 0");
  uvlog_file_options_init(&fo);
  fo.keep = UVLOG_FILE_MAX_KEEP + 1;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "keep too large");
  uvlog_file_options_init(&fo);
  fo.keep = 0;
  fo.rotate_size = 1000;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "size rotation, keep 0");
  uvlog_file_options_init(&fo);
  fo.keep = 0;
  fo.rotate_every = UVLOG_ROTATE_DAILY;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "time rotation, keep 0");
  uvlog_file_options_init(&fo);
  fo.rotate_every = (uvlog_rotate_every_t)7;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "rotate_every");
  uvlog_file_options_init(&fo);
  fo.rotate_utc = 2;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "rotate_utc");
  uvlog_file_options_init(&fo);
  fo.reopen_on_sighup = -1;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "reopen_on_sighup");
  uvlog_file_options_init(&fo);
  fo.mode = 010000;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "mode");
  fo.mode = 0444;
  cr_expect_eq(uvlog_sink_file_create(&s, p, &fo), UVLOG_EINVAL, "mode without owner write");
  uvlog_file_options_init(&fo);
  fo.rotate_size = 10;
  cr_expect_eq(uvlog_sink_file_create(&s, "/dev/null", &fo), UVLOG_EINVAL,
               "rotation of a device");
  cr_expect(exists("/dev/null") && !exists("/dev/null.1"));
  cr_expect_null(s);
  cr_expect(!exists(p), "nothing is created for bad options");

  /* keep 0 without rotation is fine. */
  uvlog_file_options_init(&fo);
  fo.keep = 0;
  s = make_sink(p, &fo);
  uvlog_sink_destroy(s);
  cr_expect_eq(uvlog__file_sink_set_clock(NULL, fake_clock, NULL), UVLOG_EINVAL);
}

Test(file_sink, defaults, .init = tmp_setup, .fini = tmp_teardown) {
  uvlog_file_options_t fo;
  memset(&fo, 0x5a, sizeof fo);
  uvlog_file_options_init(&fo);
  cr_expect_eq(fo.mode, 0640);
  cr_expect_eq(fo.rotate_size, 0);
  cr_expect_eq(fo.rotate_every, UVLOG_ROTATE_NEVER);
  cr_expect_eq(fo.rotate_utc, 1);
  cr_expect_eq(fo.keep, 5);
  cr_expect_eq(fo.reopen_on_sighup, 0);
  cr_expect_eq(fo.fsync_on_flush, 0);
  uvlog_file_options_init(NULL); /* no crash */
}

/* ---- size rotation -------------------------------------------------------- */

/* Record i: "rec NNNNN " plus i % 37 filler bytes and a newline. */
static void make_rec(char *buf, size_t cap, int i) {
  int n = snprintf(buf, cap, "rec %05d ", i);
  for (int k = 0; k < i % 37; k++) buf[n++] = (char)('a' + k % 26);
  buf[n++] = '\n';
  buf[n] = '\0';
}

/* Writes records [0, n) in batches of 1..13 entries. */
static void write_records(uvlog_sink_t *s, int n) {
  static char texts[13][64];
  uvlog_entry_t e[13];
  int i = 0, b = 1;
  while (i < n) {
    int k = 0;
    for (; k < b && i < n; k++, i++) {
      make_rec(texts[k], sizeof texts[k], i);
      e[k] = entry_at(texts[k], T0);
    }
    cr_assert_eq(uvlog__file_sink_vtable()->write(s, e, (size_t)k), 0);
    b = b % 13 + 1;
  }
}

/* Concatenates path.keep .. path.1, path (oldest first); counts the files. */
static char *concat_rotated(const char *path, int keep, int *files) {
  size_t cap = 1 << 20, len = 0;
  char *all = malloc(cap);
  char name[4200];
  *files = 0;
  for (int i = keep; i >= 0; i--) {
    if (i > 0) snprintf(name, sizeof name, "%s.%d", path, i);
    else snprintf(name, sizeof name, "%s", path);
    size_t n;
    char *s = slurp(name, &n);
    if (s == NULL) continue;
    (*files)++;
    cr_assert_lt(len + n, cap);
    memcpy(all + len, s, n);
    len += n;
    free(s);
  }
  all[len] = '\0';
  return all;
}

Test(file_sink, size_rotation_loses_splits_duplicates_nothing, .init = tmp_setup,
     .fini = tmp_teardown) {
  const char *p = tpath("size.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 200;
  fo.keep = 400; /* more than the ~220 files made: none is deleted */
  uvlog_sink_t *s = make_sink(p, &fo);
  write_records(s, 1500);
  uvlog_sink_destroy(s);

  int files = 0;
  char *all = concat_rotated(p, 400, &files);
  char *want = malloc(1 << 20), rec[64];
  size_t wl = 0;
  for (int i = 0; i < 1500; i++) {
    make_rec(rec, sizeof rec, i);
    memcpy(want + wl, rec, strlen(rec));
    wl += strlen(rec);
  }
  want[wl] = '\0';
  cr_assert_str_eq(all, want, "every record once, in order, across %d files", files);
  cr_assert_gt(files, 100);

  /* Each file is within the limit and holds whole records. */
  char name[4200];
  for (int i = 0; i <= files - 1; i++) {
    if (i > 0) snprintf(name, sizeof name, "%s.%d", p, i);
    else snprintf(name, sizeof name, "%s", p);
    size_t n;
    char *f = slurp(name, &n);
    cr_assert_not_null(f, "%s", name);
    cr_expect_leq(n, 200, "%s is %zu bytes", name, n);
    cr_expect(n > 0 && f[n - 1] == '\n' && strncmp(f, "rec ", 4) == 0, "%s holds whole records", name);
    if (i > 0) cr_expect_gt(n + 47, 200, "%s was rotated only when the next record did not fit", name);
    free(f);
  }
  free(all);
  free(want);
}

Test(file_sink, size_rotation_keeps_exactly_keep_files, .init = tmp_setup, .fini = tmp_teardown) {
  const char *p = tpath("keep.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 300;
  fo.keep = 3;
  uvlog_sink_t *s = make_sink(p, &fo);
  write_records(s, 400);
  uvlog_sink_destroy(s);

  char name[4200];
  for (int i = 1; i <= 3; i++) {
    snprintf(name, sizeof name, "%s.%d", p, i);
    cr_expect(exists(name), "%s exists", name);
  }
  snprintf(name, sizeof name, "%s.4", p);
  cr_expect(!exists(name), "nothing beyond keep");

  /* What is left is exactly the newest records, whole and in order. */
  int files = 0;
  char *all = concat_rotated(p, 10, &files);
  cr_assert_eq(files, 4);
  int first;
  cr_assert_eq(sscanf(all, "rec %d", &first), 1);
  cr_assert_gt(first, 0, "old records were deleted");
  char rec[64];
  size_t off = 0;
  for (int i = first; i < 400; i++) {
    make_rec(rec, sizeof rec, i);
    cr_assert_eq(strncmp(all + off, rec, strlen(rec)), 0, "record %d", i);
    off += strlen(rec);
  }
  cr_assert_eq(all[off], '\0', "nothing after the last record");
  free(all);
}

Test(file_sink, oversize_record_goes_alone_into_a_fresh_file, .init = tmp_setup,
     .fini = tmp_teardown) {
  const char *p = tpath("big.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 50;
  fo.keep = 5;
  uvlog_sink_t *s = make_sink(p, &fo);
  char big[122];
  memset(big, 'B', 120);
  big[120] = '\n';
  big[121] = '\0';
  uvlog_entry_t e[4] = {entry_at("first\n", T0), entry_at(big, T0), entry_at(big, T0),
                        entry_at("last\n", T0)};
  cr_assert_eq(uvlog__file_sink_vtable()->write(s, e, 4), 0);
  uvlog_sink_destroy(s);
  char *f3 = slurp(tpath("big.log.3"), NULL), *f2 = slurp(tpath("big.log.2"), NULL);
  char *f1 = slurp(tpath("big.log.1"), NULL), *f0 = slurp(p, NULL);
  cr_assert(f3 && f2 && f1 && f0);
  cr_expect_str_eq(f3, "first\n");
  cr_expect_str_eq(f2, big);
  cr_expect_str_eq(f1, big);
  cr_expect_str_eq(f0, "last\n");
  free(f3); free(f2); free(f1); free(f0);
}

Test(file_sink, file_may_reach_exactly_rotate_size, .init = tmp_setup, .fini = tmp_teardown) {
  const char *p = tpath("exact.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 12;
  uvlog_sink_t *s = make_sink(p, &fo);
  cr_assert_eq(write1(s, "aaaaa\n", T0), 0);
  cr_assert_eq(write1(s, "bbbbb\n", T0), 0); /* 12 bytes: fits */
  cr_assert_eq(write1(s, "c\n", T0), 0);     /* 14: rotate first */
  uvlog_sink_destroy(s);
  expect_file("exact.log.1", "aaaaa\nbbbbb\n");
  expect_file("exact.log", "c\n");
}

Test(file_sink, empty_file_is_never_rotated, .init = tmp_setup, .fini = tmp_teardown) {
  const char *p = tpath("empty.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 4;
  fo.rotate_every = UVLOG_ROTATE_HOURLY;
  uvlog_sink_t *s = make_sink(p, &fo);
  fake_now = T0;
  cr_assert_eq(uvlog__file_sink_set_clock(s, fake_clock, NULL), 0);
  /* Past the time boundary and longer than rotate_size, into an empty file. */
  cr_assert_eq(write1(s, "oversize\n", T0 + 7200 * SEC), 0);
  uvlog_sink_destroy(s);
  cr_expect(!exists(tpath("empty.log.1")), "no empty rotated file");
  expect_file("empty.log", "oversize\n");
}

Test(file_sink, failed_rotation_keeps_writing_and_retries, .init = tmp_setup,
     .fini = tmp_teardown) {
  const char *p = tpath("fail.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 10;
  fo.keep = 1;
  uvlog_sink_t *s = make_sink(p, &fo);
  fake_now = T0;
  cr_assert_eq(uvlog__file_sink_set_clock(s, fake_clock, NULL), 0);
  /* A non-empty directory at path.1 makes the rotation fail (even for root). */
  cr_assert_eq(mkdir(tpath("fail.log.1"), 0755), 0);
  put_file(tpath("fail.log.1/blocker"), "x");

  cr_assert_eq(write1(s, "aaaaaaaa\n", T0), 0);
  cr_assert_eq(write1(s, "bbbbbbbb\n", T0), 0); /* rotation fails: stays in fail.log */
  cr_assert_eq(write1(s, "cccccccc\n", T0), 0); /* no retry within the second */
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_expect_eq(st.errors, 1, "the failure is reported once, not per record");
  cr_expect_neq(st.last_error, 0);
  cr_expect_eq(st.dropped, 0);
  char *f0 = slurp(p, NULL);
  cr_assert_str_eq(f0, "aaaaaaaa\nbbbbbbbb\ncccccccc\n", "no record lost");
  free(f0);

  /* Clear the obstacle; a second later the rotation goes through. */
  cr_assert_eq(unlink(tpath("fail.log.1/blocker")), 0);
  cr_assert_eq(rmdir(tpath("fail.log.1")), 0);
  fake_now = T0 + 2 * SEC;
  cr_assert_eq(write1(s, "dddddddd\n", T0), 0);
  uvlog_sink_destroy(s);
  char *f1 = slurp(tpath("fail.log.1"), NULL);
  f0 = slurp(p, NULL);
  cr_assert(f1 && f0);
  cr_expect_str_eq(f1, "aaaaaaaa\nbbbbbbbb\ncccccccc\n");
  cr_expect_str_eq(f0, "dddddddd\n");
  free(f1); free(f0);
}

Test(file_sink, write_error_counts_records_dropped) {
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  uvlog_sink_t *s = make_sink("/dev/full", &fo);
  uvlog_entry_t e[3] = {entry_at("a\n", 0), entry_at("b\n", 0), entry_at("c\n", 0)};
  cr_expect_eq(uvlog__file_sink_vtable()->write(s, e, 3), -ENOSPC);
  uvlog_sink_stats_t st;
  cr_assert_eq(uvlog_sink_stats(s, &st), 0);
  cr_expect_eq(st.dropped, 3, "dropped %llu", (unsigned long long)st.dropped);
  uvlog_sink_destroy(s);
}

/* ---- time rotation -------------------------------------------------------- */

static uvlog_sink_t *make_timed(const char *p, uvlog_rotate_every_t every, int utc) {
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_every = every;
  fo.rotate_utc = utc;
  fo.keep = 10;
  uvlog_sink_t *s = make_sink(p, &fo);
  cr_assert_eq(uvlog__file_sink_set_clock(s, fake_clock, NULL), 0);
  return s;
}

Test(file_sink, hourly_utc, .init = tmp_setup, .fini = tmp_teardown) {
  fake_now = T0; /* 10:30Z */
  uvlog_sink_t *s = make_timed(tpath("h.log"), UVLOG_ROTATE_HOURLY, 1);
  int64_t h11 = T0 + 1800 * SEC;
  cr_assert_eq(write1(s, "10:40\n", T0 + 600 * SEC), 0);
  cr_assert_eq(write1(s, "10:59\n", h11 - 1), 0);
  uvlog_entry_t e[3] = {entry_at("11:00\n", h11), entry_at("11:30\n", h11 + 1800 * SEC),
                        entry_at("13:05\n", h11 + 7500 * SEC)}; /* one batch, two rotations */
  cr_assert_eq(uvlog__file_sink_vtable()->write(s, e, 3), 0);
  uvlog_sink_destroy(s);
  expect_file("h.log.2", "10:40\n10:59\n");
  expect_file("h.log.1", "11:00\n11:30\n");
  expect_file("h.log", "13:05\n");
  cr_expect(!exists(tpath("h.log.3")), "no empty file for the skipped hour");
}

Test(file_sink, size_and_time_together, .init = tmp_setup, .fini = tmp_teardown) {
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 12;
  fo.rotate_every = UVLOG_ROTATE_HOURLY;
  fo.keep = 10;
  uvlog_sink_t *s = make_sink(tpath("st.log"), &fo);
  fake_now = T0;
  cr_assert_eq(uvlog__file_sink_set_clock(s, fake_clock, NULL), 0);
  int64_t h11 = T0 + 1800 * SEC;
  uvlog_entry_t e[5] = {entry_at("10:a\n", T0), entry_at("10:b\n", T0), /* 10 bytes */
                        entry_at("10:c\n", T0),                        /* 15: size */
                        entry_at("11:a\n", h11),                       /* time */
                        entry_at("11:b\n", h11)};
  cr_assert_eq(uvlog__file_sink_vtable()->write(s, e, 5), 0);
  uvlog_sink_destroy(s);
  expect_file("st.log.2", "10:a\n10:b\n");
  expect_file("st.log.1", "10:c\n");
  expect_file("st.log", "11:a\n11:b\n");
}

Test(file_sink, daily_utc, .init = tmp_setup, .fini = tmp_teardown) {
  fake_now = T0;
  uvlog_sink_t *s = make_timed(tpath("d.log"), UVLOG_ROTATE_DAILY, 1);
  int64_t midnight = (T0 / (86400 * SEC) + 1) * 86400 * SEC;
  cr_assert_eq(write1(s, "day1 a\n", T0), 0);
  cr_assert_eq(write1(s, "day1 b\n", midnight - SEC), 0);
  cr_assert_eq(write1(s, "day2 a\n", midnight), 0);
  cr_assert_eq(write1(s, "day2 b\n", midnight + 86399 * SEC), 0);
  cr_assert_eq(write1(s, "day3 a\n", midnight + 86400 * SEC), 0);
  uvlog_sink_destroy(s);
  expect_file("d.log.2", "day1 a\nday1 b\n");
  expect_file("d.log.1", "day2 a\nday2 b\n");
  expect_file("d.log", "day3 a\n");
}

Test(file_sink, hourly_and_daily_local_time, .init = tmp_setup, .fini = tmp_teardown) {
  /* UTC+5:30, no DST: local hours start at :30 UTC, local days at 18:30Z. */
  setenv("TZ", "XST-5:30", 1);
  tzset();
  cr_assert_eq(uvlog__file_next_boundary(T0, UVLOG_ROTATE_HOURLY, 0), T0 + 3600 * SEC,
               "10:30Z is 16:00 local: next local hour is 11:30Z");
  cr_assert_eq(uvlog__file_next_boundary(T0 - SEC, UVLOG_ROTATE_HOURLY, 0), T0);
  int64_t day_utc = (T0 / (86400 * SEC)) * 86400 * SEC; /* 00:00Z that day */
  cr_assert_eq(uvlog__file_next_boundary(T0, UVLOG_ROTATE_DAILY, 0), day_utc + 66600 * SEC,
               "local midnight is 18:30Z");
  cr_assert_eq(uvlog__file_next_boundary(T0, UVLOG_ROTATE_HOURLY, 1), T0 + 1800 * SEC);

  fake_now = T0;
  uvlog_sink_t *s = make_timed(tpath("lh.log"), UVLOG_ROTATE_HOURLY, 0);
  cr_assert_eq(write1(s, "a\n", T0 + 1800 * SEC), 0);  /* 11:00Z: same local hour */
  cr_assert_eq(write1(s, "b\n", T0 + 3600 * SEC), 0);  /* 11:30Z: next local hour */
  uvlog_sink_destroy(s);
  expect_file("lh.log.1", "a\n");
  expect_file("lh.log", "b\n");

  s = make_timed(tpath("ld.log"), UVLOG_ROTATE_DAILY, 0);
  cr_assert_eq(write1(s, "a\n", day_utc + 66599 * SEC), 0);
  cr_assert_eq(write1(s, "b\n", day_utc + 66600 * SEC), 0);
  uvlog_sink_destroy(s);
  expect_file("ld.log.1", "a\n");
  expect_file("ld.log", "b\n");
}

Test(file_sink, daily_local_across_dst) {
  /* US Eastern: 2026-03-08 has 23 hours, 2026-11-01 has 25. */
  setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
  tzset();
  int64_t mar8 = (int64_t)1772946000 * SEC;  /* 2026-03-08T00:00-05:00 */
  int64_t mar9 = (int64_t)1773028800 * SEC;  /* 2026-03-09T00:00-04:00 */
  cr_expect_eq(uvlog__file_next_boundary(mar8 + 3600 * SEC, UVLOG_ROTATE_DAILY, 0), mar9);
  int64_t nov1 = (int64_t)1793505600 * SEC;  /* 2026-11-01T00:00-04:00 */
  int64_t nov2 = (int64_t)1793595600 * SEC;  /* 2026-11-02T00:00-05:00 */
  cr_expect_eq(uvlog__file_next_boundary(nov1 + 3600 * SEC, UVLOG_ROTATE_DAILY, 0), nov2);
  /* Hourly across the spring gap: 01:30 EST -> 03:00 EDT is one hour. */
  cr_expect_eq(uvlog__file_next_boundary(mar8 + 5400 * SEC, UVLOG_ROTATE_HOURLY, 0),
               mar8 + 7200 * SEC);
}

Test(file_sink, old_file_rotates_at_first_write, .init = tmp_setup, .fini = tmp_teardown) {
  /* A file left from yesterday is rotated before today's first record. */
  const char *p = tpath("old.log");
  put_file(p, "yesterday\n");
  struct timespec times[2] = {{.tv_sec = (time_t)(T0 / SEC - 86400)},
                              {.tv_sec = (time_t)(T0 / SEC - 86400)}};
  cr_assert_eq(utimensat(AT_FDCWD, p, times, 0), 0);
  fake_now = T0;
  uvlog_sink_t *s = make_timed(p, UVLOG_ROTATE_DAILY, 1);
  cr_assert_eq(write1(s, "today\n", T0), 0);
  uvlog_sink_destroy(s);
  expect_file("old.log.1", "yesterday\n");
  expect_file("old.log", "today\n");
}

/* ---- reopen --------------------------------------------------------------- */

Test(file_sink, reopen_after_external_rename, .init = tmp_setup, .fini = tmp_teardown) {
  const char *p = tpath("r.log");
  uvlog_sink_t *s = make_sink(p, NULL);
  cr_assert_eq(write1(s, "old 1\n", 0), 0);
  cr_assert_eq(rename(p, tpath("r.log.moved")), 0);
  cr_assert_eq(write1(s, "old 2\n", 0), 0); /* still the moved file */
  cr_assert_eq(uvlog__file_sink_vtable()->reopen(s), 0);
  cr_assert_eq(write1(s, "new 1\n", 0), 0);
  uvlog_sink_destroy(s);
  expect_file("r.log.moved", "old 1\nold 2\n");
  expect_file("r.log", "new 1\n");
}

Test(file_sink, relative_path_survives_chdir, .init = tmp_setup, .fini = tmp_teardown) {
  cr_assert_eq(chdir(tmpdir), 0);
  uvlog_sink_t *s = make_sink("rel.log", NULL);
  cr_assert_eq(chdir("/"), 0);
  cr_assert_eq(write1(s, "a\n", 0), 0);
  cr_assert_eq(uvlog__file_sink_vtable()->reopen(s), 0);
  cr_assert_eq(write1(s, "b\n", 0), 0);
  uvlog_sink_destroy(s);
  cr_expect(!exists("/rel.log"), "reopen used the directory the path was given in");
  expect_file("rel.log", "a\nb\n");
}

/* Bit i set: descriptor i is open (0..255). */
static void open_fds(unsigned char set[32]) {
  memset(set, 0, 32);
  for (int fd = 0; fd < 256; fd++)
    if (fcntl(fd, F_GETFD) != -1) set[fd / 8] |= (unsigned char)(1u << (fd % 8));
}

static int count_fds(void) {
  unsigned char set[32];
  open_fds(set);
  int n = 0;
  for (int i = 0; i < 256; i++) n += (set[i / 8] >> (i % 8)) & 1;
  return n;
}

Test(file_sink, no_descriptor_leak_and_cloexec, .init = tmp_setup, .fini = tmp_teardown) {
  unsigned char before[32], during[32];
  int n_before = count_fds();
  open_fds(before);
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 100;
  fo.keep = 2;
  uvlog_sink_t *s = make_sink(tpath("fd.log"), &fo);
  write_records(s, 200); /* dozens of rotations */
  for (int i = 0; i < 10; i++) cr_assert_eq(uvlog__file_sink_vtable()->reopen(s), 0);
  cr_expect_eq(count_fds(), n_before + 1, "one descriptor while the sink lives");
  open_fds(during);
  for (int fd = 0; fd < 256; fd++) {
    unsigned bit = 1u << (fd % 8);
    if ((during[fd / 8] & bit) && !(before[fd / 8] & bit))
      cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC, "the sink's fd %d has O_CLOEXEC", fd);
  }
  uvlog_sink_destroy(s);
  cr_expect_eq(count_fds(), n_before, "none after destroy");
}

Test(file_sink, failed_reopen_keeps_the_old_file, .init = tmp_setup, .fini = tmp_teardown) {
  cr_assert_eq(mkdir(tpath("d"), 0755), 0);
  const char *p = tpath("d/r.log");
  uvlog_sink_t *s = make_sink(p, NULL);
  cr_assert_eq(write1(s, "a\n", 0), 0);
  cr_assert_eq(rename(tpath("d"), tpath("e")), 0); /* path's directory is gone */
  cr_assert_eq(uvlog__file_sink_vtable()->reopen(s), -ENOENT);
  cr_assert_eq(write1(s, "b\n", 0), 0);
  uvlog_sink_destroy(s);
  expect_file("e/r.log", "a\nb\n");
}

/* ---- through a real logger ------------------------------------------------ */
/* No `.timeout` here: with several timed tests running at once under
 * --jobs 2, Criterion's runner leaks 48 bytes, which fails the ASan build.
 * meson's per-test timeout still bounds a hang. */

static uvlog_t *start_logger(uvlog_sink_t *sink, size_t ring) {
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = ring;
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  o.level = UVLOG_LEVEL_TRACE;
  uvlog_t *log = NULL;
  cr_assert_eq(uvlog_logger_create(&log, &o), 0);
  cr_assert_eq(uvlog_sink_add(log, sink), 0);
  int rc = uvlog_logger_start(log);
  cr_assert_eq(rc, 0, "start: %s", uvlog_strerror(rc));
  return log;
}

#define NTHREADS 3
#define PER_THREAD 30000

typedef struct {
  uvlog_t *log;
  int id;
} producer_t;

static void *producer(void *arg) {
  producer_t *p = arg;
  for (int i = 0; i < PER_THREAD; i++) {
    int rc = uvlog_log(p->log, UVLOG_LEVEL_INFO, __FILE__, __LINE__, __func__,
                       "@@ t=%d s=%d pad=%.*s", p->id, i, i % 23, "xxxxxxxxxxxxxxxxxxxxxxx");
    if (rc != 0) cr_assert_fail("log returned %d", rc);
  }
  return NULL;
}

/* Checks one file: whole lines only, each "@@ t=T s=S" next in its thread. */
static void check_lines(const char *name, int next[NTHREADS], long *total) {
  size_t n;
  char *f = slurp(name, &n);
  if (f == NULL) return;
  cr_assert(n == 0 || f[n - 1] == '\n', "%s ends on a whole record", name);
  for (char *line = f, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
    *nl = '\0';
    char *m = strstr(line, "@@ t=");
    cr_assert_not_null(m, "%s: stray line '%s'", name, line);
    int t, seq;
    cr_assert_eq(sscanf(m, "@@ t=%d s=%d", &t, &seq), 2, "%s: '%s'", name, line);
    cr_assert(t >= 0 && t < NTHREADS);
    cr_assert_eq(seq, next[t], "%s: thread %d: got %d, expected %d", name, t, seq, next[t]);
    next[t]++;
    (*total)++;
  }
  free(f);
}

Test(file_sink, rotation_under_concurrent_producers, .init = tmp_setup, .fini = tmp_teardown) {
  const char *p = tpath("mt.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_size = 64 * 1024;
  fo.keep = 400; /* more than the ~130 files made: none is deleted */
  uvlog_sink_t *s = make_sink(p, &fo);
  uvlog_t *log = start_logger(s, 1 << 16);

  pthread_t th[NTHREADS];
  producer_t pr[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    pr[i] = (producer_t){log, i};
    cr_assert_eq(pthread_create(&th[i], NULL, producer, &pr[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_expect_eq(st.dropped, 0);
  cr_expect_eq(st.sink_dropped, 0);
  uvlog_logger_destroy(log);

  int next[NTHREADS] = {0};
  long total = 0;
  char name[1300];
  int files = 0;
  for (int i = 400; i >= 0; i--) {
    if (i > 0) snprintf(name, sizeof name, "%s.%d", p, i);
    else snprintf(name, sizeof name, "%s", p);
    if (!exists(name)) continue;
    struct stat sb;
    cr_assert_eq(stat(name, &sb), 0);
    cr_expect_leq(sb.st_size, 64 * 1024, "%s", name);
    files++;
    check_lines(name, next, &total);
  }
  cr_assert_lt(files, 400, "no file was deleted");
  cr_assert_gt(files, 10, "the test rotated (%d files)", files);
  for (int t = 0; t < NTHREADS; t++) cr_expect_eq(next[t], PER_THREAD, "thread %d", t);
  cr_expect_eq(total, (long)NTHREADS * PER_THREAD);
}

/* Waits (bounded) until `path` exists. */
static int wait_for_file(const char *path) {
  for (int i = 0; i < 20000; i++) {
    if (exists(path)) return 1;
    usleep(1000);
  }
  return 0;
}

static void reopen_through_logger(int by_signal) {
  const char *p = tpath("hup.log");
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.reopen_on_sighup = by_signal;
  uvlog_sink_t *s = make_sink(p, &fo);
  uvlog_t *log = start_logger(s, 1 << 16);
  cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "@@ before"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(rename(p, tpath("hup.log.moved")), 0);
  if (by_signal) cr_assert_eq(kill(getpid(), SIGHUP), 0);
  else cr_assert_eq(uvlog_logger_reopen(log), 0);
  cr_assert(wait_for_file(p), "the sink recreated %s", p);
  cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "@@ after"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  char *moved = slurp(tpath("hup.log.moved"), NULL), *now = slurp(p, NULL);
  cr_assert(moved && now);
  cr_expect_not_null(strstr(moved, "@@ before"));
  cr_expect_null(strstr(moved, "@@ after"));
  cr_expect_not_null(strstr(now, "@@ after"));
  cr_expect_null(strstr(now, "@@ before"));
  free(moved);
  free(now);
}

Test(file_sink, sighup_reopens_through_logger, .init = tmp_setup, .fini = tmp_teardown) {
  reopen_through_logger(1);
}

Test(file_sink, logger_reopen_reopens, .init = tmp_setup, .fini = tmp_teardown) {
  reopen_through_logger(0);
}

Test(file_sink, write_errors_are_accounted_through_logger) {
  uvlog_sink_t *s = make_sink("/dev/full", NULL);
  uvlog_t *log = start_logger(s, 1 << 16);
  for (int i = 0; i < 100; i++)
    cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "@@ %d", i), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), -ENOSPC, "the flush reports the loss");
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_expect_eq(st.sink_written, 100);
  cr_expect_eq(st.sink_dropped, 100, "every record /dev/full refused is counted");
  cr_expect_geq(st.sink_errors, 1);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
}

Test(file_sink, time_rotation_through_logger, .init = tmp_setup, .fini = tmp_teardown) {
  /* A file last written two hours ago: the first record logged now starts a
   * new hourly file (the real clock; no hook). */
  const char *p = tpath("th.log");
  put_file(p, "two hours ago\n");
  struct timespec old[2] = {{.tv_sec = time(NULL) - 7200}, {.tv_sec = time(NULL) - 7200}};
  cr_assert_eq(utimensat(AT_FDCWD, p, old, 0), 0);
  uvlog_file_options_t fo;
  uvlog_file_options_init(&fo);
  fo.rotate_every = UVLOG_ROTATE_HOURLY;
  uvlog_sink_t *s = make_sink(p, &fo);
  uvlog_t *log = start_logger(s, 1 << 16);
  cr_assert_eq(uvlog_log(log, UVLOG_LEVEL_INFO, NULL, 0, NULL, "@@ now"), 0);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);
  expect_file("th.log.1", "two hours ago\n");
  char *now = slurp(p, NULL);
  cr_assert_not_null(now);
  cr_expect_not_null(strstr(now, "@@ now"));
  cr_expect_null(strstr(now, "two hours ago"));
  free(now);
}

static off_t file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? st.st_size : -1;
}

Test(file_sink, external_rotation_while_producers_log, .init = tmp_setup, .fini = tmp_teardown) {
  /* logrotate's "create" mode, three times, while threads log at full speed:
   * every record lands exactly once, in order, in the moved files or the new. */
  const char *p = tpath("ext.log");
  uvlog_sink_t *s = make_sink(p, NULL);
  uvlog_t *log = start_logger(s, 1 << 16);
  pthread_t th[NTHREADS];
  producer_t pr[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    pr[i] = (producer_t){log, i};
    cr_assert_eq(pthread_create(&th[i], NULL, producer, &pr[i]), 0);
  }
  char moved[3][1300];
  for (int k = 0; k < 3; k++) {
    /* Let some records in (bounded: the producers may be done already). */
    for (int w = 0; w < 20000 && file_size(p) < 4096; w++) usleep(100);
    snprintf(moved[k], sizeof moved[k], "%s.m%d", p, k);
    cr_assert_eq(rename(p, moved[k]), 0);
    cr_assert_eq(uvlog_logger_reopen(log), 0);
    cr_assert(wait_for_file(p), "reopened");
  }
  for (int i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
  cr_assert_eq(uvlog_logger_close(log), 0);
  uvlog_logger_destroy(log);

  int next[NTHREADS] = {0};
  long total = 0;
  cr_expect_gt(file_size(moved[0]), 0, "the first move happened mid-stream");
  for (int k = 0; k < 3; k++) check_lines(moved[k], next, &total);
  check_lines(p, next, &total);
  for (int t = 0; t < NTHREADS; t++) cr_expect_eq(next[t], PER_THREAD, "thread %d", t);
  cr_expect_eq(total, (long)NTHREADS * PER_THREAD);
}
