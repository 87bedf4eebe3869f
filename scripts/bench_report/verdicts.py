"""The targets (issues 4, 25 and 26) and how a measured ratio with its interval is judged against
one."""

SPEED_UP_B1, SPEED_UP = 1.3, 1.0  # issue 4, item 5: batch 1 (one thread), and everywhere
PEAK_SHARE = 85  # % of the FP32 peak at B >= 64, H = 512 (one thread)
NETWORK_SPEED_UP, NETWORK_SPEED_UP_B1, SCALING_TARGET = 1.0, 1.3, 1.8  # issue 25, item 5
PACKED_TIME_TARGET = 0.6  # issue 26: lengths uniform in [1, T] at most 0.6x the padded batch's time


def speed_up_status(ratio, low, high, need):
    """met or MISSED by the medians; "within noise" when the ratio's interval reaches across the
    target, i.e. this run cannot tell which side of it the implementations are."""
    if ratio >= need:
        return "met" if low >= need else "met, within noise"
    return "MISSED" if high < need else "MISSED, within noise"


def time_ratio_status(ratio, low, high, most):
    """The same for a ratio of times whose target is an upper bound (lower is better)."""
    if ratio <= most:
        return "met" if high <= most else "met, within noise"
    return "MISSED" if low > most else "MISSED, within noise"


def shown_ratio(x, need):
    """A ratio just under its target must not print as the target: 1.297 is "1.297x", not "1.30x"."""
    return f"{x:.2f}" if f"{x:.2f}" != f"{need:.2f}" or x >= need else f"{x:.3f}"
