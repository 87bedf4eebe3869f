#pragma once
// GRU "convention variants": the three ways frameworks write the candidate n, for diagnosing a
// dump made under another convention than PyTorch's (lib's). Gates r, z, n in rows [0,H),
// [H,2H), [2H,3H) of W_ih, W_hh, b_ih, b_hh, as everywhere; r, z and h are the same in all forms:
//   r = σ(W_ir x + b_ir + W_hr h' + b_hr),  z = σ(W_iz x + b_iz + W_hz h' + b_hz),
//   h = (1 − z) ⊙ n + z ⊙ h'.
// Only n differs:
//   pytorch               n = tanh(W_in x + b_in + r ⊙ (W_hn h' + b_hn))       (reference/gru.hpp)
//   reset_before_product  n = tanh(W_in x + b_in + W_hn (r ⊙ h') + b_hn)       (Cho et al. 2014,
//                                                          Keras reset_after=False: the "v1" form)
//   bias_outside_reset    n = tanh(W_in x + b_in + b_hn + r ⊙ (W_hn h'))       (one bias for n,
//                                                                     reset after the product)
// The same parameter tensors serve every form; only where b_hn and r enter n changes.
//
// run.hidden_n (T×B×H) is, in every form, the h side of n's pre-activation as it stands before
// any reset that comes after the product:
//   pytorch               W_hn h' + b_hn          n = tanh(W_in x + b_in + r ⊙ hidden_n)
//   reset_before_product  W_hn (r ⊙ h') + b_hn    n = tanh(W_in x + b_in + hidden_n)
//   bias_outside_reset    W_hn h'                 n = tanh(W_in x + b_in + b_hn + r ⊙ hidden_n)
// so in the two reset-after forms it is what r multiplies (and backward reads it for dL/dr).
//
// gradients::delta_x and delta_h (T×B×3H) are dL/d(pre-activation) on the x side and on the h
// side. The r and z blocks are the same in x and h and in every form (dL/d of σ's argument). The
// n block of delta_x is always dL/d(n's pre-activation) = dL/d(W_in x + b_in). The n block of
// delta_h is the gradient with respect to the h-side term named below, and is what W_hn's
// gradient sums, against the vector that W_hn multiplies:
//   pytorch               dL/d(W_hn h' + b_hn)        = δn ⊙ r;  dW_hn = Σ delta_h ⊗ h',
//                                                                 db_hn = Σ delta_h
//   reset_before_product  dL/d(W_hn (r⊙h') + b_hn)    = δn;      dW_hn = Σ delta_h ⊗ (r ⊙ h'),
//                                                                 db_hn = Σ delta_h
//   bias_outside_reset    dL/d(W_hn h')               = δn ⊙ r;  dW_hn = Σ delta_h ⊗ h',
//                                                                 db_hn = Σ delta_x (b_hn sits
//                                                                 beside b_in, outside the reset)
// where δn = dL/d(n's pre-activation).
#include <cstddef>
#include <string>
#include <vector>

#include "reference/gru.hpp"
#include "reference/types.hpp"

