#pragma once
// The three legs of verification (docs/verification.md):
//   fast   the implementation under test (lib's fast path on one instruction set by default;
//          oneDNN or a plugin with rnnsuite verify --impl) against the 50-digit reference, per
//          timestep (dL/dh_t, dL/dc_t where it returns them, dx_t) and per parameter block split
//          per gate;
//   fd     the 100-digit reference's BPTT against directional central finite differences in
//          100-digit arithmetic (step 1e-30): >= 25 matching significant digits everywhere;
//   digits the 50-digit reference against the 100-digit one.
// Every quantity is a normwise relative error against its own reference norm, no absolute floor,
// judged against its own tolerance (tolerance.hpp) and given a verdict.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rnn/isa.hpp"
#include "rnnsuite/impl/implementation.hpp"
#include "rnnsuite/verify/regimes.hpp"
#include "rnnsuite/verify/verdict.hpp"

namespace rnnsuite::reference {
enum class gru_form;  // reference/gru_forms.hpp
}

namespace rnnsuite::verify {

struct block_check {
  std::string block;            // "dh", "dc", "dx", "dh0", "dc0", "weight_ih.f", "bias_hh.z", ...
  std::int64_t step = -1;       // 0-based timestep for per-step blocks; -1 for the others
  double error = 0;             // normwise relative error (directional for fd)
  double tolerance = 0;         // what error may be
  double reference_norm = 0;    // ‖reference block‖₂ (rounded to double; may underflow to 0)
  verdict outcome = verdict::pass;
};

struct leg_result {
  std::string leg;       // "fast", "fd", "digits"
  std::string problem;   // the regime's name()
  std::string isa;       // fast leg of lib: the instruction set; empty otherwise
  std::string implementation;  // fast leg: the implementation under test's name(); else empty
  verdict outcome = verdict::pass;
  double worst_ratio = 0;       // max over checks of error / tolerance
  std::string worst_block;
  std::int64_t worst_step = -1;
  std::vector<block_check> checks;
  // Why nothing was graded (UNSUPPORTED), or how the implementation died (a FAIL with no
  // checks: "killed by SIGSEGV", "no answer within 120 s"); empty otherwise.
  std::string note;
};

// The gradients one run of the fast path gave, widened to double (exact for float too); empty
// where the run was not asked for them (rnn::gradients_view's members).
// A network's (rnn/network.hpp) come in its layouts: `parameters` flat (weight_ih .. bias_hh
// empty), h0, c0 (L·D)×B×H, h and c (L·D)×T×B×H.
struct fast_gradients {
  std::vector<double> weight_ih, weight_hh, bias_ih, bias_hh, x, h0, c0, h, c;
  std::vector<double> parameters;  // a network's, flat; empty for a single layer

  // Every member, in declaration order: to visit them all without naming each.
  std::array<std::vector<double>*, 10> members() {
    return {&weight_ih, &weight_hh, &bias_ih, &bias_hh, &x, &h0, &c0, &h, &c, &parameters};
  }
  std::array<const std::vector<double>*, 10> members() const {
    return {&weight_ih, &weight_hh, &bias_ih, &bias_hh, &x, &h0, &c0, &h, &c, &parameters};
  }
};

// Data given from outside (a dump a framework wrote): the problem, its inputs, parameters and
// upstream gradients, values of the problem's precision held in double (exact for float too).
// Checked as a plain run: full BPTT of grad_output (T×B×H) plus grad_h_n, grad_c_n (B×H, or empty
// for zero) on the final states.
// A network's (rnn::is_network(problem)): its parameters in network_parameters, rnn/network.hpp's
// flat layout (params empty), h0 and c0 (L·D)×B×H, grad_output T×B×(D·H), grad_h_n and grad_c_n
// (L·D)×B×H.
struct given_data {
  rnn::problem problem;
  rnn::parameters<double> params;
  std::vector<double> network_parameters;  // a network's, flat; empty for a single layer
  std::vector<double> x, h0, c0;  // T×B×I, B×H, B×H (LSTM only)
  std::vector<double> grad_output, grad_h_n, grad_c_n;
  // B lengths in [1, T] (a dump's lengths.npy); empty: every sequence T steps.
  std::vector<std::int64_t> lengths;
};

// A forward's results, widened to double; empty members are not graded. A network's: output
// T×B×(D·H), h_n and c_n (L·D)×B×H.
struct forward_values {
  std::vector<double> output, h_n, c_n;  // T×B×H, B×H, B×H (LSTM only)
};

// Leg a for one regime in its problem's precision (a network's too: stacked and bidirectional
// problems are graded per block, src/network_check.hpp), with the 50-digit reference computed once and
// reused for every run. The implementation under test gets the regime's execution as
// run_options; blocks it does not return (per-step dL/dh_t of oneDNN) are not graded, and a
// problem or execution it declines is UNSUPPORTED. lib is whatever rnn::layer is linked (the
// mutant build links a planted bug), so the same code judges every variant.
class fast_path_check {
 public:
  explicit fast_path_check(const regime& r);
  // Given data (rnnsuite check), named `name` in results. With `form`, the truth of a GRU is
  // computed in that cell form (a convention other than PyTorch's: how a dump is diagnosed).
  fast_path_check(const given_data& data, const std::string& name);
  fast_path_check(const given_data& data, const std::string& name, reference::gru_form form);
  ~fast_path_check();
  fast_path_check(fast_path_check&&) noexcept;
  fast_path_check& operator=(fast_path_check&&) noexcept;
  // lib on one instruction set.
  leg_result run(rnn::isa isa) const;
  // The same run, also handing back the gradients it judged (the mutant matrix measures a
  // mutant's change of the fast path on the very run leg a grades).
  leg_result run(rnn::isa isa, fast_gradients& judged) const;
  // Any implementation; isa is a hint only lib reads (empty: its default). Rethrows
  // impl::failure of kind error (the run cannot go on meaningfully); a crash becomes a FAIL.
  leg_result run(const impl::implementation& implementation, std::optional<rnn::isa> isa,
                 fast_gradients* judged = nullptr) const;
  // How far `to` lies from `from`, per check of run()'s result and in its order: the normwise
  // difference over that check's block divided by the reference block's norm, as the check's
  // error is (the absolute difference where that norm is 0; +inf where `to` is non-finite and
  // `from` is not the same bits). Bit-identical blocks give exactly 0. Compare with each check's
  // tolerance.
  std::vector<double> changes(const fast_gradients& from, const fast_gradients& to) const;
  // Grades gradients computed elsewhere (a dump's) as run() grades its own: every non-empty
  // member, per step and per gate block. `implementation` names their producer in the result.
  leg_result grade(const fast_gradients& given, const std::string& implementation) const;
  // Grades a forward's results per step (blocks "output" at each t, "h_n", "c_n") against the
  // reference's, with the tolerance model of a forward of t + 1 steps raised to the measured
  // conditioning (the 50-digit forward against the 100-digit one).
  leg_result grade_forward(const forward_values& given, const std::string& implementation) const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// Why `implementation` declines the regime, asked before any reference is computed; empty when
// it runs it. And the UNSUPPORTED result that reports it.
std::optional<std::string> declined_by(const impl::implementation& implementation,
                                       const regime& r);
leg_result unsupported_result(const impl::implementation& implementation, const regime& r,
                              const std::string& why);

inline leg_result check_fast_path(const regime& r, rnn::isa isa) {
  return fast_path_check(r).run(isa);
}

// Legs b and c on the regime's parameters rounded to double (the precision does not matter).
leg_result check_finite_differences(const regime& r);
leg_result check_digits(const regime& r);

}  // namespace rnnsuite::verify
