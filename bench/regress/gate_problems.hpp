#pragma once
// The regression gate's fixed problem set. Small, so all of them run under callgrind in well under
// two minutes, yet covering every cell, both precisions, the batched (GEMM) path and the batch-1
// (matrix-vector) path. Changing this list changes the baseline's keys: re-record with
// `scripts/regress --update` in the same commit.
#include <string_view>

namespace rnnsuite {

inline constexpr std::string_view gate_problems[] = {
    // every cell, batched, both precisions
    "elman_tanh_t16_b4_i32_h32_f32",    "elman_tanh_t16_b4_i32_h32_f64",
    "elman_sigmoid_t16_b4_i32_h32_f32", "elman_sigmoid_t16_b4_i32_h32_f64",
    "elman_relu_t16_b4_i32_h32_f32",    "elman_relu_t16_b4_i32_h32_f64",
    "lstm_t16_b4_i32_h32_f32",          "lstm_t16_b4_i32_h32_f64",
    "gru_t16_b4_i32_h32_f32",           "gru_t16_b4_i32_h32_f64",
    // the batch-1 path
    "elman_tanh_t16_b1_i32_h32_f32",    "lstm_t16_b1_i32_h32_f32",
    "lstm_t16_b1_i64_h64_f64",          "gru_t16_b1_i32_h32_f32",
    // a tile-sized shape, where the GEMM micro-kernels dominate
    "lstm_t8_b16_i128_h128_f32",        "gru_t8_b16_i64_h64_f64",
};

}  // namespace rnnsuite
