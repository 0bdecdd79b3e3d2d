/*
 * ratelimit.h -- the per-call-site rate limit (ratelimit.c): at most
 * opts.rate_limit_burst records per opts.rate_limit_interval_ms from one
 * deferred call site, and one "suppressed M records" record when the
 * interval rolls over.
 */
#ifndef UVLOG_RATELIMIT_H
#define UVLOG_RATELIMIT_H

#include <stdint.h>

#include "uvlog.h"

/* Why the rate-limit options are refused (a static string), or NULL. */
const char *uvlog__rate_options_why(const uvlog_options_t *o);
/* At create, after the clock choice (log->tsc): the interval in the units
 * of the records' stamps, and the epoch windows are counted from. */
void uvlog__rate_init(uvlog_t *log);
/* Producer, only when log->rl_burst != 0: counts the call in its site's
 * window. Returns 0 (let it through) or UVLOG_ERATELIMITED (refused,
 * counted). The first call of a new window after a window that refused
 * records first queues the summary record at `level`. `ts` is the call's
 * stamp (uvlog__stamp). */
int uvlog__rate_admit(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site, uint64_t ts);

/* Tests: windows are counted on fn(ctx) (ns) instead of the stamps, from
 * its value now. fn NULL restores the stamps. Call before logging. */
typedef int64_t (*uvlog_rate_clock_fn)(void *ctx);
int uvlog__rate_set_clock(uvlog_t *log, uvlog_rate_clock_fn fn, void *ctx);

#endif /* UVLOG_RATELIMIT_H */
