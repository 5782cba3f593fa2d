#ifndef FAULTNET_NAPI_UTIL_H
#define FAULTNET_NAPI_UTIL_H
#include <node_api.h>

/* Throws "what: strerror(err)" as a JS Error; returns NULL for the caller to return. */
napi_value throw_errno(napi_env env, const char *what, int err);

/* The pointer behind a handle made by napi_create_external; NULL, with a TypeError thrown
 * ("not a <what> handle"), for anything else. */
void *unwrap_handle(napi_env env, napi_value handle, const char *what);

#endif
