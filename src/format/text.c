/*
 * text.c -- the TEXT format: one line per record, built from a pattern.
 *
 * Conversions (compiled by format.c): %t timestamp (time.c; RFC 3339 UTC
 * with microseconds unless a {spec} says otherwise), %l level name, %L level
 * name left-aligned in 8 columns (%-8l), %T thread id, %N thread name,
 * %c category, %P procid, %f base name of the file, %F file as given, %n
 * line, %u function, %m message, %k the record's fields and %K the logger's
 * constant fields as LOGFMT writes them (logfmt.c), %% a '%'. A NULL file,
 * thread name or category prints "-", a NULL function "?", a level outside
 * TRACE..CRITICAL "?". The line ends with '\n'.
 *
 * Width: a conversion with a width is padded with spaces to that many
 * columns (UTF-8 characters: bytes that are not continuation bytes), on the
 * right for "%-8l", on the left for "%8l"; longer text is left whole.
 *
 * %m, %f, %F, %u, %c and %N are escaped by uvlog_format_escape() so that a record
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

static void put_spaces(size_t n, uvlog_buf_t *out) {
  static const char sp[16] = "                ";
  for (; n > sizeof sp; n -= sizeof sp) uvlog_buf_append(out, sp, sizeof sp);
  uvlog_buf_append(out, sp, n);
}

/* The level name, padded outside its colour. */
static void put_level(const uvlog_entry_t *e, const uvlog_pat_item_t *it, int color,
                      uvlog_buf_t *out) {
  const char *name = fmt_level_upper(e->level);
  const char *sgr = color ? level_sgr(e->level) : NULL;
  size_t n = strlen(name);
  size_t pad = it->width > n ? it->width - n : 0;
  if (!it->left) put_spaces(pad, out);
  if (sgr) uvlog_buf_puts(out, sgr);
  uvlog_buf_append(out, name, n);
  if (sgr) uvlog_buf_puts(out, SGR_RESET);
  if (it->left) put_spaces(pad, out);
}

/* The columns of out->data[from..]: bytes that are not UTF-8 continuation
 * bytes. */
static size_t columns(const uvlog_buf_t *out, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < out->len; i++) n += ((unsigned char)out->data[i] & 0xC0) != 0x80;
  return n;
}

/* Pads what was appended since `from` to the item's width. */
static void pad_to_width(const uvlog_pat_item_t *it, size_t from, uvlog_buf_t *out) {
  if (out->oom) return;
  size_t cols = columns(out, from);
  if (cols >= it->width) return;
  size_t pad = it->width - cols;
  if (it->left) {
    put_spaces(pad, out);
    return;
  }
  size_t len = out->len - from;
  put_spaces(pad, out); /* makes room, then the text moves right */
  if (out->oom) return;
  memmove(out->data + from + pad, out->data + from, len);
  memset(out->data + from, ' ', pad);
}

static int has_level_conv(const uvlog_formatter_t *f) {
  for (size_t i = 0; i < f->n_items; i++)
    if (f->items[i].conv == 'l') return 1;
  return 0;
}

static void put_escaped(uvlog_buf_t *out, const char *s) {
  uvlog_format_escape(s, strlen(s), out);
}

static void put_fields(const uvlog_field_t *fl, size_t n, uvlog_buf_t *out) {
  uvlog_kv_t kv = {1, NULL, NULL, 0};
  if (fl) uvlog_format_kv_fields(fl, n, &kv, out);
}

/* One conversion (not the level), unpadded. */
static void put_conv(const uvlog_formatter_t *f, const uvlog_pat_item_t *it, const uvlog_entry_t *e,
                     uvlog_buf_t *out) {
  switch (it->conv) {
  case 't': uvlog_format_time(&it->ts, e->ts_ns, out); break;
  case 'T': fmt_put_u64(out, e->tid); break;
  case 'N': put_escaped(out, e->thread_name ? e->thread_name : "-"); break;
  case 'c': put_escaped(out, e->category ? e->category : "-"); break;
  case 'P': uvlog_buf_puts(out, f->procid); break;
  case 'f': put_escaped(out, e->file ? fmt_basename(e->file) : "-"); break;
  case 'F': put_escaped(out, e->file ? e->file : "-"); break;
  case 'n': fmt_put_i64(out, e->line); break;
  case 'u': put_escaped(out, e->func ? e->func : "?"); break;
  case 'm':
    if (e->msg && e->msg_len) uvlog_format_escape(e->msg, e->msg_len, out);
    break;
  case 'k': put_fields(e->fields, e->n_fields, out); break;
  case 'K': put_fields(e->resource, e->n_resource, out); break;
  default: break; /* compile_pattern() lets no other letter through */
  }
}

void uvlog_format_text(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  const char *line_sgr = NULL;
  if (f->color && !has_level_conv(f)) line_sgr = level_sgr(e->level);
  if (line_sgr) uvlog_buf_puts(out, line_sgr);
  for (size_t i = 0; i < f->n_items; i++) {
    const uvlog_pat_item_t *it = &f->items[i];
    if (it->conv == 0) {
      uvlog_buf_append(out, it->lit, it->lit_len);
    } else if (it->conv == 'l') {
      put_level(e, it, f->color, out);
    } else {
      size_t from = out->len;
      put_conv(f, it, e, out);
      if (it->width) pad_to_width(it, from, out);
    }
  }
  if (line_sgr) uvlog_buf_puts(out, SGR_RESET);
  uvlog_buf_putc(out, '\n');
}
