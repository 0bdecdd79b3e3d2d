/*
 * spec.h -- one printf conversion spec, parsed (spec.c). Shared by the
 * producer's per-site scan (deferred.c) and the listener's renderer
 * (render.c), which must agree on what a format means.
 */
#ifndef UVLOG_SPEC_H
#define UVLOG_SPEC_H

#include <stddef.h>

#define SPEC_MAX 64         /* longest conversion spec we rebuild, "%" to letter */
#define SPEC_MAX_DIGITS 9   /* a literal width or precision has at most this many */

typedef struct spec {
  const char *start; /* the '%' */
  size_t len;        /* through the conversion letter */
  size_t pre_len;    /* "%", flags and width: the part before '.', length, letter */
  size_t flags_end;  /* offset of the first byte after the flags */
  size_t lmod_at;    /* offset of the length modifier (== len - 1 without one) */
  int wstar;         /* width is '*' */
  int pstar;         /* precision is '*' */
  int has_width;     /* a literal width was given */
  long width;        /* literal width (has_width) */
  int has_prec;      /* a precision was given (digits or '*') */
  long prec;         /* literal precision (has_prec && !pstar) */
  char lmod;         /* 0, 'H' (hh), 'h', 'l', 'q' (ll), 'j', 'z', 't', 'L' */
  char conv;         /* the conversion letter */
} spec_t;

/* Parses the spec at p (p[0] == '%', p[1] != '%'). Returns 1 and fills *sp
 * if the renderer supports it exactly, 0 otherwise (%n, %m, wide strings,
 * positional arguments, unknown letters, a width or precision of more than
 * SPEC_MAX_DIGITS digits). Never overflows, whatever the digits. */
int uvlog__parse_spec_full(const char *p, spec_t *sp);

/* The common bare "%d", "%s"... inline (the renderer parses every spec of
 * every record); everything else out of line. */
static inline int uvlog__parse_spec(const char *p, spec_t *sp) {
  switch (p[1]) {
  case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 's': case 'c': case 'p':
  case 'f':
    sp->start = p;
    sp->wstar = sp->pstar = sp->has_prec = sp->has_width = 0;
    sp->prec = sp->width = 0;
    sp->lmod = 0;
    sp->pre_len = sp->flags_end = sp->lmod_at = 1;
    sp->conv = p[1];
    sp->len = 2;
    return 1;
  default:
    return uvlog__parse_spec_full(p, sp);
  }
}

#endif /* UVLOG_SPEC_H */
