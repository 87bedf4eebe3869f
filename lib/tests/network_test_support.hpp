#pragma once
// What the network tests compare: every result of one forward and backward, and their bitwise
// equality (test_network.cpp, test_network_lengths.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rnn_test {

template <class Real>
struct network_run {
  std::vector<Real> output, h_n, c_n;        // T×B×(D·H), (L·D)×B×H, (L·D)×B×H (LSTM)
  std::vector<Real> parameters, x, h0, c0;   // gradients: flat, T×B×I, (L·D)×B×H twice
  std::vector<Real> h, c;                    // (L·D)×T×B×H, total dL/dh_t and dL/dc_t
};

template <class Real>
void expect_identical(const network_run<Real>& a, const network_run<Real>& b,
                      const std::string& what) {
  EXPECT_EQ(a.output, b.output) << what << " output";
  EXPECT_EQ(a.h_n, b.h_n) << what << " h_n";
  EXPECT_EQ(a.c_n, b.c_n) << what << " c_n";
  EXPECT_EQ(a.parameters, b.parameters) << what << " parameter gradients";
  EXPECT_EQ(a.x, b.x) << what << " grad x";
  EXPECT_EQ(a.h0, b.h0) << what << " grad h0";
  EXPECT_EQ(a.c0, b.c0) << what << " grad c0";
  EXPECT_EQ(a.h, b.h) << what << " grad h";
  EXPECT_EQ(a.c, b.c) << what << " grad c";
}

}  // namespace rnn_test
