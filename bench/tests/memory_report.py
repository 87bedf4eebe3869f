#!/usr/bin/python3
"""scripts/memory-report end to end on the tiny memory grid, in seconds (label bench).

Runs `rnnsuite-bench --grid=memory_smoke` interleaved with 2 repetitions, as the script runs
--grid=memory, and every cell's sqrt and full rows with 3 (the target's own run), renders with --no-run --skip-long into a temporary folder, and checks the page: one
table row per benchmark row, every time ratio of full storage to itself 1.00x, each
chunks-recomputed row with lib's count and Gruslys's C(n, m) - n equal to the JSON's counters,
a verdict on the target per cell from the target's run, the figure written (when gnuplot is installed), the T = 10^6 section saying
it was not measured.
usage: memory_report.py <scripts/memory-report> <rnnsuite-bench>
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def bench(binary, out, repetitions=2, extra=()):
    command = [binary, "--grid=memory_smoke", f"--benchmark_repetitions={repetitions}",
               "--benchmark_enable_random_interleaving=true", "--benchmark_min_time=0.001",
               f"--benchmark_out={out}", "--benchmark_out_format=json", *extra]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with open(out) as f:
        return [b for b in json.load(f)["benchmarks"] if b.get("run_type") == "iteration"]


def main():
    script, binary = sys.argv[1], sys.argv[2]
    problems = []
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "data")
        os.makedirs(data)
        rows = bench(binary, os.path.join(data, "memory.json"))
        # The target's own run, as the script's third: every cell's sqrt and full rows.
        target = bench(binary, os.path.join(data, "target.json"), 3,
                       ["--benchmark_filter=/rnnsuite_budget_(sqrt|full)"])
        target_names = {b["name"] for b in target}
        if len(target_names) != 6 or {n.rsplit("_", 1)[-1] for n in target_names} != {"full", "sqrt"}:
            problems.append(f"the target run's rows: {sorted(target_names)}")
        out = os.path.join(work, "docs", "memory.md")
        os.makedirs(os.path.dirname(out))
        r = subprocess.run([script, "--no-run", "--skip-long", "--data", data, "--out", out],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            print(f"FAIL memory-report exited {r.returncode}: {r.stderr}")
            return 1
        page = open(out).read()
        names = {b["name"] for b in rows}
        if len(names) != 11:
            problems.append(f"{len(names)} rows ran, expected the memory grid's 11")
        for name in sorted(names):
            descriptor, _, label = name.split("/")
            budget = label.replace("rnnsuite_budget_", "")
            counters = next(b for b in rows if b["name"] == name)
            timing = [line for line in page.splitlines()
                      if line.startswith(f"| `{descriptor}` | {budget} |") and "x" in line.split("|")[-2]]
            if len(timing) != 1:
                problems.append(f"{name}: {len(timing)} rows in the time table")
            elif budget == "full" and "| 1.00x" not in timing[0]:
                problems.append(f"{name}: full storage against itself: {timing[0]}")
            recomputed = [line for line in page.splitlines()
                          if line.startswith(f"| `{descriptor}` | {budget} | {int(counters['chunks'])} |")]
            if len(recomputed) != 1:
                problems.append(f"{name}: {len(recomputed)} rows in the recomputation table")
                continue
            cells = [c.strip() for c in recomputed[0].split("|")[1:-1]]
            if cells[4] != str(int(counters["recomputed_chunks"])) or \
                    cells[6] != str(int(counters["hsm_recomputed"])):
                problems.append(f"{name}: recomputation row {cells}, counters lib "
                                f"{counters['recomputed_chunks']}, Gruslys {counters['hsm_recomputed']}")
            if cells[6] != cells[7]:
                problems.append(f"{name}: Gruslys's {cells[6]} and Griewank's {cells[7]} differ")
        if "a run of their own" not in page or "(3 interleaved repetitions of each" not in page:
            problems.append("the target's section does not come from target.json's 3 repetitions")
        for name in sorted(n for n in target_names if n.endswith("_sqrt")):
            descriptor = name.split("/")[0]
            verdicts = [line for line in page.splitlines() if line.startswith(f"| `{descriptor}` |")
                        and re.search(r"\| \*\*(met|within noise|missed)", line)]
            if len(verdicts) != 1:
                problems.append(f"{descriptor}: {len(verdicts)} verdicts on the 1.35x target")
        if "Not measured in this run" not in page:
            problems.append("the T = 10^6 section does not say it was skipped")
        figure = os.path.join(work, "docs", "figures", "memory-lstm-t512.png")
        if shutil.which("gnuplot") and not os.path.getsize(figure) > 0:
            problems.append(f"no figure {figure}")
    for p in problems:
        print("FAIL", p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
