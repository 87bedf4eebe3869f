#!/usr/bin/env bash
# Bad input to `rnnsuite run` and `rnnsuite verify` must give exit status 2 and one line on stderr naming the value.
set -u
rnnsuite=$1
failures=0
expect_bad() {
  local fragment=$1; shift
  local err status
  err=$("$rnnsuite" "$@" 2>&1 >/dev/null); status=$?
  if [ "$status" -ne 2 ]; then echo "FAIL: '$*' exited $status, expected 2"; failures=$((failures+1)); return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then echo "FAIL: '$*' printed more than one line: $err"; failures=$((failures+1)); return; fi
  case "$err" in *"$fragment"*) echo "ok: $* -> $err" ;;
    *) echo "FAIL: '$*' message lacks '$fragment': $err"; failures=$((failures+1)) ;; esac
}
expect_bad "lstm_t128_b1_i1_h1_f16" run --problem lstm_t128_b1_i1_h1_f16
expect_bad "T must be >= 1, got 0" run --problem gru_t0_b1_i1_h1_f32
expect_bad "unknown cell 'lstx'" run --problem lstx_t1_b1_i1_h1_f32
expect_bad "overflows" run --problem lstm_t4611686018427387904_b4611686018427387904_i1_h1_f32
expect_bad "T" run --problem lstm_t100000000000_b64_i512_h512_f32
expect_bad "--dump" run --problem elman_tanh_t2_b1_i2_h2_f32 --dump /proc/rnnsuite-cannot-write-here
expect_bad "--gain" run --problem elman_tanh_t2_b1_i2_h2_f32 --gain -1
expect_bad "avx9" run --problem elman_tanh_t2_b1_i2_h2_f32 --arch avx9
expect_bad "omit the field '_l1'" run --problem lstm_t2_b1_i2_h2_l1_f32
expect_bad "'_bi' must come after '_l<L>'" run --problem lstm_t2_b1_i2_h2_bi_l2_f32
expect_bad "is a regime of lstm, not of gru" run --problem gru_t2_b1_i2_h2_l2_bi_f32 --regime lstm_forget_1
# Sequence lengths: '_lenf' needs --lengths, which no other descriptor takes; the file is checked.
lengths=$(mktemp -d)
trap 'rm -rf "$lengths"' EXIT
/usr/bin/python3 -c "
import numpy as np, sys
d = sys.argv[1]
np.save(d + '/ok.npy', np.array([3, 1], np.int64))
np.save(d + '/long.npy', np.array([3, 4], np.int64))
np.save(d + '/three.npy', np.array([3, 1, 2], np.int64))
np.save(d + '/half.npy', np.array([3, 1.5]))
np.save(d + '/square.npy', np.ones((2, 2), np.int64))" "$lengths"
expect_bad "'_lenf' takes the lengths from a file: add --lengths FILE.npy" run --problem gru_t3_b2_i2_h2_lenf_f64
expect_bad "has no lengths field; a lengths file goes with '_lenf' (gru_t3_b2_i2_h2_lenf_f64)" \
  run --problem gru_t3_b2_i2_h2_f64 --lengths "$lengths/ok.npy"
expect_bad "draws its lengths from its descriptor" run --problem gru_t3_b2_i2_h2_lenu4_f64 --lengths "$lengths/ok.npy"
expect_bad "draws its lengths from its descriptor" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --problem gru_t3_b2_i2_h2_lenx_f64 --lengths "$lengths/ok.npy"
expect_bad "--lengths $lengths/long.npy: entry [1] = 4 is not in [1, T = 3]" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --lengths "$lengths/long.npy"
expect_bad "--lengths $lengths/three.npy: 3 entries, expected B = 2" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --lengths "$lengths/three.npy"
expect_bad "--lengths $lengths/half.npy: entry [1] = 1.5 is not a whole number" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --lengths "$lengths/half.npy"
expect_bad "--lengths $lengths/square.npy: shape 2×2: lengths are 1-D" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --lengths "$lengths/square.npy"
expect_bad "npy file '$lengths/absent.npy': cannot open for reading" \
  run --problem gru_t3_b2_i2_h2_lenf_f64 --lengths "$lengths/absent.npy"
expect_bad "'_lenu' needs a seed" run --problem gru_t3_b2_i2_h2_lenu_f64
expect_bad "gradients --problem takes a single layer" gradients --problem gru_t5_b2_i3_h4_bi_f32
expect_bad "--jobs must be in [1, 256]" verify --jobs -1
expect_bad "--threads must be in [1, 1024], got 0" verify --threads 0
expect_bad "T must be >= 1, got 0" verify --problem lstm_t0_b1_i1_h1_f32
expect_bad "no --regime given is a regime of gru" verify --problem gru_t5_b2_i3_h4_f32 --regime lstm_forget_1
expect_bad "unknown implementation 'onedn'" verify --impl onedn --problem gru_t5_b2_i3_h4_f32
expect_bad "--timeout must be in (0, 86400] seconds, got 0" verify --timeout 0 --problem gru_t5_b2_i3_h4_f32
expect_bad "/nonexistent/libmine.so" verify --impl /nonexistent/libmine.so --problem gru_t5_b2_i3_h4_f32
[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
