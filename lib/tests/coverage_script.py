#!/usr/bin/env python3
"""scripts/coverage's own logic, without a coverage build: bad arguments exit 2 naming them; the
targets judged from a gcovr JSON summary (a fixture in gcovr 5.2's format, and variants of it
just below, at and above each target); --no-fail and RNNSUITE_COVERAGE_NO_FAIL; what a run would
execute (--dry-run: verify's arguments after --, the measured files, gcovr's options); and the
exclusion rules on made-up sources (mutation hooks, validation conditions, functions that are
not forward or backward code, a text that occurs elsewhere).

  coverage_script.py SCRIPT FIXTURE
"""
import copy
import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

script, fixture_path = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}")


def run(*args, env=None):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


# ---------------------------------------------------------------- bad arguments: exit 2
environment = {"RNNSUITE_COVERAGE_NO_FAIL": ""}
for args, named in [(["--bogus"], "'--bogus'"), (["--no-fail", "-x"], "'-x'"),
                    (["--summary"], "--summary needs a file"),
                    (["--summary", fixture_path, "--no-run"], "takes only --no-fail"),
                    (["--summary", fixture_path, "--", "--regime", "edge"], "takes only --no-fail"),
                    (["--no-run", "--", "--regime", "edge"], "--no-run runs no verify")]:
    out = run(*args, env=environment)
    check(out.returncode == 2 and named in out.stderr and out.stdout == "",
          f"{args}: exit 2 naming {named}, got {out.returncode} {out.stderr!r}")

with open(fixture_path) as f:
    fixture = json.load(f)

with tempfile.TemporaryDirectory() as folder:
    def summary(name, **counts):
        data = copy.deepcopy(fixture)
        data.update(counts)
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            json.dump(data, f)
        return path

    # ------------------------------------------------------------ the targets
    out = run("--summary", fixture_path, env=environment)
    check(out.returncode == 0, f"fixture (96 % lines, 92 % branches): exit 0, got {out.returncode}")
    check("coverage: lines 96.0 % (target 95 %), branches 92.0 % (target 90 %)\n" in out.stdout,
          f"fixture: the figures line, got {out.stdout!r}")
    check("960 of 1000 lines and 460 of 500 branches covered; targets met" in out.stdout,
          f"fixture: the counts, got {out.stdout!r}")

    cases = [  # (name, counts, exit status, text expected)
        ("at_targets", {"line_covered": 950, "branch_covered": 450}, 0,
         "lines 95.0 % (target 95 %), branches 90.0 % (target 90 %)"),
        ("lines_below", {"line_covered": 949}, 1, "lines 94.9 % (target 95 %)"),
        # 94.96 % is below 95: shown rounded down, never as 95.0
        ("lines_just_below", {"line_covered": 9496, "line_total": 10000}, 1, "lines 94.9 %"),
        ("branches_below", {"branch_covered": 449}, 1, "branches 89.8 % (target 90 %)"),
        ("both_below", {"line_covered": 700, "branch_covered": 300}, 1, "targets NOT met"),
        ("no_branches", {"branch_covered": 0, "branch_total": 0}, 0, "branches 100.0 %"),
    ]
    for name, counts, status, text in cases:
        out = run("--summary", summary(name + ".json", **counts), env=environment)
        check(out.returncode == status and text in out.stdout,
              f"{name}: exit {status} and '{text}', got {out.returncode} {out.stdout!r}")

    below = summary("below.json", line_covered=500)
    out = run("--summary", below, "--no-fail", env=environment)
    check(out.returncode == 0 and "targets NOT met" in out.stdout and "report only" in out.stdout,
          f"--no-fail below the targets: exit 0 and says so, got {out.returncode} {out.stdout!r}")
    out = run("--summary", below, env={"RNNSUITE_COVERAGE_NO_FAIL": "1"})
    check(out.returncode == 0, f"RNNSUITE_COVERAGE_NO_FAIL=1 below the targets: exit 0, got "
          f"{out.returncode}")
    out = run("--summary", below, env={"RNNSUITE_COVERAGE_NO_FAIL": "0"})
    check(out.returncode == 1, f"RNNSUITE_COVERAGE_NO_FAIL=0 below the targets: exit 1, got "
          f"{out.returncode}")

    # ------------------------------------------------------------ summaries that are not
    not_json = os.path.join(folder, "not.json")
    with open(not_json, "w") as f:
        f.write("lines: 96 %\n")
    no_counts = os.path.join(folder, "no_counts.json")
    with open(no_counts, "w") as f:
        json.dump({"line_percent": 96.0, "branch_percent": 92.0}, f)
    for path, text in [(os.path.join(folder, "missing.json"), "cannot read"),
                       (not_json, "is not JSON"), (no_counts, "not a gcovr JSON summary"),
                       (summary("empty.json", line_covered=0, line_total=0), "no line measured"),
                       (summary("odd.json", line_covered=1001), "inconsistent counts")]:
        out = run("--summary", path, "--no-fail", env=environment)
        check(out.returncode == 2 and text in out.stderr,
              f"{os.path.basename(path)}: exit 2 and '{text}', even with --no-fail, got "
              f"{out.returncode} {out.stderr!r}")

# ---------------------------------------------------------------- what a run executes
out = run("--dry-run", "--", "--regime", "edge", "--cells", "lstm")
lines = out.stdout.splitlines()
check(out.returncode == 0, f"--dry-run: exit 0, got {out.returncode} {out.stderr!r}")
check(any(line.endswith("cli/rnnsuite verify --profile quick --regime edge --cells lstm")
          for line in lines), f"--dry-run: verify gets the arguments after --, got {lines}")
