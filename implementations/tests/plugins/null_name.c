/* A 1.0 table without a name. */
#include "fixture.h"

static const rnnsuite_plugin table = FIXTURE_TABLE(NULL, fixture_check, fixture_create,
                                                   fixture_workspace_sizes, fixture_forward,
                                                   fixture_backward);
FIXTURE_ENTRY(table)
