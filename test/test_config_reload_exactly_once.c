/*
 * test_config_reload_exactly_once.c -- reloading the configuration file
 * while 4 threads log: a file sink whose format changes at every reload is
 * replaced, a file sink and a TCP sink that do not change are kept (the
 * TCP receiver sees one connection for the whole run), and every record is
 * written exactly once by each of the three, whichever configuration was in
 * effect when it was logged. A bad file in between is refused and changes
 * nothing.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "net_fixture.h"

#define THREADS 4
#define PER_THREAD 5000
#define RELOADS 10

static char dir[256], conf[300], p_changed[300], p_kept[300], port[16];
static uvlog_t *logger;
static _Atomic int logged;

typedef struct {
  int lfd;
  _Atomic int stop;
  int accepts;
  char *data;
  size_t len, cap;
} receiver_t;

static void recv_append(receiver_t *r, const char *p, size_t n) {
  if (r->len + n + 1 > r->cap) {
    r->cap = (r->len + n + 1) * 2;
    r->data = realloc(r->data, r->cap);
  }
  memcpy(r->data + r->len, p, n);
  r->len += n;
  r->data[r->len] = 0;
}

/* Accepts and reads every connection until told to stop and all are closed. */
static void *receiver_main(void *arg) {
  receiver_t *r = arg;
  struct pollfd fds[8];
  int n = 1;
  fds[0] = (struct pollfd){.fd = r->lfd, .events = POLLIN};
  while (!atomic_load(&r->stop) || n > 1) {
    if (poll(fds, (nfds_t)n, 50) <= 0) continue;
    if ((fds[0].revents & POLLIN) && n < 8) {
      int c = accept(r->lfd, NULL, NULL);
      if (c >= 0) {
        r->accepts++;
        fds[n++] = (struct pollfd){.fd = c, .events = POLLIN};
      }
    }
    for (int i = 1; i < n; i++) {
      if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[65536];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        recv_append(r, buf, (size_t)got);
      } else {
        close(fds[i].fd);
        fds[i--] = fds[--n];
      }
    }
  }
  return NULL;
}

static void write_conf(const char *changed_pattern, int bad) {
  char tmp[320];
  snprintf(tmp, sizeof tmp, "%s.tmp", conf);
  FILE *f = fopen(tmp, "w");
  cr_assert_not_null(f);
  fprintf(f,
          "logger:\n  overflow: block\n  level: info\n"
          "sinks:\n"
          "  - type: file\n    path: %s\n    format: {kind: text, pattern: \"%s\"}\n"
          "  - type: file\n    path: %s\n    format: {kind: text, pattern: \"%%m\"}\n"
          "  - type: tcp\n    host: 127.0.0.1\n    port: %s\n    framing: ndjson\n"
          "    format: {kind: text, pattern: \"%%m\"}\n%s",
          p_changed, changed_pattern, p_kept, port, bad ? "  - type: nonsense\n" : "");
  fclose(f);
  cr_assert_eq(rename(tmp, conf), 0);
}

static void *producer(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < PER_THREAD; i++) {
    NF_LOG_OK(UVLOG_INFO_TO(logger, "t%d-%d", t, i));
    atomic_fetch_add(&logged, 1);
  }
  return NULL;
}

/* Every id t<th>-<i> appears exactly once in `text` (one per line). */
static void check_once(const char *what, const char *text) {
  static unsigned char seen[THREADS][PER_THREAD];
  memset(seen, 0, sizeof seen);
  size_t lines = 0;
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    const char *t = memchr(p, 't', nl ? (size_t)(nl - p) : strlen(p));
    int th, i;
    NF_CHECK(t && sscanf(t, "t%d-%d", &th, &i) == 2 && th >= 0 && th < THREADS && i >= 0 &&
                 i < PER_THREAD,
             "%s: unexpected line '%.40s'", what, p);
    NF_CHECK(!seen[th][i], "%s: t%d-%d written twice", what, th, i);
    seen[th][i] = 1;
    lines++;
    p = nl ? nl + 1 : NULL;
  }
  cr_expect_eq(lines, (size_t)THREADS * PER_THREAD, "%s: %zu lines", what, lines);
}

Test(config_reload, every_record_exactly_once_under_load, .timeout = 240) {
  nf_mkdtemp(dir, sizeof dir, "cfgreload");
  snprintf(conf, sizeof conf, "%s/uvlog.yaml", dir);
  snprintf(p_changed, sizeof p_changed, "%s/changed.log", dir);
  snprintf(p_kept, sizeof p_kept, "%s/kept.log", dir);
  receiver_t r = {0};
  r.lfd = nf_loopback_socket(port, sizeof port);
  cr_assert_eq(listen(r.lfd, 8), 0);
  pthread_t rt;
  pthread_create(&rt, NULL, receiver_main, &r);

  write_conf("A %m", 0);
  uvlog_config_t *cfg;
  uvlog_config_error_t e;
  cr_assert_eq(uvlog_config_load_file(&cfg, conf, &e), 0, "%s", e.message);
  cr_assert_eq(uvlog_config_logger_create(&logger, cfg, &e), 0, "%s", e.message);
  uvlog_config_free(cfg);
  cr_assert_eq(uvlog_logger_start(logger), 0);

  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, producer, (void *)(intptr_t)t);
  for (int k = 1; k <= RELOADS; k++) {
    /* Reload while the producers are running: wait for progress, not time. */
    int64_t until = nf_now_ms() + 60000;
    while (atomic_load(&logged) < k * THREADS * PER_THREAD / (RELOADS + 2) && nf_now_ms() < until)
      sched_yield();
    if (k == RELOADS / 2) {
      write_conf("C %m", 1);
      cr_expect_eq(uvlog_config_reload(logger, &e), UVLOG_EINVAL);
      cr_expect_str_eq(e.option, "sinks[3].type");
      cr_expect_eq(e.line, 16);
    }
    write_conf(k % 2 ? "B %m" : "A %m", 0);
    cr_expect_eq(uvlog_config_reload(logger, &e), 0, "%s", e.message);
  }
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  int frc = uvlog_logger_flush(logger, 60000);
  cr_assert_eq(frc, 0, "flush: %s", uvlog_strerror(frc));
  uvlog_stats_t st;
  uvlog_logger_stats(logger, &st);
  cr_expect_eq(st.dropped, 0);
  uvlog_logger_destroy(logger);
  atomic_store(&r.stop, 1);
  pthread_join(rt, NULL);
  close(r.lfd);

  size_t len;
  char *changed = nf_read_file(p_changed, &len), *kept = nf_read_file(p_kept, &len);
  check_once("replaced file sink", changed);
  check_once("kept file sink", kept);
  check_once("kept tcp sink", r.data);
  cr_expect_eq(r.accepts, 1, "the unchanged TCP sink kept its connection (%d accepts)", r.accepts);
  cr_expect(!strstr(changed, "C t"), "the refused configuration was never applied");
  free(changed);
  free(kept);
  free(r.data);
  nf_rmtree(dir);
}
