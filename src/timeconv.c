/*
 * timeconv.c -- TSC ticks to wall-clock ns, on the listener (timeconv.h),
 * and the once-per-logger choice of clock (tsc.h: uvlog__tsc_usable).
 *
 * THE FUNCTION
 * A list of breakpoints (tick, ns), ascending in both. Between two of them
 * a tick converts by linear interpolation; past the newest, by
 * extrapolation with ns_per_tick; before the oldest kept, to the oldest's
 * ns (clamped, so still non-decreasing). Breakpoints are only ever added
 * past the highest tick converted so far (hi), after first fixing the
 * function there with a breakpoint at (hi, what hi converted to): the
 * function never changes where it has been used. Hence, for any two ticks
 * t1 <= t2, whichever is converted first, ns(t1) <= ns(t2).
 *
 * SAMPLING
 * A pair is rdtsc, clock_gettime(CLOCK_REALTIME), rdtsc (best of three, the
 * tick being the midpoint of the tightest). The converter samples when a
 * tick lies more than TCONV_GAP_NS past the newest breakpoint: when busy,
 * about once per millisecond (three reads, ~0.15 us); when idle, not at all, and the
 * first record after a pause is interpolated between the last pair and a
 * fresh one (both taken around it), so a pause costs no accuracy.
 * ns_per_tick is measured over a baseline of 15 to 30 s once there is one
 * (the first 200 us calibration only serves until the next pair).
 *
 * CLOCK STEPS
 * Real time ahead of the function: the new pair is taken as is (a forward
 * step shows as a jump). Real time behind it by up to TCONV_STEP_NS
 * (extrapolation ran a little fast): the new breakpoint keeps the previous
 * value (time stands still until the clock catches up). Behind by more (the
 * clock was stepped back, e.g. settimeofday): the function restarts from
 * the new pair, and timestamps step back as CLOCK_REALTIME itself did; the
 * only case where a later record may show an earlier time.
 */
#include "timeconv.h"
#include "tsc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef UVLOG_HAVE_TSC
#include <cpuid.h>
#endif

/* 0 if Linux runs its clocks on a source unrelated to the TSC (hpet,
 * acpi_pm...): it switches to those when it finds the TSC unstable or
 * unsynchronised across cores. "tsc", and in a KVM guest "kvm-clock"
 * (itself the host's TSC, scaled), mean it did not. Unknown (no sysfs):
 * trust cpuid. */
static int kernel_trusts_tsc(void) {
  FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
  if (!f) return 1;
  char name[32] = "";
  int ok = fgets(name, sizeof name, f) == NULL || strncmp(name, "tsc", 3) == 0 ||
           strncmp(name, "kvm-clock", 9) == 0;
  fclose(f);
  return ok;
}

int uvlog__tsc_usable(void) {
  const char *env = getenv("UVLOG_CLOCK");
  if (env && strcmp(env, "realtime") == 0) return 0;
#ifdef UVLOG_HAVE_TSC
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u) return 0;
  if (!__get_cpuid(0x80000007u, &a, &b, &c, &d)) return 0;
  if (!((d >> 8) & 1u)) return 0; /* no invariant TSC */
  return kernel_trusts_tsc();
#else
  return 0;
#endif
}

/* One (tick, ns) pair, the tightest of three reads. */
static tconv_point_t sample(void) {
  tconv_point_t best = {0, 0, 0};
  uint64_t best_w = UINT64_MAX;
  for (int i = 0; i < 3; i++) {
    uint64_t t1 = uvlog__rdtsc();
    int64_t ns = uvlog__now_ns();
    uint64_t t2 = uvlog__rdtsc();
    if (t2 - t1 < best_w) {
      best_w = t2 - t1;
      best.tick = t1 + (t2 - t1) / 2;
      best.ns = ns;
    }
  }
  return best;
}

/* Appends a breakpoint. The previous newest keeps its rate if ticks past
 * it were converted by extrapolation (`frozen`: the same formula then gives
 * the same values), else it interpolates up to the new point. */
