/*
 * crash.c -- the crash flush (uvlog/crash.h): on SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL or SIGABRT, write what is still in the ring to the file and
 * stderr sinks, then let the signal do what it would have done.
 *
 * INSTALL (any thread, under install_mu; never in a handler)
 * Each logger gets a slot: the logger and two fixed buffers (malloc'd
 * here, never grown: uvlog_buf_t.fixed) big enough for one rendered
 * record. The first slot installs the handler for the five signals (with
 * SA_SIGINFO | SA_ONSTACK, no SA_NODEFER) and saves the actions it
 * replaces; the last uninstall puts them back where ours is still the one
 * installed.
 *
 * THE HANDLER (async-signal-safe only: atomics, write, poll, clock_gettime,
 * sigaction, alarm, raise, nanosleep, getpid; no malloc, no lock, no stdio)
 *   1. A thread already inside the handler (a fault while flushing, or
 *      while the chained handler runs) only chains (6).
 *   2. The first thread to CAS `owner` from 0 flushes; a thread that loses
 *      waits until the owner is done (1 ms sleeps, at most the longest
 *      timeout_ms + 1 s) and then chains without flushing: the owner wrote
 *      everything committed before it started.
 *   3. The owner sets uvlog__crash_freeze: the listener's file and stderr
 *      writes (fdio.c) wait from their next writev on, so the listener does
 *      not write the same records concurrently (a writev already in the
 *      kernel completes). It arms alarm(2) with a no-op SIGALRM handler
 *      (no SA_RESTART), so one write that blocks (a pipe whose reader
 *      stopped) returns EINTR by the deadline.
 *   4. For each slot whose logger is started in this process: walk the
 *      ring from head (what the listener has not released: it may have
 *      written part of that batch already, see docs/crash.md) to tail;
 *      where the listener releases more meanwhile (it wrote those), the
 *      walk jumps to its new head.
 *      A committed record is decoded and rendered (crash_render.c) once
 *      per file/stderr sink that admits its level, and written with
 *      write(2). A claimed record not committed (a producer interrupted
 *      between claim and commit, maybe the crashing thread itself) is
 *      waited for up to 1 ms, then skipped and counted as lost: its size is
 *      in its negated length (ring.h), so the walk goes on. The deadline
 *      (timeout_ms after the signal) is checked between records and bounds
 *      every wait for a full descriptor.
 *      A later flush in the same process (a handler that recovered, or a
 *      second thread's crash after the first flush) starts where the
 *      previous one stopped: no record is written twice by the handler.
 *   5. One line to each stderr sink (if anything was written or lost):
 *      how many records were written and lost. Then the alarm and SIGALRM's action are put back, the freeze
 *      and `owner` are cleared.
 *   6. Chain: the saved action of the signal. SIG_DFL (or SIG_IGN for a
 *      fault; an ignored signal sent with kill() stays ignored): restore
 *      SIG_DFL and raise() the signal: it is delivered when the handler
 *      returns (a fault re-executes the faulting instruction anyway) and
 *      the process dies of it, with a core where the system makes one. A
 *      handler: called with its sa_mask blocked, as the kernel would call
 *      it; SA_RESETHAND honoured (the action becomes SIG_DFL first).
 *
 * MEMORY ORDERS
 *   owner: CAS acq_rel / store release / load acquire: a waiter that sees
 *     0 after the owner's store sees everything the owner wrote before.
 *   slots: store release at install (the slot's buffers are written
 *     before), load acquire in the handler.
 *   ring head, tail and record lengths: acquire, as the listener reads them
 *     (ring.h, M2 and M8 semantics); the handler never writes the ring.
 *   uvlog__crash_freeze: relaxed both ways (a hint that only delays the
 *     listener; nothing is published with it).
 *   log->state, log->pid: acquire / relaxed as elsewhere (logger_impl.h).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "crash.h"
#include "dec.h"
#include "logger_impl.h"
#include "sink.h"

#define N_SIGNALS 5
#define ALTSTACK_SIZE ((size_t)64 * 1024)
#define NS_PER_MS 1000000LL

static const int crash_signals[N_SIGNALS] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

typedef struct crash_slot {
  uvlog_t *log;
  unsigned timeout_ms;
  uvlog_buf_t msg; /* fixed: a deferred record's message */
  uvlog_buf_t out; /* fixed: one rendered record */
  uint64_t done;   /* ring position an earlier flush wrote up to (owner only) */
} crash_slot_t;

