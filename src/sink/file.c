/*
 * file.c -- the file sink: appends rendered records to a file, rotates it by
 * size and/or time, reopens it on request (logrotate) or on SIGHUP.
 *
 * It is written only against the public sink API (uvlog.h); everything below
 * runs on the listener thread except uvlog_sink_file_create(), which runs
 * wherever the user configures the logger.
 *
 * Writing. One batch becomes one writev() per run of up to IOV_MAX records
 * (a run ends early only where a rotation falls). Partial writes are resumed
 * and EINTR retried; on an error the records not wholly written are counted
 * as dropped (uvlog_sink_count_dropped) and the error is returned. A write
 * that stopped inside a record (ENOSPC) is cut back with ftruncate(), so the
 * file never keeps a partial record. RFC 5424 / 3164 records (no
 * terminator) are written one per line, escaped (fdio.h).
 *
 * Opening never blocks and never follows a final symbolic link unless asked
 * (file_open_path); a FIFO or device stays non-blocking and a full one is
 * waited for once, at most 1 s (fdio.c), then records are dropped.
 *
 * Rotation happens only between two records, so no record is ever split or
 * written twice:
 *   - by size: before a record that would take the file past rotate_size,
 *     unless the file is empty (so a record longer than rotate_size goes
 *     alone into a fresh file);
 *   - by time: before the first record whose timestamp is at or after the
 *     next hour/day boundary (UTC or local). The record's own timestamp
 *     decides, so each file holds the records of its period; an empty file
 *     is not rotated, its boundary just moves on.
 * A rotation unlinks path.keep, renames path.i to path.i+1 for i = keep-1..1,
 * renames path to path.1 and opens a fresh path. Any failure leaves the sink
 * writing the file it has open (no record is lost), reports the error and
 * makes the next attempt wait a second (by the sink's clock). A rename that
 * fails part-way stops the shift before anything would be overwritten.
 *
 * Flush: write(2) has already handed every byte to the kernel, so flush does
 * nothing unless fsync_on_flush asks for fdatasync() (slow: it waits for the
 * disk, and the listener is blocked meanwhile).
 *
 * The path is made absolute at creation, so that a later chdir() does not
 * move the log.
 *
 * Reopen: opens path anew (creating it) and only then closes the old
 * descriptor, so a failed reopen keeps the old file. With reopen_on_sighup
 * a uv_signal_t on the listener's loop calls the same code on SIGHUP.
 */
#include "sink/file.h"
#include "crash.h"
#include "sink/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

#define FILE_SINK_MAGIC 0x46494c45u /* "FILE" */
#define RETRY_NS ((int64_t)1000000000)
#define NS_PER_S ((int64_t)1000000000)

typedef struct file_sink {
  unsigned magic;
  uvlog_sink_t *sink;          /* the handle wrapping us */
  uvlog_file_options_t opts;
  char *path;
  char *name_a, *name_b;       /* scratch for "path.N" (no malloc when rotating) */
  size_t name_cap;
  int fd;
  int need_open;               /* path was renamed away but reopening it failed */
  mode_t ftype;                /* S_IFMT bits of the open file */
  uint64_t size;               /* bytes in the open file, plus those queued in iov */
  int64_t next_rotate_ns;      /* time boundary; INT64_MAX if no time rotation */
  int64_t retry_ns;            /* no rotation attempt before this (0: none pending) */
  uvlog_file_clock_fn clock;
  void *clock_ctx;
  struct iovec *iov;           /* IOV_MAX entries */
  size_t niov;
  uvlog_fdio_t io;             /* stalled / torn state of the writes */
  uvlog_buf_t lines;           /* line forms of the batch's syslog-format records */
  uv_signal_t sighup;
  int sighup_on;               /* sighup was initialised on the loop */
} file_sink_t;

static const uvlog_sink_vtable_t file_vtable;

/* ---- time ----------------------------------------------------------------- */

