/*
 * spec.c -- parsing one printf conversion spec (spec.h).
 */
#include "spec.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_flag(char c) {
  switch (c) {
  case '-': case '+': case ' ': case '#': case '0': case '\'': case 'I': return 1;
  default: return 0;
  }
}

/* Reads up to SPEC_MAX_DIGITS + 1 digits at *q into *v (no overflow: at
 * most 10 digits fit a long). Returns 0 if there were more than
 * SPEC_MAX_DIGITS. */
static int digits(const char **q, long *v) {
  const char *d = *q;
  long x = 0;
  while (is_digit(**q)) {
    if (*q - d >= SPEC_MAX_DIGITS) return 0;
    x = x * 10 + (**q - '0');
    (*q)++;
  }
  *v = x;
  return 1;
}

static const char *length_modifier(const char *q, spec_t *sp) {
  switch (*q) {
  case 'h': q++; if (*q == 'h') { sp->lmod = 'H'; q++; } else sp->lmod = 'h'; break;
  case 'l': q++; if (*q == 'l') { sp->lmod = 'q'; q++; } else sp->lmod = 'l'; break;
  case 'j': case 'z': case 't': case 'L': sp->lmod = *q++; break;
  default: break;
  }
  return q;
}

static int supported(const spec_t *sp) {
  switch (sp->conv) {
  case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
    return sp->lmod != 'L';
  case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
    return sp->lmod == 0 || sp->lmod == 'l' || sp->lmod == 'L';
  case 'c':
    return sp->lmod == 0 || sp->lmod == 'l';
  case 's': case 'p':
    return sp->lmod == 0;
  default:
    return 0; /* %n, %m, %S, %C, unknown letters */
  }
}

int uvlog__parse_spec_full(const char *p, spec_t *sp) {
  const char *q = p + 1;
  sp->start = p;
  sp->wstar = sp->pstar = sp->has_prec = sp->has_width = 0;
  sp->prec = sp->width = 0;
  sp->lmod = 0;
  while (is_flag(*q)) q++;
  sp->flags_end = (size_t)(q - p);
  if (*q == '*') {
    sp->wstar = 1;
    q++;
  } else {
    const char *d = q;
    if (!digits(&q, &sp->width) || *q == '$') return 0; /* absurd width, or positional */
    sp->has_width = q != d;
  }
  sp->pre_len = (size_t)(q - p);
  if (*q == '.') {
    q++;
    sp->has_prec = 1;
    if (*q == '*') {
      sp->pstar = 1;
      q++;
    } else if (!digits(&q, &sp->prec)) {
      return 0;
    }
  }
  sp->lmod_at = (size_t)(q - p);
  q = length_modifier(q, sp);
  sp->conv = *q;
  if (!*q) return 0;
  sp->len = (size_t)(q + 1 - p);
  if (sp->len >= SPEC_MAX) return 0;
  return supported(sp);
}
