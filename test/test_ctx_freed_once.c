/*
 * test_ctx_freed_once.c -- a context is freed exactly once, after the last
 * record that carries it has been delivered: records queued before the
 * user's uvlog_ctx_release() keep it alive (their fields still arrive), a
 * record dropped on a full ring takes no reference, the thread context's
 * reference goes when it is cleared, and uvlog_ctx_release() sets the
 * caller's pointer to NULL (a second release is a no-op).
 *
 * This executable interposes free() to count frees of the context's
 * address. Under sanitizers (their own allocator) the counting is skipped
 * and ASan/TSan check the same paths for double frees, leaks and races.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fields_capture.h"
#include "uvlog.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

static _Atomic uintptr_t watched;
static _Atomic int frees;

#ifndef NO_INTERPOSE
extern void __libc_free(void *);
void free(void *p) {
  if (p && (uintptr_t)p == atomic_load(&watched)) atomic_fetch_add(&frees, 1);
  __libc_free(p);
}
#endif

static void watch(const void *p) {
  atomic_store(&frees, 0);
  atomic_store(&watched, (uintptr_t)p);
}

static void expect_frees(int n, const char *when) {
#ifdef NO_INTERPOSE
  (void)n;
  (void)when;
#else
  cr_assert_eq(atomic_load(&frees), n, "%s: %d frees", when, atomic_load(&frees));
#endif
}

static uvlog_ctx_t *make(const char *id) {
  uvlog_ctx_t *ctx = NULL;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL, UVLOG_FIELDS(UVLOG_F("request_id", id))), 0);
  return ctx;
}

Test(ctx_freed_once, queued_records_keep_it_alive) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 0); /* not started: records wait in the ring */
  uvlog_ctx_t *ctx = make("r-1");
  watch(ctx);
  for (int i = 0; i < 3; i++) cr_assert_eq(UVLOG_INFO_KV_TO(log, ctx, "queued", UVLOG_F("i", i)), 0);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, ctx, NULL, 0, NULL, NULL, 0, "text"), 0);
  uvlog_ctx_release(&ctx);
  cr_assert_null(ctx, "release clears the caller's pointer");
  uvlog_ctx_release(&ctx); /* a no-op now */
  expect_frees(0, "after the user's release, records queued");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  expect_frees(1, "after delivery");
  cr_assert_eq(c.n, 4);
  cr_assert_str_eq(c.lines[0], "queued|request_id=s:r-1|i=i:0");
  cr_assert_str_eq(c.lines[3], "text|request_id=s:r-1");
  uvlog_logger_destroy(log);
  expect_frees(1, "after destroy");
  fcap_free(&c);
}

Test(ctx_freed_once, dropped_record_takes_no_reference) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger_ex(&c, 4096, 0, 0); /* DROP, not started */
  uvlog_ctx_t *ctx = make("r-2");
  watch(ctx);
  int queued = 0, dropped = 0;
  for (int i = 0; i < 200 && !dropped; i++) {
    int rc = UVLOG_INFO_KV_TO(log, ctx, "fill", UVLOG_F("pad", "0123456789012345678901234567890123456789"));
    if (rc == 0) queued++;
    else if (rc == UVLOG_EAGAIN) dropped++;
  }
  cr_assert_gt(dropped, 0, "the ring filled up");
  uvlog_ctx_release(&ctx);
  expect_frees(0, "records queued");
  cr_assert_eq(uvlog_logger_start(log), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  expect_frees(1, "after delivery");
  cr_assert_eq(c.n, (size_t)queued);
  uvlog_logger_destroy(log);
  fcap_free(&c);
}

Test(ctx_freed_once, thread_context_reference) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  uvlog_ctx_t *ctx = make("r-3");
  watch(ctx);
  cr_assert_eq(uvlog_thread_ctx_set(ctx), 0);
  uvlog_ctx_release(&ctx);
  expect_frees(0, "the thread holds it");
  cr_assert_eq(UVLOG_INFO_TO(log, "plain %d", 1), 0);
  cr_assert_eq(uvlog_thread_ctx_set(NULL), 0);
  cr_assert_null(uvlog_thread_ctx_get());
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  expect_frees(1, "cleared and delivered");
  cr_assert_eq(c.n, 1);
  cr_assert_str_eq(c.lines[0], "plain 1|request_id=s:r-3");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
