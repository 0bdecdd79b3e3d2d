/*
 * test_metrics_exposition.c -- uvlog_metrics_write() renders valid
 * Prometheus text (exposition format 0.0.4), checked by a strict checker
 * written here (and by `promtool check metrics` when promtool is installed):
 * HELP and TYPE before each family's samples, samples contiguous, valid
 * names, label escaping (\\ \" \n only), numeric values, counters named
 * *_total and never negative, no duplicate series, histograms with
 * increasing le buckets, cumulative counts, a +Inf bucket equal to _count,
 * and _sum. Also: the figures are the logger's (with the listener's tallies:
 * accepted by level, busy time, delivery latency; per-sink bytes and
 * reconnects) and the monitor's, duplicate
 * sink names are told apart by index, the snprintf-like truncation contract,
 * and a reader on another thread while the loop runs (TSan build).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "loop_fixture.h"

/* ---- the strict checker --------------------------------------------------- */

static char err[8192];
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, sizeof err, fmt, ap);
  va_end(ap);
  return 0;
}
#define FAIL(...) fail(__VA_ARGS__)

static int name_ok(const char *s, size_t n) {
  if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':')) return 0;
  for (size_t i = 1; i < n; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':')) return 0;
  return 1;
}

static int label_name_ok(const char *s, size_t n) {
  if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
  if (n >= 2 && s[0] == '_' && s[1] == '_') return 0;  /* reserved */
  for (size_t i = 1; i < n; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
  return 1;
}

static int value_ok(const char *s, double *v) {
  if (!strcmp(s, "+Inf")) return *v = INFINITY, 1;
  if (!strcmp(s, "-Inf")) return *v = -INFINITY, 1;
  if (!strcmp(s, "NaN")) return *v = NAN, 1;
  if (!*s || isspace((unsigned char)*s)) return 0;
  char *end;
  *v = strtod(s, &end);
  return *end == '\0' && strncasecmp(s, "inf", 3) && strncasecmp(s, "nan", 3);
}

typedef struct {
  char family[128], type[16];
  /* histogram state for the current label set */
  char hkey[512];
  double last_le, last_count, inf_count;
  int have_inf, have_sum, have_count;
  int hopen;  /* a label set of this histogram is being read */
} fam_t;

#define MAXS 4096
static char *series[MAXS];
static int nseries;
static char *families[512];
static int nfamilies;

static int histogram_close(fam_t *f) {
  if (strcmp(f->type, "histogram") || !f->hopen) return 1;
  if (!f->have_inf) return FAIL("%s: no +Inf bucket", f->family);
  if (!f->have_sum || !f->have_count) return FAIL("%s: _sum or _count missing", f->family);
  if (f->inf_count != f->last_count) return FAIL("%s: +Inf bucket != _count", f->family);
  return 1;
}

static int check_exposition(const char *text) {
  fam_t f;
  memset(&f, 0, sizeof f);
  nseries = nfamilies = 0;
  size_t tl = strlen(text);
  if (tl == 0 || text[tl - 1] != '\n') return FAIL("does not end with a newline");
  int help_seen = 0;
  const char *line = text;
  char buf[4096];
  while (*line) {
    const char *nl = strchr(line, '\n');
    size_t n = (size_t)(nl - line);
    if (n == 0) return FAIL("empty line");
    if (n >= sizeof buf) return FAIL("line too long");
    memcpy(buf, line, n);
    buf[n] = '\0';
    line = nl + 1;
    if (buf[0] == '#') {
      char kw[8], nm[256];
      int off = 0;
      if (sscanf(buf, "# %7s %255s %n", kw, nm, &off) < 2) return FAIL("bad comment: %s", buf);
      if (!name_ok(nm, strlen(nm))) return FAIL("bad family name: %s", buf);
      if (!strcmp(kw, "HELP")) {
        if (!histogram_close(&f)) return 0;
        for (int i = 0; i < nfamilies; i++)
          if (!strcmp(families[i], nm)) return FAIL("family %s repeated", nm);
        families[nfamilies++] = strdup(nm);
        memset(&f, 0, sizeof f);
        snprintf(f.family, sizeof f.family, "%s", nm);
        help_seen = 1;
        for (const char *p = buf + off; *p; p++)
          if (*p == '\\' && p[1] != '\\' && p[1] != 'n') return FAIL("bad HELP escape: %s", buf);
          else if (*p == '\\') p++;
        if (!buf[off]) return FAIL("empty HELP: %s", buf);
      } else if (!strcmp(kw, "TYPE")) {
        if (!help_seen || strcmp(nm, f.family) || f.type[0]) return FAIL("TYPE without its HELP: %s", buf);
        const char *t = buf + off;
        if (strcmp(t, "counter") && strcmp(t, "gauge") && strcmp(t, "histogram") &&
            strcmp(t, "summary") && strcmp(t, "untyped"))
          return FAIL("bad type: %s", buf);
        size_t tl_ = strlen(t);  /* one of the five names above: it fits */
        memcpy(f.type, t, tl_ + 1);
        if (!strcmp(t, "counter") && (strlen(nm) < 6 || strcmp(nm + strlen(nm) - 6, "_total")))
          return FAIL("counter not named *_total: %s", nm);
      } else {
        return FAIL("unexpected comment: %s", buf);
      }
      continue;
    }
    /* a sample */
    if (!f.type[0]) return FAIL("sample before HELP/TYPE: %s", buf);
    size_t i = 0;
    while (buf[i] && buf[i] != '{' && buf[i] != ' ') i++;
    char name[256];
    if (!name_ok(buf, i) || i >= sizeof name) return FAIL("bad metric name: %s", buf);
    memcpy(name, buf, i);
    name[i] = '\0';
    const char *suffix = "";
    if (!strcmp(f.type, "histogram")) {
      size_t fl = strlen(f.family);
      if (strncmp(name, f.family, fl)) return FAIL("%s is not in family %s", name, f.family);
      suffix = name + fl;
      if (strcmp(suffix, "_bucket") && strcmp(suffix, "_sum") && strcmp(suffix, "_count"))
        return FAIL("bad histogram sample %s", name);
    } else if (strcmp(name, f.family)) {
      return FAIL("%s is not in family %s (samples not contiguous?)", name, f.family);
    }
    /* labels */
    char key[1024] = "", lnames[16][64];
    int nl_ = 0;
    char le[64] = "";
    if (buf[i] == '{') {
      i++;
      while (buf[i] != '}') {
        size_t s = i;
        while (buf[i] && buf[i] != '=') i++;
        if (!label_name_ok(buf + s, i - s) || i - s >= 64) return FAIL("bad label name: %s", buf);
        char ln[64];
        memcpy(ln, buf + s, i - s);
        ln[i - s] = '\0';
        for (int k = 0; k < nl_; k++)
          if (!strcmp(lnames[k], ln)) return FAIL("label %s repeated: %s", ln, buf);
        if (nl_ == 16) return FAIL("too many labels");
        strcpy(lnames[nl_++], ln);
        if (buf[i] != '=' || buf[i + 1] != '"') return FAIL("label value not quoted: %s", buf);
        i += 2;
        char val[512];
        size_t vl = 0;
        for (;;) {
          char c = buf[i];
          if (!c) return FAIL("unterminated label value: %s", buf);
          if (c == '"') break;
          if (c == '\\') {
            char e = buf[i + 1];
            if (e != '\\' && e != '"' && e != 'n') return FAIL("bad escape in label value: %s", buf);
            i++;
          }
          if (vl + 1 < sizeof val) val[vl++] = buf[i];
          i++;
        }
        val[vl] = '\0';
        i++;
        if (!strcmp(ln, "le")) {
          if (vl >= sizeof le) return FAIL("le too long: %s", buf);
          memcpy(le, val, vl + 1);
        }
        else {
          strncat(key, ln, sizeof key - strlen(key) - 1);
          strncat(key, "=", sizeof key - strlen(key) - 1);
          strncat(key, val, sizeof key - strlen(key) - 1);
          strncat(key, ",", sizeof key - strlen(key) - 1);
        }
        if (buf[i] == ',') i++;
        else if (buf[i] != '}') return FAIL("bad label separator: %s", buf);
      }
      i++;
    }
    if (buf[i] != ' ') return FAIL("no space before the value: %s", buf);
    i++;
    char vs[64];
    size_t vsl = strcspn(buf + i, " ");
    if (vsl == 0 || vsl >= sizeof vs) return FAIL("no value: %s", buf);
    memcpy(vs, buf + i, vsl);
    vs[vsl] = '\0';
    double v;
    if (!value_ok(vs, &v)) return FAIL("bad value: %s", buf);
    if (buf[i + vsl]) {  /* an optional timestamp: an integer */
      const char *ts = buf + i + vsl + 1;
      if (*ts == '-') ts++;
      if (!*ts) return FAIL("bad timestamp: %s", buf);
      for (; *ts; ts++)
        if (!isdigit((unsigned char)*ts)) return FAIL("bad timestamp: %s", buf);
    }
    if (!strcmp(f.type, "counter") && !(v >= 0)) return FAIL("negative counter: %s", buf);
    /* duplicates */
    char full[1400];
    snprintf(full, sizeof full, "%s{%sle=%s}", name, key, le);
    for (int k = 0; k < nseries; k++)
      if (!strcmp(series[k], full)) return FAIL("duplicate series: %s", buf);
    if (nseries == MAXS) return FAIL("too many series");
    series[nseries++] = strdup(full);
    if (!strcmp(f.type, "histogram")) {
      if (!f.hopen || strcmp(f.hkey, key)) {
        if (!histogram_close(&f)) return 0;
        f.hopen = 1;
        snprintf(f.hkey, sizeof f.hkey, "%s", key);
        f.last_le = -INFINITY;
        f.last_count = 0;
        f.have_inf = f.have_sum = f.have_count = 0;
      }
      if (!strcmp(suffix, "_bucket")) {
        double lev;
        if (!le[0] || !value_ok(le, &lev)) return FAIL("bucket without a valid le: %s", buf);
        if (f.have_inf || f.have_sum || f.have_count) return FAIL("bucket after +Inf/_sum/_count: %s", buf);
        if (!(lev > f.last_le)) return FAIL("le not increasing: %s", buf);
        if (v < f.last_count) return FAIL("bucket counts not cumulative: %s", buf);
        f.last_le = lev;
        f.last_count = v;
        if (isinf(lev)) f.have_inf = 1, f.inf_count = v;
      } else if (le[0]) {
        return FAIL("le on a non-bucket sample: %s", buf);
      } else if (!strcmp(suffix, "_sum")) {
        f.have_sum = 1;
      } else {
        f.have_count = 1;
        if (v != f.last_count) return FAIL("_count != +Inf bucket: %s", buf);
      }
    } else if (le[0]) {
      return FAIL("le label outside a histogram: %s", buf);
    }
  }
  return histogram_close(&f);
}

/* ---- the checker checks ---------------------------------------------------- */

Test(metrics_exposition, the_checker_rejects_what_it_should) {
  cr_assert(check_exposition("# HELP a_total x\n# TYPE a_total counter\na_total 1\n"), "%s", err);
  const char *bad[] = {
    "a 1\n",                                                            /* no HELP/TYPE */
    "# HELP a x\n# TYPE a gauge\na 1",                                  /* no final newline */
    "# HELP a x\n# TYPE a counter\na 1\n",                              /* counter without _total */
    "# HELP a x\n# TYPE a gauge\na{l=\"\\t\"} 1\n",                     /* bad escape */
    "# HELP a x\n# TYPE a gauge\na{l=\"x\",l=\"y\"} 1\n",               /* repeated label */
    "# HELP a x\n# TYPE a gauge\na{l=\"x\"} 1\na{l=\"x\"} 2\n",         /* duplicate series */
    "# HELP a x\n# TYPE a gauge\na one\n",                              /* bad value */
    "# HELP a x\n# TYPE a gauge\n# HELP b x\n# TYPE b gauge\na 1\n",    /* not contiguous */
    "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
    "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", /* no +Inf */
    "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_expect_not(check_exposition(bad[i]), "accepted: %s", bad[i]);
}

/* ---- the real thing ----------------------------------------------------------- */

static uvlog_loop_monitor_t *mon;
static _Atomic int stop_reader;
static _Atomic int reads;

static void *reader(void *arg) {
  uvlog_t *log = arg;
  static char buf[65536];
  while (!atomic_load(&stop_reader)) {
    int n = uvlog_metrics_write(log, mon, buf, sizeof buf);
    cr_assert_gt(n, 0);
    atomic_fetch_add(&reads, 1);
  }
  return NULL;
}

static int ticks_left = 50;
static uv_tcp_t server;

static void on_timer(uv_timer_t *t) {
  UVLOG_INFO_TO(uv_handle_get_data((uv_handle_t *)t), "tick %d", ticks_left);
  if (--ticks_left > 0) return;
  uv_timer_stop(t);
  uv_close((uv_handle_t *)t, NULL);
  uv_close((uv_handle_t *)&server, NULL);
}

static int mem_write(uvlog_sink_t *s, const uvlog_entry_t *e, size_t n) {
  (void)s, (void)e, (void)n;
  return 0;
}

static void run_promtool(const char *text) {
  if (access("/usr/bin/promtool", X_OK) != 0) {
    cr_log_info("promtool not installed: strict checker only");
    return;
  }
  char path[] = "/tmp/uvlog-metrics-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "promtool check metrics < %s > %s.out 2>&1", path, path);
  int rc = system(cmd);
  char outp[300];
  snprintf(outp, sizeof outp, "%s.out", path);
  FILE *f = fopen(outp, "r");
  char msg[2048] = "";
  if (f) {
    size_t k = fread(msg, 1, sizeof msg - 1, f);
    msg[k] = '\0';
    fclose(f);
  }
  unlink(path);
  unlink(outp);
  cr_expect_eq(rc, 0, "promtool check metrics failed: %s", msg);
}

Test(metrics_exposition, logger_and_monitor_pass_the_checker, .timeout = 60) {
  uvlog_t *log = memlog_logger("mem");
  /* more sinks: before start only, so make a second logger with them */
  uvlog_logger_close(log);
  uvlog_logger_destroy(log);
  uvlog_options_t lo;
  uvlog_options_init(&lo);
  lo.ring_capacity = 4096;
  lo.max_record = 256;
  cr_assert_eq(uvlog_logger_create(&log, &lo), 0);
  static uvlog_sink_vtable_t plain = {.name = "mem", .write = mem_write};
  static uvlog_sink_vtable_t weird = {.name = "we\"ird\\name\nx", .write = mem_write};
  uvlog_sink_t *s;
  cr_assert_eq(uvlog_sink_create(&s, &plain, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_sink_create(&s, &plain, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  cr_assert_eq(uvlog_sink_create(&s, &weird, NULL), 0);
  cr_assert_eq(uvlog_sink_add(log, s), 0);
  /* not started: a small ring fills up and records are dropped */
  int drops = 0;
  for (int i = 0; i < 500; i++) drops += UVLOG_WARNING_TO(log, "fill %d %s", i, "xxxxxxxxxxxxxxxx") == UVLOG_EAGAIN;
  cr_assert_gt(drops, 0);
  cr_assert_eq(uvlog_logger_start(log), 0);

  uv_loop_t loop;
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_assert_eq(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  o.interval_ms = 2;
  o.period_ms = 20;
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, log, &o), 0);
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  uv_handle_set_data((uv_handle_t *)&t, log);
  uv_timer_start(&t, on_timer, 3, 3);
  uv_tcp_init(&loop, &server);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  cr_assert_eq(uv_tcp_bind(&server, (const struct sockaddr *)&a, 0), 0);
  cr_assert_eq(uv_listen((uv_stream_t *)&server, 8, NULL), 0);

  pthread_t th;
  pthread_create(&th, NULL, reader, log);
  cr_assert_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  atomic_store(&stop_reader, 1);
  pthread_join(th, NULL);
  cr_expect_gt(reads, 0);
  cr_assert_eq(uvlog_logger_flush(log, 5000), 0);

  /* the listening socket is closed by now: make a last tick see a handle */
  static char text[65536];
  int n = uvlog_metrics_write(log, mon, text, sizeof text);
  cr_assert_gt(n, 0);
  cr_assert_lt(n, (int)sizeof text);
  cr_assert_eq((size_t)n, strlen(text));
  cr_assert(check_exposition(text), "%s\n--- text ---\n%s", err, text);
  run_promtool(text);
  if (getenv("UVLOG_METRICS_DUMP")) fputs(text, stderr);

  uvlog_stats_t st;
  uvlog_logger_stats(log, &st);
  char want[256];
  snprintf(want, sizeof want, "\nuvlog_records_total %llu\n", (unsigned long long)st.records);
  cr_expect_not_null(strstr(text, want), "%s in\n%s", want, text);
  snprintf(want, sizeof want, "\nuvlog_records_dropped_total{level=\"WARNING\"} %llu\n",
           (unsigned long long)st.dropped_by_level[UVLOG_LEVEL_WARNING]);
  cr_expect_not_null(strstr(text, want), "%s in\n%s", want, text);
  cr_expect_not_null(strstr(text, "uvlog_ring_capacity_bytes 4096\n"), "%s", text);
  /* The listener's tallies: one latency count per record drained, the
   * per-level counts, busy time, and the per-sink bytes and reconnects. */
  snprintf(want, sizeof want, "\nuvlog_delivery_latency_seconds_count %llu\n",
           (unsigned long long)st.records);
  cr_expect_not_null(strstr(text, want), "%s in\n%s", want, text);
  snprintf(want, sizeof want, "\nuvlog_records_accepted_total{level=\"WARNING\"} %llu\n",
           (unsigned long long)st.accepted_by_level[UVLOG_LEVEL_WARNING]);
  cr_expect_not_null(strstr(text, want), "%s in\n%s", want, text);
  cr_expect_not_null(strstr(text, "\n# TYPE uvlog_listener_busy_seconds_total counter\n"), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_bytes_total{sink=\"mem\",index=\"1\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_reconnects_total{sink=\"mem\",index=\"0\"} 0\n"), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_total{sink=\"mem\",index=\"0\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_written_total{sink=\"mem\",index=\"1\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_sink_errors_total{sink=\"we\\\"ird\\\\name\\nx\",index=\"2\"} 0\n"),
                     "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_loop_lag_seconds_bucket{le=\"+Inf\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_loop_lag_seconds_bucket{le=\"0.001\"} "), "%s", text);
  cr_expect_not_null(strstr(text, "\nuvlog_loop_utilization "), "%s", text);
  cr_expect_not_null(strstr(text, "\nuvlog_loop_iterations_total "), "%s", text);

  /* snprintf's contract. The listener's busy time changes whenever it
   * wakes (a timer), and with it the text's length: close the logger first,
   * its figures stay readable and fixed. */
  cr_assert_eq(uvlog_logger_close(log), 0);
  n = uvlog_metrics_write(log, mon, text, sizeof text);
  cr_assert(n > 0 && check_exposition(text), "%s\n%s", err, text);
  char small[16];
  cr_expect_eq(uvlog_metrics_write(log, mon, small, sizeof small), n);
  cr_expect_eq(strlen(small), sizeof small - 1);
  cr_expect_eq(uvlog_metrics_write(log, mon, NULL, 0), n);
  cr_expect_eq(uvlog_metrics_write(NULL, NULL, text, sizeof text), UVLOG_EINVAL);
  cr_expect_eq(uvlog_metrics_write(log, NULL, NULL, 5), UVLOG_EINVAL);

  /* the logger alone, the monitor alone */
  n = uvlog_metrics_write(log, NULL, text, sizeof text);
  cr_assert(n > 0 && check_exposition(text), "%s\n%s", err, text);
  cr_expect_null(strstr(text, "uvlog_loop_"));
  n = uvlog_metrics_write(NULL, mon, text, sizeof text);
  cr_assert(n > 0 && check_exposition(text), "%s\n%s", err, text);
  cr_expect_null(strstr(text, "uvlog_records"));

  uvlog_loop_monitor_stop(mon);
  uv_run(&loop, UV_RUN_DEFAULT);
  cr_assert_eq(uv_loop_close(&loop), 0);
  uvlog_logger_destroy(log);
}

Test(metrics_exposition, handles_by_type_are_labelled, .timeout = 30) {
  uv_loop_t loop;
  cr_assert_eq(uv_loop_init(&loop), 0);
  cr_assert_eq(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  uvlog_loop_monitor_options_t o;
  uvlog_loop_monitor_options_init(&o);
  o.interval_ms = 2;
  cr_assert_eq(uvlog_loop_monitor_start(&mon, &loop, NULL, &o), 0);
  uv_tcp_init(&loop, &server);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  cr_assert_eq(uv_tcp_bind(&server, (const struct sockaddr *)&a, 0), 0);
  cr_assert_eq(uv_listen((uv_stream_t *)&server, 8, NULL), 0);
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  ticks_left = 10;
  uv_handle_set_data((uv_handle_t *)&t, NULL);
  uv_timer_start(&t, on_timer, 5, 5);
  uvlog_loop_stats_t st = {0};
  while (st.ticks < 3) {
    uv_run(&loop, UV_RUN_ONCE);
    uvlog_loop_monitor_stats(mon, &st);
  }
  static char text[65536];
  uvlog_metrics_write(NULL, mon, text, sizeof text);
  cr_assert(check_exposition(text), "%s\n%s", err, text);
  cr_expect_not_null(strstr(text, "uvlog_loop_active_handles{type=\"tcp\"} 1\n"), "%s", text);
  cr_expect_not_null(strstr(text, "uvlog_loop_active_handles{type=\"timer\"} 1\n"), "%s", text);
  uv_run(&loop, UV_RUN_DEFAULT);
  uvlog_loop_monitor_stop(mon);
  uv_run(&loop, UV_RUN_DEFAULT);
  cr_assert_eq(uv_loop_close(&loop), 0);
}
