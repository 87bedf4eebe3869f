// Γ, the largest growth of the adjoint between two steps (tolerance.hpp).
#include "rnnsuite/verify/tolerance.hpp"

namespace rnnsuite::verify {

double adjoint_growth(const std::vector<double>& step_norms) {
  // Γ = max over r <= s of ‖g_r‖ / ‖g_s‖: for each s the largest earlier norm over it.
  double growth = 1, largest_so_far = 0;
  for (double norm : step_norms) {
    if (norm > largest_so_far) largest_so_far = norm;
    if (norm > 0 && largest_so_far / norm > growth) growth = largest_so_far / norm;
  }
  return growth;
}

}  // namespace rnnsuite::verify