static int64_t clock_realtime(void *ctx) {
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t uvlog__file_next_boundary(int64_t t_ns, uvlog_rotate_every_t every, int utc) {
  if (every != UVLOG_ROTATE_HOURLY && every != UVLOG_ROTATE_DAILY) return INT64_MAX;
  int64_t period = every == UVLOG_ROTATE_HOURLY ? 3600 : 86400;
  time_t t = (time_t)floor_div(t_ns, NS_PER_S);
  int64_t next = ((int64_t)floor_div((int64_t)t, period) + 1) * period;
  if (!utc) {
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL) return next * NS_PER_S;
    if (every == UVLOG_ROTATE_HOURLY) {
      /* Hours are counted from local midnight in the current offset, which
       * copes with half-hour zones; DST changes keep :00 on the hour. */
      int64_t into = floor_div((int64_t)t + tm.tm_gmtoff, 3600);
      next = into * 3600 - tm.tm_gmtoff + 3600;
    } else {
      tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
      tm.tm_mday += 1;
      tm.tm_isdst = -1;
      time_t m = mktime(&tm);
      next = m == (time_t)-1 ? (int64_t)t + period : (int64_t)m;
    }
    if (next <= (int64_t)t) next = (int64_t)t + period; /* never go backwards */
  }
  return next * NS_PER_S;
}

/* The boundary after which the open file must rotate: from now, or from the
 * file's last write if it already holds records from an older period. */
static void file_set_boundary(file_sink_t *fs, int64_t mtime_ns) {
  int64_t now = fs->clock(fs->clock_ctx);
  int64_t from = (fs->size > 0 && mtime_ns < now) ? mtime_ns : now;
  fs->next_rotate_ns = uvlog__file_next_boundary(from, fs->opts.rotate_every, fs->opts.rotate_utc);
}

/* ---- files ---------------------------------------------------------------- */

/* Opens path without ever blocking: O_NONBLOCK makes a FIFO without a reader
 * fail at once (-ENXIO) instead of hanging in open(), and O_NOFOLLOW refuses
 * a symbolic link as the last component (-ELOOP) unless follow_symlinks. A
 * regular file is made blocking again; anything else (a FIFO with a reader,
 * a terminal, /dev/null) stays non-blocking so that a stopped reader costs
 * one bounded wait (fdio.c), never a hang. On success stores the descriptor,
 * its type, the size and the mtime. */
static int file_open_path(file_sink_t *fs, int *fd_out, uint64_t *size, int64_t *mtime_ns) {
  int fd, flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK;
  if (!fs->opts.follow_symlinks) flags |= O_NOFOLLOW;
  do fd = open(fs->path, flags, (mode_t)fs->opts.mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) != 0 ||
      (S_ISREG(st.st_mode) && fcntl(fd, F_SETFL, O_APPEND) != 0)) {
    int err = -errno;
    close(fd);
    return err;
  }
  fs->ftype = st.st_mode & S_IFMT;
  *fd_out = fd;
  *size = (uint64_t)st.st_size;
  *mtime_ns = (int64_t)st.st_mtim.tv_sec * NS_PER_S + st.st_mtim.tv_nsec;
  return 0;
}

/* Replaces the open descriptor with a fresh open of path (old kept on error).
 * With `boundary` the next time boundary is recomputed for the file. */
static int file_reopen_path(file_sink_t *fs, int boundary) {
  int fd = -1;
  uint64_t size = 0;
  int64_t mtime = 0;
  int err = file_open_path(fs, &fd, &size, &mtime);
  if (err) return err;
  if (fs->fd >= 0) close(fs->fd);
  fs->fd = fd;
  fs->io = (uvlog_fdio_t){0}; /* a new file: nothing stalled or torn */
  fs->size = size;
  fs->need_open = 0;
  if (boundary) file_set_boundary(fs, mtime);
  return 0;
}

static const char *file_name(file_sink_t *fs, char *buf, int n) {
  snprintf(buf, fs->name_cap, "%s.%d", fs->path, n);
  return buf;
}

/* Shifts path.1..path.keep-1 up by one and path to path.1. Stops at the first
 * failure other than "not there", before anything would be overwritten. */
static int file_shift(file_sink_t *fs) {
  int keep = fs->opts.keep;
  if (unlink(file_name(fs, fs->name_a, keep)) != 0 && errno != ENOENT) return -errno;
  for (int i = keep - 1; i >= 1; i--) {
    if (rename(file_name(fs, fs->name_a, i), file_name(fs, fs->name_b, i + 1)) != 0 &&
        errno != ENOENT)
      return -errno;
  }
  if (rename(fs->path, file_name(fs, fs->name_a, 1)) != 0 && errno != ENOENT) return -errno;
  return 0;
}

