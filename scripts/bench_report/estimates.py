"""The report's statistics, from scipy.stats (Debian's python3-scipy): the bootstrap interval of a
ratio of two medians, and the least-squares line of the cost-growth and memory sections."""
import sys
import zlib

try:
    import numpy
    import scipy.stats
except ImportError as missing:  # a missing package, not a bug: say what to install, exit 2
    print(f"bench-report: needs scipy and numpy ({missing}); scripts/install-deps installs Debian's "
          "python3-scipy for /usr/bin/python3", file=sys.stderr)
    sys.exit(2)

RESAMPLES = 4000  # bootstrap resamples per shape
CONFIDENCE = 0.90


def _ratio_of_medians(denominator, numerator, axis=-1):
    return numpy.median(numerator, axis=axis) / numpy.median(denominator, axis=axis)


def ratio_interval(denominator, numerator, key):
    """90 % percentile-bootstrap interval of median(numerator) / median(denominator), the two
    samples resampled with replacement independently of each other (two independent samples:
    paired=False). Seeded from `key` (the shape's name), so the same JSON always renders the same
    report.

    Percentile, not BCa: the statistic is a median of 5-20 repetitions, whose bootstrap
    distribution takes only a handful of values. BCa's bias correction (the share of resamples
    below the estimate) and its jackknife acceleration are unreliable for such a discrete,
    non-smooth statistic, and undefined when the repetitions tie (scipy returns NaN). The
    percentile interval is the resampled ratios' 5 % and 95 % quantiles, which bench/tests/report.py
    checks against the exact bootstrap distribution of a median."""
    # scipy needs two values a sample; one repetition resamples to itself every time, as does
    # that value twice, so doubling it gives the bootstrap of the single value exactly.
    samples = tuple(list(s) * 2 if len(s) == 1 else list(s) for s in (denominator, numerator))
    if not all(samples):
        raise ValueError(f"ratio_interval({key}): a sample has no times")
    result = scipy.stats.bootstrap(samples, _ratio_of_medians, n_resamples=RESAMPLES,
                                   vectorized=True, paired=False, confidence_level=CONFIDENCE,
                                   method="percentile",
                                   random_state=numpy.random.default_rng(zlib.crc32(key.encode())))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def line_fit(xs, ys):
    """slope, intercept, R² of y = intercept + slope·x (ordinary least squares)."""
    fit = scipy.stats.linregress(xs, ys)
    # scipy reports r = 0 for a flat line; a flat line through flat data fits it exactly.
    exact = len(set(ys)) == 1
    return float(fit.slope), float(fit.intercept), 1.0 if exact else float(fit.rvalue) ** 2
