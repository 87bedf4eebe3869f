"""Problem descriptors and what follows from a problem's shape alone: FLOPs, the minimum BPTT
storage, and the shape lists the report's sections are built from."""
import re

DESCRIPTOR = re.compile(
    r"^(\w+?)_t(\d+)_b(\d+)_i(\d+)_h(\d+)(?:_l(\d+))?(_bi)?(?:_len(u\d+|x|f))?_(f32|f64)$")
GATES = {"elman_tanh": 1, "elman_sigmoid": 1, "elman_relu": 1, "lstm": 4, "gru": 3}
TABLE_SHAPES = [(128, 1, 128), (128, 16, 128), (128, 64, 1024), (512, 1, 128), (512, 1, 1024),
                (512, 16, 128), (512, 64, 1024)]  # PERFORMANCE.md: (H, B, T), LSTM, I = H
# PERFORMANCE.md's "other cells" line: vanilla tanh and GRU at T = 128, I = H = 512, B = 1 and 64.
OTHER_CELL_TARGETS = [f"{cell}_t128_b{B}_i512_h512_f32" for cell in ("elman_tanh", "gru")
                      for B in (1, 64)]
NAMED = {"lstm_t150_b16_i256_h256_f32": "DeepBench LSTM", "lstm_t25_b16_i512_h512_f32": "DeepBench LSTM",
         "lstm_t30_b1_i512_h512_f32": "GNMT encoder", "lstm_t30_b64_i512_h512_f32": "GNMT encoder",
         "elman_relu_t50_b1_i1760_h1760_f32": "DeepSpeech2 RNN",
         "elman_relu_t50_b64_i1760_h1760_f32": "DeepSpeech2 RNN"}
SWEEP_B, SWEEP_H = 1, 128  # the per-cell T sweep of the default grid


def parse_descriptor(text):
    m = DESCRIPTOR.match(text)
    if not m:
        raise SystemExit(f"bench-report: benchmark descriptor '{text}' is not "
                         "<cell>_t_b_i_h[_l<L>][_bi][_len<rule>]_<prec>")
    cell, T, B, I, H, L, bi, lengths, prec = m.groups()
    return {"cell": cell, "T": int(T), "B": int(B), "I": int(I), "H": int(H), "prec": prec,
            "L": int(L or 1), "D": 2 if bi else 1, "lengths": lengths}


def padded_twin(descriptor):
    """The same batch padded to T: the descriptor without its lengths field (the same data)."""
    return re.sub(r"_len(u\d+|x|f)(?=_f(32|64)$)", "", descriptor)


def is_network(p):
    return p["L"] > 1 or p["D"] > 1


def network_shape(p):
    layers = f"{p['L']} layer{'s' if p['L'] > 1 else ''}"
    return layers + (", bidirectional" if p["D"] == 2 else "")


def forward_flops(p):
    """benchdnn's rule per layer and direction: layer 0 reads I, layer l > 0 the D·H-wide output below."""
    per_input = lambda width: 2.0 * p["T"] * p["B"] * GATES[p["cell"]] * p["H"] * (width + p["H"])
    return p["D"] * (per_input(p["I"]) + (p["L"] - 1) * per_input(p["D"] * p["H"]))


def flops(p, direction, steps=None):
    """steps: Σ len of a batch of different lengths (rnnsuite-bench's "steps" counter); the FLOPs
    scale with the steps computed, T·B when every sequence is T long."""
    scale = steps / (p["T"] * p["B"]) if steps else 1.0
    return forward_flops(p) * (3 if direction == "fwdbwd" else 1) * scale


def minimum_bptt_bytes(p):
    """What backward needs from forward without recomputing a matrix product (the report defines it)."""
    T, B, I, H = p["T"], p["B"], p["I"], p["H"]
    size = 4 if p["prec"] == "f32" else 8
    elements = T * B * I  # x_t: dW_ih = Σ δ_t x_tᵀ, and backward is not given x again
    if p["cell"] == "lstm":
        elements += T * B * H + 4 * T * B * H + (T + 1) * B * H  # h_0..h_{T-1}; i,f,g,o; c_0..c_T
    elif p["cell"] == "gru":
        elements += T * B * H + 3 * T * B * H + T * B * H  # h_0..h_{T-1}; r,z,n; W_hn·h'+b_hn
    else:
        elements += (T + 1) * B * H  # h_0..h_T: dW_hh needs h_{t-1}, f'(·) is a function of h_t
    return elements * size