static pthread_mutex_t install_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(crash_slot_t *) slots[UVLOG_CRASH_MAX_LOGGERS];
static struct sigaction saved[N_SIGNALS]; /* the actions ours replaced */
static int n_installed;                   /* slots in use (under install_mu) */
static _Atomic uint32_t owner;            /* tid of the flushing thread, 0 = none */
static _Thread_local volatile sig_atomic_t in_handler __attribute__((tls_model("initial-exec")));
_Atomic int uvlog__crash_freeze;

void uvlog__crash_wait(void) {
  struct timespec ms = {0, NS_PER_MS};
  while (atomic_load_explicit(&uvlog__crash_freeze, memory_order_relaxed)) nanosleep(&ms, NULL);
}

void uvlog_crash_options_init(uvlog_crash_options_t *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->timeout_ms = 2000;
  opts->altstack = 1;
}

/* ---- writing (async-signal-safe) ------------------------------------------------------------ */

static int64_t mono_ms(void) { return uvlog__mono_ns() / NS_PER_MS; }

/* Writes all of p[0..n) to fd by the deadline; 0, or -1 (given up). */
static int write_all(int fd, const char *p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
      continue;
    }
    int64_t left = deadline - mono_ms();
    if (left <= 0 || w == 0) return -1;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    struct pollfd pf = {.fd = fd, .events = POLLOUT};
    if (poll(&pf, 1, (int)(left > 60000 ? 60000 : left)) <= 0 && mono_ms() >= deadline) return -1;
  }
  return 0;
}

/* The descriptor `s`'s records go to in a crash, or -1. */
static int sink_fd(const uvlog_sink_t *s) {
  int fd = uvlog__file_sink_crash_fd(s);
  return fd >= 0 ? fd : uvlog__stderr_sink_crash_fd(s);
}

/* Writes one committed record to every file and stderr sink it is for. */
static void write_record(crash_slot_t *cs, const uvlog_rec_t *rec, int64_t deadline) {
  uvlog_entry_t e;
  uvlog__crash_decode(cs->log, rec, &cs->msg, &e);
  for (uvlog_sink_t *s = cs->log->sinks; s; s = s->next) {
    int fd = sink_fd(s);
    /* relaxed: a level is a lone value (sink.h). */
    if (fd < 0 || (int)e.level < atomic_load_explicit(&s->level, memory_order_relaxed)) continue;
    uvlog__crash_render(&s->fmt, &e, &cs->out);
    (void)write_all(fd, cs->out.data, cs->out.len, deadline);
  }
}

/* The length at `rec` once it is no longer 0 or negative (a claim being
 * committed), waiting at most 1 ms; what it is then otherwise. */
static int32_t committed_len(uvlog_rec_t *rec) {
  int32_t len = atomic_load_explicit(&rec->len, memory_order_acquire); /* ring.h M2 */
  for (int64_t t0 = uvlog__mono_ns(); len <= 0 && uvlog__mono_ns() - t0 < NS_PER_MS;) {
    uvlog__cpu_relax();
    len = atomic_load_explicit(&rec->len, memory_order_acquire);
  }
  return len;
}

