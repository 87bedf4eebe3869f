#!/usr/bin/env bash
# `rnnsuite check`: a dump rnnsuite wrote passes; a planted error in one step's grad_x FAILs and
# names that step and nothing else; a NaN in a gradient is a FAIL (exit 1), not an input error;
# dumps made in ONNX's LSTM gate order and by a Cho-form GRU are diagnosed as such; every bad
# input is one line naming the file, exit 2. Stacked and bidirectional networks' dumps (rnnsuite's
# and PyTorch's) pass, a planted error names its block, and bad network dumps are one line each.
# A dump with lengths.npy passes as `_lenf`; a malformed lengths.npy is one line naming it.
#   cli_check.sh RNNSUITE TORCH_DUMP
set -u
rnnsuite=$1 torch_dump=$2
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

dump() {  # dump NAME DESCRIPTOR: rnnsuite's own dump of DESCRIPTOR in $work/NAME
  "$rnnsuite" run --problem "$2" --regime "$3" --repeat 1 --dump "$work/$1" > /dev/null \
    || { echo "FAIL: rnnsuite run --problem $2"; exit 1; }
}
edit() {  # edit FOLDER PYTHON: runs PYTHON with np and d (the folder) defined
  "$python" -c "import numpy as np, sys; d = sys.argv[1]; $2" "$1" || { echo "FAIL: edit $2"; exit 1; }
}
copy() { rm -rf "$work/$2"; cp -r "$work/$1" "$work/$2"; }

dump lstm lstm_t8_b3_i4_h5_f32 lstm_forget_1
dump gru gru_t8_b3_i4_h5_f64 gru_update_1
dump elman elman_tanh_t6_b2_i3_h4_f64 elman_tanh_vanishing

# rnnsuite's own dumps pass.
for d in lstm gru; do
  out=$("$rnnsuite" check "$work/$d" 2>&1) || fail "rnnsuite's own $d dump: $out"
done
out=$("$rnnsuite" check "$work/elman" --cell elman_tanh 2>&1) || fail "rnnsuite's own elman dump: $out"
case "$out" in *"cell elman_tanh (--cell"*) ;; *) fail "elman: --cell not reported: $out" ;; esac

# A planted error in grad_x at step 3: FAIL, naming dx at t = 3, and no other block.
copy lstm planted
edit "$work/planted" "g = np.load(d + '/grad_x.npy'); g[3, 1, 2] *= 1.001; np.save(d + '/grad_x.npy', g)"
out=$("$rnnsuite" check "$work/planted" --json "$work/planted.json" --junit "$work/planted.xml" --no-diagnosis 2>&1); status=$?
[ "$status" -eq 1 ] || fail "planted error: exit $status, expected 1: $out"
case "$out" in *"FAIL       dx at t = 3 "*) echo "ok: planted error named: dx at t = 3" ;;
  *) fail "planted error: step not named: $out" ;; esac
failed=$("$python" -c "
import json, sys
j = json.load(open(sys.argv[1]))
print(' '.join(f\"{c['block']}@{c['step']}\" for r in j['results'] for c in r['failed_checks']))" "$work/planted.json")
[ "$failed" = "dx@3" ] || fail "planted error: failed checks '$failed', expected exactly dx@3"
grep -q 'tests="2" failures="1"' "$work/planted.xml" && grep -q '<failure message="FAIL: worst error/tolerance [0-9.e+]* at dx@t=3"' "$work/planted.xml" \
  || fail "planted error: JUnit report lacks the backward's failure at dx@t=3: $(cat "$work/planted.xml")"

# A NaN in a gradient is a verdict.
copy gru nan_gradient
edit "$work/nan_gradient" "g = np.load(d + '/grad_weight_hh_l0.npy'); g[0, 0] = np.nan; np.save(d + '/grad_weight_hh_l0.npy', g)"
out=$("$rnnsuite" check "$work/nan_gradient" --no-diagnosis 2>&1); status=$?
[ "$status" -eq 1 ] || fail "NaN in a gradient: exit $status, expected 1: $out"
case "$out" in *"FAIL       weight_hh.r"*) echo "ok: NaN in grad_weight_hh_l0 is a FAIL of weight_hh.r" ;;
  *) fail "NaN in a gradient: weight_hh.r not FAILed: $out" ;; esac

