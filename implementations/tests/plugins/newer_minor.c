/* Built against a future ABI 1.7: a bigger table with a slot this host does not know. It must
 * load, and the host must not read past the 1.0 slots. It claims neither truncation nor per-step
 * gradients, so the host must decline those before calling it. */
#include "fixture.h"

typedef struct future_plugin {
  rnnsuite_plugin v1_0;
  int32_t (*future_slot)(void); /* ABI 1.7's addition */
} future_plugin;

static int32_t future_function(void) { return RNNSUITE_INTERNAL; }

static int32_t plain_get_caps(rnnsuite_caps* caps) {
  fixture_get_caps(caps);
  caps->flags = 0;
  return RNNSUITE_OK;
}

static const future_plugin table = {
    {RNNSUITE_PLUGIN_ABI_MAJOR, 7, sizeof(future_plugin), 0, "fixture abi 1.7", plain_get_caps,
     fixture_check, fixture_create, fixture_workspace_sizes, fixture_forward, fixture_backward, NULL},
    future_function};

RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry(uint32_t host_abi_major,
                                                                   uint32_t host_abi_minor,
                                                                   const rnnsuite_host* host) {
  (void)host_abi_major, (void)host_abi_minor;
  fixture_host = host;
  return &table.v1_0;
}
