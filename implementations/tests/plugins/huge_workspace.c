/* workspace_sizes asks for 2^63 bytes of reserve. */
#include "fixture.h"

static int32_t huge_workspace_sizes(const rnnsuite_instance* instance, rnnsuite_workspace_sizes* sizes) {
  (void)instance;
  sizes->reserve_bytes = (uint64_t)1 << 63;
  sizes->scratch_bytes = 0;
  return RNNSUITE_OK;
}

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture huge workspace", fixture_check,
                                                   fixture_create, huge_workspace_sizes,
                                                   fixture_forward, fixture_backward);
FIXTURE_ENTRY(table)
