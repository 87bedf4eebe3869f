/* forward never returns. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "fixture.h"

static int32_t hanging_forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) {
  (void)instance, (void)args;
  for (;;) pause();
  return RNNSUITE_OK;
}

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture hang", fixture_check, fixture_create,
                                                   fixture_workspace_sizes, hanging_forward,
                                                   fixture_backward);
FIXTURE_ENTRY(table)
