/*
 * test_file_fifo_no_hang.c -- a file sink on a FIFO never hangs: creating
 * it on a FIFO without a reader fails at once with -ENXIO, and a reader that
 * stops reading costs the listener one bounded wait, after which records are
 * dropped and counted, so flush and close return.
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

static char dir[512], fifo[600];

static void setup(void) {
  nf_mkdtemp(dir, sizeof dir, "fifo");
  snprintf(fifo, sizeof fifo, "%s/pipe", dir);
  cr_assert_eq(mkfifo(fifo, 0600), 0);
}

static void teardown(void) { nf_rmtree(dir); }

Test(file_fifo_no_hang, create_on_a_fifo_without_reader_fails_at_once, .init = setup,
     .fini = teardown, .timeout = 60) {
  uvlog_sink_t *s = NULL;
  int64_t t0 = nf_now_ms();
  cr_assert_eq(uvlog_sink_file_create(&s, fifo, NULL), -ENXIO);
  cr_assert_lt(nf_now_ms() - t0, 1000);
  cr_assert_null(s);
}

Test(file_fifo_no_hang, a_reader_that_stops_costs_one_bounded_wait, .init = setup,
     .fini = teardown, .timeout = 60) {
  int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader that never reads */
  cr_assert_geq(rd, 0);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_file_create(&s, fifo, NULL), 0);
  /* 20 batches of 100 KiB: the 64 KiB pipe is full after the first. */
  uvlog_t *log = nf_check_stalled_writes(s, 20, 4000);
  uvlog_logger_destroy(log);
  close(rd);
}