namespace rnnsuite::reference {

enum class gru_form { pytorch, reset_before_product, bias_outside_reset };

inline const char* gru_form_name(gru_form f) {
  switch (f) {
    case gru_form::pytorch: return "pytorch";
    case gru_form::reset_before_product: return "reset_before_product";
    case gru_form::bias_outside_reset: return "bias_outside_reset";
  }
  throw rnn::error("reference::gru_form_name: unknown gru_form " +
                   std::to_string(static_cast<int>(f)));
}

namespace detail {

inline void check_gru_form(const char* where, const rnn::problem& p, gru_form f) {
  if (p.cell != rnn::cell::gru)
    throw rnn::error(std::string(where) + ": the problem's cell must be gru");
  if (f != gru_form::pytorch && f != gru_form::reset_before_product &&
      f != gru_form::bias_outside_reset)
    throw rnn::error(std::string(where) + ": unknown gru_form " +
                     std::to_string(static_cast<int>(f)));
}

}  // namespace detail

template <class Real>
trajectory<Real> gru_form_forward(const rnn::problem& p, const weights<Real>& w,
                                  const std::vector<Real>& x, const std::vector<Real>& h0,
                                  gru_form form) {
  const char* where = "reference::gru_form_forward";
  detail::check_gru_form(where, p, form);
  if (form == gru_form::pytorch) return gru_forward(p, w, x, h0);
  const dims d(p);
  detail::check_forward_args(where, d, false, w, x, h0, {});
  const std::size_t H = d.H, I = d.I;
  trajectory<Real> run;
  run.x = x, run.h0 = h0;
  run.output.assign(d.T * d.B * H, Real(0));
  run.gates.assign(d.T * d.B * 3 * H, Real(0));
  run.hidden_n.assign(d.T * d.B * H, Real(0));
  std::vector<Real> from_x(3 * H);  // W_ih x + b_ih, every row
  std::vector<Real> reset_h(H);     // r ⊙ h' (reset_before_product)
  for (std::size_t t = 0; t < d.T; ++t)
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t row = (t * d.B + b) * H;
      const Real* x_t = &x[(t * d.B + b) * I];
      const Real* h_prev = t == 0 ? &h0[b * H] : &run.output[((t - 1) * d.B + b) * H];
      Real* gate = &run.gates[(t * d.B + b) * 3 * H];
      for (std::size_t r = 0; r < 3 * H; ++r) {
        Real s = w.bias_ih[r];
        for (std::size_t i = 0; i < I; ++i) s += w.weight_ih[r * I + i] * x_t[i];
        from_x[r] = s;
      }
      // r and z: the same in every form. All of r is needed before n in reset_before_product,
      // where r multiplies h' inside the product, so the gates come first, n second.
      for (std::size_t k = 0; k < 2 * H; ++k) {
        Real s = w.bias_hh[k];
        for (std::size_t j = 0; j < H; ++j) s += w.weight_hh[k * H + j] * h_prev[j];
        gate[k] = detail::logistic(Real(from_x[k] + s));
      }
      for (std::size_t j = 0; j < H; ++j) reset_h[j] = gate[j] * h_prev[j];
      for (std::size_t k = 0; k < H; ++k) {
        const std::size_t n_row = 2 * H + k;
        const Real r = gate[k];
        Real n_pre;
        if (form == gru_form::reset_before_product) {
          // W_hn (r ⊙ h') + b_hn, added whole to the x side.
          Real s = 0;
          for (std::size_t j = 0; j < H; ++j) s += w.weight_hh[n_row * H + j] * reset_h[j];
          s += w.bias_hh[n_row];
          run.hidden_n[row + k] = s;
          n_pre = from_x[n_row] + s;
        } else {
          // bias_outside_reset: W_hn h' alone is what r multiplies; b_hn joins the x side.
          Real s = 0;
          for (std::size_t j = 0; j < H; ++j) s += w.weight_hh[n_row * H + j] * h_prev[j];
          run.hidden_n[row + k] = s;
          // Written as gru.hpp writes its n (one a + r·b expression, which Boost.Multiprecision
          // may fuse): with b_hn = 0 this form is then pytorch's bit for bit.
          const Real outside = from_x[n_row] + w.bias_hh[n_row];
          n_pre = outside + r * s;
        }
        const Real n = detail::hyperbolic_tangent(n_pre);
        const Real z = gate[H + k];
        gate[n_row] = n;
        run.output[row + k] = (Real(1) - z) * n + z * h_prev[k];
      }
    }
  run.h_n.assign(run.output.end() - static_cast<std::ptrdiff_t>(d.B * H), run.output.end());
  return run;
}

