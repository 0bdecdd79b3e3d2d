/*
 * listener_fixture.h -- for tests of the listener's wake-up policy: wait
 * until a started logger's listener is in its deep sleep (no timer; the next
 * commit wakes it). A record claimed while the listener's first round looks
 * at the ring finds a light sleep instead, by design, so tests that need the
 * deep sleep wait for it first; others wait for the light sleep (latency
 * timer armed) before they test what does not wake it. Uses the logger's
 * internals (logger_impl.h).
 */
#ifndef UVLOG_TEST_LISTENER_FIXTURE_H
#define UVLOG_TEST_LISTENER_FIXTURE_H

#include "capture.h"
#include "logger_impl.h"

/* Waits (at most 5 s) until the listener sleeps in state `park`. */
static inline void wait_parked(uvlog_t *log, int park) {
  for (int i = 0; i < 5000 && atomic_load(&log->parked) != park; i++) test_sleep_ms(1);
  cr_assert_eq(atomic_load(&log->parked), park);
}

static inline void wait_deep_sleep(uvlog_t *log) { wait_parked(log, PARK_DEEP); }

#endif /* UVLOG_TEST_LISTENER_FIXTURE_H */
