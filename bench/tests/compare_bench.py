"""scripts/compare-bench: its interval (scipy's percentile bootstrap of the median of the
per-round ratios) against the exact bootstrap distribution of a median of three; end to end on
the real rnnsuite-bench against itself: a ratio line per implementation with an interval, the
rnnsuite/onednn ratio per build; and exit status 2 naming the argument for bad input.

  compare_bench.py SCRIPT RNNSUITE_BENCH
"""
import importlib.machinery
import importlib.util
import re
import subprocess
import sys

script, bench = sys.argv[1], sys.argv[2]
problem = "lstm_t4_b2_i8_h8_f32"

# The median of three values resampled with replacement is the smallest when at least two of
# the three draws are: P = 3·(1/3)²·(2/3) + (1/3)³ = 7/27 = 26 %, the largest likewise, the middle
# 13/27. So the 5 % and 95 % quantiles are the smallest and the largest value, far from the edges
# of their mass for 10000 resamples. One round has no spread: the interval is the ratio.
loader = importlib.machinery.SourceFileLoader("compare_bench_script", script)
module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
loader.exec_module(module)
numpy = module.numpy
for ratios, want in (([1.2, 0.8, 1.0], (1.0, 0.8, 1.2)), ([1.1], (1.1, 1.1, 1.1))):
    got = module.summary(ratios, numpy.random.default_rng(1))
    assert got == want, (ratios, got, want)
    assert module.summary(ratios, numpy.random.default_rng(1)) == got, "not reproducible"


def run(*args):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True)


good = run("--rounds", "2", "--repetitions", "1", "--min-time", "0.01",
           f"base={bench}", f"new={bench}", "--", problem)
assert good.returncode == 0, good.stderr
number = r"[0-9]+\.[0-9]+"
for label in ("rnnsuite", "onednn"):
    line = rf"{problem}/fwdbwd/{label} \({number} ms\): new/base ({number}) \[({number})-({number})\]"
    match = re.search(line, good.stdout)
    assert match, f"no ratio line for {label}:\n{good.stdout}"
    ratio, low, high = (float(g) for g in match.groups())
    assert 0 < low <= ratio <= high, match.group(0)
assert re.search(rf"{problem}: base {number} \[{number}-{number}\]; new {number}", good.stdout), good.stdout

for args, fragment in [
        (["--rounds", "0", f"a={bench}", "--", problem], "--rounds must be positive, got '0'"),
        (["a=/nonexistent/rnnsuite-bench", "--", problem], "a=/nonexistent/rnnsuite-bench"),
        ([f"a={bench}"], "--"),
]:
    bad = run(*args)
    assert bad.returncode == 2 and fragment in bad.stderr, (args, bad.returncode, bad.stderr)
print("compare-bench: ok")
