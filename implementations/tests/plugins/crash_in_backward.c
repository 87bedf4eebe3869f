/* backward writes through a NULL pointer: SIGSEGV. */
#include "fixture.h"

static int32_t crashing_backward(rnnsuite_instance* instance, const rnnsuite_backward_args* args) {
  (void)instance, (void)args;
  *(volatile int*)NULL = 1;
  return RNNSUITE_OK;
}

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture crash", fixture_check, fixture_create,
                                                   fixture_workspace_sizes, fixture_forward,
                                                   crashing_backward);
FIXTURE_ENTRY(table)
