#ifndef FAULTNET_MEMORY_H
#define FAULTNET_MEMORY_H
#include <node_api.h>

/* Adds trimMemory (memory.c) to the addon's exports. */
void memory_define(napi_env env, napi_value exports);

#endif