# Convention mistakes, made by PyTorch under another convention (scripts/torch-dump --variant).
diagnosed() {  # diagnosed SOURCE VARIANT EXPECTED-TEXT [check options]
  local source=$1 variant=$2 want=$3; shift 3
  "$torch_dump" "$work/$source" "$work/$variant" --variant "$variant" || { fail "torch-dump --variant $variant"; return; }
  local out status
  out=$("$rnnsuite" check "$work/$variant" "$@" 2>&1); status=$?
  [ "$status" -eq 1 ] || fail "$variant: exit $status, expected 1"
  case "$out" in *"diagnosis: the dump matches $want"*) echo "ok: $variant diagnosed: $want" ;;
    *) fail "$variant: not diagnosed as '$want': $out" ;; esac
}
diagnosed lstm onnx-lstm-gate-order "an LSTM with ONNX's gate order i,o,f,c"
diagnosed lstm tf-lstm-gate-order "an LSTM with TensorFlow's gate order i,c,f,o"
diagnosed gru cho-gru "a GRU in Cho's form"
diagnosed gru keras-gru-gate-order "a GRU with Keras's and ONNX's gate order z,r,n"
diagnosed gru gru-bias-outside-reset "a GRU whose b_hn sits outside the reset"
diagnosed lstm bias-hh-ignored "one bias instead of two: bias_hh_l0 ignored"
diagnosed lstm summed-loss "gradients 15 × the reference's, N = B·H = 15"
diagnosed elman transposed-weight-hh "transposed weights: weight_hh_l0" --cell elman_tanh

# Bad input: exit 2 and one line naming the file and what is wrong.
expect_bad() {  # expect_bad FOLDER FRAGMENT [options]
  local folder=$1 fragment=$2; shift 2
  local err status
  err=$("$rnnsuite" check "$folder" "$@" 2>&1 >/dev/null); status=$?
  if [ "$status" -ne 2 ]; then fail "'check $folder $*' exited $status, expected 2: $err"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then fail "'check $folder' printed more than one line: $err"; return; fi
  case "$err" in *"$fragment"*) echo "ok: $err" ;;
    *) fail "'check $folder' message lacks '$fragment': $err" ;; esac
}
bad() {  # bad NAME PYTHON: a copy of the lstm dump, edited
  copy lstm "$1"; edit "$work/$1" "$2"
}
bad truncated "b = open(d + '/x.npy', 'rb').read(); open(d + '/x.npy', 'wb').write(b[:len(b) - 7])"
expect_bad "$work/truncated" "truncated/x.npy"
bad corrupt "open(d + '/h0.npy', 'wb').write(b'\x93NUMPY\x01\x00\x10\x00{garbage}      \n')"
expect_bad "$work/corrupt" "corrupt/h0.npy"
bad int_dtype "np.save(d + '/x.npy', np.load(d + '/x.npy').astype(np.int32))"
expect_bad "$work/int_dtype" "int_dtype/x.npy"
bad big_endian "np.save(d + '/weight_hh_l0.npy', np.load(d + '/weight_hh_l0.npy').astype('>f4'))"
expect_bad "$work/big_endian" "big_endian/weight_hh_l0.npy"
bad fortran "np.save(d + '/weight_ih_l0.npy', np.asfortranarray(np.load(d + '/weight_ih_l0.npy')))"
expect_bad "$work/fortran" "fortran/weight_ih_l0.npy"
bad mixed "np.save(d + '/h0.npy', np.load(d + '/h0.npy').astype(np.float64))"
expect_bad "$work/mixed" "mixed/h0.npy: dtype <f8 but x.npy is <f4"
bad no_cell "np.save(d + '/weight_hh_l0.npy', np.load(d + '/weight_hh_l0.npy')[:7, :3].copy())"
expect_bad "$work/no_cell" "no_cell/weight_hh_l0.npy: shape 7×3 fits no cell"
bad mismatch "np.save(d + '/weight_ih_l0.npy', np.zeros((20, 6), np.float32))"
expect_bad "$work/mismatch" "mismatch/weight_ih_l0.npy: shape 20×6 fits no problem"
bad transposed "np.save(d + '/weight_hh_l0.npy', np.load(d + '/weight_hh_l0.npy').T.copy())"
expect_bad "$work/transposed" "transposed/weight_hh_l0.npy: shape 5×20 is (G·H)×H transposed"
bad state_shape "np.save(d + '/h0.npy', np.zeros((1, 2, 5), np.float32))"
expect_bad "$work/state_shape" "state_shape/h0.npy: shape 1×2×5 fits no problem"
bad missing "import os; os.remove(d + '/weight_hh_l0.npy')"
expect_bad "$work/missing" "missing/weight_hh_l0.npy: missing"
bad no_upstream "import os; os.remove(d + '/grad_output.npy')"
expect_bad "$work/no_upstream" "no upstream gradient"
bad nan_input "x = np.load(d + '/x.npy'); x[2, 1, 0] = np.nan; np.save(d + '/x.npy', x)"
expect_bad "$work/nan_input" "nan_input/x.npy: element [2, 1, 0] is nan"
bad inf_input "w = np.load(d + '/weight_hh_l0.npy'); w[4, 1] = -np.inf; np.save(d + '/weight_hh_l0.npy', w)"
expect_bad "$work/inf_input" "inf_input/weight_hh_l0.npy: element [4, 1] is -inf"
bad stacked "np.save(d + '/weight_ih_l1.npy', np.load(d + '/weight_ih_l0.npy'))"
expect_bad "$work/stacked" "stacked/weight_hh_l1.npy: missing (weight_ih_l1.npy is present"
expect_bad "$work/elman" "say --cell elman_tanh, elman_sigmoid or elman_relu"
expect_bad "$work/lstm" "--cell gru" --cell gru
expect_bad "$work/does-not-exist" "does-not-exist: no such folder"
mkdir -p "$work/empty"
expect_bad "$work/empty" "empty: no .npy file"

