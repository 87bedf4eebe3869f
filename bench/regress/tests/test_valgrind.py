#!/usr/bin/env python3
"""Self-tests of the gate end to end, under callgrind, on two small problems (a few seconds).

RNNSUITE_GATE and RNNSUITE_GATE_SLOWDOWN name the driver and its planted-slowdown twin (set by
ctest, bench/regress/CMakeLists.txt). Valgrind missing is a failure here, not a skip: CI has it.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REGRESS = os.path.join(REPO, "scripts", "regress")
# Batched and batch-1 paths, both precisions; the LSTM has the heaviest forward time loop.
PROBLEMS = "lstm_t16_b4_i32_h32_f32,gru_t16_b1_i32_h32_f64"


def driver(variable):
    path = os.environ.get(variable)
    if not path:
        raise RuntimeError(f"{variable} is not set; run this through ctest")
    return path


class GateUnderValgrind(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.baselines = os.path.join(cls.tmp.name, "baselines")
        code, out = cls.regress(driver("RNNSUITE_GATE"), "--update",
                                "--save-counts", os.path.join(cls.tmp.name, "first.json"))
        if code != 0:
            raise RuntimeError(f"recording the baseline failed ({code}):\n{out}")
        cls.first = cls.counts("first.json")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def regress(cls, gate, *extra):
        result = subprocess.run(
            [sys.executable, REGRESS, "--driver", gate, "--problems", PROBLEMS, "--jobs", "2",
             "--testbed", "selftest", "--baseline-dir", cls.baselines, *extra],
            capture_output=True, text=True)
        return result.returncode, result.stdout + result.stderr

    @classmethod
    def counts(cls, name):
        with open(os.path.join(cls.tmp.name, name), encoding="utf-8") as f:
            return json.load(f)["problems"]

    def test_counts_are_plausible(self):
        for problem in PROBLEMS.split(","):
            forward = self.first[problem]["forward"]
            backward = self.first[problem]["backward"]
            # At least one instruction per multiply-add of the recurrent GEMM (H*H per step and
            # batch row, T=16): a count below that means the region measured nothing.
            self.assertGreater(forward, 16 * 32 * 32, problem)
            self.assertGreater(backward, 16 * 32 * 32, problem)

    def test_identical_rerun_passes_with_identical_counts(self):
        code, out = self.regress(driver("RNNSUITE_GATE"), "--all",
                                 "--save-counts", os.path.join(self.tmp.name, "second.json"))
        self.assertEqual(code, 0, out)
        self.assertIn("PASS", out)
        self.assertEqual(self.counts("second.json"), self.first)

    def test_planted_slowdown_is_flagged(self):
        code, out = self.regress(driver("RNNSUITE_GATE_SLOWDOWN"),
                                 "--save-counts", os.path.join(self.tmp.name, "slow.json"))
        self.assertEqual(code, 1, out)
        regressed = [line for line in out.splitlines() if "REGRESSED" in line]
        self.assertTrue(any("forward" in line for line in regressed), out)
        slow = self.counts("slow.json")
        for problem in PROBLEMS.split(","):
            self.assertGreater(slow[problem]["forward"], self.first[problem]["forward"] * 1.02,
                               problem)


if __name__ == "__main__":
    unittest.main(verbosity=2)
