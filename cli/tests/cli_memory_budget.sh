#!/usr/bin/env bash
# `rnnsuite run --memory-budget` (issue 27): under a budget below full storage the loss, every
# gradient norm and every per-step |dL/dh_t|, |dL/dc_t| equal full storage's exactly, the peak is
# below full storage's and within the budget, a single layer's minimum budget recomputes n(n-1)/2
# chunks (Gruslys et al.'s C(n, 1) - n), stacked and bidirectional networks do all that with the
# budget split over their blocks, and bad budgets and lengths exit 2 with one line.
set -u
rnnsuite=$1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures+1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 16 chunks of 16 steps at B = 16 (lib's automatic chunk for these sizes), every cell kind; and
# networks: stacked, bidirectional, both.
for problem in lstm_t256_b16_i8_h8_f64 gru_t256_b16_i8_h8_f64 elman_tanh_t256_b16_i8_h8_f32 \
    lstm_t256_b16_i8_h8_l2_bi_f64 gru_t256_b16_i8_h8_l3_f32 elman_relu_t256_b16_i8_h8_bi_f64; do
  "$rnnsuite" run --problem "$problem" --loss all --repeat 1 --json > "$work/full.json" ||
    { fail "$problem without a budget exited $?"; continue; }
  "$rnnsuite" run --problem "$problem" --loss all --repeat 1 --json --memory-budget sqrt \
    > "$work/sqrt.json" || { fail "$problem --memory-budget sqrt exited $?"; continue; }
  minimum=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["memory"]["minimum_budget_bytes"])' "$work/sqrt.json")
  # The minimum in KiB with a decimal (rounded up to whole bytes' worth): exercises the units.
  in_kib=$(python3 -c 'import sys; print(f"{-(-int(sys.argv[1]) * 1000 // 1024) / 1000:.3f}KiB")' "$minimum")
  "$rnnsuite" run --problem "$problem" --loss all --repeat 1 --json --memory-budget "$minimum" \
    > "$work/min.json" || fail "$problem --memory-budget $minimum exited $?"
  "$rnnsuite" run --problem "$problem" --loss all --repeat 1 --json --memory-budget "$in_kib" \
    > "$work/kib.json" || fail "$problem --memory-budget $in_kib exited $?"
  python3 - "$work" "$problem" <<'PY' || failures=$((failures+1))
import json, math, re, sys
work, problem = sys.argv[1], sys.argv[2]
network = re.search(r"_l\d+_|_bi_", problem) is not None
full = json.load(open(f"{work}/full.json"))
bad = []
for name in ("sqrt", "min", "kib"):
    run = json.load(open(f"{work}/{name}.json"))
    m = run["memory"]
    for key in ("loss", "grad_norms", "grad_h_per_step", "grad_c_per_step"):
        if run.get(key) != full.get(key):
            bad.append(f"{name}: {key} differs from full storage's")
    if m["full_storage_activation_bytes"] != full["activation_bytes"]:
        bad.append(f"{name}: full storage {m['full_storage_activation_bytes']} reported, "
                   f"{full['activation_bytes']} measured without a budget")
    if not m["peak_activation_bytes"] <= m["budget_bytes"] < m["full_storage_activation_bytes"]:
        bad.append(f"{name}: peak {m['peak_activation_bytes']}, budget {m['budget_bytes']}, "
                   f"full {m['full_storage_activation_bytes']}")
    if run["activation_bytes"] != m["peak_activation_bytes"]:
        bad.append(f"{name}: activation_bytes {run['activation_bytes']} is not the peak")
    n = m["chunks"]
    if n < 2:
        bad.append(f"{name}: {n} chunks, nothing to checkpoint")
    if network and not 0 < m["recomputed_chunks"]:
        bad.append(f"{name}: a network under a budget recomputed no chunk")
    stacked = re.search(r"_l\d+_", problem) is not None
    if stacked != (m["kept_sequence_bytes"] > 0):
        bad.append(f"{name}: {m['kept_sequence_bytes']} bytes of layer outputs kept for backward "
                   f"({'stacked' if stacked else 'one layer'})")
    if not network and name == "min" and m["recomputed_chunks"] != n * (n - 1) // 2:
        bad.append(f"min: {m['recomputed_chunks']} chunks recomputed, C(n, 1) - n = {n * (n - 1) // 2}")
    if name == "sqrt" and not 0 < m["recomputed_chunks"] < n * (n - 1) // 2:
        bad.append(f"sqrt: {m['recomputed_chunks']} chunks recomputed of n = {n}")
    if name == "sqrt" and m["budget_bytes"] != m["sqrt_budget_bytes"]:
        bad.append(f"sqrt: budget {m['budget_bytes']}, sqrt rule {m['sqrt_budget_bytes']}")
