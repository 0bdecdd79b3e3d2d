/*
 * producer.c -- the producer path: every log call, from the level check to
 * the wake-up, in the order it runs. Only producer threads run this file
 * (and only the rare fallbacks below call the listener's renderer).
 *
 * THE PATH (uvlog_log_args, the deferred call; the text calls are alike)
 *   0. The macro (uvlog/private.h): one relaxed load of the effective
 *      level and a branch; a filtered call returns before its arguments
 *      are evaluated.
 *   1. Admission: a valid level, not a forked child of the logger's process.
 *   2. Timestamp: rdtsc (or CLOCK_REALTIME), before the claim, so a record
 *      waiting for space keeps the time of its call.
 *   3. Measure: the site's fixed size plus the %s strings' lengths.
 *   4. Claim, with the overflow policy (claim()): drop and count, or wait;
 *      a re-entrant call (a signal handler interrupting this thread inside
 *      a log call) never waits.
 *   5. Encode: the 32-byte header, then the site's tag block, the values,
 *      the string bytes.
 *   6. Commit (a release store), then uvlog__notify() (wake.h) unless the
 *      call is re-entrant.
 * No lock, no malloc, no system call in steady state: the clock is rdtsc or
 * the vDSO, the thread id is cached, the claim is one CAS. Only a full ring
 * in block mode sleeps, and only a parked listener costs one write(2).
 *
 * STRUCTURED RECORDS
 * uvlog_log_kv() (the _KV macros) and uvlog_log_fields() add a field block
 * (fieldrec.h: measured, cut to max_record, encoded inline) before the
 * message. A record that carries a context -- the call's, or the thread's
 * (context.h) for a call that names none -- stores its pointer in the last
 * 8 bytes of the record and takes one reference after the claim
 * (attach_ctx(), out of line); a record without one pays a single test.
 *
 * RE-ENTRANCY
 * `in_call` is a per-thread marker set from just before the claim until
 * after the wake-up. A signal handler that logs while its thread is inside
 * that window (between claim and commit, or inside uv_async_send) must not
 * wait for space: the listener may be stopped at the very record the
 * interrupted call has not committed yet, so the wait would never end. It
 * drops and counts instead (UVLOG_EAGAIN) when the ring is full, and it
 * never calls the wake-up (the interrupted call wakes the listener when it
 * resumes; at worst the record waits for the listener's next timer). The
 * marker is a volatile sig_atomic_t in initial-exec TLS, ordered with
 * atomic_signal_fence: async-signal-safe.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "context.h"
#include "deferred.h"
#include "fieldrec.h"
#include "logger_impl.h"
#include "ratelimit.h"
#include "render.h"
#include "tsc.h"
#include "wake.h"

static _Thread_local volatile sig_atomic_t in_call __attribute__((tls_model("initial-exec")));

/* Marks the thread as inside a log call; returns 1 if it already was (a
 * re-entrant call). The signal fences keep the compiler from moving the
 * marker across the claim and commit; a handler runs on this thread, so no
 * hardware fence is needed. */
static inline int enter(void) {
  int nested = in_call;
  in_call = 1;
  atomic_signal_fence(memory_order_seq_cst);
  return nested;
}
static inline void leave(int nested) {
  atomic_signal_fence(memory_order_seq_cst);
  in_call = nested;
}

/* ---- admission, claim, commit ------------------------------------------- */

static inline int forked_child(const uvlog_t *log) {
  /* relaxed: both values only change before any other thread of this
   * process can run (logger.c: uvlog__fork_gen). */
  return atomic_load_explicit(&((uvlog_t *)log)->fork_gen, memory_order_relaxed) !=
         atomic_load_explicit(&uvlog__fork_gen, memory_order_relaxed);
}

/* The checks every call starts with (logger.h: uvlog__admit). */
static inline int admit(const uvlog_t *log, uvlog_level_t level) {
  if (UVLOG_UNLIKELY((unsigned)level >= UVLOG_LEVEL_OFF)) return UVLOG_EINVAL;
  /* relaxed: a lone value (private.h: uvlog_pub_t); a category's own. */
  if ((int)level < UVLOG__LOAD_LEVEL(log)) return UVLOG_EFILTERED;
  if (UVLOG_UNLIKELY(forked_child(uvlog__root(log)))) return UVLOG_ECLOSED;
  return 0;
}

