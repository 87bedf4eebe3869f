#pragma once
// A stacked or bidirectional network's dump (DESIGN.md, "Dump format"): its files under
// PyTorch's per-layer names, its layers and directions inferred from them, and its data in
// rnn/network.hpp's layouts.
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dump_shapes.hpp"
#include "rnnsuite/verify/dump.hpp"

namespace rnnsuite::verify::dump_detail {

// A file of one block (layer l, direction d) under PyTorch's name: <kind>_l<l>[_reverse], kind
// one of the four parameters, their gradients, or a network's per-block dL/dh_t, dL/dc_t.
struct block_file {
  std::string kind;    // "weight_ih", ..., "grad_bias_hh", "grad_h", "grad_c"
  std::string digits;  // the layer number as written
  std::size_t layer;   // saturated: a number of more than 9 digits is kTooMany
  bool reverse;
};
inline constexpr std::size_t kTooMany = 1000000000;
inline constexpr const char* kParameterKinds[] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};

// The block a file belongs to, from its name; nullopt for a name of no block.
std::optional<block_file> parse_block_name(const std::string& name);

// PyTorch's suffix of layer l in direction d (rnn::block_suffix, which lives in lib's network
// code: the fuzzer links the dump reader with problem.cpp alone).
std::string suffix_of(std::size_t l, std::size_t d);

// L from weight_ih_l0 .. weight_ih_l{L-1}, numbered from 0 without a gap; D = 2 when any file
// is a reverse direction's, and then every layer has both weights in both directions; biases for
// every block or none. blocks: every block file of the dump, by name. Throws naming the file.
std::pair<std::size_t, std::size_t> infer_layers_and_directions(
    const shapes& s, const std::vector<std::pair<std::string, block_file>>& blocks);

// A network's data (out.data.problem, K = L·D blocks) in rnn/network.hpp's layouts: the
// parameters one flat array, block k = l·D + d after block k - 1, each as weight_ih, weight_hh,
// bias_ih, bias_hh (rnn::parameter_offsets_of's layout, built here from the layers' sizes: the
// fuzzer links this file without lib's network code); states (L·D)×B×H; output T×B×(D·H); a
// block's dL/dh_t (dL/dc_t) T×B×H, block after block. The shapes are checked already.
void fill_network(const shapes& s, dump& out, std::size_t K, std::size_t D);

}  // namespace rnnsuite::verify::dump_detail
