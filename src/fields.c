/*
 * fields.c -- a record's own fields, producer side, the rare paths of
 * fieldrec.h: building the field block from a uvlog_field_t array
 * (uvlog_log_fields()), cutting string values to max_record with a
 * visible marker. The per-call measure and encode are inline in
 * fieldrec.h; the listener's reading is fieldbatch.c.
 */
#include <stdio.h>
#include <string.h>

#include "fieldrec.h"

size_t uvlog__cut_marker(char *buf, size_t size, size_t orig) {
  int n = snprintf(buf, size, "\xe2\x80\xa6[truncated: %zu bytes]", orig);
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void uvlog__fb_put_cut(unsigned char *dst, const char *p, size_t len, size_t stored) {
  char mark[64];
  size_t m = uvlog__cut_marker(mark, sizeof mark, len);
  if (stored < m) return; /* fb_cut stores 0 bytes then */
  memcpy(dst, p, stored - m);
  memcpy(dst + stored - m, mark, m);
}

/* Strings in field order get what is left of max_record after the fixed
 * part: all of a string that fits; else the room left (its start and the
 * marker) if the marker fits in it, else nothing. */
void uvlog__fb_cut(fb_call_t *fb, size_t max_record) {
  size_t fixed = uvlog__fb_fixed(fb->n);
  size_t room = max_record > fixed ? max_record - fixed : 0;
  char mark[64];
  for (unsigned m = fb->smask; m; m &= m - 1) {
    unsigned i = (unsigned)__builtin_ctz(m);
    size_t len = fb->lens[i], keep = 0;
    if (len <= room) keep = len;
    else if (room >= uvlog__cut_marker(mark, sizeof mark, len)) keep = room;
    fb->stored[i] = keep;
    room -= keep;
    fixed += keep;
  }
  fb->size = fixed;
  fb->cut = 1;
}

int uvlog__fb_from_fields(fb_call_t *fb, const uvlog_field_t *fields, size_t n,
                          size_t max_record) {
  if (n > UVLOG_FIELDS_MAX || (n && !fields)) return UVLOG_EINVAL;
  memset(fb->head_buf, 0, sizeof fb->head_buf);
  fb->head_buf[0] = (unsigned char)n;
  fb->n = (unsigned)n;
  fb->smask = 0;
  for (unsigned i = 0; i < n; i++) {
    const uvlog_field_t *f = &fields[i];
    if (!f->key || (unsigned)f->type > UVLOG_FIELD_BOOL) return UVLOG_EINVAL;
    fb->keys_buf[i] = f->key;
    fb->head_buf[1 + i] = (unsigned char)f->type;
    switch (f->type) {
    case UVLOG_FIELD_STR:
      fb->smask |= 1u << i;
      fb->ptrs[i] = f->v.str.ptr;
      fb->lens[i] = f->v.str.ptr ? f->v.str.len : 0;
      fb->vals_buf[i] = 0;
      break;
    case UVLOG_FIELD_INT: fb->vals_buf[i] = (uint64_t)f->v.i; break;
    case UVLOG_FIELD_UINT: fb->vals_buf[i] = f->v.u; break;
    case UVLOG_FIELD_DOUBLE: memcpy(&fb->vals_buf[i], &f->v.d, 8); break;
    case UVLOG_FIELD_BOOL: fb->vals_buf[i] = f->v.b ? 1 : 0; break;
    default: fb->vals_buf[i] = 0; break;
    }
  }
  fb->head = fb->head_buf;
  fb->keys = fb->keys_buf;
  fb->vals = fb->vals_buf;
  uvlog__fb_measure(fb, max_record);
  return 0;
}

/* " key=value" for each field, for the last resort (no logger): strings
 * quoted as they are (the last resort escapes control bytes), cut to the
 * buffer. Returns the length written (NUL-terminated). */
size_t uvlog__fb_text(const fb_call_t *fb, char *buf, size_t size) {
  size_t o = 0;
  buf[0] = 0;
  for (unsigned i = 0; i < fb->n && o + 1 < size; i++) {
    const char *k = fb->keys[i];
    uint64_t v = fb->vals[i];
    double d;
    int w;
    if (fb->smask & (1u << i)) {
      int len = fb->lens[i] > 256 ? 256 : (int)fb->lens[i];
      w = fb->ptrs[i] ? snprintf(buf + o, size - o, " %s=\"%.*s\"", k, len, fb->ptrs[i])
                      : snprintf(buf + o, size - o, " %s=null", k);
    } else {
      switch (fb->head[1 + i]) {
      case UVLOG_FIELD_INT: w = snprintf(buf + o, size - o, " %s=%lld", k, (long long)v); break;
      case UVLOG_FIELD_UINT:
        w = snprintf(buf + o, size - o, " %s=%llu", k, (unsigned long long)v);
        break;
      case UVLOG_FIELD_DOUBLE:
        memcpy(&d, &v, sizeof d);
        w = snprintf(buf + o, size - o, " %s=%.17g", k, d);
        break;
      case UVLOG_FIELD_BOOL: w = snprintf(buf + o, size - o, " %s=%s", k, v ? "true" : "false"); break;
      default: w = snprintf(buf + o, size - o, " %s=null", k); break;
      }
    }
    if (w < 0) break;
    o += (size_t)w < size - o ? (size_t)w : size - o - 1;
  }
  return o;
}
