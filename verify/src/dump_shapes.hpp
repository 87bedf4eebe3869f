#pragma once
// The files of a dump being read (dump_read.cpp, dump_network.cpp): their parsed arrays by name,
// and the helpers both readers use to fetch and check them. Each failure is one line naming the
// file.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rnn/error.hpp"
#include "rnn/npy.hpp"

namespace rnnsuite::verify::dump_detail {

inline std::string shape_text(const std::vector<std::size_t>& shape) {
  if (shape.empty()) return "() (a scalar)";
  return fmt::format("{}", fmt::join(shape, "×"));
}

struct shapes {
  const std::string& folder;
  std::map<std::string, rnn::npy_array> arrays;

  std::string file(const std::string& name) const { return folder + "/" + name + ".npy"; }
  bool has(const std::string& name) const { return arrays.count(name) != 0; }
  const rnn::npy_array& at(const std::string& name) const { return arrays.at(name); }
  const std::vector<std::size_t>& shape(const std::string& name) const { return at(name).shape; }
};

[[noreturn]] inline void wrong_shape(const shapes& s, const std::string& name, const std::string& want) {
  throw rnn::error(fmt::format("{}: shape {} fits no problem with the others: expected {}",
                               s.file(name), shape_text(s.shape(name)), want));
}

inline std::vector<double> values_or_zero(const shapes& s, const std::string& name, std::size_t n,
                                   std::vector<std::string>& notes, const char* why) {
  if (s.has(name)) return s.at(name).values;
  notes.push_back(fmt::format("{}.npy absent: zero ({})", name, why));
  return std::vector<double>(n, 0.0);
}

inline std::vector<double> values_or_empty(const shapes& s, const std::string& name) {
  return s.has(name) ? s.at(name).values : std::vector<double>();
}

// The first present and the first missing of `names`, in order ("" where there is none).
inline std::pair<std::string, std::string> first_present_and_missing(const shapes& s,
                                                              const std::vector<std::string>& names) {
  std::pair<std::string, std::string> out;
  for (const std::string& name : names) {
    std::string& first = s.has(name) ? out.first : out.second;
    if (first.empty()) first = name;
  }
  return out;
}

// The files `names`, concatenated in order, when all are present; empty when none is. Some but
// not all: an error naming the first missing (`what` says why they go together).
inline std::vector<double> all_or_none(const shapes& s, const std::vector<std::string>& names,
                                const char* what) {
  const auto [present, missing] = first_present_and_missing(s, names);
  if (present.empty()) return {};
  if (!missing.empty())
    throw rnn::error(fmt::format("{}/{}.npy: missing, but {}.npy is present ({})", s.folder,
                                 missing, present, what));
  std::vector<double> out;
  for (const std::string& name : names)
    out.insert(out.end(), s.at(name).values.begin(), s.at(name).values.end());
  return out;
}

}  // namespace rnnsuite::verify::dump_detail
