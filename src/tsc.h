/*
 * tsc.h -- the producer's timestamp: raw ticks, read before the claim.
 *
 * Owns the choice of clock and the read. Where the CPU has an invariant TSC
 * (x86-64, cpuid 0x80000007 EDX bit 8: constant rate, runs in every
 * C-state) that the kernel has not given up on (clocksource tsc or
 * kvm-clock) a record stores the raw
 * `rdtsc` value (~12 ns, no vDSO call); the listener converts ticks to wall
 * time (timeconv.h). Elsewhere, or with UVLOG_CLOCK=realtime in the
 * environment, a record stores CLOCK_REALTIME nanoseconds directly. The
 * choice is made per logger at create and never changes (uvlog_pub_t.tsc).
 */
#ifndef UVLOG_TSC_H
#define UVLOG_TSC_H

#include <stdint.h>

#include "clock.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <x86intrin.h>
#define UVLOG_HAVE_TSC 1
#endif

/* The raw TSC (0 where there is none: never called then). */
static inline uint64_t uvlog__rdtsc(void) {
#ifdef UVLOG_HAVE_TSC
  return __rdtsc();
#else
  return 0;
#endif
}

/* A record's timestamp: TSC ticks when `tsc`, else CLOCK_REALTIME ns. */
static inline uint64_t uvlog__stamp(int tsc) {
  return tsc ? uvlog__rdtsc() : (uint64_t)uvlog__now_ns();
}

/* 1 if records should carry TSC ticks: an invariant TSC, Linux's
 * clocksource is the TSC or kvm-clock (the kernel did not find the TSC
 * unstable and switch to hpet or acpi_pm), and no
 * UVLOG_CLOCK=realtime in the environment (read at each logger create). */
int uvlog__tsc_usable(void);

#endif /* UVLOG_TSC_H */
