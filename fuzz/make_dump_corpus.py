#!/usr/bin/python3
"""Seed inputs for fuzz/dump_fuzzer.cpp, in its framing (see the top of that file): small LSTM,
GRU and Elman dumps, f32 and f64, with and without the optional files (lengths.npy among them),
and a few invalid ones;
stacked and bidirectional networks (L = 2 bidirectional, L = 3, one bidirectional layer) of every
cell, and one of each error a network's files can make.
    fuzz/make_dump_corpus.py DIR     (writes DIR/seed_*.bin; fuzz/corpus/dump is their merge with
                                      what a fuzzing run found: scripts/fuzz does not need this)
"""
import io
import os
import sys

import numpy as np

NAMES = [
    "x", "h0", "c0", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "grad_output",
    "grad_h_n", "grad_c_n", "output", "h_n", "c_n", "grad_x", "grad_h0", "grad_c0",
    "grad_weight_ih_l0", "grad_weight_hh_l0", "grad_bias_ih_l0", "grad_bias_hh_l0", "grad_h",
    "grad_c", "target",
    "lengths", "weight_ih_l1", "weight_hh_l0_reverse", "grad_bias_hh_l12", "weight_ih_l01",
    "junk", "x_l", "", "grad_x_l0",
    "grad_h_l0", "grad_c_l0",
    "weight_ih_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
    "grad_weight_ih_l0_reverse", "grad_weight_hh_l0_reverse", "grad_bias_ih_l0_reverse",
    "grad_bias_hh_l0_reverse", "grad_h_l0_reverse", "grad_c_l0_reverse",
    "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "grad_weight_ih_l1", "grad_weight_hh_l1",
    "grad_bias_ih_l1", "grad_bias_hh_l1", "grad_h_l1", "grad_c_l1"]
NAMES += [kind + f"_l{l}" + rev
          for l, rev in [(1, "_reverse"), (2, ""), (2, "_reverse")]
          for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "grad_weight_ih",
                       "grad_weight_hh", "grad_bias_ih", "grad_bias_hh", "grad_h", "grad_c"]]
NAMES += [
    "weight_ih_l3", "weight_hh_l3", "weight_ih_l3_reverse", "grad_h_l3", "weight_ih_l99999999999",
    "bias_ih_l00", "weight_hh_l1_reverse_x", "h0_reverse", "grad_h_l", "weight_ih_l",
    "weight_ih_l1_reverse_reverse", "grad_x_reverse", "output_l1", "weight_ih_l4294967296"]
assert len(NAMES) == 96 and len(set(NAMES)) == 96  # dump_fuzzer.cpp's kNames, in its order
MAX_LEN = 8192  # scripts/fuzz's -max_len for dump_fuzzer: a longer seed would be cut
CELLS = [None, "elman_tanh", "elman_sigmoid", "elman_relu", "lstm", "gru"]
GATES = {"elman_tanh": 1, "elman_sigmoid": 1, "elman_relu": 1, "lstm": 4, "gru": 3}