int uvlog__admit(const uvlog_t *log, uvlog_level_t level) {
  if (!log) return UVLOG_EINVAL;
  return admit(log, level);
}

static void count_drop(uvlog_t *log, uvlog_level_t level) {
  atomic_fetch_add_explicit(&log->dropped_by_level[level], 1, memory_order_relaxed); /* a tally */
}

/* Waits for space in block mode. Called only when the ring was full. */
static int claim_blocking(uvlog_t *log, uvlog_level_t level, size_t bytes, uvlog_rec_t **out) {
  /* In a forked child nothing drains this ring: never wait. relaxed: a lone
   * value (0 before start: nothing drains either). */
  if ((int)getpid() != atomic_load_explicit(&log->pid, memory_order_relaxed)) {
    count_drop(log, level);
    return UVLOG_EAGAIN;
  }
  for (unsigned i = 0;; i++) {
    /* acquire: pairs with the release store of the state under mu. */
    int st = atomic_load_explicit(&log->state, memory_order_acquire);
    if (st != LOG_RUNNING && st != LOG_STARTING) {
      /* Nobody will ever drain: waiting would hang. Closing or closed ->
       * UVLOG_ECLOSED; not started (or start failed) -> drop and count. */
      if (st >= LOG_CLOSING) return UVLOG_ECLOSED;
      count_drop(log, level);
      return UVLOG_EAGAIN;
    }
    if (i >= 64) uvlog__notify_full(log); /* wake.h: never wait out the latency */
    if (i < 64) {
      uvlog__cpu_relax();
    } else if (i < 128) {
      sched_yield();
    } else {
      struct timespec ts = {0, i < 256 ? 20000 : 200000};
      nanosleep(&ts, NULL);
    }
    int rc = ring_claim(&log->ring, bytes, out);
    if (rc == RING_OK) return 0;
    if (rc == RING_CLOSED) return UVLOG_ECLOSED;
    if (rc != RING_FULL) return UVLOG_EINVAL;
  }
}

/* The context a record carries: the call's, else the thread's (context.h). */
static inline const uvlog_ctx_t *call_ctx(const uvlog_ctx_t *ctx) {
  return ctx ? ctx : uvlog__thread_ctx;
}

/* Stores the context pointer in the last 8 bytes of the claimed record
 * (record.h: REC_F_CTX), with the record's reference, dropped by the
 * listener after delivery (fieldbatch.c). At the end and out of line, so
 * that a record without a context pays one test and its data keeps a
 * fixed offset. The claimed size is our own store (ring_claim, negated). */
static __attribute__((noinline, cold)) void attach_ctx(uvlog_rec_t *rec, const uvlog_ctx_t *ctx) {
  int32_t size = -atomic_load_explicit(&rec->len, memory_order_relaxed);
  uvlog__ctx_ref(ctx);
  memcpy((unsigned char *)rec + size - sizeof ctx, &ctx, sizeof ctx);
  rec->flags = REC_F_CTX;
}

/* Claims a record with `bytes` of data (plus the pointer to `ctx`, if not
 * NULL: stored last, with a reference taken) and fills its header (type
 * REC_TEXT, no site, msg_len = bytes). The overflow policy: drop and count in DROP mode, on
 * the listener thread, and in a re-entrant call; else wait. */
static inline __attribute__((always_inline)) int claim(uvlog_t *log, uvlog_level_t level,
                                                       uint64_t ts, size_t bytes, int nested,
                                                       const uvlog_ctx_t *ctx,
                                                       uvlog_rec_t **out) {
  size_t total = REC_HEADER_SIZE + bytes + (ctx ? sizeof(void *) : 0);
  int rc = ring_claim(&log->ring, total, out);
  if (UVLOG_UNLIKELY(rc != RING_OK)) {
    if (rc == RING_CLOSED) return UVLOG_ECLOSED;
    if (rc != RING_FULL) return UVLOG_EINVAL;
    /* A full ring wakes a sleeping listener of either kind (wake.h); a
     * re-entrant call never enters the wake-up (the interrupted call may be
     * inside it). */
    if (!nested) uvlog__notify_full(log);
    if (log->overflow == UVLOG_OVERFLOW_DROP || nested || uvlog__on_listener(log)) {
      count_drop(log, level);
      return UVLOG_EAGAIN;
    }
    rc = claim_blocking(log, level, total, out);
    if (rc) return rc;
  }
  uvlog_rec_t *rec = *out;
  rec->type = REC_TEXT;
  rec->level = (uint8_t)level;
  rec->ts = ts;
  rec->tid = uvlog__tid();
  rec->msg_len = (uint32_t)bytes;
  /* Taken once the claim can no longer fail: a dropped record holds none. */
  if (UVLOG_UNLIKELY(ctx != NULL)) attach_ctx(rec, ctx);
  return 0;
}

