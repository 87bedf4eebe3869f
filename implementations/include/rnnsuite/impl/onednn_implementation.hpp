#pragma once
// oneDNN 2.6 as an implementation under test: its fused RNN primitives (vanilla_rnn with tanh,
// logistic or relu; vanilla_lstm; lbr_gru, which is PyTorch's GRU), forward_training and
// backward with the workspace, in PyTorch's layouts in and out. What it supports:
// - float32 only: oneDNN 2.6 has no f64 RNN primitives.
// - full BPTT only: no truncation (backward(steps > 0) throws failure of kind unsupported) and
//   no streaming schedule.
// - no per-step dL/dh_t, dL/dc_t: the fused backward keeps them inside its workspace and hands
//   out only what reaches the initial states (diff_src_iter, diff_src_iter_c: dh0, dc0).
// - run_options.threads becomes the OpenMP thread count (oneDNN threads through OpenMP) for
//   prepare, forward and backward, and the caller's count is restored after each; the tuning
//   hints (isa, chunk_steps, l2_bytes) are lib's and ignored.
// The bias gradient: oneDNN keeps one bias per gate (b_ih + b_hh, which it is fed), plus lbr_gru's
// b_hn apart. dL/db_ih = dL/db_hh for every gate whose two biases enter as a sum, so each gets
// that one gradient; GRU's n gate has b_in (outside r⊙(...)) and b_hn (inside) apart.
//
// The instance points oneDNN at the caller's arrays, copying nothing: oneDNN's backward reads
// forward's x, h0, c0, output, h_n and c_n again, so those must stay in place and unchanged from
// a forward to the backward that follows it.
#include <memory>

#include "rnnsuite/impl/implementation.hpp"

namespace rnnsuite::impl {

std::unique_ptr<implementation> make_onednn_implementation();

}  // namespace rnnsuite::impl
