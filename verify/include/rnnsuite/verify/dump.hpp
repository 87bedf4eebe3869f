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
dump parse_dump(const dump_files& files, const std::string& folder, std::optional<rnn::cell> cell);

}  // namespace rnnsuite::verify
