"""The sections that judge the run against its targets, each speed-up or time ratio with its 90 %
bootstrap interval: the single layers' targets, the networks', two threads against one, and the
batches of different lengths."""
import statistics

from .estimates import ratio_interval
from .problems import (OTHER_CELL_TARGETS, TABLE_SHAPES, flops, network_shape, padded_twin,
                       parse_descriptor)
from .results import stats
from .verdicts import (NETWORK_SPEED_UP, NETWORK_SPEED_UP_B1, PACKED_TIME_TARGET, PEAK_SHARE,
                       SCALING_TARGET, SPEED_UP, SPEED_UP_B1, shown_ratio, speed_up_status,
                       time_ratio_status)


def targets_section(runs, peaks, threads):
    """Issue 4, item 5: float32, forward+backward. One thread: >= 1.0x oneDNN everywhere, >= 1.3x at
    batch 1, >= 85 % of the FP32 peak at B >= 64, H = 512. Two threads: >= 1.0x oneDNN everywhere."""
    lines = ["| shape (I = H) | speed-up vs oneDNN | 90 % interval | target | status | % of FP32 peak "
             "| target | status |",
             "|---|---|---|---|---|---|---|---|"]
    for d in [f"lstm_t{T}_b{B}_i{H}_h{H}_f32" for H, B, T in TABLE_SHAPES] + OTHER_CELL_TARGETS:
        problem = parse_descriptor(d)
        B, H = problem["B"], problem["H"]
        our_entry, their_entry = runs.get((d, "fwdbwd", "rnnsuite")), runs.get((d, "fwdbwd", "onednn"))
        ours, theirs = stats(our_entry), stats(their_entry)
        if not ours or not theirs:
            lines.append(f"| `{d}` | not measured | | | – | | | – |")
            continue
        low, high = ratio_interval(our_entry["times"], their_entry["times"], d)
        ratio = theirs["median"] / ours["median"]
        need = SPEED_UP_B1 if (B == 1 and threads == 1) else SPEED_UP
        # the peak is one core's: with n threads the attainable rate is n times it
        pct = flops(problem, "fwdbwd") / ours["median"] * 1e-9 / (peaks["f32"] * threads) * 100
        need_pct = PEAK_SHARE if (B >= 64 and H == 512 and threads == 1) else None
        pct_status = "–" if need_pct is None else "met" if pct >= need_pct else "MISSED"
        shown = lambda x: shown_ratio(x, need)
        lines.append(f"| `{d}` | {shown(ratio)}x | {shown(low)}–{shown(high)}x | ≥ {need:.1f}x | "
                     f"{speed_up_status(ratio, low, high, need)} | {pct:.0f} % | "
                     f"{f'≥ {need_pct} %' if need_pct else '–'} | {pct_status} |")
    return "\n".join(lines)


def network_targets_section(runs, keys, peak, threads):
    """Issue 25, item 5: float32, forward+backward, beside oneDNN's own stacked and bidirectional
    primitives: at least 1.0x at every stacked shape, at least 1.3x at batch 1 (one thread)."""
    lines = ["| network | shape | speed-up vs oneDNN | 90 % interval | target | status "
             "| rnnsuite % of FP32 peak | oneDNN % of peak |",
             "|---|---|---|---|---|---|---|---|"]
    for descriptor, direction in keys:
        if direction != "fwdbwd":
            continue
        our_entry = runs.get((descriptor, direction, "rnnsuite"))
        their_entry = runs.get((descriptor, direction, "onednn"))
        p = parse_descriptor(descriptor)
        ours, theirs = stats(our_entry), stats(their_entry)
        if not ours or not theirs:
            lines.append(f"| `{descriptor}` | {network_shape(p)} | not measured | | | – | | |")
            continue
        need = NETWORK_SPEED_UP_B1 if (p["B"] == 1 and threads == 1) else NETWORK_SPEED_UP
        low, high = ratio_interval(our_entry["times"], their_entry["times"], descriptor)
        ratio = theirs["median"] / ours["median"]
        pct = lambda s: f"{flops(p, direction) / s['median'] * 1e-9 / (peak * threads) * 100:.0f} %" if peak else "–"
        lines.append(f"| `{descriptor}` | {network_shape(p)} | {shown_ratio(ratio, need)}x | "
                     f"{shown_ratio(low, need)}–{shown_ratio(high, need)}x | ≥ {need:.1f}x | "
                     f"{speed_up_status(ratio, low, high, need)} | {pct(ours)} | {pct(theirs)} |")
    return "\n".join(lines)


