#!/usr/bin/env bash
# `rnnsuite gradients`: a CSV with a header and one row per timestep, the classification line,
# exit 2 with a one-line message for bad input, and every figure of scripts/gradient-figures
# produced as a valid, non-empty PNG.
set -u
rnnsuite=$1
build=$(cd "$(dirname "$rnnsuite")/.." && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures+1)); }

# The CSV: header, T+1 rows, t = 0..T in the first column, as many fields in every row.
line=$("$rnnsuite" gradients --problem lstm_t40_b2_i4_h8_f32 --regime lstm_forget_1 --csv "$work/a.csv") \
  || fail "gradients exited $?"
header=$(head -1 "$work/a.csv")
[ "$header" = "t,exact_dh,f64_dh,f32_dh,exact_dc,f64_dc,f32_dc,pascanu_bound,ratio" ] || fail "header: $header"
[ "$(($(wc -l <"$work/a.csv") - 1))" -eq 41 ] || fail "expected 41 rows, got $(($(wc -l <"$work/a.csv") - 1))"
awk -F, 'NR > 1 && ($1 != NR - 2 || NF != 9) { bad = 1 } END { exit bad }' "$work/a.csv" \
  || fail "rows are not t = 0..40 with 9 fields each"
case "$line" in *"lstm_forget_1/lstm_t40_b2_i4_h8_f32 (regime lstm_forget_1): "*" per step"*) echo "ok: $line" ;;
  *) fail "classification line: $line" ;; esac

# Without --csv the CSV is standard output and the line goes to standard error.
"$rnnsuite" gradients --problem elman_relu_t30_b1_i4_h8_f64 --gain 2 >"$work/b.csv" 2>"$work/b.err" || fail "stdout run"
[ "$(wc -l <"$work/b.csv")" -eq 32 ] || fail "stdout CSV has $(wc -l <"$work/b.csv") lines, expected 32"
grep -q "exploding at rate" "$work/b.err" || fail "ReLU at gain 2 not classified exploding: $(cat "$work/b.err")"

# --plot: a PNG and an SVG, and no CSV left beside them.
"$rnnsuite" gradients --problem elman_tanh_t30_b1_i4_h8_f32 --gain 0.5 --plot "$work/c.png" >/dev/null || fail "--plot png"
"$rnnsuite" gradients --problem gru_t30_b1_i4_h8_f32 --plot "$work/c.svg" >/dev/null || fail "--plot svg"
grep -q "<svg" "$work/c.svg" || fail "c.svg is not SVG"
[ ! -e "$work/c.png.csv" ] || fail "--plot left its CSV behind"

expect_bad() {
  local fragment=$1; shift
  local err status
  err=$("$rnnsuite" gradients "$@" 2>&1 >/dev/null); status=$?
  if [ "$status" -ne 2 ]; then fail "'$*' exited $status, expected 2"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then fail "'$*' printed more than one line: $err"; return; fi
  case "$err" in *"$fragment"*) echo "ok: $* -> $err" ;; *) fail "'$*' message lacks '$fragment': $err" ;; esac
}
expect_bad "unknown regime 'tanh_sideways'" --problem elman_tanh_t5_b1_i2_h2_f32 --regime tanh_sideways
expect_bad "gru_update_1 is a regime of gru, not of lstm" --problem lstm_t5_b1_i2_h2_f32 --regime gru_update_1
expect_bad "--gain must be a finite number > 0, got -1" --problem elman_tanh_t5_b1_i2_h2_f32 --gain -1
expect_bad "--gain must be a finite number > 0, got 0" --problem elman_tanh_t5_b1_i2_h2_f32 --gain 0
expect_bad "--gain must be a finite number > 0, got nan" --problem elman_tanh_t5_b1_i2_h2_f32 --gain nan
expect_bad "--gain must be a finite number > 0, got inf" --problem elman_tanh_t5_b1_i2_h2_f32 --gain inf
expect_bad "excludes" --problem elman_tanh_t5_b1_i2_h2_f32 --gain 1 --regime elman_tanh_edge
expect_bad "unknown cell 'tahn'" --problem tahn_t5_b1_i2_h2_f32
expect_bad "--csv: the folder of '/nonexistent-dir/x.csv' does not exist" --problem elman_tanh_t5_b1_i2_h2_f32 --csv /nonexistent-dir/x.csv
expect_bad "must end in .png or .svg" --problem elman_tanh_t5_b1_i2_h2_f32 --plot "$work/x.jpg"
expect_bad "minutes" --problem lstm_t1000_b64_i512_h512_f32
expect_bad "--problem is required" --gain 1

# Every figure: scripts/gradient-figures into a folder of the test's own.
"$root/scripts/gradient-figures" --build "$build" --out "$work/figures" 2>/dev/null || fail "gradient-figures exited $?"
count=0
for png in "$work"/figures/gradient-*.png; do
  [ -e "$png" ] || break
  count=$((count+1))
  [ -s "$png" ] || fail "$png is empty"
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$png is not a PNG"
done
[ "$count" -eq 5 ] || fail "expected 5 figures, found $count"
grep -q "float32 reaches 0 at t = " "$work/figures/gradient-flow-generated.md" || fail "figure d's numbers missing"
# The seeds table: the article's digits beside the exact value (test_seeds.cpp checks each row).
grep -qF "| ∂L/∂W1 | 001_6e24fad7a4986caa.txt | ≈ -0.024 | -0.024 | -0.02424878796807072 | correctly rounded |" \
  "$work/figures/gradient-flow-generated.md" || fail "seeds table missing"

[ "$failures" -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "all gradients checks passed"
