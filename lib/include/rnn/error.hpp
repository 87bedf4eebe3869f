#pragma once
// Every public entry of rnnsuite reports bad input by throwing rnn::error, whose message names
// the argument and its value. Derived from std::invalid_argument so callers may catch either.
#include <stdexcept>
#include <string>

namespace rnn {

class error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace rnn
