#!/usr/bin/env python3
"""Self-tests of scripts/regress's decisions on synthetic count files (no valgrind, < 1 s).

Each test runs scripts/regress as a user would (a subprocess) and checks its exit status and
output: the gate's contract is its exit status, so that is what is tested.
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REGRESS = os.path.join(REPO, "scripts", "regress")
FORMAT = "rnnsuite-regress-baseline/1"
TESTBED = "Test CPU 9000 / avx2"
BASELINE_NAME = "test-cpu-9000-avx2.json"


def document(problems, testbed=TESTBED):
    return {"format": FORMAT, "testbed": testbed, "compiler": "gcc test", "problems": problems}


BASE = {
    "lstm_t16_b4_i32_h32_f32": {"forward": 100000, "backward": 200000},
    "gru_t16_b1_i32_h32_f64": {"forward": 1000, "backward": 3000},
}


GRU = "gru_t16_b1_i32_h32_f64"


def with_count(problem, phase, value):
    changed = json.loads(json.dumps(BASE))
    changed[problem][phase] = value
    return changed


class GateDecisions(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.baselines = os.path.join(self.dir, "baselines")
        os.mkdir(self.baselines)
        self.baseline = os.path.join(self.baselines, BASELINE_NAME)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, path, content):
        with open(path, "w", encoding="utf-8") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))

    def run_gate(self, current, *extra, env=None):
        counts = os.path.join(self.dir, "current.json")
        self.write(counts, document(current))
        return self.run_raw("--counts", counts, *extra, env=env)

    def run_raw(self, *arguments, env=None):
        result = subprocess.run(
            [sys.executable, REGRESS, "--testbed", TESTBED.split(" / ")[0],
             "--baseline-dir", self.baselines, *arguments],
            capture_output=True, text=True, env=env)
        return result.returncode, result.stdout + result.stderr

    # ---------------------------------------------------------------- pass / fail

    def test_identical_counts_pass(self):
        self.write(self.baseline, document(BASE))
        code, out = self.run_gate(BASE)
        self.assertEqual(code, 0, out)
        self.assertIn("PASS", out)
        self.assertIn("4 of 4 identical", out)

    def test_rise_within_threshold_passes_and_is_shown(self):
        self.write(self.baseline, document(BASE))
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "backward", 203000))
        self.assertEqual(code, 0, out)
        self.assertIn("+1.50 %", out)
        self.assertIn("rose", out)

    def test_exactly_threshold_passes_one_more_fails(self):
        self.write(self.baseline, document(BASE))
        code, out = self.run_gate(with_count("gru_t16_b1_i32_h32_f64", "forward", 1020))
        self.assertEqual(code, 0, out)
        code, out = self.run_gate(with_count("gru_t16_b1_i32_h32_f64", "forward", 1021))
        self.assertEqual(code, 1, out)
        self.assertIn("+2.10 %", out)

    def test_rise_above_threshold_fails_with_table_of_changes_only(self):
        self.write(self.baseline, document(BASE))
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "forward", 110000))
        self.assertEqual(code, 1, out)
        regressed = [line for line in out.splitlines() if "REGRESSED" in line]
        self.assertEqual(len(regressed), 1, out)
        self.assertIn("lstm_t16_b4_i32_h32_f32", regressed[0])
        self.assertIn("forward", regressed[0])
        self.assertIn("+10.00 %", regressed[0])
        self.assertNotIn("gru_t16_b1_i32_h32_f64", out)  # unchanged rows hidden by default
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "forward", 110000), "--all")
        self.assertEqual(code, 1, out)
        self.assertIn("gru_t16_b1_i32_h32_f64", out)

    def test_custom_threshold(self):
        self.write(self.baseline, document(BASE))
        current = with_count("lstm_t16_b4_i32_h32_f32", "forward", 110000)
        code, out = self.run_gate(current, "--threshold", "15")
        self.assertEqual(code, 0, out)

    def test_improvement_passes_and_prints_update_command(self):
        self.write(self.baseline, document(BASE))
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "forward", 50000))
        self.assertEqual(code, 0, out)
        self.assertIn("-50.00 %", out)
        self.assertIn("improved", out)
        self.assertIn("scripts/regress --update", out)

    def test_new_problem_is_reported_not_failed(self):
        self.write(self.baseline, document(BASE))
        current = dict(BASE, elman_relu_t16_b4_i32_h32_f32={"forward": 5, "backward": 6})
        code, out = self.run_gate(current)
        self.assertEqual(code, 0, out)
        self.assertIn("new", out)
        self.assertIn("scripts/regress --update", out)

    # ---------------------------------------------------------------- baseline files

    def test_missing_baseline_is_a_message_not_a_failure(self):
        code, out = self.run_gate(BASE)
        self.assertEqual(code, 0, out)
        self.assertIn("no baseline", out)
        self.assertIn("scripts/regress --update", out)
        self.assertEqual(os.listdir(self.baselines), [])  # an ordinary run never writes one

    def test_corrupt_baseline_is_exit_2(self):
        for content in ("this is not json", "", "[1, 2, 3]",
                        json.dumps(document({})),
                        json.dumps(dict(document(BASE), format="something-else/9")),
                        json.dumps(document(with_count(GRU, "forward", -1))),
                        json.dumps(document(with_count(GRU, "forward", "1000"))),
                        json.dumps(document({"gru_t16_b1_i32_h32_f64": {"forward": 1}}))):
            with self.subTest(content=content[:60]):
                self.write(self.baseline, content)
                code, out = self.run_gate(BASE)
                self.assertEqual(code, 2, out)
                self.assertIn("error", out)
                self.assertIn(BASELINE_NAME, out)

    def test_truncated_baseline_is_exit_2(self):
        full = json.dumps(document(BASE), indent=2)
        for cut in (len(full) // 4, len(full) // 2, len(full) - 2):
            with self.subTest(cut=cut):
                self.write(self.baseline, full[:cut])
                code, out = self.run_gate(BASE)
                self.assertEqual(code, 2, out)
                self.assertIn("corrupt or truncated", out)

    def test_baseline_of_another_testbed_is_exit_2(self):
        self.write(self.baseline, document(BASE, testbed="Other CPU / avx2"))
        code, out = self.run_gate(BASE)
        self.assertEqual(code, 2, out)
        self.assertIn("Other CPU", out)

    def test_update_writes_the_baseline_and_ordinary_runs_do_not(self):
        code, out = self.run_gate(BASE, "--update")
        self.assertEqual(code, 0, out)
        self.assertEqual(os.listdir(self.baselines), [BASELINE_NAME])  # no temporary left behind
        with open(self.baseline, encoding="utf-8") as f:
            written = json.load(f)
        self.assertEqual(written["problems"], BASE)
        self.assertEqual(written["testbed"], TESTBED)
        before = os.stat(self.baseline)
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "forward", 1))
        self.assertEqual(code, 0, out)
        code, out = self.run_gate(with_count("lstm_t16_b4_i32_h32_f32", "forward", 10 ** 9))
        self.assertEqual(code, 1, out)
        after = os.stat(self.baseline)
        self.assertEqual((before.st_mtime_ns, before.st_ino), (after.st_mtime_ns, after.st_ino))

    def test_update_repairs_a_corrupt_baseline(self):
        self.write(self.baseline, '{"format": "rnnsuite-regr')
        code, out = self.run_gate(BASE, "--update")
        self.assertEqual(code, 0, out)
        code, out = self.run_gate(BASE)
        self.assertEqual(code, 0, out)
        self.assertIn("PASS", out)

    # ---------------------------------------------------------------- environment errors

    def fake_driver(self):
        path = os.path.join(self.dir, "fake-gate")
        self.write(path, "#!/bin/sh\n"
                         "case \"$1\" in\n"
                         "  --info) echo '{\"compiler\": \"gcc test\", \"isa\": \"avx2\"}';;\n"
                         "  --list) echo lstm_t16_b4_i32_h32_f32;;\n"
                         "esac\n")
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def test_valgrind_missing_is_a_clear_error(self):
        self.write(self.baseline, document(BASE))
        empty_bin = os.path.join(self.dir, "bin")
        os.mkdir(empty_bin)
        code, out = self.run_raw("--driver", self.fake_driver(),
                                 env=dict(os.environ, PATH=empty_bin))
        self.assertEqual(code, 2, out)
        self.assertIn("valgrind not found", out)

    def test_build_without_driver_is_a_clear_error(self):
        code, out = self.run_raw("--build", os.path.join(self.dir, "no-such-build"))
        self.assertEqual(code, 2, out)
        self.assertIn("rnnsuite-gate not found", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
