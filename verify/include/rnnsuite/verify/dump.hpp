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
dump parse_dump(const dump_files& files, const std::string& folder, std::optional<rnn::cell> cell);

}  // namespace rnnsuite::verify
