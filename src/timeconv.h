/*
 * timeconv.h -- the listener's conversion of TSC ticks to wall-clock ns
 * (timeconv.c). One converter per logger, used by one thread only (the
 * listener, through decode.c); no atomics.
 *
 * The conversion is a continuous, non-decreasing, piecewise-linear function
 * of the tick, built from (TSC, CLOCK_REALTIME) pairs sampled by the
 * listener itself: between two pairs it interpolates, past the newest one
 * it extrapolates with the measured ns per tick, for at most
 * TCONV_GAP_NS before it samples a new pair. A new pair is joined to
 * the values already handed out (the function never changes for a tick it
 * has converted), so a later tick never converts to an earlier time:
 * per-thread order holds, and across threads converted times are in the
 * order of the TSC reads. See docs/design.md, "The timestamp".
 */
#ifndef UVLOG_TIMECONV_H
#define UVLOG_TIMECONV_H

#include <stdint.h>

#define TCONV_POINTS 32          /* breakpoints kept */
#define TCONV_GAP_NS 1000000     /* extrapolate at most 1 ms past the newest pair */
#define TCONV_STEP_NS 100000000  /* a clock off by more than this is stepped to */

typedef struct tconv_point {
  uint64_t tick;
  int64_t ns;
  double rate; /* ns per tick after this point; 0: interpolate to the next */
} tconv_point_t;

typedef struct uvlog_tconv {
  tconv_point_t pt[TCONV_POINTS]; /* a circular list, ascending tick and ns */
  unsigned n, newest;             /* points held; index of the newest */
  double ns_per_tick;             /* measured over [base, newest] */
  tconv_point_t base, mid;        /* real pairs: the rate is measured from base */
  uint64_t gap_ticks;             /* TCONV_GAP_NS in ticks */
  uint64_t hi_tick;               /* highest tick converted so far */
  int64_t hi_ns;                  /* and what it converted to */
  uint64_t samples;               /* pairs taken (stats, tests) */
} uvlog_tconv_t;

/* Calibrates (spins ~200 us) and takes the first pair. */
void uvlog__tconv_init(uvlog_tconv_t *c);
/* Wall-clock ns of TSC value `tick`. May sample a new pair. */
int64_t uvlog__tconv_ns(uvlog_tconv_t *c, uint64_t tick);

#endif /* UVLOG_TIMECONV_H */