/* Walks `cs`'s ring from head to tail; counts records written and lost. */
static void flush_slot(crash_slot_t *cs, int64_t deadline, uint64_t *written, uint64_t *lost) {
  uvlog_t *log = cs->log;
  int st = atomic_load_explicit(&log->state, memory_order_acquire);
  /* relaxed: log->pid is a lone value set before start. */
  if ((st != LOG_RUNNING && st != LOG_CLOSING) ||
      atomic_load_explicit(&log->pid, memory_order_relaxed) != (int)getpid())
    return;
  ring_t *r = &log->ring;
  uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
  uint64_t tail = atomic_load_explicit(&r->tail, memory_order_seq_cst) & ~RING_CLOSED_BIT;
  /* A process that survived an earlier flush (a handler that recovered, or
   * a second thread's crash after the first flush): never write a record
   * twice from here. */
  uint64_t pos = (int64_t)(cs->done - head) > 0 ? cs->done : head;
  for (; pos < tail && pos - head < r->capacity;) {
    if (mono_ms() >= deadline) {
      (*lost)++; /* at least one more record: the rest are not counted */
      break;
    }
    /* The listener may have released (and be zeroing) bytes we have not
     * walked yet: it wrote those records, skip to its new head. */
    uint64_t now_head = atomic_load_explicit(&r->head, memory_order_acquire);
    if ((int64_t)(now_head - pos) > 0) {
      pos = now_head;
      continue;
    }
    uvlog_rec_t *rec = (uvlog_rec_t *)(r->buf + (pos & r->mask));
    int32_t len = committed_len(rec);
    if (len == 0) { /* released under us, or a claim whose length is not stored yet */
      if ((int64_t)(atomic_load_explicit(&r->head, memory_order_acquire) - pos) > 0) continue;
      break;
    }
    if (len < 0) {        /* claimed, never committed: skip it */
      (*lost)++;
      pos += (uint64_t)-(int64_t)len;
      continue;
    }
    if (rec->type != REC_PAD && rec->type != REC_MARK) {
      write_record(cs, rec, deadline);
      (*written)++;
    }
    pos += (uint64_t)len;
  }
  cs->done = pos;
}

/* "uvlog: crash flush after signal S: W records written, L lost\n" to
 * every stderr sink of the slots. */
static void report(int sig, uint64_t written, uint64_t lost, int64_t deadline) {
  char line[128];
  uvlog_buf_t b = {line, 0, sizeof line, 0, 1};
  char num[3][24];
  uint64_t v[3] = {(uint64_t)sig, written, lost};
  const char *part[4] = {"uvlog: crash flush after signal ", ": ", " records written, ",
                         " lost\n"};
  for (int i = 0; i < 3; i++) {
    char *end = num[i] + sizeof num[i], *p = uvlog__u64_dec(end, v[i]);
    uvlog_buf_append(&b, part[i], strlen(part[i]));
    uvlog_buf_append(&b, p, (size_t)(end - p));
  }
  uvlog_buf_append(&b, part[3], strlen(part[3]));
  int done = 0;
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS && !done; i++) {
    crash_slot_t *cs = atomic_load_explicit(&slots[i], memory_order_acquire);
    for (uvlog_sink_t *s = cs ? cs->log->sinks : NULL; s && !done; s = s->next)
      if (uvlog__stderr_sink_crash_fd(s) >= 0) done = write_all(2, b.data, b.len, deadline) + 1;
  }
}

static void on_alarm(int sig) { (void)sig; } /* only interrupts a blocked write */

/* The longest timeout_ms of the installed loggers. */
static unsigned slots_timeout(void) {
  unsigned timeout = 0;
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS; i++) {
    crash_slot_t *cs = atomic_load_explicit(&slots[i], memory_order_acquire);
    if (cs && cs->timeout_ms > timeout) timeout = cs->timeout_ms;
  }
  return timeout;
}

