// The lib implementation is rnn::layer itself: the same bits for every cell, precision, thread
// count, truncation and the streaming schedule, so grading lib through the concept grades what
// a user of rnn::layer gets.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "rnn/aligned.hpp"
#include "seeded_data.hpp"
#include "rnn/tbptt.hpp"
#include "rnnsuite/impl/lib_implementation.hpp"
#include "rnnsuite/impl/registry.hpp"

namespace rnnsuite::impl {
namespace {

using test::seeded;

template <class Real>
void expect_same_bits(const rnn::aligned_vector<Real>& a, const rnn::aligned_vector<Real>& b,
                      const char* what) {
  using bits = std::conditional_t<sizeof(Real) == 4, std::uint32_t, std::uint64_t>;
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k)
    ASSERT_EQ(std::bit_cast<bits>(a[k]), std::bit_cast<bits>(b[k])) << what << "[" << k << "]";
}

template <class Real>
struct run_result {
  rnn::aligned_vector<Real> output, h_n, c_n;                    // T×B×H, B×H, B×H or empty
  rnn::aligned_vector<Real> w_ih, w_hh, b_ih, b_hh, x, h0, c0, h, c;  // gradients
};

// One forward and backward, either through the concept or through rnn::layer directly.
// parameter_gradients false (through the concept only): backward is asked for none (all four
// spans empty), and the result's four stay empty.
template <class Real>
run_result<Real> run(const rnn::problem& p, const run_options& o, std::int64_t steps,
                     bool through_concept, bool parameter_gradients = true) {
  const rnn::tensor_sizes n = rnn::sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const auto w_ih = seeded<Real>(n.weight_ih, 1), w_hh = seeded<Real>(n.weight_hh, 2);
  const auto b_ih = seeded<Real>(n.bias, 3), b_hh = seeded<Real>(n.bias, 4);
  const auto x = seeded<Real>(n.x, 5), h0 = seeded<Real>(n.state, 6);
  const auto c0 = seeded<Real>(lstm ? n.state : 0, 7);
  const auto up = seeded<Real>(n.sequence, 8), up_h = seeded<Real>(n.state, 9);
  const auto up_c = seeded<Real>(lstm ? n.state : 0, 10);
  const bool streaming = o.streaming.k1 > 0;
  run_result<Real> r;
  r.output.resize(n.sequence), r.h_n.resize(n.state), r.c_n.resize(lstm ? n.state : 0);
  if (parameter_gradients) {
    r.w_ih.resize(n.weight_ih), r.w_hh.resize(n.weight_hh), r.b_ih.resize(n.bias);
    r.b_hh.resize(n.bias);
  }
  r.x.resize(streaming ? 0 : n.x), r.h0.resize(streaming ? 0 : n.state);
  r.c0.resize(streaming || !lstm ? 0 : n.state), r.h.resize(streaming ? 0 : n.sequence);
  r.c.resize(streaming || !lstm ? 0 : n.sequence);
  const rnn::parameters_view<Real> params{w_ih, w_hh, b_ih, b_hh};
  const rnn::gradients_view<Real> grads{r.w_ih, r.w_hh, r.b_ih, r.b_hh, r.x,
                                        r.h0,   r.c0,   r.h,    r.c};
  if (through_concept) {
    const auto lib = make_lib_implementation();
    auto instance = lib->prepare(p, params, o);
    instance->forward({x, h0, c0, {}}, {r.output, r.h_n, r.c_n});
    instance->backward({up, streaming ? std::span<const Real>() : up_h,
                        streaming ? std::span<const Real>() : up_c},
                       grads, steps);
    return r;
  }
  rnn::layer_options lo;
  lo.isa = o.isa, lo.threads = o.threads, lo.chunk_steps = o.chunk_steps;
  lo.l2_bytes = o.l2_bytes;
  rnn::layer<Real> layer(p, params, lo);
  layer.forward(x, h0, c0, r.output, r.h_n, r.c_n);
  if (streaming)
    rnn::streaming_tbptt<Real>(p, params, o.streaming, x, h0, c0, up, grads, lo);
  else
    layer.backward(up, up_h, up_c, grads, steps);
  return r;
}

template <class Real>
void expect_concept_is_layer(rnn::cell cell, const run_options& o, std::int64_t steps) {
  const rnn::problem p{cell, 9, 3, 5, 7,
                       sizeof(Real) == 4 ? rnn::precision::f32 : rnn::precision::f64};
  const run_result<Real> direct = run<Real>(p, o, steps, false);
  const run_result<Real> concept_run = run<Real>(p, o, steps, true);
  expect_same_bits(concept_run.output, direct.output, "output");
  expect_same_bits(concept_run.h_n, direct.h_n, "h_n");
  expect_same_bits(concept_run.c_n, direct.c_n, "c_n");
  expect_same_bits(concept_run.w_ih, direct.w_ih, "grad weight_ih");
  expect_same_bits(concept_run.w_hh, direct.w_hh, "grad weight_hh");
  expect_same_bits(concept_run.b_ih, direct.b_ih, "grad bias_ih");
  expect_same_bits(concept_run.b_hh, direct.b_hh, "grad bias_hh");
  expect_same_bits(concept_run.x, direct.x, "grad x");
  expect_same_bits(concept_run.h0, direct.h0, "grad h0");
  expect_same_bits(concept_run.c0, direct.c0, "grad c0");
  expect_same_bits(concept_run.h, direct.h, "grad h");
  expect_same_bits(concept_run.c, direct.c, "grad c");
}

class LibImplementation : public ::testing::TestWithParam<rnn::cell> {};

TEST_P(LibImplementation, SameBitsAsTheLayer) {
  run_options threaded;
  threaded.threads = 3, threaded.chunk_steps = 4, threaded.l2_bytes = 4096;
  run_options streaming;
  streaming.streaming = {2, 5};
  for (rnn::isa isa : rnn::available_isas()) {
    run_options one_isa;
    one_isa.isa = isa;
    SCOPED_TRACE(std::string(rnn::isa_name(isa)));
    expect_concept_is_layer<float>(GetParam(), one_isa, 0);
    expect_concept_is_layer<double>(GetParam(), one_isa, 0);
  }
  expect_concept_is_layer<float>(GetParam(), threaded, 0);
  expect_concept_is_layer<double>(GetParam(), threaded, 4);
  expect_concept_is_layer<float>(GetParam(), streaming, 0);
  expect_concept_is_layer<double>(GetParam(), streaming, 0);
}

// Parameter gradients not wanted: lib computes them into its instance's scratch, and every other
// output and gradient keeps the layer's bits.
template <class Real>
void expect_same_bits_without_parameter_gradients(rnn::cell cell, const run_options& o,
                                                  std::int64_t steps) {
  const rnn::problem p{cell, 9, 3, 5, 7,
                       sizeof(Real) == 4 ? rnn::precision::f32 : rnn::precision::f64};
  const run_result<Real> direct = run<Real>(p, o, steps, false);
  const run_result<Real> native = run<Real>(p, o, steps, true, false);
  EXPECT_TRUE(native.w_ih.empty() && native.w_hh.empty() && native.b_ih.empty() &&
              native.b_hh.empty());
  expect_same_bits(native.output, direct.output, "output");
  expect_same_bits(native.h_n, direct.h_n, "h_n");
  expect_same_bits(native.c_n, direct.c_n, "c_n");
  expect_same_bits(native.x, direct.x, "grad x");
  expect_same_bits(native.h0, direct.h0, "grad h0");
  expect_same_bits(native.c0, direct.c0, "grad c0");
  expect_same_bits(native.h, direct.h, "grad h");
  expect_same_bits(native.c, direct.c, "grad c");
}

TEST_P(LibImplementation, SameBitsWithoutParameterGradients) {
  run_options threaded;
  threaded.threads = 3, threaded.chunk_steps = 4;
  run_options streaming;
  streaming.streaming = {2, 5};
  expect_same_bits_without_parameter_gradients<float>(GetParam(), {}, 0);
  expect_same_bits_without_parameter_gradients<double>(GetParam(), threaded, 4);
  expect_same_bits_without_parameter_gradients<float>(GetParam(), streaming, 0);
}

INSTANTIATE_TEST_SUITE_P(Cells, LibImplementation, ::testing::ValuesIn(rnn::all_cells),
                         [](const auto& info) { return std::string(rnn::cell_name(info.param)); });

TEST(LibImplementationCaps, ClaimsEverything) {
  const auto lib = open_implementation("lib");
  EXPECT_EQ(lib->name(), "lib");
  EXPECT_EQ(lib->caps().cells.size(), std::size(rnn::all_cells));
  EXPECT_EQ(lib->caps().precisions.size(), 2u);
  EXPECT_TRUE(lib->caps().per_step_gradients && lib->caps().truncation && lib->caps().streaming);
  EXPECT_FALSE(lib->unsupported(rnn::problem{}, run_options{}).has_value());
}

// The adapter hands the lengths to rnn::layer and rnn::network: the same bits as calling them
// directly, zero output at the padded steps; the streaming schedule (truncation) takes none.
TEST(LibImplementationCaps, PassesTheLengthsOn) {
  const auto lib = open_implementation("lib");
  EXPECT_TRUE(lib->caps().lengths);
  const std::vector<std::int64_t> lengths{1, 5, 3};
  for (const char* d : {"gru_t5_b3_i4_h6_lenx_f64", "gru_t5_b3_i4_h6_l2_bi_lenx_f64"}) {
    SCOPED_TRACE(d);
    const rnn::problem p = rnn::parse_problem(d);
    const rnn::network_sizes n = rnn::network_sizes_of(p);
    const auto params = seeded<double>(n.parameters, 1), x = seeded<double>(n.x, 2),
               h0 = seeded<double>(n.state, 3);
    rnn::aligned_vector<double> output(n.output), h_n(n.state), direct(n.output), direct_h_n(n.state);
    rnn::network<double> network(p, params);
    network.forward(x, h0, {}, direct, direct_h_n, {}, lengths);
    if (rnn::is_network(p)) {
      lib->prepare_network(p, std::span<const double>(params), {})
          ->forward({x, h0, {}, lengths}, {output, h_n, {}});
    } else {
      lib->prepare(p, rnn::block_parameters<double>(p, std::span<const double>(params), 0), {})
          ->forward({x, h0, {}, lengths}, {output, h_n, {}});
    }
    expect_same_bits(output, direct, "output");
    expect_same_bits(h_n, direct_h_n, "h_n");
    const std::size_t row = n.output / (5 * 3);  // one batch row of one step
    for (std::size_t j = 0; j < row; ++j) EXPECT_EQ(output[(1 * 3 + 0) * row + j], 0.0);
  }
  run_options streaming;
  streaming.streaming = {2, 3};
  EXPECT_TRUE(lib->unsupported(rnn::parse_problem("lstm_t6_b3_i2_h3_lenx_f32"), streaming));
}

TEST(Registry, UnknownNameIsNamed) {
  try {
    open_implementation("onedn");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("'onedn'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("lib"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnnsuite::impl
