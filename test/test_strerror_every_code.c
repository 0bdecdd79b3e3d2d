/*
 * test_strerror_every_code.c -- uvlog_strerror() has a specific, static text
 * for every code the library, its sinks and libuv (through the TCP sink)
 * return, and is defined for every int.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <uv.h>

#include "uvlog.h"

#define GENERIC "unknown error (not a uvlog, errno or libuv code)"

static const int codes[] = {
    /* uvlog's */
    0, UVLOG_EINVAL, UVLOG_ENOMEM, UVLOG_EAGAIN, UVLOG_ETIMEDOUT, UVLOG_ECLOSED, UVLOG_EBUSY,
    UVLOG_EDEADLK, UVLOG_ENOSYS, UVLOG_EFILTERED, UVLOG_ENOLOGGER, UVLOG_PENDING,
    /* file and stderr sinks: open(2), writev(2), ftruncate(2), fdatasync(2) */
    -ENOENT, -ENOTDIR, -EISDIR, -EACCES, -EPERM, -ENAMETOOLONG, -ELOOP, -ENXIO, -EROFS, -ENOSPC,
    -EIO, -EDQUOT, -EFBIG, -EPIPE, -EBADF, -EMFILE, -ENFILE, -EEXIST, -EINTR,
    /* syslog and TCP sinks */
    -ENOTCONN, -ENOBUFS, -EMSGSIZE, -EHOSTUNREACH, -ENETUNREACH, -ECONNREFUSED, -ECONNRESET,
    -ECONNABORTED, -EDESTADDRREQ, -EADDRNOTAVAIL, -EAFNOSUPPORT, -ENETDOWN, -EHOSTDOWN,
    -ECANCELED,
    /* libuv's own (resolver, end of stream) */
    UV_EOF, UV_EAI_NONAME, UV_EAI_AGAIN, UV_EAI_FAIL, UV_EAI_MEMORY, UV_EAI_FAMILY,
    UV_EAI_ADDRFAMILY, UV_EAI_PROTOCOL, UV_EAI_SERVICE, UV_EAI_SOCKTYPE, UV_EAI_NODATA,
    UV_EAI_BADFLAGS, UV_EAI_OVERFLOW, UV_EAI_CANCELED, UV_EAI_BADHINTS, UV_ECANCELED,
    UV_ETIMEDOUT, UV_ECONNREFUSED, UV_ECONNRESET, UV_EPIPE, UV_ENOTCONN,
};

Test(strerror_every_code, every_returned_code_has_its_own_text) {
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    const char *t = uvlog_strerror(codes[i]);
    cr_assert_not_null(t);
    cr_assert_str_neq(t, GENERIC, "code %d has no text", codes[i]);
    cr_assert_gt(strlen(t), 3);
  }
}

Test(strerror_every_code, the_new_codes_say_what_they_mean) {
  cr_assert_not_null(strstr(uvlog_strerror(-ELOOP), "symbolic link"));
  cr_assert_not_null(strstr(uvlog_strerror(-ENXIO), "FIFO"));
  cr_assert_not_null(strstr(uvlog_strerror(UVLOG_EFILTERED), "level"));
  cr_assert_not_null(strstr(uvlog_strerror(UVLOG_ENOLOGGER), "no logger"));
}

Test(strerror_every_code, any_int_is_safe_and_static) {
  static const int odd[] = {INT_MIN, INT_MIN + 1, INT_MAX, -1000000, 1000000, -12345, 2, -4096};
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
    const char *t = uvlog_strerror(odd[i]);
    cr_assert_not_null(t);
    cr_assert_eq(t, uvlog_strerror(odd[i]), "not a static text");
  }
  cr_assert_str_eq(uvlog_strerror(INT_MIN), GENERIC);
}