check(any(line.startswith("cmake --build --preset coverage") for line in lines),
      f"--dry-run: builds the coverage preset, got {lines}")
gcovr = next((line for line in lines if line.startswith("gcovr ")), "")
for option in ["--exclude-throw-branches", "--exclude-unreachable-branches",
               "--exclude-lines-by-pattern", "--json-summary", "lib/src/layer_backward",
               "lib/src/kernels/gemm", "lib/src/arch/kernels_sse2"]:
    check(option in gcovr, f"--dry-run: gcovr has {option}, got {gcovr!r}")
for absent in ["npy", "init", "problem", "loss"]:
    check(f"lib/src/{absent}" not in gcovr, f"--dry-run: gcovr does not measure {absent}.cpp")
out = run("--dry-run", "--", "--profile", "full")
check("verify --profile full" in out.stdout and "--profile quick" not in out.stdout,
      f"--dry-run -- --profile full replaces quick, got {out.stdout!r}")

# ---------------------------------------------------------------- the rules, on made-up sources
loader = importlib.machinery.SourceFileLoader("coverage_script", script)
spec = importlib.util.spec_from_loader("coverage_script", loader)
coverage = importlib.util.module_from_spec(spec)
loader.exec_module(coverage)

for condition, planted in [("RNNSUITE_PLANTED(off_by_one) && t == t_first", True),
                           ("!grads.x.empty() && RNNSUITE_PLANTED(dx_missing_last_step)", True),
                           ("RNNSUITE_PLANTED(float_accumulation)", True),
                           ("!RNNSUITE_PLANTED(bias_dropped_step)", False),
                           ("x || RNNSUITE_PLANTED(wrong_sign)", False),
                           ("RNNSUITE_PLANTED(a) && b || c", False),  # (false && b) || c
                           ("f(RNNSUITE_PLANTED(a), b) && c", False), ("gru", False)]:
    check(coverage.is_planted_condition(condition) == planted,
          f"is_planted_condition({condition!r}) should be {planted}")

with tempfile.TemporaryDirectory() as folder:
    cpuinfo = os.path.join(folder, "cpuinfo")
    for flags, isas in [("sse2 avx2 fma", ["avx2", "sse2"]), ("sse2 avx2", ["sse2"]),
                        ("sse2 avx2 fma avx512f avx512cd avx512dq avx512bw",
                         ["avx512", "avx2", "sse2"]),
                        ("sse2 avx2 fma avx512f avx512cd", ["avx2", "sse2"])]:
        with open(cpuinfo, "w") as f:
            f.write(f"processor\t: 0\nflags\t\t: fpu {flags}\n")
        check(coverage.cpu_isas(cpuinfo) == isas, f"cpu_isas({flags!r}) should be {isas}")

sources = {
    "a.cpp": [
        "void f(int n) {",                                  # 1
        "  if (n < 0)",                                     # 2 validation: branches out
        "    throw error(\"n must be >= 0, got \" +",       # 3 throw
        "                std::to_string(n));",              # 4 message
        "  if (!v.empty() && RNNSUITE_PLANTED(hook))",      # 5 hook condition: branches out
        "    std::fill(v.end() - n, v.end(), 0);",          # 6 hook body
        "  if (RNNSUITE_PLANTED(other) && n == 1) {",       # 7 hook condition
        "    v[0] = 1;",                                    # 8 hook body, same text as 15
        "    g(v);",                                        # 9 hook body
        "  }",                                              # 10
        "  if (!RNNSUITE_PLANTED(kept)) h(v);",             # 11 not a dead hook
        "}",                                                # 12
        "int query() const { return 3; }",                  # 13 not forward/backward
        "void k() {",                                       # 14
        "    v[0] = 1;",                                    # 15 real code
        "}",                                                # 16
    ],
}
coverage.NOT_GRADIENT_FUNCTIONS = [("a.cpp", "int query() const", "a query")]
lines_out, branches_out, line_patterns, branch_patterns, refused = coverage.exclusions(
    ["a.cpp"], read=lambda name: sources[name])
check(sorted(number for _, number in lines_out) == [3, 4, 6, 9, 13],
      f"excluded lines should be 3, 4, 6, 9, 13, got {sorted(lines_out)}")
check(sorted(number for _, number in branches_out) == [2, 5, 7],
      f"excluded branches should be lines 2, 5, 7, got {sorted(branches_out)}")
check(refused == {("a.cpp", 8): ("a.cpp", 15)},
      f"line 8 should be left in (its text is line 15's too), got {refused}")
# The patterns as gcovr 5.2 applies them: re.match on each source line.
for number, line in enumerate(sources["a.cpp"], 1):
    by_text = any(re.match(p, line) for p in line_patterns)
    check(by_text == (number in (6, 9, 13)),
          f"the exact-text line patterns should match lines 6, 9, 13 only; line {number}: "
          f"{by_text}")
    check(any(re.match(p, line) for p in branch_patterns) == (number in (2, 5, 7)),
          f"the branch patterns should match lines 2, 5, 7 only; line {number}")

print(f"coverage_script: {len(failures)} check(s) failed" if failures else
      "coverage_script: every check passed")
sys.exit(1 if failures else 0)