def lengths_section(runs, keys):
    """Issue 26, item 4: each batch of different lengths (rnnsuite, packed) beside the same batch
    padded to T, run by rnnsuite and by oneDNN (which has no lengths); forward+backward. The
    ratios are times (lower is better), each with the bootstrap interval of the speed-ups."""
    lines = ["| batch of different lengths | Σ len / (T·B) | rnnsuite packed, ms | rnnsuite padded, ms "
             "| oneDNN padded, ms | packed / rnnsuite padded | packed / oneDNN padded | target | status |",
             "|---|---|---|---|---|---|---|---|---|"]
    for descriptor, direction in keys:
        padded = padded_twin(descriptor)
        packed_entry = runs.get((descriptor, direction, "rnnsuite"))
        ours_entry = runs.get((padded, direction, "rnnsuite"))
        theirs_entry = runs.get((padded, direction, "onednn"))
        p = parse_descriptor(descriptor)
        packed = stats(packed_entry)
        if not packed:
            lines.append(f"| `{descriptor}` | | not measured | | | | | | – |")
            continue
        fill = packed_entry["counters"].get("steps", 0) / (p["T"] * p["B"])
        ms = lambda s: f"{s['median'] * 1e3:.1f} ({s['min'] * 1e3:.1f}–{s['max'] * 1e3:.1f})" if s else "–"
        target = p["B"] == 64 and p["T"] == 512

        def time_ratio(entry):
            s = stats(entry)
            if not s:
                return "–", None
            low, high = ratio_interval(entry["times"], packed_entry["times"], descriptor + "/" + padded)
            ratio = packed["median"] / s["median"]
            return f"{ratio:.2f}x ({low:.2f}–{high:.2f})", (ratio, low, high)
        ours_text, ours_ratio = time_ratio(ours_entry)
        theirs_text, _ = time_ratio(theirs_entry)
        status = time_ratio_status(*ours_ratio, PACKED_TIME_TARGET) if target and ours_ratio else "–"
        lines.append(f"| `{descriptor}` | {fill:.3f} | {ms(packed)} | {ms(stats(ours_entry))} | "
                     f"{ms(stats(theirs_entry))} | {ours_text} | {theirs_text} | "
                     f"{f'≤ {PACKED_TIME_TARGET}x padded' if target else '–'} | {status} |")
    return "\n".join(lines)


def scaling_section(scaling):
    """rnnsuite at two threads against one thread on each bidirectional network (the two directions
    of a layer on the two cores): median(one thread) / median(two threads), target >= 1.8x."""
    lines = ["| network | one thread, ms median (min–max) | two threads, ms median (min–max) "
             "| speed-up | 90 % interval | target | status |",
             "|---|---|---|---|---|---|---|"]
    for descriptor in sorted(scaling):
        one, two = scaling[descriptor].get("1", []), scaling[descriptor].get("2", [])
        if not one or not two:
            lines.append(f"| `{descriptor}` | not measured | | | | ≥ {SCALING_TARGET}x | – |")
            continue
        ms = lambda t: (f"{statistics.median(t) * 1e3:.1f} ({min(t) * 1e3:.1f}–{max(t) * 1e3:.1f})")
        ratio = statistics.median(one) / statistics.median(two)
        low, high = ratio_interval(two, one, descriptor + "/threads")
        lines.append(f"| `{descriptor}` | {ms(one)} | {ms(two)} | {shown_ratio(ratio, SCALING_TARGET)}x | "
                     f"{shown_ratio(low, SCALING_TARGET)}–{shown_ratio(high, SCALING_TARGET)}x | "
                     f"≥ {SCALING_TARGET}x | {speed_up_status(ratio, low, high, SCALING_TARGET)} |")
    return "\n".join(lines)
