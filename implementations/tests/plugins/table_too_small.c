/* A table whose struct_size ends before forward: too small for ABI 1.0. */
#include <stddef.h>

#include "fixture.h"

static const rnnsuite_plugin table = {RNNSUITE_PLUGIN_ABI_MAJOR, RNNSUITE_PLUGIN_ABI_MINOR,
                                      offsetof(rnnsuite_plugin, forward), 0, "fixture too small",
                                      fixture_get_caps, fixture_check, fixture_create,
                                      fixture_workspace_sizes, NULL, NULL, NULL};
FIXTURE_ENTRY(table)
