/*
 * thread_name.c -- thread names: the process-wide registry that
 * uvlog_thread_set_name() writes, and each listener's cache that turns a
 * record's tid into uvlog_entry_t.thread_name.
 *
 * THE REGISTRY (any thread, under reg_mu; the user asked for it by naming a
 * thread). tid -> name. A thread that named itself gets a pthread key whose
 * destructor, when the thread exits, marks its entry dead with the time
 * instead of removing it: its records still in a ring keep their name. A
 * dead entry is pruned a minute later. Every change bumps reg_gen.
 *
 * THE CACHE (listener only, one per logger: log->tnames). tid -> what the
 * registry said (copied) and the thread's OS name, read from
 * /proc/self/task/TID/comm -- on the listener, never on the producer -- at
 * most once a second per tid (so a pthread_setname_np or a reused tid shows
 * within about a second). A registry change (reg_gen) empties the cache.
 * Entries of the batch being decoded point into the slots
 * (uvlog_entry_t.thread_name), so emptying or growing the cache never
 * touches the slots in use: it makes a new array and frees the old ones
 * once the listener has moved past that batch (log->pos changed).
 *
 * WHICH NAME: the registry's, unless the entry is dead and the record was
 * stamped more than DEAD_GRACE_NS after the death (a new thread that got
 * the old tid); then the OS name; else NULL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "logger_impl.h"

#define OS_REFRESH_NS  1000000000LL    /* re-read an OS name after this long */
#define DEAD_GRACE_NS  1000000000LL    /* records this long after the death keep the name */
#define DEAD_PRUNE_NS  60000000000LL   /* a dead entry is removed after this long */
#define CACHE_MIN      64              /* slots; a power of two */
#define CACHE_MAX      4096            /* at this many threads the cache starts over */
#define NAME_CAP       (UVLOG_THREAD_NAME_MAX + 1)

/* ---- the registry -------------------------------------------------------------- */

typedef struct reg_entry {
  uint32_t tid;
  int64_t dead_ns;       /* CLOCK_REALTIME of the thread's exit, 0 while alive */
  char name[NAME_CAP];
} reg_entry_t;

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static reg_entry_t *reg;
static size_t reg_n, reg_cap;
static _Atomic uint64_t reg_gen;     /* release on change, acquire by the caches */
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static int64_t wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The entry of `tid`, or NULL. Under reg_mu. */
static reg_entry_t *reg_find(uint32_t tid) {
  for (size_t i = 0; i < reg_n; i++)
    if (reg[i].tid == tid) return &reg[i];
  return NULL;
}

static void reg_remove(reg_entry_t *e) { *e = reg[--reg_n]; }

/* Drops dead entries older than DEAD_PRUNE_NS. Under reg_mu. */
static void reg_prune(int64_t now) {
  for (size_t i = 0; i < reg_n;) {
    if (reg[i].dead_ns && now - reg[i].dead_ns > DEAD_PRUNE_NS) reg_remove(&reg[i]);
    else i++;
  }
}

static void reg_changed(void) {
  atomic_fetch_add_explicit(&reg_gen, 1, memory_order_release); /* the caches start over */
}

/* The pthread key's destructor: the thread is exiting. */
static void on_thread_exit(void *unused) {
  (void)unused;
  pthread_mutex_lock(&reg_mu);
  reg_entry_t *e = reg_find(uvlog__tid());
  if (e && !e->dead_ns) e->dead_ns = wall_ns();
  pthread_mutex_unlock(&reg_mu);
  reg_changed();
}

static void exit_key_make(void) { pthread_key_create(&exit_key, on_thread_exit); }

static int name_ok(const char *name, size_t len) {
  if (len == 0 || len > UVLOG_THREAD_NAME_MAX) return 0;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) return 0;
  return 1;
}

/* Adds or renames the entry of `tid`. Under reg_mu. */
static int reg_set(uint32_t tid, const char *name, size_t len) {
  reg_entry_t *e = reg_find(tid);
  if (!e) {
    if (reg_n == reg_cap) {
      size_t cap = reg_cap ? reg_cap * 2 : 16;
      reg_entry_t *r = realloc(reg, cap * sizeof(*r));
      if (!r) return UVLOG_ENOMEM;
      reg = r;
      reg_cap = cap;
    }
    e = &reg[reg_n++];
    e->tid = tid;
  }
  e->dead_ns = 0; /* a dead entry with our tid was another thread's */
  memcpy(e->name, name, len);
  e->name[len] = '\0';
  return 0;
}

int uvlog_thread_set_name(const char *name) {
  size_t len = name ? strnlen(name, UVLOG_THREAD_NAME_MAX + 1) : 0;
  if (name && !name_ok(name, len)) return UVLOG_EINVAL;
  pthread_once(&exit_once, exit_key_make);
  uint32_t tid = uvlog__tid();
  pthread_mutex_lock(&reg_mu);
  reg_prune(wall_ns());
  int rc = 0;
  if (name) {
    rc = reg_set(tid, name, len);
  } else {
    reg_entry_t *e = reg_find(tid);
    if (e) reg_remove(e);
  }
  pthread_mutex_unlock(&reg_mu);
  if (rc) return rc;
  /* Any non-NULL value: the destructor runs when the thread exits. */
  if (name) pthread_setspecific(exit_key, &exit_key);
  reg_changed();
  return 0;
}

/* ---- the listener's cache ----------------------------------------------------------- */