if "memory" in full:
    bad.append("a run without a budget reports a memory section")
for b in bad:
    print(f"FAIL: {problem}: {b}")
print(f"{problem}: {len(bad)} problems")
sys.exit(1 if bad else 0)
PY
done

# The human report names the budget, the peak and the chunks recomputed.
text=$("$rnnsuite" run --problem lstm_t256_b16_i8_h8_f64 --repeat 1 --memory-budget 160KiB) ||
  fail "--memory-budget 160KiB exited $?"
case "$text" in *"memory     budget 163840 bytes: peak activations "*" chunks of 16 steps recomputed"*) ;;
  *) fail "the report lacks its memory line: $(printf '%s\n' "$text" | tail -2)" ;; esac

expect_bad() {
  local fragment=$1; shift
  local err status
  err=$("$rnnsuite" "$@" 2>&1 >/dev/null); status=$?
  if [ "$status" -ne 2 ]; then fail "'$*' exited $status, expected 2"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then fail "'$*' printed more than one line: $err"; return; fi
  case "$err" in *"$fragment"*) echo "ok: $* -> $err" ;;
    *) fail "'$*' message lacks '$fragment': $err" ;; esac
}
p=lstm_t256_b16_i8_h8_f64
expect_bad "--memory-budget '': empty" run --problem $p --memory-budget ''
expect_bad "--memory-budget '-5MiB': a size takes no sign" run --problem $p --memory-budget=-5MiB
expect_bad "--memory-budget '5M': unknown unit 'M'" run --problem $p --memory-budget 5M
expect_bad "--memory-budget 'lots': expected a number first" run --problem $p --memory-budget lots
expect_bad "--memory-budget '16777216TiB': more than 2^64 - 1 bytes" run --problem $p --memory-budget 16777216TiB
expect_bad "--memory-budget '0MiB': zero bytes" run --problem $p --memory-budget 0MiB
expect_bad "--memory-budget 1000: layer_options.memory_budget_bytes = 1000 is below the minimum" \
  run --problem $p --memory-budget 1000
expect_bad "has sequences of different lengths" run --problem gru_t8_b2_i3_h4_lenx_f64 --memory-budget 1MiB
# The minimum the error names is the minimum: one byte less is refused, that many accepted.
minimum=$("$rnnsuite" run --problem $p --memory-budget 1000 2>&1 | sed -n 's/.* the minimum for .* per chunk: \([0-9]*\) bytes.*/\1/p')
if [ -z "$minimum" ]; then fail "no minimum in the error"; else
  expect_bad "below the minimum" run --problem $p --memory-budget $((minimum - 1))
  "$rnnsuite" run --problem $p --repeat 1 --memory-budget "$minimum" > /dev/null ||
    fail "--memory-budget $minimum (the minimum named) exited $?"
fi
# A network's minimum: the kept layer outputs and each block's share; one byte less is refused.
net=gru_t64_b4_i3_h4_l2_bi_f64
minimum=$("$rnnsuite" run --problem $net --memory-budget 1000 2>&1 | sed -n 's/.* is below the minimum for [^:]*: \([0-9]*\) bytes (.*/\1/p')
if [ -z "$minimum" ]; then fail "$net: no network minimum in the error: $("$rnnsuite" run --problem $net --memory-budget 1000 2>&1)"; else
  expect_bad "below" run --problem $net --memory-budget $((minimum - 1))
  "$rnnsuite" run --problem $net --repeat 1 --memory-budget "$minimum" > /dev/null ||
    fail "$net --memory-budget $minimum (the minimum named) exited $?"
fi
[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "all passed"