/* The flush itself (steps 3-5 of the top comment). */
static void flush_all(int sig) {
  unsigned timeout = slots_timeout();
  int64_t deadline = mono_ms() + timeout;
  atomic_store_explicit(&uvlog__crash_freeze, 1, memory_order_relaxed);
  struct sigaction alrm = {0}, old_alrm;
  alrm.sa_handler = on_alarm;
  sigemptyset(&alrm.sa_mask);
  sigaction(SIGALRM, &alrm, &old_alrm);
  unsigned old_alarm = alarm((timeout + 999) / 1000);
  uint64_t written = 0, lost = 0;
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS; i++) {
    crash_slot_t *cs = atomic_load_explicit(&slots[i], memory_order_acquire);
    if (cs) flush_slot(cs, deadline, &written, &lost);
  }
  if (written || lost) report(sig, written, lost, deadline);
  alarm(old_alarm);
  sigaction(SIGALRM, &old_alrm, NULL);
  atomic_store_explicit(&uvlog__crash_freeze, 0, memory_order_relaxed);
}

/* ---- chaining ----------------------------------------------------------------------------------- */

static int sig_index(int sig) {
  for (int i = 0; i < N_SIGNALS; i++)
    if (crash_signals[i] == sig) return i;
  return -1;
}

/* Step 6 of the top comment. */
static void chain(int sig, siginfo_t *si, void *uc) {
  int i = sig_index(sig);
  struct sigaction old = saved[i];
  int has_fn = (old.sa_flags & SA_SIGINFO) ? old.sa_sigaction != NULL
                                           : old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN;
  if (!has_fn) {
    int sent = si && si->si_code <= 0; /* kill(), raise(), sigqueue(): not a fault */
    if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN && sent && sig != SIGABRT)
      return;
    struct sigaction dfl = {0};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* blocked until this handler returns: then the process dies of it */
    return;
  }
  if (old.sa_flags & SA_RESETHAND) { /* what the kernel would have done */
    struct sigaction dfl = {0};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    saved[i] = dfl;
  }
  sigset_t prev;
  pthread_sigmask(SIG_BLOCK, &old.sa_mask, &prev);
  if (old.sa_flags & SA_SIGINFO) old.sa_sigaction(sig, si, uc);
  else old.sa_handler(sig);
  pthread_sigmask(SIG_SETMASK, &prev, NULL);
}

static void on_crash(int sig, siginfo_t *si, void *uc) {
  int saved_errno = errno;
  if (!in_handler) {
    in_handler = 1;
    uint32_t me = uvlog__tid(), none = 0;
    if (atomic_compare_exchange_strong_explicit(&owner, &none, me, memory_order_acq_rel,
                                                memory_order_acquire)) {
      flush_all(sig);
      atomic_store_explicit(&owner, 0, memory_order_release);
    } else {
      /* Another thread is flushing: wait for it (bounded), never flush twice. */
      struct timespec ms = {0, NS_PER_MS};
      int64_t until = mono_ms() + slots_timeout() + 1000;
      while (atomic_load_explicit(&owner, memory_order_acquire) && mono_ms() < until)
        nanosleep(&ms, NULL);
    }
  }
  chain(sig, si, uc);
  in_handler = 0;
  errno = saved_errno;
}

/* ---- install -------------------------------------------------------------------------------------- */

static int handlers_install(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < N_SIGNALS; i++) {
    if (sigaction(crash_signals[i], &sa, &saved[i]) != 0) {
      int err = -errno;
      while (i-- > 0) sigaction(crash_signals[i], &saved[i], NULL);
      return err;
    }
  }
  return 0;
}

