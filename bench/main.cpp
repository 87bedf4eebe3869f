// rnnsuite-bench: Google Benchmark's own program with flags of ours, read (and removed) before
// benchmark::Initialize; each takes its value after '=' or as the next argument:
//   --grid=smoke|short|table|networks|lengths|default|full   which problems (shapes.hpp; default:
//                 default); --grid=memory|memory_smoke: rnnsuite's layer under memory budgets
//                 (memory_rows.hpp), named <descriptor>/fwdbwd/rnnsuite_budget_<budget>
//   --problem=D   (repeatable) a problem descriptor (a single layer or a network: `_l<L>`,
//                 `_bi`), fwd and fwdbwd; alone it replaces the grid,
//                 with --grid it follows the grid's problems
//   --impl=SPEC   (repeatable) one more implementation beside rnnsuite and oneDNN: "lib",
//                 "onednn" or a plugin's path, opened in this process; its benchmarks end in its
//                 label (implementation_set.hpp)
//   --threads=N   threads for every implementation (default 1)
// A problem an implementation does not support is not benchmarked for it: one line on stderr
// says so, and the exit status does not change.
// Exits 1 if any benchmark reported an error (two implementations that disagree, a rejected
// problem), which Google Benchmark alone would not, and 2 if no benchmark ran (a
// --benchmark_filter that matches nothing, or is not a valid regular expression), where Google
// Benchmark alone exits 0 having measured nothing, and 2 with the flag and value named for a bad
// --grid, --problem, --impl or --threads, and for a bad value of --benchmark_format,
// --benchmark_out_format or --benchmark_time_unit, where Google Benchmark prints its usage and
// exits 0. Every reporter (--benchmark_format and --benchmark_out_format: console, json, csv) and
// --benchmark_list_tests write the names of the contract (exact_names.hpp), without Google
// Benchmark's "/real_time".
#include <benchmark/benchmark.h>
#include <omp.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dnnl.hpp>
#include <exception>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "exact_names.hpp"
#include "memory_rows.hpp"
#include "registration.hpp"
#include "rnn/error.hpp"
#include "rnn/isa.hpp"

namespace {

int parse_threads(const char* text) {
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || n < 1 || n > 1024)
    throw rnn::error(std::string("--threads: expected an integer in [1, 1024], got '") + text +
                     "'");
  return int(n);
}

// Google Benchmark's reading of a boolean flag (--name, --name=true|1|yes|...;
// --name=false|0|no|off).
bool flag_is_set(const char* arg, const char* name) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0) return false;
  if (arg[n] == '\0') return true;
  if (arg[n] != '=') return false;
  std::string value = arg + n + 1;
  for (char& c : value) c = char(std::tolower(static_cast<unsigned char>(c)));
  return !(value == "0" || value == "f" || value == "n" || value == "false" || value == "no" ||
           value == "off");
}

// --benchmark_list_tests prints Google Benchmark's own names, "/real_time" included; the listing
// must show the names the reporters use.
void print_exact_names(const std::string& listing) {
  std::istringstream lines(listing);
  const std::string suffix = "/real_time";
  for (std::string name; std::getline(lines, name);) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(),
                                                    suffix) == 0)
      name.resize(name.size() - suffix.size());
    std::cout << name << '\n';
  }
}

// A reporter of `format` (console, json or csv, as Google Benchmark's flags name them) that
// writes the exact names; `console_options` for the console one.
std::unique_ptr<benchmark::BenchmarkReporter> exact_name_reporter(
    const char* flag, const std::string& format,
    benchmark::ConsoleReporter::OutputOptions console_options) {
  if (format == "console")
    return std::make_unique<bench::exact_names<benchmark::ConsoleReporter>>(console_options);
  if (format == "json") return std::make_unique<bench::exact_names<benchmark::JSONReporter>>();
  // Google Benchmark 1.7 deprecates its CSV reporter but still offers the format; so do we.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (format == "csv") return std::make_unique<bench::exact_names<benchmark::CSVReporter>>();
#pragma GCC diagnostic pop
  throw rnn::error(std::string(flag) + ": expected one of console, json, csv, got '" + format +
                   "'");
}

