#ifndef FAULTNET_ERRORS_H
#define FAULTNET_ERRORS_H
#include <node_api.h>

/* Throws "what: strerror(err)" as a JS Error; returns NULL for the caller to return. */
napi_value throw_errno(napi_env env, const char *what, int err);

#endif
