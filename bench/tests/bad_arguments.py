#!/usr/bin/env python3
"""rnnsuite-bench on bad arguments (ctest label bench): each must exit 2 with a one-line error
naming the argument and its value, having measured nothing (bad --grid, --threads, --problem and
--impl values included); listing the smoke grid must still exit 0 with its 40 names, each exactly
<descriptor>/<fwd|fwdbwd>/<rnnsuite|onednn>, an --impl adds its label to each problem, and every
output format (console, json, csv; screen and file) must write those names.
usage: bad_arguments.py <rnnsuite-bench>
"""
import os
import re
import subprocess
import sys
import tempfile

# (arguments, text the error must contain)
BAD = [
    (["--grid=foo"], "--grid: unknown grid 'foo'"),
    (["--threads=0"], "--threads: expected an integer in [1, 1024], got '0'"),
    (["--threads=two"], "got 'two'"),
    (["--grid=smoke", "--benchmark_filter=no_such_problem"],
     "--benchmark_filter='no_such_problem' selects no benchmark of grid 'smoke'"),
    (["--grid=smoke", "--benchmark_filter=["], "--benchmark_filter='[' selects no benchmark"),
    (["--grid=smoke", "--benchmark_no_such_flag=1"], "unrecognized command-line flag"),
    (["--grid=smoke", "--benchmark_repetitions=five"], "unrecognized command-line flag"),
    # Google Benchmark alone prints its usage and exits 0 on these.
    (["--grid=smoke", "--benchmark_format=xml"],
     "--benchmark_format: expected one of console, json, csv, got 'xml'"),
    (["--grid=smoke", "--benchmark_out=unused", "--benchmark_out_format=yaml"],
     "--benchmark_out_format: expected one of console, json, csv, got 'yaml'"),
    (["--grid=smoke", "--benchmark_out_format=yaml"],
     "--benchmark_out_format: expected one of console, json, csv, got 'yaml'"),
    (["--grid=smoke", "--benchmark_time_unit=min"],
     "--benchmark_time_unit: expected one of ns, us, ms, s, got 'min'"),
    (["--grid=smoke", "--benchmark_color="], "--benchmark_color: expected auto, true or false"),
    (["--problem=lstm_t0_b1_i1_h1_f32"],
     "--problem: 'lstm_t0_b1_i1_h1_f32': problem descriptor 'lstm_t0_b1_i1_h1_f32': T must be >= 1"),
    (["--problem", "foo"], "--problem: 'foo'"),
    (["--problem=lstm_t99999999999_b99999999_i9999999_h99999_f32"],
     "--problem: 'lstm_t99999999999_b99999999_i9999999_h99999_f32'"),
    (["--grid=smoke", "--problem"], "--problem: expected a value after it"),
    # A network's fields: one name per problem, so `_l1` and `_bi` before `_l<L>` are refused.
    (["--problem=lstm_t3_b2_i4_h3_l1_f32"], "--problem: 'lstm_t3_b2_i4_h3_l1_f32': "),
    (["--problem=lstm_t3_b2_i4_h3_bi_l2_f32"], "'_bi' must come after '_l<L>'"),
    (["--grid=smoke", "--impl=./nonexistent.so"], "--impl './nonexistent.so'"),
    (["--grid=smoke", "--impl", "./nonexistent.so"], "./nonexistent.so"),
    (["--grid=smoke", "--impl=nosuch"], "--impl: unknown implementation 'nosuch'"),
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
    # Listing prints the names of the contract, which Google Benchmark alone would suffix with
    # "/real_time", and honours the filter.
    for args, count, prefix in [(["--benchmark_list_tests=true"], 40, ""),
                                (["--benchmark_list_tests", "--benchmark_filter=^gru"], 10, "gru_")]:
        r = subprocess.run([binary, "--grid=smoke", *args], capture_output=True, text=True,
                           timeout=60)
        names = r.stdout.split()
        if r.returncode != 0 or len(names) != count:
            failures.append(f"{args}: exit {r.returncode}, {len(names)} names, expected {count}")
        for name in names:
            parts = name.split("/")
            if (len(parts) != 3 or not parts[0].startswith(prefix)
                    or parts[1] not in ("fwd", "fwdbwd") or parts[2] not in ("rnnsuite", "onednn")):
                failures.append(f"{args}: listed name {name!r} is not "
                                f"<descriptor>/<fwd|fwdbwd>/<rnnsuite|onednn>")
    # An --impl adds its label beside rnnsuite and oneDNN; a --problem (a network's too) alone
    # replaces the grid.
    r = subprocess.run([binary, "--problem", "gru_t5_b3_i6_h7_f32", "--impl=lib",
                        "--problem=gru_t5_b3_i6_h7_l3_bi_f32", "--benchmark_list_tests"],
                       capture_output=True, text=True, timeout=60)
    listed = set(r.stdout.split())
    expected = {f"{p}/{d}/{label}" for p in ("gru_t5_b3_i6_h7_f32", "gru_t5_b3_i6_h7_l3_bi_f32")
                for d in ("fwd", "fwdbwd") for label in ("rnnsuite", "onednn", "lib")}
    if r.returncode != 0 or listed != expected:
        failures.append(f"--problem with --impl=lib: exit {r.returncode}, listed {sorted(listed)}")
    # Every output format writes the exact names, on the screen and in the file.
    one = ["--grid=smoke", "--benchmark_filter=^gru_t5_b3_i6_h7_f32/fwd/",
           "--benchmark_min_time=0.001"]
    expected = {"gru_t5_b3_i6_h7_f32/fwd/rnnsuite", "gru_t5_b3_i6_h7_f32/fwd/onednn"}
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("console", "json", "csv"):
            out = os.path.join(folder, "out." + fmt)
            r = subprocess.run([binary, *one, f"--benchmark_format={fmt}",
                                f"--benchmark_out={out}", f"--benchmark_out_format={fmt}"],
                               capture_output=True, text=True, timeout=120)
            with open(out) as f:
                written = f.read()
            for where, text in (("screen", r.stdout), ("file", written)):
                found = set(re.findall(r"gru_t5_b3_i6_h7_f32/fwd/[a-z_/]+", text))
                if r.returncode != 0 or found != expected:
                    failures.append(f"{fmt} on the {where}: exit {r.returncode}, "
                                    f"names {sorted(found)}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(BAD) + 6} cases, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
