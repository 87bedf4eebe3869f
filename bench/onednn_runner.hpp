#pragma once
// oneDNN 2.6's side of a benchmark: its RNN primitive for the same cell (vanilla_rnn with tanh,
// logistic or relu; vanilla_lstm; lbr_gru, which is PyTorch's GRU), forward_training and backward
// with the workspace. oneDNN 2.6 has no f64 RNN, so this runner is float only.
#include <cstddef>
#include <memory>
#include <vector>

#include "problem_data.hpp"

namespace bench {

// Same values in PyTorch's layout, for comparing with rnnsuite (shapes as in rnnsuite_runner).
struct onednn_results {
  std::vector<float> output, h_n, c_n;
  std::vector<float> grad_x, grad_h0, grad_c0;
  std::vector<float> grad_weight_ih, grad_weight_hh;
  // oneDNN keeps one bias per gate block (b_ih + b_hh), plus b_hn apart for lbr_gru, so the bias
  // gradient comes back per block: G·H, or 4·H for GRU (z, r, n input side, n hidden side).
  std::vector<float> grad_bias_blocks;
};

class onednn_runner {
 public:
  // Creates the primitives, reorders the weights into oneDNN's preferred layout (not timed).
  // Throws std::exception (dnnl::error) if oneDNN rejects the problem.
  onednn_runner(const problem_data<float>& data);
  ~onednn_runner();
  onednn_runner(const onednn_runner&) = delete;
  onednn_runner& operator=(const onednn_runner&) = delete;

  void forward();   // forward_training: fills the workspace
  void backward();  // zeroes the weight gradients (oneDNN accumulates into them), then backward
  onednn_results results() const;  // converts to PyTorch's layout; call after backward

  std::size_t workspace_bytes() const;   // oneDNN's workspace: what forward keeps for backward
  std::size_t scratchpad_bytes() const;  // forward's plus backward's scratchpad

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// oneDNN's gate block for PyTorch's gate block g: identity for Elman and LSTM (i, f, c, o is
// PyTorch's i, f, g, o); GRU's r, z, n are lbr_gru's blocks 1, 0, 2 (u, r, o).
int onednn_gate(rnn::cell c, int pytorch_gate);

}  // namespace bench
