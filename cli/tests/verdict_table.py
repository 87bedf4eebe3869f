"""scripts/verdict-table on a small rnnsuite verify JSON worked out by hand: counts per regime and
precision, a precision declined everywhere folded into one row, the worst graded ratio, the FAIL's
failing blocks; and a file that is not verify JSON exits 2 naming it."""
import json
import os
import subprocess
import sys
import tempfile

script = sys.argv[1]


def result(problem, verdict, ratio, block="dh", step=-1, failed=(), note=""):
    return {"problem": problem, "leg": "fast", "isa": "", "implementation": "x", "note": note,
            "verdict": verdict, "worst_ratio": ratio, "worst_block": block, "worst_step": step,
            "checks": 5, "verdict_counts": {"PASS": 5 - len(failed), "FAIL": len(failed)},
            "failed_checks": [{"block": b, "step": s} for b, s in failed]}


data = {"implementation": "x", "profile": "quick", "seconds": 3, "results": [
    result("lstm_forget_1/lstm_t4_b1_i2_h3_f32", "PASS", 0.25),
    result("lstm_forget_1/lstm_t5_b1_i2_h3_f32+trunc2", "UNSUPPORTED", 0, note="no truncated backward"),
    result("lstm_saturated/lstm_t4_b3_i2_h3_f32+bias", "FAIL", 7.5, "dh0",
           failed=[("dx", 0), ("dx", 1), ("dh0", -1)]),
    result("lstm_forget_1/lstm_t4_b1_i2_h3_f64", "UNSUPPORTED", 0),
    result("lstm_saturated/lstm_t4_b3_i2_h3_f64", "UNSUPPORTED", 0),
    {"problem": "lstm_forget_1/lstm_t4_b1_i2_h3_f32", "leg": "digits", "verdict": "FAIL"},
]}
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "r.json")
    with open(path, "w") as f:
        json.dump(data, f)
    out = subprocess.run([sys.executable, script, path], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert "5 results of leg a" in out, out
    assert "| every regime | f64 |  |  |  |  |  | 2 | - |" in lines, out
    assert "| lstm_forget_1 | f32 | 1 |  |  |  |  | 1 | 0.25 |" in lines, out
    assert "| lstm_saturated | f32 |  | 1 |  |  |  |  | 7.5 |" in lines, out
    assert not any(l.startswith("| lstm_forget_1 | f64") for l in lines), out
    assert "| **all** | | 1 | 1 |  |  |  | 3 | |" in lines, out
    assert "failing blocks: dx (2 steps), dh0; passing: 2 of 5 checks" in out, out
    assert "Worst error/tolerance among f32 PASS results: 0.25" in out, out
    with open(path, "w") as f:
        f.write("{not json")
    bad = subprocess.run([sys.executable, script, path], capture_output=True, text=True)
    assert bad.returncode == 2 and path in bad.stderr, (bad.returncode, bad.stderr)
print("verdict-table: ok")
