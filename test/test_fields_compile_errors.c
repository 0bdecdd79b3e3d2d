/*
 * test_fields_compile_errors.c -- the structured calls' compile-time
 * refusals (docs/structured-logging.md, "Bad input"): more than
 * UVLOG_FIELDS_MAX fields on a _KV call or in UVLOG_FIELDS(), a key without
 * a value, a key that is not a string literal (NULL included), a value of a
 * type with no field type, a message that is not a literal. Each snippet is
 * given to the C compiler that built the suite (UVLOG_TEST_CC, with the
 * source tree's include directory UVLOG_TEST_INC); a correct call (the
 * control) must compile, so a broken harness fails too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIELDS16                                                                              \
  "UVLOG_F(\"a\",1), UVLOG_F(\"b\",2), UVLOG_F(\"c\",3), UVLOG_F(\"d\",4), UVLOG_F(\"e\",5), " \
  "UVLOG_F(\"f\",6), UVLOG_F(\"g\",7), UVLOG_F(\"h\",8), UVLOG_F(\"i\",9), UVLOG_F(\"j\",10), " \
  "UVLOG_F(\"k\",11), UVLOG_F(\"l\",12), UVLOG_F(\"m\",13), UVLOG_F(\"n\",14), "               \
  "UVLOG_F(\"o\",15), UVLOG_F(\"p\",16)"

/* Compiles `call` in a function body; returns the compiler's exit status
 * and its messages in out. */
static int compile(const char *call, char *out, size_t size) {
  char dir[] = "/tmp/uvlog-kv-XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char src[64], cmd[1024];
  snprintf(src, sizeof src, "%s/t.c", dir);
  FILE *f = fopen(src, "w");
  cr_assert_not_null(f);
  fprintf(f, "#include <uvlog.h>\nint f(uvlog_t *log, const char *name);\n"
             "int f(uvlog_t *log, const char *name) {\n  (void)name;\n  return %s;\n}\n", call);
  fclose(f);
  snprintf(cmd, sizeof cmd, "%s -std=c11 -Wall -Wextra -Werror -I%s -c %s -o %s/t.o 2>&1",
           UVLOG_TEST_CC, UVLOG_TEST_INC, src, dir);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = 0;
  int st = pclose(p);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
  return st;
}

static void refused(const char *call, const char *needle) {
  static char out[65536];
  int st = compile(call, out, sizeof out);
  cr_assert_neq(st, 0, "compiled: %s", call);
  cr_assert_not_null(strstr(out, needle), "no \"%s\" in:\n%s", needle, out);
}

Test(fields_compile_errors, control_compiles) {
  static char out[65536];
  cr_assert_eq(compile("UVLOG_INFO_KV_TO(log, NULL, \"m\", " FIELDS16 ")", out, sizeof out), 0,
               "%s", out);
}

Test(fields_compile_errors, refusals) {
  refused("UVLOG_INFO_KV_TO(log, NULL, \"m\", " FIELDS16 ", UVLOG_F(\"q\", 17))",
          "UVLOG_ERROR_more_than_UVLOG_FIELDS_MAX_fields");
  refused("uvlog_ctx_create(NULL, NULL, NULL, UVLOG_FIELDS(" FIELDS16 ", UVLOG_F(\"q\", 17)))",
          "UVLOG_ERROR_more_than_UVLOG_FIELDS_MAX_fields");
  refused("UVLOG_INFO_KV_TO(log, NULL, \"m\", \"k\")",
          "UVLOG_ERROR_each_field_needs_a_key_and_a_value");
  refused("UVLOG_INFO_KV_TO(log, NULL, \"m\", UVLOG_F(NULL, 1))", "error");
  refused("UVLOG_INFO_KV_TO(log, NULL, \"m\", UVLOG_F(name, 1))", "error");
  refused("UVLOG_INFO_KV_TO(log, NULL, \"m\", UVLOG_F(\"k\", (void *)log))", "_Generic");
  refused("UVLOG_INFO_KV_TO(log, NULL, name)", "error");
}
