#pragma once
// Plots drawn by gnuplot (Debian's gnuplot-nox) from a CSV the C++ wrote: the C++ computes, a
// gnuplot script draws.
#include <string>

namespace rnnsuite::cli {

enum class plot_format { png, svg };

// From the file name's extension; throws rnn::error naming the file otherwise.
plot_format plot_format_of(const std::string& path);

// One problem's gradient flow (columns of verify::to_csv): exact, float64 and float32 |dL/dh_t|
// (and |dL/dc_t|), Pascanu's bound when there is one; log y, 800 px wide. Throws rnn::error when
// gnuplot is missing or fails.
void plot_gradient_flow(const std::string& csv, const std::string& out, plot_format format,
                        const std::string& title, bool has_cell_state, bool has_bound);

}  // namespace rnnsuite::cli