// grad_output: T×B×H; grad_h_n: B×H or empty (zero). run must come from gru_form_forward with the
// same form (its hidden_n means a different thing in each form).
template <class Real>
gradients<Real> gru_form_backward(const rnn::problem& p, const weights<Real>& w,
                                  const trajectory<Real>& run,
                                  const std::vector<Real>& grad_output,
                                  const std::vector<Real>& grad_h_n, gru_form form) {
  const char* where = "reference::gru_form_backward";
  detail::check_gru_form(where, p, form);
  if (form == gru_form::pytorch) return gru_backward(p, w, run, grad_output, grad_h_n);
  const dims d(p);
  detail::check_backward_args(where, d, false, run, grad_output, grad_h_n, {});
  detail::check_weights_sizes(where, d, w.weight_ih.size(), w.weight_hh.size(), w.bias_ih.size(),
                              w.bias_hh.size());
  detail::check_size(where, "trajectory.x", run.x.size(), d.T * d.B * d.I);
  detail::check_size(where, "trajectory.h0", run.h0.size(), d.B * d.H);
  detail::check_size(where, "trajectory.hidden_n", run.hidden_n.size(), d.T * d.B * d.H);
  const std::size_t H = d.H, I = d.I, rows = 3 * H;
  const bool before = form == gru_form::reset_before_product;
  gradients<Real> g = detail::zero_gradients<Real>(d, false);
  std::vector<Real> dh_carry(d.B * H, Real(0));  // B×H, into h_t from step t+1
  if (!grad_h_n.empty()) dh_carry = grad_h_n;
  std::vector<Real> delta_x(rows), delta_h(rows);
  std::vector<Real> back_n(H);  // reset_before_product: W_hnᵀ δn, the gradient of r ⊙ h'
  for (std::size_t t = d.T; t-- > 0;) {
    std::vector<Real> dh_prev(d.B * H, Real(0));
    for (std::size_t b = 0; b < d.B; ++b) {
      const std::size_t step_row = t * d.B + b, row = step_row * H;
      const Real* gate = &run.gates[step_row * rows];
      const Real* x_t = &run.x[step_row * I];
      const Real* h_prev = t == 0 ? &run.h0[b * H] : &run.output[((t - 1) * d.B + b) * H];
      // z and n first: δn is needed for r in both forms.
      for (std::size_t k = 0; k < H; ++k) {
        const Real z = gate[H + k], n = gate[2 * H + k];
        const Real dh = grad_output[row + k] + dh_carry[b * H + k];
        g.h[row + k] = dh;
        const Real dn_pre = dh * (Real(1) - z) * (Real(1) - n * n);
        const Real dz_pre = dh * (h_prev[k] - n) * z * (Real(1) - z);
        delta_x[H + k] = dz_pre, delta_h[H + k] = dz_pre;
        delta_x[2 * H + k] = dn_pre;
        // The n block's h-side term: in reset_before_product all of W_hn (r⊙h') + b_hn enters n
        // unscaled; in bias_outside_reset r multiplies W_hn h'.
        delta_h[2 * H + k] = before ? dn_pre : Real(dn_pre * gate[k]);
        dh_prev[b * H + k] = dh * z;  // the direct path h' → h, the W_hhᵀ terms come below
      }
      if (before) {
        // n_pre = ... + Σ_k W_hn[k,j] r_j h'_j: dL/d(r_j h'_j) = Σ_k W_hn[k,j] δn_k.
        for (std::size_t j = 0; j < H; ++j) {
          Real s = 0;
          for (std::size_t k = 0; k < H; ++k)
            s += w.weight_hh[(2 * H + k) * H + j] * delta_h[2 * H + k];
          back_n[j] = s;
        }
        for (std::size_t j = 0; j < H; ++j) {
          const Real r = gate[j];
          const Real dr_pre = back_n[j] * h_prev[j] * r * (Real(1) - r);
          delta_x[j] = dr_pre, delta_h[j] = dr_pre;
        }
      } else {
        // n_pre = ... + r_k hidden_n_k: dL/dr_k = δn_k hidden_n_k.
        for (std::size_t k = 0; k < H; ++k) {
          const Real r = gate[k];
          const Real dr_pre = delta_x[2 * H + k] * run.hidden_n[row + k] * r * (Real(1) - r);
          delta_x[k] = dr_pre, delta_h[k] = dr_pre;
        }
      }
      // Keep the deltas; the x side is the plain affine W_ih x + b_ih in every row.
      for (std::size_t r = 0; r < rows; ++r) {
        g.delta_x[step_row * rows + r] = delta_x[r];
        g.delta_h[step_row * rows + r] = delta_h[r];
        g.bias_ih[r] += delta_x[r];
        for (std::size_t i = 0; i < I; ++i) g.weight_ih[r * I + i] += delta_x[r] * x_t[i];
      }
      for (std::size_t i = 0; i < I; ++i) {
        Real s = 0;
        for (std::size_t r = 0; r < rows; ++r) s += w.weight_ih[r * I + i] * delta_x[r];
        g.x[step_row * I + i] = s;
      }
      // The h side. Rows r and z: the plain affine W_hh h' + b_hh.
      for (std::size_t r = 0; r < 2 * H; ++r) {
        g.bias_hh[r] += delta_h[r];
        for (std::size_t j = 0; j < H; ++j) g.weight_hh[r * H + j] += delta_h[r] * h_prev[j];
      }
      // Rows n: W_hn multiplies r ⊙ h' (reset_before_product) or h' (bias_outside_reset); b_hn
      // is inside the h-side term (reset_before_product) or beside b_in (bias_outside_reset).
      for (std::size_t k = 0; k < H; ++k) {
        const std::size_t n_row = 2 * H + k;
        g.bias_hh[n_row] += before ? delta_h[n_row] : delta_x[n_row];
        for (std::size_t j = 0; j < H; ++j) {
          const Real v = before ? Real(gate[j] * h_prev[j]) : h_prev[j];
          g.weight_hh[n_row * H + j] += delta_h[n_row] * v;
        }
      }
      // dL/dh' through W_hh: rows r and z directly; rows n through r ⊙ h' (times r_j) or h'.
      for (std::size_t j = 0; j < H; ++j) {
        Real s = 0;
        for (std::size_t r = 0; r < 2 * H; ++r) s += w.weight_hh[r * H + j] * delta_h[r];
        if (before)
          s += back_n[j] * gate[j];
        else
          for (std::size_t k = 0; k < H; ++k)
            s += w.weight_hh[(2 * H + k) * H + j] * delta_h[2 * H + k];
        dh_prev[b * H + j] += s;
      }
    }
    dh_carry = dh_prev;
  }
  g.h0 = dh_carry;
  return g;
}

}  // namespace rnnsuite::reference