/* Publishes the record, then the wake-up policy (wake.h), unless nested.
 * The level comes from the caller: once committed, the record may be
 * consumed and zeroed by the listener at any moment. */
static inline void commit(uvlog_t *log, uvlog_rec_t *rec, uvlog_level_t level, int nested) {
  ring_commit(&log->ring, rec);
  if (!nested) uvlog__notify(log, level);
}

int uvlog__rec_claim(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec) {
  uint8_t cat = uvlog__to_root(&log);
  if (!log || !rec || data_len > log->max_record) return UVLOG_EINVAL;
  int rc = claim(log, level, uvlog__stamp(log->tsc), data_len, 0, NULL, rec);
  if (!rc) (*rec)->category = cat;
  return rc;
}

int uvlog__rec_begin(uvlog_t *log, uvlog_level_t level, size_t data_len, uvlog_rec_t **rec) {
  int rc = uvlog__admit(log, level);
  return rc ? rc : uvlog__rec_claim(log, level, data_len, rec);
}

void uvlog__rec_commit(uvlog_t *log, uvlog_rec_t *rec) {
  commit(log, rec, (uvlog_level_t)rec->level, 0); /* read before the commit */
}

/* ---- no logger: the "last resort" ---------------------------------------- */

/* WARNING and above go to stderr in one write(2), control characters
 * escaped (Python's "last resort"). */
static int last_resort(uvlog_level_t level, const char *file, int line, const char *fmt,
                       va_list ap) UVLOG_PRINTF(4, 0);
static int last_resort(uvlog_level_t level, const char *file, int line, const char *fmt,
                       va_list ap) {
  if ((unsigned)level >= UVLOG_LEVEL_OFF) return UVLOG_EINVAL;
  if (level < UVLOG_LEVEL_WARNING) return UVLOG_ENOLOGGER;
  char msg[1024];
  int n = vsnprintf(msg, sizeof(msg), fmt, ap);
  if (n < 0) return UVLOG_EINVAL;
  size_t mlen = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
  char out[4200];
  int k = snprintf(out, sizeof(out), "uvlog (no logger): %s %s:%d ", uvlog_level_name(level),
                   file ? file : "-", line);
  size_t o = k > 0 && (size_t)k < 1024 ? (size_t)k : 0;
  for (size_t i = 0; i < mlen && o + 5 < sizeof(out); i++) {
    unsigned char c = (unsigned char)msg[i];
    if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o++] = '\n';
  ssize_t w;
  do w = write(2, out, o);
  while (w < 0 && errno == EINTR);
  return UVLOG_ENOLOGGER;
}

/* last_resort() wants a va_list; this gives it "%.*s". */
static int last_resort_text(uvlog_level_t level, const char *file, int line, const char *fmt,
                            ...) UVLOG_PRINTF(4, 5);
static int last_resort_text(uvlog_level_t level, const char *file, int line, const char *fmt,
                            ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = last_resort(level, file, line, fmt, ap);
  va_end(ap);
  return rc;
}

/* ---- text records ------------------------------------------------------------ */

/* Marks `rec` truncated if the message was `n` bytes and only `len` kept:
 * the 4 bytes after the text (claimed by the caller) hold n. */
static inline void mark_truncated(uvlog_t *log, uvlog_rec_t *rec, unsigned char *text, size_t n,
                                  size_t len) {
  if (n > len) {
    uint32_t orig = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    rec->flags |= REC_F_TRUNCATED;
    memcpy(text + len, &orig, sizeof orig);
    uvlog__count_truncated(log);
  }
}

/* Writes the field block at dst and flags the record. */
static inline void put_fields(uvlog_t *log, uvlog_rec_t *rec, const fb_call_t *fb,
                              unsigned char *dst) {
  uvlog__fb_encode(fb, dst);
  rec->flags |= REC_F_FIELDS;
  if (UVLOG_UNLIKELY(fb->cut)) {
    rec->flags |= REC_F_FTRUNC;
    uvlog__count_truncated(log);
  }
}

