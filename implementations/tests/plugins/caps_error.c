/* get_caps fails, with a logged reason. */
#include "fixture.h"

static int32_t failing_get_caps(rnnsuite_caps* caps) {
  (void)caps;
  fixture_log("no licence file found");
  return RNNSUITE_INTERNAL;
}

static const rnnsuite_plugin table = {RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR,
                                      sizeof(rnnsuite_plugin), 0, "fixture caps error",
                                      failing_get_caps, fixture_check, fixture_create,
                                      fixture_workspace_sizes, fixture_forward, fixture_backward,
                                      NULL};
FIXTURE_ENTRY(table)
