#!/usr/bin/env bash
# `rnnsuite verify --problem D` grades a descriptor of one's own in every regime of its cell,
# with --threads passed through, and the table does not depend on --jobs.
set -eu
rnnsuite=$1
out1=$("$rnnsuite" verify --problem gru_t3_b5_i3_h7_f64 --threads 3 --jobs 1 2>/dev/null)
out2=$("$rnnsuite" verify --problem gru_t3_b5_i3_h7_f64 --threads 3 --jobs 2 2>/dev/null)
for family in gru_update_1 gru_update_0 gru_saturated; do
  grep -q "^$family/gru_t3_b5_i3_h7_f64+threads3 *fast " <<<"$out1" ||
    { echo "FAIL: no fast leg of $family/gru_t3_b5_i3_h7_f64+threads3"; exit 1; }
done
grep -q "lstm" <<<"$out1" && { echo "FAIL: a regime of another cell ran"; exit 1; }
[ "$(grep -v ' in [0-9.]* s ' <<<"$out1")" = "$(grep -v ' in [0-9.]* s ' <<<"$out2")" ] ||
  { echo "FAIL: the table differs between --jobs 1 and --jobs 2"; exit 1; }
echo "ok: --problem ran every gru regime with 3 threads, the same table for 1 and 2 jobs"
# A network of one's own: every block graded per step and per gate, in every regime of its cell.
net=$("$rnnsuite" verify --problem lstm_t4_b2_i3_h5_l2_bi_f32 --threads 2 --jobs 2 2>/dev/null)
for family in lstm_forget_1 lstm_forget_half lstm_forget_0 lstm_saturated; do
  grep -q "^$family/lstm_t4_b2_i3_h5_l2_bi_f32+threads2 *fast .* PASS" <<<"$net" ||
    { echo "FAIL: no passing fast leg of $family/lstm_t4_b2_i3_h5_l2_bi_f32+threads2"; echo "$net"; exit 1; }
done
echo "ok: --problem graded a stacked bidirectional network in every lstm regime"