/* Stores the run-time call site first in the data. */
static inline unsigned char *put_rtsite(uvlog_rec_t *rec, const char *file, const char *func,
                                        int line) {
  rec_rtsite_t rs = {file, func, line, 0};
  rec->flags |= REC_F_RTSITE;
  memcpy(rec->data, &rs, sizeof rs);
  return rec->data + sizeof rs;
}

/* `len` bytes of text with a static site (or a run-time one if site is
 * NULL). The text is cut to max_record and marked with its length plus
 * `more` (bytes the renderer's clamps left out, render.h). */
static int text_record(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                       const char *file, int line, const char *func, const char *text,
                       size_t len, size_t more, const uvlog_ctx_t *ctx) {
  int rc = admit(log, level);
  if (rc) return rc;
  uint8_t cat = uvlog__to_root(&log);
  uint64_t ts = uvlog__stamp(log->tsc);
  size_t keep = len < log->max_record ? len : log->max_record;
  size_t pre = site ? 0 : sizeof(rec_rtsite_t), post = keep < len + more ? 4 : 0;
  uvlog_rec_t *rec;
  int nested = enter();
  rc = claim(log, level, ts, pre + keep + post, nested, ctx, &rec);
  if (rc) {
    leave(nested);
    return rc;
  }
  unsigned char *dst = site ? rec->data : put_rtsite(rec, file, func, line);
  rec->site = site;
  rec->category = cat;
  rec->msg_len = (uint32_t)keep;
  if (keep) memcpy(dst, text, keep);
  mark_truncated(log, rec, dst, len + more, keep);
  commit(log, rec, level, nested);
  leave(nested);
  return 0;
}

int uvlog_log_text(uvlog_t *log, uvlog_level_t level, const char *file, int line,
                   const char *func, const char *text, size_t len) {
  if (UVLOG_UNLIKELY(!text && len)) return UVLOG_EINVAL;
  if (UVLOG_UNLIKELY(!log)) {
    int l = len > 1024 ? 1024 : (int)len;
    return last_resort_text(level, file, line, "%.*s", l, text ? text : "");
  }
  return text_record(log, level, NULL, file, line, func, text ? text : "", len, 0,
                     uvlog__thread_ctx);
}

/* The preformatting call, with a field block `fb` (or NULL) before the
 * text. `log` and `fmt` are not NULL. */
static int logv(uvlog_t *log, uvlog_level_t level, const uvlog_ctx_t *ctx, const char *file,
                int line, const char *func, const fb_call_t *fb, const char *fmt, va_list ap)
    UVLOG_PRINTF(8, 0);
static int logv(uvlog_t *log, uvlog_level_t level, const uvlog_ctx_t *ctx, const char *file,
                int line, const char *func, const fb_call_t *fb, const char *fmt, va_list ap) {
  int rc = admit(log, level);
  if (rc) return rc;
  uint8_t cat = uvlog__to_root(&log);
  uint64_t ts = uvlog__stamp(log->tsc);
  size_t fbsize = fb ? fb->size : 0;

  /* vsnprintf into a stack buffer; a longer message is formatted a second
   * time straight into the ring slot (no large stack buffer, no malloc). */
  char stack[512];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(stack, sizeof(stack), fmt, ap2);
  va_end(ap2);
  if (UVLOG_UNLIKELY(n < 0)) return UVLOG_EINVAL;
  size_t len = (size_t)n < log->max_record ? (size_t)n : log->max_record;
  int fits = (size_t)n < sizeof(stack);
  /* The second pass needs a byte for vsnprintf's NUL; a cut needs 4 for
   * the original length: 4 covers both. */
  size_t post = (!fits || len < (size_t)n) ? 4 : 0;

  uvlog_rec_t *rec;
  int nested = enter();
  rc = claim(log, level, ts, sizeof(rec_rtsite_t) + fbsize + len + post, nested, ctx, &rec);
  if (rc) {
    leave(nested);
    return rc;
  }
  unsigned char *dst = put_rtsite(rec, file, func, line);
  rec->category = cat;
  if (fb) {
    put_fields(log, rec, fb, dst);
    dst += fbsize;
  }
  if (fits) memcpy(dst, stack, len);
  else vsnprintf((char *)dst, len + 1, fmt, ap);
  rec->msg_len = (uint32_t)len;
  mark_truncated(log, rec, dst, (size_t)n, len);
  commit(log, rec, level, nested);
  leave(nested);
  return 0;
}

