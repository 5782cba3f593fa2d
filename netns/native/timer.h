#ifndef FAULTNET_TIMER_H
#define FAULTNET_TIMER_H
#include <node_api.h>

/* Adds startTimer, armTimer and stopTimer (timer.c) to the addon's exports. */
void timer_define(napi_env env, napi_value exports);

#endif
