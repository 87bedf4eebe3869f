#include "gnuplot.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "rnn/error.hpp"

namespace rnnsuite::cli {

plot_format plot_format_of(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".png") return plot_format::png;
  if (ext == ".svg") return plot_format::svg;
  throw rnn::error("--plot: '" + path + "' must end in .png or .svg");
}

namespace {

// gnuplot's string literal: single quotes, with a quote doubled.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void run_gnuplot(const std::string& script, const std::string& out) {
  FILE* pipe = popen("gnuplot 2>&1", "w");
  if (!pipe) throw rnn::error("--plot: cannot start gnuplot (scripts/install-deps installs it)");
  std::fputs(script.c_str(), pipe);
  const int status = pclose(pipe);
  std::error_code error;
  if (status != 0 || !std::filesystem::exists(out, error) || std::filesystem::file_size(out, error) == 0)
    throw rnn::error(fmt::format("--plot: gnuplot could not draw '{}' (status {}; is gnuplot "
                                 "installed? scripts/install-deps)", out, status));
}

}  // namespace

void plot_gradient_flow(const std::string& csv, const std::string& out, plot_format format,
                        const std::string& title, bool has_cell_state, bool has_bound) {
  const std::string terminal = format == plot_format::png
                                   ? "pngcairo size 800,500 font 'sans,10'"
                                   : "svg size 800,500 font 'sans,10'";
  std::string script = fmt::format(
      "set terminal {}\nset output {}\nset datafile separator ','\nset key autotitle columnhead\n"
      "set logscale y\nset format y '10^{{%L}}'\nset grid\nset key outside top center horizontal maxrows 2\n"
      "set title {} noenhanced\nset xlabel 'timestep t'\nset ylabel 'gradient norm (log scale)'\n",
      terminal, quoted(out), quoted(title));
  const std::string data = quoted(csv);
  std::string plot = fmt::format(
      "plot {0} using 1:2 with lines lw 3 lc rgb '#222222' title '|dL/dh_t| exact (50 digits)', "
      "{0} using 1:3 with lines lw 1.5 dt 2 lc rgb '#1f77b4' title 'float64', "
      "{0} using 1:4 with lines lw 1.5 lc rgb '#d62728' title 'float32'",
      data);
  int next = 5;
  if (has_cell_state) {
    plot += fmt::format(", {} using 1:5 with lines lw 2 lc rgb '#2ca02c' title '|dL/dc_t| exact'", data);
    next = 8;
  }
  if (has_bound)
    plot += fmt::format(", {} using 1:{} with lines lw 1 dt 3 lc rgb '#9467bd' title 'Pascanu bound'",
                        data, next);
  run_gnuplot(script + plot + "\n", out);
}

}  // namespace rnnsuite::cli
