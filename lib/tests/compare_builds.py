#!/usr/bin/env python3
"""scripts/compare-builds: its ratio and quartiles against two stand-in timers whose medians are
known, the real rnnsuite_time_layer against itself end to end, and a clear error and exit status 2
for each kind of bad input.

  compare_builds.py SCRIPT TIME_LAYER
"""
import os
import re
import stat
import subprocess
import sys
import tempfile

script, time_layer = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}")


def run(*args):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True)


def stand_in(folder, name, milliseconds_by_call):
    """A timer that prints the next median from a list on each call (a counter file keeps the
    place), in rnnsuite_time_layer's format."""
    path = os.path.join(folder, name)
    counter = path + ".calls"
    with open(path, "w") as f:
        f.write(f"""#!{sys.executable}
import os, sys
values = {milliseconds_by_call!r}
calls = int(open({counter!r}).read()) if os.path.exists({counter!r}) else 0
open({counter!r}, "w").write(str(calls + 1))
print(f"{{sys.argv[1]}} isa=x threads={{sys.argv[3]}} fwd+bwd median {{values[calls % len(values)]:.3f}} ms (min 0)")
""")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


with tempfile.TemporaryDirectory() as folder:
    # Four rounds, base always 2.000 ms, new 1.000, 1.500, 2.000, 3.000: ratios 0.5, 0.75, 1, 1.5,
    # median 0.875, inclusive quartiles 0.6875 and 1.125.
    base = stand_in(folder, "base", [2.0])
    new = stand_in(folder, "new", [1.0, 1.5, 2.0, 3.0])
    out = run("--rounds", "4", "--repetitions", "2", base, new, "lstm_t4_b1_i8_h8_f32")
    check(out.returncode == 0, f"stand-ins: exit status {out.returncode} ({out.stderr.strip()})")
    check("lstm_t4_b1_i8_h8_f32 threads=1: new/base 0.875 (quartiles 0.688-1.125; 4 rounds of 2)"
          in out.stdout, f"stand-ins: ratio line, got {out.stdout!r}")

    zero = stand_in(folder, "zero", [0.0])
    out = run("--rounds", "1", base, zero, "lstm_t4_b1_i8_h8_f32")
    check(out.returncode == 2 and "below the timer's resolution" in out.stderr,
          f"a zero median: exit 2 naming the resolution, got {out.returncode} {out.stderr!r}")

    # The real timer against itself: one line per descriptor, a ratio near 1 on a tiny problem.
    out = run("--rounds", "2", "--repetitions", "3", time_layer, time_layer,
              "elman_tanh_t64_b4_i64_h64_f32", "gru_t32_b2_i32_h32_f64")
    lines = out.stdout.strip().splitlines()
    check(out.returncode == 0 and len(lines) == 2,
          f"real timer: exit 0 and two lines, got {out.returncode} {out.stdout!r} {out.stderr!r}")
    for line, descriptor in zip(lines, ("elman_tanh_t64_b4_i64_h64_f32", "gru_t32_b2_i32_h32_f64")):
        found = re.match(rf"{descriptor} threads=1: new/base ([0-9.]+) \(quartiles", line)
        check(found is not None and 0.2 < float(found.group(1)) < 5,
              f"real timer: a plausible ratio for {descriptor}, got {line!r}")

    bad = [
        (["--rounds", "0", base, new, "lstm_t4_b1_i8_h8_f32"], "--rounds must be a positive"),
        (["--threads", "two", base, new, "lstm_t4_b1_i8_h8_f32"], "--threads must be a positive"),
        ([os.path.join(folder, "missing"), new, "lstm_t4_b1_i8_h8_f32"], "is not an executable"),
        ([base, new], "the following arguments are required"),
        (["--rounds", "1", time_layer, time_layer, "lstm_t0_b1_i8_h8_f32"], "lstm_t0_b1_i8_h8_f32"),
    ]
    for args, expected in bad:
        out = run(*args)
        check(out.returncode == 2 and expected in out.stderr,
              f"{args}: exit 2 and '{expected}', got {out.returncode} {out.stderr.strip()!r}")

print("compare-builds:", "FAILED " + str(len(failures)) if failures else "all checks passed")
sys.exit(1 if failures else 0)
