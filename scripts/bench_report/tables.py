"""The rates tables: steps/s with their spread, GFLOP/s and % of peak, and the speed-up by the
medians, per problem and direction, rnnsuite beside oneDNN."""
from .problems import flops
from .results import stats


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def cell_text(entry, p, direction, peak):
    """(steps/s median (min–max), GFLOP/s (% of peak), stats) of one benchmark."""
    s = stats(entry)
    if entry is None:
        return "–", "–", None
    if s is None:
        return f"error: {entry['error']}", "", None
    steps = entry["counters"].get("steps") or p["T"] * p["B"]
    rate = f"{fmt_rate(steps / s['median'])} ({fmt_rate(steps / s['max'])}–{fmt_rate(steps / s['min'])})"
    gflops = flops(p, direction, steps) / s["median"] * 1e-9
    pct = f" ({gflops / peak * 100:.0f} %)" if peak else ""
    return rate, f"{gflops:.1f}{pct}", s


def comparison_table(runs, keys, peaks, labels=None):
    lines = ["| problem | dir | rnnsuite steps/s median (min–max) | GFLOP/s (% peak) "
             "| oneDNN steps/s median (min–max) | GFLOP/s (% peak) | speed-up |",
             "|---|---|---|---|---|---|---|"]
    for descriptor, direction in keys:
        ours = runs.get((descriptor, direction, "rnnsuite"))
        if ours is None:
            continue
        p = ours["problem"]
        peak = peaks.get(p["prec"])
        theirs = runs.get((descriptor, direction, "onednn"))
        our_rate, our_gf, our_s = cell_text(ours, p, direction, peak)
        if p["prec"] == "f64":
            their_rate, their_gf, their_s = "no f64 RNN in oneDNN 2.6", "", None
        else:
            their_rate, their_gf, their_s = cell_text(theirs, p, direction, peak)
        ratio = f"{their_s['median'] / our_s['median']:.2f}x" if our_s and their_s else "–"
        name = f"`{descriptor}`" + (f" ({labels[descriptor]})" if labels and descriptor in labels else "")
        lines.append(f"| {name} | {direction} | {our_rate} | {our_gf} | {their_rate} | {their_gf} | {ratio} |")
    return "\n".join(lines)
