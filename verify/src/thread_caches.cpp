// release_thread_caches (thread_caches.hpp).
#include "rnnsuite/verify/thread_caches.hpp"

#include <mpfr.h>

namespace rnnsuite::verify {

void release_thread_caches() { mpfr_free_cache(); }

}  // namespace rnnsuite::verify
