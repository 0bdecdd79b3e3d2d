/*
 * format.c -- formatter configuration, dispatch and the shared helpers.
 *
 * Owns: uvlog_format_options_init(), uvlog_formatter_init/destroy/format/
 * equal() (option checks, identity defaults, TEXT pattern compilation, JSON
 * key names, the RFC 5424 SD-ID) and the TEXT message escaper.
 *
 * Identity defaults: app_name = program_invocation_short_name, hostname =
 * gethostname() ("-" if that fails or is empty), procid = getpid(). With
 * kind RFC5424 the fields are checked against RFC 5424 section 6.2 (printable
 * US-ASCII 33..126, non-empty, at most 255/48/128/32 bytes for hostname,
 * app-name, procid, msgid): a value the caller gave that breaks a rule is
 * UVLOG_EINVAL; a default that breaks one is repaired instead (bytes outside
 * 33..126 become '_', then it is cut to the limit), because the caller never
 * chose it.
 *
 * A pattern given with a kind other than TEXT is still checked (a bad one is
 * UVLOG_EINVAL) and otherwise ignored; so is `color`.
 *
 * A NULL message is rendered as an empty one. A compiled formatter is never
 * written to while rendering, so several threads may share one (the caches
 * below are per thread).
 *
 * Pattern conversions are "%" [ "-" ] [ width ] [ "{" spec "}" ] letter;
 * a width is 1..256 and a spec is allowed only before 't'. "%L" compiles to
 * "%-8l".
 *
 * The SD-ID must be "name@number": the whole at most 32 bytes of printable
 * US-ASCII without '=', ' ', ']', '"'; the name non-empty without '@'; the
 * number digits with single dots between (an IANA private enterprise
 * number, optionally followed by sub-identifiers).
 */
#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format_util.h"

#define RFC5424_HOSTNAME_MAX 255
#define RFC5424_APPNAME_MAX 48
#define RFC5424_PROCID_MAX 128
#define RFC5424_MSGID_MAX 32

void uvlog_format_options_init(uvlog_format_options_t *fo) {
  if (!fo) return;
  memset(fo, 0, sizeof *fo);
  fo->kind = UVLOG_FORMAT_TEXT;
  fo->pattern = NULL;
  fo->color = -1;
  fo->facility = 1;
  fo->json_preset = UVLOG_JSON_PRESET_UVLOG;
}

/* ---- pattern ----------------------------------------------------------- */

#define PAT_WIDTH_MAX 256

static int conv_known(char c) {
  return c != '\0' && strchr("tlLTNcPfFnumkK", c) != NULL;
}

/* Reads "[-][width][{spec}]" of a conversion at p (just after '%'); sets
 * *it and returns the position of the letter, or NULL (UVLOG_EINVAL). */
static const char *parse_conv_head(const char *p, uvlog_pat_item_t *it, int *has_spec) {
  unsigned width = 0;
  if (*p == '-') {
    it->left = 1;
    p++;
    if (*p < '1' || *p > '9') return NULL; /* "%-" needs a width */
  }
  while (*p >= '0' && *p <= '9') {
    if (width == 0 && *p == '0') return NULL; /* no zero width, no leading 0 */
    width = width * 10 + (unsigned)(*p++ - '0');
    if (width > PAT_WIDTH_MAX) return NULL;
  }
  it->width = (unsigned short)width;
  *has_spec = 0;
  it->ts = (uvlog_time_spec_t){0, 6, 0};
  if (*p == '{') {
    const char *end = strchr(p, '}');
    if (!end || uvlog_time_spec_parse(p + 1, (size_t)(end - p - 1), &it->ts) != 0) return NULL;
    *has_spec = 1;
    p = end + 1;
  }
  return p;
}

/* Splits f->pattern into literal runs and conversions ("%%" becomes a
 * one-byte literal pointing at the second '%'). */