/* Puts the saved actions back where ours is still installed. */
static void handlers_restore(void) {
  for (int i = 0; i < N_SIGNALS; i++) {
    struct sigaction cur;
    if (sigaction(crash_signals[i], NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
        cur.sa_sigaction == on_crash)
      sigaction(crash_signals[i], &saved[i], NULL);
  }
}

int uvlog_crash_altstack_install(void) {
  stack_t cur;
  if (sigaltstack(NULL, &cur) != 0) return -errno;
  if (!(cur.ss_flags & SS_DISABLE)) return 0; /* the thread has one */
  void *p = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return UVLOG_ENOMEM;
  stack_t ss = {.ss_sp = p, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    int err = -errno;
    munmap(p, ALTSTACK_SIZE);
    return err;
  }
  return 0;
}

static void slot_free(crash_slot_t *cs) {
  free(cs->msg.data);
  free(cs->out.data);
  free(cs);
}

/* A slot with buffers for `log`'s largest record: its message plus the
 * markers; rendered, every byte escaped (JSON's \u00XX: 6 bytes) plus file,
 * function and the format's own text. */
static crash_slot_t *slot_new(uvlog_t *log, unsigned timeout_ms) {
  crash_slot_t *cs = calloc(1, sizeof *cs);
  if (!cs) return NULL;
  size_t mcap = log->max_record + 256, ocap = 8 * mcap + 64 * 1024;
  cs->log = log;
  cs->timeout_ms = timeout_ms;
  cs->msg = (uvlog_buf_t){malloc(mcap), 0, mcap, 0, 1};
  cs->out = (uvlog_buf_t){malloc(ocap), 0, ocap, 0, 1};
  if (!cs->msg.data || !cs->out.data) {
    slot_free(cs);
    return NULL;
  }
  return cs;
}

static int find_slot(const uvlog_t *log) {
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS; i++) {
    crash_slot_t *cs = atomic_load_explicit(&slots[i], memory_order_acquire);
    if (cs && cs->log == log) return i;
  }
  return -1;
}

static int install_locked(uvlog_t *log, const uvlog_crash_options_t *o) {
  if (atomic_load_explicit(&log->state, memory_order_acquire) >= LOG_CLOSING) return UVLOG_ECLOSED;
  if (find_slot(log) >= 0) return UVLOG_EBUSY;
  int free_i = -1;
  for (int i = 0; i < UVLOG_CRASH_MAX_LOGGERS && free_i < 0; i++)
    if (!atomic_load_explicit(&slots[i], memory_order_relaxed)) free_i = i;
  if (free_i < 0) return UVLOG_EBUSY;
  if (o->altstack) {
    int rc = uvlog_crash_altstack_install();
    if (rc) return rc;
  }
  crash_slot_t *cs = slot_new(log, o->timeout_ms);
  if (!cs) return UVLOG_ENOMEM;
  if (n_installed == 0) {
    int rc = handlers_install();
    if (rc) {
      slot_free(cs);
      return rc;
    }
  }
  n_installed++;
  atomic_store_explicit(&slots[free_i], cs, memory_order_release);
  return 0;
}

int uvlog_crash_flush_install(uvlog_t *log, const uvlog_crash_options_t *opts) {
  uvlog_crash_options_t o;
  if (opts) o = *opts;
  else uvlog_crash_options_init(&o);
  if (!log || o.timeout_ms == 0 || o.timeout_ms > 60000 || (o.altstack != 0 && o.altstack != 1))
    return UVLOG_EINVAL;
  pthread_mutex_lock(&install_mu);
  int rc = install_locked(log, &o);
  pthread_mutex_unlock(&install_mu);
  return rc;
}

/* Takes `log`'s slot out; waits (bounded) for a flush that may be using it. */
static int remove_locked(const uvlog_t *log) {
  int i = find_slot(log);
  if (i < 0) return UVLOG_EINVAL;
  int64_t until = mono_ms() + slots_timeout() + 1000;
  crash_slot_t *cs = atomic_exchange_explicit(&slots[i], NULL, memory_order_acq_rel);
  struct timespec ms = {0, NS_PER_MS};
  while (atomic_load_explicit(&owner, memory_order_acquire) && mono_ms() < until)
    nanosleep(&ms, NULL);
  slot_free(cs);
  if (--n_installed == 0) handlers_restore();
  return 0;
}

int uvlog_crash_flush_uninstall(uvlog_t *log) {
  if (!log) return UVLOG_EINVAL;
  pthread_mutex_lock(&install_mu);
  int rc = remove_locked(log);
  pthread_mutex_unlock(&install_mu);
  return rc;
}

void uvlog__crash_forget(uvlog_t *log) {
  pthread_mutex_lock(&install_mu);
  (void)remove_locked(log);
  pthread_mutex_unlock(&install_mu);
}
