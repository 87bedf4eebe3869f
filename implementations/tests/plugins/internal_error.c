/* forward logs what went wrong and returns RNNSUITE_INTERNAL; check declines LSTM with a reason. */
#include "fixture.h"

static int32_t lstm_declining_check(const rnnsuite_problem* problem, const rnnsuite_options* options) {
  (void)options;
  if (problem->cell != RNNSUITE_CELL_LSTM) return RNNSUITE_OK;
  fixture_log("LSTM is not written yet");
  return RNNSUITE_UNSUPPORTED;
}

static int32_t failing_forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) {
  (void)instance, (void)args;
  fixture_log("the kernel lost its way at step 3");
  return RNNSUITE_INTERNAL;
}

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture internal error", lstm_declining_check,
                                                   fixture_create, fixture_workspace_sizes,
                                                   failing_forward, fixture_backward);
FIXTURE_ENTRY(table)
