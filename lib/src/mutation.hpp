#pragma once
// Test-only build variants plant BPTT bugs to prove the verification catches them: a mutant build
// (cmake -DRNNSUITE_MUTANT=n) turns on one `if constexpr (RNNSUITE_MUTANT == n)` hook in the
// backward code. 0, the default and every shipped build, plants nothing.
#ifndef RNNSUITE_MUTANT
#define RNNSUITE_MUTANT 0
#endif
