#!/usr/bin/env python3
"""rnnsuite-bench on bad arguments (ctest label bench): each must exit 2 with a one-line error
naming the argument and its value, having measured nothing; listing the smoke grid must still
exit 0 with its 31 names.
usage: bad_arguments.py <rnnsuite-bench>
"""
import subprocess
import sys

# (arguments, text the error must contain)
BAD = [
    (["--grid=foo"], "--grid: unknown grid 'foo'"),
    (["--threads=0"], "--threads: expected an integer in [1, 1024], got '0'"),
    (["--threads=two"], "got 'two'"),
    (["--grid=smoke", "--benchmark_filter=no_such_problem"],
     "--benchmark_filter='no_such_problem' selects no benchmark of grid 'smoke'"),
    (["--grid=smoke", "--benchmark_filter=["], "--benchmark_filter='[' selects no benchmark"),
    (["--grid=smoke", "--benchmark_no_such_flag=1"], "unrecognized command-line flag"),
]


def main():
    binary = sys.argv[1]
    failures = []
    for args, expected in BAD:
        r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
        if r.returncode != 2:
            failures.append(f"{args}: exit {r.returncode}, expected 2")
        if expected not in r.stderr:
            failures.append(f"{args}: stderr lacks {expected!r}: {r.stderr.strip()!r}")
        if "/rnnsuite" in r.stdout or "/onednn" in r.stdout:
            failures.append(f"{args}: measured something: {r.stdout[:200]!r}")
    r = subprocess.run([binary, "--grid=smoke", "--benchmark_list_tests=true"],
                       capture_output=True, text=True, timeout=60)
    names = r.stdout.split()
    if r.returncode != 0 or len(names) != 31:
        failures.append(f"--benchmark_list_tests=true: exit {r.returncode}, {len(names)} names")
    for f in failures:
        print("FAIL", f)
    print(f"{len(BAD) + 1} cases, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