static void push(uvlog_tconv_t *c, tconv_point_t p, int frozen) {
  if (c->n > 0) {
    if (!frozen) c->pt[c->newest].rate = 0;
    c->newest = (c->newest + 1) % TCONV_POINTS;
  }
  p.rate = c->ns_per_tick;
  c->pt[c->newest] = p;
  if (c->n < TCONV_POINTS) c->n++;
}

static void set_rate(uvlog_tconv_t *c, tconv_point_t from, tconv_point_t to) {
  if (to.tick <= from.tick || to.ns <= from.ns) return;
  c->ns_per_tick = (double)(to.ns - from.ns) / (double)(to.tick - from.tick);
  c->gap_ticks = (uint64_t)((double)TCONV_GAP_NS / c->ns_per_tick);
}

void uvlog__tconv_init(uvlog_tconv_t *c) {
  memset(c, 0, sizeof(*c));
  tconv_point_t p0 = sample(), p1;
  do p1 = sample();
  while (p1.ns - p0.ns < 200000 && p1.ns >= p0.ns);
  c->ns_per_tick = 1.0; /* only if the clock stepped back during the calibration */
  c->gap_ticks = TCONV_GAP_NS;
  set_rate(c, p0, p1);
  c->base = c->mid = p0;
  push(c, p1, 0);
  c->hi_tick = p1.tick;
  c->hi_ns = p1.ns;
  c->samples = 2;
}

/* Takes a new pair and adds it as the newest breakpoint (top comment). */
static void add_sample(uvlog_tconv_t *c) {
  tconv_point_t s = sample();
  c->samples++;
  tconv_point_t nw = c->pt[c->newest];
  if (s.tick <= nw.tick) return; /* cannot happen with a synchronised TSC */
  if (c->hi_tick > nw.tick && c->hi_tick < s.tick) { /* freeze what was handed out */
    nw.tick = c->hi_tick;
    nw.ns = c->hi_ns;
    push(c, nw, 1);
  }
  if (s.ns < nw.ns && nw.ns - s.ns > TCONV_STEP_NS) {
    /* the clock was stepped back: restart from the new pair */
    c->n = 0;
    c->newest = 0;
    push(c, s, 0);
    c->base = c->mid = s;
    c->hi_tick = s.tick;
    c->hi_ns = s.ns;
    return;
  }
  set_rate(c, c->base, s);
  if (s.ns < nw.ns) s.ns = nw.ns; /* slightly ahead: stand still until it catches up */
  push(c, s, 0);
  if (s.ns - c->mid.ns > 15000000000) { /* slide the baseline: 15..30 s */
    c->base = c->mid;
    c->mid = s;
  }
}

/* The function on [a, b], a.tick <= t < b.tick. */
static int64_t segment(tconv_point_t a, tconv_point_t b, uint64_t t) {
  if (a.rate != 0) return a.ns + (int64_t)((double)(t - a.tick) * a.rate);
  double f = (double)(t - a.tick) / (double)(b.tick - a.tick);
  return a.ns + (int64_t)(f * (double)(b.ns - a.ns));
}

int64_t uvlog__tconv_ns(uvlog_tconv_t *c, uint64_t t) {
  tconv_point_t nw = c->pt[c->newest];
  if (t >= nw.tick && t - nw.tick > c->gap_ticks) {
    add_sample(c);
    nw = c->pt[c->newest];
  }
  if (t >= nw.tick) {
    int64_t ns = nw.ns + (int64_t)((double)(t - nw.tick) * nw.rate);
    if (t > c->hi_tick) {
      c->hi_tick = t;
      c->hi_ns = ns;
    }
    return ns;
  }
  unsigned cur = c->newest;
  for (unsigned k = 1; k < c->n; k++) {
    unsigned prev = (cur + TCONV_POINTS - 1) % TCONV_POINTS;
    if (t >= c->pt[prev].tick) return segment(c->pt[prev], c->pt[cur], t);
    cur = prev;
  }
  return c->pt[cur].ns; /* older than every breakpoint kept */
}
