/*
 * test_reentrant_signal_never_waits.c -- a signal handler that logs while
 * its thread is inside a log call, between claim and commit, on a full ring
 * in BLOCK mode. Waiting would never end: the listener is stopped at the
 * very record the interrupted call has not committed. The re-entrant call
 * must drop and count (UVLOG_EAGAIN) instead, and the interrupted call must
 * complete normally.
 *
 * How the signal lands inside the window, deterministically: uvlog_log() of
 * a message longer than its 512-byte stack buffer formats twice, the second
 * time straight into the claimed slot. A custom printf conversion (%W,
 * glibc's register_printf_specifier) raises SIGUSR1 on its second call.
 */
#include <criterion/criterion.h>
#include <printf.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "uvlog.h"

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static uvlog_t *g_log;
static atomic_int gate_closed, in_write;
static int w_calls;
static volatile int inner_rc = 1;
static char inner_text[900];

static void on_usr1(int sig) {
  (void)sig;
  inner_rc = UVLOG_ERROR_TO(g_log, "from the handler: %s", inner_text);
}

static int print_w(FILE *stream, const struct printf_info *info, const void *const *args) {
  (void)info;
  (void)args;
  if (++w_calls == 2) raise(SIGUSR1); /* the second pass: inside the claimed slot */
  return fputc('w', stream) == EOF ? -1 : 1;
}

static int arginfo_w(const struct printf_info *info, size_t n, int *types, int *size) {
  (void)info; (void)n; (void)types; (void)size;
  return 0;
}

/* The listener's first write waits at the gate: the ring is not released. */
static int gate(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s; (void)e; (void)n;
  atomic_store(&in_write, 1);
  while (atomic_load(&gate_closed)) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  return 0;
}

Test(reentrant, signal_inside_a_blocked_call_drops_instead_of_waiting) {
  alarm(60); /* before the fix this test hangs: fail instead */
  cr_assert_eq(register_printf_specifier('W', print_w, arginfo_w), 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  cr_assert_eq(sigaction(SIGUSR1, &sa, NULL), 0);
  memset(inner_text, 'i', sizeof inner_text - 1);

  capture_t c;
  capture_init(&c);
  c.on_write = gate;
  uvlog_options_t o;
  uvlog_options_init(&o);
  o.ring_capacity = 8192; /* max_record: 1024 */
  o.overflow = UVLOG_OVERFLOW_BLOCK;
  cr_assert_eq(uvlog_logger_create(&g_log, &o), 0);
  cr_assert_eq(uvlog_sink_add(g_log, capture_sink(&c, UVLOG_LEVEL_TRACE)), 0);
  cr_assert_eq(uvlog_logger_start(g_log), 0);

  atomic_store(&gate_closed, 1);
  cr_assert_eq(UVLOG_INFO_TO(g_log, "first"), 0);
  while (!atomic_load(&in_write)) sched_yield();
  /* Fill the ring until 1400..1448 bytes are free (the listener holds it). */
  uvlog_stats_t st;
  int fills = 0;
  for (;;) {
    cr_assert_eq(uvlog_logger_stats(g_log, &st), 0);
    if (st.queue_capacity - st.queue_bytes < 1400 + 48) break;
    cr_assert_eq(UVLOG_INFO_TO(g_log, "fill %d", fills), 0);
    fills++;
  }
  /* The outer call: ~664 bytes fit; the handler's ~950 do not. */
  const char *fmt = "%W%600s";
  int rc = uvlog_log(g_log, UVLOG_LEVEL_WARNING, __FILE__, __LINE__, __func__, fmt, "outer");
  cr_assert_eq(w_calls, 2, "the message was formatted twice");
  cr_assert_eq(rc, 0);
  cr_assert_eq(inner_rc, UVLOG_EAGAIN, "the re-entrant call did not wait: dropped");
  atomic_store(&gate_closed, 0);
  cr_assert_eq(uvlog_logger_flush(g_log, -1), 0);
  cr_assert_eq(uvlog_logger_stats(g_log, &st), 0);
  cr_assert_eq(st.dropped, 1);
  cr_assert_eq(st.dropped_by_level[UVLOG_LEVEL_ERROR], 1);
  cr_assert_eq(capture_count(&c, "outer\n"), 1);
  cr_assert_eq(capture_count(&c, "INFO fill "), (size_t)fills);
  alarm(0);
  uvlog_logger_destroy(g_log);
  capture_free(&c);
}
