#pragma once
// Leg results as `rnnsuite verify` and `rnnsuite check` report them: where the worst check sits,
// one JSON object per result, and a JUnit XML file (one testcase per result; UNSUPPORTED is
// skipped, FAIL and MISTRUSTED are failures).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::cli {

// "dx@t=3", "weight_hh.f", or "-" when nothing was graded.
std::string where(const verify::leg_result& r);

// The result with its verdict counts and every check that is not acceptable.
nlohmann::json to_json(const verify::leg_result& r);

// Throws rnn::error naming the file when it cannot be written.
void write_junit(const std::string& path, const std::string& suite,
                 const std::vector<verify::leg_result>& results, double seconds);

}  // namespace rnnsuite::cli
