/*
 * dec.h -- unsigned decimal conversion, two digits at a time. Shared by the
 * formatters (src/format/) and the deferred renderer (src/deferred.c).
 */
#ifndef UVLOG_DEC_H
#define UVLOG_DEC_H

#include <stdint.h>
#include <string.h>

/* Writes v in decimal ending just before `end` (at most 20 bytes); returns
 * a pointer to the first digit. */
static inline char *uvlog__u64_dec(char *end, uint64_t v) {
  static const char digits2[200] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    end -= 2;
    memcpy(end, digits2 + 2 * r, 2);
  }
  if (v >= 10) {
    end -= 2;
    memcpy(end, digits2 + 2 * v, 2);
  } else {
    *--end = (char)('0' + v);
  }
  return end;
}

#endif /* UVLOG_DEC_H */
