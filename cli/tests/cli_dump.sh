#!/usr/bin/env bash
# Each cell's dump loads with numpy.load, with PyTorch's names, shapes and dtype, and the dumped
# numbers satisfy the loss that produced grad_output. A dump with sequence lengths holds
# lengths.npy (int64, B) and zeros past each length; `--lengths FILE` gives a `_lenf` problem the
# file's lengths; `--loss last` with lengths is on each sequence's own last step.
set -eu
rnnsuite=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for cell in elman_tanh elman_sigmoid elman_relu lstm gru; do
  for prec in f32 f64; do
    d="$out/${cell}_$prec"
    "$rnnsuite" run --problem "${cell}_t3_b2_i4_h5_$prec" --loss all --repeat 1 --dump "$d" >/dev/null
    /usr/bin/python3 - "$d" "$cell" "$prec" <<'PY'
import sys, numpy as np
d, cell, prec = sys.argv[1:]
G = {"lstm": 4, "gru": 3}.get(cell, 1)
T, B, I, H = 3, 2, 4, 5
dtype = np.float32 if prec == "f32" else np.float64
shapes = {"x": (T, B, I), "h0": (1, B, H), "weight_ih_l0": (G*H, I), "weight_hh_l0": (G*H, H),
          "bias_ih_l0": (G*H,), "bias_hh_l0": (G*H,), "output": (T, B, H), "h_n": (1, B, H),
          "grad_output": (T, B, H), "grad_x": (T, B, I), "grad_h0": (1, B, H),
          "grad_weight_ih_l0": (G*H, I), "grad_weight_hh_l0": (G*H, H), "grad_bias_ih_l0": (G*H,),
          "grad_bias_hh_l0": (G*H,), "grad_h": (T, B, H), "target": (T, B, H)}
if cell == "lstm":
    shapes.update({"c0": (1, B, H), "c_n": (1, B, H), "grad_c0": (1, B, H), "grad_c": (T, B, H)})
a = {}
for name, shape in shapes.items():
    a[name] = np.load(f"{d}/{name}.npy")
    assert a[name].dtype == dtype, (name, a[name].dtype)
    assert a[name].shape == shape, (name, a[name].shape, shape)
# MSE over all steps: grad_output = 2 (output - target) / (T B H); h_n is the last output.
expect = 2 * (a["output"].astype(np.float64) - a["target"]) / (T * B * H)
rel = np.linalg.norm(a["grad_output"] - expect) / np.linalg.norm(expect)
assert rel < (1e-6 if prec == "f32" else 1e-14), rel
assert np.array_equal(a["h_n"][0], a["output"][-1])
# Elman tanh: recompute the forward pass from the dumped weights with PyTorch's equation.
if cell == "elman_tanh":
    h = a["h0"][0].astype(np.float64)
    for t in range(T):
        h = np.tanh(a["x"][t] @ a["weight_ih_l0"].T.astype(np.float64) + a["bias_ih_l0"]
                    + h @ a["weight_hh_l0"].T.astype(np.float64) + a["bias_hh_l0"])
        rel = np.linalg.norm(h - a["output"][t]) / np.linalg.norm(h)
        assert rel < (1e-6 if prec == "f32" else 1e-14), (t, rel)
print(f"ok: {cell} {prec}: {len(shapes)} arrays")
PY
  done
done
# A stacked bidirectional network: every layer and direction under PyTorch's name and shape.
for cell in elman_relu lstm gru; do
  d="$out/${cell}_network"
  "$rnnsuite" run --problem "${cell}_t3_b2_i4_h5_l2_bi_f32" --repeat 1 --dump "$d" >/dev/null
  /usr/bin/python3 - "$d" "$cell" <<'PY'
import os, sys, numpy as np
d, cell = sys.argv[1:]
G = {"lstm": 4, "gru": 3}.get(cell, 1)
T, B, I, H, L, D = 3, 2, 4, 5, 2, 2
shapes = {"x": (T, B, I), "h0": (L*D, B, H), "output": (T, B, D*H), "h_n": (L*D, B, H),
          "grad_output": (T, B, D*H), "grad_x": (T, B, I), "grad_h0": (L*D, B, H), "target": (T, B, D*H)}
if cell == "lstm":
    shapes.update({"c0": (L*D, B, H), "c_n": (L*D, B, H), "grad_c0": (L*D, B, H)})