int uvlog_logv(uvlog_t *log, uvlog_level_t level, const char *file, int line, const char *func,
               const char *fmt, va_list ap) {
  if (UVLOG_UNLIKELY(!fmt)) return UVLOG_EINVAL;
  if (UVLOG_UNLIKELY(!log)) return last_resort(level, file, line, fmt, ap);
  return logv(log, level, uvlog__thread_ctx, file, line, func, NULL, fmt, ap);
}

int uvlog_log(uvlog_t *log, uvlog_level_t level, const char *file, int line, const char *func,
              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = uvlog_logv(log, level, file, line, func, fmt, ap);
  va_end(ap);
  return rc;
}

/* The per-site rate limit (ratelimit.c): off by default, then one load
 * and a predictable branch. 0, or UVLOG_ERATELIMITED. */
static inline int rate_check(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                             uint64_t ts) {
  if (!UVLOG_UNLIKELY(log && log->rl_burst && site->cache)) return 0;
  return uvlog__rate_admit(log, level, site, ts);
}

/* ---- deferred records ---------------------------------------------------------- */

/* The rare path: no logger, or arguments too big for one record. Renders
 * on the caller (malloc) and queues the text with the site, cut and marked
 * exactly as uvlog_log() would. */
static int log_rendered(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                        const uvlog_site_cache_t *plan, const uint64_t *vals,
                        const size_t *lens, size_t size) {
  unsigned char *data = malloc(size);
  if (!data) return UVLOG_ENOMEM;
  uvlog__deferred_encode(plan, vals, site->nargs, lens, data);
  uvlog_buf_t text = {0};
  size_t more = uvlog__render_data(site->fmt, data, size, log ? uvlog__root(log)->max_record : 1024,
                                   &text);
  free(data);
  const char *t = text.data ? text.data : "";
  int rc = text.oom ? UVLOG_ENOMEM
           : log    ? text_record(log, level, site, NULL, 0, NULL, t, text.len, more,
                                  uvlog__thread_ctx)
                    : uvlog_log_text(NULL, level, site->file, site->line, site->func, t, text.len);
  uvlog_buf_free(&text);
  return rc;
}

int uvlog_log_args(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                   const unsigned long long *vals_) {
  const uint64_t *vals = (const uint64_t *)vals_;
  if (UVLOG_UNLIKELY(!site || !site->fmt || !site->cache || site->nargs > UVLOG_DEFERRED_MAX_ARGS ||
                     (site->nargs > 0 && !vals) || (unsigned)level >= UVLOG_LEVEL_OFF))
    return UVLOG_EINVAL;
  /* The macro checked the level (a category's own); a forked child still
   * stops here. `h` is the handle, `log` its root. */
  uvlog_t *h = log;
  uint8_t cat = uvlog__to_root(&log);
  if (UVLOG_UNLIKELY(log && forked_child(log))) return UVLOG_ECLOSED;
  /* No logger: only WARNING and above reach the last resort (stderr). */
  if (UVLOG_UNLIKELY(!log && level < UVLOG_LEVEL_WARNING)) return UVLOG_ENOLOGGER;

  /* Acquire: pairs with the release store in uvlog_site_prepare(), so the
   * cached plan's bytes are complete when DEFER is seen. A direct caller's
   * unprepared site is planned here. */
  const uvlog_site_cache_t *plan = site->cache;
  uvlog_site_cache_t local;
  if (UVLOG_UNLIKELY(__atomic_load_n(&site->cache->state, __ATOMIC_ACQUIRE) != UVLOG__SITE_DEFER &&
                     !uvlog_site_prepare(site))) {
    if (!uvlog__site_plan(site, &local)) return UVLOG_EINVAL; /* %n & co */
    plan = &local;
  }

  uint64_t ts = log ? uvlog__stamp(log->tsc) : 0;
  size_t lens[UVLOG_DEFERRED_MAX_ARGS];
  size_t size = uvlog__deferred_measure(plan, vals, site->nargs, lens);
  int rl = rate_check(log, level, site, ts);
  if (rl) return rl;
  if (UVLOG_UNLIKELY(!log || size > log->max_record))
    return log_rendered(h, level, site, plan, vals, lens, size);

  uvlog_rec_t *rec;
  int nested = enter();
  const uvlog_ctx_t *ctx = uvlog__thread_ctx;
  int rc = claim(log, level, ts, size, nested, ctx, &rec);
  if (rc) {
    leave(nested);
    return rc;
  }
  rec->type = REC_DEFERRED;
  rec->site = site;
  rec->category = cat;
  uvlog__deferred_encode(plan, vals, site->nargs, lens, rec->data);
  commit(log, rec, level, nested);
  leave(nested);
  return 0;
}

