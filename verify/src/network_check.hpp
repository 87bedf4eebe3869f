#pragma once
// Leg a for a network (rnn/network.hpp): the implementation under test against the 50-digit
// network reference (reference/network.hpp), per block, per time step and per gate. fast_path_check
// hands a network regime to this; the verdicts, reports and mutant matrix are the same.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "rnn/isa.hpp"
#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/verify/legs.hpp"
#include "rnnsuite/verify/regimes.hpp"

namespace rnnsuite::verify::detail {

class network_check {
 public:
  explicit network_check(const regime& r);  // r.problem is a network
  // Given data (a dump's), named `name` in results: checked as a plain run (full BPTT of
  // grad_output plus grad_h_n, grad_c_n). Throws rnn::error naming a member of the wrong size.
  network_check(const given_data& data, const std::string& name);
  ~network_check();
  network_check(network_check&&) noexcept;
  network_check& operator=(network_check&&) noexcept;

  // As fast_path_check::run. judged, when given, receives the gradients graded: parameters (the
  // flat layout), x, h0, c0, and h, c ((L·D)×T×B×H) where the implementation returns them.
  leg_result run(const impl::implementation& implementation, std::optional<rnn::isa> isa,
                 fast_gradients* judged) const;
  // Grades gradients computed elsewhere (a dump's) as run() grades its own.
  leg_result grade(const fast_gradients& given, const std::string& implementation) const;
  // Grades a forward's results: the output at every time step, h_n and c_n of every block.
  leg_result grade_forward(const forward_values& given, const std::string& implementation) const;
  // Leg c: the 50-digit reference against the 100-digit one, on every check of run().
  leg_result digits() const;
  // As fast_path_check::changes, in run()'s order of checks.
  std::vector<double> changes(const fast_gradients& from, const fast_gradients& to) const;

  struct state;  // network_check.cpp's helpers take it

 private:
  std::unique_ptr<state> state_;
};

// Every planned check of `s` on `given` (network_check.cpp).
std::vector<block_check> grade(const network_check::state& s, const fast_gradients& given);

// Leg b for a network regime (src/network_fd.cpp).
leg_result network_finite_differences(const regime& r);

}  // namespace rnnsuite::verify::detail
