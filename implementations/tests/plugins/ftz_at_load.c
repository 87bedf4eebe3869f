/* Sets flush-to-zero and denormals-are-zero when loaded, as crtfastmath.o of a -ffast-math link
 * does. */
#include <xmmintrin.h>

#include "fixture.h"

__attribute__((constructor)) static void set_ftz(void) { _mm_setcsr(_mm_getcsr() | 0x8040u); }

static const rnnsuite_plugin table = FIXTURE_TABLE("fixture ftz at load", fixture_check,
                                                   fixture_create, fixture_workspace_sizes,
                                                   fixture_forward, fixture_backward);
FIXTURE_ENTRY(table)
