/* Built for ABI 2.3: the host (1.0) must refuse it by its major version. */
#include "fixture.h"

static const rnnsuite_plugin table = {2, 3, sizeof(rnnsuite_plugin), 0, "fixture abi 2",
                                      fixture_get_caps, fixture_check, fixture_create,
                                      fixture_workspace_sizes, fixture_forward, fixture_backward,
                                      NULL};
FIXTURE_ENTRY(table)
