#include "napi-util.h"

#include <stdio.h>
#include <string.h>

napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

void *unwrap_handle(napi_env env, napi_value handle, const char *what) {
  void *p = NULL;
  if (napi_get_value_external(env, handle, &p) != napi_ok || p == NULL) {
    char msg[64];
    snprintf(msg, sizeof msg, "not a %s handle", what);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  return p;
}