static int compile_pattern(uvlog_formatter_t *f) {
  const char *p = f->pattern;
  size_t cap = strlen(p) + 1;
  f->items = calloc(cap, sizeof *f->items);
  if (!f->items) return UVLOG_ENOMEM;
  size_t n = 0;
  while (*p) {
    uvlog_pat_item_t *it = &f->items[n++];
    if (*p != '%') {
      const char *start = p;
      while (*p && *p != '%') p++;
      *it = (uvlog_pat_item_t){.lit = start, .lit_len = (size_t)(p - start)};
      continue;
    }
    if (p[1] == '%') {
      *it = (uvlog_pat_item_t){.lit = p + 1, .lit_len = 1};
      p += 2;
      continue;
    }
    int has_spec;
    const char *c = parse_conv_head(p + 1, it, &has_spec);
    /* unknown conversion, a lone '%' at the end, a bad width or spec */
    if (!c || !conv_known(*c) || (has_spec && *c != 't')) return UVLOG_EINVAL;
    it->conv = *c;
    if (*c == 'L') { /* %L is %-8l */
      if (it->width) return UVLOG_EINVAL;
      *it = (uvlog_pat_item_t){.conv = 'l', .left = 1, .width = 8};
    }
    p = c + 1;
  }
  f->n_items = n;
  return 0;
}

/* ---- identity fields --------------------------------------------------- */

static int rfc5424_field_ok(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) return 0;
  return 1;
}

/* Makes a default value RFC 5424-safe in place (see the header comment). */
static void rfc5424_repair(char *s, size_t max) {
  size_t n = strlen(s);
  if (n > max) s[n = max] = '\0';
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) s[i] = '_';
}

/* Sets *dst to a copy of `given` (checked) or of `def` (repaired). For
 * non-RFC5424 kinds nothing is checked. An empty default becomes "-". */
static int set_field(char **dst, const char *given, const char *def, size_t max, int strict) {
  const char *src = given ? given : (def && *def ? def : "-");
  if (given && strict && !rfc5424_field_ok(given, max)) return UVLOG_EINVAL;
  *dst = strdup(src);
  if (!*dst) return UVLOG_ENOMEM;
  if (!given && strict) rfc5424_repair(*dst, max);
  return 0;
}

