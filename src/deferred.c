/*
 * deferred.c -- deferred formatting, producer side (deferred.h): the
 * once-per-site scan of the format (uvlog_site_prepare), the site's record
 * layout, and the encoder a deferred call runs. The listener's renderer is
 * render.c; the log call itself is producer.c.
 *
 * The scan accepts only what the renderer can reproduce exactly; anything
 * else makes the call site fall back to uvlog_log(). A call's cost here is
 * strnlen of its %s arguments and three copies: the site's precomputed
 * tag block, the 8-byte values, the string bytes. No lock, no malloc, no
 * system call.
 */
#include "deferred.h"
#include "spec.h"

#include <string.h>

int uvlog__deferred_plan(const char *fmt, uvlog_site_cache_t *plan) {
  unsigned k = 0;
  memset(plan->use, DEF_USE_NONE, sizeof plan->use);
  for (unsigned i = 0; i < UVLOG_DEFERRED_MAX_ARGS; i++) plan->prec[i] = -1;
  if (!fmt) return 0;
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') continue;
    if (p[1] == '%') { p++; continue; }
    spec_t sp;
    if (!uvlog__parse_spec(p, &sp)) return 0;
    if (sp.wstar && k < UVLOG_DEFERRED_MAX_ARGS) plan->use[k] = DEF_USE_INT;
    k += (unsigned)sp.wstar;
    if (sp.pstar && k < UVLOG_DEFERRED_MAX_ARGS) plan->use[k] = DEF_USE_INT;
    k += (unsigned)sp.pstar;
    if (k < UVLOG_DEFERRED_MAX_ARGS) {
      plan->use[k] = sp.conv == 's' ? DEF_USE_STR : DEF_USE_OTHER;
      if (sp.conv == 's' && sp.has_prec) plan->prec[k] = sp.pstar ? -2 : (int)sp.prec;
    }
    k++;
    p += sp.len - 1;
  }
  return 1;
}

static int tag_ok(unsigned tag) {
  switch (tag) {
  case UVLOG_ARG_SINT | 4u: case UVLOG_ARG_UINT | 4u: case UVLOG_ARG_SINT | 8u:
  case UVLOG_ARG_UINT | 8u: case UVLOG_ARG_DBL | 8u: case UVLOG_ARG_PTR | 8u:
  case UVLOG_ARG_CSTR | 8u:
    return 1;
  default:
    return 0;
  }
}

int uvlog__deferred_layout(uvlog_site_cache_t *plan, const unsigned char *tags, unsigned n) {
  if (n > UVLOG_DEFERRED_MAX_ARGS || (n > 0 && !tags)) return 0;
  memset(plan->head, 0, sizeof plan->head);
  plan->head[0] = (unsigned char)n;
  plan->smask = 0;
  for (unsigned i = 0; i < n; i++) {
    unsigned tag = tags[i];
    if (!tag_ok(tag)) return 0;
    if ((tag & 0xf0u) == UVLOG_ARG_CSTR) {
      if (plan->use[i] == DEF_USE_STR) {
        tag = DEF_TAG_STR; /* DEF_TAG_NULLSTR for a NULL, per call */
        plan->smask |= 1u << i;
      } else {
        tag = UVLOG_ARG_PTR | 8u; /* a char * given to %p (or a mismatch) */
      }
    }
    plan->head[1 + i] = (unsigned char)tag;
  }
  plan->fixed = (unsigned)(uvlog__deferred_head(n) + 8 * (size_t)n);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Per call site cache                                                       */
/* ------------------------------------------------------------------------ */

int uvlog__site_plan(const uvlog_site_t *site, uvlog_site_cache_t *c) {
  return uvlog__deferred_plan(site->fmt, c) && uvlog__deferred_layout(c, site->tags, site->nargs);
}

int uvlog_site_prepare(const uvlog_site_t *site) {
  if (!site || !site->cache) return 0;
  uvlog_site_cache_t *c = site->cache;
  /* Acquire: if another thread published, its plan bytes are visible. */
  int st = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
  if (st == UVLOG__SITE_DEFER) return 1;
  if (st == UVLOG__SITE_FALLBACK) return 0;
  int expect = UVLOG__SITE_UNKNOWN;
  /* Relaxed CAS: it only elects the one writer of the plan; publication is
   * the release store below. A loser (state BUSY) just scans for itself
   * and takes the fallback path this once (its own plan is on its stack;
   * uvlog_log_args() reads only the published one). */
  if (st == UVLOG__SITE_UNKNOWN &&
      __atomic_compare_exchange_n(&c->state, &expect, UVLOG__SITE_BUSY, 0, __ATOMIC_RELAXED,
                                  __ATOMIC_RELAXED)) {
    int ok = uvlog__site_plan(site, c);
    /* Release: the plan bytes written above happen-before any acquire load
     * that sees DEFER (uvlog__site_ok(), uvlog_log_args()). */
    __atomic_store_n(&c->state, ok ? UVLOG__SITE_DEFER : UVLOG__SITE_FALLBACK, __ATOMIC_RELEASE);
    return ok;
  }
  return 0;
}