typedef struct tn_slot {
  uint32_t tid;          /* 0: empty */
  int has_reg;           /* the registry had a name */
  int os_known;          /* os[] was read at os_ns */
  int64_t dead_ns;
  int64_t os_ns;
  char reg[NAME_CAP];
  char os[16];           /* the kernel's comm: at most 15 bytes */
} tn_slot_t;

struct uvlog_tnames {
  uint64_t gen;          /* reg_gen when the slots were filled */
  size_t cap, n;
  tn_slot_t *slots;
  tn_slot_t **old;       /* replaced arrays, freed after their batch */
  size_t n_old, cap_old;
  uint64_t old_pos;      /* log->pos when they were replaced */
};

/* The OS name of `tid` (empty if unknown): one open/read/close. */
static void os_name(uint32_t tid, char out[16]) {
  char path[48];
  out[0] = '\0';
  snprintf(path, sizeof path, "/proc/self/task/%u/comm", (unsigned)tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, out, 15);
  close(fd);
  if (n <= 0) n = 0;
  out[n] = '\0';
  char *nl = strchr(out, '\n');
  if (nl) *nl = '\0';
}

/* Copies what the registry says about `tid` into the slot. */
static void slot_fill(tn_slot_t *s, uint32_t tid) {
  memset(s, 0, sizeof(*s));
  s->tid = tid;
  pthread_mutex_lock(&reg_mu);
  reg_entry_t *e = reg_find(tid);
  if (e) {
    s->has_reg = 1;
    s->dead_ns = e->dead_ns;
    memcpy(s->reg, e->name, sizeof s->reg);
  }
  pthread_mutex_unlock(&reg_mu);
}

/* Frees the replaced arrays once the batch that used them is done. */
static void old_free(uvlog_tnames_t *t, uint64_t pos) {
  if (t->n_old == 0 || pos == t->old_pos) return;
  for (size_t i = 0; i < t->n_old; i++) free(t->old[i]);
  t->n_old = 0;
}

/* Empties the cache into a new array of `cap` slots; the current one is
 * kept until the batch at `pos` is done. 0 or UVLOG_ENOMEM. */
static int cache_reset(uvlog_tnames_t *t, size_t cap, uint64_t pos) {
  if (t->n_old == t->cap_old) {
    size_t c = t->cap_old ? t->cap_old * 2 : 4;
    tn_slot_t **o = realloc(t->old, c * sizeof(*o));
    if (!o) return UVLOG_ENOMEM;
    t->old = o;
    t->cap_old = c;
  }
  tn_slot_t *s = calloc(cap, sizeof(*s));
  if (!s) return UVLOG_ENOMEM;
  if (t->slots) t->old[t->n_old++] = t->slots;
  t->old_pos = pos;
  t->slots = s;
  t->cap = cap;
  t->n = 0;
  return 0;
}

/* The slot of `tid`, filled on a miss; NULL when out of memory. */
static tn_slot_t *cache_slot(uvlog_tnames_t *t, uint32_t tid, uint64_t pos) {
  size_t mask = t->cap - 1, i = (tid * 2654435761u) & mask;
  for (; t->slots[i].tid; i = (i + 1) & mask)
    if (t->slots[i].tid == tid) return &t->slots[i];
  if (t->n + 1 > t->cap / 2) {
    size_t cap = t->cap * 2 <= CACHE_MAX ? t->cap * 2 : t->cap;
    if (cache_reset(t, cap, pos)) return NULL; /* the lookups refill it */
    return cache_slot(t, tid, pos);
  }
  t->n++;
  slot_fill(&t->slots[i], tid);
  return &t->slots[i];
}

static uvlog_tnames_t *cache_get(uvlog_t *log) {
  if (log->tnames) return log->tnames;
  uvlog_tnames_t *t = calloc(1, sizeof(*t));
  if (!t || cache_reset(t, CACHE_MIN, log->pos)) {
    free(t ? t->old : NULL);
    free(t);
    return NULL;
  }
  log->tnames = t;
  return t;
}

static int64_t age(int64_t now, int64_t then) { return now > then ? now - then : then - now; }

const char *uvlog__thread_name(uvlog_t *log, uint32_t tid, int64_t ts_ns) {
  uvlog_tnames_t *t = cache_get(log);
  if (!t || tid == 0) return NULL;
  /* acquire: pairs with reg_changed()'s release (the entries it guards
   * are read under reg_mu anyway; this only says "look again"). */
  uint64_t gen = atomic_load_explicit(&reg_gen, memory_order_acquire);
  old_free(t, log->pos);
  if (gen != t->gen && cache_reset(t, t->cap, log->pos) == 0) t->gen = gen;
  tn_slot_t *s = cache_slot(t, tid, log->pos);
  if (!s) return NULL;
  if (s->has_reg && (!s->dead_ns || ts_ns - s->dead_ns <= DEAD_GRACE_NS)) return s->reg;
  if (!s->os_known || age(ts_ns, s->os_ns) > OS_REFRESH_NS) {
    os_name(tid, s->os);
    s->os_known = 1;
    s->os_ns = ts_ns;
  }
  return s->os[0] ? s->os : NULL;
}

void uvlog__tnames_free(uvlog_t *log) {
  if (!log->tnames) return;
  old_free(log->tnames, log->tnames->old_pos + 1);
  free(log->tnames->old);
  free(log->tnames->slots);
  free(log->tnames);
  log->tnames = NULL;
}
