#ifndef FAULTNET_PRIORITY_H
#define FAULTNET_PRIORITY_H
#include <node_api.h>

/* The last of a call's `n` arguments as a real-time priority 0..99; 0 (and a RangeError) if not.
 * The others are left in argv[0..n-2]. */
int realtime_priority_arg(napi_env env, napi_callback_info info, napi_value *argv, size_t n, int *priority);

/* Adds setRealtime (priority.c) to the addon's exports. */
void priority_define(napi_env env, napi_value exports);

#endif