# Stacked and bidirectional networks (docs/networks.md, "Dumps"): rnnsuite's own dumps and
# PyTorch's pass, with the problem inferred from the files' names and shapes.
net_dump() {  # net_dump NAME DESCRIPTOR: rnnsuite's own dump of the network in $work/NAME
  "$rnnsuite" run --problem "$2" --repeat 1 --dump "$work/$1" > /dev/null \
    || { echo "FAIL: rnnsuite run --problem $2"; exit 1; }
}
passes() {  # passes FOLDER DESCRIPTOR [options]: exit 0, the problem inferred, PASS
  local folder=$1 descriptor=$2; shift 2
  local out status
  out=$("$rnnsuite" check "$folder" "$@" 2>&1); status=$?
  [ "$status" -eq 0 ] || { fail "check $folder: exit $status, expected 0: $out"; return; }
  case "$out" in *"problem   $descriptor"*"$descriptor: PASS"*) echo "ok: $folder is $descriptor, PASS" ;;
    *) fail "check $folder: not inferred as $descriptor, or no PASS: $out" ;; esac
}
net_dump net lstm_t5_b3_i4_h6_l2_bi_f64
net_dump net3 gru_t4_b2_i3_h5_l3_f32
net_dump netbi elman_tanh_t4_b2_i3_h5_bi_f64
passes "$work/net" lstm_t5_b3_i4_h6_l2_bi_f64
passes "$work/net3" gru_t4_b2_i3_h5_l3_f32
passes "$work/netbi" elman_tanh_t4_b2_i3_h5_bi_f64 --cell elman_tanh
"$torch_dump" "$work/net" "$work/net_torch" || fail "torch-dump of lstm_t5_b3_i4_h6_l2_bi_f64"
passes "$work/net_torch" lstm_t5_b3_i4_h6_l2_bi_f64
# A planted error in one block's parameter gradient FAILs that block (the flat layout is right).
copy net net_planted
edit "$work/net_planted" "f = d + '/grad_weight_ih_l1_reverse.npy'; g = np.load(f); g[5, 3] += 1e-4; np.save(f, g)"
out=$("$rnnsuite" check "$work/net_planted" --no-diagnosis 2>&1); status=$?
[ "$status" -eq 1 ] || fail "network planted error: exit $status, expected 1: $out"
case "$out" in *"FAIL       weight_ih_l1_reverse."*) echo "ok: network planted error named: weight_ih_l1_reverse" ;;
  *) fail "network planted error: weight_ih_l1_reverse not FAILed: $out" ;; esac

