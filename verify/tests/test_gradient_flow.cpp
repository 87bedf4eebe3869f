// The gradient-flow explorer (verify/src/gradient_flow.cpp): its CSV, its classification on the
// named regimes, Pascanu's bound, and where it says float32 loses the gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "rnn/error.hpp"
#include "rnnsuite/verify/gradient_flow.hpp"

namespace {

namespace v = rnnsuite::verify;
using v::real50;

v::gradient_flow trace(const std::string& descriptor, const std::string& family) {
  v::flow_request request;
  request.problem = rnn::parse_problem(descriptor);
  request.regime_family = family;
  return v::trace_gradient_flow(request);
}

v::gradient_flow trace_gain(const std::string& descriptor, double gain) {
  v::flow_request request;
  request.problem = rnn::parse_problem(descriptor);
  request.gain = gain;
  return v::trace_gradient_flow(request);
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();  // a trailing empty field
    rows.push_back(fields);
  }
  return rows;
}

TEST(GradientFlow, CsvHasAHeaderThenOneRowPerTimestep) {
  for (const auto& [descriptor, family, header] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"elman_tanh_t30_b2_i4_h8_f32", "elman_tanh_edge",
            "t,exact_dh,f64_dh,f32_dh,pascanu_bound,ratio"},
           {"lstm_t30_b2_i4_h8_f32", "lstm_forget_1",
            "t,exact_dh,f64_dh,f32_dh,exact_dc,f64_dc,f32_dc,pascanu_bound,ratio"},
           {"gru_t30_b2_i4_h8_f64", "gru_update_1", "t,exact_dh,f64_dh,f32_dh,pascanu_bound,ratio"}}) {
    SCOPED_TRACE(descriptor);
    const v::gradient_flow flow = trace(descriptor, family);
    const std::string csv = v::to_csv(flow);
    const auto rows = parse_csv(csv);
    ASSERT_EQ(rows.size(), 1u + 30 + 1);  // header, t = 0..T
    EXPECT_EQ(csv.substr(0, csv.find('\n')), header);
    for (std::size_t t = 0; t <= 30; ++t) {
      const auto& row = rows[t + 1];
      ASSERT_EQ(row.size(), rows[0].size()) << "row " << t;
      EXPECT_EQ(row[0], std::to_string(t));
      // the exact column round-trips to the 50-digit value to 17 digits
      EXPECT_LE(abs(real50(row[1]) - flow.exact_dh[t]), flow.exact_dh[t] * real50("1e-16"));
      EXPECT_EQ(row.back().empty(), t == 0) << "the ratio exists from t = 1 on";
      if (t > 0) {
        const real50 ratio = flow.exact_dh[t - 1] / flow.exact_dh[t];
        EXPECT_LE(abs(real50(row.back()) - ratio), ratio * real50("1e-16")) << "row " << t;
      }
    }
  }
}

TEST(GradientFlow, VanishingRegimesVanishAtLeastAsFastAsPascanusFactor) {
  // Every step's ratio is at most γ·σ_max = 0.5, and a least-squares slope is a positively
  // weighted mean of the steps' log ratios, so the fitted rate is at most 0.5 too.
  for (const char* cell : {"elman_tanh", "elman_sigmoid", "elman_relu"}) {
    const std::string family = std::string(cell) + "_vanishing";
    const v::gradient_flow flow = trace(std::string(cell) + "_t100_b1_i8_h16_f64", family);
    SCOPED_TRACE(v::describe(flow));
    EXPECT_EQ(flow.summary.kind, v::flow_kind::vanishing);
    EXPECT_LE(flow.summary.rate, 0.5 * (1 + 1e-9));
    EXPECT_NEAR(flow.gamma_sigma, 0.5, 1e-12);
  }
}

TEST(GradientFlow, ExactGradientNeverExceedsPascanusBound) {
  for (const auto& [descriptor, gain] : std::vector<std::pair<std::string, double>>{
           {"elman_tanh_t80_b3_i4_h8_f32", 1.5},
           {"elman_sigmoid_t80_b1_i4_h8_f32", 6.0},
           {"elman_relu_t80_b2_i4_h8_f32", 1.0}}) {
    const v::gradient_flow flow = trace_gain(descriptor, gain);
    SCOPED_TRACE(v::describe(flow));
    ASSERT_EQ(flow.pascanu_bound.size(), flow.exact_dh.size());
    const real50 slack("1e-12");  // σ_max by power iteration in long double
    for (std::size_t t = 0; t < flow.exact_dh.size(); ++t)
      EXPECT_LE(flow.exact_dh[t], flow.pascanu_bound[t] * (1 + slack)) << "t = " << t;
    EXPECT_EQ(flow.pascanu_bound.back(), flow.exact_dh.back());
  }
}

