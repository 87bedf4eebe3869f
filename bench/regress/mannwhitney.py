"""The A/B verdict of scripts/regress-timing: a Mann-Whitney U test (scipy.stats.mannwhitneyu,
Debian's python3-scipy) plus a minimum median shift.

Why this test: timings on a shared machine are skewed (long right tail from preemption), so a
t-test's normality assumption fails; the rank test assumes only that the samples are independent.

What is ours, not scipy's: which of scipy's p-values to use (below), the median shift, and the
verdict that needs both significance and effect.
"""
import statistics
import sys

try:
    import scipy.stats
except ImportError as missing:  # a missing package, not a bug: say what to install, exit 2
    print(f"mannwhitney: needs scipy ({missing}); scripts/install-deps installs Debian's "
          "python3-scipy for /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

EXACT_LIMIT = 30  # samples a side up to which the exact null distribution is enumerated


def two_sided_test(a, b):
    """(U of a, two-sided p) for H0 'a and b come from one distribution'; U counts the pairs
    (x in a, y in b) with x > y, ties one half.

    Exact when there are no ties and both samples have at most EXACT_LIMIT values: scipy's own
    choice ('auto') enumerates only below 8 values a side, and the runs here have 9-30. scipy's
    exact distribution assumes no ties, so with ties the normal approximation with tie and
    continuity corrections is used at any size, as it is above EXACT_LIMIT.
    """
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        raise ValueError(f"both samples need values, got sizes {n} and {m}")
    pooled = list(a) + list(b)
    tie_free = len(set(pooled)) == len(pooled)
    method = "exact" if tie_free and n <= EXACT_LIMIT and m <= EXACT_LIMIT else "asymptotic"
    result = scipy.stats.mannwhitneyu(a, b, alternative="two-sided", method=method,
                                      use_continuity=True)
    return float(result.statistic), float(result.pvalue)


def median_shift(a, b):
    """Relative change of b's median against a's: +0.10 means b is 10 % slower."""
    base = statistics.median(a)
    return (statistics.median(b) - base) / base


def verdict(a, b, alpha=0.05, min_effect=0.05):
    """('slower' | 'faster' | 'no change', p, shift) for b against a.

    Both conditions are needed: significance alone flags a 0.5 % shift given enough samples, and
    a large shift alone can be one preempted run.
    """
    _, p = two_sided_test(a, b)
    shift = median_shift(a, b)
    if p < alpha and abs(shift) >= min_effect:
        return ("slower" if shift > 0 else "faster"), p, shift
    return "no change", p, shift
