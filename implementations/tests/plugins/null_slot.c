/* A 1.0 table whose required check slot is NULL. */
#include "fixture.h"

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture null check", NULL, fixture_create,
                                                   fixture_workspace_sizes, fixture_forward,
                                                   fixture_backward);
FIXTURE_ENTRY(table)