static int set_identity(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  int strict = fo->kind == UVLOG_FORMAT_RFC5424;
  char host[256 + 1] = "";
  char pid[24];
  int r;

  if (!fo->hostname && gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  host[sizeof host - 1] = '\0';
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  if ((r = set_field(&f->app_name, fo->app_name, program_invocation_short_name,
                     RFC5424_APPNAME_MAX, strict)) != 0)
    return r;
  if ((r = set_field(&f->hostname, fo->hostname, host, RFC5424_HOSTNAME_MAX, strict)) != 0)
    return r;
  if ((r = set_field(&f->procid, fo->procid, pid, RFC5424_PROCID_MAX, strict)) != 0)
    return r;
  if (fo->msgid) {
    if (strict && !rfc5424_field_ok(fo->msgid, RFC5424_MSGID_MAX)) return UVLOG_EINVAL;
    if (!(f->msgid = strdup(fo->msgid))) return UVLOG_ENOMEM;
  }
  return 0;
}

/* ---- RFC 5424 SD-ID ---------------------------------------------------- */

#define SD_NAME_MAX 32

/* 1 if `c` may appear in an SD-NAME (RFC 5424 section 6.3.2). */
static int sd_name_char(unsigned char c) {
  return c >= 33 && c <= 126 && c != '=' && c != ']' && c != '"';
}

/* "name@number" as described in the header comment. */
static int sd_id_ok(const char *s) {
  size_t n = strlen(s);
  const char *at = strchr(s, '@');
  if (n == 0 || n > SD_NAME_MAX || !at || at == s || strchr(at + 1, '@')) return 0;
  for (size_t i = 0; i < n; i++)
    if (!sd_name_char((unsigned char)s[i])) return 0;
  const char *num = at + 1;
  if (*num < '0' || *num > '9') return 0;
  for (const char *q = num; *q; q++) {
    if (*q == '.' && q[1] >= '0' && q[1] <= '9') continue;
    if (*q < '0' || *q > '9') return 0;
  }
  return 1;
}

/* ---- JSON key names ---------------------------------------------------- */

static int set_json_keys(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  f->json = uvlog_json_preset_get(fo->json_preset);
  if (!f->json) return UVLOG_EINVAL;
  f->json_preset = (int)fo->json_preset;
  for (int i = 0; i < UVLOG_JK_COUNT; i++) {
    const char *given = uvlog_json_keys_get(&fo->json_keys, i);
    if (!(f->json_key[i] = strdup(given ? given : f->json->name[i]))) return UVLOG_ENOMEM;
  }
  return 0;
}

/* ---- formatter --------------------------------------------------------- */

static int formatter_setup(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  if ((unsigned)fo->kind > UVLOG_FORMAT_LOGFMT) return UVLOG_EINVAL;
  if (fo->color < -1 || fo->color > 1) return UVLOG_EINVAL;
  if (fo->facility < 0 || fo->facility > 23) return UVLOG_EINVAL;
  f->kind = fo->kind;
  f->facility = fo->facility;
  f->color_auto = fo->color == -1;
  f->color = fo->color == 1;
  /* The pattern is compiled for TEXT, and checked whenever one is given. */
  if (fo->kind == UVLOG_FORMAT_TEXT || fo->pattern) {
    f->pattern = strdup(fo->pattern ? fo->pattern : UVLOG_DEFAULT_PATTERN);
    if (!f->pattern) return UVLOG_ENOMEM;
    int r = compile_pattern(f);
    if (r != 0) return r;
  }
  if (fo->sd_id && !sd_id_ok(fo->sd_id)) return UVLOG_EINVAL;
  if (!(f->sd_id = strdup(fo->sd_id ? fo->sd_id : UVLOG_DEFAULT_SD_ID))) return UVLOG_ENOMEM;
  int r = set_json_keys(f, fo);
  return r != 0 ? r : set_identity(f, fo);
}

int uvlog_formatter_init(uvlog_formatter_t *f, const uvlog_format_options_t *fo) {
  uvlog_format_options_t defaults;
  if (!f) return UVLOG_EINVAL;
  memset(f, 0, sizeof *f);
  if (!fo) {
    uvlog_format_options_init(&defaults);
    fo = &defaults;
  }
  int r = formatter_setup(f, fo);
  if (r != 0) uvlog_formatter_destroy(f);
  return r;
}

void uvlog_formatter_destroy(uvlog_formatter_t *f) {
  if (!f) return;
  free(f->pattern);
  free(f->items);
  free(f->app_name);
  free(f->hostname);
  free(f->procid);
  free(f->msgid);
  free(f->sd_id);
  for (int i = 0; i < UVLOG_JK_COUNT; i++) free(f->json_key[i]);
  memset(f, 0, sizeof *f);
}

static int same_str(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

int uvlog_formatter_equal(const uvlog_formatter_t *a, const uvlog_formatter_t *b) {
  if (a->kind != b->kind || a->color != b->color || a->facility != b->facility ||
      a->json_preset != b->json_preset || !same_str(a->pattern, b->pattern) ||
      !same_str(a->app_name, b->app_name) || !same_str(a->hostname, b->hostname) ||
      !same_str(a->procid, b->procid) || !same_str(a->msgid, b->msgid) ||
      !same_str(a->sd_id, b->sd_id))
    return 0;
  for (int i = 0; i < UVLOG_JK_COUNT; i++)
    if (!same_str(a->json_key[i], b->json_key[i])) return 0;
  return 1;
}

void uvlog_formatter_format(const uvlog_formatter_t *f, const uvlog_entry_t *e, uvlog_buf_t *out) {
  if (!f || !e || !out) return;
  switch (f->kind) {
  case UVLOG_FORMAT_TEXT: uvlog_format_text(f, e, out); break;
  case UVLOG_FORMAT_JSON: uvlog_format_json(f, e, out); break;
  case UVLOG_FORMAT_RFC5424: uvlog_format_rfc5424(f, e, out); break;
  case UVLOG_FORMAT_RFC3164: uvlog_format_rfc3164(f, e, out); break;
  case UVLOG_FORMAT_LOGFMT: uvlog_format_logfmt(f, e, out); break;
  }
}

/* ---- TEXT escaping ----------------------------------------------------- */

static int needs_escape(unsigned char c) {
  return c < 0x20 || c == 0x7f || c == '\\';
}

size_t uvlog_format_escaped_len(const char *s, size_t n) {
  size_t len = n;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!needs_escape(c)) continue;
    len += (c == '\n' || c == '\r' || c == '\t' || c == '\\') ? 1 : 3;
  }
  return len;
}

void uvlog_format_escape(const char *s, size_t n, uvlog_buf_t *out) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && !needs_escape((unsigned char)s[run])) run++;
    uvlog_buf_append(out, s + i, run - i);
    if (run == n) break;
    unsigned char c = (unsigned char)s[run];
    char esc[4] = {'\\', 0, 0, 0};
    size_t len = 2;
    switch (c) {
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\\': esc[1] = '\\'; break;
    default:
      esc[1] = 'x';
      esc[2] = hex[c >> 4];
      esc[3] = hex[c & 0xf];
      len = 4;
    }
    uvlog_buf_append(out, esc, len);
    i = run + 1;
  }
}