/* Rotates (or, after a failed open, just reopens). Called with no iov queued.
 * On failure the old descriptor stays in use and the error is reported. */
static void file_rotate(file_sink_t *fs) {
  int err = fs->need_open ? 0 : file_shift(fs);
  if (err == 0) {
    fs->need_open = 1; /* path is gone from under our descriptor until reopened */
    err = file_reopen_path(fs, 0);
  }
  if (err) {
    fs->retry_ns = fs->clock(fs->clock_ctx) + RETRY_NS;
    uvlog_sink_report_error(fs->sink, err);
  } else {
    fs->retry_ns = 0;
  }
}

/* ---- writing -------------------------------------------------------------- */

/* After a failed write: cuts the bytes of the record that went out only in
 * part (ENOSPC, EIO...), so the file holds whole records only. If the file
 * cannot be cut, the next write starts with '\n' (fdio's torn flag) so that
 * the next record at least begins its own line. */
static void file_untear(file_sink_t *fs) {
  struct stat st;
  if (fstat(fs->fd, &st) != 0) return;
  fs->size = (uint64_t)st.st_size; /* our size guess is wrong now: ask the file */
  if (!fs->io.torn || (uint64_t)st.st_size < fs->io.partial) return;
  off_t keep = st.st_size - (off_t)fs->io.partial;
  int rc;
  do rc = ftruncate(fs->fd, keep);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) {
    fs->io.torn = 0;
    fs->size = (uint64_t)keep;
  }
}

/* Writes the queued iov. Returns 0, or -errno after counting the records not
 * wholly written as dropped. */
static int file_flush_iov(file_sink_t *fs) {
  size_t unwritten = 0;
  int err = uvlog__writev_all(fs->fd, fs->iov, fs->niov, &unwritten, &fs->io);
  fs->niov = 0;
  if (err) {
    uvlog_sink_count_dropped(fs->sink, (uint64_t)unwritten);
    if (S_ISREG(fs->ftype)) file_untear(fs);
  }
  return err;
}

static int file_wants_rotation(file_sink_t *fs, const uvlog_entry_t *e, size_t len) {
  int by_size = fs->opts.rotate_size > 0 && fs->size > 0 &&
                fs->size + len > fs->opts.rotate_size;
  int by_time = e->ts_ns >= fs->next_rotate_ns;
  if (by_time && fs->size == 0 && !fs->need_open) { /* nothing to move away */
    fs->next_rotate_ns = uvlog__file_next_boundary(e->ts_ns, fs->opts.rotate_every,
                                                   fs->opts.rotate_utc);
    by_time = 0;
  }
  if (!by_size && !by_time && !fs->need_open) return 0;
  if (fs->retry_ns != 0 && fs->clock(fs->clock_ctx) < fs->retry_ns) return 0;
  return 1;
}

static int file_write(uvlog_sink_t *sink, const uvlog_entry_t *entries, size_t count) {
  file_sink_t *fs = uvlog_sink_data(sink);
  int err = 0, e2;
  struct stat st;
  /* Another writer or logrotate's copytruncate may have changed the size. */
  if (fs->opts.rotate_size > 0 && fstat(fs->fd, &st) == 0) fs->size = (uint64_t)st.st_size;
  if (uvlog__lines_reserve(&fs->lines, entries, count) != 0) err = UVLOG_ENOMEM;
  for (size_t i = 0; i < count; i++) {
    const uvlog_entry_t *e = &entries[i];
    if (e->text_len == 0) continue;
    struct iovec line = uvlog__line_of(&fs->lines, e);
    if (file_wants_rotation(fs, e, line.iov_len)) {
      if ((e2 = file_flush_iov(fs)) != 0) err = e2;
      int timed = e->ts_ns >= fs->next_rotate_ns;
      file_rotate(fs);
      if (timed && fs->retry_ns == 0)
        fs->next_rotate_ns = uvlog__file_next_boundary(e->ts_ns, fs->opts.rotate_every,
                                                       fs->opts.rotate_utc);
    }
    if (fs->niov == IOV_MAX && (e2 = file_flush_iov(fs)) != 0) err = e2;
    fs->iov[fs->niov++] = line;
    fs->size += line.iov_len;
  }
  if ((e2 = file_flush_iov(fs)) != 0) err = e2;
  return err;
}

