#pragma once
// The whole public API of rnnsuite's library.
#include "rnn/aligned.hpp"
#include "rnn/cell.hpp"
#include "rnn/error.hpp"
#include "rnn/init.hpp"
#include "rnn/isa.hpp"
#include "rnn/layer.hpp"
#include "rnn/lengths.hpp"
#include "rnn/loss.hpp"
#include "rnn/network.hpp"
#include "rnn/npy.hpp"
#include "rnn/problem.hpp"
#include "rnn/tbptt.hpp"