for l in range(L):
    for suffix in (f"_l{l}", f"_l{l}_reverse"):
        inp = I if l == 0 else D * H
        for prefix in ("", "grad_"):
            shapes.update({prefix + "weight_ih" + suffix: (G*H, inp), prefix + "weight_hh" + suffix: (G*H, H),
                           prefix + "bias_ih" + suffix: (G*H,), prefix + "bias_hh" + suffix: (G*H,)})
        shapes["grad_h" + suffix] = (T, B, H)
        if cell == "lstm":
            shapes["grad_c" + suffix] = (T, B, H)
for name, shape in shapes.items():
    a = np.load(f"{d}/{name}.npy")
    assert a.dtype == np.float32 and a.shape == shape, (name, a.dtype, a.shape, shape)
extra = sorted(set(f[:-4] for f in os.listdir(d) if f.endswith(".npy")) - set(shapes))
assert not extra, extra
h_n, out = np.load(f"{d}/h_n.npy"), np.load(f"{d}/output.npy")
assert np.array_equal(h_n[2], out[-1][:, :H]) and np.array_equal(h_n[3], out[0][:, H:]), "h_n of layer 1"
print(f"ok: {cell} network: {len(shapes)} arrays")
PY
done
# Sequence lengths: lengths.npy int64 (B,), the packed semantics in the files, and `_lenf` with
# --lengths reproducing the `_lenx` dump bit for bit.
"$rnnsuite" run --problem lstm_t5_b4_i3_h2_l2_bi_lenx_f64 --loss all --repeat 1 --dump "$out/lenx" >/dev/null
/usr/bin/python3 -c "import numpy as np; np.save('$out/lengths.npy', np.load('$out/lenx/lengths.npy'))"
"$rnnsuite" run --problem lstm_t5_b4_i3_h2_l2_bi_lenf_f64 --lengths "$out/lengths.npy" --loss all \
  --repeat 1 --dump "$out/lenf" >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys, numpy as np
out = sys.argv[1]
lengths = np.load(f"{out}/lenx/lengths.npy")
assert lengths.dtype == np.int64 and lengths.tolist() == [1, 5, 3, 1], (lengths.dtype, lengths)
T = 5
padded = np.arange(T)[:, None] >= lengths[None, :]
for name in ("output", "grad_x", "grad_h_l0", "grad_h_l1_reverse", "grad_c_l1"):
    a = np.load(f"{out}/lenx/{name}.npy")
    assert not np.any(a[padded]), f"{name} nonzero past a length"
    assert np.all(np.any(a[~padded] != 0, axis=-1)), f"{name} zero within a length"
for f in os.listdir(f"{out}/lenx"):
    if f.endswith(".npy"):
        assert np.array_equal(np.load(f"{out}/lenx/{f}"), np.load(f"{out}/lenf/{f}")), f
assert json.load(open(f"{out}/lenf/meta.json"))["problem"] == "lstm_t5_b4_i3_h2_l2_bi_lenf_f64"
print("ok: lengths dump: lengths.npy int64, zeros past each length, _lenf --lengths = _lenx")
PY
# --loss last with lengths: the mean over B×(D·H) of each sequence's row at t = len_b - 1, both
# directions' halves; grad_output zero everywhere else.
"$rnnsuite" run --problem gru_t5_b4_i3_h2_bi_lenx_f64 --loss last --repeat 1 --dump "$out/last" \
  >/dev/null
/usr/bin/python3 - "$out/last" <<'PY'
import json, sys, numpy as np
d = sys.argv[1]
lengths = np.load(f"{d}/lengths.npy")
y, g, target = (np.load(f"{d}/{n}.npy") for n in ("output", "grad_output", "target"))
assert lengths.tolist() == [1, 5, 3, 1], lengths
B, N = len(lengths), g[0].size  # N = B·(D·H)
read = np.arange(g.shape[0])[:, None] == lengths[None, :] - 1  # T×B
expect = np.where(read[:, :, None], 2 * (y - target) / N, 0)
assert np.array_equal(g == 0, expect == 0), "grad_output off each sequence's last step"
assert np.max(np.abs(g - expect)) <= 1e-15 * np.max(np.abs(expect)), "grad_output values"
last = y[lengths - 1, np.arange(B)] - target[lengths - 1, np.arange(B)]  # PyTorch's indexing
loss = json.load(open(f"{d}/meta.json"))["loss_value"]
assert abs(loss - np.mean(last ** 2)) <= 1e-14 * loss, (loss, np.mean(last ** 2))
print("ok: --loss last with lengths: each sequence's own last step, both halves")
PY
