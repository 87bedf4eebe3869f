// Leg a on networks (src/network_check.cpp): lib's network passes every regime's check, and a
// network's given data (what `rnnsuite check` reads from a dump) is graded per block and step,
// naming the block an error sits in.
#include <gtest/gtest.h>

#include <string>

#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/network.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace {

namespace v = rnnsuite::verify;

struct network_run {
  v::given_data data;
  v::forward_values forward;
  v::fast_gradients gradients;
};

// lib's float64 network on seeded data, as a dump would hold it.
network_run run_lib(const std::string& descriptor) {
  network_run r;
  const rnn::problem p = rnn::parse_problem(descriptor);
  const rnn::network_sizes n = rnn::network_sizes_of(p);
  const bool lstm = rnn::has_cell_state(p.cell);
  const auto params = rnn::make_network_parameters<double>(p, {rnn::init_scheme::pytorch, 5, 1});
  const auto in = rnn::make_inputs<double>(p, 5), up = rnn::make_inputs<double>(p, 6);
  rnn::network<double> net(p, params);
  std::vector<double> output(n.output), h_n(n.state), c_n(lstm ? n.state : 0);
  net.forward(in.x, in.h0, in.c0, output, h_n, c_n);
  std::vector<double> d_params(n.parameters), d_x(n.x), d_h0(n.state), d_c0(lstm ? n.state : 0);
  net.backward(up.target, up.h0, up.c0, {d_params, d_x, d_h0, d_c0, {}, {}});
  r.data.problem = p;
  r.data.network_parameters.assign(params.begin(), params.end());
  r.data.x.assign(in.x.begin(), in.x.end());
  r.data.h0.assign(in.h0.begin(), in.h0.end());
  r.data.c0.assign(in.c0.begin(), in.c0.end());
  r.data.grad_output.assign(up.target.begin(), up.target.end());
  r.data.grad_h_n.assign(up.h0.begin(), up.h0.end());
  r.data.grad_c_n.assign(up.c0.begin(), up.c0.end());
  r.forward = {output, h_n, c_n};
  r.gradients.parameters = d_params, r.gradients.x = d_x, r.gradients.h0 = d_h0;
  r.gradients.c0 = d_c0;
  return r;
}

TEST(NetworkCheck, GivenDataOfLibPassesAndAPlantedErrorIsNamed) {
  for (const char* d : {"lstm_t5_b3_i4_h6_l2_bi_f64", "gru_t4_b2_i3_h5_l3_f64",
                        "elman_tanh_t6_b1_i3_h4_bi_f64"}) {
    network_run r = run_lib(d);
    const v::fast_path_check check(r.data, "dump");
    const v::leg_result forward = check.grade_forward(r.forward, "dump");
    const v::leg_result backward = check.grade(r.gradients, "dump");
    EXPECT_EQ(forward.outcome, v::verdict::pass) << d << " worst " << forward.worst_block;
    EXPECT_EQ(backward.outcome, v::verdict::pass) << d << " worst " << backward.worst_block;
    EXPECT_GT(backward.checks.size(), 10u) << d;
    // One element of the last block's bias_hh gradient off by 1e-6 relative: that block FAILs.
    const rnn::problem& p = r.data.problem;
    const std::int64_t last = p.layers * p.directions - 1;
    const rnn::parameter_offsets o = rnn::parameter_offsets_of(p, last);
    r.gradients.parameters[o.bias_hh] *= 1 + 1e-6;
    const v::leg_result planted = check.grade(r.gradients, "dump");
    EXPECT_EQ(planted.outcome, v::verdict::fail) << d;
    EXPECT_EQ(planted.worst_block.rfind("bias_hh" + rnn::block_suffix(p, last) + ".", 0), 0u)
        << d << ": " << planted.worst_block;
    // And the output at the first step.
    r.forward.output[0] *= 1 + 1e-6;
    const v::leg_result wrong_forward = check.grade_forward(r.forward, "dump");
    EXPECT_EQ(wrong_forward.outcome, v::verdict::fail) << d;
    EXPECT_EQ(wrong_forward.worst_block, "output");
    EXPECT_EQ(wrong_forward.worst_step, 0);
  }
}

TEST(NetworkCheck, GivenDataOfTheWrongSizeIsRefused) {
  network_run r = run_lib("gru_t4_b2_i3_h5_l2_bi_f64");
  r.data.h0.pop_back();
  try {
    const v::fast_path_check check(r.data, "dump");
    ADD_FAILURE() << "accepted an h0 one value short";
  } catch (const rnn::error& e) {
    EXPECT_NE(std::string(e.what()).find("h0 of dump has 39 values"), std::string::npos) << e.what();
  }
}

// Every regime of the quick profile's networks passes on lib, graded per block.
TEST(NetworkCheck, LibPassesTheQuickNetworkRegimes) {
  for (const auto precision : {rnn::precision::f32, rnn::precision::f64})
    for (const v::regime& r : v::network_regimes(v::profile::quick, precision)) {
      const v::leg_result result = v::fast_path_check(r).run(rnn::default_isa());
      EXPECT_EQ(result.outcome, v::verdict::pass) << r.name() << " worst " << result.worst_block;
      EXPECT_NE(result.worst_block, "");
    }
}

}  // namespace
