#!/usr/bin/python3
"""Tests of the A/B statistics of scripts/regress-timing (bench/regress/mannwhitney.py, a thin
layer over scipy.stats.mannwhitneyu) against values worked out by hand: U by counting pairs, exact
p-values from the null distribution enumerated by hand and from the one ordering of complete
separation, the normal approximation with ties from its formula, the switch between the two,
and the verdict's need for both significance and effect."""
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
        self.assertEqual(mannwhitney.two_sided_test([1, 2, 2], [2, 3, 4])[0], 1.0)
        self.assertEqual(mannwhitney.two_sided_test([4, 5, 6], [1, 2, 3])[0], 9.0)

    def test_exact_p_of_three_and_three_from_the_enumerated_null(self):
        # The 20 orderings of aaabbb by U, enumerated by hand: U = 0..9 occur
        # [1, 1, 2, 3, 3, 3, 3, 2, 1, 1] times. Two-sided p = 2 x P(U <= u) for u below the centre.
        for a, b, u, tail in (([1, 2, 4], [3, 5, 6], 1, 1 + 1),       # 4 > 3
                              ([1, 3, 4], [2, 5, 6], 2, 1 + 1 + 2),   # 3 > 2, 4 > 2
                              ([1, 4, 5], [2, 3, 6], 4, 1 + 1 + 2 + 3 + 3)):
            got_u, p = mannwhitney.two_sided_test(a, b)
            self.assertEqual(got_u, u)
            self.assertAlmostEqual(p, 2 * tail / 20, delta=1e-15)

    def test_complete_separation_exact_p(self):
        # Only one of the C(n+m, n) orderings puts every a below every b; two-sided doubles it.
        # At 9 and 12 values a side this needs the exact test, which scipy's own choice
        # ('auto') would not make above 7 a side.
        for n, m in ((4, 4), (9, 9), (9, 12), (30, 30)):
            a = list(range(n))
            b = [100 + i for i in range(m)]
            want = 2 / math.comb(n + m, n)
            self.assertAlmostEqual(mannwhitney.two_sided_test(a, b)[1], want, delta=want * 1e-9)
            self.assertAlmostEqual(mannwhitney.two_sided_test(b, a)[1], want, delta=want * 1e-9)

    def test_ties_use_the_normal_approximation_with_tie_correction(self):
        # a = 1 2 2 3 5, b = 2 3 4 4 6. U = 0 + 0.5 + 0.5 + 1.5 + 4 = 6.5 (mean n·m/2 = 12.5).
        # Pooled tie groups: 2 (three), 3 (two), 4 (two): Σ t³ - t = 24 + 6 + 6 = 36, N = 10.
        # var = n·m/12 · ((N + 1) - 36 / (N (N - 1))) = 25/12 · (11 - 0.4);
        # z = (|6.5 - 12.5| - 0.5) / √var (continuity); p = erfc(z / √2).
        z = (6.0 - 0.5) / math.sqrt(25 / 12 * (11 - 36 / 90))
        u, p = mannwhitney.two_sided_test([1, 2, 2, 3, 5], [2, 3, 4, 4, 6])
        self.assertEqual(u, 6.5)
        self.assertAlmostEqual(p, math.erfc(z / math.sqrt(2)), delta=1e-12)

    def test_all_equal_samples_have_p_one(self):
        self.assertEqual(mannwhitney.two_sided_test([5.0] * 9, [5.0] * 9)[1], 1.0)

    def test_empty_sample_is_an_error(self):
        with self.assertRaises(ValueError):
            mannwhitney.two_sided_test([], [1.0, 2.0])

    def test_normal_approximation_agrees_with_exact(self):
        # A tie-free sample at the exact limit of 30 and the same shape just above it should
        # give nearly the same p (the approximation is good at these sizes).
        rng = random.Random(3)
        a = [rng.random() for _ in range(30)]
        b = [rng.random() + 0.2 for _ in range(30)]
        exact = mannwhitney.two_sided_test(a, b)[1]
        approx = mannwhitney.two_sided_test(a + [-1.0], b + [2.0])[1]  # 31 each: normal branch
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

    def test_median_shift_is_relative_to_a(self):
        self.assertAlmostEqual(mannwhitney.median_shift([10, 20, 30], [11, 22, 33]), 0.10)
        self.assertAlmostEqual(mannwhitney.median_shift([10, 20, 30], [9, 18, 27]), -0.10)


if __name__ == "__main__":
    unittest.main(verbosity=2)
