#pragma once
// MPFR keeps per-thread caches (of constants such as log 2, and of exp's tables) that the
// reference's arithmetic fills; they outlive a thread unless it frees them. A thread that ran
// the reference calls this before it ends (the main thread's caches go at exit).
namespace rnnsuite::verify {

void release_thread_caches();

}  // namespace rnnsuite::verify
