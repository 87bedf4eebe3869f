#!/usr/bin/env python3
"""Benchmark smoke (ctest label bench): tiny problems, rnnsuite and oneDNN, a few seconds.

Fails when rnnsuite-bench exits non-zero, when any benchmark reports an error (Google Benchmark
itself exits 0 after SkipWithError, so the JSON is read too), when a float32 problem lacks its
oneDNN twin, or when a counter is missing or not positive. Then --problem and --impl: named
problems alone replace the grid (a stacked bidirectional network among them), `--impl lib` runs
as a third implementation labelled "lib" (checked against rnnsuite like any other), the JSON
context names every implementation, and an f64 problem is not benchmarked for oneDNN, which one
stderr line says, without failing the run. The smoke grid's networks (one per way the oneDNN
adapter maps a network onto its primitives) must each have their oneDNN twin, agreeing.
usage: smoke.py <rnnsuite-bench> <out.json>
"""
import json
import subprocess
import sys

NAMED = ["elman_tanh_t4_b2_i3_h5_f32", "gru_t3_b1_i4_h6_f32", "lstm_t3_b2_i3_h4_f64",
         "lstm_t3_b2_i5_h4_l2_bi_f32"]
# The smoke grid's networks: (descriptor, benchmarked for oneDNN too).
SMOKE_NETWORKS = [("lstm_t5_b3_i6_h7_l2_bi_f32", True), ("gru_t4_b2_i5_h5_l2_f32", True),
                  ("elman_tanh_t4_b1_i6_h5_l2_f32", True), ("gru_t4_b2_i3_h5_l2_bi_f64", False)]


def named_problems(binary, out):
    """--problem (both spellings) and --impl lib: the names, labels, context and skip line."""
    problems = []
    command = [binary, f"--problem={NAMED[0]}", "--problem", NAMED[1], f"--problem={NAMED[2]}",
               f"--problem={NAMED[3]}", "--impl", "lib", "--benchmark_min_time=0.001", f"--benchmark_out={out}",
               "--benchmark_out_format=json"]
    r = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        problems.append(f"--problem/--impl run exited {r.returncode}: {r.stderr[-500:]}")
    with open(out) as f:
        data = json.load(f)
    names = {b["name"] for b in data["benchmarks"]}
    expected = {f"{d}/{direction}/{label}" for d in NAMED for direction in ("fwd", "fwdbwd")
                for label in ("rnnsuite", "onednn", "lib") if not (d.endswith("_f64") and label == "onednn")}
    if names != expected:
        problems.append(f"--problem/--impl names: missing {sorted(expected - names)}, "
                        f"unexpected {sorted(names - expected)}")
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            problems.append(f"{b['name']}: {b.get('error_message')}")
        elif b["name"].endswith("/lib") and not 0 <= b.get("agreement_error", -1) < 1e-5:
            problems.append(f"{b['name']}: agreement_error {b.get('agreement_error')} (lib against "
                            "rnnsuite is the same code)")
    context = data["context"].get("implementations", "")
    for part in ("rnnsuite: lib", "onednn: onednn", "lib: lib"):
        if part not in context:
            problems.append(f"context 'implementations' lacks {part!r}: {context!r}")
    if data["context"].get("grid") != "none":
        problems.append(f"context grid {data['context'].get('grid')!r}, expected 'none'")
    skipped = f"unsupported, not benchmarked: {NAMED[2]}/onednn: oneDNN 2.6 has no f64"
    if r.stderr.count(skipped) != 1:
        problems.append(f"stderr should say once {skipped!r}: {r.stderr!r}")
    return problems


SMOKE_LENGTHS = [("gru_t5_b4_i6_h7_lenx_f32", 10), ("lstm_t5_b3_i6_h7_l2_bi_lenu0_f32", None)]


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
        if descriptor.endswith("_f32") and implementation == "rnnsuite" and "_len" not in descriptor:
            if f"{descriptor}/{direction}/onednn" not in names:
                problems.append(f"{r['name']}: no oneDNN twin")
    for descriptor, with_onednn in SMOKE_NETWORKS:
        for label in ("rnnsuite", "onednn") if with_onednn else ("rnnsuite",):
            name = f"{descriptor}/fwdbwd/{label}"
            if name not in names:
                problems.append(f"the smoke grid's network benchmark {name} did not run")
        agreement = [r.get("agreement_error") for r in runs if r["name"].startswith(descriptor + "/")]
        if with_onednn and not all(a is not None and 0 <= a < 1e-4 for a in agreement):
            problems.append(f"{descriptor}: agreement_error {agreement} (float32, tiny sizes)")
    # Sequences of different lengths: rnnsuite alone (oneDNN has no lengths), and the steps
    # counted are Σ len, fewer than T·B (gru_t5_b4 _lenx: 1 + 5 + 3 + 1 = 10 of 20).
    for descriptor, steps in SMOKE_LENGTHS:
        ran = [r for r in runs if r["name"].startswith(descriptor + "/")]
        if [r["name"].split("/")[2] for r in ran] != ["rnnsuite"]:
            problems.append(f"{descriptor}: ran for {[r['name'] for r in ran]}, expected rnnsuite alone")
        if steps is not None and any(r.get("steps") != steps for r in ran):
            problems.append(f"{descriptor}: steps {[r.get('steps') for r in ran]}, expected {steps}")
        if steps is None and any(not 0 < r.get("steps", 0) < 15 for r in ran):  # T·B = 15
            problems.append(f"{descriptor}: steps {[r.get('steps') for r in ran]}, expected < T·B")
    if len(runs) != 40:
        problems.append(f"{len(runs)} benchmarks ran, expected the smoke grid's 40")
    problems += named_problems(binary, out + ".named.json")
    for p in problems:
        print("FAIL", p)
    print(f"{len(runs)} benchmarks, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
