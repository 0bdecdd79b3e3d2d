/*
 * test_fields_bad_input.c -- structured logging's documented answers to
 * bad input: a NULL string value is a null field; a huge string value is
 * cut to max_record with a visible marker (the entry flagged truncated),
 * never more; a context value is cut at UVLOG_CTX_VALUE_MAX; NULL keys,
 * unknown types and too many fields are refused with UVLOG_EINVAL
 * (nothing queued); fields (and the context) of a filtered call are not
 * evaluated; a released context handle is NULL ("no context").
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fields_capture.h"
#include "uvlog.h"

static int evaluated;
static int touch(void) { return ++evaluated; }
static const uvlog_ctx_t *touch_ctx(void) {
  evaluated++;
  return NULL;
}

Test(fields_bad_input, null_string_is_null_field) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  const char *nul = NULL;
  cr_assert_eq(UVLOG_INFO_KV_TO(log, NULL, "m", UVLOG_F("a", nul), UVLOG_F_STRN("b", nul, 5)), 0);
  const uvlog_field_t f[] = {uvlog_field_str("c", NULL), uvlog_field_strn("d", NULL, 9)};
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, f, 2, "m"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.lines[0], "m|a=n:|b=n:");
  cr_assert_str_eq(c.lines[1], "m|c=n:|d=n:");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}

/* A huge string field: its stored value is at most max_record and ends
 * with the marker; both paths. */
Test(fields_bad_input, huge_value_cut_to_max_record) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  size_t big = 100000;
  char *v = malloc(big + 1);
  memset(v, 'x', big);
  v[big] = 0;
  cr_assert_eq(UVLOG_INFO_KV_TO(log, NULL, "m", UVLOG_F("n", 1), UVLOG_F("big", v),
                                UVLOG_F("after", "lost")),
               0);
  const uvlog_field_t f[] = {uvlog_field_str("big", v)};
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, f, 1, "m"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  uvlog_stats_t st;
  cr_assert_eq(uvlog_logger_stats(log, &st), 0);
  cr_assert_eq(st.truncated, 2);
  for (int k = 0; k < 2; k++) {
    const char *l = c.lines[k];
    cr_assert_not_null(strstr(l, "\xe2\x80\xa6[truncated: 100000 bytes]"), "%.80s", l);
    cr_assert_not_null(strstr(l, "|TRUNC"));
    cr_assert_lt(strlen(l), 8192 + 64, "bounded by max_record (8192)");
    cr_assert_gt(strlen(l), 8192 - 512, "the room is used");
  }
  cr_assert_not_null(strstr(c.lines[0], "|after=s:|"), "no room left: an empty value");
  uvlog_ctx_t *ctx = NULL;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL, f, 1), 0);
  size_t n;
  const uvlog_field_t *cf = uvlog_ctx_fields(ctx, &n);
  cr_assert_eq(n, 1);
  cr_assert_eq(cf[0].v.str.len, UVLOG_CTX_VALUE_MAX);
  const char *mark = "\xe2\x80\xa6[truncated: 100000 bytes]";
  cr_assert_eq(memcmp(cf[0].v.str.ptr + UVLOG_CTX_VALUE_MAX - strlen(mark), mark, strlen(mark)), 0);
  uvlog_ctx_release(&ctx);
  free(v);
  uvlog_logger_destroy(log);
  fcap_free(&c);
}

Test(fields_bad_input, refused_with_einval) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  uvlog_field_t f[UVLOG_FIELDS_MAX + 1];
  for (int i = 0; i <= UVLOG_FIELDS_MAX; i++) f[i] = uvlog_field_int("k", i);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, f, UVLOG_FIELDS_MAX + 1,
                                "too many"),
               UVLOG_EINVAL);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, f, UVLOG_FIELDS_MAX,
                                "just enough"),
               0);
  uvlog_field_t bad = uvlog_field_int(NULL, 1);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, &bad, 1, "null key"),
               UVLOG_EINVAL);
  bad = uvlog_field_int("k", 1);
  bad.type = (uvlog_field_type_t)99;
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, &bad, 1, "bad type"),
               UVLOG_EINVAL);
  cr_assert_eq(uvlog_log_fields(log, UVLOG_LEVEL_INFO, NULL, NULL, 0, NULL, NULL, 2, "no array"),
               UVLOG_EINVAL);
  uvlog_ctx_t *ctx = (uvlog_ctx_t *)1;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL, &bad, 1), UVLOG_EINVAL);
  cr_assert_null(ctx, "*out is NULL on error");
  uvlog_field_t many[UVLOG_CTX_FIELDS_MAX + 1];
  for (int i = 0; i <= UVLOG_CTX_FIELDS_MAX; i++) many[i] = uvlog_field_int("k", i);
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL, many, UVLOG_CTX_FIELDS_MAX + 1), UVLOG_EINVAL);
  cr_assert_eq(uvlog_ctx_create(NULL, NULL, NULL, NULL, 0), UVLOG_EINVAL);
  cr_assert_eq(uvlog_logger_set_resource(NULL, many, 1), UVLOG_EINVAL);
  cr_assert_eq(uvlog_logger_set_resource(log, many, 1), UVLOG_EBUSY, "started");
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.n, 1, "only the valid call was queued");
  cr_assert_str_eq(c.lines[0], "just enough|k=i:0|k=i:1|k=i:2|k=i:3|k=i:4|k=i:5|k=i:6|k=i:7"
                               "|k=i:8|k=i:9|k=i:10|k=i:11|k=i:12|k=i:13|k=i:14|k=i:15");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}

Test(fields_bad_input, filtered_call_evaluates_nothing) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  evaluated = 0;
  cr_assert_eq(UVLOG_DEBUG_KV_TO(log, touch_ctx(), "m", UVLOG_F("a", touch()), UVLOG_F("b", touch())),
               UVLOG_EFILTERED);
  cr_assert_eq(evaluated, 0);
  cr_assert_eq(UVLOG_INFO_KV_TO(log, touch_ctx(), "m", UVLOG_F("a", touch()), UVLOG_F("b", touch())), 0);
  cr_assert_eq(evaluated, 3, "each evaluated once");
  cr_assert_eq(UVLOG_INFO_KV_TO(NULL, touch_ctx(), "m", UVLOG_F("a", touch())), UVLOG_ENOLOGGER);
  cr_assert_eq(evaluated, 3, "no logger, below WARNING: filtered too");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}

Test(fields_bad_input, released_handle_is_no_context) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  uvlog_ctx_t *ctx = NULL;
  cr_assert_eq(uvlog_ctx_create(&ctx, NULL, NULL, UVLOG_FIELDS(UVLOG_F("a", 1))), 0);
  uvlog_ctx_t *copy = uvlog_ctx_retain(ctx);
  cr_assert_eq(copy, ctx);
  uvlog_ctx_release(&ctx);
  cr_assert_null(ctx);
  cr_assert_eq(UVLOG_INFO_KV_TO(log, ctx, "none"), 0, "a released handle is NULL: no context");
  cr_assert_eq(UVLOG_INFO_KV_TO(log, copy, "copy"), 0, "the retained copy still works");
  uvlog_ctx_release(&copy);
  cr_assert_null(uvlog_ctx_retain(NULL));
  cr_assert_null(uvlog_ctx_fields(NULL, NULL));
  uvlog_ctx_release(NULL);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_str_eq(c.lines[0], "none");
  cr_assert_str_eq(c.lines[1], "copy|a=i:1");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
