/*
 * test_logger_resource.c -- the logger's constant fields
 * (uvlog_logger_set_resource()) reach every entry in
 * uvlog_entry_t.resource, copied at the call (the caller's strings may go
 * away), replaced by a second call, refused once started.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fields_capture.h"
#include "uvlog.h"

Test(logger_resource, every_entry_carries_it) {
  fcap_t c;
  fcap_init(&c);
  uvlog_t *log = fcap_logger(&c, 0, 0);
  char host[16];
  strcpy(host, "web-1");
  cr_assert_eq(uvlog_logger_set_resource(log, UVLOG_FIELDS(UVLOG_F("service", "old"))), 0);
  cr_assert_eq(uvlog_logger_set_resource(log, UVLOG_FIELDS(UVLOG_F("service", "api"),
                                                           UVLOG_F("version", "1.2.3"),
                                                           UVLOG_F("host", host))),
               0);
  strcpy(host, "gone");
  cr_assert_eq(uvlog_logger_start(log), 0);
  UVLOG_INFO_TO(log, "plain");
  UVLOG_INFO_KV_TO(log, NULL, "kv", UVLOG_F("a", 1));
  cr_assert_eq(uvlog_logger_flush(log, -1), 0);
  cr_assert_eq(c.n, 2);
  cr_assert_str_eq(c.resource, "|service=s:api|version=s:1.2.3|host=s:web-1");
  cr_assert_str_eq(c.lines[1], "kv|a=i:1", "resource is not in .fields");
  cr_assert_eq(uvlog_logger_set_resource(log, NULL, 0), UVLOG_EBUSY);
  uvlog_logger_destroy(log);
  fcap_free(&c);
}
