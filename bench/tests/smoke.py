#!/usr/bin/env python3
"""Benchmark smoke (ctest label bench): tiny problems, both implementations, a few seconds.

Fails when rnnsuite-bench exits non-zero, when any benchmark reports an error (Google Benchmark
itself exits 0 after SkipWithError, so the JSON is read too), when a float32 problem lacks its
oneDNN twin, or when a counter is missing or not positive.
usage: smoke.py <rnnsuite-bench> <out.json>
"""
import json
import subprocess
import sys


def main():
    binary, out = sys.argv[1], sys.argv[2]
    command = [binary, "--grid=smoke", "--benchmark_min_time=0.01",
               f"--benchmark_out={out}", "--benchmark_out_format=json"]
    status = subprocess.run(command).returncode
    problems = []
    if status != 0:
        problems.append(f"rnnsuite-bench exited {status}")
    with open(out) as f:
        runs = json.load(f)["benchmarks"]
    names = {r["name"] for r in runs}
    for r in runs:
        if r.get("error_occurred"):
            problems.append(f"{r['name']}: {r.get('error_message')}")
            continue
        for counter in ("steps_per_second", "GFLOPs", "activation_bytes"):
            if not r.get(counter, 0) > 0:
                problems.append(f"{r['name']}: counter {counter} = {r.get(counter)}")
        descriptor, direction, implementation = r["name"].split("/")
        if descriptor.endswith("_f32") and implementation == "rnnsuite":
            if f"{descriptor}/{direction}/onednn" not in names:
                problems.append(f"{r['name']}: no oneDNN twin")
    if len(runs) != 31:
        problems.append(f"only {len(runs)} benchmarks ran, expected the smoke grid's 31")
    for p in problems:
        print("FAIL", p)
    print(f"{len(runs)} benchmarks, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
