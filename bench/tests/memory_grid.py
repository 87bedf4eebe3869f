#!/usr/bin/env python3
"""The memory grids of rnnsuite-bench (issue 27), a few seconds.

`--grid=memory` lists its rows (an LSTM at T = 4096 across budgets from the minimum to full
storage, GRU and elman_tanh at the sqrt rule's budget and full) without running them, and
`--grid=memory_smoke` (the same budgets on tiny problems) runs every row with its counters: the
peak within the budget, full storage's bytes at `full`; Gruslys's hidden-state schedule
(rnn::checkpoint::schedule's C(n, m) - n) equal to Griewank's closed form computed here; lib
recomputing no more than it, exactly as much where the budget buys one chunk's activations only
(n(n-1)/2 at the minimum), none at full storage; and peaks growing with the budget. Times are
not asserted: the machine is shared.
usage: memory_grid.py <rnnsuite-bench> <out.json>
"""
import json
import math
import subprocess
import sys

LSTM_BUDGETS = ["min", "4states", "2min", "sqrt", "4sqrt", "8sqrt", "full"]


def expected_names(T, H):
    names = [f"lstm_t{T}_b16_i{H}_h{H}_f32/fwdbwd/rnnsuite_budget_{b}" for b in LSTM_BUDGETS]
    for cell in ("gru", "elman_tanh"):
        names += [f"{cell}_t{T}_b16_i{H}_h{H}_f32/fwdbwd/rnnsuite_budget_{b}" for b in ("sqrt", "full")]
    return names


def griewank_recomputed(n, m):
    """Units recomputed by the optimal schedule with m checkpoints (REVOLVE): r·n - C(m+r, r-1),
    r the smallest with C(m+r, r) >= n; with m >= n - 1 every unit but the last once: n - 1."""
    if m >= n - 1:
        return n - 1
    r = 1
    while math.comb(m + r, r) < n:
        r += 1
    return r * n - math.comb(m + r, r - 1)


def main():
    binary, out = sys.argv[1], sys.argv[2]
    problems = []
    listing = subprocess.run([binary, "--grid=memory", "--benchmark_list_tests=true"],
                             capture_output=True, text=True, timeout=60)
    if listing.returncode != 0:
        problems.append(f"--grid=memory --benchmark_list_tests exited {listing.returncode}: {listing.stderr}")
    if listing.stdout.split() != expected_names(4096, 256):
        problems.append(f"--grid=memory lists {listing.stdout.split()}")

    run = subprocess.run([binary, "--grid=memory_smoke", "--benchmark_min_time=0.001",
                          f"--benchmark_out={out}", "--benchmark_out_format=json"],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        problems.append(f"--grid=memory_smoke exited {run.returncode}: {run.stderr[-500:]}")
    with open(out) as f:
        rows = json.load(f)["benchmarks"]
    if [r["name"] for r in rows] != expected_names(512, 8):
        problems.append(f"--grid=memory_smoke ran {[r['name'] for r in rows]}")
    lstm_peaks = []
    for r in rows:
        name = r["name"]
        if r.get("error_occurred"):
            problems.append(f"{name}: {r.get('error_message')}")
            continue
        counters = ("activation_bytes", "budget_bytes", "full_storage_bytes", "chunks", "chunk_steps",
                    "chunk_bytes", "state_bytes", "hsm_states", "recomputed_chunks",
                    "hsm_recomputed", "sqrt_rule_recomputed", "steps_per_second", "GFLOPs")
        missing = [c for c in counters if c not in r]
        if missing:
            problems.append(f"{name}: counters {missing} missing")
            continue
        budget = name.rsplit("_", 1)[1]
        n, m = int(r["chunks"]), int(r["hsm_states"])
        lib, hsm = r["recomputed_chunks"], r["hsm_recomputed"]
        peak, full = r["activation_bytes"], r["full_storage_bytes"]
        if n != 32:
            problems.append(f"{name}: {n} chunks, expected 32 (16-step chunks of T = 512)")
        if budget == "full" or r["budget_bytes"] >= full:
            if peak != full or lib != 0 or m != 0:
                problems.append(f"{name}: at full storage peak {peak} of {full}, {lib} recomputed, m = {m}")
        else:
            if not peak <= r["budget_bytes"] < full:
                problems.append(f"{name}: peak {peak}, budget {r['budget_bytes']}, full {full}")
            expected = griewank_recomputed(n, m)
            if hsm != expected:
                problems.append(f"{name}: checkpoint::schedule's C(n, m) - n {hsm}, Griewank's "
                                f"{expected} (n = {n}, m = {m})")
            # Two chunks' activations cost about 2·chunk_bytes: below that the budget buys states
            # only, and lib's schedule is Gruslys's; above, lib may keep chunks and do better.
            one_chunk = r["budget_bytes"] < 2 * r["chunk_bytes"]
            if (lib != hsm) if one_chunk else not lib <= hsm:
                problems.append(f"{name}: lib recomputes {lib}, Gruslys's hidden-state schedule "
                                f"{hsm} (n = {n}, m = {m})")
        if budget == "min" and (m != 1 or lib != n * (n - 1) // 2):
            problems.append(f"{name}: m = {m}, recomputed {lib}, expected 1 and "
                            f"n(n-1)/2 = {n * (n - 1) // 2}")
        if budget == "4states" and m != 4:
            problems.append(f"{name}: m = {m}, expected 4")
        if name.startswith("lstm_"):
            lstm_peaks.append(peak)
    if lstm_peaks != sorted(lstm_peaks):
        problems.append(f"LSTM peaks not growing with the budget: {lstm_peaks}")
    for p in problems:
        print("FAIL", p)
    print(f"{len(rows)} memory rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
