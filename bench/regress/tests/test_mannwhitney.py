#!/usr/bin/env python3
"""Tests of the A/B statistics of scripts/regress-timing against values worked out by hand."""
import math
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import mannwhitney  # noqa: E402


class MannWhitney(unittest.TestCase):
    def test_u_counts_pairs_and_half_ties(self):
        # pairs with a > b: none; ties (2,2) twice: 2 x 0.5
        self.assertEqual(mannwhitney.u_statistic([1, 2, 2], [2, 3, 4]), 1.0)
        self.assertEqual(mannwhitney.u_statistic([4, 5, 6], [1, 2, 3]), 9.0)

    def test_exact_null_distribution_of_three_and_three(self):
        # The 20 orderings of aaabbb by U, enumerated by hand (symmetric about 4.5).
        self.assertEqual(mannwhitney._exact_distribution(3, 3), [1, 1, 2, 3, 3, 3, 3, 2, 1, 1])

    def test_complete_separation_exact_p(self):
        # Only one of the C(n+m, n) orderings puts every a below every b; two-sided doubles it.
        for n, m in ((4, 4), (9, 9), (9, 12)):
            a = list(range(n))
            b = [100 + i for i in range(m)]
            self.assertAlmostEqual(mannwhitney.two_sided_p(a, b), 2 / math.comb(n + m, n),
                                   delta=1e-15)
            self.assertAlmostEqual(mannwhitney.two_sided_p(b, a), 2 / math.comb(n + m, n),
                                   delta=1e-15)

    def test_all_equal_samples_have_p_one(self):
        self.assertEqual(mannwhitney.two_sided_p([5.0] * 9, [5.0] * 9), 1.0)

    def test_normal_approximation_agrees_with_exact(self):
        # A tie-free sample just above the exact limit of 30 and the same shape below it should
        # give nearly the same p (the approximation is good at these sizes).
        rng = random.Random(3)
        a = [rng.random() for _ in range(30)]
        b = [rng.random() + 0.2 for _ in range(30)]
        exact = mannwhitney.two_sided_p(a, b)
        approx = mannwhitney.two_sided_p(a + [-1.0], b + [2.0])  # 31 each: normal branch
        self.assertLess(exact, 0.05)
        self.assertAlmostEqual(exact, approx, delta=0.01)

    def test_verdict_needs_both_significance_and_effect(self):
        a = [100.0 + 0.01 * i for i in range(9)]
        tiny = [x * 1.01 + 1.0 for x in a]  # separated (p tiny) but only ~2 % slower
        verdict, p, shift = mannwhitney.verdict(a, tiny)
        self.assertLess(p, 0.001)
        self.assertEqual(verdict, "no change")
        slow = [x * 1.10 for x in a]
        self.assertEqual(mannwhitney.verdict(a, slow)[0], "slower")
        self.assertEqual(mannwhitney.verdict(slow, a)[0], "faster")
        # a 20 % median shift with overlapping samples is not significant at 9 vs 9
        noisy_a = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        noisy_b = [1.5, 2.5, 3.5, 4.5, 6, 7, 8, 9.5, 10.5]
        verdict, p, shift = mannwhitney.verdict(noisy_a, noisy_b)
        self.assertGreater(shift, 0.19)
        self.assertGreater(p, 0.05)
        self.assertEqual(verdict, "no change")


if __name__ == "__main__":
    unittest.main(verbosity=2)
