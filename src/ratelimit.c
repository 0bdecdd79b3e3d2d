/*
 * ratelimit.c -- the per-call-site rate limit (ratelimit.h), for log
 * storms: a loop that logs the same error a million times a second keeps
 * rate_limit_burst records per interval and says how many it suppressed.
 *
 * STATE
 * One 64-bit word per call site, in the site's static cache
 * (uvlog_site_cache_t.rate, zero at start): the window number in the high
 * 32 bits, the calls counted in that window in the low 32. The window
 * number is (now - epoch) / interval, `now` being the call's own stamp
 * (TSC ticks or CLOCK_REALTIME ns, whichever the logger records: no extra
 * clock read) and the interval converted to those units at create.
 *
 * A CALL (only when the limit is on: producer.c tests rl_burst first)
 *   1. Load the word (relaxed) and compute the call's window.
 *   2. CAS the word to (window, count + 1), or to (window, 1) if the word
 *      holds an older window. A call whose stamp is older than the word's
 *      window (a thread preempted between its stamp and here) counts in the
 *      word's window, so the window never moves back. A count at
 *      UINT32_MAX stays there (refused, no CAS).
 *   3. Through if the new count is <= burst, else refused with
 *      UVLOG_ERATELIMITED and counted in log->rate_limited.
 *   4. The one call whose CAS moved the window on, if the old window
 *      counted more than burst, first queues "suppressed M records from
 *      file:line (rate limit: B per I ms)" with M = old count - burst.
 *      Exactly one CAS succeeds per move, so the summary is written once.
 * Every access is relaxed: the word publishes no other data, and the CAS
 * alone makes each count and each window move happen exactly once. A
 * summary is therefore written when the site is next called after its
 * interval, not at the end of the interval itself (a site that falls
 * silent reports its last suppressed count never; docs/api.md).
 */
#include "ratelimit.h"

#include <string.h>

#include "dec.h"
#include "logger_impl.h"
#include "tsc.h"

#define NS_PER_MS 1000000ull

const char *uvlog__rate_options_why(const uvlog_options_t *o) {
  if (o->rate_limit_burst > 0 && o->rate_limit_interval_ms == 0)
    return "rate_limit_interval_ms: must not be 0 when rate_limit_burst is set";
  return NULL;
}

void uvlog__rate_init(uvlog_t *log) {
  uint64_t ns = (uint64_t)log->opts.rate_limit_interval_ms * NS_PER_MS;
  log->rl_burst = log->opts.rate_limit_burst;
  log->rl_interval = ns;
  /* TSC stamps: the interval in ticks, from the rate measured at create. */
  if (log->tsc && log->tconv.ns_per_tick > 0) {
    double t = (double)ns / log->tconv.ns_per_tick;
    log->rl_interval = t < 1 ? 1 : (uint64_t)t;
  }
  if (log->rl_interval == 0) log->rl_interval = 1;
  log->rl_epoch = uvlog__stamp(log->tsc);
}

int uvlog__rate_set_clock(uvlog_t *log, uvlog_rate_clock_fn fn, void *ctx) {
  if (!log) return UVLOG_EINVAL;
  log->rl_clock = fn;
  log->rl_clock_ctx = ctx;
  log->rl_interval = (uint64_t)log->opts.rate_limit_interval_ms * NS_PER_MS;
  if (log->rl_interval == 0) log->rl_interval = 1;
  log->rl_epoch = fn ? (uint64_t)fn(ctx) : uvlog__stamp(log->tsc);
  if (!fn) uvlog__rate_init(log);
  return 0;
}

/* Appends `s` (n bytes) at *p, within end. */
static char *put(char *p, const char *end, const char *s, size_t n) {
  if (n > (size_t)(end - p)) n = (size_t)(end - p);
  memcpy(p, s, n);
  return p + n;
}

static char *put_u64(char *p, const char *end, uint64_t v) {
  char tmp[20], *e = tmp + sizeof tmp;
  char *b = uvlog__u64_dec(e, v);
  return put(p, end, b, (size_t)(e - b));
}

/* Queues the summary of a window that refused `m` records. */
static void summary(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site, uint64_t m) {
  char text[512], *p = text, *end = text + sizeof text;
  const char *file = site->file ? site->file : "?";
  p = put(p, end, "suppressed ", 11);
  p = put_u64(p, end, m);
  p = put(p, end, " records from ", 14);
  p = put(p, end, file, strlen(file));
  p = put(p, end, ":", 1);
  p = put_u64(p, end, (uint64_t)(site->line < 0 ? 0 : site->line));
  p = put(p, end, " (rate limit: ", 14);
  p = put_u64(p, end, log->rl_burst);
  p = put(p, end, " per ", 5);
  p = put_u64(p, end, log->opts.rate_limit_interval_ms);
  p = put(p, end, " ms)", 4);
  size_t len = (size_t)(p - text);
  if (len > log->max_record) len = log->max_record;
  uvlog_rec_t *rec;
  if (uvlog__rec_claim(log, level, len, &rec) != 0) return; /* dropped: counted there */
  rec->site = site;
  memcpy(rec->data, text, len);
  uvlog__rec_commit(log, rec);
}

int uvlog__rate_admit(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site, uint64_t ts) {
  uint64_t now = log->rl_clock ? (uint64_t)log->rl_clock(log->rl_clock_ctx) : ts;
  uint64_t since = (int64_t)(now - log->rl_epoch) > 0 ? now - log->rl_epoch : 0;
  uint32_t win = (uint32_t)(since / log->rl_interval);
  unsigned long long *word = &site->cache->rate;
  uint64_t old = __atomic_load_n(word, __ATOMIC_RELAXED), nw;
  uint32_t ow, oc;
  do {
    ow = (uint32_t)(old >> 32);
    oc = (uint32_t)old;
    if ((int32_t)(win - ow) <= 0) { /* this window (or a stamp older than it) */
      if (oc == UINT32_MAX) goto refused;
      nw = old + 1;
    } else {
      nw = (uint64_t)win << 32 | 1u;
    }
  } while (!__atomic_compare_exchange_n(word, &old, nw, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  if ((uint32_t)(nw >> 32) != ow && oc > log->rl_burst) summary(log, level, site, oc - log->rl_burst);
  if ((uint32_t)nw <= log->rl_burst) return 0;
refused:
  atomic_fetch_add_explicit(&log->rate_limited, 1, memory_order_relaxed); /* a tally */
  return UVLOG_ERATELIMITED;
}