static int file_flush(uvlog_sink_t *sink) {
  file_sink_t *fs = uvlog_sink_data(sink);
  if (!fs->opts.fsync_on_flush) return 0;
  if (fdatasync(fs->fd) != 0) return -errno;
  return 0;
}

static int file_reopen(uvlog_sink_t *sink) {
  file_sink_t *fs = uvlog_sink_data(sink);
  int err = file_reopen_path(fs, 1);
  if (err == 0) fs->retry_ns = 0;
  return err;
}

/* ---- lifetime ------------------------------------------------------------- */

static void file_free(file_sink_t *fs) {
  if (fs->fd >= 0) close(fs->fd);
  free(fs->iov);
  uvlog_buf_free(&fs->lines);
  free(fs->name_a);
  free(fs->name_b);
  free(fs->path);
  free(fs);
}

static void on_sighup(uv_signal_t *h, int signum) {
  (void)signum;
  file_sink_t *fs = h->data;
  int err = file_reopen(fs->sink);
  if (err) uvlog_sink_report_error(fs->sink, err);
}

static int file_open(uvlog_sink_t *sink, void *loop) {
  file_sink_t *fs = uvlog_sink_data(sink);
  if (!fs->opts.reopen_on_sighup || fs->sighup_on) return 0;
  int err = uv_signal_init((uv_loop_t *)loop, &fs->sighup);
  if (err) return err;
  fs->sighup.data = fs;
  fs->sighup_on = 1;
  return uv_signal_start(&fs->sighup, on_sighup, SIGHUP);
}

static void on_sighup_closed(uv_handle_t *h) { file_free(h->data); }

static void file_close(uvlog_sink_t *sink) {
  file_sink_t *fs = uvlog_sink_data(sink);
  if (fs == NULL) return;
  if (fs->sighup_on) { /* the loop frees us once the handle is closed */
    fs->sighup_on = 0;
    uv_close((uv_handle_t *)&fs->sighup, on_sighup_closed);
    return;
  }
  file_free(fs);
}

static const uvlog_sink_vtable_t file_vtable = {
  .name = "file",
  .open = file_open,
  .write = file_write,
  .flush = file_flush,
  .reopen = file_reopen,
  .close = file_close,
};

void uvlog_file_options_init(uvlog_file_options_t *fo) {
  if (fo == NULL) return;
  memset(fo, 0, sizeof *fo);
  fo->mode = 0640;
  fo->rotate_size = 0;
  fo->rotate_every = UVLOG_ROTATE_NEVER;
  fo->rotate_utc = 1;
  fo->keep = 5;
  fo->reopen_on_sighup = 0;
  fo->fsync_on_flush = 0;
}

static int file_options_check(const uvlog_file_options_t *o) {
  int rotates = o->rotate_size > 0 || o->rotate_every != UVLOG_ROTATE_NEVER;
  /* A file its owner cannot write could not be reopened or rotated into. */
  if (o->mode > 07777 || (o->mode & 0200) == 0) return UVLOG_EINVAL;
  if (o->rotate_every != UVLOG_ROTATE_NEVER && o->rotate_every != UVLOG_ROTATE_HOURLY &&
      o->rotate_every != UVLOG_ROTATE_DAILY)
    return UVLOG_EINVAL;
  if (o->keep < 0 || o->keep > UVLOG_FILE_MAX_KEEP) return UVLOG_EINVAL;
  if (rotates && o->keep == 0) return UVLOG_EINVAL; /* rotating would delete records */
  if ((o->rotate_utc != 0 && o->rotate_utc != 1) ||
      (o->reopen_on_sighup != 0 && o->reopen_on_sighup != 1) ||
      (o->fsync_on_flush != 0 && o->fsync_on_flush != 1) ||
      (o->follow_symlinks != 0 && o->follow_symlinks != 1))
    return UVLOG_EINVAL;
  return 0;
}

/* `path` made absolute (like Python's FileHandler), so that reopening and
 * rotating still name the same file after the program calls chdir(). */
