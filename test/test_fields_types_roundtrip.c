/*
 * test_fields_types_roundtrip.c -- every field type of a _KV call reaches
 * the sink's entry with its type and value (uvlog_entry_t.fields):
 * strings (char *, arrays, UVLOG_F_STRN with embedded bytes), signed and
 * unsigned 64-bit extremes, doubles (NaN, infinity), bool, null; the
 * message is the literal as written.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "fields_capture.h"
#include "uvlog.h"

Test(fields_types_roundtrip, every_type) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 1);
  cr_assert_not_null(log);
  const char *path = "/a b\"c";
  char arr[8] = "arr";
  int64_t imin = INT64_MIN;
  uint64_t umax = UINT64_MAX;
  short sh = -7;
  unsigned char uc = 200;
  float fl = 0.5f;
  const char *nul = NULL;
  cr_assert_eq(UVLOG_INFO_KV_TO(log, NULL, "types 100% literal",
                                UVLOG_F("path", path), UVLOG_F("arr", arr),
                                UVLOG_F_STRN("bin", "x\tyZZZ", 3), UVLOG_F("imin", imin),
                                UVLOG_F("umax", umax), UVLOG_F("sh", sh), UVLOG_F("uc", uc),
                                UVLOG_F("fl", fl), UVLOG_F("pi", 3.25), UVLOG_F("yes", (bool)1),
                                UVLOG_F_BOOL("flag", 42), UVLOG_F_NULL("none"),
                                UVLOG_F("nulstr", nul), UVLOG_F("nan", NAN),
                                UVLOG_F("inf", -INFINITY), UVLOG_F("empty", "")),
               0);
  cr_assert_eq(UVLOG_WARNING_KV_TO(log, NULL, "no fields"), 0);
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.n, 2);
  cr_assert_str_eq(c.lines[0],
                   "types 100% literal|path=s:/a b\"c|arr=s:arr|bin=s:x\ty"
                   "|imin=i:-9223372036854775808|umax=u:18446744073709551615|sh=i:-7|uc=u:200"
                   "|fl=d:0.5|pi=d:3.25|yes=b:1|flag=b:1|none=n:|nulstr=n:|nan=d:nan"
                   "|inf=d:-inf|empty=s:");
  cr_assert_str_eq(c.lines[1], "no fields");
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
