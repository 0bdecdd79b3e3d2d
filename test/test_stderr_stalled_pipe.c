/*
 * test_stderr_stalled_pipe.c -- the stderr sink on a pipe whose reader
 * stopped, non-blocking or blocking: the listener waits once (about 1 s), not
 * once per batch nor for ever; the records it could not write are counted as
 * dropped; flush and close return; fd 2's flags are left alone.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net_fixture.h"
#include "uvlog.h"

/* fd 2 on a pipe (non-blocking or not) whose reader never reads: 10
 * batches of 100 KiB take one wait, not one per batch (nor for ever), and
 * what could not be written is counted. */
static void stalled_pipe(int nonblocking) {
  int p[2];
  cr_assert_eq(pipe(p), 0);
  if (nonblocking) cr_assert_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
  int saved = dup(2);
  cr_assert_eq(dup2(p[1], 2), 2);
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_stderr_create(&s), 0);
  uvlog_t *log = nf_check_stalled_writes(s, 10, 3000);
  dup2(saved, 2);
  close(saved);
  cr_assert_eq(fcntl(p[1], F_GETFL) & O_NONBLOCK, nonblocking ? O_NONBLOCK : 0,
               "fd 2's flags were changed");
  uvlog_logger_destroy(log);
  close(p[0]);
  close(p[1]);
}

Test(stderr_stalled_pipe, a_stopped_reader_costs_one_wait_and_the_loss_is_counted,
     .timeout = 60) {
  stalled_pipe(1);
}

Test(stderr_stalled_pipe, a_blocking_pipe_does_not_block_the_listener, .timeout = 60) {
  stalled_pipe(0);
}