# Bad network dumps: exit 2 and one line naming the file.
net_bad() {  # net_bad SOURCE NAME PYTHON: a copy of a network dump, edited
  copy "$1" "$2"; edit "$work/$2" "import os, glob; $3"
}
net_bad net net_missing "os.remove(d + '/weight_hh_l1_reverse.npy')"
expect_bad "$work/net_missing" "net_missing/weight_hh_l1_reverse.npy: missing"
net_bad net net_width "np.save(d + '/weight_ih_l1.npy', np.zeros((24, 7)))"
expect_bad "$work/net_width" "net_width/weight_ih_l1.npy: shape 24×7 fits no problem with the others: expected 24×12"
net_bad net net_h0_rows "np.save(d + '/h0.npy', np.load(d + '/h0.npy')[:3])"
expect_bad "$work/net_h0_rows" "net_h0_rows/h0.npy: shape 3×3×6 fits no problem with the others: expected 4×3×6"
net_bad net net_some_reverse "[os.remove(f) for f in glob.glob(d + '/*_l1_reverse.npy')]"
expect_bad "$work/net_some_reverse" "net_some_reverse/weight_ih_l1_reverse.npy: missing"
net_bad net3 net_gap "[os.remove(f) for f in glob.glob(d + '/*_l1.npy')]"
expect_bad "$work/net_gap" "net_gap/weight_ih_l1.npy: missing, but weight_ih_l2.npy is present"
net_bad net net_extra "np.save(d + '/weight_hh_l2.npy', np.load(d + '/weight_hh_l1.npy'))"
expect_bad "$work/net_extra" "net_extra/weight_hh_l2.npy: a file of layer 2, but there is no weight_ih_l2.npy"
net_bad net net_partial_grads "os.remove(d + '/grad_bias_ih_l1.npy')"
expect_bad "$work/net_partial_grads" "net_partial_grads/grad_bias_ih_l1.npy: missing, but grad_weight_ih_l0.npy is present"
net_bad net net_partial_dh "os.remove(d + '/grad_h_l0_reverse.npy')"
expect_bad "$work/net_partial_dh" "net_partial_dh/grad_h_l0_reverse.npy: missing, but grad_h_l0.npy is present"
net_bad net net_single_name "os.rename(d + '/grad_h_l0.npy', d + '/grad_h.npy')"
expect_bad "$work/net_single_name" "net_single_name/grad_h.npy: a single layer's name, but the dump is a network"
net_bad net net_leading_zero "os.rename(d + '/bias_ih_l1.npy', d + '/bias_ih_l01.npy')"
expect_bad "$work/net_leading_zero" "net_leading_zero/bias_ih_l01.npy: layer number 01 has a leading zero"
net_bad net net_bias_some "os.remove(d + '/bias_hh_l1_reverse.npy')"
expect_bad "$work/net_bias_some" "net_bias_some/bias_hh_l1_reverse.npy: missing, but bias_hh_l0.npy is present"

# Variable-length batches (issue 26): a dump with lengths.npy is the problem with `_lenf`; its
# lengths file is untrusted input like every other file.
net_dump len lstm_t6_b4_i3_h5_lenx_f64
passes "$work/len" lstm_t6_b4_i3_h5_lenf_f64
len_bad() {  # len_bad NAME PYTHON FRAGMENT: the lengths dump with lengths.npy rewritten by PYTHON
  copy len "$1"; edit "$work/$1" "f = d + '/lengths.npy'; $2"
  expect_bad "$work/$1" "$1/lengths.npy$3"
}
len_bad len_float "np.save(f, np.load(f).astype(np.float64))" ": dtype <f8: lengths are integers"
len_bad len_2d "np.save(f, np.load(f).reshape(2, 2))" ": shape 2×2: lengths are 1-D"
len_bad len_count "np.save(f, np.load(f)[:3])" ": 3 entries, expected B = 4"
len_bad len_zero "a = np.load(f); a[2] = 0; np.save(f, a)" ": entry [2] = 0 is not in [1, T = 6]"
len_bad len_long "a = np.load(f); a[1] = 7; np.save(f, a)" ": entry [1] = 7 is not in [1, T = 6]"
len_bad len_negative "a = np.load(f); a[3] = -2**63; np.save(f, a)" ": entry [3] = -9223372036854775808 is not in"
len_bad len_big_endian "np.save(f, np.load(f).astype('>i8'))" "': dtype '>i8' is big-endian"
len_bad len_unsigned "np.save(f, np.load(f).astype(np.uint64))" "': dtype '<u8' is not"
len_bad len_truncated "b = open(f, 'rb').read(); open(f, 'wb').write(b[:-3])" "': truncated data"
len_bad len_scalar "np.save(f, np.int64(3))" ": shape () (a scalar): lengths are 1-D"
# int32 lengths are read as well.
copy len len_int32
edit "$work/len_int32" "f = d + '/lengths.npy'; np.save(f, np.load(f).astype(np.int32))"
passes "$work/len_int32" lstm_t6_b4_i3_h5_lenf_f64

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "all rnnsuite check cases behaved"