def npy(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


def npy_compact(a):
    """An .npy file of format 1.0 with the header unpadded (numpy.load reads it): network seeds
    hold many small files, and must fit in MAX_LEN."""
    header = "{'descr':'%s','fortran_order':False,'shape':(%s)}\n" % (
        a.dtype.str, "".join(f"{d}," for d in a.shape))
    return (b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() +
            np.ascontiguousarray(a).tobytes())


def frame(cell, files):
    """files: list of (name, bytes); a name not in NAMES is sent free-form (byte 255)."""
    out = bytearray([CELLS.index(cell)])
    for name, data in files:
        if name in NAMES:
            out.append(NAMES.index(name))
        else:
            raw = name.encode()
            out += bytes([255, len(raw)]) + raw
        assert len(data) < 65536
        out += len(data).to_bytes(2, "little") + data
    return bytes(out)


def dump(cell, T=2, B=2, I=3, H=2, dtype=np.float32, optional=True, states_3d=True, seed=0,
         grades=("grad_x", "grad_weight_ih_l0")):
    """The arrays of a dump of that problem, as a dict name -> array (values random)."""
    rng = np.random.default_rng(seed)
    G = GATES[cell]
    lstm = cell == "lstm"
    r = lambda *shape: rng.uniform(-1, 1, shape).astype(dtype)
    st = (1, B, H) if states_3d else (B, H)
    a = {"x": r(T, B, I), "weight_ih_l0": r(G * H, I), "weight_hh_l0": r(G * H, H),
         "grad_output": r(T, B, H)}
    if optional:
        a.update({"bias_ih_l0": r(G * H), "bias_hh_l0": r(G * H), "h0": r(*st), "grad_h_n": r(*st),
                  "output": r(T, B, H), "h_n": r(*st)})
        if lstm:
            a.update({"c0": r(*st), "grad_c_n": r(*st), "c_n": r(*st)})
    every = {"grad_x": (T, B, I), "grad_h0": st, "grad_weight_ih_l0": (G * H, I),
             "grad_weight_hh_l0": (G * H, H), "grad_bias_ih_l0": (G * H,),
             "grad_bias_hh_l0": (G * H,), "grad_h": (T, B, H), "output": (T, B, H), "h_n": st}
    if lstm:
        every.update({"grad_c0": st, "grad_c": (T, B, H), "c_n": st})
    for name in (every if grades == "all" else grades):
        if name in every:
            a[name] = r(*every[name])
    return a


def seeds():
    f4, f8 = np.float32, np.float64
    valid = [
        ("lstm_min_f32", None, dump("lstm", optional=False)),
        ("lstm_full_f64", "lstm", dump("lstm", dtype=f8, grades="all", seed=1)),
        ("lstm_full_f32_2d", None, dump("lstm", states_3d=False, grades="all", seed=2)),
        ("lstm_t1b1i1h1", None, dump("lstm", T=1, B=1, I=1, H=1, grades="all")),
        ("gru_min_f64", None, dump("gru", dtype=f8, optional=False, grades=("output",))),
        ("gru_full_f32", "gru", dump("gru", T=3, B=1, I=2, H=3, grades="all", seed=3)),
        ("gru_full_f64_2d", None, dump("gru", dtype=f8, states_3d=False, grades="all", seed=4)),
        ("elman_tanh_f32", "elman_tanh", dump("elman_tanh", grades="all", seed=5)),
        ("elman_sigmoid_f64", "elman_sigmoid", dump("elman_sigmoid", dtype=f8, optional=False)),
        ("elman_relu_f32", "elman_relu", dump("elman_relu", I=1, H=4, grades=("h_n", "grad_h"))),
    ]
    out = []
    for name, cell, arrays in valid:
        out.append((name, frame(cell, [(k, npy(v)) for k, v in arrays.items()])))
    # Valid, with files the loader skips, a .npy of format 2.0 and a NaN in a gradient.
    a = dump("lstm", seed=6)
    a["grad_x"][0, 0, 0] = np.nan
    files = [(k, npy(v, (2, 0) if k == "x" else None)) for k, v in a.items()]
    files += [("target", npy(np.zeros((2, 2, 2), f4))), ("junk", b"not an npy"),
              ("notes", b"free-form name")]
    out.append(("lstm_skipped_nan_grad", frame(None, files)))
    # Only the upstream gradient of the final state (no grad_output).
    a = dump("gru", optional=False, seed=7)
    del a["grad_output"]
    a["grad_h_n"] = np.ones((1, 2, 2), f4)
    out.append(("gru_grad_h_n_only", frame(None, [(k, npy(v)) for k, v in a.items()])))

    # Invalid: one of each error parse_dump names.
    def bad(name, cell, arrays, extra=()):
        out.append(("bad_" + name, frame(cell, [(k, npy(v)) for k, v in arrays.items()] +
                                         list(extra))))
    bad("elman_no_cell", None, dump("elman_tanh"))
    bad("lstm_told_gru", "gru", dump("lstm"))
    a = dump("lstm"); a["weight_hh_l0"] = a["weight_hh_l0"].astype(f8); bad("mixed_dtype", None, a)
    a = dump("gru"); a["x"] = a["x"][0]; bad("x_2d", None, a)
    a = dump("lstm"); a["weight_hh_l0"] = a["weight_hh_l0"].T.copy(); bad("whh_transposed", None, a)
    a = dump("lstm", I=5); a["weight_ih_l0"] = a["weight_ih_l0"].T.copy()
    bad("wih_transposed", None, a)
    a = dump("lstm"); a["x"][1, 1, 2] = np.inf; bad("x_inf", None, a)
    a = dump("gru"); a["c0"] = np.zeros((1, 2, 2), f4); bad("gru_c0", None, a)
    # Sequence lengths (lengths.npy, B integers in [1, T]): valid int64 and int32, and one of
    # each error lengths_from_npy names.
    i8 = lambda *v: npy(np.array(v, np.int64))
    out.append(("lstm_lengths", frame(None, [(k, npy(v)) for k, v in dump("lstm", seed=10).items()]
                                      + [("lengths", i8(2, 1))])))
    out.append(("gru_lengths_i4", frame(None, [(k, npy(v)) for k, v in
                                               dump("gru", T=3, B=3, dtype=f8, seed=11).items()]
                                        + [("lengths", npy(np.array([3, 1, 2], np.int32)))])))
    for name, data in [("float", npy(np.array([2.0, 1.0]))), ("2d", npy(np.ones((2, 1), np.int64))),
                       ("count", i8(2, 1, 1)), ("zero", i8(0, 2)), ("beyond_t", i8(2, 3)),
                       ("negative", i8(-2**63, 1)), ("scalar", npy(np.int64(2))),
                       ("big_endian", npy(np.array([2, 1], ">i8"))),
                       ("unsigned", npy(np.array([2, 1], np.uint64)))]:
        bad("lengths_" + name, None, dump("lstm"), [("lengths", data)])
    a = dump("lstm"); a["x"] = a["x"].astype(np.int64); bad("x_int64", None, a)
    bad("layer1", None, dump("lstm"), [("weight_ih_l1", npy(np.zeros((8, 2), f4)))])
    a = dump("lstm", grades=()); a.pop("output"); a.pop("h_n"); a.pop("c_n")
    bad("nothing_to_grade", None, a)
    a = dump("lstm", optional=False); del a["grad_output"]; bad("no_upstream", None, a)
    a = dump("lstm"); a["h0"] = np.zeros((2, 2, 2), f4); bad("h0_shape", None, a)
    a = dump("gru"); del a["weight_hh_l0"]; bad("missing_whh", None, a)
    a = dump("lstm"); a["x"] = np.zeros((0, 2, 3), f4); bad("t0", None, a)
    # Shapes that fit no problem: one seed per check (a fuzzer rarely changes a header's shape
    # and the data's length together).
    z = lambda *shape: np.zeros(shape, f4)
    for name, key, value in [
            ("whh_no_cell", "weight_hh_l0", z(3, 2)), ("whh_g2", "weight_hh_l0", z(4, 2)),
            ("whh_h0", "weight_hh_l0", z(8, 0)), ("whh_3d", "weight_hh_l0", z(1, 8, 2)),
            ("whh_scalar", "weight_hh_l0", z()), ("x_scalar", "x", z()),
            ("wih_shape", "weight_ih_l0", z(8, 4)), ("bias_shape", "bias_ih_l0", z(6)),
            ("grad_output_shape", "grad_output", z(2, 2, 3)), ("output_shape", "output", z(2, 1, 2)),
            ("grad_x_shape", "grad_x", z(2, 2, 2)), ("h_n_3d", "h_n", z(2, 2, 2)),
            ("h_n_2d", "h_n", z(2, 3)), ("h0_h", "h0", z(1, 2, 3)), ("c0_1d", "c0", z(4)),
            ("grad_whh_shape", "grad_weight_hh_l0", z(2, 8)),
            ("grad_wih_shape", "grad_weight_ih_l0", z(8, 2)), ("grad_c_shape", "grad_c", z(2, 2))]:
        a = dump("lstm", seed=8)
        a[key] = value
        bad(name, None, a)
    bad("lstm_told_elman", "elman_relu", dump("lstm"))
    bad("gru_told_elman", "elman_tanh", dump("gru"))
    bad("elman_told_lstm", "lstm", dump("elman_sigmoid"))
    a = dump("elman_tanh"); a["c_n"] = z(1, 2, 2); bad("elman_c_n", "elman_tanh", a)
    a = dump("gru"); a["grad_c"] = z(2, 2, 2); bad("gru_grad_c", None, a)
    a = dump("gru", dtype=f8); a["h0"][0, 1, 1] = np.nan; bad("h0_nan", None, a)
    # Valid corner: I = G·H, where weight_ih_l0 cannot look transposed.
    a = dump("gru", I=6, H=2, seed=9)
    out.append(("gru_square_wih", frame(None, [(k, npy(v)) for k, v in a.items()])))
    return out


def net_dump(cell, L, D, T=2, B=1, I=2, H=1, dtype=np.float32, seed=0, bias=True,
             extra=(), grades=("params",)):
    """The arrays of a network's dump (docs/networks.md, "Dumps"): x, grad_output and every
    block's weights (biases unless bias=False); `extra` adds inputs and forward results (h0, c0,
    grad_h_n, grad_c_n, output, h_n, c_n), `grades` the gradients: "params" (every block's
    grad_weight_*, grad_bias_*), "seq" (every block's grad_h, grad_c), or a file's name."""
    rng = np.random.default_rng(seed)
    G = GATES[cell]
    lstm = cell == "lstm"
    r = lambda *shape: rng.uniform(-1, 1, shape).astype(dtype)
    st, seq = (L * D, B, H), (T, B, D * H)
    a = {"x": r(T, B, I), "grad_output": r(*seq)}
    blocks = [f"_l{l}" + ("_reverse" if d else "") for l in range(L) for d in range(D)]
    for k, sfx in enumerate(blocks):
        width = I if k < D else D * H
        a["weight_ih" + sfx] = r(G * H, width)
        a["weight_hh" + sfx] = r(G * H, H)
        if bias:
            a["bias_ih" + sfx], a["bias_hh" + sfx] = r(G * H), r(G * H)
    shapes = {"h0": st, "c0": st, "grad_h_n": st, "grad_c_n": st, "output": seq, "h_n": st,
              "c_n": st, "grad_x": (T, B, I), "grad_h0": st, "grad_c0": st}
    for name in extra:
        if lstm or name[-2:] not in ("c0", "_n") or name in ("grad_h_n", "h_n"):
            a[name] = r(*shapes[name])
    for name in grades:
        if name == "params":
            for k, sfx in enumerate(blocks):
                width = I if k < D else D * H
                a["grad_weight_ih" + sfx] = r(G * H, width)
                a["grad_weight_hh" + sfx] = r(G * H, H)
                if bias:
                    a["grad_bias_ih" + sfx], a["grad_bias_hh" + sfx] = r(G * H), r(G * H)
        elif name == "seq":
            for sfx in blocks:
                a["grad_h" + sfx] = r(T, B, H)
                if lstm:
                    a["grad_c" + sfx] = r(T, B, H)
        elif lstm or name != "grad_c0":
            a[name] = r(*shapes[name])
    return a


def network_seeds():
    f4, f8 = np.float32, np.float64
    out = []

    def add(name, cell, arrays, extra=()):
        data = frame(cell, [(k, npy_compact(v)) for k, v in arrays.items()] + list(extra))
        assert len(data) <= MAX_LEN, (name, len(data))
        out.append(("net_" + name, data))
    told = {"lstm": None, "gru": None, "elman_tanh": "elman_tanh", "elman_sigmoid": "elman_sigmoid",
            "elman_relu": "elman_relu"}
    # Valid: every cell as L = 2 bidirectional, L = 3 forward, and one bidirectional layer.
    for i, cell in enumerate(GATES):
        dt = f4 if i % 2 == 0 else f8
        add(f"{cell}_l2_bi", told[cell], net_dump(cell, 2, 2, dtype=dt, seed=10 + i,
                                                  extra=("h0", "c0", "output"),
                                                  grades=("params", "grad_x")))
        add(f"{cell}_l3", told[cell], net_dump(cell, 3, 1, dtype=f8 if dt is f4 else f4,
                                               seed=20 + i, extra=("h_n", "c_n"),
                                               grades=("seq", "grad_h0", "grad_c0")))
        add(f"{cell}_bi", told[cell], net_dump(cell, 1, 2, T=3, B=2, dtype=dt, seed=30 + i,
                                               extra=("h0", "c0", "grad_h_n", "grad_c_n",
                                                      "output", "h_n", "c_n"),
                                               grades=("params", "seq", "grad_x", "grad_h0",
                                                       "grad_c0")))
    # Valid corners: bias=False (the weights' gradients then not graded), only a forward to
    # grade, and only the final states' upstream gradient.
    add("gru_l2_bi_no_bias", None, net_dump("gru", 2, 2, bias=False, seed=40, extra=("output",)))
    add("lstm_l2_forward_only", None, net_dump("lstm", 2, 1, seed=41, extra=("output", "h_n"),
                                               grades=()))
    a = net_dump("lstm", 2, 2, dtype=f8, seed=42, extra=("grad_h_n", "grad_c_n"))
    del a["grad_output"]
    add("lstm_l2_bi_grad_h_n_only", None, a)
    # Invalid: one of each error a network's files make.
    base = lambda **kw: net_dump("lstm", 2, 2, seed=50, extra=("h0", "output"),
                                 grades=("params", "seq"), **kw)
    z = lambda *shape: np.zeros(shape, f4)
    a = base(); del a["weight_hh_l1_reverse"]; add("bad_missing_whh_l1_reverse", None, a)
    a = base(); a["weight_ih_l1"] = z(4, 3); add("bad_wih_l1_width", None, a)
    a = base(); a["weight_ih_l1"] = z(2, 4); add("bad_wih_l1_transposed", None, a)
    a = base(); a["weight_hh_l0_reverse"] = z(1, 4); add("bad_whh_reverse_shape", None, a)
    a = base(); a["grad_weight_ih_l1"] = z(4, 3); add("bad_grad_wih_l1_shape", None, a)
    a = base(); a["h0"] = z(3, 1, 1); add("bad_h0_rows", None, a)
    a = base(); a["h0"] = z(1, 1); add("bad_h0_2d", None, a)
    a = base(); a["output"] = z(2, 1, 1); add("bad_output_width", None, a)
    a = base()
    for k in [k for k in a if k.endswith("_l1_reverse")]:
        del a[k]
    add("bad_reverse_some_layers", None, a)
    a = net_dump("gru", 3, 1, seed=51, grades=("params",))
    for k in [k for k in a if k.endswith("_l1")]:
        del a[k]
    add("bad_layer_gap", None, a)
    a = base(); a["weight_hh_l2"] = z(4, 1); add("bad_extra_layer", None, a)
    a = base(); del a["grad_bias_ih_l1"]; add("bad_partial_param_grads", None, a)
    a = base(); del a["grad_h_l0_reverse"]; add("bad_partial_grad_h", None, a)
    a = base(); a["grad_h"] = a.pop("grad_h_l0"); add("bad_single_name", None, a)
    a = base(); del a["bias_hh_l1"]; add("bad_partial_bias", None, a)
    a = base(); a["weight_hh_l1_reverse"][0, 0] = np.nan; add("bad_nan_whh", None, a)
    a = base(); a["bias_ih_l1"] = a["bias_ih_l1"].astype(f8); add("bad_mixed_dtype", None, a)
    a = net_dump("gru", 2, 2, seed=52, grades=("seq",)); a["grad_c_l1"] = z(2, 1, 1)
    add("bad_gru_grad_c", None, a)
    a = net_dump("lstm", 1, 1, seed=53, grades=("seq",)); add("bad_layer_grad_h_l0", None, a)
    a = base(); a["bias_ih_l01"] = a.pop("bias_ih_l1"); add("bad_leading_zero", None, a)
    add("bad_huge_layer", None, base(), [("weight_ih_l99999999999", npy_compact(z(4, 2)))])
    add("bad_elman_no_cell", None, net_dump("elman_relu", 2, 2, seed=54))
    # Packed sequences in a network: valid, and lengths beyond T.
    add("lstm_l2_bi_lengths", None, net_dump("lstm", 2, 2, T=3, B=2, seed=55, extra=("output",)),
        [("lengths", npy_compact(np.array([3, 1], np.int64)))])
    add("bad_gru_l2_lengths_beyond_t", None, net_dump("gru", 2, 1, seed=56),
        [("lengths", npy_compact(np.array([3], np.int64)))])
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz/make_dump_corpus.py DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in seeds() + network_seeds():
        with open(os.path.join(sys.argv[1], "seed_" + name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
