// Leg results as the reports print and write them (leg_report.hpp).
#include "leg_report.hpp"

#include <fstream>
#include <map>

#include <fmt/format.h>

#include "rnn/error.hpp"

namespace rnnsuite::cli {

namespace v = rnnsuite::verify;

std::string where(const v::leg_result& r) {
  if (r.worst_block.empty()) return "-";
  return r.worst_step < 0 ? r.worst_block : fmt::format("{}@t={}", r.worst_block, r.worst_step);
}

nlohmann::json to_json(const v::leg_result& r) {
  std::map<std::string, int> counts;
  for (const v::block_check& c : r.checks) counts[std::string(v::verdict_name(c.outcome))]++;
  nlohmann::json worst_checks = nlohmann::json::array();
  for (const v::block_check& c : r.checks)
    if (!v::acceptable(c.outcome))
      worst_checks.push_back({{"block", c.block}, {"step", c.step}, {"error", c.error},
                              {"tolerance", c.tolerance}, {"reference_norm", c.reference_norm},
                              {"verdict", v::verdict_name(c.outcome)}});
  return {{"problem", r.problem}, {"leg", r.leg}, {"isa", r.isa},
          {"implementation", r.implementation}, {"note", r.note},
          {"verdict", v::verdict_name(r.outcome)}, {"worst_ratio", r.worst_ratio},
          {"worst_block", r.worst_block}, {"worst_step", r.worst_step},
          {"checks", r.checks.size()}, {"verdict_counts", counts},
          {"failed_checks", worst_checks}};
}

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

void write_junit(const std::string& path, const std::string& suite,
                 const std::vector<v::leg_result>& results, double secs) {
  std::ofstream out(path);
  if (!out) throw rnn::error("--junit: cannot write '" + path + "'");
  int failures = 0;
  for (const auto& r : results) failures += !v::acceptable(r.outcome);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     xml_escape(suite), results.size(), failures, secs);
  for (const auto& r : results) {
    const std::string name = r.leg + (r.isa.empty() ? "" : "/" + r.isa);
    out << fmt::format("  <testcase classname=\"{}\" name=\"{}\">", xml_escape(r.problem),
                       xml_escape(name));
    std::string detail = fmt::format("{}: worst error/tolerance {:.3g} at {}",
                                     v::verdict_name(r.outcome), r.worst_ratio, where(r));
    if (!r.note.empty()) detail += " (" + r.note + ")";
    if (r.outcome == v::verdict::unsupported)
      out << "<skipped message=\"" << xml_escape(detail) << "\"/>";
    else if (!v::acceptable(r.outcome))
      out << "<failure message=\"" << xml_escape(detail) << "\"/>";
    else
      out << "<system-out>" << xml_escape(detail) << "</system-out>";
    out << "</testcase>\n";
  }
  out << "</testsuite>\n";
}

}  // namespace rnnsuite::cli