TEST(GradientFlow, ReluExplodesAndFloatOverflowsWhereTheExactValuePassesFltMax) {
  const v::gradient_flow flow = trace("elman_relu_t200_b1_i8_h16_f32", "elman_relu_exploding");
  SCOPED_TRACE(v::describe(flow));
  EXPECT_EQ(flow.summary.kind, v::flow_kind::exploding);
  EXPECT_GT(flow.summary.rate, 1.5);
  const auto& s = flow.summary;
  ASSERT_GE(s.float_lost_at, 0);
  EXPECT_FALSE(s.exact_fits_float) << "float32 is lost only where its format cannot hold the truth";
}

TEST(GradientFlow, ConstantErrorCarouselAndUpdateGateKeepTheGradient) {
  const v::gradient_flow carousel = trace("lstm_t1000_b1_i8_h16_f32", "lstm_forget_1");
  const v::gradient_flow forgetting = trace("lstm_t1000_b1_i8_h16_f32", "lstm_forget_0");
  const v::gradient_flow elman = trace_gain("elman_tanh_t1000_b1_i8_h16_f32", 1.0);
  SCOPED_TRACE(v::describe(carousel) + "\n" + v::describe(forgetting) + "\n" + v::describe(elman));
  EXPECT_NE(carousel.summary.kind, v::flow_kind::vanishing);
  EXPECT_EQ(forgetting.summary.kind, v::flow_kind::vanishing);
  EXPECT_EQ(elman.summary.kind, v::flow_kind::vanishing);
  EXPECT_EQ(carousel.summary.float_lost_at, -1) << "float32 keeps the carousel's gradient";
  EXPECT_GE(elman.summary.float_lost_at, 0) << "and loses tanh's";
  const v::gradient_flow copy = trace("gru_t1000_b1_i8_h16_f32", "gru_update_1");
  const v::gradient_flow rewrite = trace("gru_t1000_b1_i8_h16_f32", "gru_update_0");
  SCOPED_TRACE(v::describe(copy) + "\n" + v::describe(rewrite));
  EXPECT_GT(copy.summary.rate, 0.95);
  EXPECT_LT(rewrite.summary.rate, copy.summary.rate);
  EXPECT_TRUE(carousel.pascanu_bound.empty() && copy.pascanu_bound.empty());
}

TEST(GradientFlow, FloatReachesZeroOnlyBelowItsRange) {
  const v::gradient_flow flow = trace_gain("elman_tanh_t200_b1_i8_h16_f32", 0.5);
  SCOPED_TRACE(v::describe(flow));
  const auto& s = flow.summary;
  ASSERT_GE(s.float_lost_at, 0);
  const auto lost = static_cast<std::size_t>(s.float_lost_at);
  EXPECT_EQ(flow.f32_dh[lost], 0);
  EXPECT_FALSE(s.float_nonfinite);
  EXPECT_LT(flow.exact_dh[lost], real50(std::numeric_limits<float>::min()));
  for (std::size_t t = lost + 1; t < flow.f32_dh.size(); ++t) EXPECT_GT(flow.f32_dh[t], 0) << t;
  // float64 holds every step of it: the exact |dL/dh_0| is far above DBL_MIN here.
  for (std::size_t t = 0; t < flow.f64_dh.size(); ++t)
    EXPECT_NEAR(flow.f64_dh[t], static_cast<double>(flow.exact_dh[t]),
                1e-12 * static_cast<double>(flow.exact_dh[t]))
        << "t = " << t;
}

TEST(GradientFlow, BadRequestsAreRefusedWithTheValue) {
  auto message = [](const v::flow_request& r) {
    try {
      v::trace_gradient_flow(r);
    } catch (const rnn::error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  v::flow_request r;
  r.problem = rnn::parse_problem("elman_tanh_t10_b1_i2_h4_f32");
  r.regime_family = "elman_tanh_sideways";
  EXPECT_NE(message(r).find("unknown regime 'elman_tanh_sideways'"), std::string::npos);
  r.regime_family = "lstm_forget_1";
  EXPECT_NE(message(r).find("lstm_forget_1 is a regime of lstm, not of elman_tanh"),
            std::string::npos);
  r.regime_family.reset();
  for (double gain : {0.0, -1.0, std::nan("")}) {
    r.gain = gain;
    EXPECT_NE(message(r).find("--gain must be a finite number > 0"), std::string::npos) << gain;
  }
  r.gain = 1;
  r.problem = rnn::parse_problem("lstm_t1000_b64_i512_h512_f32");
  EXPECT_NE(message(r).find("minutes"), std::string::npos) << message(r);
  r.problem = rnn::parse_problem("lstm_t10_b3_i2_h4_lenx_f32");
  EXPECT_NE(message(r).find("drop the _len field"), std::string::npos) << message(r);
}

}  // namespace
