/*
 * Gives the C heap's free pages back to the kernel. glibc keeps what freed buffers leave behind
 * (a connection's send and receive rings, Node's socket state) in per-thread arenas, resident,
 * until something asks; after a burst of connections that is tens of megabytes nobody uses.
 */
#include "memory.h"

#include <malloc.h>

static napi_value trim_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value released;
  napi_get_boolean(env, malloc_trim(0) != 0, &released);
  return released;
}

void memory_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"trimMemory", NULL, trim_memory, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
