/* forward sets flush-to-zero and denormals-are-zero, as code built with -ffast-math may. */
#include <xmmintrin.h>

#include "fixture.h"

static int32_t ftz_forward(rnnsuite_instance* instance, const rnnsuite_forward_args* args) {
  (void)instance, (void)args;
  _mm_setcsr(_mm_getcsr() | 0x8040u);
  return RNNSUITE_OK;
}

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture ftz", fixture_check, fixture_create,
                                                   fixture_workspace_sizes, ftz_forward,
                                                   fixture_backward);
FIXTURE_ENTRY(table)
