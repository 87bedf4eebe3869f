"""Mann-Whitney U test and the A/B verdict of scripts/regress-timing (standard library only).

Why this test: timings on a shared machine are skewed (long right tail from preemption), so a
t-test's normality assumption fails; the rank test assumes only that the samples are independent.
"""
import math
import statistics


def u_statistic(a, b):
    """U of sample a: the number of pairs (x in a, y in b) with x > y, ties counting one half."""
    u = 0.0
    for x in a:
        for y in b:
            if x > y:
                u += 1.0
            elif x == y:
                u += 0.5
    return u


def _exact_distribution(n, m):
    """counts[u] = number of the C(n+m, n) orderings of n a's and m b's whose U equals u."""
    # ways[j][u] for the first i a's and j b's; adding an a after j b's adds j to U.
    ways = [[1] + [0] * (n * m) for _ in range(m + 1)]
    for _ in range(n):
        new = [[0] * (n * m + 1) for _ in range(m + 1)]
        for j in range(m + 1):
            for u in range(n * m + 1):
                # last element an a (contributing j, one per b before it) or a b
                from_a = ways[j][u - j] if u >= j else 0
                from_b = new[j - 1][u] if j > 0 else 0
                new[j][u] = from_a + from_b
        ways = new
    return ways[m]


def two_sided_p(a, b):
    """Two-sided p-value of H0 'a and b come from one distribution'.

    Exact (enumerating the null distribution of U) when there are no ties and both samples have
    at most 30 values; otherwise the normal approximation with tie and continuity corrections.
    """
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        raise ValueError(f"both samples need values, got sizes {n} and {m}")
    u = u_statistic(a, b)
    pooled = sorted(a + b)
    has_ties = len(set(pooled)) < len(pooled)
    if not has_ties and n <= 30 and m <= 30:
        counts = _exact_distribution(n, m)
        total = math.comb(n + m, n)
        k = int(u)
        lower = sum(counts[: k + 1]) / total
        upper = sum(counts[k:]) / total
        return min(1.0, 2.0 * min(lower, upper))
    # Normal approximation; the variance shrinks with ties (each tie group of size t).
    tie_term = 0
    i = 0
    while i < len(pooled):
        j = i
        while j < len(pooled) and pooled[j] == pooled[i]:
            j += 1
        t = j - i
        tie_term += t ** 3 - t
        i = j
    size = n + m
    variance = n * m / 12.0 * ((size + 1) - tie_term / (size * (size - 1)))
    if variance <= 0:
        return 1.0  # every value equal: no evidence of any difference
    z = (abs(u - n * m / 2.0) - 0.5) / math.sqrt(variance)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2.0)))


def median_shift(a, b):
    """Relative change of b's median against a's: +0.10 means b is 10 % slower."""
    base = statistics.median(a)
    return (statistics.median(b) - base) / base


def verdict(a, b, alpha=0.05, min_effect=0.05):
    """('slower' | 'faster' | 'no change', p, shift) for b against a.

    Both conditions are needed: significance alone flags a 0.5 % shift given enough samples, and
    a large shift alone can be one preempted run.
    """
    p = two_sided_p(a, b)
    shift = median_shift(a, b)
    if p < alpha and abs(shift) >= min_effect:
        return ("slower" if shift > 0 else "faster"), p, shift
    return "no change", p, shift
