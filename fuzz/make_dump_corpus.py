#!/usr/bin/python3
"""Seed inputs for fuzz/dump_fuzzer.cpp, in its framing (see the top of that file): small LSTM,
GRU and Elman dumps, f32 and f64, with and without the optional files, and a few invalid ones.
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
    "junk", "x_l", "", "grad_x_l0"]
CELLS = [None, "elman_tanh", "elman_sigmoid", "elman_relu", "lstm", "gru"]
GATES = {"elman_tanh": 1, "elman_sigmoid": 1, "elman_relu": 1, "lstm": 4, "gru": 3}


def npy(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


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
    bad("lengths", None, dump("lstm"), [("lengths", npy(np.array([2, 2], np.int64)))])
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


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz/make_dump_corpus.py DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(sys.argv[1], "seed_" + name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
