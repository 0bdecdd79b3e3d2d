/*
 * resolve.c -- host names resolved on a thread of their own (see resolve.h).
 *
 * Lifetime: a resolution is shared by the loop (its uv_async_t) and the
 * resolver thread, each holding one reference; the last to let go frees it.
 * The thread sends the async only under the mutex and only if the loop has
 * not cancelled, and cancelling (under the same mutex) happens before the
 * async is closed, so the async is never sent after uv_close().
 */
#include "resolve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct uvlog_resolver {
  uv_async_t async;
  pthread_mutex_t mu;
  int refs;                /* the loop's async, the thread */
  int cancelled;           /* the loop no longer wants the result */
  char *host, *port;
  int status;
  struct addrinfo *res;
  uvlog_resolve_cb cb;
  void *arg;
};

static void hints_tcp(struct addrinfo *h, int flags) {
  memset(h, 0, sizeof *h);
  h->ai_family = AF_UNSPEC;
  h->ai_socktype = SOCK_STREAM;
  h->ai_protocol = IPPROTO_TCP;
  /* No AI_ADDRCONFIG: it hides 127.0.0.1 on hosts with only a loopback. */
  h->ai_flags = AI_NUMERICSERV | flags;
}

/* getaddrinfo's EAI_* as libuv's codes (what uv_getaddrinfo reported). */
static int gai_to_uv(int rc) {
  switch (rc) {
  case 0: return 0;
#ifdef EAI_ADDRFAMILY
  case EAI_ADDRFAMILY: return UV_EAI_ADDRFAMILY;
#endif
  case EAI_AGAIN: return UV_EAI_AGAIN;
  case EAI_BADFLAGS: return UV_EAI_BADFLAGS;
  case EAI_FAIL: return UV_EAI_FAIL;
  case EAI_FAMILY: return UV_EAI_FAMILY;
  case EAI_MEMORY: return UV_EAI_MEMORY;
#ifdef EAI_NODATA
  case EAI_NODATA: return UV_EAI_NODATA;
#endif
  case EAI_NONAME: return UV_EAI_NONAME;
  case EAI_OVERFLOW: return UV_EAI_OVERFLOW;
  case EAI_SERVICE: return UV_EAI_SERVICE;
  case EAI_SOCKTYPE: return UV_EAI_SOCKTYPE;
  case EAI_SYSTEM: return errno ? -errno : UV_EAI_FAIL;
  default: return UV_EAI_FAIL;
  }
}

static void resolver_unref(uvlog_resolver_t *r) {
  pthread_mutex_lock(&r->mu);
  int left = --r->refs;
  pthread_mutex_unlock(&r->mu);
  if (left) return;
  if (r->res) freeaddrinfo(r->res);
  pthread_mutex_destroy(&r->mu);
  free(r->host);
  free(r->port);
  free(r);
}

static void *resolver_main(void *arg) {
  uvlog_resolver_t *r = arg;
  struct addrinfo hints, *res = NULL;
  hints_tcp(&hints, 0);
  int rc = gai_to_uv(getaddrinfo(r->host, r->port, &hints, &res));
  pthread_mutex_lock(&r->mu);
  r->status = rc ? rc : (res ? 0 : UV_EAI_NONAME);
  r->res = rc ? NULL : res;
  if (rc && res) freeaddrinfo(res);
  if (!r->cancelled) uv_async_send(&r->async);
  pthread_mutex_unlock(&r->mu);
  resolver_unref(r);
  return NULL;
}

static void on_async_closed(uv_handle_t *h) { resolver_unref(h->data); }

static void on_resolved(uv_async_t *a) {
  uvlog_resolver_t *r = a->data;
  pthread_mutex_lock(&r->mu);
  struct addrinfo *res = r->res;
  int status = r->status, cancelled = r->cancelled;
  r->res = NULL;
  r->cancelled = 1; /* delivered once */
  pthread_mutex_unlock(&r->mu);
  uv_close((uv_handle_t *)a, on_async_closed);
  if (cancelled) {
    if (res) freeaddrinfo(res);
    return;
  }
  r->cb(r->arg, status, res);
}

/* Starts the thread with every signal blocked (the application's handlers
 * never run on it). */
static int resolver_thread(uvlog_resolver_t *r) {
  pthread_attr_t attr;
  pthread_t th;
  sigset_t all, old;
  if (pthread_attr_init(&attr) != 0) return UV_ENOMEM;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&th, &attr, resolver_main, r);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  return rc ? -rc : 0;
}

static int resolve_numeric(const char *host, const char *port, struct addrinfo **res) {
  struct addrinfo hints;
  hints_tcp(&hints, AI_NUMERICHOST);
  return getaddrinfo(host, port, &hints, res) == 0 ? 0 : UV_EAI_NONAME;
}

int uvlog_resolve_start(uv_loop_t *loop, const char *host, const char *port, uvlog_resolve_cb cb,
                        void *arg, uvlog_resolver_t **out, struct addrinfo **res) {
  *out = NULL;
  *res = NULL;
  if (resolve_numeric(host, port, res) == 0) return 0;
  uvlog_resolver_t *r = calloc(1, sizeof *r);
  if (!r) return UV_ENOMEM;
  r->host = strdup(host);
  r->port = strdup(port);
  int rc = (r->host && r->port) ? uv_async_init(loop, &r->async, on_resolved) : UV_ENOMEM;
  if (rc) {
    free(r->host);
    free(r->port);
    free(r);
    return rc;
  }
  pthread_mutex_init(&r->mu, NULL);
  r->async.data = r;
  r->cb = cb;
  r->arg = arg;
  r->refs = 2;
  if ((rc = resolver_thread(r)) != 0) {
    r->refs = 1; /* no thread: only the async's reference */
    r->cancelled = 1;
    uv_close((uv_handle_t *)&r->async, on_async_closed);
    return rc;
  }
  *out = r;
  return 0;
}

void uvlog_resolve_cancel(uvlog_resolver_t *r) {
  if (!r) return;
  pthread_mutex_lock(&r->mu);
  r->cancelled = 1;
  pthread_mutex_unlock(&r->mu);
  if (!uv_is_closing((uv_handle_t *)&r->async))
    uv_close((uv_handle_t *)&r->async, on_async_closed);
}