// Google Benchmark answers a bad value of these flags with its usage text and exit status 0, as
// if nothing were wrong; they are checked here first.
void check_enumerated_flag(const char* arg, const char* flag,
                           std::initializer_list<const char*> allowed) {
  const std::size_t n = std::strlen(flag);
  if (std::strncmp(arg, flag, n) != 0 || arg[n] != '=') return;
  std::string list;
  for (const char* value : allowed) {
    if (std::strcmp(arg + n + 1, value) == 0) return;
    list += list.empty() ? value : std::string(", ") + value;
  }
  throw rnn::error(std::string(flag) + ": expected one of " + list + ", got '" + (arg + n + 1) +
                   "'");
}

// Our flag `name` in argv[i], as --name=value or --name value (then i moves past the value);
// nullptr when argv[i] is not that flag.
const char* flag_value(int argc, char** argv, int& i, const char* name) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(argv[i], name, n) != 0) return nullptr;
  if (argv[i][n] == '=') return argv[i] + n + 1;
  if (argv[i][n] != '\0') return nullptr;
  if (i + 1 >= argc) throw rnn::error(std::string(name) + ": expected a value after it");
  return argv[++i];
}

// "rnnsuite: lib; onednn: onednn 2.6.3; mine: ./libmine.so (name mine)" for the JSON context.
std::string implementations_context(const std::vector<bench::benchmarked>& implementations,
                                    const std::string& onednn_version) {
  std::string text;
  for (const bench::benchmarked& b : implementations) {
    if (!text.empty()) text += "; ";
    text += b.label + ": " + b.spec;
    if (b.spec == "onednn") text += " " + onednn_version;
    if (b.implementation->name() != b.spec) text += " (name " + b.implementation->name() + ")";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string grid_name = "default";
  bool grid_given = false;
  std::vector<bench::benchmark_case> named_problems;
  std::vector<std::string> specs;
  bench::run_settings settings;
  std::vector<char*> rest;
  // Opened before the benchmarks are registered, closed after they have run.
  std::vector<bench::benchmarked> implementations;
  std::string selection;  // what the run benchmarks, for the "selects no benchmark" message
  try {
    for (int i = 0; i < argc; ++i) {
      if (const char* grid = flag_value(argc, argv, i, "--grid"))
        grid_name = grid, grid_given = true;
      else if (const char* descriptor = flag_value(argc, argv, i, "--problem")) {
        for (const bench::benchmark_case& c : bench::problem_cases(descriptor))
          named_problems.push_back(c);
      } else if (const char* spec = flag_value(argc, argv, i, "--impl"))
        specs.emplace_back(spec);
      else if (const char* threads = flag_value(argc, argv, i, "--threads"))
        settings.threads = parse_threads(threads);
      else
        rest.push_back(argv[i]);
    }
    std::vector<bench::benchmark_case> cases;
    const bool memory_grid = bench::is_memory_grid(grid_name);
    if ((grid_given || named_problems.empty()) && !memory_grid) cases = bench::grid(grid_name);
    cases.insert(cases.end(), named_problems.begin(), named_problems.end());
    cases = bench::without_repeats(cases);
    selection = named_problems.empty() ? "grid '" + grid_name + "'"
                : grid_given ? "grid '" + grid_name + "' and the --problem descriptors"
                             : "the --problem descriptors";
    // oneDNN threads through OpenMP: the same count as rnnsuite's pool (the oneDNN
    // implementation sets it around each call too, a no-op when it is already this).
    omp_set_num_threads(settings.threads);
    implementations = bench::open_implementations(specs);
    settings.peak = bench::measure_peak();
    const dnnl_version_t* onednn = dnnl::version();
    const std::string onednn_version = std::to_string(onednn->major) + "." +
                                       std::to_string(onednn->minor) + "." +
                                       std::to_string(onednn->patch);
    std::string command = "rnnsuite-bench";  // as run, for the report's "how made" line
    for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
    if (const char* policy = std::getenv("OMP_WAIT_POLICY"))
      command = "OMP_WAIT_POLICY=" + std::string(policy) + " " + command;
    benchmark::AddCustomContext("command", command);
    benchmark::AddCustomContext("grid", named_problems.empty() || grid_given ? grid_name : "none");
    benchmark::AddCustomContext("threads", std::to_string(settings.threads));
    benchmark::AddCustomContext("peak_f32_gflops", std::to_string(settings.peak.f32_gflops));
    benchmark::AddCustomContext("peak_f64_gflops", std::to_string(settings.peak.f64_gflops));
    benchmark::AddCustomContext("peak_detail", settings.peak.detail);
    benchmark::AddCustomContext("rnnsuite_isa", std::string(rnn::isa_name(rnn::default_isa())));
    benchmark::AddCustomContext("onednn_version", onednn_version);
    benchmark::AddCustomContext("implementations",
                                implementations_context(implementations, onednn_version));
    benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
    benchmark::AddCustomContext("rnnsuite_build_type", RNNSUITE_BUILD_TYPE);
    bench::register_benchmarks(cases, implementations, settings);
    if (memory_grid) bench::register_memory_benchmarks(bench::memory_grid(grid_name), settings);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnnsuite-bench: %s\n", e.what());
    return 2;
  }
  // Read before Initialize, which removes the flags it knows from the list.
  std::string filter = ".";  // Google Benchmark's default: every benchmark
  std::string display_format = "console", file_format = "json";
  bool list_tests = false, file = false;
  bool color = isatty(STDOUT_FILENO);  // --benchmark_color=auto, Google Benchmark's default
  std::unique_ptr<benchmark::BenchmarkReporter> display, file_reporter;
  try {
    for (const char* arg : rest) {
      check_enumerated_flag(arg, "--benchmark_time_unit", {"ns", "us", "ms", "s"});
      if (std::strcmp(arg, "--benchmark_color=") == 0)  // any other value is a boolean to it
        throw rnn::error("--benchmark_color: expected auto, true or false, got ''");
      if (std::strncmp(arg, "--benchmark_list_tests", 22) == 0)
        list_tests = flag_is_set(arg, "--benchmark_list_tests");
      if (std::strncmp(arg, "--benchmark_filter=", 19) == 0) filter = arg + 19;
      if (std::strncmp(arg, "--benchmark_format=", 19) == 0) display_format = arg + 19;
      if (std::strncmp(arg, "--benchmark_out_format=", 23) == 0) file_format = arg + 23;
      if (std::strncmp(arg, "--benchmark_out=", 16) == 0) file = true;
      if (std::strncmp(arg, "--benchmark_color=", 18) == 0 && std::strcmp(arg + 18, "auto") != 0)
        color = flag_is_set(arg, "--benchmark_color");
    }
    // Every reporter, on the screen and in the file, writes the exact names. Counters always
    // in columns; colour as --benchmark_color says.
    display = exact_name_reporter("--benchmark_format", display_format,
                                  color ? benchmark::ConsoleReporter::OO_Defaults
                                        : benchmark::ConsoleReporter::OO_Tabular);
    // Made (and so checked) even without --benchmark_out, which it needs to be used.
    file_reporter = exact_name_reporter("--benchmark_out_format", file_format,
                                        benchmark::ConsoleReporter::OO_None);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rnnsuite-bench: %s\n", e.what());
    return 2;
  }
  int rest_count = int(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 2;
  std::ostringstream listing;
  if (list_tests) display->SetOutputStream(&listing);
  const std::size_t ran =
      benchmark::RunSpecifiedBenchmarks(display.get(), file ? file_reporter.get() : nullptr);
  benchmark::Shutdown();
  if (list_tests) print_exact_names(listing.str());
  if (ran == 0) {
    std::string labels;
    for (const bench::benchmarked& b : implementations)
      labels += (labels.empty() ? "" : ", ") + b.label;
    std::fprintf(stderr,
                 "rnnsuite-bench: --benchmark_filter='%s' selects no benchmark of %s "
                 "(names are <descriptor>/<fwd|fwdbwd>/<label>, labels %s; "
                 "--benchmark_list_tests=true lists them)\n",
                 filter.c_str(), selection.c_str(), labels.c_str());
    return 2;
  }
  if (bench::any_benchmark_failed() || bench::any_memory_benchmark_failed()) {
    std::fprintf(stderr, "rnnsuite-bench: at least one benchmark reported an error\n");
    return 1;
  }
  return 0;
}
