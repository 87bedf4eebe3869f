// The gradcheck-style baseline (gradcheck.hpp): every total gradient element against a central
// difference in double.
#include "rnnsuite/verify/gradcheck.hpp"

#include <cmath>
#include <vector>

#include "rnn/error.hpp"
#include "rnn/layer.hpp"

namespace rnnsuite::verify {

namespace {

// L of one forward pass of lib's layer.
double loss_of(const rnn::problem& p, const rnn::parameters<double>& params,
               const rnn::inputs<double>& in, rnn::loss_kind kind) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  rnn::layer<double> layer(p, params.view());
  std::vector<double> output(n.sequence), h_n(n.state), c_n(in.c0.size()), grad(n.sequence);
  layer.forward(in.x, in.h0, in.c0, output, h_n, c_n);
  return rnn::mse_loss<double>(p, kind, output, in.target, grad);
}

}  // namespace

gradcheck_result gradcheck(const rnn::problem& p, const rnn::parameters<double>& params,
                           const rnn::inputs<double>& in, const gradcheck_options& options) {
  if (p.precision != rnn::precision::f64)
    throw rnn::error("gradcheck: problem " + rnn::format_problem(p) + " must be f64");
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);

  // The analytic total gradients, from lib's backward.
  rnn::layer<double> layer(p, params.view());
  std::vector<double> output(n.sequence), h_n(n.state), c_n(lstm ? n.state : 0);
  std::vector<double> grad_output(n.sequence);
  layer.forward(in.x, in.h0, in.c0, output, h_n, c_n);
  rnn::mse_loss<double>(p, options.loss, output, in.target, grad_output);
  std::vector<double> d_weight_ih(n.weight_ih), d_weight_hh(n.weight_hh), d_bias_ih(n.bias),
      d_bias_hh(n.bias), d_x(n.x), d_h0(n.state), d_c0(lstm ? n.state : 0);
  layer.backward(grad_output, {}, {},
                 {d_weight_ih, d_weight_hh, d_bias_ih, d_bias_hh, d_x, d_h0, d_c0, {}, {}});

  gradcheck_result result;
  rnn::parameters<double> varied = params;
  rnn::inputs<double> varied_in = in;
  // Central difference of L in element k of `value` (a member of varied or varied_in).
  auto check = [&](const char* block, auto& value, const std::vector<double>& analytic) {
    for (std::size_t k = 0; k < analytic.size(); ++k) {
      const double saved = value[k];
      value[k] = saved + options.step;
      const double up = loss_of(p, varied, varied_in, options.loss);
      value[k] = saved - options.step;
      const double down = loss_of(p, varied, varied_in, options.loss);
      value[k] = saved;
      const double numeric = (up - down) / (2 * options.step);
      const double ratio =
          std::fabs(analytic[k] - numeric) / (options.atol + options.rtol * std::fabs(numeric));
      // A non-finite gradient (NaN ratio) fails, as the worst possible.
      const double score = std::isnan(ratio) ? INFINITY : ratio;
      ++result.checked;
      if (!(score <= 1)) ++result.failed;
      if (score > result.worst_ratio) {
        result.worst_ratio = score, result.worst_block = block, result.worst_index = k;
        result.worst_analytic = analytic[k], result.worst_numeric = numeric;
      }
    }
  };
  check("weight_ih", varied.weight_ih, d_weight_ih);
  check("weight_hh", varied.weight_hh, d_weight_hh);
  check("bias_ih", varied.bias_ih, d_bias_ih);
  check("bias_hh", varied.bias_hh, d_bias_hh);
  check("x", varied_in.x, d_x);
  check("h0", varied_in.h0, d_h0);
  if (lstm) check("c0", varied_in.c0, d_c0);
  result.passed = result.failed == 0;
  return result;
}

}  // namespace rnnsuite::verify