/* ---- structured records ---------------------------------------------------------- */

/* No logger: WARNING and above go to stderr, the fields as key=value. */
static int fields_last_resort(uvlog_level_t level, const char *file, int line, const char *msg,
                              const fb_call_t *fb) {
  char text[1024];
  uvlog__fb_text(fb, text, sizeof text);
  return last_resort_text(level, file, line, "%s%s", msg, text);
}

int uvlog_log_kv(uvlog_t *log, uvlog_level_t level, const uvlog_site_t *site,
                 const uvlog_ctx_t *ctx, const unsigned long long *vals_) {
  const uint64_t *vals = (const uint64_t *)vals_;
  if (UVLOG_UNLIKELY(!site || !site->fmt || !site->tags || !site->keys ||
                     site->nargs > UVLOG_FIELDS_MAX || (site->nargs > 0 && !vals) ||
                     (unsigned)level >= UVLOG_LEVEL_OFF || (ctx && !uvlog__ctx_live(ctx))))
    return UVLOG_EINVAL;
  fb_call_t fb;
  if (UVLOG_UNLIKELY(!log)) {
    if (level < UVLOG_LEVEL_WARNING) return UVLOG_ENOLOGGER;
    uvlog__fb_from_site(&fb, site, vals, 1024);
    return fields_last_resort(level, site->file, site->line, site->fmt, &fb);
  }
  /* The macro checked the level (a category's own); a forked child still
   * stops here. */
  uint8_t cat = uvlog__to_root(&log);
  if (UVLOG_UNLIKELY(forked_child(log))) return UVLOG_ECLOSED;
  uint64_t ts = uvlog__stamp(log->tsc);
  int rl = rate_check(log, level, site, ts);
  if (rl) return rl;
  uvlog__fb_from_site(&fb, site, vals, log->max_record);
  uvlog_rec_t *rec;
  int nested = enter();
  ctx = call_ctx(ctx);
  int rc = claim(log, level, ts, fb.size, nested, ctx, &rec);
  if (rc) {
    leave(nested);
    return rc;
  }
  rec->type = REC_KV;
  rec->site = site;
  rec->category = cat;
  rec->msg_len = 0;
  put_fields(log, rec, &fb, rec->data);
  commit(log, rec, level, nested);
  leave(nested);
  return 0;
}

int uvlog_log_fields(uvlog_t *log, uvlog_level_t level, const uvlog_ctx_t *ctx,
                     const char *file, int line, const char *func,
                     const uvlog_field_t *fields, size_t n, const char *fmt, ...) {
  if (UVLOG_UNLIKELY(!fmt || (ctx && !uvlog__ctx_live(ctx)))) return UVLOG_EINVAL;
  fb_call_t fb;
  int rc = uvlog__fb_from_fields(&fb, fields, n, log ? uvlog__root(log)->max_record : 1024);
  if (rc) return rc;
  va_list ap;
  va_start(ap, fmt);
  if (UVLOG_UNLIKELY(!log)) {
    char msg[1024];
    if (level < UVLOG_LEVEL_WARNING || (unsigned)level >= UVLOG_LEVEL_OFF) {
      rc = (unsigned)level >= UVLOG_LEVEL_OFF ? UVLOG_EINVAL : UVLOG_ENOLOGGER;
    } else {
      vsnprintf(msg, sizeof msg, fmt, ap);
      rc = fields_last_resort(level, file, line, msg, &fb);
    }
  } else {
    rc = logv(log, level, call_ctx(ctx), file, line, func, &fb, fmt, ap);
  }
  va_end(ap);
  return rc;
}
