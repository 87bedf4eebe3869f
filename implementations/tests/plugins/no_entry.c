/* Exports a misspelt entry and nothing else: the host finds no rnnsuite_plugin_entry. */
#include "fixture.h"

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture no entry", fixture_check, fixture_create,
                                                   fixture_workspace_sizes, fixture_forward,
                                                   fixture_backward);

RNNSUITE_PLUGIN_EXPORT const rnnsuite_plugin* rnnsuite_plugin_entry_v1(void) { return &table; }