static int file_abs_path(const char *path, char **out) {
  char cwd[PATH_MAX];
  if (path[0] != '/' && getcwd(cwd, sizeof cwd) == NULL) return -errno;
  size_t clen = path[0] == '/' ? 0 : strlen(cwd) + 1, plen = strlen(path);
  if (clen + plen + 12 > PATH_MAX) return -ENAMETOOLONG; /* room for ".N" */
  char *p = malloc(clen + plen + 1);
  if (p == NULL) return UVLOG_ENOMEM;
  if (clen) {
    memcpy(p, cwd, clen - 1);
    p[clen - 1] = '/';
  }
  memcpy(p + clen, path, plen + 1);
  *out = p;
  return 0;
}

static int file_sink_new(file_sink_t **out, const char *path, const uvlog_file_options_t *o) {
  char *abs;
  int err = file_abs_path(path, &abs);
  if (err) return err;
  file_sink_t *fs = calloc(1, sizeof *fs);
  if (fs == NULL) {
    free(abs);
    return UVLOG_ENOMEM;
  }
  fs->magic = FILE_SINK_MAGIC;
  fs->fd = -1;
  fs->opts = *o;
  fs->clock = clock_realtime;
  fs->path = abs;
  fs->name_cap = strlen(abs) + 12;
  fs->name_a = malloc(fs->name_cap);
  fs->name_b = malloc(fs->name_cap);
  fs->iov = calloc(IOV_MAX, sizeof *fs->iov);
  if (!fs->path || !fs->name_a || !fs->name_b || !fs->iov) {
    file_free(fs);
    return UVLOG_ENOMEM;
  }
  err = file_reopen_path(fs, 1);
  struct stat st;
  /* Rotating renames the file: never do that to a device or a FIFO. */
  if (err == 0 && (o->rotate_size > 0 || o->rotate_every != UVLOG_ROTATE_NEVER) &&
      (fstat(fs->fd, &st) != 0 || !S_ISREG(st.st_mode)))
    err = UVLOG_EINVAL;
  if (err) {
    file_free(fs);
    return err;
  }
  *out = fs;
  return 0;
}

int uvlog_sink_file_create(uvlog_sink_t **out, const char *path, const uvlog_file_options_t *opts) {
  uvlog_file_options_t defaults;
  if (out == NULL || path == NULL || path[0] == '\0') return UVLOG_EINVAL;
  *out = NULL;
  if (opts == NULL) {
    uvlog_file_options_init(&defaults);
    opts = &defaults;
  }
  int err = file_options_check(opts);
  if (err) return err;
  file_sink_t *fs;
  if ((err = file_sink_new(&fs, path, opts)) != 0) return err;
  if ((err = uvlog_sink_create(&fs->sink, &file_vtable, fs)) != 0) {
    file_free(fs);
    return err;
  }
  *out = fs->sink;
  return 0;
}

const uvlog_sink_vtable_t *uvlog__file_sink_vtable(void) { return &file_vtable; }

int uvlog__file_sink_set_clock(uvlog_sink_t *sink, uvlog_file_clock_fn fn, void *ctx) {
  const char *name = sink ? uvlog_sink_name(sink) : NULL;
  if (name == NULL || strcmp(name, file_vtable.name) != 0) return UVLOG_EINVAL;
  file_sink_t *fs = uvlog_sink_data(sink);
  if (fs == NULL || fs->magic != FILE_SINK_MAGIC || fs->sink != sink) return UVLOG_EINVAL;
  fs->clock = fn ? fn : clock_realtime;
  fs->clock_ctx = fn ? ctx : NULL;
  struct stat st;
  int64_t mtime = fs->clock(fs->clock_ctx);
  if (fstat(fs->fd, &st) == 0) mtime = (int64_t)st.st_mtim.tv_sec * NS_PER_S + st.st_mtim.tv_nsec;
  file_set_boundary(fs, mtime);
  return 0;
}

int uvlog__file_sink_crash_fd(const uvlog_sink_t *sink) {
  const char *name = sink ? uvlog_sink_name(sink) : NULL;
  if (name == NULL || strcmp(name, file_vtable.name) != 0) return -1;
  const file_sink_t *fs = uvlog_sink_data(sink);
  if (fs == NULL || fs->magic != FILE_SINK_MAGIC) return -1;
  /* The listener may be replacing it (reopen, rotation): a plain read of an
   * int; a stale descriptor makes the crash flush's write fail, nothing else. */
  return *(const volatile int *)&fs->fd;
}
