#pragma once
// A dump folder (DESIGN.md, "Dump format") that a framework wrote, read as untrusted input: the
// problem inferred from its shapes and dtypes, its inputs checked finite, its forward results and
// gradients kept as given (a NaN there is a verdict, not an input error). Every error is one
// rnn::error line naming the file and what is wrong with it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rnn/cell.hpp"
#include "rnn/npy.hpp"
#include "rnn/problem.hpp"
#include "rnnsuite/verify/legs.hpp"

namespace rnnsuite::verify {

// A dump's .npy files, by name without ".npy", as bytes: a folder read whole, or the fuzzer's
// input split into files.
using dump_files = std::map<std::string, std::vector<unsigned char>>;

struct dump {
  std::string folder;                // as named in messages
  given_data data;                   // the problem and what backward is run on
  forward_values forward;            // the dump's output, h_n, c_n; empty where absent
  fast_gradients gradients;          // the dump's grad_*; empty where absent
  std::vector<std::string> inferred; // how the problem was found, one line each
  std::vector<std::string> notes;    // defaults taken and files not read, one line each
};

// Every regular *.npy file of `folder`, and nothing else; throws rnn::error when the folder is
// missing or unreadable, or holds no .npy file.
dump_files read_dump_folder(const std::filesystem::path& folder);

// The dump in `files`. cell: what --cell said, needed only where the shapes cannot tell (the
// three Elman activations); a cell the shapes contradict is an error.
// A network (docs/networks.md, "Dumps") is read off PyTorch's names: L from weight_ih_l0 ..
// weight_ih_l{L-1} (numbered from 0 without a gap; a file of any other layer is an error), D = 2
// when any *_reverse file is present (then every layer's weight_ih and weight_hh have one). Its
// data come in given_data's, forward_values' and fast_gradients' network layouts: the flat
// parameters in rnn/network.hpp's order (params empty), states (L·D)×B×H, output T×B×(D·H);
// gradients.parameters only when every block's four grad_weight_*/grad_bias_* files are present,
// h and c ((L·D)×T×B×H) only when every block's grad_h_l<l>[_reverse] (grad_c_...) is; some but
// not all is an error naming the first missing file.
// A dump with lengths.npy (B integers in [1, T]: PyTorch's packed sequences, rnn/lengths.hpp)
// is the problem with `_lenf`, its lengths in data.lengths.
dump parse_dump(const dump_files& files, const std::string& folder, std::optional<rnn::cell> cell);

// The B sequence lengths `a` holds, read from `file` (named in errors) for problem p's T and B,
// as untrusted input: an integer dtype (<i8 as PyTorch writes them, or <i4), or with
// whole_floats a float array whose values are whole numbers (rnnsuite run --lengths); 1-D with
// B entries; each in [1, T]. Throws one rnn::error line naming the file, the entry and its value.
std::vector<std::int64_t> lengths_from_npy(const rnn::npy_array& a, const rnn::problem& p,
                                           const std::string& file, bool whole_floats);

}  // namespace rnnsuite::verify
