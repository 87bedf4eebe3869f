"""How cost grows with the sequence length: the least-squares line of time against T, and the
bytes rnnsuite stores for backward against the minimum BPTT storage."""
from .estimates import line_fit
from .problems import SWEEP_B, SWEEP_H, minimum_bptt_bytes
from .results import stats, sweep

ACTIVATION_BOUND = 1.10  # stored activations at most 10 % above the minimum


def cost_growth_section(runs, cells):
    lines = ["Least squares fit of the median time per forward+backward against T, for T from 16 to 4096, "
             f"B = {SWEEP_B}, I = H = {SWEEP_H}, float32: time ≈ intercept + slope·T. R² near 1 means the "
             "cost is linear in T (no super-linear growth from stored activations falling out of cache).",
             "", "| cell | implementation | slope (µs per step) | intercept (µs) | R² | points |", "|---|---|---|---|---|---|"]
    for cell in cells:
        for impl in ("rnnsuite", "onednn"):
            pts = [(T, stats(e)["median"]) for T, e in sweep(runs, cell, SWEEP_B, SWEEP_H, "fwdbwd", impl)
                   if 16 <= T <= 4096 and stats(e)]
            if len(pts) < 3:
                continue
            slope, intercept, r2 = line_fit([t for t, _ in pts], [s for _, s in pts])
            lines.append(f"| {cell} | {impl} | {slope * 1e6:.3f} | {intercept * 1e6:.1f} | {r2:.5f} | {len(pts)} |")
    return "\n".join(lines) if len(lines) > 4 else ""  # a grid without the T sweep: no section


def workspace_section(runs, cells):
    lines = ["**Minimum BPTT storage**, defined here: what backward needs from forward without recomputing "
             "any matrix product. For every cell: x_t (T·B·I; dW_ih = Σ δ_t x_tᵀ, and backward is not handed "
             "x again). Elman: h_0..h_T ((T+1)·B·H; dW_hh needs h_{t-1}, and f'(·) is a function of h_t for "
             "tanh, sigmoid and ReLU). LSTM: h_0..h_{T-1} (dW_hh), the four activated gates i, f, g, o "
             "(4·T·B·H) and c_0..c_T ((T+1)·B·H; tanh(c_t) and dc need them). GRU: h_0..h_{T-1}, the three "
             "activated gates r, z, n (3·T·B·H) and W_hn·h'+b_hn (T·B·H; dr needs it and it cannot be "
             "rebuilt from the gates without the GEMM). Recomputation (checkpointing) could go lower at the "
             "price of FLOPs; that is not counted as the minimum here.", "",
             "| cell | T | rnnsuite activation bytes | minimum | ratio | oneDNN workspace bytes |",
             "|---|---|---|---|---|---|"]
    verdicts = []
    for cell in cells:
        ours = sweep(runs, cell, SWEEP_B, SWEEP_H, "fwdbwd", "rnnsuite")
        theirs = {T: e for T, e in sweep(runs, cell, SWEEP_B, SWEEP_H, "fwdbwd", "onednn")}
        pts, worst = [], 0.0
        for T, e in ours:
            if "activation_bytes" not in e["counters"]:
                continue
            got, need = e["counters"]["activation_bytes"], minimum_bptt_bytes(e["problem"])
            ratio = got / need
            if T >= 16:
                worst = max(worst, ratio)
            pts.append((T, got))
            peer = theirs.get(T, {}).get("counters", {}).get("activation_bytes")
            if T in (1, 16, 128, 1024, 4096):
                lines.append(f"| {cell} | {T} | {int(got):,} | {need:,} | {ratio:.3f} | "
                             f"{f'{int(peer):,}' if peer else '–'} |")
        if len(pts) >= 3:
            # round(): an intercept of -1e-10 from the fit's rounding must print as 0, not -0
            slope, intercept, r2 = line_fit([t for t, _ in pts], [b for _, b in pts])
            verdicts.append(f"- {cell}: activation bytes ≈ {round(intercept):,} + {slope:,.1f}·T (R² = {r2:.6f}); "
                            f"largest ratio to the minimum at T ≥ 16: {worst:.3f} "
                            f"({'within' if worst <= ACTIVATION_BOUND else 'ABOVE'} the 10 % bound)")
    return "\n".join(lines + [""] + verdicts)
