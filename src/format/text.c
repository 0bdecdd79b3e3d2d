/*
 * text.c -- the TEXT format: one line per record, built from a pattern.
 *
 * Conversions (compiled by format.c): %t RFC 3339 UTC timestamp with
 * microseconds, %l level name, %L level name left-aligned in 8 columns,
 * %T thread id, %f base name of the file, %F file as given, %n line,
 * %u function, %m message, %% a '%'. A NULL file prints "-", a NULL function
 * "?", a level outside TRACE..CRITICAL "?". The line ends with '\n'.
 *
 * %m, %f, %F and %u are escaped by uvlog_format_escape() so that a record
 * is exactly one line whatever bytes the message, file or function hold, and
 * the escaping can be undone without ambiguity: '\n' '\r' '\t' and '\\'
 * become the two characters \n \r \t \\, every other byte below 0x20 and
 * 0x7f becomes \xHH (lower-case hex); bytes >= 0x80 pass through unchanged
 * (UTF-8 is not checked). The other conversions cannot hold such bytes.
 *
 * Colour (f->color == 1): each level conversion is wrapped in an ANSI SGR
 * sequence chosen by level (TRACE/DEBUG dim, INFO green, NOTICE cyan,
 * WARNING yellow, ERROR red, CRITICAL bold red) followed by a reset; the
 * padding of %L stays outside the colour. A pattern without %l or %L gets
 * the whole line (before '\n') coloured instead.
 */
#include <string.h>

#include "format.h"
#include "format_util.h"

#define SGR_RESET "\x1b[0m"

static const char *level_sgr(uvlog_level_t l) {
  static const char *const sgr[UVLOG_LEVEL_COUNT] = {
      "\x1b[2m",    /* TRACE: dim */
      "\x1b[2m",    /* DEBUG: dim */
      "\x1b[32m",   /* INFO: green */
      "\x1b[36m",   /* NOTICE: cyan */
      "\x1b[33m",   /* WARNING: yellow */
      "\x1b[31m",   /* ERROR: red */
      "\x1b[1;31m", /* CRITICAL: bold red */
  };
  return fmt_level_valid(l) ? sgr[l] : NULL;
}

static void put_level(const uvlog_entry_t *e, int pad, int color, uvlog_buf_t *out) {
  const char *name = fmt_level_upper(e->level);
  const char *sgr = color ? level_sgr(e->level) : NULL;
  size_t n = strlen(name);
  if (sgr) uvlog_buf_puts(out, sgr);
  uvlog_buf_append(out, name, n);
  if (sgr) uvlog_buf_puts(out, SGR_RESET);
  if (pad && n < 8) uvlog_buf_append(out, "        ", 8 - n);
}

static int has_level_conv(const uvlog_formatter_t *f) {
  for (size_t i = 0; i < f->n_items; i++)
    if (f->items[i].conv == 'l' || f->items[i].conv == 'L') return 1;
  return 0;
}

static void put_escaped(uvlog_buf_t *out, const char *s) {
  uvlog_format_escape(s, strlen(s), out);
}

void uvlog_format_text(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  const char *line_sgr = NULL;
  if (f->color && !has_level_conv(f)) line_sgr = level_sgr(e->level);
  if (line_sgr) uvlog_buf_puts(out, line_sgr);
  for (size_t i = 0; i < f->n_items; i++) {
    const uvlog_pat_item_t *it = &f->items[i];
    switch (it->conv) {
    case 0: uvlog_buf_append(out, it->lit, it->lit_len); break;
    case 't': uvlog_format_rfc3339_utc(e->ts_ns, out); break;
    case 'l': put_level(e, 0, f->color, out); break;
    case 'L': put_level(e, 1, f->color, out); break;
    case 'T': fmt_put_u64(out, e->tid); break;
    case 'f': put_escaped(out, e->file ? fmt_basename(e->file) : "-"); break;
    case 'F': put_escaped(out, e->file ? e->file : "-"); break;
    case 'n': fmt_put_i64(out, e->line); break;
    case 'u': put_escaped(out, e->func ? e->func : "?"); break;
    case 'm':
      if (e->msg && e->msg_len) uvlog_format_escape(e->msg, e->msg_len, out);
      break;
    default: break; /* compile_pattern() lets no other letter through */
    }
  }
  if (line_sgr) uvlog_buf_puts(out, SGR_RESET);
  uvlog_buf_putc(out, '\n');
}
