/*
 * The calling thread's scheduling class. A data-plane thread that sleeps between packets wakes
 * behind whatever else is runnable on a busy core (the TUI, tmux, the program): under SCHED_OTHER
 * that waits for the scheduler's tick, milliseconds added to a delay the policy did not ask for.
 */
#define _GNU_SOURCE
#include "priority.h"

#include "napi-util.h"

#include <errno.h>
#include <sched.h>

int realtime_priority_arg(napi_env env, napi_callback_info info, napi_value *argv, size_t n, int *priority) {
  size_t argc = n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t p = 0;
  if (argc < n || napi_get_value_int32(env, argv[n - 1], &p) != napi_ok || p < 0 || p > 99) {
    napi_throw_range_error(env, NULL, "realtime priority: 0..99");
    return 0;
  }
  *priority = p;
  return 1;
}

/* setRealtime(priority): SCHED_FIFO at `priority` (1..99) for this thread, 0 for SCHED_OTHER. */
static napi_value set_realtime(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int priority;
  if (!realtime_priority_arg(env, info, argv, 1, &priority)) return NULL;
  struct sched_param param = {.sched_priority = priority};
  /* Threads it starts later (libuv's pool) must not inherit it. */
  int policy = priority > 0 ? SCHED_FIFO | SCHED_RESET_ON_FORK : SCHED_OTHER;
  if (sched_setscheduler(0, policy, &param) != 0) return throw_errno(env, "sched_setscheduler", errno);
  return NULL;
}

void priority_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setRealtime", NULL, set_realtime, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
