/*
 * A one-shot timer with nanosecond resolution on the event loop: a timerfd polled by libuv.
 * libuv's own timers run on a millisecond clock and fire up to a millisecond late, which a
 * 20 ms latency fault would add to every packet; this one fires within microseconds.
 */
#define _GNU_SOURCE
#include "timer.h"

#include "napi-util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  int fd;
  int stopped;
} hrtimer_t;

static void free_timer(uv_handle_t *h) {
  hrtimer_t *t = h->data;
  close(t->fd);
  free(t);
}

static void release_timer(uv_handle_t *h) {
  hrtimer_t *t = h->data;
  napi_delete_reference(t->env, t->callback);
  free_timer(h);
}

/* The environment ends with the timer open (a worker ending): its loop may not close with it. */
static void timer_cleanup(void *arg) {
  hrtimer_t *t = arg;
  if (t->stopped) return;
  t->stopped = 1;
  uv_poll_stop(&t->poll);
  uv_close((uv_handle_t *)&t->poll, free_timer);
}

static void on_expired(uv_poll_t *handle, int status, int events) {
  (void)status;
  (void)events;
  hrtimer_t *t = handle->data;
  uint64_t expirations;
  /* Nothing to read: the timer was re-armed after it expired and before this callback ran. */
  if (read(t->fd, &expirations, sizeof expirations) != sizeof expirations || t->stopped) return;
  napi_env env = t->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, result;
  napi_get_reference_value(env, t->callback, &cb);
  napi_get_global(env, &global);
  if (napi_make_callback(env, NULL, global, cb, 0, NULL, &result) != napi_ok) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

/* The timer of a call's first argument (the remaining ones in argv[1..n-1]); NULL once stopped. */
static hrtimer_t *timer_call(napi_env env, napi_callback_info info, napi_value *argv, size_t n) {
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  hrtimer_t *t = argc < 1 ? NULL : unwrap_handle(env, argv[0], "timer");
  return t == NULL || t->stopped ? NULL : t;
}

/* startTimer(callback): a disarmed timer whose expiry calls `callback()` on this thread's loop. */
static napi_value start_timer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "startTimer(callback)");
    return NULL;
  }
  hrtimer_t *t = calloc(1, sizeof *t);
  if (t == NULL) return throw_errno(env, "calloc", ENOMEM);
  t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (t->fd < 0) {
    int err = errno;
    free(t);
    return throw_errno(env, "timerfd_create", err);
  }
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &t->poll, t->fd);
  if (rc == 0) {
    t->poll.data = t;
    rc = uv_poll_start(&t->poll, UV_READABLE, on_expired);
  }
  if (rc != 0) {
    close(t->fd);
    free(t);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  t->env = env;
  napi_create_reference(env, argv[0], 1, &t->callback);
  napi_add_env_cleanup_hook(env, timer_cleanup, t);
  napi_value handle;
  napi_create_external(env, t, NULL, NULL, &handle);
  return handle;
}

/* armTimer(handle, delayMs): fires once after delayMs (0 or less: at once); replaces any earlier arming. */
static napi_value arm_timer(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  hrtimer_t *t = timer_call(env, info, argv, 2);
  if (t == NULL) return NULL;
  double ms = 0;
  napi_get_value_double(env, argv[1], &ms);
  /* A zero it_value disarms: the earliest expiry is one nanosecond away. */
  int64_t ns = ms > 0 ? (int64_t)(ms * 1e6) : 1;
  if (ns < 1) ns = 1;
  if (ns > (int64_t)86400 * 1000000000) ns = (int64_t)86400 * 1000000000;
  struct itimerspec spec = {0};
  spec.it_value.tv_sec = ns / 1000000000;
  spec.it_value.tv_nsec = ns % 1000000000;
  if (timerfd_settime(t->fd, 0, &spec, NULL) != 0) return throw_errno(env, "timerfd_settime", errno);
  return NULL;
}

/* stopTimer(handle): disarms and closes it; the callback is not called again. */
static napi_value stop_timer(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  hrtimer_t *t = timer_call(env, info, argv, 1);
  if (t == NULL) return NULL;
  t->stopped = 1;
  napi_remove_env_cleanup_hook(env, timer_cleanup, t);
  uv_poll_stop(&t->poll);
  uv_close((uv_handle_t *)&t->poll, release_timer);
  return NULL;
}

void timer_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"startTimer", NULL, start_timer, NULL, NULL, NULL, napi_default, NULL},
      {"armTimer", NULL, arm_timer, NULL, NULL, NULL, napi_default, NULL},
      {"stopTimer", NULL, stop_timer, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
