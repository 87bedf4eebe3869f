// Bad input to rnn::layer and streaming_tbptt: rnn::error naming the argument and the sizes;
// NaN and Inf in the data propagate as IEEE arithmetic says, without a crash.
#include <gtest/gtest.h>

#include <cmath>

#include "rnn/error.hpp"
#include "rnn/tbptt.hpp"
#include "test_layer_support.hpp"

namespace rnn::test {
namespace {

// Runs f, expects rnn::error, and that its message contains every string of `parts`.
template <class F>
void expect_error(F&& f, std::initializer_list<const char*> parts) {
  try {
    f();
    ADD_FAILURE() << "no rnn::error thrown";
  } catch (const rnn::error& e) {
    for (const char* part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
        << "message '" << e.what() << "' lacks '" << part << "'";
  }
}

struct lstm_fixture {
  problem p{cell::lstm, 3, 2, 5, 4, precision::f32};  // G·H = 16
  std::vector<float> w_ih = std::vector<float>(16 * 5, 0.1f), w_hh = std::vector<float>(16 * 4, 0.1f);
  std::vector<float> b_ih = std::vector<float>(16, 0.f), b_hh = std::vector<float>(16, 0.f);
  std::vector<float> x = std::vector<float>(3 * 2 * 5, 0.5f), h0 = std::vector<float>(8, 0.f);
  std::vector<float> c0 = std::vector<float>(8, 0.f), out = std::vector<float>(24), h_n = std::vector<float>(8);
  std::vector<float> c_n = std::vector<float>(8);
  parameters_view<float> params() const { return {w_ih, w_hh, b_ih, b_hh}; }
};

TEST(LayerErrors, WrongParameterSizeNamesArgumentAndSizes) {
  lstm_fixture f;
  f.w_hh.resize(63);
  expect_error([&] { layer<float>(f.p, f.params()); }, {"weight_hh", "63", "64"});
  f.w_hh.resize(64);
  f.b_ih.resize(17);
  expect_error([&] { layer<float>(f.p, f.params()); }, {"bias_ih", "17", "16"});
}

TEST(LayerErrors, WrongForwardBufferSizes) {
  lstm_fixture f;
  layer<float> L(f.p, f.params());
  std::vector<float> short_x(29);
  expect_error([&] { L.forward(short_x, f.h0, f.c0, f.out, f.h_n, f.c_n); }, {"x", "29", "30"});
  expect_error([&] { L.forward(f.x, f.h0, {}, f.out, f.h_n, f.c_n); }, {"c0", "0", "8"});
  std::vector<float> long_out(25);
  expect_error([&] { L.forward(f.x, f.h0, f.c0, long_out, f.h_n, f.c_n); }, {"output", "25", "24"});
}

TEST(LayerErrors, WrongBackwardBufferSizesAndOrder) {
  lstm_fixture f;
  layer<float> L(f.p, f.params());
  std::vector<float> dw_ih(80), dw_hh(64), db_ih(16), db_hh(16), dx(30), dh0(8), dc0(8);
  gradients_view<float> g{dw_ih, dw_hh, db_ih, db_hh, dx, dh0, dc0, {}, {}};
  expect_error([&] { L.backward(f.out, {}, {}, g); }, {"backward", "before"});
  L.forward(f.x, f.h0, f.c0, f.out, f.h_n, f.c_n);
  std::vector<float> short_grad(23), bad_x(31);
  expect_error([&] { L.backward(short_grad, {}, {}, g); }, {"grad_output", "23", "24"});
  expect_error([&] { L.backward(f.out, {}, {}, g, -1); }, {"steps", "-1"});
  gradients_view<float> bad = g;
  bad.x = bad_x;
  expect_error([&] { L.backward(f.out, {}, {}, bad); }, {"grads.x", "31", "30"});
  L.backward(f.out, {}, {}, g);  // and the right sizes work
}

TEST(LayerErrors, PrecisionMismatchAndBadOptions) {
  lstm_fixture f;
  problem wrong = f.p;
  wrong.precision = precision::f64;
  expect_error([&] { layer<float>(wrong, f.params()); }, {"precision", "f64", "f32"});
  expect_error([&] { layer<float>(f.p, f.params(), layer_options{std::nullopt, 0}); }, {"threads", "0"});
  expect_error([&] { layer<float>(f.p, f.params(), layer_options{std::nullopt, 5000}); },
               {"threads", "5000"});
  problem empty = f.p;
  empty.T = 0;
  EXPECT_THROW(layer<float>(empty, f.params()), rnn::error);
}

// A T whose workspace cannot fit in memory is an error naming T, not a crash or an OOM kill.
TEST(LayerErrors, SequenceTooLongForMemory) {
  lstm_fixture f;
  problem huge = f.p;
  huge.T = std::int64_t(1) << 40;  // 2^40 steps × 2 × 4 bytes × (several tensors): petabytes
  expect_error([&] { layer<float>(huge, f.params()); }, {"T=1099511627776", "bytes"});
}

TEST(LayerErrors, StreamingScheduleValidated) {
  lstm_fixture f;
  std::vector<float> dw_ih(80), dw_hh(64), db_ih(16), db_hh(16);
  gradients_view<float> g{dw_ih, dw_hh, db_ih, db_hh, {}, {}, {}, {}, {}};
  expect_error([&] { streaming_tbptt<float>(f.p, f.params(), {0, 1}, f.x, f.h0, f.c0, f.out, g); },
               {"k1", "0"});
  expect_error([&] { streaming_tbptt<float>(f.p, f.params(), {2, 1}, f.x, f.h0, f.c0, f.out, g); },
               {"k2", "1"});
}

// One NaN in x at t = 0 of batch row 0 reaches every hidden unit of that row from then on,
// through W_ih and then W_hh; the other row stays finite. Backward runs without trouble.
TEST(LayerNonFinite, NaNInInputPropagates) {
  for (rnn::isa isa : available_isas())
    for (rnn::cell c : all_cells) {
      case_data d = make_case(c, 4, 2, 3, 5, 101);
      d.x[0] = NAN;
      const layer_result r = run_layer<float>(d, isa);
      const std::size_t state = 2 * 5;
      for (std::int64_t t = 0; t < 4; ++t)
        for (std::size_t j = 0; j < 5; ++j) {
          EXPECT_TRUE(std::isnan(r.output[t * state + j])) << cell_name(c) << " t=" << t;
          EXPECT_TRUE(std::isfinite(r.output[t * state + 5 + j])) << cell_name(c) << " t=" << t;
        }
      EXPECT_TRUE(std::isnan(r.weight_ih[0])) << cell_name(c);  // the NaN x_0 enters dW_ih
    }
}

// +Inf in x drives tanh-based pre-activations to ±Inf, where the gates saturate to finite values.
TEST(LayerNonFinite, InfInInputSaturatesTanh) {
  for (rnn::isa isa : available_isas()) {
    case_data d = make_case(cell::elman_tanh, 3, 1, 2, 4, 111);
    d.x[0] = INFINITY;
    const layer_result r = run_layer<double>(d, isa);
    for (double v : r.output) EXPECT_TRUE(std::isfinite(v) && std::abs(v) <= 1) << v;
  }
}

}  // namespace
}  // namespace rnn::test
